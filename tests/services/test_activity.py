"""Contact log, disputes, overdue reasons and measures: what is written, audited and refused."""

from __future__ import annotations

import dataclasses
import json

import pytest

from desktop_ar.domain.errors import PermissionDenied, UserFacingError
from desktop_ar.services.activity import (
    LogInput,
    contact_log,
    customer_orders,
    disputes,
    log_contact,
    open_dispute,
    overdue_reason,
    resolve_dispute,
    set_overdue_reason,
)
from desktop_ar.services.lists import ListSpec, invoices
from tests.conftest import AS_OF
from tests.services.helpers import audit_count, d, m, make_customer, make_invoice, row, scalar


def _disputed(ctx, invoice_id: int) -> bool:
    return bool(scalar(ctx, "SELECT disputed FROM invoices WHERE id = :i", i=invoice_id))


def _table_rows(ctx, table: str) -> int:
    return int(scalar(ctx, f"SELECT count(*) FROM {table}"))


def test_log_a_call_with_a_follow_up(ctx) -> None:
    cid = make_customer(ctx)
    before = audit_count(ctx, "log_contact")
    entry_id, changes = log_contact(
        ctx,
        cid,
        LogInput(
            "call",
            "  催款：答应月底前付一半  ",
            contact_person="张经理",
            next_follow_up=d("2026-07-05"),
        ),
    )
    assert changes.customers == {cid}
    assert audit_count(ctx, "log_contact") == before + 1
    [entry] = contact_log(ctx, cid)
    assert entry.id == entry_id
    assert entry.summary == "催款：答应月底前付一半"
    assert entry.log_date == AS_OF  # today from the clock
    assert entry.staff == "tester"  # the signed-in user
    assert entry.next_follow_up == d("2026-07-05")


def test_log_is_newest_first_and_validated(ctx) -> None:
    cid = make_customer(ctx)
    log_contact(ctx, cid, LogInput("visit", "first", log_date=d("2026-05-01")))
    log_contact(ctx, cid, LogInput("complaint", "second", log_date=d("2026-06-01")))
    assert [e.summary for e in contact_log(ctx, cid)] == ["second", "first"]
    for bad in (
        LogInput("fax", "x"),
        LogInput("call", "   "),
        LogInput("call", "x", log_date=d("2026-06-01"), next_follow_up=d("2026-05-31")),
    ):
        with pytest.raises(UserFacingError):
            log_contact(ctx, cid, bad)
    assert len(contact_log(ctx, cid)) == 2


def test_collector_may_log_but_read_only_may_not(ctx) -> None:
    cid = make_customer(ctx)
    log_contact(dataclasses.replace(ctx, role="collector"), cid, LogInput("email", "sent"))
    with pytest.raises(PermissionDenied):
        log_contact(dataclasses.replace(ctx, role="read_only"), cid, LogInput("email", "x"))
    assert _table_rows(ctx, "contact_log") == 1
    with pytest.raises(PermissionDenied):
        open_dispute(dataclasses.replace(ctx, role="collector"), cid, None, "price")
    assert _table_rows(ctx, "disputes") == 0


def test_open_and_resolve_dispute_flags_the_invoice(ctx) -> None:
    cid = make_customer(ctx)
    inv = make_invoice(ctx, cid, "2026-04-01", "1000")
    first, changes = open_dispute(ctx, cid, inv, "数量不符", m("200"))
    assert changes.invoices == {inv} and _disputed(ctx, inv)
    second, _ = open_dispute(ctx, cid, inv, "price")  # whole open amount
    rows = disputes(ctx, cid)
    assert [r.id for r in rows] == [first, second] or {r.id for r in rows} == {first, second}
    assert {r.amount for r in rows} == {m("200"), m("1000")}
    assert all(r.invoice_number for r in rows)
    assert invoices.rows(ctx, [inv], AS_OF)[0].disputed
    assert invoices.count(ctx, ListSpec(status="disputed")) == 1

    resolve_dispute(ctx, first, "credit note agreed")
    assert _disputed(ctx, inv)  # the other dispute is still open
    resolve_dispute(ctx, second, "customer accepted the price")
    assert not _disputed(ctx, inv)
    assert {r.status for r in disputes(ctx, cid)} == {"resolved"}
    assert audit_count(ctx, "open_dispute") == 2 and audit_count(ctx, "resolve_dispute") == 2
    after = json.loads(row(ctx, "SELECT after FROM audit_log ORDER BY id DESC LIMIT 1")[0])
    assert after["invoice_disputed"] == [True, False]
    with pytest.raises(UserFacingError):
        resolve_dispute(ctx, second, "again")


