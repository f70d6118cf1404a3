"""Receivables dashboard (应收看板): key figures, top debtors, aging and monthly series.

Everything is in the base currency: grouped queries sum amounts per (currency, rate) and each
sum is converted with its rate, rounded half up. Figures and their wording come from
:mod:`desktop_ar.domain.metrics`.

* The headline receivable, overdue amount, top debtors and aging buckets are the aging at
  ``as_of`` (net of customer credit, like the aging report; overdue = invoice lines past due).
* The period figures (DSO, CEI, collection rate) use the open invoice amounts at the start
  (``date_from`` − 1 day) and end (``date_to``) of the period, credit not netted; sales are the
  invoices dated in the period; collected is the customers' payments dated in the period
  (reversed ones left out); days to pay use the payment allocations dated in the period.
* Unpaid orders: orders with an invoice dated in the period, and how many of them still have
  one of those invoices open at ``as_of``.

The queries are in :mod:`desktop_ar.services.analysis.dashboard_sql`. The allocation pass
(opening receivable, days to pay) and the unpaid orders run on two more connections while the
aging, invoiced and collected are read (each reader its own snapshot): under 1 s on a million
invoices (``benchmarks/run.py --only dashboard``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from desktop_ar.db.queries.balances import aging_invoice_sums, credit_rows, is_current
from desktop_ar.domain import metrics
from desktop_ar.domain.aging import AgingSum, Buckets, age_sums
from desktop_ar.domain.money import Money
from desktop_ar.services.analysis import dashboard_sql as q
from desktop_ar.services.analysis.aging_history import (
    to_base,
)
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader

__all__ = ["Dashboard", "Debtor", "Figure", "MonthPoint", "dashboard", "default_period"]

TOP = 10


@dataclass(frozen=True, slots=True)
class Figure:
    """One key figure: ``value`` is Money, a Decimal (percent or days) or None (undefined)."""

    key: str
    value: Money | Decimal | None
    unit: str  # "money", "percent" or "days"
    definition_en: str
    definition_zh: str


@dataclass(frozen=True, slots=True)
class Debtor:
    """A customer's balance (net of credit) and overdue invoice amount, base currency."""

    customer_id: int
    code: str
    name: str
    balance: Money
    overdue: Money


@dataclass(frozen=True, slots=True)
class MonthPoint:
    """Invoiced and collected in one month (``month`` is its first day)."""

    month: date
    invoiced: Money
    collected: Money


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The dashboard at ``as_of`` for the period ``date_from`` .. ``date_to``."""

    as_of: date
    date_from: date
    date_to: date
    base_currency: str
    figures: tuple[Figure, ...]
    top_debtors: tuple[Debtor, ...]
    bucket_labels: tuple[str, ...]
    bucket_totals: tuple[Money, ...]
    months: tuple[MonthPoint, ...]
    inputs: dict[str, Money] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def figure(self, key: str) -> Figure:
        """The figure called ``key`` (KeyError when there is none)."""
        for f in self.figures:
            if f.key == key:
                return f
        raise KeyError(key)


def default_period(as_of: date) -> tuple[date, date]:
    """The 12 months up to ``as_of``: the first day of the 11th month before, to ``as_of``."""
    months = as_of.year * 12 + as_of.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1), as_of


class _Clock:
    """Times each step, for the benchmark."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - start, 4)


def _aging_sums(s: Session, as_of: date, buckets: Buckets, basis: str) -> list[AgingSum]:
    current = is_current(s, as_of)
    edges = buckets.date_edges(as_of)
    sums = [
        AgingSum(r[0], r[1], r[2], "invoice", r[3], tuple(int(a) for a in r[5:]), r[4])
        for r in aging_invoice_sums(s, as_of, edges, basis, current=current)
    ]
    n = len(buckets)
    for r in credit_rows(s, as_of, current=current):
        amounts = [0] * n
        amounts[buckets.index_for((as_of - r[6]).days)] = int(r[10])
        sums.append(AgingSum(r[0], r[1], r[2], r[3], r[8], tuple(amounts), r[9]))
    return sums


def _debtors(sums: list[AgingSum], ccy: str) -> tuple[list[Debtor], int]:
    """Top debtors by balance, and the total overdue (base minor units)."""
    balance: dict[int, int] = {}
    overdue: dict[int, int] = {}
    heads: dict[int, AgingSum] = {}
    for x in sums:
        heads.setdefault(x.customer_id, x)
        sign = 1 if x.kind == "invoice" else -1
        balance[x.customer_id] = balance.get(x.customer_id, 0) + sign * to_base(
            sum(x.amounts), x.rate_to_base
        )
        if x.kind == "invoice":
            late = to_base(sum(x.amounts[1:]), x.rate_to_base)
            overdue[x.customer_id] = overdue.get(x.customer_id, 0) + late
    ranked = sorted(balance, key=lambda c: (-balance[c], heads[c].customer_code))
    top = [
        Debtor(
            c,
            heads[c].customer_code,
            heads[c].customer_name,
            Money(balance[c], ccy),
            Money(overdue.get(c, 0), ccy),
        )
        for c in ranked[:TOP]
        if balance[c] > 0
    ]
    return top, sum(overdue.values())


