"""The payment exceptions queue: raised by real postings, worked to resolved, audited."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import text

from desktop_ar.domain.errors import NotFound, PermissionDenied, UserFacingError
from desktop_ar.services.check import check_book
from desktop_ar.services.exceptions_queue import (
    add_note,
    assign,
    assign_customer_to_payment,
    exception_detail,
    set_status,
)
from desktop_ar.services.invoicing import set_dispute
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.services.lists.exceptions import exceptions as exception_list
from desktop_ar.services.payments import allocate_payment, reverse_payment
from desktop_ar.services.uow import reader
from tests.services.helpers import (
    audit_count,
    d,
    invoice_state,
    line_ids,
    m,
    make_customer,
    make_invoice,
    pay,
    scalar,
)


def queue(ctx, payment_id: int | None = None) -> list[tuple]:
    """(kind, invoice number or '', amount minor, status, owner) of the exceptions."""
    sql = (
        "SELECT e.kind, COALESCE(i.number, ''), e.amount_minor, e.status, e.owner"
        " FROM payment_exceptions e LEFT JOIN invoices i ON i.id = e.invoice_id"
    )
    with_payment = " WHERE e.payment_id = :p" if payment_id is not None else ""
    with reader(ctx) as s:
        rows = s.execute(text(sql + with_payment + " ORDER BY e.id"), {"p": payment_id}).all()
    return [tuple(r) for r in rows]


def exception_ids(ctx) -> list[int]:
    return list(exception_list.ids(ctx, ListSpec(status="all"), SortSpec("detected_on")))


@pytest.fixture
def book(ctx) -> dict[str, int]:
    """A customer (collector 王芳) with A (Jan, NET30 → due 01-31), B (Mar), C (Apr)."""
    cid = make_customer(ctx, collector="王芳")
    return {
        "cust": cid,
        "a": make_invoice(ctx, cid, "2026-01-01", "1000.00"),
        "b": make_invoice(ctx, cid, "2026-03-01", "2000.00"),
        "c": make_invoice(ctx, cid, "2026-04-01", "500.00"),
    }


def test_on_time_exact_payment_raises_nothing(ctx, book) -> None:
    pay(ctx, book["cust"], "2026-01-20", "1000.00")
    assert queue(ctx) == []


def test_late_payment(ctx, book) -> None:
    paid = pay(ctx, book["cust"], "2026-02-23", "1000.00")
    assert queue(ctx) == [("late_payment", "INV-000001", 100000, "open", "王芳")]
    cause = scalar(ctx, "SELECT cause FROM payment_exceptions")
    assert cause == "Paid 23 days after the due date 2026-01-31 on INV-000001"
    audit = json.loads(scalar(ctx, "SELECT after FROM audit_log WHERE action='record_payment'"))
    assert audit["exceptions"] == [scalar(ctx, "SELECT id FROM payment_exceptions")]
    assert audit["number"] == paid.number


def test_short_payment_on_named_invoice(ctx, book) -> None:
    pay(ctx, book["cust"], "2026-03-20", "1500.00", allocate="reference", reference="INV-000002")
    assert queue(ctx) == [("short_payment", "INV-000002", 50000, "open", "王芳")]


def test_small_remainder_within_tolerance_is_not_short(ctx, book) -> None:
    pay(ctx, book["cust"], "2026-03-20", "1998.00", allocate="reference", reference="INV-000002")
    assert [k for k, *_ in queue(ctx)] == ["short_payment"]
    pay(ctx, book["cust"], "2026-04-20", "499.50", allocate="reference", reference="INV-000003")
    assert [k for k, *_ in queue(ctx)] == ["short_payment"]  # 0.50 left: within 1.00


def test_overpayment_when_nothing_else_is_open(ctx, book) -> None:
    pay(ctx, book["cust"], "2026-01-20", "3500.00")  # pays all three exactly
    assert queue(ctx) == []
    over = pay(ctx, book["cust"], "2026-05-01", "120.00")
    assert queue(ctx, over.payment_id) == [("overpayment", "", 12000, "open", "王芳")]


def test_unallocated_money_with_invoices_open_is_not_an_overpayment(ctx, book) -> None:
    p = pay(ctx, book["cust"], "2026-01-20", "50.00", allocate="none")
    assert queue(ctx, p.payment_id) == []


def test_unidentified_payment(ctx, book) -> None:
    p = pay(ctx, None, "2026-05-01", "888.00")
    assert queue(ctx, p.payment_id) == [("unidentified", "", 88800, "open", "")]
    assert "No customer for RC-000001" in scalar(ctx, "SELECT cause FROM payment_exceptions")


def test_suspected_duplicate(ctx, book) -> None:
    first = pay(ctx, book["cust"], "2026-01-10", "300.00", reference="TT 0110", allocate="none")
    second = pay(ctx, book["cust"], "2026-01-13", "300.00", reference="tt 0110", allocate="none")
    assert queue(ctx, first.payment_id) == []
    assert queue(ctx, second.payment_id) == [("duplicate", "", 30000, "open", "王芳")]
    cause = scalar(ctx, "SELECT cause FROM payment_exceptions")
    assert "as RC-000001 of 2026-01-10" in cause
    later = pay(ctx, book["cust"], "2026-01-20", "300.00", reference="TT 0110", allocate="none")
    assert queue(ctx, later.payment_id) == []  # outside the 5-day window of both


def test_payment_on_disputed_invoice(ctx, book) -> None:
    set_dispute(ctx, book["b"], True, "quality")
    p = pay(
        ctx, book["cust"], "2026-03-20", "2000.00", allocate="reference", reference="INV-000002"
    )
    assert queue(ctx, p.payment_id) == [("disputed_invoice", "INV-000002", 200000, "open", "王芳")]


def test_allocate_later_detects_and_never_duplicates(ctx, book) -> None:
    p = pay(ctx, book["cust"], "2026-02-23", "1200.00", allocate="none")
    assert queue(ctx) == []
    (a1,) = line_ids(ctx, book["a"])
    (b1,) = line_ids(ctx, book["b"])
    before = audit_count(ctx)
    allocate_payment(ctx, p.payment_id, {a1: m("1000.00")})
    assert audit_count(ctx) == before + 1  # the exceptions ride in the allocation's audit row
    assert queue(ctx) == [("late_payment", "INV-000001", 100000, "open", "王芳")]
    (eid,) = exception_ids(ctx)
    set_status(ctx, eid, "resolved", "customer explained: bank holiday")
    allocate_payment(ctx, p.payment_id, {b1: m("200.00")})  # uses the rest: B is short
    assert [(k, n, a, s) for k, n, a, s, _o in queue(ctx)] == [
        ("late_payment", "INV-000001", 100000, "resolved"),  # not raised again
        ("short_payment", "INV-000002", 180000, "open"),
    ]
    allocate_payment(ctx, p.payment_id, mode="oldest")  # nothing left to allocate: no-op
    assert len(queue(ctx)) == 2
    assert check_book(ctx).ok


def test_work_an_exception_to_resolved_with_notes(ctx, book) -> None:
    pay(ctx, book["cust"], "2026-02-23", "1000.00")
    (eid,) = exception_ids(ctx)
    before = audit_count(ctx)
    changes = assign(ctx, eid, "李雷")
    assert changes.payments and audit_count(ctx) == before + 1
    assert not assign(ctx, eid, "李雷")  # unchanged: nothing written
    set_status(ctx, eid, "in_progress")
    add_note(ctx, eid, "Called 张经理; says the payment run was delayed.")
    with pytest.raises(UserFacingError) as exc:
        set_status(ctx, eid, "resolved", "  ")
    assert exc.value.params["field"] == "resolution"
    with pytest.raises(UserFacingError):
        add_note(ctx, eid, " ")
    with pytest.raises(UserFacingError):
        set_status(ctx, eid, "closed")
    set_status(ctx, eid, "resolved", "Late fee waived once")
    assert audit_count(ctx) == before + 4
    detail = exception_detail(ctx, eid)
    assert (detail.status, detail.owner, detail.resolution) == (
        "resolved",
        "李雷",
        "Late fee waived once",
    )
    assert detail.resolved_on == d("2026-06-30")
    assert (detail.invoice_number, detail.payment_number) == ("INV-000001", "RC-000001")
    assert [n.text for n in detail.notes] == ["Called 张经理; says the payment run was delayed."]
    assert detail.notes[0].author == "tester"
    # Reopening keeps the old resolution as a note.
    set_status(ctx, eid, "open")
    detail = exception_detail(ctx, eid)
    assert (detail.status, detail.resolution, detail.resolved_on) == ("open", "", None)
    assert detail.notes[-1].text == "Reopened; it was resolved: Late fee waived once"
    with pytest.raises(NotFound):
        exception_detail(ctx, 999)


def test_assign_customer_to_unidentified_payment(ctx, book) -> None:
    p = pay(ctx, None, "2026-01-20", "1000.00")
    (eid,) = exception_ids(ctx)
    before = audit_count(ctx)
    created, changes = assign_customer_to_payment(ctx, p.payment_id, book["cust"])
    assert audit_count(ctx) == before + 1
    assert changes.customers == {book["cust"]} and changes.invoices == {book["a"]}
    assert invoice_state(ctx, book["a"]) == (0, "paid")
    assert (
        scalar(ctx, "SELECT customer_id FROM payments WHERE id=:i", i=p.payment_id) == book["cust"]
    )
    detail = exception_detail(ctx, eid)
    assert detail.status == "resolved" and detail.resolved_on == d("2026-06-30")
    assert detail.resolution.startswith("Assigned to customer C")
    assert (detail.customer_id, detail.owner) == (book["cust"], "王芳")
    assert created == []  # paid on time, exactly
    with pytest.raises(UserFacingError):  # already has a customer
        assign_customer_to_payment(ctx, p.payment_id, book["cust"])
    assert check_book(ctx).ok


def test_assigned_payment_is_checked_again(ctx, book) -> None:
    p = pay(ctx, None, "2026-02-23", "1000.00")
    created, _ = assign_customer_to_payment(ctx, p.payment_id, book["cust"], allocate="oldest")
    assert [(k, st) for k, _n, _a, st, _o in queue(ctx)] == [
        ("unidentified", "resolved"),
        ("late_payment", "open"),
    ]
    assert created == [scalar(ctx, "SELECT MAX(id) FROM payment_exceptions")]
    with pytest.raises(UserFacingError):
        assign_customer_to_payment(ctx, p.payment_id, book["cust"], allocate="manual")


def test_reversed_payment_cannot_be_assigned(ctx, book) -> None:
    p = pay(ctx, None, "2026-02-23", "10.00")
    reverse_payment(ctx, p.payment_id, d("2026-02-24"), "bounced")
    with pytest.raises(UserFacingError) as exc:
        assign_customer_to_payment(ctx, p.payment_id, book["cust"])
    assert exc.value.code == "already_reversed"


@pytest.mark.parametrize("name", ["assign", "set_status", "add_note", "assign_customer"])
def test_read_only_role_is_denied_and_nothing_written(ctx, book, name) -> None:
    p = pay(ctx, None, "2026-02-23", "10.00")
    (eid,) = exception_ids(ctx)
    calls = {
        "assign": lambda x: assign(x, eid, "someone"),
        "set_status": lambda x: set_status(x, eid, "resolved", "done"),
        "add_note": lambda x: add_note(x, eid, "note"),
        "assign_customer": lambda x: assign_customer_to_payment(x, p.payment_id, book["cust"]),
    }
    before = queue(ctx), audit_count(ctx), scalar(ctx, "SELECT COUNT(*) FROM exception_notes")
    with pytest.raises(PermissionDenied):
        calls[name](dataclasses.replace(ctx, role="read_only"))
    after = queue(ctx), audit_count(ctx), scalar(ctx, "SELECT COUNT(*) FROM exception_notes")
    assert after == (before[0], before[1] + 1, before[2])
    assert audit_count(ctx, "permission_denied") == 1


def test_collector_may_work_but_not_assign_customers(ctx, book) -> None:
    p = pay(ctx, None, "2026-02-23", "10.00")
    (eid,) = exception_ids(ctx)
    collector = dataclasses.replace(ctx, role="collector", user="王芳")
    add_note(collector, eid, "Asked the bank for the payer's details")
    set_status(collector, eid, "in_progress")
    with pytest.raises(PermissionDenied):
        assign_customer_to_payment(collector, p.payment_id, book["cust"])


def test_exception_list_filters_and_sorts(ctx, book) -> None:
    pay(ctx, book["cust"], "2026-02-23", "1000.00")  # late, owner 王芳
    pay(ctx, None, "2026-05-01", "888.00")  # unidentified, no owner
    other = make_customer(ctx, "Acme Ltd")
    make_invoice(ctx, other, "2026-01-01", "100.00")
    pay(ctx, other, "2026-06-01", "100.00")  # late, Acme
    src = exception_list
    assert src.count(ctx, ListSpec()) == 3
    assert src.count(ctx, ListSpec(text="acme")) == 1
    assert src.count(ctx, ListSpec(text="RC-000002")) == 1
    assert src.count(ctx, ListSpec(text="days after")) == 2
    assert src.count(ctx, ListSpec(status="open")) == 3
    me = dataclasses.replace(ctx, user="王芳")
    assert src.count(me, ListSpec(status="mine")) == 1
    ids = list(src.ids(ctx, ListSpec(), SortSpec("amount", descending=True)))
    rows = src.rows(ctx, ids, d("2026-06-30"))
    assert [r.amount for r in rows] == [m("1000.00"), m("888.00"), m("100.00")]
    assert rows[1].customer_name == "" and rows[1].payer_name == ""
    assert rows[0].invoice_number == "INV-000001" and rows[0].payment_number == "RC-000001"
    for key in src.sort_keys:
        assert sorted(src.ids(ctx, ListSpec(), SortSpec(key))) == sorted(ids)
    set_status(ctx, rows[2].id, "resolved", "ok")
    assert src.count(ctx, ListSpec(status="resolved")) == 1
    assert src.count(ctx, ListSpec(status="open")) == 2
    count, first = src.first_page(ctx, ListSpec(text="acme"), SortSpec("kind"), 10)
    assert (count, list(first)) == (1, [rows[2].id])


def _exceptions(ctx, payment_id: int) -> list[tuple]:
    """(kind, status, resolution, resolved_on) of a payment's exceptions."""
    sql = (
        "SELECT kind, status, resolution, resolved_on FROM payment_exceptions"
        " WHERE payment_id = :p ORDER BY id"
    )
    with reader(ctx) as s:
        return [tuple(r) for r in s.execute(text(sql), {"p": payment_id})]


