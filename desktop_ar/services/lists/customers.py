"""The customers list (10,000 rows: plain SQL filter and sort, balances per visible page)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, exists, select, true

from desktop_ar.db.models import Customer, Invoice, ScheduleLine
from desktop_ar.db.queries import balances
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.lists.base import ListSpec, SqlList, customer_text_filter, in_order
from desktop_ar.services.uow import reader


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """One customer in the customers list."""

    id: int
    code: str
    name: str
    short_name: str
    customer_type: str
    region: str
    industry: str
    value_tier: str | None
    collector: str
    payment_terms: str
    currency: str
    credit_limit: Money
    balance: Money
    overdue: Money
    credit_hold: bool
    status: str


class CustomerList(SqlList):
    """The customers list."""

    name = "customers"
    sort_keys = ("code", "name", "region", "collector", "credit_limit", "balance", "overdue",
                 "status")  # fmt: skip
    statuses = ("all", "active", "inactive", "on_hold", "overdue")
    model = Customer
    materialize_text = False  # 10,000 rows: the plain query is quick enough
    # A customer has no date a bookkeeper filters on (when it was typed in is not it); the
    # date range keeps the customers invoiced in it ("who did we bill last month").
    date_fields = ("invoiced",)

    def _date_column(self, name: str) -> Any:
        return Invoice.issue_date

    def _date_range(self, column: Any, spec: ListSpec) -> list[ColumnElement[bool]]:
        invoiced = select(Invoice.customer_id).where(
            *SqlList._date_range(self, column, spec), Invoice.status != "void"
        )
        return [Customer.id.in_(invoiced)]

    def _conditions(self, spec: ListSpec, as_of: date) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if spec.text.strip():
            conds.append(customer_text_filter(spec.text))
        if spec.status in ("active", "inactive"):
            conds.append(Customer.status == spec.status)
        elif spec.status == "on_hold":
            conds.append(Customer.credit_hold == true())
        elif spec.status == "overdue":
            conds.append(
                exists()
                .where(Invoice.customer_id == Customer.id, Invoice.open_minor > 0)
                .where(
                    exists().where(
                        ScheduleLine.invoice_id == Invoice.id,
                        ScheduleLine.open_minor > 0,
                        ScheduleLine.due_date < as_of,
                    )
                )
            )
        return conds

    def _sort_column(self, key: str, as_of: date) -> Any:
        return {
            "code": Customer.code,
            "name": Customer.name,
            "region": Customer.region,
            "collector": Customer.collector,
            "credit_limit": Customer.credit_limit_minor,
            "status": Customer.status,
            "balance": balances.customer_open_subquery(),
            "overdue": balances.customer_overdue_subquery(as_of),
        }[key]

    def rows(self, ctx: ServiceContext, ids: Sequence[int], as_of: date) -> list[CustomerRow]:
        """Customer rows with balance and overdue amounts for ``ids``."""
        if not ids:
            return []
        with reader(ctx) as s:
            found = s.execute(select(Customer).where(Customer.id.in_(list(ids)))).scalars().all()
            open_by = balances.customer_open(s, ids)
            credit_by = balances.customer_unallocated(s, ids, as_of)
            overdue_by = balances.customer_overdue(s, ids, as_of)
        out: dict[int, CustomerRow] = {}
        for c in found:
            ccy = c.currency
            out[c.id] = CustomerRow(
                id=c.id,
                code=c.code,
                name=c.name,
                short_name=c.short_name,
                customer_type=c.customer_type,
                region=c.region,
                industry=c.industry,
                value_tier=c.value_tier,
                collector=c.collector,
                payment_terms=c.payment_terms,
                currency=ccy,
                credit_limit=Money(c.credit_limit_minor, ccy),
                balance=Money(open_by.get((c.id, ccy), 0) - credit_by.get((c.id, ccy), 0), ccy),
                overdue=Money(overdue_by.get((c.id, ccy), 0), ccy),
                credit_hold=bool(c.credit_hold),
                status=c.status,
            )
        return in_order(out, ids)
