"""``desktop-ar dunning run``: proposing, issuing (PDF + .eml), the JSON shape, usage errors."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.cli.args import iso_date
from desktop_ar.cli.dunning_command import add_dunning_command
from desktop_ar.cli.main import UsageError
from tests.services.helpers import make_customer, make_invoice

ENTRY_KEYS = {
    "customer_code",
    "customer_name",
    "level",
    "interest_rate",
    "currency",
    "fee",
    "total",
    "items",
    "pdf",
    "eml",
}
ITEM_KEYS = {"invoice_number", "outstanding", "days_overdue", "interest"}


@contextmanager
def opener(args: argparse.Namespace) -> Iterator[Any]:
    from desktop_ar.services.book import open_book

    ctx = open_book(args.db, user="cli")
    try:
        yield ctx
    finally:
        ctx.engine.dispose()


def parser() -> argparse.ArgumentParser:
    """A parser like ``desktop-ar``'s: ``--db``/``--as-of`` before or after the command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS)
    common.add_argument("--as-of", type=iso_date, default=argparse.SUPPRESS)
    top = argparse.ArgumentParser(prog="desktop-ar")
    top.add_argument("--db")
    top.add_argument("--as-of", type=iso_date)
    add_dunning_command(top.add_subparsers(), [common], opener)
    return top


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    args = parser().parse_args([str(a) for a in argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def book(ctx: Any, db_path: Path) -> Path:
    a = make_customer(ctx, "明远贸易有限公司", code="C1", language="zh", email="a@c1.example")
    make_invoice(ctx, a, "2026-01-01", "1000.00", number="INV-1")  # due 01-31
    make_invoice(ctx, a, "2026-04-10", "250.00", number="INV-2", currency="USD")  # due 05-10
    b = make_customer(ctx, "Beta Ltd", code="C2", language="en")
    make_invoice(ctx, b, "2026-05-26", "80.00", number="INV-8")  # due 06-25
    ctx.engine.dispose()
    return db_path


def test_propose_json_shape(capsys: pytest.CaptureFixture[str], book: Path) -> None:
    code, out, _ = run(
        capsys, "--db", book, "dunning", "run", "--as-of", "2026-06-30", "--format", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert (doc["as_of"], doc["issued"]) == ("2026-06-30", False)
    entries = doc["customers"]
    assert [(e["customer_code"], e["currency"]) for e in entries] == [
        ("C1", "CNY"),
        ("C1", "USD"),
        ("C2", "CNY"),
    ]
    for e in entries:
        assert set(e) == ENTRY_KEYS and (e["pdf"], e["eml"]) == (None, None)
        assert all(set(i) == ITEM_KEYS for i in e["items"])
    first = entries[0]
    assert (first["level"], first["interest_rate"], first["fee"], first["total"]) == (
        1,
        "0.00",
        "0.00",
        "1000.00",
    )
    assert first["items"] == [
        {
            "invoice_number": "INV-1",
            "outstanding": "1000.00",
            "days_overdue": 150,
            "interest": "0.00",
        }
    ]
    assert scalar_count(book) == 0  # proposing writes nothing


def scalar_count(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM dunning_notices").fetchone()[0]


def test_level_filter_and_table(capsys: pytest.CaptureFixture[str], book: Path) -> None:
    code, out, _ = run(
        capsys, "--db", book, "dunning", "run", "--as-of", "2026-06-30", "--level", "2"
    )
    assert code == 0 and "Proposed 0 letters" in out
    code, out, _ = run(capsys, "dunning", "run", "--db", book, "--as-of", "2026-06-30")
    assert code == 0 and "C1" in out and "C2" in out and "Proposed 2 letters" in out


def test_issue_writes_files_and_json(
    capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "letters"
    code, out, err = run(
        capsys,
        "--db",
        book,
        "dunning",
        "run",
        "--as-of",
        "2026-06-30",
        "--issue",
        "--out",
        out_dir,
        "--format",
        "json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["issued"] is True
    c1 = doc["customers"][0]
    assert Path(c1["pdf"]).name == "C1-L1-2026-06-30.pdf" and Path(c1["pdf"]).is_file()
    msg = BytesParser(policy=policy.default).parsebytes(Path(c1["eml"]).read_bytes())
    assert msg["To"] == "a@c1.example"
    assert "INV-1" in msg.get_body(preferencelist=("plain",)).get_content()
    assert "C2: no email address" in err
    assert scalar_count(book) == 2
    # the same day again: the interval holds, nothing more is issued
    code, out, _ = run(
        capsys,
        "--db",
        book,
        "dunning",
        "run",
        "--as-of",
        "2026-06-30",
        "--issue",
        "--out",
        out_dir,
        "--format",
        "json",
    )
    assert (code, json.loads(out)["customers"], scalar_count(book)) == (0, [], 2)


def test_issue_without_out_is_a_usage_error(capsys: pytest.CaptureFixture[str], book: Path) -> None:
    with pytest.raises(UsageError, match="--out"):
        run(capsys, "--db", book, "dunning", "run", "--as-of", "2026-06-30", "--issue")
    assert scalar_count(book) == 0


def test_main_exit_status_when_wired(capsys: pytest.CaptureFixture[str], book: Path) -> None:
    from desktop_ar.cli.main import build_parser, main

    if "dunning" not in build_parser().format_help():
        pytest.skip("the dunning command is not registered in cli/main.py yet")
    assert main(["--db", str(book), "dunning", "run", "--as-of", "2026-06-30", "--issue"]) == 2
    code = main(["--db", str(book), "dunning", "run", "--as-of", "2026-06-30", "--format", "json"])
    assert code == 0 and len(json.loads(capsys.readouterr().out)["customers"]) == 3
