"""The collections worklist (催收工作清单): what to chase on a day, most urgent first.

Kinds, in order of urgency:

* ``promise_broken`` — a promise judged broken or partly kept whose date lies within the last
  :data:`BROKEN_WINDOW_DAYS` days;
* ``promise_due`` — a pending promise whose date is ``as_of`` or whose grace days still run;
* ``overdue`` — per customer and currency: the overdue total, the oldest due date and the
  dunning level it reached (highest level first, then the oldest);
* ``follow_up`` — the customer's latest contact-log entry asks for a follow-up by ``as_of``;
* ``dispute`` — an open dispute;
* ``due_soon`` — an open instalment falling due within the company's reminder days.

Items of disputed invoices and of invoices at the legal stage are left out of ``overdue`` and
``due_soon``. Every kind is one grouped query for the whole book. Open amounts are the
maintained ones (today's), so for a past ``as_of`` the amounts reflect later payments too.
Promise statuses are those stored by the last :func:`desktop_ar.services.promises
.refresh_promises` (the command line refreshes them first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from desktop_ar.db.models import ContactLogEntry, Customer, Dispute, Invoice, ScheduleLine
from desktop_ar.db.models.collections import PromiseToPay
from desktop_ar.db.models.settings import CompanySettings
from desktop_ar.domain.dunning import level_for
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.dunning_levels import level_rows
from desktop_ar.services.uow import reader

__all__ = ["BROKEN_WINDOW_DAYS", "KIND_ORDER", "WorkItem", "worklist"]

BROKEN_WINDOW_DAYS = 30
KIND_ORDER = ("promise_broken", "promise_due", "overdue", "follow_up", "dispute", "due_soon")


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One thing to chase: which customer, what, how much, since or by when."""

    kind: str
    customer_id: int
    customer_code: str
    customer_name: str
    collector: str
    day: date  # the due, promised, follow-up or opening date
    amount: Money | None
    reference: str  # invoice number, promise or dispute number
    detail: str
    level: int | None  # dunning level (overdue items only)


def _day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _settings(session: Session) -> tuple[int, int]:
    row = session.execute(
        select(CompanySettings.reminder_days_before_due, CompanySettings.promise_grace_days).limit(
            1
        )
    ).first()
    return (int(row[0]), int(row[1])) if row is not None else (7, 3)


def _who(query: Select[Any], collector: str | None) -> Select[Any]:
    return query if collector is None else query.where(Customer.collector == collector)


_CUSTOMER = (Customer.id, Customer.code, Customer.name, Customer.collector)


def _open_lines(as_of: date) -> list[Any]:
    """Conditions of an open, chased instalment (not disputed, not at the legal stage)."""
    return [
        ScheduleLine.open_minor > 0,
        Invoice.open_minor > 0,
        Invoice.issue_date <= as_of,
        Invoice.status != "void",
        Invoice.disputed.is_(False),
        Invoice.legal_stage.is_(False),
    ]


def _overdue(s: Session, as_of: date, collector: str | None) -> list[WorkItem]:
    levels = level_rows(s)
    per_customer = (
        select(
            Invoice.customer_id.label("customer_id"),
            Invoice.currency.label("currency"),
            func.sum(ScheduleLine.open_minor).label("total"),
            func.min(ScheduleLine.due_date).label("oldest"),
            func.count(ScheduleLine.id).label("count"),
        )
        .select_from(ScheduleLine)
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .where(*_open_lines(as_of), ScheduleLine.due_date < as_of)
        .group_by(Invoice.customer_id, Invoice.currency)
        .subquery()
    )
    c = per_customer.c
    query = select(*_CUSTOMER, c.currency, c.total, c.oldest, c.count).join(
        per_customer, c.customer_id == Customer.id
    )
    out = []
    for cid, code, name, who, ccy, total, oldest, count in s.execute(_who(query, collector)):
        first = _day(oldest)
        days = (as_of - first).days
        level = level_for(days, levels) or 0
        detail = f"{count} item(s) overdue, oldest {days} day(s)"
        money = Money(int(total), ccy)
        out.append(WorkItem("overdue", cid, code, name, who, first, money, "", detail, level))
    return out


def _due_soon(s: Session, as_of: date, days: int, collector: str | None) -> list[WorkItem]:
    query = (
        select(*_CUSTOMER, Invoice.number, Invoice.currency, ScheduleLine.due_date)
        .add_columns(ScheduleLine.open_minor)
        .select_from(ScheduleLine)
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(
            *_open_lines(as_of),
            ScheduleLine.due_date >= as_of,
            ScheduleLine.due_date <= as_of + timedelta(days=days),
        )
    )
    out = []
    for cid, code, name, who, number, ccy, due, minor in s.execute(_who(query, collector)):
        day = _day(due)
        left = (day - as_of).days
        detail = "due today" if left == 0 else f"due in {left} day(s)"
        money = Money(int(minor), ccy)
        out.append(WorkItem("due_soon", cid, code, name, who, day, money, number, detail, None))
    return out


