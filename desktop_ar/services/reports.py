"""Reports: aging as of any date (more reports arrive with the analysis issue)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from desktop_ar.db.queries.balances import (
    AgingSourceRow,
    aging_invoice_sums,
    aging_rows,
    credit_rows,
    is_current,
)
from desktop_ar.domain.aging import AgingItem, AgingReport, AgingSum, Buckets, age, age_sums
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader

BASES = ("due", "invoice")


def to_aging_items(rows: Sequence[AgingSourceRow]) -> list[AgingItem]:
    """Rows of :func:`~desktop_ar.db.queries.balances.aging_rows` as domain aging items."""
    return [
        AgingItem(
            customer_id=r[0],
            customer_code=r[1],
            customer_name=r[2],
            kind=r[3],
            document_id=r[4],
            document_number=r[5],
            document_date=r[6],
            due_date=r[7],
            open=Money(int(r[10]), r[8]),
            rate_to_base=r[9],
            overdue_reason=r[11],
            measure=r[12],
        )
        for r in rows
    ]


def aging_items(
    ctx: ServiceContext, *, as_of: date, customer_id: int | None = None
) -> list[AgingItem]:
    """The open items (invoice lines, credit notes, unallocated payments) as of ``as_of``."""
    with reader(ctx) as s:
        return to_aging_items(aging_rows(s, as_of, customer_id))


def aging(
    ctx: ServiceContext,
    *,
    as_of: date,
    buckets: Buckets | None = None,
    basis: str | None = None,
    customer_id: int | None = None,
    detail: bool = False,
) -> AgingReport:
    """Aging as of ``as_of`` by customer and by item, per currency with base-currency totals.

    Args:
        ctx: service context.
        as_of: the date to age at; documents and payments dated after it do not count.
        buckets: bucket boundaries; the company setting when None.
        basis: "due" (days past due date) or "invoice" (days since invoice date); the company
            setting when None.
        customer_id: only this customer's items (always with per-item detail).
        detail: also list every open item (``by_item``); without it, and without a customer,
            the database sums the buckets per customer (fast on a million invoices) and
            ``by_item`` is empty.
    """
    with reader(ctx) as s:
        settings = load_settings(s)
    chosen_basis = basis or settings.aging_basis
    if chosen_basis not in BASES:
        raise UserFacingError("invalid", field="basis", reason="use 'due' or 'invoice'")
    chosen = buckets or settings.buckets
    if detail or customer_id is not None:
        items = aging_items(ctx, as_of=as_of, customer_id=customer_id)
        return age(
            items,
            as_of=as_of,
            buckets=chosen,
            basis=chosen_basis,
            base_currency=settings.base_currency,
        )
    return age_sums(
        _sums(ctx, as_of, chosen, chosen_basis),
        as_of=as_of,
        buckets=chosen,
        basis=chosen_basis,
        base_currency=settings.base_currency,
    )


def _sums(ctx: ServiceContext, as_of: date, buckets: Buckets, basis: str) -> list[AgingSum]:
    edges = buckets.date_edges(as_of)
    with reader(ctx) as s:
        current = is_current(s, as_of)
        invoice_rows = aging_invoice_sums(s, as_of, edges, basis, current=current)
        credits = credit_rows(s, as_of, current=current)
    sums = [
        AgingSum(r[0], r[1], r[2], "invoice", r[3], tuple(int(a) for a in r[5:]), r[4])
        for r in invoice_rows
    ]
    n = len(buckets)
    for r in credits:
        amounts = [0] * n
        amounts[buckets.index_for((as_of - r[6]).days)] = int(r[10])
        sums.append(AgingSum(r[0], r[1], r[2], r[3], r[8], tuple(amounts), r[9]))
    return sums
