"""Aging at a past date and the month-end trend."""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop_ar.services.analysis.aging_history import aging_at, aging_trend, month_ends
from tests.services.collections.test_dashboard import build
from tests.services.helpers import m, make_customer, make_invoice, pay


def test_aging_at_past_date_equals_aging_before_later_payments(ctx: Any) -> None:
    a = make_customer(ctx, "甲公司", code="A")
    make_invoice(ctx, a, "2026-02-01", "1000")
    make_invoice(ctx, a, "2026-03-01", "500")
    pay(ctx, a, "2026-03-20", "300")
    before = aging_at(ctx, date(2026, 4, 5))
    pay(ctx, a, "2026-04-10", "900")
    make_invoice(ctx, a, "2026-04-20", "700")
    after = aging_at(ctx, date(2026, 4, 5))
    assert after == before
    assert before.base_total == m("1200")
    assert aging_at(ctx, date(2026, 6, 30)).base_total == m("1000")


def test_month_ends() -> None:
    assert month_ends(date(2026, 6, 15), 3) == [
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 15),
    ]
    assert month_ends(date(2026, 3, 31), 2) == [date(2026, 2, 28), date(2026, 3, 31)]


def test_trend_points(ctx: Any) -> None:
    build(ctx)
    points = aging_trend(ctx, date(2026, 6, 30), months=4)
    assert [p.at for p in points] == [
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
    ]
    assert points[0].labels == ("current", "1-30", "31-60", "61-90", "90+")
    assert [p.total for p in points] == [m("2000"), m("1500"), m("1500"), m("5500")]
    assert points[0].amounts[0] == m("2000")  # due that day: current
    assert points[1].amounts[1] == m("1500")  # 30 days overdue
    assert points[2].amounts[3] == m("1500")  # 61 days overdue
    assert points[3].amounts == (m("4000"), m("0"), m("0"), m("0"), m("1500"))
    assert points[3].overdue == m("1500")


def test_trend_counts_allocations_reversed_later(ctx: Any) -> None:
    from desktop_ar.services.payments import reverse_payment

    a = make_customer(ctx, "甲公司", code="A")
    make_invoice(ctx, a, "2026-04-01", "1000")
    result = pay(ctx, a, "2026-04-15", "1000")
    reverse_payment(ctx, result.payment_id, date(2026, 5, 10), "bounced")
    points = aging_trend(ctx, date(2026, 5, 31), months=2)
    assert [p.total for p in points] == [m("0"), m("1000")]
    assert points[0].total == aging_at(ctx, date(2026, 4, 30)).base_total
