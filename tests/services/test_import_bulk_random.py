"""Bulk posting of imported receipts equals ``insert_payment`` on small random books.

Each seed builds a book of a few customers with random invoices (split terms, disputed and void
ones, earlier receipts) and a random receipt sheet: rows naming invoices in the invoice-number
column, rows naming them only in the reference, rows without either (oldest first), identical
rows and over-payments. The sheet is posted in bulk into the book and row by row into a copy of
it; every table must come out the same, allocations and exceptions included.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.domain.allocation import _normalise as normalise_number
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_kinds import HANDLERS, KindImport
from desktop_ar.services.import_kinds.payment_ledger import CustomerBook, OpenInvoice
from desktop_ar.services.invoicing import set_dispute, void_invoice
from tests.services.helpers import make_customer, make_invoice, pay
from tests.services.test_import_bulk import PAYMENT_HEADERS, _assert_same, _both_ways
from tests.services.test_imports import xlsx

_TERMS = ("NET30", "NET15", "30%NET30+70%NET60", "NET30 2%10D", "EOM30")


def _random_book(ctx: ServiceContext, rng: random.Random) -> dict[str, list[str]]:
    """Customers C001… with random invoices; the invoice numbers of each customer code."""
    numbers: dict[str, list[str]] = {}
    first = date(2026, 1, 1)
    for c in range(4):
        code = f"C{c + 1:03d}"
        cid = make_customer(ctx, f"客户{c + 1}", code=code, payment_terms=rng.choice(_TERMS))
        numbers[code] = []
        for i in range(rng.randrange(3, 9)):
            number = f"{code}-{i + 1:03d}"
            issue = first + timedelta(days=rng.randrange(150))
            amount = f"{rng.randrange(50, 900)}.{rng.randrange(100):02d}"
            iid = make_invoice(
                ctx, cid, issue.isoformat(), amount, number=number, terms=rng.choice(_TERMS)
            )
            numbers[code].append(number)
            pick = rng.random()
            if pick < 0.1:
                set_dispute(ctx, iid, True, "quality")
            elif pick < 0.15:
                void_invoice(ctx, iid, "typo")
        for _ in range(rng.randrange(3)):
            day = first + timedelta(days=rng.randrange(150, 170))
            pay(ctx, cid, day.isoformat(), str(rng.randrange(10, 300)), reference="earlier")
    return numbers


def _random_sheet(rng: random.Random, numbers: dict[str, list[str]]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for _ in range(40):
        code = rng.choice(list(numbers))
        day = date(2026, 6, 1) + timedelta(days=rng.randrange(25))
        amount = rng.choice((rng.randrange(20, 1_200), f"{rng.randrange(5, 500)}.50"))
        pick = rng.random()
        named = rng.sample(numbers[code], k=min(len(numbers[code]), rng.choice((1, 1, 2))))
        column = " ".join(named) if pick < 0.35 else None
        if 0.35 <= pick < 0.6:
            reference = f"pay {' and '.join(n.lower() for n in named)}"
        else:
            reference = rng.choice(("", "TX1", "回款", "earlier"))
        row = [day, code, amount, rng.choice(("转账", "现金", "网银")), reference, "", column]
        rows.append(row)
        if rng.random() < 0.1:
            rows.append(list(row))  # an identical row
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_payments_bulk_equals_insert_payment_on_random_books(
    ctx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    def one_by_one(kind: str) -> None:  # the twin posts row by row through insert_payment
        monkeypatch.setattr(HANDLERS[kind], "write", classmethod(KindImport.write.__func__))  # type: ignore[attr-defined]

    rng = random.Random(seed)
    numbers = _random_book(ctx, rng)
    rows = _random_sheet(rng, numbers)
    path = xlsx(tmp_path / "pay.xlsx", PAYMENT_HEADERS, rows, title="收款")
    bulk, single = _both_ways(ctx, tmp_path, path, "payments", one_by_one)
    _assert_same(bulk, single)
    assert len(bulk["payments"]) >= 40
    assert bulk["allocations"] and bulk["payment_exceptions"]


def test_named_invoices_are_those_whose_number_is_in_the_text() -> None:
    """``CustomerBook.named`` (slices of the text or a scan) equals a plain scan by id."""
    rng = random.Random(7)
    for size in (1, 5, 40, 300):
        book = CustomerBook()
        for key in rng.sample(range(1, 10_000), size):
            number = rng.choice(("INV-", "A", "", "inv/", "ＩＮＶ－")) + str(rng.randrange(1, 400))
            book.invoices[key] = OpenInvoice(
                key, number, date(2026, 1, 1), 1, "CNY", False,
                rng.choice(("open", "paid", "void")), rng.choice((0, 100)), 100,
                norm=normalise_number(number),
            )  # fmt: skip
        numbers = [inv.number for inv in book.invoices.values()]
        for _ in range(200):
            parts = rng.sample(numbers, k=min(len(numbers), rng.randrange(4)))
            text = rng.choice(("", "pay ", "回款 ")) + " and ".join(parts) + rng.choice(("", "x7"))
            squeezed = normalise_number(text)
            plain = [i for _, i in sorted(book.invoices.items()) if i.norm and i.norm in squeezed]
            assert book.named(text) == plain
            opened = [i for i in plain if i.open_minor > 0 and i.status != "void"]
            assert book.named(text, open_invoices=True) == opened
