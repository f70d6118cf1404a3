"""Statement of account: lines and running balance from every kind of document, voids and
reversals, currencies, open items, and the balance checked against the aging report and the
customer balances on a demo book."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from desktop_ar.db.models import Customer, Invoice, Payment
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.domain.statement import CREDIT_KINDS, DEBIT_KINDS
from desktop_ar.services.adjustments import refund, write_off_difference
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.customers import customer_balances
from desktop_ar.services.invoicing import create_credit_note, void_invoice
from desktop_ar.services.payments import reverse_payment
from desktop_ar.services.reports import aging
from desktop_ar.services.statements import (
    Statement,
    customer_id_for_code,
    default_period,
    statement_of_account,
)
from desktop_ar.services.uow import reader
from tests.services.helpers import d, m, make_customer, make_invoice, pay

JUNE = (d("2026-06-01"), d("2026-06-30"))


def rows(statement: Statement, currency: str = "CNY") -> list[tuple[str, str, str, str, str]]:
    """(date, kind, debit, credit, balance) of a section's lines, amounts as plain text."""
    section = statement.section(currency)
    assert section is not None
    return [
        (
            ln.on.isoformat()[5:],
            ln.kind,
            ln.debit.amount_str(),
            ln.credit.amount_str(),
            ln.balance.amount_str(),
        )
        for ln in section.lines
    ]


@pytest.fixture
def june(ctx: ServiceContext) -> dict[str, int]:
    """One customer's May and June with every kind of document (the clock is 2026-06-30)."""
    cid = make_customer(ctx, code="C001")
    inv_a = make_invoice(ctx, cid, "2026-05-10", "1000.00", number="INV-A")
    pay(ctx, cid, "2026-05-20", "400.00")  # INV-A: 600 open → opening balance 600
    make_invoice(ctx, cid, "2026-06-05", "500.00", number="INV-B")
    voided = make_invoice(ctx, cid, "2026-06-08", "200.00", number="INV-VOID")
    void_invoice(ctx, voided, "typed twice")
    create_credit_note(ctx, cid, m("100.00"), d("2026-06-10"), "price correction", inv_a)
    pay(ctx, cid, "2026-06-12", "499.50")  # INV-A: 0.50 left
    write_off_difference(ctx, inv_a, None, "尾差")  # dated the clock's day, 06-30
    over = pay(ctx, cid, "2026-06-15", "700.00")  # INV-B paid, 200 unallocated
    refund(ctx, cid, m("50.00"), d("2026-06-20"), payment_id=over.payment_id, reference="退款")
    bounced = pay(ctx, cid, "2026-06-18", "300.00", allocate="none", reference="cheque 12")
    reverse_payment(ctx, bounced.payment_id, d("2026-06-25"), "cheque bounced")
    make_invoice(ctx, cid, "2026-06-02", "100.00", number="INV-USD", currency="USD")
    return {"customer": cid, "over": over.payment_id, "bounced": bounced.payment_id}


def test_june_lines_with_running_balance(ctx: ServiceContext, june: dict[str, int]) -> None:
    st = statement_of_account(ctx, june["customer"], *JUNE)
    cny = st.section("CNY")
    assert cny is not None and cny.opening == m("600.00")
    assert rows(st) == [
        ("06-05", "invoice", "500.00", "0.00", "1100.00"),
        ("06-10", "credit_note", "0.00", "100.00", "1000.00"),
        ("06-12", "payment", "0.00", "499.50", "500.50"),
        ("06-15", "payment", "0.00", "700.00", "-199.50"),
        ("06-18", "payment", "0.00", "300.00", "-499.50"),
        ("06-20", "refund", "50.00", "0.00", "-449.50"),
        ("06-25", "payment_reversal", "300.00", "0.00", "-149.50"),
        ("06-30", "write_off", "0.00", "0.50", "-150.00"),
    ]
    assert (cny.total_debit, cny.total_credit, cny.closing) == (
        m("850.00"),
        m("1600.00"),
        m("-150.00"),
    )
    assert "INV-VOID" not in {ln.number for ln in cny.lines}
    texts = {ln.kind: ln.description for ln in cny.lines}
    assert "price correction" in texts["credit_note"] and "INV-A" in texts["credit_note"]
    bounced = [ln for ln in cny.lines if "cheque 12" in ln.description]
    assert [ln.kind for ln in bounced] == ["payment"]
    assert texts["payment_reversal"] == f"Reversal of payment {bounced[0].number}"
    assert "small difference" in texts["write_off"] and "尾差" in texts["write_off"]
    assert "退款" in texts["refund"]
    for line in cny.lines:  # every kind on its usual side
        side = DEBIT_KINDS if line.debit.minor else CREDIT_KINDS
        assert line.kind in side


