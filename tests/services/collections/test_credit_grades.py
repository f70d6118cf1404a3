"""Credit grades from a small hand-built payment history: facts, components, limit, storing."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert

from desktop_ar.db.models.collections import PromiseToPay
from desktop_ar.domain.errors import NotFound, PermissionDenied
from desktop_ar.domain.money import Money
from desktop_ar.services.activity import open_dispute
from desktop_ar.services.credit_grades import compute_grades, customer_grade, recompute_grades
from desktop_ar.services.invoicing import InvoiceInput, create_invoice
from desktop_ar.services.orders import OrderInput, OrderLineInput, confirm_order, create_order
from desktop_ar.services.uow import uow
from tests.services.helpers import d, m, make_customer, make_invoice, pay, row, scalar

AS_OF = date(2026, 6, 30)


def _promise(ctx, customer_id: int, status: str, promised: str, made: str = "2025-01-01") -> None:
    with uow(ctx) as s:
        s.execute(
            insert(PromiseToPay).values(
                customer_id=customer_id,
                made_on=d(made),
                promised_date=d(promised),
                currency="CNY",
                amount_minor=100_00,
                status=status,
                created_at=datetime(2026, 3, 1),
            )
        )


@pytest.fixture
def book(ctx):
    """G1: one old late payment (before the period), one on time, one 10 days late, one open
    invoice 51 days overdue and disputed, one broken promise, a confirmed order; G2: nothing."""
    g1 = make_customer(ctx, "Graded Ltd", code="G1", credit_limit=m("1000000"))
    make_invoice(ctx, g1, "2025-03-01", "100000")  # due 2025-03-31
    pay(ctx, g1, "2025-05-30", "100000")  # 60 days late, but before the period
    make_invoice(ctx, g1, "2026-01-01", "100000")  # due 2026-01-31
    pay(ctx, g1, "2026-01-20", "100000")  # on time
    make_invoice(ctx, g1, "2026-02-01", "100000")  # due 2026-03-03
    pay(ctx, g1, "2026-03-13", "100000")  # 10 days late
    open_inv = make_invoice(ctx, g1, "2026-04-10", "200000")  # due 2026-05-10, open
    open_dispute(ctx, g1, open_inv, "wrong quantity")
    _promise(ctx, g1, "broken", "2026-05-20")
    _promise(ctx, g1, "broken", "2025-01-20")  # before the period
    _promise(ctx, g1, "kept", "2026-05-25")
    line = OrderLineInput(item="widget", quantity=Decimal(1), unit_price=m("50000"))
    oid, _ = create_order(ctx, OrderInput(customer_id=g1, order_date=AS_OF, lines=[line]))
    confirm_order(ctx, oid)
    g2 = make_customer(ctx, "Fresh Ltd", code="G2")
    return {"G1": g1, "G2": g2}


def test_facts_components_and_grade(ctx, book) -> None:
    views = {v.customer_code: v for v in compute_grades(ctx, AS_OF)}
    g1 = views["G1"]
    f = g1.facts
    assert f.on_time_share == Decimal("50.0")
    assert f.weighted_days_late == Decimal("5.0")
    assert f.longest_overdue_days == 51
    assert (f.disputes, f.broken_promises) == (1, 1)
    assert f.exposure_minor == 250_000_00  # 200,000 open + 50,000 confirmed, not invoiced
    assert f.revenue_minor == 400_000_00  # the 2025 invoice is before the period
    points = {c.code: (c.value, c.points, c.max_points) for c in g1.components}
    assert points == {
        "on_time_share": ("50.0%", 15, 30),
        "weighted_days_late": ("5.0", 18, 20),
        "longest_overdue": ("51", 11, 15),
        "disputes": ("1", 7, 10),
        "broken_promises": ("1", 6, 10),
        "exposure": ("25%", 15, 15),
    }
    assert (g1.score, g1.grade) == (72, "B")
    # 400,000 a year → 33,333.33 a month × 2 months (B), rounded down to 1,000
    assert g1.suggested_limit == Money(66_000_00, "CNY")
    assert g1.credit_limit == m("1000000")
    assert g1.exposure == m("250000")
    assert g1.components[0].label("zh") == "按时付款比例"
    assert g1.current_grade == ""


def test_no_history_gets_middle_marks(ctx, book) -> None:
    g2 = customer_grade(ctx, book["G2"], AS_OF)
    assert g2.facts.on_time_share is None and g2.facts.weighted_days_late is None
    assert (g2.score, g2.grade) == (75, "B")
    assert g2.suggested_limit == Money(0, "CNY")


def test_paid_late_counts_for_longest_overdue(ctx) -> None:
    cid = make_customer(ctx, "Slow Ltd", code="S1")
    make_invoice(ctx, cid, "2026-01-01", "1000")  # due 2026-01-31
    pay(ctx, cid, "2026-04-01", "1000")  # 60 days late
    v = customer_grade(ctx, cid, AS_OF)
    assert v.facts.longest_overdue_days == 60
    assert v.facts.on_time_share == Decimal("0.0")
    assert v.facts.weighted_days_late == Decimal("60.0")
    # as of a date before the payment, the item is still open and overdue
    earlier = customer_grade(ctx, cid, d("2026-03-02"))
    assert earlier.facts.on_time_share is None
    assert earlier.facts.longest_overdue_days == 30


def test_customer_grade_unknown(ctx) -> None:
    with pytest.raises(NotFound):
        customer_grade(ctx, 9999, AS_OF)


def test_recompute_stores_changed_rows_and_audits(ctx, book) -> None:
    result, changes = recompute_grades(ctx, AS_OF)
    assert (result.scored, result.changed) == (2, 2)
    assert result.grade_changes == {"G1": ("", "B"), "G2": ("", "B")}
    assert changes.customers == {book["G1"], book["G2"]}
    stored = row(
        ctx,
        "SELECT credit_grade, credit_score, credit_scored_on FROM customers WHERE code = 'G1'",
    )
    assert (stored[0], stored[1], str(stored[2])) == ("B", 72, "2026-06-30")
    audit = row(
        ctx,
        "SELECT entity, after FROM audit_log WHERE action = 'recompute_credit_grades'",
    )
    assert audit[0] == "customers" and '"G1": "->B"' in audit[1] and '"changed": 2' in audit[1]
    # nothing changed: no row written, still one audit row with the counts
    again, changes = recompute_grades(ctx, AS_OF)
    assert (again.scored, again.changed, again.grade_changes) == (2, 0, {})
    assert not changes
    assert customer_grade(ctx, book["G1"], AS_OF).current_grade == "B"
    n = scalar(ctx, "SELECT count(*) FROM audit_log WHERE action = 'recompute_credit_grades'")
    assert n == 2


def test_recompute_needs_permission(ctx, book) -> None:
    reader = dataclasses.replace(ctx, role="read_only")
    with pytest.raises(PermissionDenied):
        recompute_grades(reader, AS_OF)
    assert scalar(ctx, "SELECT count(*) FROM customers WHERE credit_score IS NOT NULL") == 0


def test_foreign_currency_documents_count_at_their_rate(ctx) -> None:
    cid = make_customer(ctx, "Export Ltd", code="X1", credit_limit=m("100000"))
    make_invoice(ctx, cid, "2026-05-01", "1000")
    usd = InvoiceInput(
        customer_id=cid,
        issue_date=d("2026-05-01"),
        net=m("100", "USD"),
        payment_terms="NET30",
        exchange_rate=Decimal("7.1"),
    )
    create_invoice(ctx, usd)
    _promise(ctx, cid, "pending", "2026-05-02")
    v = customer_grade(ctx, cid, AS_OF)
    assert v.facts.revenue_minor == 1710_00  # 1,000 CNY + 100 USD at 7.1
    assert v.exposure == m("1710")
    assert v.facts.broken_promises == 0  # only broken promises count
