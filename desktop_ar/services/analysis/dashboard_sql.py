"""The dashboard's grouped queries (:mod:`desktop_ar.services.analysis.dashboard`).

Each reads an index rather than the table where it can, on a million invoices:

* invoiced / collected by month: summed per day walking ``ix_invoices_issued_cover`` /
  ``ix_payments_received_cover`` in order (no sort), per month in Python;
* unpaid orders: grouped per order walking ``ix_invoices_order_cover`` in order;
* opening receivable and days to pay: one pass over the allocations made since the start of the
  period, joined to their invoices once for both figures.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Allocation, Invoice, Payment, ScheduleLine
from desktop_ar.db.queries.balances import is_current
from desktop_ar.domain.aging import AgingSum
from desktop_ar.services.analysis.aging_history import (
    SCAN_DAYS,
    open_line_sums,
    scanned,
    to_base,
)

__all__ = [
    "closing_from_sums",
    "collected",
    "invoiced",
    "open_totals",
    "opening_and_days_to_pay",
    "unpaid_orders",
]


def _days_between(session: Session, later: Any, earlier: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def closing_from_sums(sums: list[AgingSum]) -> tuple[int, int]:
    """(open invoice amounts, the part not yet due) from the aging sums by due date.

    The same figures as :func:`open_totals` with ``split`` on the aging date: bucket 0 holds
    the lines due on or after it; each customer, currency and rate is rounded on its own.
    """
    total = not_due = 0
    for x in sums:
        if x.kind != "invoice":
            continue
        current = to_base(x.amounts[0], x.rate_to_base)
        total += current + to_base(sum(x.amounts[1:]), x.rate_to_base)
        not_due += current
    return total, not_due


def open_totals(s: Session, at: date, as_of: date, *, split: bool) -> tuple[int, int]:
    """(open invoice amounts, the part not yet due when ``split``) on ``at``, base units."""
    due = [ScheduleLine.due_date >= at] if split else []
    rows = open_line_sums(
        s,
        at,
        lambda: [Invoice.customer_id, Invoice.currency, Invoice.exchange_rate, *due],
        scan=(as_of - at).days > SCAN_DAYS,
        by_line=split,
    )
    total = not_due = 0
    for _cid, _ccy, rate, *is_not_due, minor in rows:  # rounded per customer, as aging
        amount = to_base(int(minor), rate)
        total += amount
        if is_not_due and is_not_due[0]:
            not_due += amount
    return total, not_due


def _monthly(s: Session, stmt: Any) -> dict[str, int]:
    # Summed per day in SQL (walking a covering index in order: no sort), per month here; each
    # month's sum per currency and rate is converted once, as a sum per month would be.
    sums: dict[tuple[str, str, Any], int] = {}
    for day, ccy, rate, minor in s.execute(stmt):
        key = (str(day)[:7], ccy, rate)
        sums[key] = sums.get(key, 0) + int(minor or 0)
    out: dict[str, int] = {}
    for (month, _ccy, rate), minor in sums.items():
        out[month] = out.get(month, 0) + to_base(minor, rate)
    return out


def invoiced(s: Session, start: date, end: date) -> dict[str, int]:
    """Invoices dated in ``start`` .. ``end`` (not void) per month ("YYYY-MM"), base units."""
    day = Invoice.issue_date  # ix_invoices_issued_cover
    stmt = (
        select(day, Invoice.currency, Invoice.exchange_rate, func.sum(Invoice.amount_minor))
        .where(day >= start, day <= end, Invoice.status != "void")
        .group_by(day, Invoice.currency, Invoice.exchange_rate)
    )
    return _monthly(s, stmt)


def collected(s: Session, start: date, end: date, as_of: date) -> dict[str, int]:
    """Customers' payments dated in the period, not reversed on ``as_of``, per month."""
    day = Payment.payment_date  # ix_payments_received_cover
    stmt = (
        select(day, Payment.currency, Payment.exchange_rate, func.sum(Payment.amount_minor))
        .where(
            day >= start,
            day <= end,
            Payment.customer_id.is_not(None),
            or_(Payment.reversed_on.is_(None), Payment.reversed_on > as_of),
        )
        .group_by(day, Payment.currency, Payment.exchange_rate)
    )
    return _monthly(s, stmt)


def days_to_pay(s: Session, start: date, end: date, as_of: date) -> tuple[int, int]:
    """(Σ days × amount, Σ amount) of payment allocations dated in the period, base units."""
    days = _days_between(s, Allocation.allocation_date, Invoice.issue_date)
    day = scanned(Allocation.allocation_date, (end - start).days > SCAN_DAYS)
    stmt = (
        select(
            Invoice.currency,
            Invoice.exchange_rate,
            func.sum(days * Allocation.amount_minor),
            func.sum(Allocation.amount_minor),
        )
        .select_from(Allocation)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(
            Allocation.payment_id.is_not(None),
            day >= start,
            day <= end,
            or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > as_of),
        )
        .group_by(Invoice.currency, Invoice.exchange_rate)
    )
    weighted = paid = 0
    for _ccy, rate, w, amount in s.execute(stmt):
        weighted += to_base(round(Decimal(str(w or 0))), rate)
        paid += to_base(int(amount or 0), rate)
    return weighted, paid


