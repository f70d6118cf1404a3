"""``statement-of-account`` and ``reconcile-customer`` on the command line (JSON shapes)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_ar.cli.main import main

AS_OF = date(2026, 6, 30)
LINE_KEYS = ["date", "type", "number", "description", "debit", "credit", "balance"]
STATEMENT_KEYS = [
    "customer_code", "currency", "from", "to", "opening_balance", "lines", "total_debit",
    "total_credit", "closing_balance", "open_items",
]  # fmt: skip


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
        b, _ = create_customer(ctx, CustomerInput(name="Global Ltd", code="C002"))
        cny = Money.of("1000", "CNY")
        create_invoice(ctx, InvoiceInput(a, date(2026, 3, 1), cny, number="INV-1"))
        create_invoice(ctx, InvoiceInput(a, date(2026, 6, 1), cny, number="INV-2"))
        record_payment(ctx, PaymentInput(a, date(2026, 6, 10), Money.of("1200", "CNY")))
        create_invoice(ctx, InvoiceInput(b, date(2026, 6, 2), cny, number="INV-3"))
        usd = Money.of("250.50", "USD")
        create_invoice(ctx, InvoiceInput(b, date(2026, 6, 3), usd, currency="USD", number="INV-4"))
    finally:
        ctx.engine.dispose()
    return path


def test_statement_json_has_the_documented_shape(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "--db", book, "statement-of-account", "C001", "--from", "2026-06-01", "--to",
        "2026-06-30", "--format", "json",
    )  # fmt: skip
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == STATEMENT_KEYS
    assert (data["customer_code"], data["currency"], data["from"], data["to"]) == (
        "C001", "CNY", "2026-06-01", "2026-06-30",
    )  # fmt: skip
    assert data["opening_balance"] == "1000.00" and data["closing_balance"] == "800.00"
    assert (data["total_debit"], data["total_credit"]) == ("1000.00", "1200.00")
    assert [list(line) for line in data["lines"]] == [LINE_KEYS, LINE_KEYS]
    invoice, payment = data["lines"]
    assert (invoice["type"], invoice["number"], invoice["debit"], invoice["credit"]) == (
        "invoice", "INV-2", "1000.00", "0.00",
    )  # fmt: skip
    assert (payment["type"], payment["credit"], payment["balance"]) == (
        "payment",
        "1200.00",
        "800.00",
    )
    assert payment["date"] == "2026-06-10"
    (item,) = data["open_items"]
    assert item["number"] == "INV-2" and item["amount"] == "800.00"
    assert item["due_date"] and isinstance(item["days_overdue"], int)


def test_several_currencies_give_a_json_array(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "--db", book, "statement-of-account", "C002", "--from", "2026-06-01", "--to",
        "2026-06-30", "--format", "json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0 and isinstance(data, list)
    assert [(x["currency"], x["closing_balance"]) for x in data] == [
        ("CNY", "1000.00"),
        ("USD", "250.50"),
    ]
    assert all(list(x) == STATEMENT_KEYS for x in data)


def test_statement_table_and_xlsx(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "--db", book, "statement-of-account", "C001", "--from", "2026-06-01", "--to",
        "2026-06-30",
    )  # fmt: skip
    assert code == 0 and "Statement of account C001 张三有限公司" in out
    assert "Opening balance" in out and "INV-2" in out and "800.00" in out
    target = tmp_path / "soa.xlsx"
    code, _, err = run(
        capsys, "--db", book, "statement-of-account", "C001", "--from", "2026-01-01", "--to",
        "2026-06-30", "--format", "xlsx", "-o", target,
    )  # fmt: skip
    assert code == 0 and f"Wrote {target}" in err
    assert "Statement CNY" in openpyxl.load_workbook(target).sheetnames


@pytest.mark.parametrize(
    ("argv", "status", "needle"),
    [
        (["C001", "--from", "2026-06-01", "--to", "2026-06-30", "--format", "xlsx"], 2, "-o FILE"),
        (["C001", "--from", "2026-07-01", "--to", "2026-06-30"], 2, "is after --to"),
        (["C001", "--to", "2026-06-30"], 2, "--from"),
        (["NOPE", "--from", "2026-06-01", "--to", "2026-06-30"], 1, "'NOPE' does not exist"),
    ],
)
def test_statement_bad_input_is_one_clear_line(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], status: int, needle: str
) -> None:
    code, _, err = run(capsys, "--db", book, "statement-of-account", *argv)
    assert code == status and needle in err and err.count("\n") == 1


def _ledger(path: Path, *, short: bool = False) -> Path:
    """C001's ledger as their accounts payable: INV-1 and INV-2 credits, their payment a debit."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "应付明细"
    ws.append(["应付账款明细账 张三有限公司"])
    ws.append(["日期", "凭证号", "摘要", "借方", "贷方", "余额"])
    ws.append([date(2026, 3, 2), "INV-1", "采购 INV-1", None, 1000, 1000])
    ws.append(
        [date(2026, 6, 2), "INV-2", "采购", None, 990 if short else 1000, 1990 if short else 2000]
    )
    ws.append([date(2026, 6, 9), "记-12", "付款", 1200, None, 790 if short else 800])
    ws.append([date(2026, 6, 28), "记-20", "付款 in transit", 300, None, 490 if short else 500])
    wb.save(path)
    return path


