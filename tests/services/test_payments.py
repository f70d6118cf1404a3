from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from desktop_ar.domain.errors import PermissionDenied, UserFacingError
from desktop_ar.services.check import check_book
from desktop_ar.services.customers import CustomerInput, create_customer, set_customer_status
from desktop_ar.services.invoicing import (
    InvoiceInput,
    create_credit_note,
    create_invoice,
    set_dispute,
    set_fapiao,
    void_invoice,
)
from desktop_ar.services.payments import (
    PaymentInput,
    allocate_payment,
    apply_credit_note,
    record_payment,
    refund,
    reverse_payment,
    unallocate,
    write_off_difference,
)
from tests.services.helpers import (
    audit_count,
    d,
    invoice_state,
    line_ids,
    live_allocation_ids,
    m,
    make_customer,
    make_invoice,
    pay,
    payment_unallocated,
    scalar,
    signature,
)


@pytest.fixture
def book(ctx) -> dict[str, int]:
    """One customer with three invoices: A (Jan), B (Feb, two instalments), C (Mar)."""
    cid = make_customer(ctx)
    return {
        "cust": cid,
        "a": make_invoice(ctx, cid, "2026-01-01", "1000.00"),
        "b": make_invoice(ctx, cid, "2026-02-01", "2000.00", terms="50%NET30+50%NET60"),
        "c": make_invoice(ctx, cid, "2026-03-01", "500.00"),
    }


def test_oldest_first_and_partial(ctx, book) -> None:
    result = pay(ctx, book["cust"], "2026-03-05", "1500.00")
    assert (result.number, result.allocated, result.unallocated) == ("RC-000001", m("1500"), m("0"))
    assert result.invoice_ids == (book["a"], book["b"])
    assert invoice_state(ctx, book["a"]) == (0, "paid")
    assert invoice_state(ctx, book["b"]) == (150000, "partial")
    assert invoice_state(ctx, book["c"]) == (50000, "open")
    first, _ = line_ids(ctx, book["b"])
    assert (
        scalar(ctx, "SELECT open_minor FROM invoice_schedule_lines WHERE id=:i", i=first) == 50000
    )
    assert check_book(ctx).ok


def test_by_reference(ctx, book) -> None:
    result = pay(
        ctx,
        book["cust"],
        "2026-03-05",
        "600.00",
        allocate="reference",
        reference="payment for inv 000003",
    )
    assert result.invoice_ids == (book["c"],)
    assert invoice_state(ctx, book["c"]) == (0, "paid")
    assert result.unallocated == m("100.00")
    assert invoice_state(ctx, book["a"]) == (100000, "open")


def test_overpayment_is_kept_as_credit(ctx, book) -> None:
    result = pay(ctx, book["cust"], "2026-03-05", "4000.00")
    assert result.allocated == m("3500.00")
    assert result.unallocated == m("500.00")
    assert payment_unallocated(ctx, result.payment_id) == 50000
    assert scalar(ctx, "SELECT SUM(open_minor) FROM invoices") == 0


def test_manual_across_invoices_and_instalments(ctx, book) -> None:
    b1, b2 = line_ids(ctx, book["b"])
    (c1,) = line_ids(ctx, book["c"])
    result = pay(
        ctx,
        book["cust"],
        "2026-03-05",
        "800.00",
        allocate="manual",
        manual={b2: m("300.00"), c1: m("400.00")},
    )
    assert result.allocated == m("700.00") and result.unallocated == m("100.00")
    assert invoice_state(ctx, book["b"]) == (170000, "partial")
    assert invoice_state(ctx, book["c"]) == (10000, "partial")
    allocate_payment(ctx, result.payment_id, {b1: m("100.00")})
    assert payment_unallocated(ctx, result.payment_id) == 0
    assert scalar(ctx, "SELECT open_minor FROM invoice_schedule_lines WHERE id=:i", i=b1) == 90000
    assert check_book(ctx).ok