def unpaid_orders(s: Session, start: date, end: date, as_of: date) -> tuple[int, int]:
    """(orders invoiced in the period, those with one of the period's invoices open on as_of)."""
    day = scanned(Invoice.issue_date, True)  # read from the order index, not walked
    in_period = and_(
        Invoice.order_id.is_not(None),
        day >= start,
        day <= end,
        day <= as_of,
        Invoice.status != "void",
    )
    if is_current(s, as_of):
        is_open: Any = Invoice.open_minor > 0
    else:
        live = or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > as_of)
        allocated = (
            select(func.coalesce(func.sum(Allocation.amount_minor), 0))
            .where(Allocation.invoice_id == Invoice.id, Allocation.allocation_date <= as_of, live)
            .correlate(Invoice)
            .scalar_subquery()
        )
        is_open = Invoice.amount_minor - allocated > 0
    # Grouped per order walking ix_invoices_order_cover in order (no sort of the orders).
    per_order = (
        select(Invoice.order_id, func.max(case((is_open, 1), else_=0)).label("unpaid"))
        .where(in_period)
        .group_by(Invoice.order_id)
        .subquery()
    )
    stmt = select(func.count(), func.sum(per_order.c.unpaid))
    total, unpaid = s.execute(stmt).one()
    return int(total or 0), int(unpaid or 0)


def opening_and_days_to_pay(
    s: Session, start: date, end: date, as_of: date, base: str
) -> tuple[int, int, int]:
    """(open invoice amounts on ``start`` − 1 day, Σ days × amount, Σ amount), base units.

    The same figures as :func:`open_totals` (not split) the day before the period and
    :func:`days_to_pay` over the period, but the allocations made since the start of the period
    are read and joined to their invoices once, for both. Amounts in another currency than
    ``base`` are rounded per customer, currency and rate, as :func:`open_totals` does; in the
    base currency (rate 1) there is nothing to round, so they are summed per currency only.
    """
    at = start - timedelta(days=1)
    if is_current(s, at):  # nothing happened since: no allocation to read
        return (open_totals(s, at, as_of, split=False)[0], *days_to_pay(s, start, end, as_of))
    scan = (as_of - at).days > SCAN_DAYS
    cols = (Invoice.customer_id, Invoice.currency, Invoice.exchange_rate)
    issued = [scanned(Invoice.issue_date, scan) <= at, Invoice.status != "void"]
    later = and_(Allocation.reversed_on.is_(None), *issued)
    paying = and_(
        Allocation.payment_id.is_not(None),
        Allocation.allocation_date <= end,
        or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > as_of),
    )
    days = _days_between(s, Allocation.allocation_date, Invoice.issue_date)
    sums = (
        func.sum(case((later, Allocation.amount_minor), else_=0)),
        func.sum(case((paying, days * Allocation.amount_minor), else_=0)),
        func.sum(case((paying, Allocation.amount_minor), else_=0)),
    )
    since_start = scanned(Allocation.allocation_date, scan) >= start
    # Base currency (rate 1, nothing to round): one pass without grouping (no sort), the
    # allocations read in table order and each invoice looked up by id (the join condition
    # keeps SQLite from starting from the invoices).
    in_base = (
        select(func.min(Invoice.exchange_rate), func.max(Invoice.exchange_rate), *sums)
        .select_from(Allocation)
        .join(Invoice, Invoice.id == scanned(Allocation.invoice_id, True))
        .where(since_start, scanned(Invoice.currency, True) == base)
    )
    # Other currencies (few invoices): per customer, currency and rate.
    in_other = (
        select(*cols, *sums)
        .select_from(Invoice)
        .join(Allocation, Allocation.invoice_id == Invoice.id)
        .where(since_start, Invoice.currency != base)
        .group_by(*cols)
    )
    undone = (
        select(*cols, func.sum(Allocation.amount_minor))
        .select_from(Allocation)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(
            Allocation.allocation_date <= at,
            Allocation.reversed_on.is_not(None),
            Allocation.reversed_on > at,
            *issued,
        )
        .group_by(*cols)
    )
    now_open = open_line_sums(
        s, at, lambda: list(cols), current=True, by_line=False
    )  # the maintained open amounts alone
    open_sums: dict[tuple[Any, str, Any], int] = {}
    weighted: dict[tuple[str, Any], int] = {}
    paid: dict[tuple[str, Any], int] = {}

    def add(k: tuple[Any, str, Any], minor: int) -> None:
        open_sums[k] = open_sums.get(k, 0) + minor

    for cid, ccy, rate, minor in now_open:
        add((None if ccy == base else cid, ccy, rate), int(minor))
    low, high, *base_sums = s.execute(in_base).one()
    if low is not None and (low != high or Decimal(str(low)) != 1):
        return (open_totals(s, at, as_of, split=False)[0], *days_to_pay(s, start, end, as_of))
    rows = [(None, base, low, *base_sums)] if low is not None else []
    rows += list(s.execute(in_other))
    for cid, ccy, rate, minor, w, amount in rows:
        add((cid, ccy, rate), int(minor or 0))
        weighted[(ccy, rate)] = weighted.get((ccy, rate), 0) + round(Decimal(str(w or 0)))
        paid[(ccy, rate)] = paid.get((ccy, rate), 0) + int(amount or 0)
    for cid, ccy, rate, minor in s.execute(undone):
        add((None if ccy == base else cid, ccy, rate), -int(minor or 0))
    if any(k[0] is None and Decimal(str(k[2] or 1)) != 1 for k in open_sums):
        # A base-currency amount at another rate than 1 (never written): round per customer.
        return (open_totals(s, at, as_of, split=False)[0], *days_to_pay(s, start, end, as_of))
    opening = sum(to_base(minor, k[2]) for k, minor in open_sums.items())
    return (
        opening,
        sum(to_base(w, k[1]) for k, w in weighted.items()),
        sum(to_base(a, k[1]) for k, a in paid.items()),
    )
