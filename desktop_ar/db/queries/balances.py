"""Balance queries shared by lists, customer pages and reports.

They read the maintained open amounts (``open_minor``, ``unallocated_minor``) through the
partial indexes on open items, so they stay fast on a million invoices. ``aging_rows`` falls
back to recomputing open amounts from the allocations only when asked about a date before the
latest activity in the book.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    Payment,
    Refund,
    ScheduleLine,
    WriteOff,
)

Key = tuple[int, str]  # (customer id, currency)


def customer_open_subquery() -> Any:
    """Correlated scalar: Σ open invoice amounts of ``Customer`` in its own currency."""
    return (
        select(func.coalesce(func.sum(Invoice.open_minor), 0))
        .where(
            Invoice.customer_id == Customer.id,
            Invoice.open_minor > 0,
            Invoice.currency == Customer.currency,
        )
        .correlate(Customer)
        .scalar_subquery()
    )


def customer_overdue_subquery(as_of: date) -> Any:
    """Correlated scalar: Σ open schedule lines of ``Customer`` due before ``as_of``."""
    return (
        select(func.coalesce(func.sum(ScheduleLine.open_minor), 0))
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .where(
            Invoice.customer_id == Customer.id,
            Invoice.open_minor > 0,
            Invoice.currency == Customer.currency,
            ScheduleLine.open_minor > 0,
            ScheduleLine.due_date < as_of,
        )
        .correlate(Customer)
        .scalar_subquery()
    )


def _by_key(rows: Any) -> dict[Key, int]:
    out: dict[Key, int] = {}
    for cid, ccy, total in rows:
        out[(cid, ccy)] = out.get((cid, ccy), 0) + int(total or 0)
    return out


def customer_open(session: Session, ids: Sequence[int]) -> dict[Key, int]:
    """Σ open invoice amounts per (customer, currency) for the given customers."""
    stmt = (
        select(Invoice.customer_id, Invoice.currency, func.sum(Invoice.open_minor))
        .where(Invoice.customer_id.in_(list(ids)), Invoice.open_minor > 0)
        .group_by(Invoice.customer_id, Invoice.currency)
    )
    return _by_key(session.execute(stmt))


def customer_overdue(session: Session, ids: Sequence[int], as_of: date) -> dict[Key, int]:
    """Σ open schedule lines due before ``as_of`` per (customer, currency)."""
    stmt = (
        select(Invoice.customer_id, Invoice.currency, func.sum(ScheduleLine.open_minor))
        .join(ScheduleLine, ScheduleLine.invoice_id == Invoice.id)
        .where(
            Invoice.customer_id.in_(list(ids)),
            Invoice.open_minor > 0,
            ScheduleLine.open_minor > 0,
            ScheduleLine.due_date < as_of,
        )
        .group_by(Invoice.customer_id, Invoice.currency)
    )
    return _by_key(session.execute(stmt))


def customer_unallocated(session: Session, ids: Sequence[int], as_of: date) -> dict[Key, int]:
    """Σ unallocated payments and credit notes (customer credit) per (customer, currency)."""
    pay = select(Payment.customer_id, Payment.currency, Payment.unallocated_minor).where(
        Payment.customer_id.in_(list(ids)),
        Payment.status == "posted",
        Payment.unallocated_minor > 0,
        Payment.payment_date <= as_of,
    )
    cn = select(CreditNote.customer_id, CreditNote.currency, CreditNote.unallocated_minor).where(
        CreditNote.customer_id.in_(list(ids)),
        CreditNote.status != "void",
        CreditNote.unallocated_minor > 0,
        CreditNote.issue_date <= as_of,
    )
    both = union_all(pay, cn).subquery()
    cols = both.c
    stmt = select(cols[0], cols[1], func.sum(cols[2])).group_by(cols[0], cols[1])
    return _by_key(session.execute(stmt))


def latest_activity(session: Session) -> date | None:
    """The latest date of anything that changes open amounts (documents, allocations, refunds)."""
    candidates = [
        select(func.max(Invoice.issue_date)),
        select(func.max(Allocation.allocation_date)),
        # The WHERE lets SQLite answer from the partial index instead of a full scan.
        select(func.max(Allocation.reversed_on)).where(Allocation.reversed_on.is_not(None)),
        select(func.max(Payment.payment_date)),
        select(func.max(Payment.reversed_on)).where(Payment.reversed_on.is_not(None)),
        select(func.max(CreditNote.issue_date)),
        select(func.max(Refund.refund_date)),
        select(func.max(WriteOff.write_off_date)),
    ]
    found = [session.execute(q).scalar() for q in candidates]
    dates = [date.fromisoformat(d) if isinstance(d, str) else d for d in found if d is not None]
    return max(dates) if dates else None


def _live_at(as_of: date) -> ColumnElement[bool]:
    return and_(
        Allocation.allocation_date <= as_of,
        or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > as_of),
    )


def _line_open(as_of: date, current: bool) -> tuple[Any, list[ColumnElement[bool]]]:
    """A schedule line's open amount on ``as_of`` and the filter that keeps open lines.

    When the maintained amounts are exact (``current``) they are read directly, through the
    partial indexes on open lines; otherwise the open amount is the line amount less the
    allocations live on that date.
    """
    if current:
        return ScheduleLine.open_minor, [ScheduleLine.open_minor > 0]
    allocated = (
        select(func.coalesce(func.sum(Allocation.amount_minor), 0))
        .where(Allocation.schedule_line_id == ScheduleLine.id, _live_at(as_of))
        .correlate(ScheduleLine)
        .scalar_subquery()
    )
    return ScheduleLine.amount_minor - allocated, []


# One aging source row: customer id, code, name, kind, document id, number, document date,
# due date, currency, rate to base, open amount (positive), overdue reason code, agreed measure
# code (both None for credit notes and payments, and for invoices without them).
AgingSourceRow = tuple[
    int, str, str, str, int, str, date, date, str, Decimal, int, str | None, str | None
]


def aging_rows(
    session: Session, as_of: date, customer_id: int | None = None
) -> list[AgingSourceRow]:
    """Open items as of ``as_of``: schedule lines, customer credit notes, unallocated payments.

    Documents dated after ``as_of`` are left out. When ``as_of`` is on or after the latest
    activity in the book, the maintained open amounts are exact and read through the partial
    indexes; otherwise open amounts are recomputed from the allocations live on that date.
    Invoice lines carry their invoice's overdue reason and agreed measure codes.
    """
    current = is_current(session, as_of)
    rows: list[AgingSourceRow] = []
    cust = [Customer.id, Customer.code, Customer.name]

    line_open, line_filter = _line_open(as_of, current)
    inv_stmt = (
        select(
            *cust,
            literal("invoice"),
            Invoice.id,
            Invoice.number,
            Invoice.issue_date,
            ScheduleLine.due_date,
            Invoice.currency,
            Invoice.exchange_rate,
            line_open.label("open"),
            Invoice.overdue_reason_code,
            Invoice.agreed_measure,
        )
        .select_from(ScheduleLine)
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(Invoice.issue_date <= as_of, Invoice.status != "void", *line_filter)
    )
    if customer_id is not None:
        inv_stmt = inv_stmt.where(Invoice.customer_id == customer_id)
    for r in session.execute(inv_stmt):
        if r[10] > 0:
            rows.append(tuple(r))  # type: ignore[arg-type]

    rows.extend(_credit_rows(session, as_of, customer_id, current))
    return rows


def _credit_rows(
    session: Session, as_of: date, customer_id: int | None, current: bool
) -> list[AgingSourceRow]:
    out: list[AgingSourceRow] = []
    if current:
        pay_open: Any = Payment.unallocated_minor
        cn_open: Any = CreditNote.unallocated_minor
        pay_live: ColumnElement[bool] = Payment.status == "posted"
    else:
        pay_alloc = (
            select(func.coalesce(func.sum(Allocation.amount_minor), 0))
            .where(Allocation.payment_id == Payment.id, _live_at(as_of))
            .correlate(Payment)
            .scalar_subquery()
        )
        pay_ref = (
            select(func.coalesce(func.sum(Refund.amount_minor), 0))
            .where(Refund.payment_id == Payment.id, Refund.refund_date <= as_of)
            .correlate(Payment)
            .scalar_subquery()
        )
        cn_alloc = (
            select(func.coalesce(func.sum(Allocation.amount_minor), 0))
            .where(Allocation.credit_note_id == CreditNote.id, _live_at(as_of))
            .correlate(CreditNote)
            .scalar_subquery()
        )
        cn_ref = (
            select(func.coalesce(func.sum(Refund.amount_minor), 0))
            .where(Refund.credit_note_id == CreditNote.id, Refund.refund_date <= as_of)
            .correlate(CreditNote)
            .scalar_subquery()
        )
        pay_open = Payment.amount_minor - pay_alloc - pay_ref
        cn_open = CreditNote.amount_minor - cn_alloc - cn_ref
        pay_live = or_(Payment.reversed_on.is_(None), Payment.reversed_on > as_of)
    pay_stmt = (
        select(
            Customer.id,
            Customer.code,
            Customer.name,
            literal("unallocated_payment"),
            Payment.id,
            Payment.number,
            Payment.payment_date,
            Payment.payment_date,
            Payment.currency,
            Payment.exchange_rate,
            pay_open,
        )
        .join(Customer, Customer.id == Payment.customer_id)
        .where(Payment.payment_date <= as_of, pay_live)
    )
    cn_stmt = (
        select(
            Customer.id,
            Customer.code,
            Customer.name,
            literal("credit_note"),
            CreditNote.id,
            CreditNote.number,
            CreditNote.issue_date,
            CreditNote.issue_date,
            CreditNote.currency,
            CreditNote.exchange_rate,
            cn_open,
        )
        .join(Customer, Customer.id == CreditNote.customer_id)
        .where(CreditNote.issue_date <= as_of, CreditNote.status != "void")
    )
    if current:
        pay_stmt = pay_stmt.where(Payment.unallocated_minor > 0)
        cn_stmt = cn_stmt.where(CreditNote.unallocated_minor > 0)
    if customer_id is not None:
        pay_stmt = pay_stmt.where(Payment.customer_id == customer_id)
        cn_stmt = cn_stmt.where(CreditNote.customer_id == customer_id)
    for stmt in (pay_stmt, cn_stmt):
        for r in session.execute(stmt):
            if r[10] > 0:
                out.append((*r, None, None))  # type: ignore[arg-type]
    return out


def _bucket_sums(column: Any, value: Any, edges: Sequence[date]) -> list[Any]:
    """SUM(CASE …) per bucket: ``column`` (a date) against the bucket edges, newest first."""
    exprs = [func.coalesce(func.sum(case((column >= edges[0], value), else_=0)), 0)]
    for newer, older in itertools.pairwise(edges):
        exprs.append(
            func.coalesce(
                func.sum(case((and_(column < newer, column >= older), value), else_=0)), 0
            )
        )
    exprs.append(func.coalesce(func.sum(case((column < edges[-1], value), else_=0)), 0))
    return exprs


# One grouped aging row: customer id, code, name, currency, rate, bucket sums...
AgingSumRow = tuple[Any, ...]


def is_current(session: Session, as_of: date) -> bool:
    """True when the maintained open amounts are exact on ``as_of`` (nothing happened later)."""
    latest = latest_activity(session)
    return latest is None or as_of >= latest


def aging_invoice_sums(
    session: Session,
    as_of: date,
    edges: Sequence[date],
    basis: str,
    *,
    current: bool | None = None,
) -> list[AgingSumRow]:
    """Open invoice amounts summed per customer, currency, rate and bucket, in the database.

    ``edges`` come from the domain's ``Buckets.date_edges(as_of)``; ``basis`` "due" buckets by
    each schedule line's due date, "invoice" by the invoice date. Uses the maintained open
    amounts when ``as_of`` is on or after the latest activity, else recomputes them from the
    allocations live on ``as_of``. ``current`` may pass in a known :func:`is_current`.
    """
    if current is None:
        current = is_current(session, as_of)
    line_open, filters = _line_open(as_of, current)
    if current:
        filters.append(Invoice.open_minor > 0)  # lets SQLite use ix_invoices_open_cover
    date_col = ScheduleLine.due_date if basis == "due" else Invoice.issue_date
    stmt = (
        select(
            Invoice.customer_id,
            Customer.code,
            Customer.name,
            Invoice.currency,
            Invoice.exchange_rate,
            *_bucket_sums(date_col, line_open, edges),
        )
        .select_from(Invoice)
        .join(ScheduleLine, ScheduleLine.invoice_id == Invoice.id)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(Invoice.issue_date <= as_of, Invoice.status != "void", *filters)
        # Grouping on the invoice columns lets SQLite walk ix_invoices_open_cover in order.
        .group_by(Invoice.customer_id, Invoice.currency, Invoice.exchange_rate)
    )
    return [tuple(r) for r in session.execute(stmt)]


def credit_rows(
    session: Session, as_of: date, *, current: bool | None = None
) -> list[AgingSourceRow]:
    """Customer credit (credit notes, unallocated payments) open as of ``as_of``."""
    if current is None:
        current = is_current(session, as_of)
    return _credit_rows(session, as_of, None, current)
