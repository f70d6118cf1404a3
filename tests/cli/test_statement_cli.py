"""``desktop-ar export statement --customer CODE [--from] [--to] -o FILE.xlsx``."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from desktop_ar.cli.main import main

AS_OF = date(2026, 6, 30)


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
        cny = Money.of("1000", "CNY")
        create_invoice(ctx, InvoiceInput(a, date(2026, 3, 1), cny, number="INV-1"))
        create_invoice(ctx, InvoiceInput(a, date(2026, 6, 1), cny, number="INV-2"))
        record_payment(ctx, PaymentInput(a, date(2026, 6, 10), Money.of("1200", "CNY")))
    finally:
        ctx.engine.dispose()
    return path


def _sheet(path: Path) -> list[list[object]]:
    ws = openpyxl.load_workbook(path)["Statement CNY"]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_defaults_to_the_month_of_as_of(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "s.xlsx"
    code, out, err = run(
        capsys, "--db", book, "--as-of", "2026-06-30", "export", "statement", "--customer",
        "C001", "-o", target,
    )  # fmt: skip
    assert code == 0 and out == ""
    assert "C001, 2026-06-01 to 2026-06-30: closing balance 800.00 CNY" in err
    assert f"Wrote 3 rows to {target}" in err  # 2 lines, 1 open item
    rows = _sheet(target)
    assert rows[1][0] == "Statement of account as of 2026-06-30"
    opening = next(r for r in rows if r[1] == "Opening balance")
    closing = next(r for r in rows if r[1] == "Closing balance")
    assert opening[0] == datetime(2026, 6, 1) and opening[6] == 1000
    assert closing[0] == datetime(2026, 6, 30) and closing[6] == 800


def test_from_and_to_choose_the_period(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "s.xlsx"
    code, _, err = run(
        capsys, "--db", book, "export", "statement", "--customer", "C001", "--from",
        "2026-01-01", "--to", "2026-05-31", "-o", target,
    )  # fmt: skip
    assert code == 0 and "closing balance 1000.00 CNY" in err
    rows = _sheet(target)
    assert rows[1][0] == "Statement of account as of 2026-05-31"
    lines = [r[2] for r in rows if r[1] == "Invoice" and isinstance(r[3], str)]
    assert lines == ["INV-1"]  # the line; INV-1 is also the one open item below


@pytest.mark.parametrize(
    ("argv", "status", "needle"),
    [
        (["export", "statement", "-o", "x.xlsx"], 2, "--customer CODE"),
        (["export", "invoices", "--customer", "C001", "-o", "x.xlsx"], 2, "statement' only"),
        (
            ["export", "statement", "--customer", "C001", "--from", "2026-07-01", "--to",
             "2026-06-30", "-o", "x.xlsx"],
            2,
            "--from 2026-07-01 is after",
        ),
        (["export", "statement", "--customer", "C001", "--to", "30.6.2026", "-o", "x"], 2, "YYYY"),
        (["export", "statement", "--customer", "NOPE", "-o", "x.xlsx"], 1, "'NOPE' does not exist"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_line(
    book: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    status: int,
    needle: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "--db", book, *argv)
    assert code == status and needle in err and err.count("\n") == 1
    assert not (tmp_path / "x.xlsx").exists()
