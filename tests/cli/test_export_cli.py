"""``desktop-ar export LIST -o FILE.xlsx [--as-of DATE]``: files, progress on stderr, errors."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_ar.cli.main import main

AS_OF = date(2026, 6, 30)
EVIL = "=SUM(A1)"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    from desktop_ar.domain.money import Money
    from desktop_ar.services.book import open_book
    from desktop_ar.services.context import FixedClock
    from desktop_ar.services.customers import CustomerInput, create_customer
    from desktop_ar.services.invoicing import InvoiceInput, create_invoice
    from desktop_ar.services.payments import PaymentInput, record_payment

    path = tmp_path / "book.db"
    assert run(capsys, "--db", path, "init")[0] == 0
    ctx = open_book(path, clock=FixedClock(AS_OF))
    try:
        a, _ = create_customer(ctx, CustomerInput(name="张三有限公司", code="C001"))
        b, _ = create_customer(ctx, CustomerInput(name=EVIL, code="C002"))
        cny = Money.of("1000", "CNY")
        create_invoice(ctx, InvoiceInput(a, date(2026, 3, 1), cny, number="INV-1"))
        create_invoice(ctx, InvoiceInput(b, date(2026, 6, 1), cny, number="INV-2"))
        record_payment(ctx, PaymentInput(a, date(2026, 6, 10), Money.of("1200", "CNY")))
    finally:
        ctx.engine.dispose()
    return path


@pytest.mark.parametrize(
    ("what", "sheet", "rows"),
    [
        ("customers", "Customers", 2),
        ("orders", "Orders", 0),
        ("invoices", "Invoices", 2),
        ("payments", "Payments", 1),
        ("exceptions", "Exceptions", 2),
        ("aging", "CNY", 2),
    ],
)
def test_export_writes_a_formatted_workbook(
    book: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    what: str,
    sheet: str,
    rows: int,
) -> None:
    target = tmp_path / f"{what}.xlsx"
    code, out, err = run(
        capsys, "--db", book, "export", what, "-o", target, "--as-of", "2026-06-30"
    )
    assert code == 0 and out == "" and f"Wrote {rows} rows to {target}" in err
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == [sheet]
    title = wb[sheet]["A1"].value
    assert "2026-06-30" in title
    cells = [c for row in wb[sheet].iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    if what in ("customers", "invoices"):
        evil = next(c for c in cells if c.value == EVIL)
        assert evil.data_type == "s" and evil.quotePrefix
        assert any(c.value == "张三有限公司" for c in cells)


def test_as_of_before_the_command_works_too(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "i.xlsx"
    code, _, _ = run(
        capsys, "--db", book, "--as-of", "2026-05-31", "export", "invoices", "-o", target
    )
    assert code == 0
    assert openpyxl.load_workbook(target).active["A1"].value == "Invoices as of 2026-05-31"


@pytest.mark.parametrize(
    ("argv", "status", "needle"),
    [
        (["export", "statements", "-o", "x.xlsx"], 2, "statements"),
        (["export", "invoices"], 2, "-o"),
        (["export", "invoices", "-o", "x.xlsx", "--as-of", "30/06/2026"], 2, "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], status: int, needle: str
) -> None:
    code, _, err = run(capsys, "--db", book, *argv)
    assert code == status and needle in err and err.count("\n") == 1


def test_unwritable_target_is_one_line_status_1_and_keeps_the_old_file(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """B4 on the command line: a missing folder, then /dev/full."""
    missing = tmp_path / "nope" / "x.xlsx"
    code, _, err = run(capsys, "--db", book, "export", "invoices", "-o", missing)
    lines = [line for line in err.splitlines() if "error" in line]
    assert code == 1 and len(lines) == 1 and str(missing) in lines[0]
    assert "Traceback" not in err and "Exception ignored" not in err
    if Path("/dev/full").exists():
        code, _, err = run(capsys, "--db", book, "export", "aging", "-o", "/dev/full")
        assert code == 1 and "/dev/full" in err and "Traceback" not in err
        assert Path("/dev/full").is_char_device()


def test_export_does_not_import_qt(book: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from desktop_ar.cli.main import main\n"
        f"rc = main(['--db', {str(book)!r}, 'export', 'invoices', '-o', "
        f"{str(tmp_path / 'q.xlsx')!r}])\n"
        "assert rc == 0, rc\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
