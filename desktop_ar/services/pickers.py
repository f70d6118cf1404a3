"""Small reads behind pickers (type-ahead combos in dialogs)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from desktop_ar.db.models import Customer
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.lists.base import customer_text_filter
from desktop_ar.services.uow import reader

__all__ = ["CustomerChoice", "customer_choices"]


class CustomerChoice(NamedTuple):
    """A customer as a picker lists it; ``currency`` is the customer's default currency."""

    id: int
    code: str
    name: str
    currency: str


def customer_choices(ctx: ServiceContext, text: str = "", limit: int = 50) -> list[CustomerChoice]:
    """Active customers whose code, name, short name or pinyin keys contain ``text``.

    Args:
        ctx: the service context.
        text: what the user typed; empty lists the first customers by code.
        limit: at most this many (a picker shows a page, never the whole book).

    Returns:
        The matches ordered by code.
    """
    query = select(Customer.id, Customer.code, Customer.name, Customer.currency).where(
        Customer.status == "active"
    )
    if text.strip():
        query = query.where(customer_text_filter(text))
    query = query.order_by(Customer.code, Customer.id).limit(max(1, limit))
    with reader(ctx) as s:
        return [CustomerChoice(*row) for row in s.execute(query)]
