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
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Allocation, Invoice, Payment, ScheduleLine
from desktop_ar.db.queries.balances import aging_invoice_sums, credit_rows, is_current
from desktop_ar.domain import metrics
from desktop_ar.domain.aging import AgingSum, Buckets, age_sums
from desktop_ar.domain.money import Money
from desktop_ar.services.analysis.aging_history import (
    SCAN_DAYS,
    open_line_sums,
    scanned,
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


def _month_key(column: Any) -> Any:
    # ISO dates: the first seven characters are the month (SQLite text, PostgreSQL date::text).
    return func.substr(cast(column, String), 1, 7)


def _days_between(session: Session, later: Any, earlier: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


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


def _open_totals(s: Session, at: date, as_of: date, *, split: bool) -> tuple[int, int]:
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
    out: dict[str, int] = {}
    for month, _ccy, rate, minor in s.execute(stmt):
        out[month] = out.get(month, 0) + to_base(int(minor or 0), rate)
    return out


def _invoiced(s: Session, start: date, end: date) -> dict[str, int]:
    month = _month_key(Invoice.issue_date)
    day = scanned(Invoice.issue_date, (end - start).days > SCAN_DAYS)
    stmt = (
        select(month, Invoice.currency, Invoice.exchange_rate, func.sum(Invoice.amount_minor))
        .where(day >= start, day <= end, Invoice.status != "void")
        .group_by(month, Invoice.currency, Invoice.exchange_rate)
    )
    return _monthly(s, stmt)


def _collected(s: Session, start: date, end: date, as_of: date) -> dict[str, int]:
    month = _month_key(Payment.payment_date)
    day = scanned(Payment.payment_date, (end - start).days > SCAN_DAYS)
    stmt = (
        select(month, Payment.currency, Payment.exchange_rate, func.sum(Payment.amount_minor))
        .where(
            day >= start,
            day <= end,
            Payment.customer_id.is_not(None),
            or_(Payment.reversed_on.is_(None), Payment.reversed_on > as_of),
        )
        .group_by(month, Payment.currency, Payment.exchange_rate)
    )
    return _monthly(s, stmt)


def _days_to_pay(s: Session, start: date, end: date, as_of: date) -> tuple[int, int]:
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


def _unpaid_orders(s: Session, start: date, end: date, as_of: date) -> tuple[int, int]:
    """(orders invoiced in the period, those with one of the period's invoices open on as_of)."""
    day = scanned(Invoice.issue_date, (end - start).days > SCAN_DAYS)
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
    stmt = select(
        func.count(func.distinct(Invoice.order_id)),
        func.count(func.distinct(case((is_open, Invoice.order_id), else_=None))),
    ).where(in_period)
    total, unpaid = s.execute(stmt).one()
    return int(total or 0), int(unpaid or 0)


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
        with clock.step("opening_receivable"):
            opening, _ = _open_totals(s, start - timedelta(days=1), as_of, split=False)
        with clock.step("closing_receivable"):
            closing, closing_current = _open_totals(s, end, as_of, split=True)
        with clock.step("invoiced_by_month"):
            invoiced = _invoiced(s, start, end)
        with clock.step("collected_by_month"):
            collected = _collected(s, start, end, as_of)
        with clock.step("average_days_to_pay"):
            weighted, paid = _days_to_pay(s, start, end, as_of)
        with clock.step("unpaid_orders_share"):
            orders, unpaid = _unpaid_orders(s, start, end, as_of)
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
