"""Cash-flow forecast (回款预测) and its back-test, in the base currency.

:func:`cash_forecast` takes the invoice lines open at ``as_of`` and each customer's observed
delay — the amount-weighted days between due date and payment over the payment allocations of
the 12 months before ``as_of`` (customers without payments in that time: 0 days) — and lets
:func:`desktop_ar.domain.forecast.forecast` spread them over the weeks (expected view and
due-date view). Customer credit (unallocated payments, credit notes) is not forecast.

:func:`backtest_forecast` makes the forecast again as it would have been made 13 weeks before
``as_of``, from what was known then (lines open on that date, delays from the 12 months before
it), and compares it week by week with what arrived: payment allocations dated after that date
(and by ``as_of``) on invoices dated on or before it — the receipts the forecast was about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Allocation, Invoice, ScheduleLine
from desktop_ar.domain.forecast import (
    WEEKS,
    Backtest,
    CustomerHabit,
    Forecast,
    ForecastItem,
    backtest,
    forecast,
)
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import format_money
from desktop_ar.services.analysis.aging_history import (
    SCAN_DAYS,
    open_line_sums,
    scanned,
    to_base,
)
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader

__all__ = [
    "CashBacktest",
    "CashForecast",
    "backtest_forecast",
    "cash_forecast",
    "customer_delays",
    "error_percent",
    "forecast_sheets",
    "receipts",
]

HISTORY_DAYS = 365


@dataclass(frozen=True, slots=True)
class CashForecast:
    """The forecast (minor units of ``base_currency``) and the delay used per customer."""

    base_currency: str
    forecast: Forecast
    delays: dict[int, int]


@dataclass(frozen=True, slots=True)
class CashBacktest:
    """The forecast made at ``made_on`` against the receipts up to ``as_of``."""

    as_of: date
    made_on: date
    base_currency: str
    forecast: Forecast
    result: Backtest


def _day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _days_between(session: Session, later: Any, earlier: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def _live(at: date) -> Any:
    return or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > at)


def customer_delays(session: Session, as_of: date) -> dict[int, int]:
    """Each customer's amount-weighted days from due date to payment, whole days (half up).

    Over the payment allocations dated in the ``HISTORY_DAYS`` days up to ``as_of`` and live on
    that date; amounts in the base currency. Customers without any are not in the result.
    """
    days = _days_between(session, Allocation.allocation_date, ScheduleLine.due_date)
    stmt = (
        select(
            Invoice.customer_id,
            Invoice.exchange_rate,
            func.sum(days * Allocation.amount_minor),
            func.sum(Allocation.amount_minor),
        )
        .select_from(Allocation)
        .join(ScheduleLine, ScheduleLine.id == Allocation.schedule_line_id)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(
            Allocation.payment_id.is_not(None),
            scanned(Allocation.allocation_date, True) > as_of - timedelta(days=HISTORY_DAYS),
            scanned(Allocation.allocation_date, True) <= as_of,
            _live(as_of),
        )
        .group_by(Invoice.customer_id, Invoice.currency, Invoice.exchange_rate)
    )
    weighted: dict[int, Decimal] = {}
    paid: dict[int, Decimal] = {}
    for cid, rate, w, amount in session.execute(stmt):
        r = Decimal(str(rate)) if rate is not None else Decimal(1)
        weighted[cid] = weighted.get(cid, Decimal(0)) + Decimal(str(w or 0)) * r
        paid[cid] = paid.get(cid, Decimal(0)) + Decimal(int(amount or 0)) * r
    return {
        cid: int((weighted[cid] / paid[cid]).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        for cid in weighted
        if paid[cid] > 0
    }


def _items(session: Session, at: date, scan: bool) -> list[ForecastItem]:
    rows = open_line_sums(
        session,
        at,
        lambda: [
            Invoice.customer_id,
            ScheduleLine.due_date,
            Invoice.currency,
            Invoice.exchange_rate,
        ],
        scan=scan,
    )
    return [
        ForecastItem(int(cid), _day(due), to_base(int(minor), rate))
        for cid, due, _ccy, rate, minor in rows
        if minor > 0
    ]


def _forecast(
    session: Session, at: date, weeks: int, *, scan: bool = False
) -> tuple[Forecast, dict[int, int]]:
    delays = customer_delays(session, at)
    habits = {cid: CustomerHabit(days) for cid, days in delays.items()}
    return forecast(_items(session, at, scan), habits, at, weeks=weeks), delays


def cash_forecast(ctx: ServiceContext, as_of: date, weeks: int = WEEKS) -> CashForecast:
    """Expected receipts per week for ``weeks`` weeks from ``as_of`` (base currency).

    Returns:
        The forecast (expected + beyond + doubtful equals the open total) and the delay in days
        used for each customer with payment history.
    """
    with reader(ctx) as s:
        ccy = load_settings(s).base_currency
        result, delays = _forecast(s, as_of, weeks)
    return CashForecast(ccy, result, delays)


def receipts(session: Session, made_on: date, until: date) -> list[tuple[date, int]]:
    """Receipts ``(day, base minor units)`` per day after ``made_on`` up to ``until``.

    Payment allocations live on ``until``, on invoices dated on or before ``made_on``.
    """
    scan = (until - made_on).days > SCAN_DAYS
    stmt = (
        select(
            Allocation.allocation_date,
            Invoice.currency,
            Invoice.exchange_rate,
            func.sum(Allocation.amount_minor),
        )
        .select_from(Allocation)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(
            Allocation.payment_id.is_not(None),
            scanned(Allocation.allocation_date, scan) > made_on,
            scanned(Allocation.allocation_date, scan) <= until,
            # Unindexed too, or SQLite would walk the invoices by date instead.
            scanned(Invoice.issue_date, scan) <= made_on,
            _live(until),
        )
        .group_by(Allocation.allocation_date, Invoice.currency, Invoice.exchange_rate)
    )
    per_day: dict[date, int] = {}
    for day, _ccy, rate, minor in session.execute(stmt):
        key = _day(day)
        per_day[key] = per_day.get(key, 0) + to_base(int(minor or 0), rate)
    return sorted(per_day.items())


def backtest_forecast(ctx: ServiceContext, as_of: date, weeks: int = WEEKS) -> CashBacktest:
    """Last quarter's forecast (made ``weeks`` weeks before ``as_of``) against what arrived.

    Returns:
        The past forecast and, week by week, its expected receipts against the actual ones.
    """
    made_on = as_of - timedelta(days=7 * weeks)
    with reader(ctx) as s:
        ccy = load_settings(s).base_currency
        past, _ = _forecast(s, made_on, weeks, scan=weeks * 7 > SCAN_DAYS)
        arrived = receipts(s, made_on, as_of)
    return CashBacktest(as_of, made_on, ccy, past, backtest(past, arrived))


def error_percent(share: Decimal | None) -> str:
    """A back-test error share as text: ``12.5 %`` (``—`` when nothing arrived)."""
    return "—" if share is None else f"{(share * 100).quantize(Decimal('0.1'))} %"


def forecast_sheets(fc: Any, bt: Any) -> list[Any]:
    """The forecast and the back-test as two ``.xlsx`` report sheets (the report command)."""
    from desktop_ar.io.excel.report_sheet import Block, ReportSheet
    from desktop_ar.io.excel.writer import Column

    ccy = fc.base_currency
    f = fc.forecast
    dec = Money(0, ccy).decimals
    dm = lambda minor: Money(minor, ccy).to_decimal()  # noqa: E731
    head = [f"Cash-flow forecast as of {f.as_of.isoformat()}", f"{ccy}, {f.customers} customers"]
    money = [Column("Due", "money", dec), Column("Expected", "money", dec)]
    weeks = Block(
        [Column("Week", "date"), Column("To", "date"), *money],
        [[w.start, w.end, dm(w.due_minor), dm(w.expected_minor)] for w in f.weeks],
        totals=[
            ["Later", None, dm(f.due_beyond_minor), dm(f.beyond_minor)],
            ["Doubtful", None, None, dm(f.doubtful_minor)],
            ["Total open", None, dm(f.open_minor), dm(f.open_minor)],
        ],
    )
    r = bt.result
    back = Block(
        [
            Column("Week", "date"),
            Column("Expected", "money", dec),
            Column("Arrived", "money", dec),
            Column("Difference", "money", dec),
        ],
        [[s, dm(e), dm(a), dm(e - a)] for s, e, a in r.weeks],
        totals=[["Total", dm(r.expected_minor), dm(r.actual_minor), dm(r.total_difference_minor)]],
    )
    back_head = [
        f"Back-test as of {bt.as_of.isoformat()}: forecast made on {bt.made_on.isoformat()}",
        f"Weekly error {format_money(Money(r.error_minor, ccy))} "
        f"({error_percent(r.error_share)} of what arrived)",
    ]
    return [ReportSheet("Forecast", head, [weeks]), ReportSheet("Back-test", back_head, [back])]
