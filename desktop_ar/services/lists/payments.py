"""The payments (receipts) list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from desktop_ar.db.models import Customer, Payment
from desktop_ar.db.queries.text import contains_text
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.lists.base import ListSpec, SqlList, customer_text_filter, in_order
from desktop_ar.services.uow import reader


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """One receipt in the payments list."""

    id: int
    number: str
    customer_id: int | None
    customer_code: str
    customer_name: str
    payment_date: date
    amount: Money
    unallocated: Money
    method: str
    reference: str
    payer_name: str
    status: str


def payment_text_filter(text: str) -> ColumnElement[bool]:
    """Payments whose number, bank reference or payer name contains ``text``."""
    return or_(
        contains_text(Payment.number, text),
        contains_text(Payment.reference, text),
        contains_text(Payment.payer_name, text),
    )


class PaymentList(SqlList):
    """The payments (receipts) list."""

    name = "payments"
    sort_keys = ("number", "customer", "payment_date", "amount", "unallocated", "status")
    statuses = ("all", "posted", "unallocated", "reversed", "unidentified")
    model = Payment
    date_fields = ("payment",)

    def _date_column(self, name: str) -> Any:
        return Payment.payment_date

    def _conditions(self, spec: ListSpec, as_of: date) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if spec.customer_id is not None:
            conds.append(Payment.customer_id == spec.customer_id)
        text = spec.text.strip()
        if text:
            conds.append(
                or_(
                    payment_text_filter(text),
                    Payment.customer_id.in_(select(Customer.id).where(customer_text_filter(text))),
                )
            )
        status = spec.status
        if status == "posted":
            conds.append(Payment.status == "posted")
        elif status == "unallocated":
            conds.append(and_(Payment.status == "posted", Payment.unallocated_minor > 0))
        elif status == "reversed":
            conds.append(Payment.status == "reversed")
        elif status == "unidentified":
            conds.append(Payment.customer_id.is_(None))
        return conds

    def _join_for_sort(self, stmt: Select[Any], key: str) -> Select[Any]:
        if key == "customer":
            return stmt.outerjoin(Customer, Customer.id == Payment.customer_id)
        return stmt

    def _sort_column(self, key: str, as_of: date) -> Any:
        return {
            "number": Payment.number,
            "customer": func.coalesce(Customer.name, Payment.payer_name),
            "payment_date": Payment.payment_date,
            "amount": Payment.amount_minor,
            "unallocated": Payment.unallocated_minor,
            "status": Payment.status,
        }[key]

    def rows(self, ctx: ServiceContext, ids: Sequence[int], as_of: date) -> list[PaymentRow]:
        """Payment rows for ``ids``."""
        if not ids:
            return []
        stmt = (
            select(Payment, Customer.code, Customer.name)
            .outerjoin(Customer, Customer.id == Payment.customer_id)
            .where(Payment.id.in_(list(ids)))
        )
        out: dict[int, PaymentRow] = {}
        with reader(ctx) as s:
            for p, code, cname in s.execute(stmt):
                out[p.id] = PaymentRow(
                    id=p.id,
                    number=p.number,
                    customer_id=p.customer_id,
                    customer_code=code or "",
                    customer_name=cname or "",
                    payment_date=p.payment_date,
                    amount=Money(p.amount_minor, p.currency),
                    unallocated=Money(p.unallocated_minor, p.currency),
                    method=p.method,
                    reference=p.reference,
                    payer_name=p.payer_name,
                    status=p.status,
                )
        return in_order(out, ids)
