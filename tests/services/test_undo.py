"""Edit > Undo: each compensating operation restores the state before the action, audited."""

from __future__ import annotations

import dataclasses
import json

import pytest

from desktop_ar.domain.errors import PermissionDenied, UserFacingError
from desktop_ar.services.check import check_book
from desktop_ar.services.customers import customer_detail, customer_input, update_customer
from desktop_ar.services.exceptions_queue import set_status
from desktop_ar.services.payments import allocate_payment, apply_allocation, unallocate
from desktop_ar.services.undo import UndoStep, last_undo_step, undo, undo_step_from_audit
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
    row,
    scalar,
    signature,
)


@pytest.fixture
def book(ctx) -> dict[str, int]:
    """A (Jan, 1,000) and D (Jun, 1,000 with 2 % within 10 days) for one customer."""
    cid = make_customer(ctx, code="C001", collector="王芳")
    return {
        "cust": cid,
        "a": make_invoice(ctx, cid, "2026-01-01", "1000.00"),
        "d": make_invoice(ctx, cid, "2026-06-01", "1000.00", terms="NET30 2%10D"),
    }


def last_audit(ctx) -> tuple[str, dict]:
    action, after = row(ctx, "SELECT action, after FROM audit_log ORDER BY id DESC LIMIT 1")
    return action, json.loads(after)


def test_undoing_a_receipt_reverses_it_and_reopens_its_invoices(ctx, book) -> None:
    pid = pay(ctx, book["cust"], "2026-06-05", "1200.00").payment_id
    assert invoice_state(ctx, book["a"]) == (0, "paid")
    step = last_undo_step(ctx, "record_payment", pid)
    assert step is not None and step.kind == "payment"
    assert step.label == f"receipt {step.data['ref']}"
    changes = undo(ctx, step)
    assert changes.payments == {pid} and changes.invoices == {book["a"], book["d"]}
    assert invoice_state(ctx, book["a"]) == (100000, "open")
    assert invoice_state(ctx, book["d"]) == (100000, "open")
    assert row(ctx, "SELECT status, reversed_on FROM payments WHERE id = :i", i=pid) == (
        "reversed",
        "2026-06-30",
    )
    assert live_allocation_ids(ctx, pid) == []
    action, after = last_audit(ctx)
    assert action == "undo_payment" and after["undoes"] == step.audit_id
    assert check_book(ctx).ok


def test_undoing_an_allocation_resolves_the_exceptions_it_raised(ctx, book) -> None:
    pid = pay(ctx, book["cust"], "2026-06-05", "400.00", allocate="none").payment_id
    (a1,) = line_ids(ctx, book["a"])
    apply_allocation(ctx, pid, {a1: m("400.00")})
    opened = scalar(ctx, "SELECT count(*) FROM payment_exceptions WHERE status = 'open'")
    step = last_undo_step(ctx, "apply_allocation", pid)
    assert step is not None
    undo(ctx, step)
    assert opened  # paid months after the due date, and short
    assert scalar(ctx, "SELECT count(*) FROM payment_exceptions WHERE status = 'open'") == 0
    assert row(ctx, "SELECT resolution FROM payment_exceptions")[0].startswith("Undone")


def test_undoing_an_allocation_with_a_discount_restores_every_balance(ctx, book) -> None:
    pid = pay(ctx, book["cust"], "2026-06-05", "1480.00", allocate="none").payment_id
    (a1,) = line_ids(ctx, book["a"])
    (d1,) = line_ids(ctx, book["d"])
    before = (invoice_state(ctx, book["a"]), invoice_state(ctx, book["d"]))
    apply_allocation(ctx, pid, {a1: m("500.00"), d1: m("980.00")}, discounts={d1: m("20.00")})
    assert invoice_state(ctx, book["d"]) == (0, "paid")
    step = last_undo_step(ctx, "apply_allocation", pid)
    assert step is not None and step.kind == "allocation"
    assert undo_step_from_audit(ctx, step.audit_id) == step
    audits = audit_count(ctx, "undo_allocation")
    changes = undo(ctx, step)
    assert changes.invoices == {book["a"], book["d"]} and changes.customers == {book["cust"]}
    assert (invoice_state(ctx, book["a"]), invoice_state(ctx, book["d"])) == before
    assert payment_unallocated(ctx, pid) == 148000
    assert row(ctx, "SELECT status FROM payments WHERE id = :i", i=pid) == ("posted",)
    assert scalar(ctx, "SELECT count(*) FROM allocations WHERE reversed_on IS NULL") == 0
    assert audit_count(ctx, "undo_allocation") == audits + 1
    assert check_book(ctx).ok
    # The receipt can now be allocated again, and the discount is still there to earn.
    apply_allocation(ctx, pid, {d1: m("980.00")}, discounts={d1: m("20.00")})
    assert invoice_state(ctx, book["d"]) == (0, "paid")


def test_undoing_one_of_two_allocations_keeps_the_other(ctx, book) -> None:
    pid = pay(ctx, book["cust"], "2026-06-05", "1000.00", allocate="none").payment_id
    (a1,) = line_ids(ctx, book["a"])
    (d1,) = line_ids(ctx, book["d"])
    allocate_payment(ctx, pid, {a1: m("300.00")})
    first = last_undo_step(ctx, "allocate_payment", pid)
    apply_allocation(ctx, pid, {d1: m("300.00")}, write_off=None)
    second = last_undo_step(ctx, "apply_allocation", pid)
    assert first is not None and second is not None
    undo(ctx, second)
    assert invoice_state(ctx, book["d"]) == (100000, "open")
    assert invoice_state(ctx, book["a"]) == (70000, "partial")
    undo(ctx, first)
    assert invoice_state(ctx, book["a"]) == (100000, "open")
    assert payment_unallocated(ctx, pid) == 100000


