"""The example files shipped in examples/ import cleanly, in order (they stay true to the docs).

``customers.xlsx`` comes first: every other example names its customers (C90001 to C90003).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_ar.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
IN_ORDER = (
    ("customers", 3),
    ("invoices", 3),
    ("payments", 2),
    ("orders", 5),
    ("opening_balances", 4),
)


def test_example_files_import_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "book.db")
    assert main(["--db", db, "init"]) == 0
    for kind, created in IN_ORDER:
        assert main(["--db", db, "import", kind, str(EXAMPLES / f"{kind}.xlsx")]) == 0
        out = capsys.readouterr().out
        assert f"created: {created}" in out and "rejected: 0" in out, out
    assert main(["--db", db, "check"]) == 0
    with sqlite3.connect(db) as conn:
        orders = conn.execute("SELECT number, status, total_minor FROM orders ORDER BY number")
        assert orders.fetchall() == [
            ("SO-90001", "confirmed", 1_374_080),
            ("SO-90002", "confirmed", 1_050_900),
            ("SO-90003", "confirmed", 1_272_000),
        ]
        opening = conn.execute(
            "SELECT number, amount_minor FROM invoices WHERE opening_balance = 1 ORDER BY number"
        )
        assert opening.fetchall() == [
            ("QC-2025-1187", 3_680_000),
            ("QC-2026-0042", 1_245_000),
            ("QC-2026-0107", 520_050),
        ]
        credit = conn.execute("SELECT unallocated_minor FROM payments WHERE method = 'other'")
        assert credit.fetchall() == [(300_000,)]


def test_examples_need_customers_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "book.db")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "import", "orders", str(EXAMPLES / "orders.xlsx")]) == 1
    assert "import or create the customer first" in capsys.readouterr().out