def test_over_allocation_is_refused_and_nothing_written(ctx, book) -> None:
    (a1,) = line_ids(ctx, book["a"])
    (c1,) = line_ids(ctx, book["c"])
    result = pay(ctx, book["cust"], "2026-03-05", "300.00", allocate="none")
    before = signature(ctx), audit_count(ctx)
    attempts: list[Callable[[], Any]] = [
        lambda: allocate_payment(ctx, result.payment_id, {a1: m("200.00"), c1: m("200.00")}),
        lambda: allocate_payment(ctx, result.payment_id, {c1: m("500.01")}),
        lambda: allocate_payment(ctx, result.payment_id, {999: m("1.00")}),
        lambda: allocate_payment(ctx, result.payment_id, {c1: m("-1.00")}),
        lambda: pay(
            ctx, book["cust"], "2026-03-05", "10.00", allocate="manual", manual={c1: m("20.00")}
        ),
    ]
    for attempt in attempts:
        with pytest.raises(UserFacingError) as exc:
            attempt()
        assert exc.value.code in ("invalid", "over_allocation")
    assert (signature(ctx), audit_count(ctx)) == before


def test_idempotency_key(ctx, book) -> None:
    first = pay(ctx, book["cust"], "2026-03-05", "100.00", key="bank-line-42")
    again, changes = record_payment(
        ctx,
        PaymentInput(book["cust"], d("2026-03-05"), m("100.00")),
        idempotency_key="bank-line-42",
    )
    assert again.payment_id == first.payment_id and again.repeated
    assert not changes
    assert scalar(ctx, "SELECT COUNT(*) FROM payments") == 1
    assert audit_count(ctx, "record_payment") == 1
    with pytest.raises(UserFacingError) as exc:
        pay(ctx, book["cust"], "2026-03-05", "999.00", key="bank-line-42")
    assert exc.value.code == "duplicate"


def test_reverse_restores_opens_and_reopens(ctx, book) -> None:
    before = [invoice_state(ctx, book[k]) for k in "abc"]
    result = pay(ctx, book["cust"], "2026-03-05", "1500.00")
    reverse_payment(ctx, result.payment_id, d("2026-03-20"), "cheque bounced")
    assert [invoice_state(ctx, book[k]) for k in "abc"] == before
    status, on, unalloc = (
        scalar(ctx, "SELECT status FROM payments"),
        scalar(ctx, "SELECT reversed_on FROM payments"),
        payment_unallocated(ctx, result.payment_id),
    )
    assert (status, on, unalloc) == ("reversed", "2026-03-20", 150000)
    assert live_allocation_ids(ctx, result.payment_id) == []
    assert scalar(ctx, "SELECT COUNT(*) FROM allocations WHERE reversed_on = '2026-03-20'") == 2
    with pytest.raises(UserFacingError) as exc:
        reverse_payment(ctx, result.payment_id, d("2026-03-21"), "again")
    assert exc.value.code == "already_reversed"
    with pytest.raises(UserFacingError):
        allocate_payment(ctx, result.payment_id)
    assert check_book(ctx).ok


def test_unallocate_one_allocation(ctx, book) -> None:
    result = pay(ctx, book["cust"], "2026-03-05", "1500.00")
    first = live_allocation_ids(ctx, result.payment_id)[0]
    unallocate(ctx, first)
    assert invoice_state(ctx, book["a"]) == (100000, "open")
    assert payment_unallocated(ctx, result.payment_id) == 100000
    with pytest.raises(UserFacingError):
        unallocate(ctx, first)
    allocate_payment(ctx, result.payment_id, mode="oldest")
    assert invoice_state(ctx, book["a"]) == (0, "paid")
    assert check_book(ctx).ok


