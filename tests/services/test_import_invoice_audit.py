"""The template of an imported invoice's audit text equals the encoded dict, value for value."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import ScheduleLine
from desktop_ar.services.audit import to_json
from desktop_ar.services.import_kinds.bulk_rows import audit_json
from desktop_ar.services.import_kinds.invoice_audit import (
    _CREATED_FITS,
    INVOICE_KEYS,
    _created,
    created_json,
)


def _row(rng: random.Random, number: str, order_id: int | None, rate: Decimal) -> tuple:
    net, tax = rng.randrange(0, 10**9), rng.randrange(0, 10**7)
    values = {
        "number": number, "order_id": order_id, "customer_id": rng.randrange(1, 5000),
        "issue_date": date(2026, 1, 1) + timedelta(days=rng.randrange(400)),
        "due_date": date(2026, 6, 1), "currency": rng.choice(("CNY", "USD", "JPY")),
        "exchange_rate": rate, "payment_terms": rng.choice(("NET30", "30%NET30+70%NET60")),
        "net_minor": net, "tax_minor": tax, "amount_minor": net + tax, "open_minor": net + tax,
        "status": "open", "fapiao_issued": False, "fapiao_number": "", "fapiao_date": None,
        "notes": "", "created_at": datetime(2026, 6, 30, 12),
    }  # fmt: skip
    return tuple(values[k] for k in INVOICE_KEYS)


def test_created_json_is_the_encoded_dict() -> None:
    assert _CREATED_FITS  # the template, not the fallback, is what is compared
    rng = random.Random(3)
    numbers = ("INV-1", 'quote " and \\ back', "发票 №7\t", "IMP-0000001", "", "\u2028x")
    for i in range(300):
        row = _row(
            rng,
            rng.choice(numbers),
            rng.choice((None, 17)),
            Decimal(rng.choice(("1", "7.10", "1E+2"))),
        )
        lines = [
            ScheduleLine(n, date(2026, 7, n), Money(rng.randrange(1, 10**6), "CNY"), None,
                         Money.zero("CNY"))
            for n in range(1, rng.randrange(1, 4))
        ]  # fmt: skip
        after = _created(row, lines)
        assert created_json(row, lines) == audit_json(after) == to_json(after), i
