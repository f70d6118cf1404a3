"""Promises to pay: record, judge against receipts (kept / partly kept / broken / pending)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from desktop_ar.domain.errors import NotFound, PermissionDenied, UserFacingError
from desktop_ar.services.activity import LogInput, log_contact
from desktop_ar.services.payments import reverse_payment
from desktop_ar.services.promises import (
    cancel_promise,
    list_promises,
    record_promise,
    refresh_promises,
)
from tests.services.helpers import d, m, make_customer, make_invoice, pay, scalar


def _status(ctx: Any, pid: int) -> tuple[str, int]:
    view = next(p for p in list_promises(ctx) if p.id == pid)
    return view.status, view.paid.minor


def _audits(ctx: Any, action: str) -> int:
    return int(scalar(ctx, "SELECT count(*) FROM audit_log WHERE action = :a", a=action))


def test_record_promise_is_stored_pending_and_audited(ctx: Any) -> None:
    cid = make_customer(ctx, code="C1")
    iid = make_invoice(ctx, cid, "2026-05-01", "1000")
    entry, _ = log_contact(ctx, cid, LogInput(kind="call", summary="will pay"))
    pid, changes = record_promise(
        ctx, cid, m("500"), d("2026-07-05"), invoice_id=iid, contact_log_id=entry, note="half"
    )
    assert changes.customers == {cid}
    view = list_promises(ctx, customer_id=cid)[0]
    assert (view.id, view.status, view.made_on, view.amount) == (
        pid,
        "pending",
        d("2026-06-30"),
        m("500"),
    )
    assert view.invoice_number and view.note == "half" and view.created_by == "tester"
    assert _audits(ctx, "record_promise") == 1


def test_record_promise_checks_its_input(ctx: Any) -> None:
    cid = make_customer(ctx, code="C1")
    other = make_customer(ctx, "Other Ltd", code="C2")
    iid = make_invoice(ctx, other, "2026-05-01", "1000")
    with pytest.raises(UserFacingError, match="promised_date"):
        record_promise(ctx, cid, m("10"), d("2026-06-01"))
    with pytest.raises(UserFacingError, match="another customer"):
        record_promise(ctx, cid, m("10"), d("2026-07-01"), invoice_id=iid)
    with pytest.raises(UserFacingError, match="amount"):
        record_promise(ctx, cid, m("0"), d("2026-07-01"))
    with pytest.raises(NotFound):
        record_promise(ctx, 999, m("10"), d("2026-07-01"))
    with pytest.raises(UserFacingError, match="USD"):
        usd = make_invoice(ctx, cid, "2026-05-01", "10", currency="USD")
        record_promise(ctx, cid, m("10"), d("2026-07-01"), invoice_id=usd)
    assert scalar(ctx, "SELECT count(*) FROM promises_to_pay") == 0


def test_a_read_only_role_may_not_record_cancel_or_refresh(ctx: Any) -> None:
    cid = make_customer(ctx, code="C1")
    pid, _ = record_promise(ctx, cid, m("10"), d("2026-07-01"))
    viewer = dataclasses.replace(ctx, role="read_only")
    with pytest.raises(PermissionDenied):
        record_promise(viewer, cid, m("10"), d("2026-07-01"))
    with pytest.raises(PermissionDenied):
        cancel_promise(viewer, pid, "no")
    with pytest.raises(PermissionDenied):
        refresh_promises(viewer, d("2026-07-10"))
    assert scalar(ctx, "SELECT count(*) FROM promises_to_pay") == 1
    assert _status(ctx, pid) == ("pending", 0)
    assert _audits(ctx, "refresh_promises") == 0
    collector = dataclasses.replace(ctx, role="collector")
    record_promise(collector, cid, m("10"), d("2026-07-01"))


def test_kept_partly_kept_broken_and_pending(ctx: Any) -> None:
    a = make_customer(ctx, "A Ltd", code="A")
    b = make_customer(ctx, "B Ltd", code="B")
    c = make_customer(ctx, "C Ltd", code="C")
    e = make_customer(ctx, "E Ltd", code="E")
    for cid in (a, b, c, e):
        make_invoice(ctx, cid, "2026-04-01", "1000")
    kept, _ = record_promise(ctx, a, m("300"), d("2026-06-10"), made_on=d("2026-06-01"))
    part, _ = record_promise(ctx, b, m("300"), d("2026-06-10"), made_on=d("2026-06-01"))
    broken, _ = record_promise(ctx, c, m("300"), d("2026-06-10"), made_on=d("2026-06-01"))
    pending, _ = record_promise(ctx, e, m("300"), d("2026-07-10"), made_on=d("2026-06-01"))
    pay(ctx, a, "2026-06-08", "300")
    pay(ctx, b, "2026-06-09", "100")
    pay(ctx, c, "2026-05-20", "300")  # before the promise: does not count
    changes = refresh_promises(ctx, d("2026-06-30"))
    assert _status(ctx, kept) == ("kept", 30000)
    assert _status(ctx, part) == ("partly_kept", 10000)
    assert _status(ctx, broken) == ("broken", 0)
    assert _status(ctx, pending) == ("pending", 0)
    assert changes.customers == {a, b, c}
    assert [p.id for p in list_promises(ctx, status="broken")] == [broken]
    after = scalar(ctx, "SELECT after FROM audit_log WHERE action = 'refresh_promises'")
    assert '"checked": 4' in after and '"changed": 3' in after
    again = refresh_promises(ctx, d("2026-06-30"))
    assert not again and _audits(ctx, "refresh_promises") == 2


def test_grace_days_count_a_late_transfer(ctx: Any) -> None:
    cid = make_customer(ctx, code="C1")
    make_invoice(ctx, cid, "2026-04-01", "1000")
    pid, _ = record_promise(ctx, cid, m("200"), d("2026-06-10"), made_on=d("2026-06-01"))
    refresh_promises(ctx, d("2026-06-12"))
    assert _status(ctx, pid) == ("pending", 0)  # within the 3 grace days
    pay(ctx, cid, "2026-06-13", "200")
    refresh_promises(ctx, d("2026-06-30"))
    assert _status(ctx, pid) == ("kept", 20000)
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE company_settings SET promise_grace_days = 1")
    refresh_promises(ctx, d("2026-06-30"))
    assert _status(ctx, pid) == ("broken", 0)


def test_other_currency_receipts_do_not_keep_a_promise(ctx: Any) -> None:
    cid = make_customer(ctx, code="C1")
    make_invoice(ctx, cid, "2026-04-01", "1000", currency="USD")
    pid, _ = record_promise(ctx, cid, m("100"), d("2026-06-10"), made_on=d("2026-06-01"))
    pay(ctx, cid, "2026-06-05", "100", currency="USD")
    refresh_promises(ctx, d("2026-06-30"))
    assert _status(ctx, pid) == ("broken", 0)


def test_a_reversed_payment_turns_a_kept_promise_back(ctx: Any) -> None:
    cid = make_customer(ctx, code="C1")
    make_invoice(ctx, cid, "2026-04-01", "1000")
    pid, _ = record_promise(ctx, cid, m("300"), d("2026-06-10"), made_on=d("2026-06-01"))
    result = pay(ctx, cid, "2026-06-08", "300")
    refresh_promises(ctx, d("2026-06-30"))
    assert _status(ctx, pid) == ("kept", 30000)
    reverse_payment(ctx, result.payment_id, d("2026-06-30"), "bounced")
    refresh_promises(ctx, d("2026-06-30"))
    assert _status(ctx, pid) == ("broken", 0)


def test_cancelled_promises_are_not_judged(ctx: Any) -> None:
    cid = make_customer(ctx, code="C1")
    pid, _ = record_promise(ctx, cid, m("300"), d("2026-06-10"), made_on=d("2026-06-01"))
    with pytest.raises(UserFacingError, match="reason"):
        cancel_promise(ctx, pid, " ")
    cancel_promise(ctx, pid, "entered twice")
    refresh_promises(ctx, d("2026-06-30"))
    assert _status(ctx, pid) == ("cancelled", 0)
    assert _audits(ctx, "cancel_promise") == 1
    with pytest.raises(UserFacingError, match="already cancelled"):
        cancel_promise(ctx, pid, "again")
    with pytest.raises(UserFacingError, match="status"):
        list_promises(ctx, status="lost")