def test_closing_is_made_of_the_open_items(ctx: ServiceContext, june: dict[str, int]) -> None:
    st = statement_of_account(ctx, june["customer"], *JUNE)
    cny = st.section("CNY")
    assert cny is not None
    [credit] = cny.open_items
    assert (credit.kind, credit.amount, credit.days_overdue, credit.due_date) == (
        "unallocated_payment",
        m("-150.00"),
        None,
        None,
    )
    assert cny.open_total == cny.closing
    assert sum(a.minor for a in cny.aging) == cny.closing.minor
    assert st.buckets == ("current", "1-30", "31-60", "61-90", "90+")
    with reader(ctx) as s:
        open_total, _overdue, credits, _n = customer_balances(s, june["customer"], "CNY", JUNE[1])
    assert cny.closing.minor == open_total - credits


def test_each_currency_is_its_own_section_own_currency_first(
    ctx: ServiceContext, june: dict[str, int]
) -> None:
    st = statement_of_account(ctx, june["customer"], *JUNE)
    assert [x.currency for x in st.sections] == ["CNY", "USD"]
    usd = st.section("USD")
    assert usd is not None and usd.opening.currency == "USD"
    assert [ln.number for ln in usd.lines] == ["INV-USD"]
    assert usd.closing == m("100.00", "USD")
    [item] = usd.open_items
    assert (item.number, item.due_date, item.days_overdue, item.bucket) == (
        "INV-USD",
        d("2026-07-02"),
        0,
        "current",
    )


def test_a_reversal_in_an_earlier_period_nets_out_of_the_opening_balance(
    ctx: ServiceContext, june: dict[str, int]
) -> None:
    st = statement_of_account(ctx, june["customer"], d("2026-06-26"), d("2026-06-30"))
    cny = st.section("CNY")
    assert cny is not None
    assert cny.opening == m("-149.50")
    assert [ln.kind for ln in cny.lines] == ["write_off"]
    # A later period with nothing in it: one opening row and the same closing balance.
    july = statement_of_account(ctx, june["customer"], d("2026-07-01"), d("2026-07-31"))
    assert july.sections[0].lines == () and july.sections[0].opening == m("-150.00")


def test_a_past_end_date_agrees_with_the_aging_of_that_day(
    ctx: ServiceContext, june: dict[str, int]
) -> None:
    """06-20: the bounced cheque is still counted, the write-off not yet made."""
    st = statement_of_account(ctx, june["customer"], d("2026-06-01"), d("2026-06-20"))
    cny = st.section("CNY")
    assert cny is not None and cny.closing == m("-449.50")
    assert [ln.kind for ln in cny.lines][-1] == "refund"
    report = aging(ctx, as_of=d("2026-06-20"), customer_id=june["customer"])
    cny_aging = report.currency("CNY")
    assert cny_aging is not None and cny_aging.total == cny.closing == cny.open_total
    kinds = sorted((i.kind, i.amount.amount_str()) for i in cny.open_items)
    assert kinds == [
        ("invoice", "0.50"),
        ("unallocated_payment", "-150.00"),
        ("unallocated_payment", "-300.00"),
    ]


def test_a_customer_without_documents_gets_one_empty_section(ctx: ServiceContext) -> None:
    cid = make_customer(ctx, "Acme Ltd", code="C9", currency="USD")
    st = statement_of_account(ctx, cid, *JUNE)
    [only] = st.sections
    assert only.currency == "USD" and only.lines == () and only.open_items == ()
    assert only.opening == only.closing == m("0", "USD")
    assert len(only.aging) == len(st.buckets)
    assert (st.customer_code, st.customer_name, st.date_from, st.date_to) == (
        "C9",
        "Acme Ltd",
        *JUNE,
    )
    assert st.company_name == "测试公司 Test Co"


