"""``bank import --save-template``: the columns used are saved and found again by the headers."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from desktop_ar.cli.main import main
from tests.services.bank_files import MT940, Row, csv_statement, write

ROWS = [Row(date(2026, 6, 3), "1200.00", "上海甲贸易有限公司", "INV-1043")]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_save_template_then_found_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    db = tmp_path / "book.db"
    assert run(capsys, "--db", db, "init")[0] == 0
    first = csv_statement(tmp_path / "may.csv", ROWS, opening="10.00")
    code, out, err = run(
        capsys, "--db", db, "bank", "import", first, "--save-template", "  Some  Bank "
    )
    assert code == 0, err
    assert "Saved the columns as the bank template 'Some Bank'." in out
    with sqlite3.connect(db) as conn:
        (row,) = conn.execute(
            "SELECT name, kind, header_row, header_signature FROM import_templates"
        ).fetchall()
    assert row[:3] == ("Some Bank", "bank_lines", 4) and len(row[3]) == 64
    second = csv_statement(tmp_path / "june.csv", ROWS, opening="500.00")
    code, out, _ = run(capsys, "--db", db, "bank", "import", second)
    assert code == 0 and "- columns mapped with the saved template 'Some Bank'" in out


def test_save_template_refused_for_mt940(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    db = tmp_path / "book.db"
    assert run(capsys, "--db", db, "init")[0] == 0
    path = write(tmp_path / "a.sta", MT940)
    code, _, err = run(capsys, "--db", db, "bank", "import", path, "--save-template", "X")
    assert code == 1 and "only for CSV or Excel" in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM bank_statements").fetchone() == (0,)
