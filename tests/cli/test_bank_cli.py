"""``desktop-ar bank import|match|list|close``: summaries, the JSON shape, exit codes."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.cli.main import main
from desktop_ar.domain.money import Money
from tests.services import bank_files
from tests.services.bank_files import Row, camt, csv_statement, open_invoices, write

demo_template = bank_files.demo_template
demo = bank_files.demo
JUNE = date(2026, 6, 20)
CANDIDATE_KEYS = {"kind", "number", "customer_code", "amount", "confidence", "reasons"}


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def book(demo: Any, tmp_path: Path) -> tuple[Path, Path, list[Any]]:
    """The demo book's file and a statement: two named invoices, a sum of two, a fee."""
    invoices = open_invoices(demo)
    demo.engine.dispose()  # the command line opens the file itself
    path = tmp_path / "demo.db"
    by_customer: dict[int, list[Any]] = {}
    for inv in invoices[2:]:
        by_customer.setdefault(inv.customer_id, []).append(inv)
    a, b = next(v for v in by_customer.values() if len(v) >= 2)[:2]
    pair = Money(a.open_minor + b.open_minor, "CNY").amount_str()
    rows = [
        Row(JUNE, invoices[0].open_text, invoices[0].customer_name, f"货款 {invoices[0].number}"),
        Row(JUNE, invoices[1].open_text, invoices[1].customer_name, f"货款 {invoices[1].number}"),
        Row(JUNE, pair, a.customer_name, f"付 {a.number} {b.number}"),
        Row(JUNE, "-5.50", "", "手续费"),
    ]
    statement = csv_statement(tmp_path / "june.csv", rows)
    return path, statement, [invoices[0], invoices[1], a, b]


def test_import_prints_the_summary_and_flags_a_second_import(
    book: tuple[Path, Path, list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, statement, _ = book
    code, out, _ = run(capsys, "--db", db, "bank", "import", statement)
    assert code == 0, out
    assert "Statement 1: account 6222000011112222, CNY" in out
    assert "period 2026-06-01 – 2026-06-30, opening balance 1000.00" in out
    assert "4 lines (4 to reconcile)" in out and "Imported 1 statement(s)" in out
    code, out, _ = run(capsys, "bank", "import", statement, "--db", db)
    assert code == 0 and "! imported before: duplicate of statement 1" in out
    code, out, _ = run(capsys, "--db", db, "bank", "list")
    assert code == 0 and "duplicate of 1" in out and "6222000011112222" in out


def test_match_json_shape_auto_accept_and_close(
    book: tuple[Path, Path, list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, statement, (first, _second, a, b) = book
    assert run(capsys, "--db", db, "bank", "import", statement)[0] == 0
    code, out, _ = run(capsys, "--db", db, "bank", "match", "1", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"statement_id", "lines"} and data["statement_id"] == 1
    lines = data["lines"]
    assert [set(line) for line in lines] == [
        {"line_id", "date", "amount", "text", "status", "candidates"}
    ] * 4
    named = lines[0]
    assert (named["date"], named["amount"], named["status"]) == (
        "2026-06-20",
        first.open_text,
        "open",
    )
    assert first.number in named["text"]
    best = named["candidates"][0]
    assert set(best) == CANDIDATE_KEYS
    assert (best["kind"], best["number"], best["amount"]) == (
        "invoice",
        first.number,
        first.open_text,
    )
    assert best["confidence"] >= 0.9 and isinstance(best["confidence"], float)
    assert f"invoice {first.number} in memo" in best["reasons"]
    pair = lines[2]["candidates"][0]
    assert set(pair) == CANDIDATE_KEYS | {"numbers"} and pair["kind"] == "invoice"
    assert set(pair["numbers"]) == {a.number, b.number}
    assert pair["number"] == ", ".join(pair["numbers"])
    assert lines[3]["candidates"] == [] and lines[3]["amount"] == "-5.50"
    code, out, err = run(
        capsys, "--db", db, "bank", "match", "1", "--auto-accept", "0.95", "--format", "json"
    )
    assert code == 0 and "Auto-accepted 3 line(s)" in err
    statuses = [line["status"] for line in json.loads(out)["lines"]]
    assert statuses == ["matched", "matched", "matched", "open"]
    code, _, err = run(capsys, "--db", db, "bank", "close", "1")
    assert code == 1 and "cannot be closed: 1 line(s) still open, the first is line 4" in err
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE bank_lines SET status = 'ignored', explanation = 'fee' WHERE seq = 4")
    code, out, _ = run(capsys, "--db", db, "bank", "close", "1")
    assert code == 0 and "Closed statement 1." in out
    code, out, _ = run(capsys, "--db", db, "bank", "match", "1")
    assert code == 0 and "= new_payment" in out and "auto" in out and "= ignored: fee" in out


def test_match_table(
    book: tuple[Path, Path, list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, statement, (first, *_rest) = book
    run(capsys, "--db", db, "bank", "import", statement)
    code, out, _ = run(capsys, "--db", db, "bank", "match", "1")
    assert code == 0
    assert f"invoice   {first.number}" in out and "amount equal" in out
    assert "(no candidates)" in out  # the bank fee


def test_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "empty.db"
    assert run(capsys, "--db", db, "init")[0] == 0
    code, _, err = run(
        capsys, "--db", db, "bank", "import", write(tmp_path / "n.xml", camt("054.001.08"))
    )
    assert code == 1 and "camt.054" in err
    code, _, err = run(capsys, "--db", db, "bank", "import", tmp_path / "n.xml", "--format", "pdf")
    assert code == 2 and "invalid choice" in err
    code, _, err = run(capsys, "--db", db, "bank", "match", "7")
    assert code == 1 and "Bank statement 7" in err
    code, out, _ = run(capsys, "--db", db, "bank", "list")
    assert code == 0 and "No bank statements yet" in out
    code, _, err = run(capsys, "--db", db, "bank", "match", "1", "--auto-accept", "2")
    assert code == 2 and "between 0 and 1" in err
    code, _, err = run(capsys, "--db", db, "bank")
    assert code == 2
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM bank_statements").fetchone() == (0,)


def test_bank_commands_never_import_qt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import subprocess
    import sys

    db = tmp_path / "book.db"
    assert run(capsys, "--db", db, "init")[0] == 0
    argv = [sys.executable, "-X", "importtime", "-m", "desktop_ar", "--db", str(db), "bank", "list"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "desktop_ar.services.bank_statements" in imported
    assert not {m for m in imported if m.split(".")[0] == "PySide6"}