def test_dispute_checks(ctx) -> None:
    cid = make_customer(ctx)
    other = make_customer(ctx, "其他客户")
    inv = make_invoice(ctx, other, "2026-04-01", "1000")
    with pytest.raises(UserFacingError):
        open_dispute(ctx, cid, inv, "not ours")
    with pytest.raises(UserFacingError):
        open_dispute(ctx, other, inv, "too much", m("1000.01"))
    with pytest.raises(UserFacingError):
        open_dispute(ctx, other, inv, "usd", m("10", "USD"))
    with pytest.raises(UserFacingError):
        open_dispute(ctx, other, inv, "  ")
    account, _ = open_dispute(ctx, cid, None, "statement does not match")
    assert disputes(ctx, cid)[0].invoice_id is None
    resolve_dispute(ctx, account, "reconciled")
    assert _table_rows(ctx, "disputes") == 1


def test_overdue_reason_with_extended_due_date_moves_open_lines(ctx) -> None:
    cid = make_customer(ctx)
    inv = make_invoice(
        ctx,
        cid,
        "2026-03-01",
        "900",
        schedule=[("2026-04-01", "300"), ("2026-05-01", "300"), ("2026-08-01", "300")],
    )
    before = audit_count(ctx, "set_overdue_reason")
    changes = set_overdue_reason(
        ctx, inv, "funds_tight", "资金紧张", None, "王总同意", d("2026-07-15")
    )
    assert changes.invoices == {inv}
    dues = [
        r[0]
        for r in [
            row(
                ctx,
                "SELECT due_date FROM invoice_schedule_lines WHERE invoice_id=:i AND seq=:s",
                i=inv,
                s=s,
            )
            for s in (1, 2, 3)
        ]
    ]
    assert dues == ["2026-07-15", "2026-07-15", "2026-08-01"]
    code, measure, due = row(
        ctx, "SELECT overdue_reason_code, agreed_measure, due_date FROM invoices WHERE id=:i", i=inv
    )
    assert (code, measure, due) == ("funds_tight", "extended_due_date", "2026-08-01")
    assert audit_count(ctx, "set_overdue_reason") == before + 1
    before_json, after_json = row(
        ctx, "SELECT before, after FROM audit_log WHERE action='set_overdue_reason'"
    )
    moved = json.loads(after_json)["schedule_moved"]
    assert [m_[1:] for m_ in moved] == [["2026-04-01", "2026-07-15"], ["2026-05-01", "2026-07-15"]]
    assert json.loads(before_json)["overdue_reason_code"] is None
    # the list shows the reason and the measure; nothing is overdue any more
    listed = invoices.rows(ctx, [inv], AS_OF)[0]
    assert listed.overdue_reason_code == "funds_tight"
    assert listed.agreed_measure == "extended_due_date"
    assert listed.days_overdue == 0
    info = overdue_reason(ctx, inv)
    assert (info.note, info.measure_note, info.first_open_due) == (
        "资金紧张",
        "王总同意",
        d("2026-07-15"),
    )


def test_overdue_reason_checks_and_clearing(ctx) -> None:
    cid = make_customer(ctx)
    inv = make_invoice(ctx, cid, "2026-03-01", "900")  # due 2026-03-31
    for args in (
        ("late", "", None, "", None),
        ("other", "", "promise", "", None),
        ("other", "", "instalment_plan", "", d("2026-07-01")),
        ("other", "", None, "", d("2026-02-01")),  # before the invoice date
        ("other", "", None, "", d("2026-03-15")),  # nothing due before it
    ):
        with pytest.raises(UserFacingError):
            set_overdue_reason(ctx, inv, *args)
    set_overdue_reason(ctx, inv, "quality_complaint", "", "instalment_plan", "3 × 300")
    set_overdue_reason(ctx, inv, None)
    assert row(ctx, "SELECT overdue_reason_code, agreed_measure FROM invoices") == (None, None)
    with pytest.raises(PermissionDenied):
        set_overdue_reason(dataclasses.replace(ctx, role="read_only"), inv, "other")
    assert row(ctx, "SELECT overdue_reason_code FROM invoices")[0] is None


def test_customer_orders_is_empty_without_orders(ctx) -> None:
    cid = make_customer(ctx)
    assert customer_orders(ctx, cid) == []
