"""The collections worklist: each kind, the ordering, the collector filter, what is left out."""

from __future__ import annotations

from typing import Any

from desktop_ar.services.activity import LogInput, log_contact, open_dispute
from desktop_ar.services.collection_flags import set_collection_flags
from desktop_ar.services.collections_worklist import KIND_ORDER, worklist
from desktop_ar.services.promises import record_promise, refresh_promises
from tests.services.helpers import d, m, make_customer, make_invoice, pay

AS_OF = d("2026-06-30")


def _kinds(items: list[Any]) -> list[tuple[str, str]]:
    return [(i.kind, i.customer_code) for i in items]


def test_an_empty_book_has_nothing_to_chase(ctx: Any) -> None:
    make_customer(ctx, code="C1")
    assert worklist(ctx, AS_OF) == []


def test_overdue_per_customer_with_level_and_oldest_due(ctx: Any) -> None:
    a = make_customer(ctx, "A Ltd", code="A", collector="wang")
    b = make_customer(ctx, "B Ltd", code="B", collector="li")
    make_invoice(ctx, a, "2026-05-01", "100")  # due 05-31: 30 days → level 3
    make_invoice(ctx, a, "2026-05-20", "50")  # due 06-19
    make_invoice(ctx, b, "2026-05-25", "70")  # due 06-24: 6 days → level 1
    items = [i for i in worklist(ctx, AS_OF) if i.kind == "overdue"]
    assert _kinds(items) == [("overdue", "A"), ("overdue", "B")]
    first = items[0]
    assert (first.amount, first.day, first.level, first.collector) == (
        m("150"),
        d("2026-05-31"),
        3,
        "wang",
    )
    assert "2 item(s)" in first.detail and "30 day(s)" in first.detail
    assert items[1].level == 1
    assert _kinds(worklist(ctx, AS_OF, collector="li")) == [("overdue", "B")]
    assert worklist(ctx, AS_OF, collector="nobody") == []


def test_disputed_and_legal_items_are_left_out(ctx: Any) -> None:
    a = make_customer(ctx, "A Ltd", code="A")
    disputed = make_invoice(ctx, a, "2026-05-01", "100")
    legal = make_invoice(ctx, a, "2026-05-02", "200")
    kept = make_invoice(ctx, a, "2026-05-03", "300")
    open_dispute(ctx, a, disputed, "wrong goods")
    set_collection_flags(ctx, legal, legal_stage=True)
    items = worklist(ctx, AS_OF)
    overdue = [i for i in items if i.kind == "overdue"]
    assert len(overdue) == 1 and overdue[0].amount == m("300")
    assert kept and [i.kind for i in items] == ["overdue", "dispute"]
    dispute = items[1]
    assert dispute.detail == "wrong goods" and dispute.day == AS_OF


def test_due_soon_within_the_reminder_days(ctx: Any) -> None:
    a = make_customer(ctx, "A Ltd", code="A")
    make_invoice(ctx, a, "2026-06-01", "100", number="INV-SOON")  # due 07-01
    make_invoice(ctx, a, "2026-06-30", "100", number="INV-LATER")  # due 07-30
    make_invoice(ctx, a, "2026-05-31", "100", number="INV-TODAY")  # due 06-30, not overdue
    items = worklist(ctx, AS_OF)
    assert [(i.kind, i.reference) for i in items] == [
        ("due_soon", "INV-TODAY"),
        ("due_soon", "INV-SOON"),
    ]
    assert items[0].detail == "due today" and items[1].detail == "due in 1 day(s)"
    assert items[1].level is None and items[1].amount == m("100")


def test_promises_due_and_broken(ctx: Any) -> None:
    a = make_customer(ctx, "A Ltd", code="A")
    b = make_customer(ctx, "B Ltd", code="B")
    c = make_customer(ctx, "C Ltd", code="C")
    record_promise(ctx, a, m("100"), d("2026-06-28"), made_on=d("2026-06-20"))  # in grace
    record_promise(ctx, b, m("100"), d("2026-06-10"), made_on=d("2026-06-01"))  # broken
    record_promise(ctx, c, m("100"), d("2026-05-01"), made_on=d("2026-04-20"))  # broken, old
    record_promise(ctx, c, m("100"), d("2026-07-15"), made_on=d("2026-06-20"))  # future
    pay(ctx, b, "2026-06-05", "40")
    refresh_promises(ctx, AS_OF)
    items = worklist(ctx, AS_OF)
    assert _kinds(items) == [("promise_broken", "B"), ("promise_due", "A")]
    broken = items[0]
    assert broken.amount == m("60") and "partly kept" in broken.detail
    assert "40.00 CNY paid" in broken.detail


def test_follow_ups_until_a_later_contact(ctx: Any) -> None:
    a = make_customer(ctx, "A Ltd", code="A")
    b = make_customer(ctx, "B Ltd", code="B")
    log_contact(
        ctx,
        a,
        LogInput(
            kind="call",
            summary="asked for copy",
            log_date=d("2026-06-20"),
            next_follow_up=d("2026-06-29"),
        ),
    )
    log_contact(
        ctx,
        b,
        LogInput(kind="call", summary="x", log_date=d("2026-06-20"), next_follow_up=AS_OF),
    )
    log_contact(ctx, b, LogInput(kind="email", summary="sent copy", log_date=d("2026-06-25")))
    log_contact(
        ctx,
        b,
        LogInput(
            kind="call", summary="y", log_date=d("2026-06-20"), next_follow_up=d("2026-07-09")
        ),
    )
    items = worklist(ctx, AS_OF)
    assert _kinds(items) == [("follow_up", "A")]
    assert items[0].day == d("2026-06-29") and "asked for copy" in items[0].detail


def test_ordering_across_kinds(ctx: Any) -> None:
    names = {k: make_customer(ctx, f"{k} Ltd", code=k) for k in "ABCDEF"}
    make_invoice(ctx, names["A"], "2026-06-10", "10")  # due soon (07-10 > 5 days) → not
    make_invoice(ctx, names["A"], "2026-06-02", "10")  # due 07-02: due soon
    make_invoice(ctx, names["B"], "2026-03-01", "10")  # overdue, level 5
    make_invoice(ctx, names["C"], "2026-05-25", "10")  # overdue, level 1
    open_dispute(ctx, names["D"], None, "price", m("5"))
    log_contact(
        ctx,
        names["E"],
        LogInput(kind="visit", summary="v", log_date=d("2026-06-01"), next_follow_up=AS_OF),
    )
    record_promise(ctx, names["F"], m("9"), d("2026-06-10"), made_on=d("2026-06-01"))
    record_promise(ctx, names["F"], m("9"), AS_OF, made_on=d("2026-06-11"))
    refresh_promises(ctx, AS_OF)
    items = worklist(ctx, AS_OF)
    assert _kinds(items) == [
        ("promise_broken", "F"),
        ("promise_due", "F"),
        ("overdue", "B"),
        ("overdue", "C"),
        ("follow_up", "E"),
        ("dispute", "D"),
        ("due_soon", "A"),
    ]
    assert [i.level for i in items if i.kind == "overdue"] == [5, 1]
    assert {i.kind for i in items} == set(KIND_ORDER)
