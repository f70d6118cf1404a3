"""The ``desktop-ar`` command line: init, seed-demo, aging (table/json/csv/xlsx), check, errors.

Covers H1 (xlsx formula guard) and H2 (CSV guard + BOM) for the aging export, and the rule that
headless commands never import Qt.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
import types
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.cli.aging_output import display_width
from desktop_ar.cli.main import main

AS_OF = date(2026, 6, 30)
EVIL = '=HYPERLINK("http://example.com/x","click")'
LABELS = ["current", "1-30", "31-60", "61-90", "90+"]
AMOUNT = re.compile(r"^-?[0-9]+\.[0-9]{2}$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A small hand-made book: CNY invoices in several buckets, a credit, an overpayment, USD."""
    from desktop_ar.domain.money import Money
    from desktop_ar.services.book import open_book
    from desktop_ar.services.context import FixedClock
    from desktop_ar.services.customers import CustomerInput, create_customer
    from desktop_ar.services.invoicing import InvoiceInput, create_credit_note, create_invoice
    from desktop_ar.services.payments import PaymentInput, record_payment

    path = tmp_path / "book.db"
    assert run(capsys, "--db", path, "init")[0] == 0
    ctx = open_book(path, clock=FixedClock(AS_OF))
    try:
        cny = lambda s: Money.of(s, "CNY")  # noqa: E731
        a, _ = create_customer(ctx, CustomerInput(name="张三有限公司", code="C001"))
        b, _ = create_customer(ctx, CustomerInput(name=EVIL, code="C002"))
        c, _ = create_customer(ctx, CustomerInput(name="Acme Ltd", code="C003", currency="USD"))
        d, _ = create_customer(ctx, CustomerInput(name="-Dash & Co", code="C004"))
        # 90+: due 2026-03-31 (91 days); current: due 2026-07-15.
        create_invoice(ctx, InvoiceInput(a, date(2026, 3, 1), cny("1000"), number="INV-1"))
        create_invoice(ctx, InvoiceInput(a, date(2026, 6, 15), cny("500"), number="INV-2"))
        # 1-30: a standalone credit note of 29 days.
        create_credit_note(ctx, a, cny("100"), date(2026, 6, 1), "returned goods")
        # 1-30: due 2026-05-31, 150 of 200 paid.
        create_invoice(ctx, InvoiceInput(b, date(2026, 5, 1), cny("200"), number="INV-3"))
        record_payment(ctx, PaymentInput(b, date(2026, 6, 10), cny("150")))
        # 1-30: an overpayment nobody owes against.
        record_payment(ctx, PaymentInput(d, date(2026, 6, 20), cny("80")))
        # 31-60 in USD: due 2026-05-10 (51 days).
        usd, rate = Money.of("99.99", "USD"), Decimal("7.1")
        create_invoice(ctx, InvoiceInput(c, date(2026, 4, 10), usd, exchange_rate=rate))
    finally:
        ctx.engine.dispose()
    return path