def test_reversal_resolves_the_payments_open_exceptions(ctx, book) -> None:
    late = pay(ctx, book["cust"], "2026-02-23", "1000.00")  # late on INV-000001
    (eid,) = exception_ids(ctx)
    set_status(ctx, eid, "in_progress")
    audits = audit_count(ctx)
    changes = reverse_payment(ctx, late.payment_id, d("2026-02-25"), " bounced ")
    assert _exceptions(ctx, late.payment_id) == [
        ("late_payment", "resolved", "Payment reversed: bounced", "2026-02-25")
    ]
    assert changes.payments == {late.payment_id}
    assert audit_count(ctx) == audits + 1  # one audit row for the whole reversal
    after = json.loads(scalar(ctx, "SELECT after FROM audit_log WHERE action='reverse_payment'"))
    assert after["resolved_exceptions"] == [eid]


def test_reversing_one_of_a_duplicate_pair_resolves_the_other(ctx, book) -> None:
    first = pay(ctx, book["cust"], "2026-01-10", "300.00", reference="TT 0110", allocate="none")
    second = pay(ctx, book["cust"], "2026-01-13", "300.00", reference="TT 0110", allocate="none")
    assert _exceptions(ctx, second.payment_id)[0][:2] == ("duplicate", "open")
    changes = reverse_payment(ctx, first.payment_id, d("2026-01-15"), "keyed twice")
    assert _exceptions(ctx, second.payment_id) == [
        ("duplicate", "resolved", "Payment RC-000001 reversed: keyed twice", "2026-01-15")
    ]
    assert changes.payments == {first.payment_id, second.payment_id}
    after = json.loads(scalar(ctx, "SELECT after FROM audit_log WHERE action='reverse_payment'"))
    assert after["resolved_exceptions"] == [scalar(ctx, "SELECT id FROM payment_exceptions")]


def test_a_duplicate_with_another_look_alike_stays_open(ctx, book) -> None:
    pay(ctx, book["cust"], "2026-01-10", "300.00", reference="TT 0110", allocate="none")
    second = pay(ctx, book["cust"], "2026-01-13", "300.00", reference="TT 0110", allocate="none")
    third = pay(ctx, book["cust"], "2026-01-13", "300.00", allocate="none")  # same day as second
    reverse_payment(ctx, third.payment_id, d("2026-01-15"), "keyed twice")
    assert [r[:2] for r in _exceptions(ctx, second.payment_id)] == [("duplicate", "open")]
    assert [r[1] for r in _exceptions(ctx, third.payment_id)] == ["resolved"]
    other = make_customer(ctx, "Acme Ltd")
    unrelated = pay(ctx, other, "2026-01-13", "300.00", reference="TT 0110", allocate="none")
    reverse_payment(ctx, unrelated.payment_id, d("2026-01-15"), "wrong customer")
    assert [r[:2] for r in _exceptions(ctx, second.payment_id)] == [("duplicate", "open")]