def _read(ctx: ServiceContext, clock: _Clock, name: str, fn: Any, *args: Any) -> Any:
    """``fn(session, *args)`` in a reader of its own (another thread), timed as ``name``."""
    with reader(ctx) as s, clock.step(name):
        return fn(s, *args)


def _months(start: date, end: date) -> list[date]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _figure(key: str, value: Money | Decimal | None, unit: str, definition: str = "") -> Figure:
    return Figure(key, value, unit, *metrics.DEFINITIONS[definition or key])


def dashboard(
    ctx: ServiceContext, as_of: date, date_from: date | None = None, date_to: date | None = None
) -> Dashboard:
    """The dashboard figures at ``as_of`` for a period (default: the 12 months up to it).

    Args:
        ctx: service context.
        as_of: the date of the balances (receivable, overdue, top debtors, aging).
        date_from: first day of the period (default: see :func:`default_period` of ``date_to``).
        date_to: last day of the period (default ``as_of``).

    Returns:
        The figures with their definitions, the top debtors, the aging buckets, the monthly
        invoiced/collected series and the inputs of the period figures.
    """
    end = date_to or as_of
    start = date_from or default_period(end)[0]
    if start > end:
        from desktop_ar.domain.errors import UserFacingError

        raise UserFacingError("invalid", field="period", reason="the start is after the end")
    clock = _Clock()
    with reader(ctx) as s:
        settings = load_settings(s)
    ccy = settings.base_currency
    # Independent reads on their own connections (concurrent readers: SQLite releases the
    # GIL while it steps), each a consistent snapshot of its own.
    with ThreadPoolExecutor(max_workers=2) as pool:
        orders_job = pool.submit(
            _read, ctx, clock, "unpaid_orders_share", q.unpaid_orders, start, end, as_of
        )
        since_job = pool.submit(
            _read,
            ctx,
            clock,
            "opening_receivable_days_to_pay",
            q.opening_and_days_to_pay,
            start,
            end,
            as_of,
            ccy,
        )
        with reader(ctx) as s:
            with clock.step("receivable_overdue_top_debtors"):
                sums = _aging_sums(s, as_of, settings.buckets, "due")
                due_report = age_sums(
                    sums, as_of=as_of, buckets=settings.buckets, basis="due", base_currency=ccy
                )
                top, overdue = _debtors(sums, ccy)
            with clock.step("aging_buckets"):
                report = due_report
                if settings.aging_basis != "due":
                    report = age_sums(
                        _aging_sums(s, as_of, settings.buckets, settings.aging_basis),
                        as_of=as_of,
                        buckets=settings.buckets,
                        basis=settings.aging_basis,
                        base_currency=ccy,
                    )
            with clock.step("closing_receivable"):
                if end == as_of:  # the aging's invoice sums, bucket 0 = not yet due
                    closing, closing_current = q.closing_from_sums(sums)
                else:
                    closing, closing_current = q.open_totals(s, end, as_of, split=True)
            with clock.step("invoiced_by_month"):
                invoiced = q.invoiced(s, start, end)
            with clock.step("collected_by_month"):
                collected = q.collected(s, start, end, as_of)
        opening, weighted, paid = since_job.result()
        orders, unpaid = orders_job.result()
    receivable = due_report.base_total.minor
    sales, cash = sum(invoiced.values()), sum(collected.values())
    days = (end - start).days + 1
    money = lambda minor: Money(minor, ccy)  # noqa: E731
    figures = (
        _figure("receivable", money(receivable), "money"),
        _figure("overdue", money(overdue), "money", "overdue_share"),
        _figure("overdue_share", metrics.overdue_share(overdue, receivable), "percent"),
        _figure("dso", metrics.dso(closing, sales, days), "days"),
        _figure("cei", metrics.cei(opening, sales, closing, closing_current), "percent"),
        _figure("average_days_to_pay", metrics.average_days_to_pay(weighted, paid), "days"),
        _figure("collection_rate", metrics.collection_rate(cash, opening, sales), "percent"),
        _figure(
            "unpaid_orders_share",
            metrics.share(unpaid, orders),
            "percent",
        ),
    )
    months = tuple(
        MonthPoint(m, money(invoiced.get(k, 0)), money(collected.get(k, 0)))
        for m in _months(start, end)
        for k in [m.isoformat()[:7]]
    )
    inputs = {
        "opening_receivable": money(opening),
        "sales": money(sales),
        "closing_receivable": money(closing),
        "closing_current": money(closing_current),
        "collected": money(cash),
        "paid_allocated": money(paid),
    }
    return Dashboard(
        as_of=as_of,
        date_from=start,
        date_to=end,
        base_currency=ccy,
        figures=figures,
        top_debtors=tuple(top),
        bucket_labels=tuple(report.buckets),
        bucket_totals=tuple(report.base_totals),
        months=months,
        inputs=inputs,
        timings=clock.timings,
    )
