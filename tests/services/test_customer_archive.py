"""Contacts, value tiers over the last 12 months, and payment behaviour from allocations."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from desktop_ar.domain.errors import ConcurrentEditError, PermissionDenied, UserFacingError
from desktop_ar.services.customer_archive import (
    ContactInput,
    add_contact,
    contacts,
    customer_behaviour,
    customer_tier_figures,
    recompute_value_tiers,
    remove_contact,
    save_contacts,
    update_contact,
)
from desktop_ar.services.customers import customer_detail
from desktop_ar.services.invoicing import InvoiceInput, create_invoice, void_invoice
from tests.conftest import AS_OF
from tests.services.helpers import audit_count, d, m, make_customer, make_invoice, pay, row, scalar


def _tier(ctx, cid: int) -> str | None:
    return scalar(ctx, "SELECT value_tier FROM customers WHERE id = :i", i=cid)


def test_contacts_crud_keeps_one_primary(ctx) -> None:
    cid = make_customer(ctx)
    a, _ = add_contact(ctx, cid, ContactInput("张伟", "财务经理", is_primary=True))
    b, _ = add_contact(ctx, cid, ContactInput("Li Na", email="lina@example.com", is_primary=True))
    rows = contacts(ctx, cid)
    assert [(r.id, r.is_primary) for r in rows] == [(b, True), (a, False)]
    update_contact(
        ctx, a, ContactInput("张伟", "CFO", mobile="13800000000"), expected_version=rows[1].version
    )
    with pytest.raises(ConcurrentEditError):
        update_contact(ctx, a, ContactInput("张伟"), expected_version=rows[1].version)
    assert customer_detail(ctx, cid, AS_OF).contacts[1].title == "CFO"
    remove_contact(ctx, b)
    assert [r.name for r in contacts(ctx, cid)] == ["张伟"]
    assert audit_count(ctx, "add_contact") == 2
    assert audit_count(ctx, "update_contact") == 1 and audit_count(ctx, "remove_contact") == 1
    with pytest.raises(UserFacingError):
        add_contact(ctx, cid, ContactInput("  "))
    with pytest.raises(UserFacingError):
        add_contact(ctx, cid, ContactInput("x", email="not an email"))
    with pytest.raises(PermissionDenied):
        add_contact(dataclasses.replace(ctx, role="collector"), cid, ContactInput("x"))
    assert len(contacts(ctx, cid)) == 1


def test_save_contacts_syncs_in_one_go(ctx) -> None:
    cid = make_customer(ctx)
    keep, _ = add_contact(ctx, cid, ContactInput("留下"))
    add_contact(ctx, cid, ContactInput("删除"))
    audits = audit_count(ctx)
    save_contacts(ctx, cid, [(keep, ContactInput("留下")), (None, ContactInput("新的", phone="1"))])
    assert sorted(r.name for r in contacts(ctx, cid)) == ["新的", "留下"]
    assert audit_count(ctx) == audits + 2  # one removal, one addition; unchanged not audited
    with pytest.raises(UserFacingError):
        save_contacts(
            ctx,
            cid,
            [
                (None, ContactInput("a", is_primary=True)),
                (None, ContactInput("b", is_primary=True)),
            ],
        )
    with pytest.raises(PermissionDenied):
        save_contacts(dataclasses.replace(ctx, role="read_only"), cid, [])
    assert len(contacts(ctx, cid)) == 2


def test_value_tiers_from_the_last_12_months(ctx) -> None:
    big = make_customer(ctx, "大客户", credit_limit=m("0"))
    regular = make_customer(ctx, "常客")
    old = make_customer(ctx, "老客户")
    usd = make_customer(ctx, "Export Ltd", currency="USD")
    for month in range(1, 13):  # 12 invoices of 100,000 in the last 12 months
        issued = f"{2025 + (month + 6 > 12)}-{(month + 5) % 12 + 1:02d}-15"
        make_invoice(ctx, big, issued, "100000")
    for issued in ("2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10"):
        make_invoice(ctx, regular, issued, "500")
    make_invoice(ctx, old, "2025-06-30", "5000000")  # exactly 12 months ago: outside
    # 30,000 USD at 7.1 = 213,000 CNY of revenue in the base currency → B
    create_invoice(
        ctx, InvoiceInput(usd, d("2026-05-01"), m("30000", "USD"), exchange_rate=Decimal("7.1"))
    )
    voided = make_invoice(ctx, regular, "2026-05-01", "900000")
    void_invoice(ctx, voided, "typo")

    changes = recompute_value_tiers(ctx, AS_OF)
    assert (_tier(ctx, big), _tier(ctx, regular), _tier(ctx, old), _tier(ctx, usd)) == (
        "A",
        "B",
        "C",
        "B",
    )
    assert changes.customers == {big, regular, old, usd}
    figures = customer_tier_figures(ctx, big, AS_OF)
    assert (figures.revenue, figures.orders, figures.tier) == (m("1200000"), 12, "A")
    assert customer_tier_figures(ctx, usd, AS_OF).revenue == m("213000")
    after = json.loads(row(ctx, "SELECT after FROM audit_log ORDER BY id DESC LIMIT 1")[0])
    assert after["changed"]["C00001"] == ["", "A"] and "12 orders" in after["rule"]
    version = scalar(ctx, "SELECT version_id FROM customers WHERE id = :i", i=big)
    assert recompute_value_tiers(ctx, AS_OF).customers == set()  # nothing changed again
    assert scalar(ctx, "SELECT version_id FROM customers WHERE id = :i", i=big) == version
    with pytest.raises(PermissionDenied):
        recompute_value_tiers(dataclasses.replace(ctx, role="collector"), AS_OF)


def test_payment_behaviour_from_allocations(ctx) -> None:
    cid = make_customer(ctx)
    early = make_invoice(ctx, cid, "2026-03-01", "1000")  # due 2026-03-31
    late = make_invoice(ctx, cid, "2026-04-01", "3000")  # due 2026-05-01
    make_invoice(ctx, cid, "2026-05-01", "500")  # due 2026-05-31, still open on 06-30
    pay(ctx, cid, "2026-03-21", "1000", allocate="oldest")  # 10 days early, 20 days to pay
    pay(ctx, cid, "2026-05-11", "3000", allocate="oldest")  # 10 days late, 40 days to pay
    assert early and late
    b = customer_behaviour(ctx, cid, AS_OF)
    assert b.on_time_share == Decimal("25.0")
    assert b.weighted_days_late == Decimal("7.5")
    assert b.avg_days_to_pay == Decimal("35.0")
    assert b.longest_overdue_days == 30 and b.oldest_open_overdue_days == 30
    assert b.paid_count == 2
    empty = customer_behaviour(ctx, make_customer(ctx, "新客户"), AS_OF)
    assert empty.on_time_share is None and empty.longest_overdue_days == 0


def test_customer_and_contacts_are_saved_in_one_transaction(ctx) -> None:
    """The dialog's save is all or nothing: a contact problem leaves no half-saved customer."""
    from desktop_ar.services.customer_archive import save_customer
    from desktop_ar.services.customers import CustomerInput

    before = scalar(ctx, "SELECT COUNT(*) FROM customers")
    with pytest.raises(UserFacingError, match="removed by someone else"):
        save_customer(ctx, None, CustomerInput(name="半途公司"), [(999, ContactInput("王五"))])
    assert scalar(ctx, "SELECT COUNT(*) FROM customers") == before
    cid, _ = save_customer(
        ctx, None, CustomerInput(name="整体公司"), [(None, ContactInput("王五", is_primary=True))]
    )
    assert scalar(ctx, "SELECT COUNT(*) FROM contacts WHERE customer_id = :c", c=cid) == 1
