"""Aging history (账龄趋势): the aging as it stood at a past date, and bucket totals over time.

:func:`aging_at` is the aging report of :mod:`desktop_ar.services.reports` at any date (it
already recomputes open amounts from the allocations live on a past date). :func:`aging_trend`
gives the bucket totals, in the base currency, at each month end going back; it reads open
invoice amounts with :func:`open_line_sums`, which starts from the maintained open amounts and
corrects them with the few allocations made or reversed after the date, instead of recomputing
every schedule line — fast on a million invoices. Trend points age invoice lines by due date and
do not net customer credit (unallocated payments, credit notes), which the aging report shows as
rows of their own.

The helpers :func:`to_base` and :func:`open_line_sums` are shared by the other analysis services.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, select, union_all
from sqlalchemy.orm import Session

from desktop_ar.db.models import Allocation, Invoice, ScheduleLine
from desktop_ar.db.queries.balances import is_current
from desktop_ar.domain.aging import AgingReport
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.reports import aging
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader

__all__ = [
    "SCAN_DAYS",
    "TrendPoint",
    "aging_at",
    "aging_trend",
    "month_ends",
    "open_line_sums",
    "scanned",
    "to_base",
]

KeyColumns = Callable[[], Sequence[Any]]
# A date range longer than this reads a large part of a big table: a full scan is several times
# faster than walking a date index and fetching each row (measured on a million invoices).
SCAN_DAYS = 90


def scanned(column: Any, scan: bool) -> Any:
    """``column`` wrapped so SQLite cannot use its index (a full scan) when ``scan``."""
    return func.coalesce(column, column) if scan else column


def to_base(minor: int, rate: Decimal | str | None) -> int:
    """``minor`` units converted with ``rate`` to the base currency, rounded half up."""
    value = Decimal(str(rate)) if rate is not None else Decimal(1)
    if value == 1:
        return int(minor)
    return int((Decimal(int(minor)) * value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def open_line_sums(
    session: Session,
    at: date,
    keys: KeyColumns,
    *,
    current: bool | None = None,
    scan: bool = False,
    by_line: bool = True,
) -> list[tuple[Any, ...]]:
    """Open invoice schedule-line amounts on ``at``, summed per ``keys()``.

    ``keys()`` returns column expressions over ``Invoice`` and ``ScheduleLine`` (e.g. the
    customer, the due date, the currency and rate); each result row is those keys then the
    open amount (minor units, positive). Void invoices and invoices dated after ``at`` are left
    out. The open amount is the maintained one, plus the allocations made after ``at`` and
    still live, less those live on ``at`` but reversed since — unless nothing happened after
    ``at`` (``current``), when the maintained amounts are read alone. ``scan`` reads the
    allocations made since ``at`` by a full scan (when ``at`` is long ago). Without ``by_line``
    the keys may only use ``Invoice`` columns, and schedule lines are not read.
    """
    if current is None:
        current = is_current(session, at)
    base = [Invoice.issue_date <= at, Invoice.status != "void"]
    if by_line:
        now_open = (
            select(*keys(), ScheduleLine.open_minor.label("amount"))
            .select_from(Invoice)
            .join(ScheduleLine, ScheduleLine.invoice_id == Invoice.id)
            .where(Invoice.open_minor > 0, ScheduleLine.open_minor > 0, *base)
        )
    else:
        now_open = select(*keys(), Invoice.open_minor.label("amount")).where(
            Invoice.open_minor > 0, *base
        )
    parts: list[Any] = [now_open]
    if not current:
        # Unindexed issue date: SQLite must start from the allocations, not walk the invoices.
        base = [scanned(Invoice.issue_date, scan) <= at, Invoice.status != "void"]
        later = and_(
            scanned(Allocation.allocation_date, scan) > at, Allocation.reversed_on.is_(None)
        )
        undone = and_(
            Allocation.allocation_date <= at,
            Allocation.reversed_on.is_not(None),
            Allocation.reversed_on > at,
        )
        for where, sign in ((later, 1), (undone, -1)):
            part = select(*keys(), (Allocation.amount_minor * sign).label("amount")).select_from(
                Allocation
            )
            if by_line:
                part = part.join(ScheduleLine, ScheduleLine.id == Allocation.schedule_line_id)
            parts.append(
                part.join(Invoice, Invoice.id == Allocation.invoice_id).where(where, *base)
            )
    both = union_all(*parts).subquery()
    cols = list(both.c)
    stmt = (
        select(*cols[:-1], func.sum(cols[-1])).group_by(*cols[:-1]).having(func.sum(cols[-1]) != 0)
    )
    return [tuple(r) for r in session.execute(stmt)]


def aging_at(ctx: ServiceContext, as_of: date) -> AgingReport:
    """The aging (by customer, company buckets and basis) as it stood at ``as_of``.

    Documents dated later and allocations made later are left out; allocations reversed later
    still count. This is :func:`desktop_ar.services.reports.aging` at that date.
    """
    return aging(ctx, as_of=as_of)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """Open invoice amounts at one date, per aging bucket, in the base currency."""

    at: date
    labels: tuple[str, ...]
    amounts: tuple[Money, ...]

    @property
    def total(self) -> Money:
        """Σ buckets."""
        return Money.sum(self.amounts, self.amounts[0].currency)

    @property
    def overdue(self) -> Money:
        """Σ buckets past due (all but the first)."""
        return Money.sum(self.amounts[1:], self.amounts[0].currency)


def month_ends(as_of: date, months: int) -> list[date]:
    """``months`` dates, oldest first: the month ends before ``as_of``'s month, then ``as_of``."""
    if months < 1:
        raise ValueError("months must be at least 1")
    points = [as_of]
    day = as_of
    for _ in range(months - 1):
        day = day.replace(day=1) - timedelta(days=1)
        points.append(day)
    return sorted(points)


def aging_trend(ctx: ServiceContext, as_of: date, months: int = 12) -> list[TrendPoint]:
    """Bucket totals (company buckets, by due date) at each month end going back from ``as_of``.

    Args:
        ctx: service context.
        as_of: the last point (the month so far); earlier points are the previous month ends.
        months: how many points.

    Returns:
        The points, oldest first, each in the base currency: each customer's (currency, rate,
        bucket) sum converted and rounded half up, as the aging report's totals do.
    """
    with reader(ctx) as s:
        settings = load_settings(s)
        buckets = settings.buckets
        ccy = settings.base_currency
        out = []
        for at in month_ends(as_of, months):
            edges = buckets.date_edges(at)
            bucket = case(
                *((ScheduleLine.due_date >= edge, i) for i, edge in enumerate(edges)),
                else_=len(edges),
            )
            rows = open_line_sums(
                s,
                at,
                lambda bucket=bucket: [
                    Invoice.customer_id,
                    Invoice.currency,
                    Invoice.exchange_rate,
                    bucket,
                ],
                scan=(as_of - at).days > SCAN_DAYS,
            )
            amounts = [0] * len(buckets)
            for _cid, _currency, rate, index, minor in rows:
                amounts[int(index)] += to_base(int(minor), rate)
            out.append(TrendPoint(at, tuple(buckets.labels), tuple(Money(a, ccy) for a in amounts)))
    return out
