"""M1: every released schema revision has a real database file that upgrades to head intact.

``fixtures/rev<REVISION>_*.db`` are small demo books written by that release (never edit them;
add a new one when a revision ships). Each is copied, opened (which upgrades it after taking a
backup), and must keep its business rows, pass the integrity and balance checks, and be at
head afterwards.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop_ar.db.schema import REVISIONS, head_revision
from desktop_ar.services.book import open_book
from desktop_ar.services.check import check_book

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("rev*.db"))
BUSINESS_TABLES = (
    "customers",
    "contacts",
    "orders",
    "order_lines",
    "invoices",
    "invoice_schedule_lines",
    "credit_notes",
    "payments",
    "allocations",
    "write_offs",
    "refunds",
    # revision 0002
    "contact_log",
    "disputes",
    "payment_exceptions",
    "exception_notes",
    "order_instalments",
    "invoice_lines",
    # revision 0003
    "import_batches",
    "import_rows",
    # revision 0004
    "import_templates",
    # revision 0005
    "bank_statements",
    "bank_lines",
    "bank_matches",
    "customer_reconciliations",
    "reconciliation_items",
    "balance_confirmations",
    # revision 0006
    "dunning_levels",
    "dunning_templates",
)


def columns(path: Path) -> dict[str, list[str]]:
    """The columns each business table has in the file."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in BUSINESS_TABLES}
        return {t: cols for t, cols in found.items() if cols}  # tables the file's revision has
    finally:
        con.close()


def signature(path: Path, cols: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """Row count and SHA-256 of the given columns of each business table, in key order.

    Only the columns the old file had are compared: a migration may add columns (with their
    documented defaults) but must not change what was there.
    """
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {}
        for table, names_list in cols.items():
            names = ", ".join(names_list)
            rows = con.execute(f"SELECT {names} FROM {table} ORDER BY rowid").fetchall()
            digest = hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()
            out[table] = (len(rows), digest)
        return out
    finally:
        con.close()


def test_every_released_revision_has_a_fixture() -> None:
    """The head revision gets its fixture when it ships; every earlier one must have one."""
    revisions = {p.name.split("_", 1)[0].removeprefix("rev") for p in FIXTURES}
    assert set(REVISIONS[:-1]) <= revisions <= set(REVISIONS)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_fixture_upgrades_to_head_with_business_data_intact(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    cols = columns(path)
    before = signature(path, cols)
    ctx = open_book(path)
    try:
        report = check_book(ctx)
        assert report.ok, report.problems
        with ctx.engine.connect() as conn:
            assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == (
                head_revision()
            )
    finally:
        ctx.engine.dispose()
    assert signature(path, cols) == before
    assert sum(count for count, _ in before.values()) > 1000
