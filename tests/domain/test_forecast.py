"""Cash-flow forecast: both views, customer delays, collection probability, back-test."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.forecast import (
    CollectionCurve,
    CustomerHabit,
    ForecastItem,
    backtest,
    forecast,
    week_start,
)

AS_OF = date(2026, 6, 30)  # a Tuesday
MONDAY = date(2026, 6, 29)


def test_weeks_start_on_the_monday_of_as_of() -> None:
    f = forecast([], {}, AS_OF)
    assert week_start(AS_OF) == MONDAY
    assert len(f.weeks) == 13
    assert f.weeks[0].start == MONDAY
    assert f.weeks[-1].end == MONDAY + timedelta(days=13 * 7 - 1)


def test_on_time_payer_is_expected_on_the_due_date() -> None:
    items = [ForecastItem(1, date(2026, 7, 8), 100_00), ForecastItem(1, date(2026, 7, 20), 50_00)]
    f = forecast(items, {}, AS_OF)
    assert [w.due_minor for w in f.weeks[:5]] == [0, 100_00, 0, 50_00, 0]
    assert [w.expected_minor for w in f.weeks[:5]] == [0, 100_00, 0, 50_00, 0]


def test_customer_delay_shifts_the_expected_week() -> None:
    items = [ForecastItem(7, date(2026, 7, 8), 100_00)]
    f = forecast(items, {7: CustomerHabit(delay_days=14)}, AS_OF)
    assert f.weeks[1].due_minor == 100_00
    assert f.weeks[3].expected_minor == 98_00  # 14 days late: 98% collected
    assert f.doubtful_minor == 2_00


def test_overdue_items_are_due_now_and_spread_when_later_than_usual() -> None:
    items = [ForecastItem(1, date(2026, 5, 1), 400_00)]  # 60 days overdue, usually on time
    f = forecast(items, {}, AS_OF, spread_weeks=4)
    assert f.weeks[0].due_minor == 400_00
    expected = [w.expected_minor for w in f.weeks[:5]]
    assert expected == [90_00, 90_00, 90_00, 90_00, 0]  # 90% over 4 weeks
    assert f.doubtful_minor == 40_00


def test_far_future_items_are_beyond_the_horizon() -> None:
    f = forecast([ForecastItem(1, date(2027, 3, 1), 10_00)], {}, AS_OF)
    assert f.due_beyond_minor == 10_00
    assert f.beyond_minor == 10_00
    assert f.expected_minor == 0


def test_early_payer_not_yet_paid_is_expected_this_week() -> None:
    items = [ForecastItem(1, date(2026, 7, 3), 10_00)]
    f = forecast(items, {1: CustomerHabit(delay_days=-10)}, AS_OF)
    assert f.weeks[0].expected_minor == 10_00


def test_credits_are_left_out() -> None:
    f = forecast([ForecastItem(1, AS_OF, -5_00)], {}, AS_OF)
    assert f.open_minor == 0
    assert f.customers == 0


def test_curve_must_be_sane() -> None:
    with pytest.raises(ValueError, match="increasing"):
        CollectionCurve(steps=((30, Decimal("0.9")), (10, Decimal("0.8"))))
    with pytest.raises(ValueError, match="between 0 and 1"):
        CollectionCurve(tail=Decimal("1.5"))


def test_backtest_compares_week_by_week() -> None:
    past = forecast(
        [ForecastItem(1, date(2026, 7, 1), 100_00), ForecastItem(2, date(2026, 7, 9), 50_00)],
        {},
        AS_OF,
    )
    result = backtest(
        past, [(date(2026, 7, 2), 80_00), (date(2026, 7, 10), 50_00), (date(2027, 1, 1), 9)]
    )
    assert result.weeks[0] == (MONDAY, 100_00, 80_00)
    assert result.expected_minor == 150_00
    assert result.actual_minor == 130_00
    assert result.error_minor == 20_00
    assert result.total_difference_minor == 20_00
    assert result.error_share == Decimal("0.154")
    assert backtest(forecast([], {}, AS_OF), []).error_share is None


items_st = st.lists(
    st.builds(
        ForecastItem,
        st.integers(1, 5),
        st.dates(date(2025, 1, 1), date(2027, 6, 30)),
        st.integers(-1_000_00, 1_000_000_00),
    ),
    max_size=40,
)
habits_st = st.dictionaries(
    st.integers(1, 5), st.builds(CustomerHabit, st.integers(-30, 200)), max_size=5
)


@given(items_st, habits_st, st.integers(1, 20), st.integers(1, 8))
def test_nothing_is_lost(items, habits, weeks, spread) -> None:
    f = forecast(items, habits, AS_OF, weeks=weeks, spread_weeks=spread)
    open_total = sum(i.open_minor for i in items if i.open_minor > 0)
    assert f.open_minor == open_total
    assert f.expected_minor + f.beyond_minor + f.doubtful_minor == open_total
    assert sum(w.due_minor for w in f.weeks) + f.due_beyond_minor == open_total
    assert all(w.expected_minor >= 0 for w in f.weeks)
    assert f.doubtful_minor >= 0


@given(items_st)
def test_on_time_customers_with_nothing_overdue_match_the_due_view(items) -> None:
    future = [i for i in items if i.due_date >= AS_OF]
    f = forecast(future, {}, AS_OF)
    assert [w.expected_minor for w in f.weeks] == [w.due_minor for w in f.weeks]
    assert f.doubtful_minor == 0
