"""Credit policy: customer classes, assigning them, and the automatic credit hold."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop_ar.domain.errors import NotFound, PermissionDenied, UserFacingError
from desktop_ar.services.activity import open_dispute
from desktop_ar.services.credit_policy import (
    apply_credit_holds,
    assign_class,
    delete_class,
    list_classes,
    save_class,
)
from desktop_ar.services.orders import OrderInput, OrderLineInput, confirm_order, create_order
from desktop_ar.services.settings import get_settings, update_settings
from desktop_ar.services.uow import uow
from tests.services.helpers import m, make_customer, make_invoice, pay, row, scalar

AS_OF = date(2026, 6, 30)


def _audits(ctx, action: str) -> int:
    return int(scalar(ctx, "SELECT count(*) FROM audit_log WHERE action = :a", a=action))


def _hold(ctx, cid: int) -> tuple[int, int]:
    r = row(ctx, "SELECT credit_hold, credit_hold_auto FROM customers WHERE id = :i", i=cid)
    return int(r[0]), int(r[1])


def test_classes_crud(ctx) -> None:
    dto, changes = save_class(
        ctx, " KEY ", "Key accounts", "net 60", "cny", m("500000"), Decimal("0.02")
    )
    assert (dto.code, dto.name, dto.payment_terms, dto.currency) == (
        "KEY",
        "Key accounts",
        "NET60",
        "CNY",
    )
    assert dto.credit_limit == m("500000") and dto.discount == Decimal("0.02")
    assert changes
    save_class(ctx, "KEY", "Key accounts (A)", "NET45", "CNY", m("600000"), Decimal("0.03"))
    save_class(ctx, "SME", "Small firms", "NET30", "CNY", m("50000"), Decimal(0))
    classes = list_classes(ctx)
    assert [(c.code, c.name, c.customers) for c in classes] == [
        ("KEY", "Key accounts (A)", 0),
        ("SME", "Small firms", 0),
    ]
    assert classes[0].credit_limit == m("600000")
    assert _audits(ctx, "save_customer_class") == 3
    delete_class(ctx, "SME")
    assert [c.code for c in list_classes(ctx)] == ["KEY"]
    assert _audits(ctx, "delete_customer_class") == 1
    with pytest.raises(NotFound):
        delete_class(ctx, "SME")


@pytest.mark.parametrize(
    ("code", "name", "terms", "ccy", "limit", "discount", "field"),
    [
        ("", "x", "NET30", "CNY", "0", "0", "code"),
        ("A", " ", "NET30", "CNY", "0", "0", "name"),
        ("A", "x", "NET30", "CNY", "-1", "0", "credit_limit"),
        ("A", "x", "NET30", "USD", "1", "0", "credit_limit"),
        ("A", "x", "NET30", "CNY", "1", "1", "discount"),
        ("A", "x", "NET30", "CNY", "1", "-0.1", "discount"),
    ],
)
def test_class_validation(ctx, code, name, terms, ccy, limit, discount, field) -> None:
    with pytest.raises(UserFacingError) as err:
        save_class(ctx, code, name, terms, ccy, m(limit), Decimal(discount))
    assert err.value.params.get("field") == field
    assert list_classes(ctx) == []


def test_bad_terms_refused(ctx) -> None:
    with pytest.raises(UserFacingError):
        save_class(ctx, "A", "x", "whenever", "CNY", m("1"), Decimal(0))


def test_assign_with_and_without_policy(ctx) -> None:
    save_class(ctx, "KEY", "Key accounts", "NET60", "CNY", m("500000"), Decimal("0.02"))
    cid = make_customer(ctx, "Big Ltd", code="B1", credit_limit=m("1000"))
    assign_class(ctx, cid, "KEY", apply_policy=False)
    r = row(
        ctx,
        "SELECT customer_class, payment_terms, credit_limit_minor FROM customers WHERE id = :i",
        i=cid,
    )
    assert tuple(r) == ("KEY", "NET30", 1000_00)
    changes = assign_class(ctx, cid, "KEY")
    assert changes.customers == {cid}
    r = row(
        ctx,
        "SELECT customer_class, payment_terms, credit_limit_minor FROM customers WHERE id = :i",
        i=cid,
    )
    assert tuple(r) == ("KEY", "NET60", 500000_00)
    assert _audits(ctx, "assign_customer_class") == 2
    assert list_classes(ctx)[0].customers == 1
    with pytest.raises(UserFacingError) as err:
        delete_class(ctx, "KEY")
    assert err.value.code == "class_in_use"
    assign_class(ctx, cid, None)
    assert scalar(ctx, "SELECT customer_class FROM customers WHERE id = :i", i=cid) is None
    delete_class(ctx, "KEY")
    with pytest.raises(NotFound):
        assign_class(ctx, cid, "NOPE")
    with pytest.raises(NotFound):
        assign_class(ctx, 9999, None)


def test_assign_policy_in_other_currency_refused(ctx) -> None:
    save_class(ctx, "USD", "Exporters", "NET30", "USD", m("1000", "USD"), Decimal(0))
    cid = make_customer(ctx, "Local Ltd", code="L1")
    with pytest.raises(UserFacingError):
        assign_class(ctx, cid, "USD")
    assert scalar(ctx, "SELECT customer_class FROM customers WHERE id = :i", i=cid) is None


def test_policy_permissions(ctx) -> None:
    save_class(ctx, "KEY", "Key accounts", "NET60", "CNY", m("500000"), Decimal(0))
    cid = make_customer(ctx, "Big Ltd", code="B1")
    ro = dataclasses.replace(ctx, role="read_only")
    before = _audits(ctx, "save_customer_class")
    for call in (
        lambda: save_class(ro, "X", "x", "NET30", "CNY", m("1"), Decimal(0)),
        lambda: delete_class(ro, "KEY"),
        lambda: assign_class(ro, cid, "KEY"),
        lambda: apply_credit_holds(ro, AS_OF),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert [c.code for c in list_classes(ctx)] == ["KEY"]
    assert scalar(ctx, "SELECT customer_class FROM customers WHERE id = :i", i=cid) is None
    assert _audits(ctx, "save_customer_class") == before
    assert _audits(ctx, "apply_credit_holds") == 0
    bookkeeper = dataclasses.replace(ctx, role="bookkeeper")
    assign_class(bookkeeper, cid, "KEY")


def test_setting_exposed_and_checked(ctx) -> None:
    assert get_settings(ctx).credit_hold_overdue_days == 0
    update_settings(ctx, credit_hold_overdue_days=30)
    assert get_settings(ctx).credit_hold_overdue_days == 30
    with pytest.raises(UserFacingError):
        update_settings(ctx, credit_hold_overdue_days=-1)


@pytest.fixture
def overdue(ctx):
    """L: an item 51 days overdue; D: 81 days overdue but disputed; M: on hold by hand, overdue;
    F: nothing overdue."""
    late = make_customer(ctx, "Late Ltd", code="L", credit_limit=m("100000"))
    make_invoice(ctx, late, "2026-04-10", "1000")  # due 2026-05-10
    disputed = make_customer(ctx, "Disputing Ltd", code="D", credit_limit=m("100000"))
    inv = make_invoice(ctx, disputed, "2026-03-11", "1000")  # due 2026-04-10
    open_dispute(ctx, disputed, inv, "goods damaged")
    manual = make_customer(ctx, "Manual Ltd", code="M", credit_limit=m("100000"))
    make_invoice(ctx, manual, "2026-04-10", "1000")
    fine = make_customer(ctx, "Fine Ltd", code="F", credit_limit=m("100000"))
    make_invoice(ctx, fine, "2026-06-10", "1000")
    with uow(ctx) as s:
        s.execute(text("UPDATE customers SET credit_hold = 1 WHERE id = :i"), {"i": manual})
    return {"L": late, "D": disputed, "M": manual, "F": fine}


def test_auto_hold_off_by_default(ctx, overdue) -> None:
    run, changes = apply_credit_holds(ctx, AS_OF)
    assert (run.threshold_days, run.held, run.released) == (0, [], [])
    assert not changes
    assert _hold(ctx, overdue["L"]) == (0, 0)
    assert _hold(ctx, overdue["M"]) == (1, 0)


def test_auto_hold_and_release(ctx, overdue) -> None:
    update_settings(ctx, credit_hold_overdue_days=30)
    run, changes = apply_credit_holds(ctx, AS_OF)
    assert [(t.customer_code, t.oldest_overdue_days) for t in run.held] == [("L", 51)]
    assert run.released == []
    assert changes.customers == {overdue["L"]}
    assert _hold(ctx, overdue["L"]) == (1, 1)
    assert _hold(ctx, overdue["D"]) == (0, 0)  # disputed items do not count
    assert _hold(ctx, overdue["M"]) == (1, 0)  # manual hold untouched
    assert _hold(ctx, overdue["F"]) == (0, 0)
    audit = row(ctx, "SELECT after FROM audit_log WHERE action = 'apply_credit_holds'")[0]
    assert '"held": ["L"]' in audit and '"threshold_days": 30' in audit
    # running again changes nothing
    again, changes = apply_credit_holds(ctx, AS_OF)
    assert (again.held, again.released, bool(changes)) == ([], [], False)
    # paid: released; the manual hold stays although M is overdue too
    pay(ctx, overdue["L"], "2026-06-30", "1000")
    run, _ = apply_credit_holds(ctx, AS_OF)
    assert [t.customer_code for t in run.released] == ["L"] and run.held == []
    assert _hold(ctx, overdue["L"]) == (0, 0)
    assert _hold(ctx, overdue["M"]) == (1, 0)


def test_within_threshold_releases(ctx, overdue) -> None:
    update_settings(ctx, credit_hold_overdue_days=30)
    apply_credit_holds(ctx, AS_OF)
    update_settings(ctx, credit_hold_overdue_days=60)
    run, _ = apply_credit_holds(ctx, AS_OF)
    assert [t.customer_code for t in run.released] == ["L"]
    assert _hold(ctx, overdue["M"]) == (1, 0)


def test_auto_hold_blocks_order_confirmation_until_paid(ctx, overdue) -> None:
    update_settings(ctx, credit_hold_overdue_days=30)
    late = overdue["L"]
    line = OrderLineInput(item="widget", quantity=Decimal(1), unit_price=m("100"))
    oid, _ = create_order(ctx, OrderInput(customer_id=late, order_date=AS_OF, lines=[line]))
    apply_credit_holds(ctx, AS_OF)
    with pytest.raises(UserFacingError) as err:
        confirm_order(ctx, oid)
    assert err.value.code == "credit_blocked"
    pay(ctx, late, "2026-06-30", "1000")
    apply_credit_holds(ctx, AS_OF)
    result, _ = confirm_order(ctx, oid)
    assert not result.blocked