def test_write_off_within_and_beyond_tolerance(ctx, book) -> None:
    pay(ctx, book["cust"], "2026-01-20", "999.20")  # 0.80 short; tolerance is 1.00
    write_off_difference(ctx, book["a"], None, "bank charges")
    assert invoice_state(ctx, book["a"]) == (0, "paid")
    kind, amount = (
        scalar(ctx, "SELECT kind FROM write_offs"),
        scalar(ctx, "SELECT amount_minor FROM write_offs"),
    )
    assert (kind, amount) == ("small_difference", 80)
    before = signature(ctx), audit_count(ctx)
    with pytest.raises(UserFacingError) as exc:
        write_off_difference(ctx, book["c"], m("1.01"), "too much")
    assert exc.value.code == "beyond_tolerance"
    with pytest.raises(UserFacingError) as exc:
        write_off_difference(ctx, book["a"], m("0.01"), "nothing open")
    assert (signature(ctx), audit_count(ctx)) == before
    with pytest.raises(UserFacingError) as exc:
        write_off_difference(ctx, book["c"], m("0.50"), "x", kind="rounding")
    # An allocation made by a write-off is not undone through unallocate().
    wo_alloc = scalar(ctx, "SELECT id FROM allocations WHERE write_off_id IS NOT NULL")
    with pytest.raises(UserFacingError):
        unallocate(ctx, wo_alloc)
    assert check_book(ctx).ok


def test_bad_debt_marks_written_off(ctx, book) -> None:
    pay(ctx, book["cust"], "2026-03-05", "100.00", allocate="reference", reference="INV-000003")
    write_off_difference(ctx, book["c"], None, "customer bankrupt", kind="bad_debt")
    assert invoice_state(ctx, book["c"]) == (0, "written_off")
    write_off_difference(ctx, book["b"], m("1500.00"), "partial bad debt", kind="bad_debt")
    assert invoice_state(ctx, book["b"]) == (50000, "partial")
    assert check_book(ctx).ok


def test_discount_write_off_up_to_terms_discount(ctx) -> None:
    cid = make_customer(ctx)
    iid = make_invoice(ctx, cid, "2026-06-01", "1000.00", terms="NET30 2%10D")
    pay(ctx, cid, "2026-06-05", "980.00")
    write_off_difference(ctx, iid, None, "early payment", kind="discount")
    assert invoice_state(ctx, iid) == (0, "paid")


def test_refund_from_credit(ctx, book) -> None:
    over = pay(ctx, book["cust"], "2026-03-05", "3600.00")  # 100.00 left over
    note, _ = create_credit_note(ctx, book["cust"], m("50.00"), d("2026-03-06"), "rebate")
    before = signature(ctx)
    with pytest.raises(UserFacingError) as exc:
        refund(ctx, book["cust"], m("150.01"), d("2026-03-10"))
    assert exc.value.code == "over_allocation"
    assert signature(ctx) == before
    changes = refund(ctx, book["cust"], m("120.00"), d("2026-03-10"), reference="wire back")
    assert changes.payments == {over.payment_id} and changes.credit_notes == {note}
    assert payment_unallocated(ctx, over.payment_id) == 0
    assert scalar(ctx, "SELECT unallocated_minor FROM credit_notes WHERE id=:i", i=note) == 3000
    refund(ctx, book["cust"], m("30.00"), d("2026-03-11"), credit_note_id=note)
    assert scalar(ctx, "SELECT status FROM credit_notes WHERE id=:i", i=note) == "applied"
    assert scalar(ctx, "SELECT COUNT(*) FROM refunds") == 3
    with pytest.raises(UserFacingError):
        reverse_payment(ctx, over.payment_id, d("2026-03-12"), "refunded payments stay")
    assert check_book(ctx).ok


def test_unidentified_payment(ctx, book) -> None:
    result = pay(ctx, None, "2026-03-05", "100.00")
    assert result.allocated == m("0") and result.unallocated == m("100.00")
    with pytest.raises(UserFacingError):
        allocate_payment(ctx, result.payment_id)
    with pytest.raises(UserFacingError):
        record_payment(ctx, PaymentInput(None, d("2026-03-05"), m("1"), method="gold"))


# -- J1 / K1: every mutating service -----------------------------------------------------------