def test_bad_periods_and_unknown_customers_are_refused(ctx: ServiceContext) -> None:
    cid = make_customer(ctx, code="C001")
    with pytest.raises(UserFacingError) as info:
        statement_of_account(ctx, cid, d("2026-06-30"), d("2026-06-01"))
    assert info.value.code == "invalid" and "period" in info.value.message
    with pytest.raises(NotFound):
        statement_of_account(ctx, cid + 99, *JUNE)
    assert customer_id_for_code(ctx, " C001 ") == cid
    with pytest.raises(NotFound) as missing:
        customer_id_for_code(ctx, "NOPE")
    assert "NOPE" in missing.value.message


def test_default_period_is_the_month_to_date() -> None:
    assert default_period(d("2026-06-30")) == (d("2026-06-01"), d("2026-06-30"))
    assert default_period(d("2026-03-01")) == (d("2026-03-01"), d("2026-03-01"))


def test_every_role_may_read_a_statement(ctx: ServiceContext, june: dict[str, int]) -> None:
    st = statement_of_account(replace(ctx, role="read_only"), june["customer"], *JUNE)
    assert st.sections[0].closing == m("-150.00")


# ---- the balance on a demo book ------------------------------------------------------------


def _aging_totals(ctx: ServiceContext, as_of: date) -> dict[tuple[int, str], int]:
    out: dict[tuple[int, str], int] = {}
    for cur in aging(ctx, as_of=as_of).currencies:
        for row in cur.by_customer:
            key = (row.customer_id, cur.currency)
            out[key] = out.get(key, 0) + row.total.minor
    return out


def _stir(ctx: ServiceContext) -> None:
    """Voids, a reversal with its write-off, a refund and a second currency on the demo book."""
    with reader(ctx) as s:
        unpaid = s.execute(
            select(Invoice.id)
            .where(Invoice.open_minor == Invoice.amount_minor, Invoice.status == "open")
            .order_by(Invoice.id)
            .limit(2)
        ).scalars()
        payments = s.execute(
            select(Payment.id, Payment.customer_id, Payment.payment_date)
            .where(Payment.status == "posted", Payment.customer_id.is_not(None))
            .order_by(Payment.id.desc())
            .limit(3)
        ).all()
        first = s.execute(select(Customer.id).order_by(Customer.id).limit(1)).scalar()
    for invoice_id in unpaid:
        void_invoice(ctx, invoice_id, "demo void")
    for pid, _cid, paid in payments[:2]:
        reverse_payment(ctx, pid, max(paid, d("2026-06-20")), "bounced")
    assert first is not None
    make_invoice(ctx, first, "2026-05-03", "88.80", currency="USD")
    pay(ctx, first, "2026-06-03", "500.00", currency="USD", allocate="none")
    refund(ctx, first, m("100.00", "USD"), d("2026-06-10"))


@pytest.mark.slow
def test_statement_balance_equals_aging_and_customer_balances_on_a_demo_book(
    ctx: ServiceContext,
) -> None:
    from desktop_ar.services.demo import seed_demo

    seed_demo(ctx, customers=40, invoices=400, seed=3, as_of=date(2026, 6, 30))
    _stir(ctx)
    with reader(ctx) as s:
        customers = s.execute(select(Customer.id, Customer.currency).order_by(Customer.id)).all()
    checked = 0
    for date_to in (d("2025-12-31"), d("2026-03-15"), d("2026-06-19"), d("2026-06-30")):
        totals = _aging_totals(ctx, date_to)
        for cid, own in customers:
            st = statement_of_account(ctx, cid, date_to - timedelta(days=45), date_to)
            for section in st.sections:
                assert section.closing.minor == totals.get((cid, section.currency), 0), (
                    cid,
                    date_to,
                    section.currency,
                )
                assert section.open_total == section.closing
                checked += bool(section.lines)
            if date_to == d("2026-06-30"):  # nothing happened later: the maintained balances
                with reader(ctx) as s:
                    open_total, _o, credits, _n = customer_balances(s, cid, own, date_to)
                assert st.sections[0].closing.minor == open_total - credits
            # The opening balance is the closing balance of the day before.
            before = statement_of_account(
                ctx, cid, date_to - timedelta(days=90), st.date_from - timedelta(days=1)
            )
            assert before.sections[0].closing == st.sections[0].opening
    assert checked > 40  # most customers had lines in one of the periods
