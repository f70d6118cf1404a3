"""Profit per order, customer, product and month on a small hand-built book.

The book (base currency CNY, all in the first half of 2026 unless said):
* A: order SO-000001 invoiced 2026-05-10 — 10 螺丝 at 100.00 (cost 60.00, 13 % tax) and 1.5 垫片
  at 10.00 (cost 5.00, no tax): net 1,015.00, tax 130.00, cost 607.50; a credit note of 113.00
  against that invoice on 2026-06-05 (net share 113 × 1015 / 1145 = 100.17); a void invoice; an
  invoice of 2025 (outside the period).
* B: a USD invoice at 7.1 on 2026-05-20 with lines typed in: 2 螺丝 at 50.00 (cost 30.00) and
  0.1234567 铜线 at 100.00 (cost 100.00, a quantity with more than 6 decimals): net 112.35 USD
  (797.69 CNY), cost 72.35 USD (513.69 CNY).
* C: an imported invoice without lines, 500.00 on 2026-04-01, and a standalone credit note of
  50.00 on 2026-06-10.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services.analysis_profit import ProfitReport, ProfitRow, profit
from desktop_ar.services.invoicing import (
    InvoiceInput,
    create_credit_note,
    create_invoice,
    invoice_order,
    void_invoice,
)
from desktop_ar.services.orders import (
    OrderInput,
    OrderLineInput,
    confirm_order,
    create_order,
    get_order,
    record_shipment,
)
from desktop_ar.services.uow import uow
from tests.services.helpers import d, m, make_customer, make_invoice

Q = Decimal
FROM, TO = d("2026-01-01"), d("2026-06-30")


def _line(item: str, qty: str, price: str, rate: str, cost: str) -> OrderLineInput:
    return OrderLineInput(
        item=item, quantity=Q(qty), unit_price=m(price), tax_rate=Q(rate), unit_cost=m(cost)
    )


def _typed_lines(ctx, invoice_id: int, lines: list[tuple[str, str, int, int, int]]) -> None:
    with uow(ctx) as s:
        for n, (item, qty, price, cost, net) in enumerate(lines, start=1):
            s.execute(
                text(
                    "INSERT INTO invoice_lines (invoice_id, line_no, item, quantity,"
                    " unit_price_minor, tax_rate, unit_cost_minor, net_minor, tax_minor)"
                    " VALUES (:i, :n, :item, :q, :p, '0', :c, :net, 0)"
                ),
                {
                    "i": invoice_id,
                    "n": n,
                    "item": item,
                    "q": qty,
                    "p": price,
                    "c": cost,
                    "net": net,
                },
            )


@pytest.fixture
def book(ctx) -> dict[str, object]:
    a = make_customer(ctx, "甲公司", code="A", credit_limit=m("100000"))
    b = make_customer(ctx, "乙公司", code="B", currency="USD")
    c = make_customer(ctx, "丙公司", code="C")
    oid, _ = create_order(
        ctx,
        OrderInput(
            customer_id=a,
            order_date=d("2026-05-01"),
            lines=[
                _line("螺丝", "10", "100.00", "0.13", "60.00"),
                _line("垫片", "1.5", "10.00", "0", "5.00"),
            ],
        ),
    )
    confirm_order(ctx, oid)
    lines = {ln.id: ln.quantity for ln in get_order(ctx, oid).lines}
    record_shipment(ctx, oid, d("2026-05-08"), "", lines)
    inv_a, _ = invoice_order(ctx, oid, issue_date=d("2026-05-10"))
    create_credit_note(ctx, a, m("113.00"), d("2026-06-05"), "returned", inv_a)
    void_id = make_invoice(ctx, a, "2026-03-01", "999.00")
    void_invoice(ctx, void_id, "typo")
    make_invoice(ctx, a, "2025-12-31", "777.00")
    inv_b, _ = create_invoice(
        ctx,
        InvoiceInput(
            customer_id=b,
            issue_date=d("2026-05-20"),
            net=m("112.35", "USD"),
            exchange_rate=Q("7.1"),
        ),
    )
    _typed_lines(
        ctx, inv_b, [("螺丝", "2", 5000, 3000, 10000), ("铜线", "0.1234567", 10000, 10000, 1235)]
    )
    inv_c = make_invoice(ctx, c, "2026-04-01", "500.00")
    create_credit_note(ctx, c, m("50.00"), d("2026-06-10"), "goodwill")
    with uow(ctx) as s:
        numbers = dict(s.execute(text("SELECT id, number FROM invoices")).all())
    return {"b_number": numbers[inv_b], "c_number": numbers[inv_c]}


def _rows(report: ProfitReport) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    return {
        (r.kind, r.key): (
            r.revenue.amount_str(),
            r.cost.amount_str(),
            r.revenue_without_cost.amount_str(),
            r.credit_notes.amount_str(),
        )
        for r in report.rows
    }


def _total(report: ProfitReport) -> ProfitRow:
    t = report.totals
    assert t.kind == "total"
    for name in ("revenue", "cost", "revenue_without_cost", "credit_notes"):
        assert getattr(t, name).minor == sum(getattr(r, name).minor for r in report.rows)
    return t


def test_by_customer(ctx, book) -> None:
    report = profit(ctx, FROM, TO, by="customer")
    assert report.base_currency == "CNY" and report.by == "customer"
    assert _rows(report) == {
        ("group", "A"): ("914.83", "607.50", "0.00", "100.17"),
        ("group", "B"): ("797.69", "513.69", "0.00", "0.00"),
        ("group", "C"): ("-50.00", "0.00", "500.00", "50.00"),
    }
    a, b, c = report.rows
    assert a.label == "甲公司" and a.profit == m("307.33") and a.margin == Q("33.59")
    assert b.profit == m("284.00") and b.margin == Q("35.60")
    assert c.margin is None  # no revenue with a cost
    t = _total(report)
    assert (t.revenue, t.cost, t.revenue_without_cost) == (m("1662.52"), m("1121.19"), m("500"))


def test_by_month(ctx, book) -> None:
    report = profit(ctx, FROM, TO, by="month")
    assert _rows(report) == {
        ("group", "2026-04"): ("0.00", "0.00", "500.00", "0.00"),
        ("group", "2026-05"): ("1812.69", "1121.19", "0.00", "0.00"),
        ("group", "2026-06"): ("-150.17", "0.00", "0.00", "150.17"),
    }
    _total(report)


def test_by_product(ctx, book) -> None:
    report = profit(ctx, FROM, TO, by="product")
    assert _rows(report) == {
        ("group", "垫片"): ("15.00", "7.50", "0.00", "0.00"),
        ("group", "螺丝"): ("1710.00", "1026.00", "0.00", "0.00"),
        ("group", "铜线"): ("87.69", "87.69", "0.00", "0.00"),
        ("no_lines", ""): ("0.00", "0.00", "500.00", "0.00"),
        ("credit_notes", ""): ("-150.17", "0.00", "0.00", "150.17"),
    }
    labels = [r.label for r in report.rows]
    assert labels[-2:] == ["(invoices without lines)", "Credit notes (not by product)"]
    _total(report)


def test_by_order(ctx, book) -> None:
    report = profit(ctx, FROM, TO, by="order")
    rows = _rows(report)
    assert rows == {
        ("group", "SO-000001"): ("914.83", "607.50", "0.00", "100.17"),
        ("group", book["b_number"]): ("797.69", "513.69", "0.00", "0.00"),
        ("group", book["c_number"]): ("0.00", "0.00", "500.00", "0.00"),
        ("credit_notes", ""): ("-50.00", "0.00", "0.00", "50.00"),
    }
    by_key = {r.key: r.label for r in report.rows}
    assert by_key["SO-000001"] == "SO-000001"
    assert by_key[book["b_number"]] == f"invoice {book['b_number']}"
    _total(report)


def test_period_and_bad_arguments(ctx, book) -> None:
    report = profit(ctx, d("2025-12-01"), d("2025-12-31"), by="customer")
    assert _rows(report) == {("group", "A"): ("0.00", "0.00", "777.00", "0.00")}
    assert profit(ctx, d("2020-01-01"), d("2020-12-31"), by="month").rows == []
    with pytest.raises(UserFacingError):
        profit(ctx, FROM, TO, by="colour")
    with pytest.raises(UserFacingError):
        profit(ctx, TO, FROM, by="month")


def test_empty_book(ctx) -> None:
    report = profit(ctx, FROM, TO, by="customer")
    assert report.rows == [] and report.totals.revenue == m("0") and report.totals.margin is None
