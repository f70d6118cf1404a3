"""Customer value tier (客户价值等级) and payment behaviour, computed from plain numbers.

The value tier rule, with the defaults (amounts in the book's base currency):

* **A** — revenue in the last 12 months of at least 1,000,000 *and* at least 12 orders
  (a big customer who buys about every month);
* **B** — revenue of at least 200,000 *or* at least 4 orders (big, or regular);
* **C** — everyone else, including customers with nothing in the last 12 months.

"Orders" counts sales orders; an invoice without an order counts as one order. Payment
behaviour is weighted by amount, so one big late payment weighs more than a small one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from desktop_ar.domain.money import Money

TIERS = ("A", "B", "C")
_TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class TierThresholds:
    """Where the tiers start: revenue in major units of the revenue's currency, order counts."""

    a_revenue: Decimal = Decimal(1_000_000)
    a_orders: int = 12
    b_revenue: Decimal = Decimal(200_000)
    b_orders: int = 4

    def __post_init__(self) -> None:
        for value in (self.a_revenue, self.b_revenue):
            if not isinstance(value, Decimal) or value < 0:
                raise TypeError("tier revenue thresholds must be non-negative Decimals")
        if self.a_orders < 0 or self.b_orders < 0:
            raise ValueError("order thresholds must not be negative")


DEFAULT_THRESHOLDS = TierThresholds()


def value_tier(
    revenue_12m: Money, orders_12m: int, thresholds: TierThresholds = DEFAULT_THRESHOLDS
) -> str:
    """The value tier of a customer.

    Args:
        revenue_12m: invoiced in the last 12 months (voids excluded), in the currency the
            thresholds are meant for (the book's base currency).
        orders_12m: orders in the same 12 months (an invoice without an order counts as one).
        thresholds: where A and B start.

    Returns:
        ``"A"``, ``"B"`` or ``"C"``.
    """
    if orders_12m < 0:
        raise ValueError("orders_12m must not be negative")
    revenue = revenue_12m.to_decimal()
    if revenue >= thresholds.a_revenue and orders_12m >= thresholds.a_orders:
        return "A"
    if revenue > 0 and revenue >= thresholds.b_revenue:
        return "B"
    if orders_12m > 0 and orders_12m >= thresholds.b_orders:
        return "B"
    return "C"


def _amount(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,}"


def describe_rule(
    lang: str = "en", thresholds: TierThresholds = DEFAULT_THRESHOLDS, currency: str = ""
) -> str:
    """The tier rule in words (``lang`` ``"en"`` or ``"zh"``), one line per tier."""
    t = thresholds
    a, b = _amount(t.a_revenue), _amount(t.b_revenue)
    ccy = f" {currency}" if currency else ""
    if lang.lower().startswith("zh"):
        return "\n".join(
            (
                f"A：近12个月收入 ≥ {a}{ccy} 且订单 ≥ {t.a_orders} 笔",
                f"B：近12个月收入 ≥ {b}{ccy} 或订单 ≥ {t.b_orders} 笔",
                "C：其他客户（含近12个月无交易）",
                "无订单的发票按一笔订单计。",
            )
        )
    return "\n".join(
        (
            f"A: revenue in the last 12 months ≥ {a}{ccy} and ≥ {t.a_orders} orders",
            f"B: revenue in the last 12 months ≥ {b}{ccy} or ≥ {t.b_orders} orders",
            "C: everyone else (including no business in the last 12 months)",
            "An invoice without an order counts as one order.",
        )
    )


class PaidLine(NamedTuple):
    """Money received against one due amount: when it was due, when it was paid, how much."""

    due_date: date
    paid_date: date
    amount: Money
    issue_date: date | None = None


class OpenLine(NamedTuple):
    """An amount still open, with its due date."""

    due_date: date
    amount: Money


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How a customer pays. Averages are weighted by amount; None when nothing was paid.

    Attributes:
        avg_days_to_pay: days from the invoice date to the payment.
        on_time_share: percent of the money received that came on or before its due date.
        longest_overdue_days: the longest any amount was (or still is) past its due date.
        weighted_days_late: days past the due date per unit of money (early counts as 0).
        oldest_open_overdue_days: how long the oldest open amount is overdue now (0: none).
        paid_count: number of paid lines considered.
    """

    avg_days_to_pay: Decimal | None
    on_time_share: Decimal | None
    longest_overdue_days: int
    weighted_days_late: Decimal | None
    oldest_open_overdue_days: int = 0
    paid_count: int = 0


def _avg(total: int, weight: int) -> Decimal | None:
    if weight <= 0:
        return None
    return (Decimal(total) / Decimal(weight)).quantize(_TENTH, rounding=ROUND_HALF_UP)


def payment_behaviour(
    paid_lines: Iterable[PaidLine | tuple[date, date, Money]],
    open_lines: Iterable[OpenLine | tuple[date, Money]],
    as_of: date,
) -> Behaviour:
    """Summarise payments against due dates, and what is still open, as of a date.

    Args:
        paid_lines: ``(due_date, paid_date, amount[, issue_date])`` per payment applied to a due
            amount; non-positive amounts are ignored.
        open_lines: ``(due_date, open amount)`` per amount still open.
        as_of: the date open amounts are measured against.

    Returns:
        The behaviour; the averages need at least one paid amount, the days to pay one with
        an issue date.
    """
    weight = late_sum = on_time = 0
    pay_weight = pay_sum = 0
    longest = count = 0
    for raw in paid_lines:
        line = PaidLine(*raw)
        minor = line.amount.minor
        if minor <= 0:
            continue
        count += 1
        late = (line.paid_date - line.due_date).days
        weight += minor
        late_sum += max(late, 0) * minor
        if late <= 0:
            on_time += minor
        longest = max(longest, late)
        if line.issue_date is not None:
            pay_weight += minor
            pay_sum += max((line.paid_date - line.issue_date).days, 0) * minor
    oldest_open = 0
    for raw_open in open_lines:
        open_line = OpenLine(*raw_open)
        if open_line.amount.minor > 0:
            oldest_open = max(oldest_open, (as_of - open_line.due_date).days)
    share = None
    if weight > 0:
        share = (Decimal(on_time) * 100 / Decimal(weight)).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return Behaviour(
        avg_days_to_pay=_avg(pay_sum, pay_weight),
        on_time_share=share,
        longest_overdue_days=max(longest, oldest_open, 0),
        weighted_days_late=_avg(late_sum, weight),
        oldest_open_overdue_days=max(oldest_open, 0),
        paid_count=count,
    )
