"""Dashboard figures on a small book with known answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from desktop_ar.domain import metrics
from desktop_ar.domain.money import Money
from desktop_ar.services.analysis.dashboard import dashboard, default_period
from desktop_ar.services.invoicing import InvoiceInput, create_invoice
from desktop_ar.services.orders import OrderInput, OrderLineInput, create_order
from tests.services.helpers import d, m, make_customer, make_invoice, pay

AS_OF = date(2026, 6, 30)
START = date(2026, 1, 1)


def _order(ctx: Any, cid: int) -> int:
    line = OrderLineInput(item="货物", quantity=Decimal(1), unit_price=Money.of("1", "CNY"))
    return create_order(ctx, OrderInput(customer_id=cid, order_date=d("2025-12-01"), lines=[line]))[
        0
    ]


def _invoice(ctx: Any, cid: int, issue: str, amount: str, order_id: int | None) -> int:
    data = InvoiceInput(customer_id=cid, issue_date=d(issue), net=m(amount), order_id=order_id)
    return create_invoice(ctx, data)[0]


def build(ctx: Any) -> dict[str, int]:
    """A: 1000 (Dec, paid 20 Jan), 2000 (Mar, 500 paid 10 Apr); B: 3000 + 1000 in June;
    C: 400 (Feb, paid 20 Feb). Orders: O1 → A's March invoice, O2 → B's 3000, O3 → C's."""
    a = make_customer(ctx, "甲公司", code="A")
    b = make_customer(ctx, "乙公司", code="B")
    c = make_customer(ctx, "丙公司", code="C")
    o1, o2, o3 = _order(ctx, a), _order(ctx, b), _order(ctx, c)
    make_invoice(ctx, a, "2025-12-01", "1000")
    pay(ctx, a, "2026-01-20", "1000")
    _invoice(ctx, c, "2026-02-01", "400", o3)
    pay(ctx, c, "2026-02-20", "400")
    _invoice(ctx, a, "2026-03-01", "2000", o1)
    pay(ctx, a, "2026-04-10", "500")
    _invoice(ctx, b, "2026-06-10", "3000", o2)
    make_invoice(ctx, b, "2026-06-20", "1000")
    return {"A": a, "B": b, "C": c}


def test_figures_with_known_answers(ctx: Any) -> None:
    build(ctx)
    dash = dashboard(ctx, AS_OF, START, AS_OF)
    assert dash.inputs["opening_receivable"] == m("1000")
    assert dash.inputs["sales"] == m("6400")
    assert dash.inputs["closing_receivable"] == m("5500")
    assert dash.inputs["closing_current"] == m("4000")
    assert dash.inputs["collected"] == m("1900")
    values = {f.key: f.value for f in dash.figures}
    assert values["receivable"] == m("5500")
    assert values["overdue"] == m("1500")
    assert values["overdue_share"] == Decimal("27.3")  # 1500 / 5500
    assert values["dso"] == Decimal("155.5")  # 5500 / 6400 × 181 days
    assert values["cei"] == Decimal("55.9")  # 1900 / 3400
    assert values["average_days_to_pay"] == Decimal("40.8")  # (50×1000+40×500+19×400)/1900
    assert values["collection_rate"] == Decimal("25.7")  # 1900 / 7400
    assert values["unpaid_orders_share"] == Decimal("66.7")  # O1, O2 of O1..O3


def test_definitions_for_tooltips(ctx: Any) -> None:
    build(ctx)
    dash = dashboard(ctx, AS_OF, START, AS_OF)
    dso = dash.figure("dso")
    assert (dso.definition_en, dso.definition_zh) == metrics.DEFINITIONS["dso"]
    assert dso.unit == "days"
    assert all(f.definition_en and f.definition_zh for f in dash.figures)


def test_top_debtors_buckets_and_months(ctx: Any) -> None:
    build(ctx)
    dash = dashboard(ctx, AS_OF, START, AS_OF)
    top = [(t.code, t.balance, t.overdue) for t in dash.top_debtors]
    assert top == [("B", m("4000"), m("0")), ("A", m("1500"), m("1500"))]
    assert dash.bucket_labels == ("current", "1-30", "31-60", "61-90", "90+")
    assert dash.bucket_totals == (m("4000"), m("0"), m("0"), m("0"), m("1500"))
    months = {p.month.isoformat()[:7]: (p.invoiced, p.collected) for p in dash.months}
    assert list(months) == [f"2026-0{i}" for i in range(1, 7)]
    assert months["2026-01"] == (m("0"), m("1000"))
    assert months["2026-02"] == (m("400"), m("400"))
    assert months["2026-03"] == (m("2000"), m("0"))
    assert months["2026-04"] == (m("0"), m("500"))
    assert months["2026-06"] == (m("4000"), m("0"))


