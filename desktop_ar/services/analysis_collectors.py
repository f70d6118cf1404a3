"""Collector performance (催收员业绩): per collector per month, in the base currency.

A customer's collector is ``customers.collector`` (an empty name is "unassigned"); everything a
customer does counts for the collector assigned to it *now* (the book keeps no history of
assignments). Each month of the period is a window (the first and last month are cut to the
period) and reports:

* **collected**: payments' allocations dated in the window to the customers' invoices, still
  live (an allocation undone later, or a reversed receipt, collected nothing), converted with
  the invoice's exchange rate;
* **overdue at start / end**: what was overdue at the end of the day before the window and at
  the end of its last day — schedule lines due before that date, less the allocations
  (payments, credit notes, write-offs) live on it, from the dated allocations rather than from
  today's balances; void invoices are left out. **Overdue reduced** = start − end (negative when
  more fell overdue than was collected);
* **promises**: made in the window (``made_on``; cancelled ones left out), and, among those
  promised for a date in the window, kept / partly kept / broken (their status now);
* **contacts**: contact-log calls, emails and visits dated in the window with the collector's
  customers. They count by the customer's collector, not by the free-text ``staff`` field: the
  report is about the portfolio a collector is responsible for, and ``staff`` is typed by hand.

Every figure is a grouped query (per collector, month, currency and rate); the overdue amounts
for all month ends come from one pass over the open schedule lines and passes over the
allocations dated or reversed since the period began (see ``_overdue``).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    Allocation,
    ContactLogEntry,
    Customer,
    Invoice,
    PromiseToPay,
    ScheduleLine,
)
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader

__all__ = ["CONTACT_KINDS", "CollectorMonth", "collector_performance", "month_windows"]

CONTACT_KINDS = ("call", "email", "visit")


@dataclass(frozen=True, slots=True)
class CollectorMonth:
    """One collector's figures for one month (``month`` is ``YYYY-MM``)."""

    collector: str
    month: str
    start: date
    end: date
    collected: Money
    overdue_start: Money
    overdue_end: Money
    promises_made: int
    promises_kept: int
    promises_partly_kept: int
    promises_broken: int
    contacts: int

    @property
    def overdue_reduced(self) -> Money:
        """Overdue at the start less overdue at the end (negative when it grew)."""
        return self.overdue_start - self.overdue_end


def month_windows(date_from: date, date_to: date) -> list[tuple[str, date, date]]:
    """The months of a period as ``(YYYY-MM, first day, last day)``, cut to the period."""
    out: list[tuple[str, date, date]] = []
    first = date_from
    while first <= date_to:
        last_day = calendar.monthrange(first.year, first.month)[1]
        last = min(date(first.year, first.month, last_day), date_to)
        out.append((f"{first:%Y-%m}", first, last))
        first = last + timedelta(days=1)
    return out


def _month(col: Any) -> Any:
    return func.substr(col, 1, 7)


def _collected(s: Session, date_from: date, date_to: date) -> list[Any]:
    stmt = (
        select(
            Customer.collector,
            _month(Allocation.allocation_date),
            Allocation.currency,
            Invoice.exchange_rate,
            func.sum(Allocation.amount_minor),
        )
        .select_from(Allocation)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(
            Allocation.payment_id.is_not(None),
            Allocation.reversed_on.is_(None),
            Allocation.allocation_date >= date_from,
            Allocation.allocation_date <= date_to,
        )
        .group_by(
            Customer.collector,
            _month(Allocation.allocation_date),
            Allocation.currency,
            Invoice.exchange_rate,
        )
    )
    return list(s.execute(stmt))


def _overdue(s: Session, ends: Sequence[date]) -> dict[tuple[str, str, Decimal], list[int]]:
    """Overdue at the end of each of ``ends``, per (collector, currency, rate).

    A line's open amount on ``D`` is its open amount now, plus the live allocations dated after
    ``D``, less the allocations live on ``D`` and reversed since: three grouped passes over the
    open lines (partial index) and the allocations dated or reversed after ``ends[0]``, instead
    of a pass over every line of the book.
    """
    due, issued = ScheduleLine.due_date, Invoice.issue_date
    group = (Customer.collector, Invoice.currency, Invoice.exchange_rate)

    def sums(conds: list[Any], amount: Any) -> list[Any]:
        return [func.coalesce(func.sum(case((c, amount), else_=0)), 0) for c in conds]

    def overdue_on(e: date) -> Any:
        return and_(due < e, issued <= e)

    open_now = (
        select(*group, *sums([overdue_on(e) for e in ends], ScheduleLine.open_minor))
        .select_from(ScheduleLine)
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(ScheduleLine.open_minor > 0, Invoice.status != "void", due < ends[-1])
        .group_by(*group)
    )
    date_col, reversed_on = Allocation.allocation_date, Allocation.reversed_on
    later = [and_(overdue_on(e), date_col > e, reversed_on.is_(None)) for e in ends]
    undone = [and_(overdue_on(e), date_col <= e, reversed_on > e) for e in ends]

    def allocations(conds: list[Any], *where: Any) -> Any:
        return (
            select(*group, *sums(conds, Allocation.amount_minor))
            .select_from(Allocation)
            .join(ScheduleLine, ScheduleLine.id == Allocation.schedule_line_id)
            .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(*where, Invoice.status != "void", due < ends[-1])
            .group_by(*group)
        )

    passes = (
        (1, open_now),
        (1, allocations(later, date_col > ends[0], reversed_on.is_(None))),
        (-1, allocations(undone, reversed_on.is_not(None), reversed_on > ends[0])),
    )
    out: dict[tuple[str, str, Decimal], list[int]] = {}
    for sign, stmt in passes:
        for collector, ccy, rate, *amounts in s.execute(stmt):
            acc = out.setdefault((collector, ccy, rate), [0] * len(ends))
            for i, v in enumerate(amounts):
                acc[i] += sign * int(v)
    return out


