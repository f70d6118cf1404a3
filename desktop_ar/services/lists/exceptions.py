"""The payment exceptions queue (付款异常) as a list: filter and sort in SQL."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from desktop_ar.db.models import Customer, Invoice, Payment, PaymentException
from desktop_ar.db.queries.text import contains_text
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.lists.base import (
    ListSpec,
    SortSpec,
    SqlList,
    customer_text_filter,
    in_order,
)
from desktop_ar.services.lists.payments import payment_text_filter
from desktop_ar.services.uow import reader

__all__ = ["ExceptionList", "ExceptionRow"]


@dataclass(frozen=True, slots=True)
class ExceptionRow:
    """One exception in the queue."""

    id: int
    kind: str
    detected_on: date
    customer_id: int | None
    customer_code: str
    customer_name: str
    party: str  # the customer's name, else the payer's name on the statement
    payment_id: int | None
    payment_number: str
    payer_name: str
    invoice_number: str
    amount: Money
    cause: str
    owner: str
    status: str
    resolved_on: date | None


class ExceptionList(SqlList):
    """Payment exceptions; ``unresolved`` (open or in progress) is the queue to work.

    ``mine`` is the unresolved exceptions owned by the context's user, so the list binds the
    user of each call (``_bound``) rather than keeping it on the shared instance.
    """

    name = "exceptions"
    sort_keys = ("detected_on", "kind", "customer", "amount", "status", "owner")
    statuses = ("unresolved", "all", "open", "in_progress", "resolved", "mine")
    model = PaymentException
    date_fields = ("detected",)

    def __init__(self, user: str | None = None) -> None:
        self._user = user

    def _bound(self, ctx: ServiceContext) -> ExceptionList:
        return self if self._user == ctx.user else ExceptionList(ctx.user)

    def count(self, ctx: ServiceContext, spec: ListSpec) -> int:
        """Number of matching exceptions."""
        return SqlList.count(self._bound(ctx), ctx, spec)

    def ids(
        self,
        ctx: ServiceContext,
        spec: ListSpec,
        sort: SortSpec,
        offset: int = 0,
        limit: int | None = None,
    ) -> array[int]:
        """Matching ids in sort order (a slice of them)."""
        return SqlList.ids(self._bound(ctx), ctx, spec, sort, offset, limit)

    def first_page(
        self, ctx: ServiceContext, spec: ListSpec, sort: SortSpec, limit: int
    ) -> tuple[int, array[int]]:
        """Count and first ids."""
        return SqlList.first_page(self._bound(ctx), ctx, spec, sort, limit)

    def _date_column(self, name: str) -> Any:
        return PaymentException.detected_on

    def _conditions(self, spec: ListSpec, as_of: date) -> list[ColumnElement[bool]]:
        e = PaymentException
        conds: list[ColumnElement[bool]] = []
        if spec.customer_id is not None:
            conds.append(e.customer_id == spec.customer_id)
        text = spec.text.strip()
        if text:
            conds.append(
                or_(
                    contains_text(e.cause, text),
                    contains_text(e.kind, text.replace(" ", "_")),
                    contains_text(e.owner, text),
                    e.payment_id.in_(select(Payment.id).where(payment_text_filter(text))),
                    e.customer_id.in_(select(Customer.id).where(customer_text_filter(text))),
                )
            )
        status = spec.status
        if status == "unresolved":
            conds.append(e.status != "resolved")
        elif status == "mine":
            conds += [e.status != "resolved", e.owner == (self._user or "")]
        elif status != "all":
            conds.append(e.status == status)
        return conds

    def _join_for_sort(self, stmt: Select[Any], key: str) -> Select[Any]:
        if key == "customer":
            return stmt.outerjoin(Customer, Customer.id == PaymentException.customer_id).outerjoin(
                Payment, Payment.id == PaymentException.payment_id
            )
        return stmt

    def _sort_column(self, key: str, as_of: date) -> Any:
        e = PaymentException
        return {
            "detected_on": e.detected_on,
            "kind": e.kind,
            "customer": func.coalesce(Customer.name, Payment.payer_name),
            "amount": e.amount_minor,
            "status": e.status,
            "owner": e.owner,
        }[key]

    def rows(self, ctx: ServiceContext, ids: Sequence[int], as_of: date) -> list[ExceptionRow]:
        """Exception rows for ``ids``."""
        if not ids:
            return []
        e = PaymentException
        stmt = (
            select(
                e, Customer.code, Customer.name, Payment.number, Payment.payer_name, Invoice.number
            )
            .outerjoin(Customer, Customer.id == e.customer_id)
            .outerjoin(Payment, Payment.id == e.payment_id)
            .outerjoin(Invoice, Invoice.id == e.invoice_id)
            .where(e.id.in_(list(ids)))
        )
        out: dict[int, ExceptionRow] = {}
        with reader(ctx) as s:
            for x, code, cname, pnum, payer, inum in s.execute(stmt):
                out[x.id] = ExceptionRow(
                    id=x.id,
                    kind=x.kind,
                    detected_on=x.detected_on,
                    customer_id=x.customer_id,
                    customer_code=code or "",
                    customer_name=cname or "",
                    party=cname or payer or "",
                    payment_id=x.payment_id,
                    payment_number=pnum or "",
                    payer_name=payer or "",
                    invoice_number=inum or "",
                    amount=Money(x.amount_minor, x.currency),
                    cause=x.cause,
                    owner=x.owner,
                    status=x.status,
                    resolved_on=x.resolved_on,
                )
        return in_order(out, ids)


exceptions = ExceptionList()
