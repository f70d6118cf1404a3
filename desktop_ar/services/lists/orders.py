"""The orders list: filter by number, contract or customer; statuses; sort in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select

from desktop_ar.db.models import Customer, Invoice, Order
from desktop_ar.db.models.orders import OrderLine
from desktop_ar.db.queries.text import contains_text
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.lists.base import ListSpec, SqlList, customer_text_filter, in_order
from desktop_ar.services.uow import reader


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One order in the orders list; ``invoiced`` is the total of its invoices (not void)."""

    id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    order_date: date
    delivery_date: date | None
    shipped_date: date | None
    contract_ref: str
    total: Money
    invoiced: Money
    status: str
    overridden: bool

    @property
    def uninvoiced(self) -> Money:
        """What is not invoiced yet (zero for cancelled orders)."""
        if self.status == "cancelled":
            return Money.zero(self.total.currency)
        return Money(max(self.total.minor - self.invoiced.minor, 0), self.total.currency)


def _delivered_not_invoiced() -> ColumnElement[bool]:
    # Quantities are stored normalised (5.5, not 5.50), and invoiced never exceeds delivered,
    # so "different" means "delivered more than invoiced".
    return exists().where(
        OrderLine.order_id == Order.id,
        OrderLine.delivered_quantity != OrderLine.invoiced_quantity,
    )


class OrderList(SqlList):
    """The orders list."""

    name = "orders"
    sort_keys = ("number", "customer", "order_date", "delivery_date", "total", "status")
    statuses = ("all", "draft", "confirmed", "uninvoiced", "invoiced", "cancelled")
    model = Order
    date_fields = ("order", "delivery")

    def _date_column(self, name: str) -> Any:
        return Order.delivery_date if name == "delivery" else Order.order_date

    def _conditions(self, spec: ListSpec, as_of: date) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if spec.customer_id is not None:
            conds.append(Order.customer_id == spec.customer_id)
        text = spec.text.strip()
        if text:
            matching_customers = select(Customer.id).where(customer_text_filter(text))
            conds.append(
                or_(
                    contains_text(Order.number, text),
                    contains_text(Order.contract_ref, text),
                    Order.customer_id.in_(matching_customers),
                )
            )
        if spec.status in ("draft", "confirmed", "invoiced", "cancelled"):
            conds.append(Order.status == spec.status)
        elif spec.status == "uninvoiced":  # delivered but not (fully) invoiced
            conds += [Order.status == "confirmed", _delivered_not_invoiced()]
        return conds

    def _join_for_sort(self, stmt: Select[Any], key: str) -> Select[Any]:
        if key == "customer":
            return stmt.join(Customer, Customer.id == Order.customer_id)
        return stmt

    def _sort_column(self, key: str, as_of: date) -> Any:
        return {
            "number": Order.number,
            "customer": Customer.name,
            "order_date": Order.order_date,
            "delivery_date": Order.delivery_date,
            "total": Order.total_minor,
            "status": Order.status,
        }[key]

    def rows(self, ctx: ServiceContext, ids: Sequence[int], as_of: date) -> list[OrderRow]:
        """Order rows for ``ids`` in the same order."""
        if not ids:
            return []
        invoiced = (
            select(func.coalesce(func.sum(Invoice.amount_minor), 0))
            .where(Invoice.order_id == Order.id, Invoice.status != "void")
            .correlate(Order)
            .scalar_subquery()
        )
        stmt = (
            select(
                Order.id,
                Order.number,
                Order.customer_id,
                Customer.code,
                Customer.name,
                Order.order_date,
                Order.delivery_date,
                Order.shipped_date,
                Order.contract_ref,
                Order.currency,
                Order.total_minor,
                invoiced,
                Order.status,
                Order.credit_override_by,
            )
            .join(Customer, Customer.id == Order.customer_id)
            .where(Order.id.in_(list(ids)))
        )
        out: dict[int, OrderRow] = {}
        with reader(ctx) as s:
            for r in s.execute(stmt):
                out[r[0]] = OrderRow(
                    id=r[0],
                    number=r[1],
                    customer_id=r[2],
                    customer_code=r[3],
                    customer_name=r[4],
                    order_date=r[5],
                    delivery_date=r[6],
                    shipped_date=r[7],
                    contract_ref=r[8],
                    total=Money(r[10], r[9]),
                    invoiced=Money(int(r[11]), r[9]),
                    status=r[12],
                    overridden=bool(r[13]),
                )
        return in_order(out, ids)


orders = OrderList()
