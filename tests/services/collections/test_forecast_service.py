"""Cash-flow forecast: delays per customer, conservation, and the back-test against receipts."""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop_ar.services.analysis.forecast import backtest_forecast, cash_forecast
from desktop_ar.services.uow import reader
from tests.services.collections.test_dashboard import build

AS_OF = date(2026, 6, 30)


def test_delays_per_customer(ctx: Any) -> None:
    ids = build(ctx)
    result = cash_forecast(ctx, AS_OF)
    # A: 20 days late on 1000, 10 days late on 500 → 16.67 → 17; C paid 11 days early; B none.
    assert result.delays == {ids["A"]: 17, ids["C"]: -11}
    assert result.base_currency == "CNY"


def test_conservation_and_views(ctx: Any) -> None:
    build(ctx)
    fc = cash_forecast(ctx, AS_OF).forecast
    assert fc.open_minor == 550000
    assert fc.expected_minor + fc.beyond_minor + fc.doubtful_minor == fc.open_minor
    assert sum(w.due_minor for w in fc.weeks) + fc.due_beyond_minor == fc.open_minor
    assert len(fc.weeks) == 13
    assert fc.customers == 2
    # B has no history: its 3000 due 10 July arrives in the week of 6 July.
    week = {w.start.isoformat(): w for w in fc.weeks}
    assert week["2026-07-06"].due_minor == 300000
    # A's 1500, 91 days overdue and later than A's usual 17 days: 50 % collectable, spread
    # over four weeks from this one (18750 a week); the other half is doubtful.
    assert week["2026-07-06"].expected_minor == 300000 + 18750
    assert fc.doubtful_minor == 75000


def test_weeks_option(ctx: Any) -> None:
    build(ctx)
    assert len(cash_forecast(ctx, AS_OF, weeks=4).forecast.weeks) == 4


def test_backtest_uses_only_what_was_known(ctx: Any) -> None:
    build(ctx)
    bt = backtest_forecast(ctx, AS_OF)
    assert bt.made_on == date(2026, 3, 31)
    # On 31 March only A's March invoice (2000) was open; the 500 of 10 April had not arrived.
    assert bt.forecast.open_minor == 200000
    assert bt.result.actual_minor == 50000
    actual = {start.isoformat(): a for start, _, a in bt.result.weeks}
    assert actual["2026-04-06"] == 50000
    # A's delay known then: 20 days (only the January payment) → expected in the week of 20 April.
    expected = {start.isoformat(): e for start, e, _ in bt.result.weeks}
    assert expected["2026-04-20"] == 196000  # 98 % collectable 20 days overdue
    assert bt.result.expected_minor == bt.forecast.expected_minor
    assert bt.result.error_minor == 196000 + 50000


def test_delays_query_is_grouped(ctx: Any) -> None:
    from desktop_ar.services.analysis.forecast import customer_delays

    ids = build(ctx)
    with reader(ctx) as s:
        assert customer_delays(s, date(2026, 3, 31)) == {ids["A"]: 20, ids["C"]: -11}
        assert customer_delays(s, date(2025, 12, 31)) == {}