def test_reconcile_customer_json(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = _ledger(tmp_path / "their.xlsx", short=True)
    code, out, err = run(
        capsys, "--db", book, "reconcile-customer", "C001", ledger, "--to", "2026-06-30",
        "--format", "json",
    )  # fmt: skip
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == [
        "reconciliation_id", "customer_code", "currency", "from", "to", "their_side",
        "our_closing", "their_closing", "difference", "explained", "unexplained", "status",
        "counts", "items", "notes",
    ]  # fmt: skip
    assert (data["customer_code"], data["from"], data["to"]) == ("C001", "2026-03-01", "2026-06-30")
    assert (data["their_side"], data["status"]) == ("payable", "open")
    assert (data["our_closing"], data["their_closing"]) == ("800.00", "490.00")
    assert data["difference"] == data["explained"] == "310.00" and data["unexplained"] == "0.00"
    assert data["counts"] == {
        "matched": 2, "only_ours": 0, "only_theirs": 0, "amount_difference": 1, "timing": 1,
        "unresolved": 2,
    }  # fmt: skip
    short = next(i for i in data["items"] if i["result"] == "amount_difference")
    assert short["ours"] == {"date": "2026-06-01", "type": "invoice", "number": "INV-2",
                             "amount": "1000.00"}  # fmt: skip
    assert short["theirs"]["row"] == 4 and short["theirs"]["amount"] == "990.00"
    assert short["difference"] == "10.00" and short["resolved"] is False
    transit = next(i for i in data["items"] if i["result"] == "timing")
    assert transit["ours"] is None and transit["theirs"]["amount"] == "-300.00"


def test_reconcile_customer_table_and_their_side(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = _ledger(tmp_path / "their.xlsx")
    code, out, _ = run(
        capsys, "--db", book, "reconcile-customer", "C001", ledger, "--to", "2026-06-30",
        "--from", "2026-01-01",
    )  # fmt: skip
    assert code == 0 and "their side: payable" in out
    assert "Difference:            300.00" in out and "in transit" in out
    code, out, _ = run(
        capsys, "--db", book, "reconcile-customer", "C001", ledger, "--to", "2026-06-30",
        "--their-side", "receivable", "--format", "json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["their_side"] == "receivable"


def test_reconcile_customer_errors(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = _ledger(tmp_path / "their.xlsx")
    wb = openpyxl.load_workbook(ledger)
    wb.active.cell(4, 1).value = "not a date"
    wb.save(ledger)
    code, out, err = run(
        capsys, "--db", book, "reconcile-customer", "C001", ledger, "--to", "2026-06-30"
    )
    assert code == 1 and out == "" and "1 cell cannot be read" in err and "row 4" in err
    code, _, err = run(
        capsys,
        "--db",
        book,
        "reconcile-customer",
        "C001",
        tmp_path / "none.xlsx",
        "--to",
        "2026-06-30",
    )
    assert code == 1 and "does not exist" in err
    code, _, err = run(capsys, "--db", book, "reconcile-customer", "C001", ledger)
    assert code == 2 and "--to" in err
