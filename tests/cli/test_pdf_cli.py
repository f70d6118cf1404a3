"""``desktop-ar pdf statement --customer CODE [--from] [--to] [--lang] -o FILE.pdf``."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from desktop_ar.cli.main import main

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
AS_OF = date(2026, 6, 30)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


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
        a, _ = create_customer(ctx, CustomerInput(name="张三有限公司", code="C001", language="zh"))
        cny = Money.of("1000", "CNY")
        create_invoice(ctx, InvoiceInput(a, date(2026, 3, 1), cny, number="INV-1"))
        create_invoice(ctx, InvoiceInput(a, date(2026, 6, 1), cny, number="INV-2"))
        record_payment(ctx, PaymentInput(a, date(2026, 6, 10), Money.of("1200", "CNY")))
    finally:
        ctx.engine.dispose()
    return path


def test_statement_in_the_customers_language(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c001.pdf"
    code, _, err = run(
        capsys, "--db", book, "pdf", "statement", "--customer", "C001", "--as-of", AS_OF, "-o", out
    )
    assert code == 0, err
    assert "2026-06-01 to 2026-06-30" in err
    text = text_of(out)
    assert "对账单" in text and "张三有限公司" in text
    # Opening 1,000.00 (INV-1), +1,000.00, -1,200.00 → 800.00.
    assert "期初余额" in text and "800.00" in text and "1,200.00" in text


def test_english_period_and_letter(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c001.pdf"
    code, _, err = run(
        capsys, "pdf", "statement", "--db", book, "--customer", "C001",
        "--from", "2026-01-01", "--to", "2026-06-30", "--lang", "en", "--paper", "Letter",
        "-o", out,
    )  # fmt: skip
    assert code == 0, err
    text = text_of(out)
    assert "Statement of Account" in text and "2026-01-01 to 2026-06-30" in text
    assert "2,000.00" in text and "800.00" in text


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["invoice", "--customer", "C001"], "not yet"),
        (["aging"], "not yet"),
        (["statement", "--all"], "not yet"),
        (["statement"], "needs --customer"),
        (
            ["statement", "--customer", "C001", "--from", "2026-07-01", "--to", "2026-06-01"],
            "after",
        ),
    ],
)
def test_refused_with_status_2(
    book: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    needle: str,
) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, "--db", book, "pdf", *argv, "-o", out)
    assert code == 2
    assert needle in err
    assert not out.exists()


def test_unknown_customer_is_status_1(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, "--db", book, "pdf", "statement", "--customer", "NOPE", "-o", out)
    assert code == 1 and "NOPE" in err
    assert not out.exists()