def _calls(ctx, book) -> dict[str, Callable[[Any], Any]]:
    """Each mutating service, called on ``book`` with a given context."""
    cust, a, c = book["cust"], book["a"], book["c"]
    paid = pay(ctx, cust, "2026-03-05", "1000.00")  # pays A in full
    spare = pay(ctx, cust, "2026-03-06", "20.00", allocate="none")
    alloc = live_allocation_ids(ctx, paid.payment_id)[0]
    note, _ = create_credit_note(ctx, cust, m("5.00"), d("2026-03-07"), "rebate")
    (c1,) = line_ids(ctx, c)
    return {
        "create_customer": lambda x: create_customer(x, CustomerInput(name="新客户")),
        "set_customer_status": lambda x: set_customer_status(x, cust, "inactive"),
        "create_invoice": lambda x: create_invoice(x, InvoiceInput(cust, d("2026-04-01"), m("9"))),
        "void_invoice": lambda x: void_invoice(x, c, "wrong"),
        "create_credit_note": lambda x: create_credit_note(x, cust, m("1"), d("2026-04-01"), "r"),
        "set_fapiao": lambda x: set_fapiao(x, a, "123", d("2026-04-01")),
        "set_dispute": lambda x: set_dispute(x, c, True, "quality"),
        "record_payment": lambda x: record_payment(x, PaymentInput(cust, d("2026-04-01"), m("1"))),
        "allocate_payment": lambda x: allocate_payment(x, spare.payment_id, {c1: m("10.00")}),
        "unallocate": lambda x: unallocate(x, alloc),
        "reverse_payment": lambda x: reverse_payment(x, paid.payment_id, d("2026-04-01"), "NSF"),
        "write_off_difference": lambda x: write_off_difference(x, c, m("0.50"), "rounding"),
        "refund": lambda x: refund(
            x, cust, m("20.00"), d("2026-04-01"), payment_id=spare.payment_id
        ),
        "apply_credit_note": lambda x: apply_credit_note(x, note),
    }


SERVICES = [
    "create_customer",
    "set_customer_status",
    "create_invoice",
    "void_invoice",
    "create_credit_note",
    "set_fapiao",
    "set_dispute",
    "record_payment",
    "allocate_payment",
    "unallocate",
    "reverse_payment",
    "write_off_difference",
    "refund",
    "apply_credit_note",
]


@pytest.mark.parametrize("name", SERVICES)
def test_read_only_role_is_denied_before_any_sql(ctx, book, name) -> None:
    call = _calls(ctx, book)[name]
    before = signature(ctx), audit_count(ctx)
    with pytest.raises(PermissionDenied):
        call(dataclasses.replace(ctx, role="read_only"))
    assert signature(ctx) == before[0]
    assert audit_count(ctx) == before[1] + 1
    assert audit_count(ctx, "permission_denied") == 1


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_is_audited_in_its_transaction(ctx, book, name) -> None:
    call = _calls(ctx, book)[name]
    before = audit_count(ctx)
    changes = call(ctx)
    changes = changes[1] if isinstance(changes, tuple) else changes
    assert changes
    assert audit_count(ctx) == before + 1
    # The same call again either succeeds (audited again) or fails and adds no audit row.
    sig = signature(ctx)
    try:
        call(ctx)
    except UserFacingError:
        assert audit_count(ctx) == before + 1
        assert signature(ctx) == sig
    else:
        assert audit_count(ctx) == before + 2
    assert check_book(ctx).ok


def test_read_only_database_refuses_writes(ctx, book) -> None:
    frozen = dataclasses.replace(ctx, read_only=True)
    with pytest.raises(UserFacingError) as exc:
        pay(frozen, book["cust"], "2026-03-05", "1.00")
    assert exc.value.code == "read_only"


def test_inactive_customer_can_still_pay(ctx, book) -> None:
    set_customer_status(ctx, book["cust"], "inactive")
    assert pay(ctx, book["cust"], "2026-03-05", "1.00").allocated == m("1.00")
    create_customer(ctx, CustomerInput(name="x"))