def _counts(s: Session, date_from: date, date_to: date) -> dict[tuple[str, str], list[int]]:
    """[made, kept, partly kept, broken, contacts] per (collector, month)."""
    out: dict[tuple[str, str], list[int]] = {}

    def add(rows: Any, index: int) -> None:
        for collector, month, n in rows:
            out.setdefault((collector, month), [0] * 5)[index] += int(n)

    made = (
        select(Customer.collector, _month(PromiseToPay.made_on), func.count())
        .join(Customer, Customer.id == PromiseToPay.customer_id)
        .where(
            PromiseToPay.made_on >= date_from,
            PromiseToPay.made_on <= date_to,
            PromiseToPay.status != "cancelled",
        )
        .group_by(Customer.collector, _month(PromiseToPay.made_on))
    )
    add(s.execute(made), 0)
    for index, status in enumerate(("kept", "partly_kept", "broken"), start=1):
        judged = (
            select(Customer.collector, _month(PromiseToPay.promised_date), func.count())
            .join(Customer, Customer.id == PromiseToPay.customer_id)
            .where(
                PromiseToPay.promised_date >= date_from,
                PromiseToPay.promised_date <= date_to,
                PromiseToPay.status == status,
            )
            .group_by(Customer.collector, _month(PromiseToPay.promised_date))
        )
        add(s.execute(judged), index)
    contacts = (
        select(Customer.collector, _month(ContactLogEntry.log_date), func.count())
        .join(Customer, Customer.id == ContactLogEntry.customer_id)
        .where(
            ContactLogEntry.log_date >= date_from,
            ContactLogEntry.log_date <= date_to,
            ContactLogEntry.kind.in_(CONTACT_KINDS),
        )
        .group_by(Customer.collector, _month(ContactLogEntry.log_date))
    )
    add(s.execute(contacts), 4)
    return out


def _base(minor: int, ccy: str, rate: Decimal, base: str) -> int:
    if ccy == base or not minor:
        return int(minor)
    return Money(int(minor), ccy).convert(Decimal(rate), base, rounding=ROUND_HALF_UP).minor


def collector_performance(
    ctx: ServiceContext, date_from: date, date_to: date
) -> list[CollectorMonth]:
    """Per collector and month of ``date_from``..``date_to``: collections, overdue, promises.

    Args:
        ctx: the service context.
        date_from: first day of the period (inclusive).
        date_to: last day of the period (inclusive).

    Returns:
        One row per collector with any figure in the period and per month of the period (months
        without activity included, with zeros), sorted by collector ("" — unassigned — first)
        and month; amounts in the base currency.

    Raises:
        UserFacingError: ``invalid`` when the period ends before it starts.
    """
    if date_from > date_to:
        raise UserFacingError("invalid", field="period", reason="the start is after the end")
    windows = month_windows(date_from, date_to)
    ends = [date_from - timedelta(days=1), *(w[2] for w in windows)]
    with reader(ctx) as s:
        base = load_settings(s).base_currency
        collected_rows = _collected(s, date_from, date_to)
        overdue_rows = _overdue(s, ends)
        counts = _counts(s, date_from, date_to)
    collected: dict[tuple[str, str], int] = {}
    for collector, month, ccy, rate, amount in collected_rows:
        k = (collector, month)
        collected[k] = collected.get(k, 0) + _base(amount, ccy, rate, base)
    overdue: dict[str, list[int]] = {}
    for (collector, ccy, rate), sums in overdue_rows.items():
        acc = overdue.setdefault(collector, [0] * len(ends))
        for i, v in enumerate(sums):
            acc[i] += _base(v, ccy, rate, base)
    collectors = {k[0] for k in collected} | {k[0] for k in counts}
    collectors |= {c for c, sums in overdue.items() if any(sums)}
    out: list[CollectorMonth] = []
    for collector in sorted(collectors):
        sums = overdue.get(collector, [0] * len(ends))
        for i, (month, first, last) in enumerate(windows):
            n = counts.get((collector, month), [0] * 5)
            out.append(
                CollectorMonth(
                    collector=collector,
                    month=month,
                    start=first,
                    end=last,
                    collected=Money(collected.get((collector, month), 0), base),
                    overdue_start=Money(sums[i], base),
                    overdue_end=Money(sums[i + 1], base),
                    promises_made=n[0],
                    promises_kept=n[1],
                    promises_partly_kept=n[2],
                    promises_broken=n[3],
                    contacts=n[4],
                )
            )
    return out
