"""Reports: aging as of any date (more reports arrive with the analysis issue)."""

from __future__ import annotations

from datetime import date

from desktop_ar.db.queries.balances import aging_rows
from desktop_ar.domain.aging import AgingItem, AgingReport, Buckets, age
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader

BASES = ("due", "invoice")


def aging_items(
    ctx: ServiceContext, *, as_of: date, customer_id: int | None = None
) -> list[AgingItem]:
    """The open items (invoice lines, credit notes, unallocated payments) as of ``as_of``."""
    with reader(ctx) as s:
        source = aging_rows(s, as_of, customer_id)
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
        )
        for r in source
    ]


def aging(
    ctx: ServiceContext,
    *,
    as_of: date,
    buckets: Buckets | None = None,
    basis: str | None = None,
    customer_id: int | None = None,
) -> AgingReport:
    """Aging as of ``as_of`` by customer and by item, per currency with base-currency totals.

    Args:
        ctx: service context.
        as_of: the date to age at; documents and payments dated after it do not count.
        buckets: bucket boundaries; the company setting when None.
        basis: "due" (days past due date) or "invoice" (days since invoice date); the company
            setting when None.
        customer_id: only this customer's items.
    """
    with reader(ctx) as s:
        settings = load_settings(s)
    chosen_basis = basis or settings.aging_basis
    if chosen_basis not in BASES:
        raise UserFacingError("invalid", field="basis", reason="use 'due' or 'invoice'")
    items = aging_items(ctx, as_of=as_of, customer_id=customer_id)
    return age(
        items,
        as_of=as_of,
        buckets=buckets or settings.buckets,
        basis=chosen_basis,
        base_currency=settings.base_currency,
    )
