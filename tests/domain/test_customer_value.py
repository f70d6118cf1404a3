"""Value tiers and payment behaviour: the rule as written, and properties of the figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.customer_value import (
    DEFAULT_THRESHOLDS,
    Behaviour,
    OpenLine,
    PaidLine,
    TierThresholds,
    describe_rule,
    payment_behaviour,
    value_tier,
)
from desktop_ar.domain.money import Money

AS_OF = date(2026, 6, 30)


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


@pytest.mark.parametrize(
    ("revenue", "orders", "tier"),
    [
        ("1000000", 12, "A"),  # exactly on both A thresholds
        ("5000000", 11, "B"),  # big but not monthly: B on revenue
        ("999999.99", 40, "B"),  # frequent but below A revenue: B on orders
        ("200000", 1, "B"),
        ("199999.99", 3, "C"),
        ("500", 4, "B"),  # small but regular
        ("0", 0, "C"),
    ],
)
def test_rule_as_written(revenue: str, orders: int, tier: str) -> None:
    assert value_tier(cny(revenue), orders) == tier


def test_thresholds_can_be_changed() -> None:
    strict = TierThresholds(a_revenue=Decimal(10), a_orders=1, b_revenue=Decimal(5), b_orders=99)
    assert value_tier(cny("10"), 1, strict) == "A"
    assert value_tier(cny("5"), 0, strict) == "B"
    assert value_tier(cny("4.99"), 5, strict) == "C"
    with pytest.raises(TypeError):
        TierThresholds(a_revenue=1_000)  # type: ignore[arg-type]


@given(
    revenue=st.integers(min_value=0, max_value=10**12),
    orders=st.integers(min_value=0, max_value=500),
    more_revenue=st.integers(min_value=0, max_value=10**10),
    more_orders=st.integers(min_value=0, max_value=50),
)
def test_more_business_never_lowers_the_tier(
    revenue: int, orders: int, more_revenue: int, more_orders: int
) -> None:
    before = value_tier(Money(revenue, "CNY"), orders)
    after = value_tier(Money(revenue + more_revenue, "CNY"), orders + more_orders)
    assert after <= before  # "A" < "B" < "C"


def test_rule_is_described_in_both_languages() -> None:
    en = describe_rule("en", DEFAULT_THRESHOLDS, "CNY")
    zh = describe_rule("zh_CN")
    assert "1,000,000 CNY" in en and "12 orders" in en and en.count("\n") == 3
    assert "A：近12个月收入 ≥ 1,000,000 且订单 ≥ 12 笔" in zh


def test_behaviour_of_a_small_history() -> None:
    paid = [
        # due, paid, amount, issued: 1,000 paid 10 days late, 3,000 paid 5 days early
        PaidLine(date(2026, 3, 31), date(2026, 4, 10), cny("1000"), date(2026, 3, 1)),
        (date(2026, 5, 31), date(2026, 5, 26), cny("3000"), date(2026, 5, 1)),
    ]
    open_lines = [OpenLine(date(2026, 6, 10), cny("500")), (date(2026, 7, 31), cny("800"))]
    b = payment_behaviour(paid, open_lines, AS_OF)
    assert b.on_time_share == Decimal("75.0")
    assert b.weighted_days_late == Decimal("2.5")  # 10 × 1,000 / 4,000
    assert b.avg_days_to_pay == Decimal("28.8")  # (40 × 1,000 + 25 × 3,000) / 4,000
    assert b.longest_overdue_days == 20  # the open 500 is 20 days overdue, more than 10
    assert b.oldest_open_overdue_days == 20
    assert b.paid_count == 2


def test_nothing_paid_has_no_averages() -> None:
    b = payment_behaviour([], [], AS_OF)
    assert b == Behaviour(None, None, 0, None, 0, 0)
    only_open = payment_behaviour([], [(AS_OF + timedelta(days=3), cny("1"))], AS_OF)
    assert only_open.longest_overdue_days == 0


_paid = st.tuples(
    st.dates(date(2024, 1, 1), date(2026, 6, 30)),
    st.integers(min_value=-60, max_value=200),
    st.integers(min_value=1, max_value=10**9),
)


@given(st.lists(_paid, max_size=30))
def test_behaviour_figures_stay_in_range(rows: list[tuple[date, int, int]]) -> None:
    lines = [PaidLine(due, due + timedelta(days=late), Money(a, "CNY")) for due, late, a in rows]
    b = payment_behaviour(lines, [], AS_OF)
    if not rows:
        assert b.on_time_share is None and b.weighted_days_late is None
        return
    assert b.on_time_share is not None and b.weighted_days_late is not None
    assert Decimal(0) <= b.on_time_share <= Decimal(100)
    worst = max(late for _d, late, _a in rows)
    assert b.longest_overdue_days == max(worst, 0)
    assert Decimal(0) <= b.weighted_days_late <= Decimal(max(worst, 0))
    assert b.avg_days_to_pay is None  # no issue dates given
    if all(late <= 0 for _d, late, _a in rows):
        assert b.on_time_share == 100 and b.weighted_days_late == 0
    if all(late > 0 for _d, late, _a in rows):
        assert b.on_time_share == 0