def _promises(s: Session, as_of: date, grace: int, collector: str | None) -> list[WorkItem]:
    due_from = as_of - timedelta(days=grace)
    broken_from = as_of - timedelta(days=BROKEN_WINDOW_DAYS)
    pending = and_(
        PromiseToPay.status == "pending",
        PromiseToPay.promised_date >= due_from,
        PromiseToPay.promised_date <= as_of,
    )
    broken = and_(
        PromiseToPay.status.in_(("broken", "partly_kept")),
        PromiseToPay.promised_date >= broken_from,
        PromiseToPay.promised_date <= as_of,
    )
    query = (
        select(
            *_CUSTOMER,
            PromiseToPay.id,
            PromiseToPay.status,
            PromiseToPay.promised_date,
            PromiseToPay.currency,
            PromiseToPay.amount_minor,
            PromiseToPay.paid_minor,
            Invoice.number,
        )
        .select_from(PromiseToPay)
        .join(Customer, Customer.id == PromiseToPay.customer_id)
        .outerjoin(Invoice, Invoice.id == PromiseToPay.invoice_id)
        .where(pending | broken)
    )
    out = []
    for cid, code, name, who, pid, status, day, ccy, amount, paid, number in s.execute(
        _who(query, collector)
    ):
        promised = Money(int(amount), ccy)
        short = Money(int(amount) - int(paid), ccy)
        kind = "promise_due" if status == "pending" else "promise_broken"
        words = {"pending": "promised", "broken": "broken", "partly_kept": "partly kept"}
        detail = f"{words[status]}: {promised} by {_day(day).isoformat()}"
        if int(paid):
            detail += f", {Money(int(paid), ccy)} paid"
        ref = number or f"P{pid}"
        out.append(WorkItem(kind, cid, code, name, who, _day(day), short, ref, detail, None))
    return out


def _follow_ups(s: Session, as_of: date, collector: str | None) -> list[WorkItem]:
    rank = (
        func.row_number()
        .over(
            partition_by=ContactLogEntry.customer_id,
            order_by=(ContactLogEntry.log_date.desc(), ContactLogEntry.id.desc()),
        )
        .label("rank")
    )
    latest = (
        select(
            ContactLogEntry.id,
            ContactLogEntry.customer_id,
            ContactLogEntry.kind,
            ContactLogEntry.summary,
            ContactLogEntry.log_date,
            ContactLogEntry.next_follow_up,
            rank,
        )
        .where(ContactLogEntry.log_date <= as_of)
        .subquery()
    )
    query = (
        select(
            *_CUSTOMER,
            latest.c.id,
            latest.c.kind,
            latest.c.summary,
            latest.c.log_date,
            latest.c.next_follow_up,
        )
        .select_from(latest)
        .join(Customer, Customer.id == latest.c.customer_id)
        .where(latest.c.rank == 1, latest.c.next_follow_up <= as_of)
    )
    out = []
    for cid, code, name, who, eid, kind, summary, logged, follow in s.execute(
        _who(query, collector)
    ):
        text = " ".join(str(summary).split())[:80]
        detail = f"{kind} on {_day(logged).isoformat()}: {text}"
        ref = f"L{eid}"
        out.append(
            WorkItem("follow_up", cid, code, name, who, _day(follow), None, ref, detail, None)
        )
    return out


def _disputes(s: Session, as_of: date, collector: str | None) -> list[WorkItem]:
    query = (
        select(
            *_CUSTOMER,
            Dispute.id,
            Dispute.opened_on,
            Dispute.currency,
            Dispute.amount_minor,
            Dispute.reason,
            Invoice.number,
        )
        .select_from(Dispute)
        .join(Customer, Customer.id == Dispute.customer_id)
        .outerjoin(Invoice, Invoice.id == Dispute.invoice_id)
        .where(Dispute.status == "open", Dispute.opened_on <= as_of)
    )
    out = []
    for cid, code, name, who, did, opened, ccy, minor, reason, number in s.execute(
        _who(query, collector)
    ):
        money = Money(int(minor), ccy) if int(minor) else None
        detail = " ".join(str(reason).split())[:80]
        ref = number or f"D{did}"
        out.append(
            WorkItem("dispute", cid, code, name, who, _day(opened), money, ref, detail, None)
        )
    return out


def _sort_key(item: WorkItem) -> tuple[Any, ...]:
    rank = KIND_ORDER.index(item.kind)
    if item.kind == "overdue":
        minor = item.amount.minor if item.amount is not None else 0
        return (rank, -(item.level or 0), item.day, -minor, item.customer_code)
    return (rank, 0, item.day, 0, item.customer_code, item.reference)


def worklist(ctx: ServiceContext, as_of: date, *, collector: str | None = None) -> list[WorkItem]:
    """Everything to chase on ``as_of``, most urgent first (see the module docstring).

    Args:
        ctx: the service context.
        as_of: the working day.
        collector: only customers of this collector (``customers.collector``); None for all.

    Returns:
        The work items, ordered by urgency.
    """
    with reader(ctx) as s:
        reminder_days, grace = _settings(s)
        items = [
            *_promises(s, as_of, grace, collector),
            *_overdue(s, as_of, collector),
            *_follow_ups(s, as_of, collector),
            *_disputes(s, as_of, collector),
            *_due_soon(s, as_of, reminder_days, collector),
        ]
    return sorted(items, key=_sort_key)