def aging_json(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> dict:
    code, out, err = run(
        capsys, "--db", db, "aging", "--as-of", "2026-06-30", "--format", "json", *extra
    )
    assert code == 0, err
    return json.loads(out)


def test_version_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop_ar", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert re.fullmatch(r"desktop-ar \d+\.\d+\.\d+\S*\n", result.stdout)


def test_init_creates_an_empty_book_and_refuses_an_existing_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sub" / "new.db"
    code, out, _ = run(capsys, "--db", path, "init")
    assert code == 0 and path.exists() and str(path) in out
    code, _, err = run(capsys, "init", "--db", path)  # options may follow the command too
    assert code == 1
    assert (
        err.count("\n") == 1 and err.startswith("desktop-ar: error: ") and "already exists" in err
    )


def test_aging_json_has_the_documented_shape(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = aging_json(capsys, book)
    assert {"as_of", "basis", "by", "buckets", "currencies"} <= data.keys()
    assert data["as_of"] == "2026-06-30" and data["basis"] == "due" and data["by"] == "customer"
    assert data["buckets"] == LABELS
    assert [c["currency"] for c in data["currencies"]] == ["CNY", "USD"]
    cny = data["currencies"][0]
    assert list(cny["totals"]) == [*LABELS, "total"]
    assert cny["totals"] == {
        "current": "500.00",
        "1-30": "-130.00",
        "31-60": "0.00",
        "61-90": "0.00",
        "90+": "1000.00",
        "total": "1370.00",
    }
    for row in cny["rows"]:
        assert list(row)[:2] == ["customer_code", "customer_name"]
        assert {*LABELS, "total"} <= row.keys()
        assert all(AMOUNT.match(row[k]) for k in [*LABELS, "total"])
    for key in [*LABELS, "total"]:
        column = sum(Decimal(r[key]) for r in cny["rows"])
        assert column == Decimal(cny["totals"][key])
    credits = [r for r in cny["rows"] if r["kind"] == "credit_note"]
    assert [(r["customer_code"], r["1-30"], r["total"]) for r in credits] == [
        ("C001", "-100.00", "-100.00")
    ]
    unallocated = [r for r in cny["rows"] if r["kind"] == "unallocated_payment"]
    assert [(r["customer_name"], r["total"]) for r in unallocated] == [("-Dash & Co", "-80.00")]
    assert any(r["customer_name"] == EVIL for r in cny["rows"])
    usd = data["currencies"][1]
    assert usd["totals"]["31-60"] == "99.99" and usd["rows"][0]["customer_code"] == "C003"
    assert data["base_currency"] == "CNY"
    assert data["base_totals"]["31-60"] == "709.93"  # 99.99 × 7.1, half up


def test_aging_json_by_invoice_adds_document_fields(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = aging_json(capsys, book, "--by", "invoice")
    assert data["by"] == "invoice"
    rows = {r["invoice_number"]: r for r in data["currencies"][0]["rows"]}
    inv1 = rows["INV-1"]
    assert {"invoice_number", "invoice_date", "due_date", "days_overdue"} <= inv1.keys()
    assert inv1["invoice_date"] == "2026-03-01" and inv1["due_date"] == "2026-03-31"
    assert inv1["days_overdue"] == 91 and inv1["90+"] == "1000.00"
    assert rows["INV-2"]["days_overdue"] == 0 and rows["INV-2"]["current"] == "500.00"
    credit = next(r for r in rows.values() if r["kind"] == "credit_note")
    assert credit["invoice_date"] == "2026-06-01" and credit["days_overdue"] == 29
    assert credit["total"] == "-100.00" and credit["invoice_number"]


def test_aging_custom_buckets_and_basis(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = aging_json(capsys, book, "--buckets", "15,45", "--basis", "invoice")
    assert data["buckets"] == ["current", "1-15", "16-45", "45+"]
    assert data["basis"] == "invoice"
    assert list(data["currencies"][0]["totals"]) == ["current", "1-15", "16-45", "45+", "total"]
    assert data["currencies"][0]["totals"]["total"] == "1370.00"


def test_aging_table_aligns_chinese_names(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", book, "aging", "--as-of", "2026-06-30")
    assert code == 0
    assert "张三有限公司" in out and "1,000.00" in out and "-130.00" in out
    lines = out.splitlines()
    start = lines.index("CNY") + 1
    table = lines[start : lines.index("", start)]
    # The last column (Total) is right-aligned: every line ends at the same terminal column.
    assert len({display_width(line) for line in table}) == 1, table
    assert table[0].split()[-1] == "Total" and table[-1].startswith("Total")


def test_aging_csv_has_bom_and_guards_formulas(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """H2: UTF-8 with BOM, text starting with = or - prefixed with ', amounts untouched."""
    target = tmp_path / "aging.csv"
    code, _, _ = run(
        capsys, "--db", book, "aging", "--as-of", "2026-06-30", "--format", "csv", "-o", target
    )
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[:4] == ["currency", "customer_code", "customer_name", "kind"]
    names = {r["customer_name"] for r in rows}
    assert "'" + EVIL in names and "'-Dash & Co" in names and "张三有限公司" in names
    dash = next(r for r in rows if r["customer_name"] == "'-Dash & Co")
    assert dash["total"] == "-80.00"  # a negative amount is a number, not guarded text
    from desktop_ar.io.csv_writer import unguard_text

    assert unguard_text("'" + EVIL) == EVIL and unguard_text("'x") == "'x"
    # To stdout: the same bytes as the file (so `> aging.csv` works), BOM included.
    code, out, _ = run(capsys, "--db", book, "aging", "--as-of", "2026-06-30", "--format", "csv")
    assert code == 0 and out.startswith("\ufeff") and "'" + EVIL.replace('"', '""') in out


def test_aging_xlsx_is_formatted_and_guarded(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """H1: text cells are explicit strings with quotePrefix; amounts and dates stay typed."""
    import openpyxl

    target = tmp_path / "aging.xlsx"
    argv = ["--db", book, "aging", "--as-of", "2026-06-30", "--by", "invoice", "--format", "xlsx"]
    code, _, _ = run(capsys, *argv, "-o", target)
    assert code == 0 and target.exists() and not target.with_name("aging.xlsx.tmp").exists()
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["CNY", "USD"]
    ws = wb["CNY"]
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    header = [c.value for c in ws[2]]
    assert header[:3] == ["Code", "Customer", "Kind"] and header[-6:] == [*LABELS, "Total"]
    assert ws["A2"].font.b and ws.freeze_panes == "C3"
    evil = next(c for c in ws["B"] if c.value == EVIL)
    assert evil.data_type == "s" and evil.quotePrefix
    dash = next(c for c in ws["B"] if c.value == "-Dash & Co")
    assert dash.data_type == "s" and dash.quotePrefix
    first = ws[3]
    assert first[4].is_date and first[6].data_type == "n"
    total_col = len(header)
    amounts = [ws.cell(r, total_col).value for r in range(3, ws.max_row)]
    assert all(isinstance(v, int | float) for v in amounts)
    assert ws.cell(3, total_col).number_format == "#,##0.00"
    last = ws.max_row
    assert ws.cell(last, 1).value == "Total" and ws.cell(last, 1).font.b
    assert ws.cell(last, total_col).value == pytest.approx(1370)
    assert wb["USD"].cell(wb["USD"].max_row, len(header)).value == pytest.approx(99.99)


def test_export_to_a_missing_folder_is_a_clear_error(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nope" / "aging.xlsx"
    code, _, err = run(capsys, "--db", book, "aging", "--format", "xlsx", "-o", target)
    assert code == 1 and str(target) in err and err.count("\n") == 1


def test_check_is_clean_then_reports_a_tampered_balance(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", book, "check")
    assert code == 0 and out.startswith("OK")
    with sqlite3.connect(book) as conn:
        conn.execute("UPDATE invoices SET open_minor = open_minor - 1 WHERE number = 'INV-1'")
    code, out, err = run(capsys, "--db", book, "check")
    assert code == 1 and "problem" in out and "Traceback" not in out + err


@pytest.mark.parametrize(
    ("argv", "status", "needle"),
    [
        (["aging", "--as-of", "2026-02-30"], 2, "2026-02-30"),
        (["aging", "--as-of", "30/06/2026"], 2, "YYYY-MM-DD"),
        (["aging", "--format", "pdf"], 2, "pdf"),
        (["aging", "--by", "region"], 2, "region"),
        (["aging", "--format", "xlsx"], 2, "-o FILE"),
        (["aging", "--buckets", "60,30"], 2, "increasing"),
        (["seed-demo", "--customers", "0"], 2, "at least 1"),
        (["--frobnicate"], 2, "frobnicate"),
    ],
)
def test_bad_input_gives_one_line_and_status_2(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], status: int, needle: str
) -> None:
    code, out, err = run(capsys, "--db", book, *argv)
    assert code == status and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_missing_database_is_one_line_and_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.db"
    code, out, err = run(capsys, "--db", missing, "aging", "--as-of", "2026-06-30")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and str(missing) in err and "does not exist" in err
    assert not missing.exists()


def test_newer_schema_is_refused_clearly(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(book) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
    code, _, err = run(capsys, "--db", book, "check")
    assert code == 1 and err.count("\n") == 1 and "newer version" in err and "ffff" in err


def test_database_from_the_environment_and_options_after_the_command(
    book: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKTOP_AR_DB", str(book))
    code, out, _ = run(capsys, "aging", "--as-of", "2026-06-30", "--format", "json")
    assert code == 0 and json.loads(out)["currencies"]
    code, out, _ = run(capsys, "aging", "--db", book, "--as-of", "2026-06-30", "--format", "json")
    assert code == 0 and json.loads(out)["as_of"] == "2026-06-30"


def test_unexpected_error_is_logged_not_shown(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import desktop_ar.cli.main as cli
    import desktop_ar.services.reports as reports

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(reports, "aging", boom)
    monkeypatch.setattr(cli, "_user_dir", lambda kind: tmp_path / kind)
    code, _, err = run(capsys, "--db", book, "aging")
    log = tmp_path / "log" / "desktop_ar.log"
    assert code == 1 and err.count("\n") == 1
    assert "RuntimeError: disk on fire" in err and f"(details in {log})" in err
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_gui_path_creates_a_missing_book_and_runs_the_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[object, object, object]] = []

    def run_app(ctx: Any, *, as_of: date | None = None, lang: str | None = None) -> int:
        calls.append((ctx.db_path, as_of, lang))
        return 0

    fake = types.ModuleType("desktop_ar.ui.app")
    fake.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "desktop_ar.ui.app", fake)
    path = tmp_path / "gui.db"
    code, _, _ = run(capsys, "--db", path, "--as-of", "2026-06-30", "--lang", "en")
    assert code == 0 and path.exists()
    assert calls == [(path, date(2026, 6, 30), "en")]


def test_screenshots_command_renders_into_the_folder(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def render_all(ctx: object, out_dir: Path, *, as_of: date) -> list[Path]:
        target = out_dir / f"customers-{as_of.isoformat()}.png"
        target.write_bytes(b"\x89PNG")
        return [target]

    fake = types.ModuleType("desktop_ar.ui.screenshots")
    fake.render_all = render_all  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "desktop_ar.ui.screenshots", fake)
    out_dir = tmp_path / "shots"
    code, out, _ = run(
        capsys, "--db", book, "screenshots", "--out", out_dir, "--as-of", "2026-06-30"
    )
    assert code == 0 and out.strip() == str(out_dir / "customers-2026-06-30.png")


def test_seed_demo_then_aging_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.db"
    assert run(capsys, "--db", path, "init")[0] == 0
    argv = ["--customers", "20", "--invoices", "200", "--as-of", "2026-06-30"]
    code, out, err = run(capsys, "--db", path, "seed-demo", *argv)
    assert code == 0 and out.count("\n") == 1 and str(path) in out, err
    data = aging_json(capsys, path)
    for currency in data["currencies"] or pytest.fail("no open items"):
        for key in [*LABELS, "total"]:
            rows = sum(Decimal(r[key]) for r in currency["rows"])
            assert rows == Decimal(currency["totals"][key])
    assert run(capsys, "--db", path, "check")[0] == 0


def test_demo_without_gui_creates_the_book_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.db"
    argv = ["demo", "--db", path, "--no-gui", "--customers", "10", "--invoices", "50"]
    code, out, err = run(capsys, *argv, "--as-of", "2026-06-30")
    assert code == 0 and "Creating" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]
    code, out, err = run(capsys, *argv)
    assert code == 0 and "Creating" not in err and str(path) in out


@pytest.mark.parametrize("command", ["aging", "check"])
def test_headless_commands_never_import_qt(book: Path, command: str) -> None:
    argv = [sys.executable, "-X", "importtime", "-m", "desktop_ar", "--db", str(book), command]
    if command == "aging":
        argv += ["--as-of", "2026-06-30", "--format", "json"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "desktop_ar.services.reports" in imported or command == "check"
    assert not {m for m in imported if m.split(".")[0] == "PySide6"}
    assert "desktop_ar.ui" not in imported