def test_past_as_of_ignores_later_activity(ctx: Any) -> None:
    build(ctx)
    dash = dashboard(ctx, date(2026, 3, 31), START, date(2026, 3, 31))
    values = {f.key: f.value for f in dash.figures}
    assert values["receivable"] == m("2000")  # A's March invoice; June not yet, April not paid
    assert values["overdue"] == m("0")  # due 31 March: not yet overdue that day
    assert dash.inputs["closing_receivable"] == m("2000")
    assert dash.inputs["collected"] == m("1400")
    assert values["unpaid_orders_share"] == Decimal("50.0")  # O1 open, O3 paid


def test_empty_book_has_undefined_figures(ctx: Any) -> None:
    dash = dashboard(ctx, AS_OF)
    values = {f.key: f.value for f in dash.figures}
    assert values["receivable"] == m("0")
    assert values["dso"] is None and values["cei"] is None
    assert values["unpaid_orders_share"] is None
    assert dash.top_debtors == ()
    assert (dash.date_from, dash.date_to) == default_period(AS_OF) == (d("2025-07-01"), AS_OF)


def test_foreign_currency_converted_with_rate(ctx: Any) -> None:
    cid = make_customer(ctx, "Acme Ltd", code="U", currency="USD")
    data = InvoiceInput(
        customer_id=cid,
        issue_date=d("2026-06-01"),
        net=m("100", "USD"),
        exchange_rate=Decimal("7.1"),
    )
    create_invoice(ctx, data)
    dash = dashboard(ctx, AS_OF, START, AS_OF)
    assert dash.figure("receivable").value == m("710")
    assert dash.inputs["sales"] == m("710")


def test_period_must_not_be_reversed(ctx: Any) -> None:
    from desktop_ar.domain.errors import UserFacingError

    with pytest.raises(UserFacingError):
        dashboard(ctx, AS_OF, AS_OF, START)


def test_fast_queries_agree_with_the_plain_ones(ctx: Any) -> None:
    """The merged allocation pass and the closing from the aging equal the plain queries."""
    import importlib
    from datetime import timedelta

    from desktop_ar.services.payments import reverse_payment
    from desktop_ar.services.settings import load_settings
    from desktop_ar.services.uow import reader

    dash_mod = importlib.import_module("desktop_ar.services.analysis.dashboard")
    q = importlib.import_module("desktop_ar.services.analysis.dashboard_sql")
    build(ctx)
    usd = make_customer(ctx, "Acme Ltd", code="U", currency="USD")
    for issue, rate, amount in (("2025-11-03", "7.13", "100.55"), ("2026-02-05", "7.21", "70.37")):
        data = InvoiceInput(
            customer_id=usd,
            issue_date=d(issue),
            net=m(amount, "USD"),
            exchange_rate=Decimal(rate),
        )
        create_invoice(ctx, data)
    pay(ctx, usd, "2026-03-09", "120.33", currency="USD")
    late = pay(ctx, usd, "2026-05-02", "20.01", currency="USD")
    reverse_payment(ctx, late.payment_id, d("2026-06-15"), "bounced")
    periods = [
        (START, AS_OF, AS_OF),
        (date(2026, 2, 1), date(2026, 4, 30), AS_OF),
        (date(2026, 2, 1), date(2026, 5, 31), date(2026, 6, 1)),
        (date(2025, 7, 1), AS_OF, AS_OF),
        (date(2026, 7, 1), date(2026, 7, 31), AS_OF),
    ]
    with reader(ctx) as s:
        settings = load_settings(s)
        for start, end, as_of in periods:
            at = start - timedelta(days=1)
            plain = (
                q.open_totals(s, at, as_of, split=False)[0],
                *q.days_to_pay(s, start, end, as_of),
            )
            assert q.opening_and_days_to_pay(s, start, end, as_of, "CNY") == plain
            sums = dash_mod._aging_sums(s, end, settings.buckets, "due")
            assert q.closing_from_sums(sums) == q.open_totals(s, end, end, split=True)
