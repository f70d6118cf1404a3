"""``desktop-ar pdf KIND [--customer CODE | --all | --number N] [--from] [--to] -o OUT``."""

from __future__ import annotations

import shutil
import sqlite3
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
        b, _ = create_customer(ctx, CustomerInput(name="A <B> & Co", code="C002", language="en"))
        owed = Money.of("300.50", "CNY")
        create_invoice(ctx, InvoiceInput(b, date(2026, 1, 10), owed, number="INV-3"))
        create_customer(ctx, CustomerInput(name="Idle Ltd", code="C003", language="en"))
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
        (["statement"], "needs --customer CODE or --all"),
        (["invoice"], "--number NUMBER"),
        (["statement", "--customer", "C001", "--all"], "not allowed with"),
        (["statement", "--number", "INV-1"], "--number is for invoice and receipt"),
        (["invoice", "--number", "INV-1", "--customer", "C001"], "--number alone"),
        (["statement", "--all", "--level", "2"], "--level is for dunning"),
        (["aging", "--level", "2"], "--level is for dunning"),
        (["confirmation", "--customer", " "], "needs a customer code"),
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


def test_all_statements_to_one_file(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "all.pdf"
    code, _, err = run(
        capsys, "--db", book, "pdf", "statement", "--all", "--as-of", AS_OF, "-o", out
    )
    assert code == 0, err
    assert f"Wrote 2 documents (2 pages) to {out}" in err
    text = text_of(out)
    assert "张三有限公司" in text and "800.00" in text  # C001, in Chinese
    assert "A <B> & Co" in text and "300.50" in text  # C002, in English
    assert "第 1 页，共 1 页" in text and "Page 1 of 1" in text
    assert "Idle Ltd" not in text  # nothing to show
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.pdf", "book.db"]


@pytest.mark.parametrize("how", ["existing", "slash", "no-suffix"])
def test_all_statements_one_file_each(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    folder = tmp_path / "statements"
    if how == "existing":
        folder.mkdir()
    target = f"{folder}/" if how == "slash" else str(folder)
    code, _, err = run(capsys, "--db", book, "pdf", "statement", "--all", "--as-of", AS_OF,
                       "-o", target)  # fmt: skip
    assert code == 0, err
    assert f"Wrote 2 documents (2 pages) to {folder}" in err
    assert sorted(p.name for p in folder.iterdir()) == ["statement-C001.pdf", "statement-C002.pdf"]
    assert "A <B> & Co" in text_of(folder / "statement-C002.pdf")


def test_nothing_to_print_is_status_1(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, "--db", book, "pdf", "statement", "--all", "--as-of", "2025-06-30",
                       "-o", out)  # fmt: skip
    assert code == 1 and "nothing to print" in err
    assert not out.exists()


def _payment_number(book: Path) -> str:
    con = sqlite3.connect(book)
    try:
        return str(con.execute("SELECT number FROM payments ORDER BY id LIMIT 1").fetchone()[0])
    finally:
        con.close()


def test_other_documents(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        (["invoice", "--number", "INV-3"], ["INV-3", "300.50", "A <B> & Co"]),
        (["receipt", "--number", _payment_number(book)], ["1,200.00", "张三有限公司"]),
        (["dunning", "--customer", "C002"], ["INV-3", "300.50"]),
        (["confirmation", "--customer", "C001"], ["800.00", "张三有限公司"]),
        (["aging"], ["800.00", "300.50", "A <B> & Co"]),
    ]
    for argv, needles in cases:
        out = tmp_path / f"{argv[0]}.pdf"
        code, _, err = run(capsys, "--db", book, "pdf", *argv, "--as-of", AS_OF, "-o", out)
        assert code == 0, (argv, err)
        assert "Wrote 1 document (" in err
        text = text_of(out)
        for needle in needles:
            assert needle in text, (argv, needle)
