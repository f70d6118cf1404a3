"""Bad-debt write-offs with approval, and the invoice collections flags."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from desktop_ar.domain.errors import ConcurrentEditError, PermissionDenied, UserFacingError
from desktop_ar.services.collection_flags import set_collection_flags
from desktop_ar.services.write_off_requests import (
    approve_write_off,
    list_write_off_requests,
    reject_write_off,
    request_write_off,
)
from tests.services.helpers import invoice_state, m, make_customer, make_invoice, row, scalar


def _audits(ctx: Any, action: str) -> int:
    return int(scalar(ctx, "SELECT count(*) FROM audit_log WHERE action = :a", a=action))


@pytest.fixture
def book(ctx: Any) -> tuple[Any, Any, int]:
    """A bookkeeper who asks, an admin (another user) who approves, and an open invoice."""
    cid = make_customer(ctx, code="C1")
    iid = make_invoice(ctx, cid, "2026-01-01", "1000")
    clerk = dataclasses.replace(ctx, user="clerk", role="bookkeeper")
    boss = dataclasses.replace(ctx, user="boss", role="admin")
    return clerk, boss, iid


def test_approval_by_another_user_writes_the_bad_debt_off(book: tuple[Any, Any, int]) -> None:
    clerk, boss, iid = book
    rid, changes = request_write_off(clerk, iid, m("1000"), "customer bankrupt")
    assert changes.invoices == {iid}
    assert invoice_state(clerk, iid) == (100000, "open")
    changes = approve_write_off(boss, rid, "ok, court papers seen")
    assert changes.invoices == {iid}
    assert invoice_state(boss, iid) == (0, "written_off")
    view = list_write_off_requests(boss)[0]
    assert (view.status, view.requested_by, view.decided_by) == ("approved", "clerk", "boss")
    assert view.write_off_id is not None and view.decision_note == "ok, court papers seen"
    wo = row(
        boss,
        "SELECT kind, amount_minor, approved_by FROM write_offs WHERE id = :i",
        i=view.write_off_id,
    )
    assert tuple(wo) == ("bad_debt", 100000, "boss")
    assert _audits(boss, "request_write_off") == 1
    assert _audits(boss, "approve_write_off") == 1
    assert _audits(boss, "write_off") == 1


def test_a_partial_write_off_leaves_the_rest_open(book: tuple[Any, Any, int]) -> None:
    clerk, boss, iid = book
    rid, _ = request_write_off(clerk, iid, m("400"), "settlement")
    approve_write_off(boss, rid)
    assert invoice_state(boss, iid) == (60000, "partial")


def test_the_requester_cannot_approve(book: tuple[Any, Any, int]) -> None:
    _, boss, iid = book
    rid, _ = request_write_off(boss, iid, m("10"), "bad")
    with pytest.raises(UserFacingError, match="another user must approve") as err:
        approve_write_off(boss, rid)
    assert err.value.code == "write_off_same_user"
    assert invoice_state(boss, iid) == (100000, "open")
    assert list_write_off_requests(boss, status="pending")[0].id == rid


def test_permissions(book: tuple[Any, Any, int]) -> None:
    clerk, boss, iid = book
    viewer = dataclasses.replace(boss, user="viewer", role="read_only")
    collector = dataclasses.replace(boss, user="col", role="collector")
    for who in (viewer, collector):
        with pytest.raises(PermissionDenied):
            request_write_off(who, iid, m("10"), "bad")
    rid, _ = request_write_off(clerk, iid, m("10"), "bad")
    other_clerk = dataclasses.replace(clerk, user="clerk2")
    with pytest.raises(PermissionDenied):
        approve_write_off(other_clerk, rid)
    with pytest.raises(PermissionDenied):
        reject_write_off(viewer, rid, "no")
    assert scalar(boss, "SELECT count(*) FROM write_off_requests") == 1
    assert scalar(boss, "SELECT count(*) FROM write_offs") == 0
    assert list_write_off_requests(boss)[0].status == "pending"


def test_request_checks(book: tuple[Any, Any, int]) -> None:
    clerk, _, iid = book
    with pytest.raises(UserFacingError) as err:
        request_write_off(clerk, iid, m("1000.01"), "bad")
    assert err.value.code == "over_allocation"
    with pytest.raises(UserFacingError, match="reason"):
        request_write_off(clerk, iid, m("10"), "  ")
    with pytest.raises(UserFacingError, match="enter it in CNY"):
        request_write_off(clerk, iid, m("10", "USD"), "bad")
    request_write_off(clerk, iid, m("10"), "bad")
    with pytest.raises(UserFacingError) as err:
        request_write_off(clerk, iid, m("10"), "again")
    assert err.value.code == "write_off_pending"


def test_approval_refused_when_less_is_open_now(book: tuple[Any, Any, int]) -> None:
    from tests.services.helpers import pay

    clerk, boss, iid = book
    rid, _ = request_write_off(clerk, iid, m("800"), "bad")
    cid = int(scalar(boss, "SELECT customer_id FROM invoices WHERE id = :i", i=iid))
    pay(boss, cid, "2026-06-20", "500")
    with pytest.raises(UserFacingError) as err:
        approve_write_off(boss, rid)
    assert err.value.code == "over_allocation"
    assert scalar(boss, "SELECT count(*) FROM write_offs") == 0


def test_reject(book: tuple[Any, Any, int]) -> None:
    clerk, boss, iid = book
    rid, _ = request_write_off(clerk, iid, m("10"), "bad")
    with pytest.raises(UserFacingError, match="note"):
        reject_write_off(boss, rid, "")
    reject_write_off(boss, rid, "keep chasing")
    view = list_write_off_requests(boss, status="rejected")[0]
    assert (view.id, view.decision_note, view.write_off_id) == (rid, "keep chasing", None)
    assert _audits(boss, "reject_write_off") == 1
    with pytest.raises(UserFacingError, match="already rejected"):
        approve_write_off(boss, rid)
    request_write_off(clerk, iid, m("10"), "bad again")  # a new one may be asked for now


def test_collection_flags(ctx: Any) -> None:
    cid = make_customer(ctx, code="C1")
    iid = make_invoice(ctx, cid, "2026-01-01", "1000")
    changes = set_collection_flags(ctx, iid, legal_stage=True, factored=True)
    assert changes.invoices == {iid}
    flags = row(ctx, "SELECT legal_stage, credit_insured, factored, version_id FROM invoices")
    assert tuple(flags)[:3] == (1, 0, 1)
    assert not set_collection_flags(ctx, iid, legal_stage=True)
    assert _audits(ctx, "set_collection_flags") == 1
    with pytest.raises(ConcurrentEditError):
        set_collection_flags(ctx, iid, credit_insured=True, expected_version=flags[3] - 1)
    set_collection_flags(ctx, iid, credit_insured=True, expected_version=flags[3])
    viewer = dataclasses.replace(ctx, role="read_only")
    with pytest.raises(PermissionDenied):
        set_collection_flags(viewer, iid, legal_stage=False)
    flags = row(ctx, "SELECT legal_stage, credit_insured, factored FROM invoices")
    assert tuple(flags) == (1, 1, 1)
    assert _audits(ctx, "set_collection_flags") == 2
