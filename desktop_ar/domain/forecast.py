"""Cash-flow forecast (回款预测): expected receipts per week from the open items.

Two views of the same open items, week by week from ``as_of``:

* the **due-date view**: every open amount arrives on its due date (overdue amounts this week);
* the **expected view**: each amount is shifted by its customer's own observed payment delay
  (weighted days between due date and payment, :class:`CustomerHabit`) and weighted by the
  probability that it is collected at all, which falls as an item ages
  (:class:`CollectionCurve`). An item already later than its customer usually pays is spread
  evenly over the next few weeks (``spread_weeks``) rather than put on one day.

What is not expected within the horizon is reported as ``beyond`` (arrives later) and
``doubtful`` (the part the collection probability says will not arrive). The three always add up
to the open total: expected + beyond + doubtful == open, to the cent, so nothing is lost by
rounding (:func:`~desktop_ar.domain.money.allocate_minor` spreads the cents).

:func:`backtest` compares a forecast made at an earlier date with what arrived in each week.
All amounts are integer minor units of one currency (the base currency): the caller converts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from desktop_ar.domain.money import allocate_minor

__all__ = [
    "Backtest",
    "CollectionCurve",
    "CustomerHabit",
    "Forecast",
    "ForecastItem",
    "Week",
    "backtest",
    "forecast",
    "week_start",
]

WEEKS = 13


@dataclass(frozen=True, slots=True)
class ForecastItem:
    """An open amount: whose, when due, how much (minor units of the forecast's currency)."""

    customer_id: int
    due_date: date
    open_minor: int


@dataclass(frozen=True, slots=True)
class CustomerHabit:
    """How late a customer pays: days after the due date, weighted by amount (may be < 0)."""

    delay_days: int = 0


@dataclass(frozen=True, slots=True)
class CollectionCurve:
    """Probability that an amount is collected, by how many days it is overdue.

    ``steps`` are ``(days overdue up to, probability)`` in increasing days; beyond the last
    step ``tail`` applies. The default follows common practice for small-business receivables.
    """

    steps: tuple[tuple[int, Decimal], ...] = (
        (0, Decimal(1)),
        (30, Decimal("0.98")),
        (60, Decimal("0.90")),
        (90, Decimal("0.75")),
        (180, Decimal("0.50")),
        (365, Decimal("0.25")),
    )
    tail: Decimal = Decimal("0.05")

    def __post_init__(self) -> None:
        days = [d for d, _ in self.steps]
        if days != sorted(days) or len(set(days)) != len(days):
            raise ValueError("collection curve steps must be in increasing days")
        for _, p in (*self.steps, (0, self.tail)):
            if not Decimal(0) <= p <= Decimal(1):
                raise ValueError(f"probability {p} is not between 0 and 1")

    def probability(self, days_overdue: int) -> Decimal:
        """The chance an item this many days overdue (≤ 0: not overdue) is collected."""
        for limit, p in self.steps:
            if days_overdue <= limit:
                return p
        return self.tail


@dataclass(frozen=True, slots=True)
class Week:
    """One forecast week ``start`` .. ``start + 6`` with the two views in minor units."""

    start: date
    due_minor: int = 0
    expected_minor: int = 0

    @property
    def end(self) -> date:
        """The week's last day."""
        return self.start + timedelta(days=6)


@dataclass(frozen=True, slots=True)
class Forecast:
    """The weeks, and what falls outside them; ``open_minor`` is the total of the items."""

    as_of: date
    weeks: tuple[Week, ...]
    open_minor: int
    due_beyond_minor: int
    beyond_minor: int
    doubtful_minor: int
    customers: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def expected_minor(self) -> int:
        """Σ expected within the horizon."""
        return sum(w.expected_minor for w in self.weeks)


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _scaled(minor: int, p: Decimal) -> int:
    return int((Decimal(minor) * p).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def forecast(
    items: Iterable[ForecastItem],
    habits: Mapping[int, CustomerHabit],
    as_of: date,
    *,
    weeks: int = WEEKS,
    curve: CollectionCurve | None = None,
    spread_weeks: int = 4,
) -> Forecast:
    """Expected receipts per week for ``weeks`` weeks from ``as_of``'s week.

    Args:
        items: the open amounts (non-positive amounts — credits — are left out).
        habits: each customer's observed delay; a customer without one pays on the due date.
        as_of: the forecast date; the first week is the one containing it.
        weeks: how many weeks.
        curve: collection probability by days overdue (default :class:`CollectionCurve`).
        spread_weeks: over how many weeks an item already later than usual is spread.

    Returns:
        The forecast; expected + beyond + doubtful equals the open total exactly.
    """
    if weeks < 1 or spread_weeks < 1:
        raise ValueError("weeks and spread_weeks must be at least 1")
    curve = curve or CollectionCurve()
    first = week_start(as_of)
    horizon_end = first + timedelta(days=7 * weeks)  # exclusive
    due = [0] * weeks
    expected = [0] * weeks
    open_total = due_beyond = beyond = doubtful = 0
    seen: set[int] = set()

    def index(day: date) -> int | None:
        day = max(day, as_of)
        return (day - first).days // 7 if day < horizon_end else None

    for item in items:
        if item.open_minor <= 0:
            continue
        seen.add(item.customer_id)
        open_total += item.open_minor
        di = index(item.due_date)
        if di is None:
            due_beyond += item.open_minor
        else:
            due[di] += item.open_minor
        delay = habits.get(item.customer_id, CustomerHabit()).delay_days
        arrival = item.due_date + timedelta(days=delay)
        if arrival < as_of <= item.due_date:  # an early payer who has not paid yet: soon
            arrival = as_of
        overdue_at_arrival = max((max(arrival, as_of) - item.due_date).days, 0)
        collectable = _scaled(item.open_minor, curve.probability(overdue_at_arrival))
        doubtful += item.open_minor - collectable
        if arrival >= as_of:
            ai = index(arrival)
            if ai is None:
                beyond += collectable
            else:
                expected[ai] += collectable
            continue
        # Later than this customer usually pays: spread over the next weeks from as_of.
        start = (as_of - first).days // 7
        slots = list(range(start, start + spread_weeks))
        for slot, part in zip(slots, allocate_minor(collectable, [1] * len(slots)), strict=True):
            if slot < weeks:
                expected[slot] += part
            else:
                beyond += part
    return Forecast(
        as_of=as_of,
        weeks=tuple(Week(first + timedelta(days=7 * i), due[i], expected[i]) for i in range(weeks)),
        open_minor=open_total,
        due_beyond_minor=due_beyond,
        beyond_minor=beyond,
        doubtful_minor=doubtful,
        customers=len(seen),
    )


@dataclass(frozen=True, slots=True)
class Backtest:
    """A past forecast against what arrived, week by week (minor units)."""

    weeks: tuple[tuple[date, int, int], ...]  # (week start, expected, actual)
    expected_minor: int
    actual_minor: int

    @property
    def error_minor(self) -> int:
        """Σ |expected − actual| over the weeks."""
        return sum(abs(e - a) for _, e, a in self.weeks)

    @property
    def error_share(self) -> Decimal | None:
        """The absolute error as a share of what arrived (None when nothing arrived)."""
        if self.actual_minor <= 0:
            return None
        return (Decimal(self.error_minor) / Decimal(self.actual_minor)).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )

    @property
    def total_difference_minor(self) -> int:
        """Expected minus actual over the whole period."""
        return self.expected_minor - self.actual_minor


def backtest(past: Forecast, receipts: Sequence[tuple[date, int]]) -> Backtest:
    """Compare ``past`` (a forecast made at an earlier date) with receipts ``(day, minor)``.

    Receipts outside the forecast's weeks are ignored.
    """
    actual = [0] * len(past.weeks)
    if past.weeks:
        first = past.weeks[0].start
        for day, minor in receipts:
            i = (day - first).days // 7
            if 0 <= i < len(actual):
                actual[i] += minor
    rows = tuple((w.start, w.expected_minor, a) for w, a in zip(past.weeks, actual, strict=True))
    return Backtest(rows, sum(r[1] for r in rows), sum(actual))
