"""The allocation dialog's services: open lines, proposals and the one-transaction apply."""

from __future__ import annotations

import dataclasses

import pytest

from desktop_ar.domain.errors import PermissionDenied, UserFacingError
from desktop_ar.services.check import check_book
from desktop_ar.services.invoicing import set_dispute, void_invoice
from desktop_ar.services.payments import (
    apply_allocation,
    open_items_for_payment,
    payment_for_allocation,
    propose_allocation,
    reverse_payment,
)
from desktop_ar.services.pickers import customer_choices
from tests.services.helpers import (
    audit_count,
    d,
    invoice_state,
    line_ids,
    m,
    make_customer,
    make_invoice,
    pay,
    payment_unallocated,
    row,
    scalar,
    signature,
)


@pytest.fixture
def book(ctx) -> dict[str, int]:
    """A (Jan), B (Feb, two instalments), C (Mar, named INV-C-77), D (Jun, 2 % within 10 days)."""
    cid = make_customer(ctx, code="C001")
    return {
        "cust": cid,
        "a": make_invoice(ctx, cid, "2026-01-01", "1000.00"),
        "b": make_invoice(ctx, cid, "2026-02-01", "2000.00", terms="50%NET30+50%NET60"),
        "c": make_invoice(ctx, cid, "2026-03-01", "500.00", number="INV-C-77"),
        "d": make_invoice(ctx, cid, "2026-06-01", "1000.00", terms="NET30 2%10D"),
    }


def unallocated_payment(ctx, book, amount: str, on: str = "2026-06-05", ref: str = "") -> int:
    return pay(ctx, book["cust"], on, amount, allocate="none", reference=ref).payment_id


def test_open_items_list_instalments_discounts_and_disputes(ctx, book) -> None:
    set_dispute(ctx, book["c"], True, "wrong quantity")
    pid = unallocated_payment(ctx, book, "100.00")
    lines = open_items_for_payment(ctx, pid)
    assert [(ln.invoice_id, ln.seq, ln.instalments) for ln in lines] == [
        (book["a"], 1, 1),
        (book["b"], 1, 2),
        (book["c"], 1, 1),  # due 03-31, before B's second instalment (04-02)
        (book["b"], 2, 2),
        (book["d"], 1, 1),
    ]
    by_invoice = {ln.invoice_id: ln for ln in lines}
    assert by_invoice[book["c"]].disputed
    assert by_invoice[book["d"]].discount == m("20.00")
    assert by_invoice[book["d"]].discount_until == d("2026-06-11")
    late = unallocated_payment(ctx, book, "100.00", on="2026-06-20")
    assert {ln.invoice_id: ln.discount for ln in open_items_for_payment(ctx, late)}[book["d"]] == m(
        "0"
    )
    info = payment_for_allocation(ctx, pid)
    assert (info.unallocated, info.write_off_limit) == (m("100.00"), m("1.00"))


def test_proposals_oldest_first_and_by_reference(ctx, book) -> None:
    set_dispute(ctx, book["a"], True, "price")
    pid = unallocated_payment(ctx, book, "1500.00", ref="for inv-c-77")
    b1, _b2 = line_ids(ctx, book["b"])
    (c1,) = line_ids(ctx, book["c"])
    assert propose_allocation(ctx, pid, "oldest") == {b1: m("1000.00"), c1: m("500.00")}
    assert propose_allocation(ctx, pid, "reference") == {c1: m("500.00")}
    with pytest.raises(UserFacingError):
        propose_allocation(ctx, pid, "biggest")


def test_proposal_leaves_room_for_an_earned_discount(ctx, book) -> None:
    for key in ("a", "b", "c"):
        set_dispute(ctx, book[key], True, "held")
    pid = unallocated_payment(ctx, book, "980.00")
    (d1,) = line_ids(ctx, book["d"])
    assert propose_allocation(ctx, pid, "oldest") == {d1: m("980.00")}


def test_apply_with_discount_closes_the_invoice_in_one_transaction(ctx, book) -> None:
    pid = unallocated_payment(ctx, book, "1480.00")
    (a1,) = line_ids(ctx, book["a"])
    (d1,) = line_ids(ctx, book["d"])
    audits = audit_count(ctx, "apply_allocation")
    changes = apply_allocation(
        ctx, pid, {a1: m("500.00"), d1: m("980.00")}, discounts={d1: m("20.00")}
    )
    assert changes.invoices == {book["a"], book["d"]} and changes.payments == {pid}
    assert invoice_state(ctx, book["a"]) == (50000, "partial")
    assert invoice_state(ctx, book["d"]) == (0, "paid")
    assert payment_unallocated(ctx, pid) == 0
    assert row(ctx, "SELECT kind, amount_minor FROM write_offs") == ("discount", 2000)
    assert audit_count(ctx, "apply_allocation") == audits + 1
    assert check_book(ctx).ok


def test_small_difference_written_off_with_reason_and_overpayment_kept(ctx, book) -> None:
    pid = unallocated_payment(ctx, book, "999.50")
    (a1,) = line_ids(ctx, book["a"])
    apply_allocation(ctx, pid, {a1: m("999.50")}, write_off=(a1, m("0.50"), "bank charge"))
    assert invoice_state(ctx, book["a"]) == (0, "paid")
    assert row(ctx, "SELECT kind, amount_minor, reason FROM write_offs") == (
        "small_difference",
        50,
        "bank charge",
    )
    extra = unallocated_payment(ctx, book, "600.00")
    (c1,) = line_ids(ctx, book["c"])
    apply_allocation(ctx, extra, {c1: m("500.00")})
    assert payment_unallocated(ctx, extra) == 10000  # stays as the customer's credit
    assert check_book(ctx).ok


