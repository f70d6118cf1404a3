"""A tiny readable book for the matching tests: customers, open invoices, recorded payments."""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop_ar.domain.matching import (
    Candidate,
    Customer,
    EarlyDiscount,
    LineMatch,
    Matcher,
    MatchSettings,
    OpenInvoice,
    RecordedPayment,
    StatementLine,
)
from desktop_ar.domain.money import Money


def m(text: str, ccy: str = "CNY") -> Money:
    return Money.of(text, ccy)


def d(text: str) -> date:
    return date.fromisoformat(text)


CUSTOMERS = [
    Customer(1, "C001", "上海明远贸易有限公司", "明远贸易", bank_accounts=("6222 0000 1111 2222",)),
    Customer(2, "C002", "北京华信科技股份有限公司", "华信科技"),
    Customer(3, "C003", "ACME Trading Co., Ltd.", "ACME", payer_names=("John Smith",)),
    Customer(4, "C004", "Müller Maschinenbau GmbH", "Müller"),
    Customer(5, "C005", "北京明远贸易有限公司", "北京明远"),
]

#  id, number,     customer, open,      due
INVOICES = [
    (10, "INV-1043", 1, "1000.00", "2026-06-30"),
    (11, "INV-1044", 1, "250.00", "2026-07-15"),
    (12, "INV-1045", 1, "300.00", "2026-07-20"),
    (13, "INV-1046", 2, "4321.99", "2026-06-25"),
    (14, "INV-1047", 3, "980.00", "2026-06-01"),
    (15, "INV-1048", 4, "1500.00", "2026-07-01"),
    (16, "INV-1049", 5, "777.00", "2026-06-28"),
]


def invoices(**extra: Any) -> list[OpenInvoice]:
    """The table above; ``extra`` maps an invoice id to field overrides."""
    out = []
    for iid, number, cid, amount, due in INVOICES:
        fields: dict[str, Any] = {
            "id": iid,
            "number": number,
            "customer_id": cid,
            "open_amount": m(amount),
            "due_date": d(due),
        }
        fields.update(extra.get(str(iid), {}))
        out.append(OpenInvoice(**fields))
    return out


def discount(amount: str, until: str) -> EarlyDiscount:
    return EarlyDiscount(m(amount), d(until))


def payment(
    pid: int, number: str, cid: int | None, amount: str, when: str = "2026-06-29", **kw: Any
) -> RecordedPayment:
    return RecordedPayment(pid, number, cid, m(amount), d(when), **kw)


def line(amount: str | Money, lid: int = 1, booked: str = "2026-06-30", **kw: Any) -> StatementLine:
    money = amount if isinstance(amount, Money) else m(amount)
    return StatementLine(lid, d(booked), money, **kw)


def matcher(
    invoice_list: list[OpenInvoice] | None = None,
    payments: list[RecordedPayment] | None = None,
    customers: list[Customer] | None = None,
    **settings: Any,
) -> Matcher:
    settings.setdefault("tolerance", m("1.00"))
    return Matcher(
        invoices=invoices() if invoice_list is None else invoice_list,
        payments=payments or [],
        customers=CUSTOMERS if customers is None else customers,
        settings=MatchSettings(**settings),
    )


def codes(candidate: Candidate) -> list[str]:
    return [r.code for r in candidate.reasons]


def reason(candidate: Candidate, code: str) -> dict[str, Any] | None:
    for r in candidate.reasons:
        if r.code == code:
            return dict(r.params)
    return None


def best(result: LineMatch) -> tuple[str, tuple[str, ...]] | None:
    b = result.best
    return None if b is None else (b.kind, b.numbers)


def find(result: LineMatch, *numbers: str) -> Candidate | None:
    for c in result.candidates:
        if c.numbers == numbers or tuple(sorted(c.numbers)) == tuple(sorted(numbers)):
            return c
    return None
