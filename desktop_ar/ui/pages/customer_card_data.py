"""What the customer card shows besides its lazy lists, read in one go on the database thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from desktop_ar.domain.money import Money
from desktop_ar.services import activity, lists
from desktop_ar.services.customer_archive import (
    TierFigures,
    customer_behaviour,
    customer_tier_figures,
)
from desktop_ar.services.customers import CustomerDetail, customer_detail
from desktop_ar.services.lists import ListSpec, SortSpec

if TYPE_CHECKING:
    from desktop_ar.domain.customer_value import Behaviour
    from desktop_ar.services.context import ServiceContext


@dataclass(frozen=True, slots=True)
class CardData:
    """Everything the card shows besides the lazy lists, loaded in one go."""

    detail: CustomerDetail
    behaviour: Behaviour
    tier: TierFigures
    log: list[activity.LogEntry]
    disputes: list[activity.DisputeRow]
    orders: list[activity.OrderSummary]
    open_invoices: list[tuple[int, str, Money]]


def load_card(ctx: ServiceContext, customer_id: int, as_of: date) -> CardData:
    """Read what the card shows (runs on the database thread)."""
    spec = ListSpec(status="open", customer_id=customer_id, as_of=as_of)
    ids = lists.invoices.ids(ctx, spec, SortSpec("due_date"), 0, 500)
    open_rows = [(r.id, r.number, r.open) for r in lists.invoices.rows(ctx, ids, as_of)]
    return CardData(
        customer_detail(ctx, customer_id, as_of),
        customer_behaviour(ctx, customer_id, as_of),
        customer_tier_figures(ctx, customer_id, as_of),
        activity.contact_log(ctx, customer_id),
        activity.disputes(ctx, customer_id),
        activity.customer_orders(ctx, customer_id),
        open_rows,
    )