def test_bad_input_is_refused_and_nothing_is_written(ctx, book) -> None:
    pid = unallocated_payment(ctx, book, "300.00", on="2026-06-20")
    (a1,) = line_ids(ctx, book["a"])
    (c1,) = line_ids(ctx, book["c"])
    (d1,) = line_ids(ctx, book["d"])
    other = make_customer(ctx, "北京华北科技有限公司", code="C002")
    void = make_invoice(ctx, book["cust"], "2026-06-02", "50.00")
    (v1,) = line_ids(ctx, void)
    void_invoice(ctx, void, "typed twice")
    (o1,) = line_ids(ctx, make_invoice(ctx, other, "2026-06-01", "10.00"))
    (u1,) = line_ids(ctx, make_invoice(ctx, book["cust"], "2026-06-01", "10.00", currency="USD"))
    before = signature(ctx), audit_count(ctx)
    attempts = {
        "over_allocation": [{a1: m("200.00"), c1: m("200.00")}],
        "invalid": [{c1: m("500.01")}, {v1: m("1.00")}, {o1: m("1.00")}, {a1: m("0")}, {}],
        "currency_mismatch": [{u1: m("1.00")}],
    }
    for code, requests in attempts.items():
        for requested in requests:
            with pytest.raises(UserFacingError) as exc:
                apply_allocation(ctx, pid, requested)
            assert exc.value.code == code, requested
    with pytest.raises(UserFacingError, match="cancelled"):
        apply_allocation(ctx, pid, {v1: m("1.00")})
    with pytest.raises(UserFacingError, match="discount ended"):  # paid after 2026-06-11
        apply_allocation(ctx, pid, {d1: m("280.00")}, discounts={d1: m("20.00")})
    with pytest.raises(UserFacingError) as exc:
        apply_allocation(ctx, pid, {a1: m("290.00")}, write_off=(a1, m("10.00"), "fee"))
    assert exc.value.code == "beyond_tolerance"
    with pytest.raises(UserFacingError, match="say why"):
        apply_allocation(ctx, pid, {a1: m("299.50")}, write_off=(a1, m("0.50"), "  "))
    assert (signature(ctx), audit_count(ctx)) == before


def test_discount_cannot_exceed_the_offer(ctx, book) -> None:
    pid = unallocated_payment(ctx, book, "970.00")
    (d1,) = line_ids(ctx, book["d"])
    with pytest.raises(UserFacingError, match="at most"):
        apply_allocation(ctx, pid, {d1: m("970.00")}, discounts={d1: m("30.00")})
    assert payment_unallocated(ctx, pid) == 97000


def test_read_only_role_may_not_apply(ctx, book) -> None:
    pid = unallocated_payment(ctx, book, "100.00")
    (a1,) = line_ids(ctx, book["a"])
    before = signature(ctx)
    with pytest.raises(PermissionDenied):
        apply_allocation(dataclasses.replace(ctx, role="read_only"), pid, {a1: m("100.00")})
    assert signature(ctx) == before


def test_reversal_restores_what_the_allocation_closed(ctx, book) -> None:
    pid = unallocated_payment(ctx, book, "1500.00")
    apply_allocation(ctx, pid, propose_allocation(ctx, pid, "oldest"))
    assert invoice_state(ctx, book["a"]) == (0, "paid")
    reverse_payment(ctx, pid, d("2026-06-30"), "cheque bounced")
    assert invoice_state(ctx, book["a"]) == (100000, "open")
    assert invoice_state(ctx, book["b"]) == (200000, "open")
    assert payment_unallocated(ctx, pid) == 150000
    kept = scalar(ctx, "SELECT COUNT(*) FROM allocations WHERE payment_id = :p", p=pid)
    assert kept == 2  # kept with their history, marked reversed
    assert check_book(ctx).ok


def test_customer_choices_search_active_customers(ctx, book) -> None:
    make_customer(ctx, "北京华北科技有限公司", code="C002")
    assert [c.code for c in customer_choices(ctx)] == ["C001", "C002"]
    assert [c.code for c in customer_choices(ctx, "华北")] == ["C002"]
    assert customer_choices(ctx, "bjhb")[0].currency == "CNY"  # pinyin initials


def test_reversal_also_reverses_the_discount_and_write_off_taken_with_the_payment(
    ctx, book
) -> None:
    """A bounced receipt reopens the invoice in full: its discount goes with it (was a gap)."""
    pid = unallocated_payment(ctx, book, "980.00")
    (d1,) = line_ids(ctx, book["d"])
    apply_allocation(ctx, pid, {d1: m("980.00")}, discounts={d1: m("20.00")})
    assert invoice_state(ctx, book["d"]) == (0, "paid")
    assert scalar(ctx, "SELECT payment_id FROM write_offs") == pid
    reverse_payment(ctx, pid, d("2026-06-30"), "cheque bounced")
    assert invoice_state(ctx, book["d"]) == (100000, "open")
    live = scalar(
        ctx,
        "SELECT COUNT(*) FROM allocations WHERE write_off_id IS NOT NULL AND reversed_on IS NULL",
    )
    assert live == 0
    assert check_book(ctx).ok
