"""The invoices list (1,000,000 rows must filter and sort in well under a second)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    or_,
    select,
    true,
)

from desktop_ar.db.models import Customer, Invoice, ScheduleLine
from desktop_ar.db.queries.text import contains_text
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.lists.base import ListSpec, SqlList, customer_text_filter, in_order
from desktop_ar.services.uow import reader


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """One invoice in the invoices list."""

    id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    issue_date: date
    due_date: date
    amount: Money
    open: Money
    status: str
    days_overdue: int
    fapiao_issued: bool
    disputed: bool
    overdue_reason_code: str | None = None
    agreed_measure: str | None = None


def _overdue_line(as_of: date) -> ColumnElement[bool]:
    return exists().where(
        ScheduleLine.invoice_id == Invoice.id,
        ScheduleLine.open_minor > 0,
        ScheduleLine.due_date < as_of,
    )


class InvoiceList(SqlList):
    """The invoices list."""

    name = "invoices"
    sort_keys = ("number", "customer", "issue_date", "due_date", "amount", "open", "status")
    statuses = ("all", "open", "overdue", "paid", "disputed", "void", "no_fapiao")
    model = Invoice
    date_fields = ("issue", "due")

    def _date_column(self, name: str) -> Any:
        return Invoice.due_date if name == "due" else Invoice.issue_date

    def _conditions(self, spec: ListSpec, as_of: date) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if spec.customer_id is not None:
            conds.append(Invoice.customer_id == spec.customer_id)
        text = spec.text.strip()
        if text:
            matching_customers = select(Customer.id).where(customer_text_filter(text))
            conds.append(
                or_(
                    contains_text(Invoice.number, text),
                    contains_text(Invoice.fapiao_number, text),
                    Invoice.customer_id.in_(matching_customers),
                )
            )
        status = spec.status
        if status == "open":
            conds.append(Invoice.open_minor > 0)
        elif status == "overdue":
            conds.append(and_(Invoice.open_minor > 0, _overdue_line(as_of)))
        elif status == "paid":
            conds.append(Invoice.status.in_(("paid", "written_off")))
        elif status == "disputed":
            conds.append(Invoice.disputed == true())
        elif status == "void":
            conds.append(Invoice.status == "void")
        elif status == "no_fapiao":  # invoiced without 发票 (issue 4, fapiao tracking)
            conds += [Invoice.fapiao_issued == false(), Invoice.status != "void"]
        return conds

    def _join_for_sort(self, stmt: Select[Any], key: str) -> Select[Any]:
        if key == "customer":
            return stmt.join(Customer, Customer.id == Invoice.customer_id)
        return stmt

    def _sort_column(self, key: str, as_of: date) -> Any:
        return {
            "number": Invoice.number,
            "customer": Customer.name,
            "issue_date": Invoice.issue_date,
            "due_date": Invoice.due_date,
            "amount": Invoice.amount_minor,
            "open": Invoice.open_minor,
            "status": Invoice.status,
        }[key]

    def rows(self, ctx: ServiceContext, ids: Sequence[int], as_of: date) -> list[InvoiceRow]:
        """Invoice rows for ``ids``, with days overdue as of ``as_of``."""
        if not ids:
            return []
        first_open_due = (
            select(func.min(ScheduleLine.due_date))
            .where(ScheduleLine.invoice_id == Invoice.id, ScheduleLine.open_minor > 0)
            .correlate(Invoice)
            .scalar_subquery()
        )
        stmt = (
            select(
                Invoice.id,
                Invoice.number,
                Invoice.customer_id,
                Customer.code,
                Customer.name,
                Invoice.issue_date,
                Invoice.due_date,
                Invoice.currency,
                Invoice.amount_minor,
                Invoice.open_minor,
                Invoice.status,
                Invoice.fapiao_issued,
                Invoice.disputed,
                case((Invoice.open_minor > 0, first_open_due), else_=None),
                Invoice.overdue_reason_code,
                Invoice.agreed_measure,
            )
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(Invoice.id.in_(list(ids)))
        )
        out: dict[int, InvoiceRow] = {}
        with reader(ctx) as s:
            for r in s.execute(stmt):
                oldest_due = date.fromisoformat(r[13]) if isinstance(r[13], str) else r[13]
                days = (as_of - oldest_due).days if oldest_due is not None else 0
                out[r[0]] = InvoiceRow(
                    id=r[0],
                    number=r[1],
                    customer_id=r[2],
                    customer_code=r[3],
                    customer_name=r[4],
                    issue_date=r[5],
                    due_date=r[6],
                    amount=Money(r[8], r[7]),
                    open=Money(r[9], r[7]),
                    status=r[10],
                    days_overdue=max(days, 0),
                    fapiao_issued=bool(r[11]),
                    disputed=bool(r[12]),
                    overdue_reason_code=r[14],
                    agreed_measure=r[15],
                )
        return in_order(out, ids)