def test_undoing_a_customer_edit_puts_the_old_values_back(ctx, book) -> None:
    cid = book["cust"]
    detail = customer_detail(ctx, cid, d("2026-06-30"))
    edited = dataclasses.replace(
        customer_input(detail), name="北京新名称有限公司", credit_limit=m("50000.00"), region="北京"
    )
    update_customer(ctx, cid, edited, expected_version=detail.version)
    step = last_undo_step(ctx, "update_customer", cid)
    assert step is not None and step.kind == "customer_edit" and step.data["ref"] == "C001"
    assert undo(ctx, step).customers == {cid}
    back = customer_detail(ctx, cid, d("2026-06-30"))
    assert (back.name, back.credit_limit, back.region) == (detail.name, detail.credit_limit, "")
    assert back.version == detail.version + 2
    pinyin = row(ctx, "SELECT pinyin_initials FROM customers WHERE id = :i", i=cid)[0]
    assert pinyin == row(ctx, "SELECT pinyin_initials FROM customers WHERE code = 'C001'")[0]
    assert last_audit(ctx)[0] == "undo_customer_edit"


def test_customer_edit_is_not_undone_over_a_later_edit(ctx, book) -> None:
    cid = book["cust"]
    detail = customer_detail(ctx, cid, d("2026-06-30"))
    update_customer(
        ctx, cid, dataclasses.replace(customer_input(detail), region="华东"), expected_version=1
    )
    step = last_undo_step(ctx, "update_customer", cid)
    again = customer_detail(ctx, cid, d("2026-06-30"))
    update_customer(
        ctx, cid, dataclasses.replace(customer_input(again), region="华南"), expected_version=2
    )
    assert step is not None
    before = signature(ctx)
    with pytest.raises(UserFacingError, match="changed since"):
        undo(ctx, step)
    assert signature(ctx) == before


def test_receipt_with_later_activity_is_refused(ctx, book) -> None:
    pid = pay(ctx, book["cust"], "2026-06-05", "500.00", allocate="none").payment_id
    step = last_undo_step(ctx, "record_payment", pid)
    (a1,) = line_ids(ctx, book["a"])
    allocate_payment(ctx, pid, {a1: m("100.00")})
    assert step is not None
    before = signature(ctx)
    with pytest.raises(UserFacingError, match="reverse it instead"):
        undo(ctx, step)
    assert signature(ctx) == before


def test_allocation_changed_since_or_undone_twice_is_refused(ctx, book) -> None:
    pid = pay(ctx, book["cust"], "2026-06-05", "500.00", allocate="none").payment_id
    (a1,) = line_ids(ctx, book["a"])
    apply_allocation(ctx, pid, {a1: m("200.00")})
    step = last_undo_step(ctx, "apply_allocation", pid)
    assert step is not None
    undo(ctx, step)
    with pytest.raises(UserFacingError, match="undone already"):
        undo(ctx, step)
    apply_allocation(ctx, pid, {a1: m("200.00")})
    other = last_undo_step(ctx, "apply_allocation", pid)
    (allocation_id,) = live_allocation_ids(ctx, pid)
    unallocate(ctx, allocation_id)
    assert other is not None
    with pytest.raises(UserFacingError, match="changed since"):
        undo(ctx, other)


def test_worked_exceptions_stay_as_they_are(ctx, book) -> None:
    pid = pay(ctx, book["cust"], "2026-06-05", "100.00", allocate="none").payment_id
    (a1,) = line_ids(ctx, book["a"])
    apply_allocation(ctx, pid, {a1: m("100.00")})
    ids = [r[0] for r in _all(ctx, "SELECT id FROM payment_exceptions")]
    assert ids
    for exception_id in ids:
        set_status(ctx, exception_id, "in_progress")
    step = last_undo_step(ctx, "apply_allocation", pid)
    assert step is not None
    undo(ctx, step)
    assert all(r[0] == "in_progress" for r in _all(ctx, "SELECT status FROM payment_exceptions"))


def _all(ctx, sql: str) -> list:
    from sqlalchemy import text

    from desktop_ar.services.uow import reader

    with reader(ctx) as s:
        return list(s.execute(text(sql)).all())


def test_read_only_role_may_not_undo_and_nothing_is_written(ctx, book) -> None:
    pid = pay(ctx, book["cust"], "2026-06-05", "500.00").payment_id
    step = last_undo_step(ctx, "record_payment", pid)
    assert step is not None
    before = signature(ctx)
    with pytest.raises(PermissionDenied):
        undo(dataclasses.replace(ctx, role="read_only"), step)
    assert signature(ctx) == before
    assert audit_count(ctx, "undo_payment") == 0


def test_actions_that_cannot_be_undone(ctx, book) -> None:
    audit_id = scalar(ctx, "SELECT max(id) FROM audit_log WHERE action = 'create_invoice'")
    with pytest.raises(UserFacingError, match="cannot be undone"):
        undo_step_from_audit(ctx, audit_id)
    assert last_undo_step(ctx, "create_invoice", book["a"]) is None
    assert last_undo_step(ctx, "record_payment", 999) is None
    with pytest.raises(UserFacingError):
        undo(ctx, UndoStep("x", "bogus", {"audit_id": audit_id}))
    with pytest.raises(UserFacingError, match="another action"):
        undo(ctx, UndoStep("x", "payment", {"audit_id": audit_id}))
