"""A customer with a few documents, and that customer's own ledger written from our statement.

Their ledger is an accounts-payable ledger as a Chinese customer keeps it (a title, then 日期 /
凭证号 / 摘要 / 借方 / 贷方 / 余额 with a running balance): our invoices are credits, their
payments debits. Compared with ours it has three differences:

* the invoice of 05-20 (3,000) is missing — only ours;
* the invoice of 05-05 is booked at 7,500 instead of 8,000 — an amount difference of 500;
* a payment of 2,000 made on 06-27 that has not reached us — in transit (timing).

Our closing balance is 11,000.00, theirs 5,500.00: the 5,500.00 difference is 3,000 + 500 + 2,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.services.helpers import make_customer, make_invoice, pay

AS_OF = date(2026, 6, 30)
START = date(2026, 1, 1)

# The service module is written by another engineer in parallel: skip (naming it) if absent.
recon = pytest.importorskip(
    "desktop_ar.services.customer_reconciliation",
    reason="desktop_ar.services.customer_reconciliation (reconcile_customer…) is missing",
)


@dataclass
class Scenario:
    ctx: object
    customer_id: int
    numbers: dict[str, str]  # "a" / "b" / "c" → our invoice number
    ledger: Path


def make_scenario(ctx: object, folder: Path) -> Scenario:
    cid = make_customer(ctx, "杭州远景贸易有限公司", code="C100")
    make_invoice(ctx, cid, "2026-04-10", "10000.00")
    make_invoice(ctx, cid, "2026-05-05", "8000.00")
    make_invoice(ctx, cid, "2026-05-20", "3000.00")
    pay(ctx, cid, "2026-05-15", "10000.00")
    path = folder / "杭州远景-应付账款明细账-2026.xlsx"
    numbers = write_their_ledger(ctx, cid, path)
    return Scenario(ctx, cid, numbers, path)


def write_their_ledger(ctx: object, customer_id: int, path: Path) -> dict[str, str]:
    """Write the customer's AP ledger built from our statement (with the three differences)."""
    from desktop_ar.services.statements import statement_of_account

    section = statement_of_account(ctx, customer_id, START, AS_OF).sections[0]
    invoices = [x for x in section.lines if x.kind == "invoice"]
    numbers = dict(zip("abc", (x.number for x in invoices), strict=True))
    rows: list[tuple[date, str, str, Decimal, Decimal]] = []  # date, number, text, debit, credit
    for line in section.lines:
        if line.kind == "invoice" and line.number == numbers["c"]:
            continue  # not booked by them
        if line.kind == "invoice":
            amount = line.debit.to_decimal()
            if line.number == numbers["b"]:
                amount = Decimal("7500.00")
            rows.append((line.on, line.number, "采购货款", Decimal(0), amount))
        elif line.kind == "payment":
            rows.append((line.on, "付-0515", "银行付款", line.credit.to_decimal(), Decimal(0)))
    rows.append((date(2026, 6, 27), "付-0627", "银行付款（在途）", Decimal("2000.00"), Decimal(0)))
    rows.sort(key=lambda r: r[0])
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "应付账款"
    ws.append(["应付账款明细账 — 供应商：测试公司"])
    ws.append(["日期", "凭证号", "摘要", "借方", "贷方", "余额"])
    balance = Decimal(0)
    for on, number, text, debit, credit in rows:
        balance += credit - debit
        ws.append([on, number, text, debit or None, credit or None, balance])
    book.save(path)
    return numbers
