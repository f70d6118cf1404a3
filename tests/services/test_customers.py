from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from desktop_ar.domain.errors import ConcurrentEditError, PermissionDenied, UserFacingError
from desktop_ar.services.customers import (
    CustomerInput,
    create_customer,
    customer_detail,
    customer_input,
    delete_customer,
    set_customer_status,
    update_customer,
)
from desktop_ar.services.invoicing import create_credit_note
from tests.conftest import AS_OF
from tests.services.helpers import (
    audit_count,
    d,
    m,
    make_customer,
    make_invoice,
    pay,
    row,
    scalar,
    signature,
)


def test_create_numbers_the_code_and_computes_pinyin(ctx) -> None:
    cid, changes = create_customer(ctx, CustomerInput(name="上海明远贸易有限公司"))
    assert changes.customers == {cid}
    code, initials, full = row(
        ctx, "SELECT code, pinyin_initials, pinyin_full FROM customers WHERE id = :i", i=cid
    )
    assert code == "C00001"
    assert initials == "shmymyyxgs"
    assert full.startswith("shanghaimingyuan")
    found = scalar(ctx, "SELECT id FROM customers WHERE pinyin_initials LIKE '%shmy%'")
    assert found == cid
    cid2 = make_customer(ctx, "Acme Trading Ltd", currency="USD")
    assert scalar(ctx, "SELECT code FROM customers WHERE id = :i", i=cid2) == "C00002"
    assert scalar(ctx, "SELECT pinyin_initials FROM customers WHERE id = :i", i=cid2) == "atl"


def test_create_is_audited_once(ctx) -> None:
    before = audit_count(ctx)
    cid = make_customer(ctx, code="K-1", payment_terms="net 45", credit_limit=m("5000"))
    assert audit_count(ctx) == before + 1
    action, entity_id, after = row(
        ctx, "SELECT action, entity_id, after FROM audit_log ORDER BY id DESC LIMIT 1"
    )
    assert (action, entity_id) == ("create_customer", str(cid))
    assert '"payment_terms": "NET45"' in after
    assert '"credit_limit_minor": 500000' in after


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"customer_type": "big"}, "customer_type"),
        ({"status": "gone"}, "status"),
        ({"value_tier": "D"}, "value_tier"),
        ({"language": "fr"}, "language"),
        ({"credit_limit": m("-1")}, "credit_limit"),
        ({"credit_limit": m("1", "USD")}, "credit_limit"),
    ],
)
def test_invalid_input_names_the_field(ctx, fields, field) -> None:
    data = dataclasses.replace(CustomerInput(name="张三"), **fields)
    before = signature(ctx), audit_count(ctx)
    with pytest.raises(UserFacingError) as exc:
        create_customer(ctx, data)
    assert exc.value.code == "invalid"
    assert exc.value.params["field"] == field
    assert (signature(ctx), audit_count(ctx)) == before


def test_bad_terms_and_currency(ctx) -> None:
    with pytest.raises(UserFacingError) as exc:
        create_customer(ctx, CustomerInput(name="张三", payment_terms="whenever"))
    assert exc.value.code == "bad_terms"
    with pytest.raises(UserFacingError) as exc:
        create_customer(ctx, CustomerInput(name="张三", currency="XXX"))
    assert exc.value.code == "unknown_currency"


def test_duplicate_code(ctx) -> None:
    make_customer(ctx, code="A1")
    with pytest.raises(UserFacingError) as exc:
        make_customer(ctx, "Other", code="A1")
    assert exc.value.code == "duplicate"


def test_update_with_current_version(ctx) -> None:
    cid = make_customer(ctx)
    detail = customer_detail(ctx, cid, AS_OF)
    data = dataclasses.replace(customer_input(detail), name="北京明远", collector="王五")
    changes = update_customer(ctx, cid, data, expected_version=detail.version)
    assert changes.customers == {cid}
    after = customer_detail(ctx, cid, AS_OF)
    assert (after.name, after.collector, after.code) == ("北京明远", "王五", detail.code)
    assert after.version == detail.version + 1
    assert scalar(ctx, "SELECT pinyin_initials FROM customers WHERE id = :i", i=cid) == "bjmy"
    before_json = scalar(
        ctx, "SELECT before FROM audit_log WHERE action = 'update_customer' ORDER BY id DESC"
    )
    assert "上海明远贸易有限公司" in before_json


def test_stale_version_is_refused_and_first_edit_survives(ctx) -> None:
    cid = make_customer(ctx)
    detail = customer_detail(ctx, cid, AS_OF)
    first = dataclasses.replace(customer_input(detail), phone="111")
    second = dataclasses.replace(customer_input(detail), phone="222")
    update_customer(ctx, cid, first, expected_version=detail.version)
    audits = audit_count(ctx)
    with pytest.raises(ConcurrentEditError):
        update_customer(ctx, cid, second, expected_version=detail.version)
    assert customer_detail(ctx, cid, AS_OF).phone == "111"
    assert audit_count(ctx) == audits


def test_currency_cannot_change_once_documents_exist(ctx) -> None:
    cid = make_customer(ctx)
    make_invoice(ctx, cid, "2026-01-01", "10.00")
    detail = customer_detail(ctx, cid, AS_OF)
    data = dataclasses.replace(customer_input(detail), currency="USD", credit_limit=None)
    with pytest.raises(UserFacingError) as exc:
        update_customer(ctx, cid, data, expected_version=detail.version)
    assert exc.value.params["field"] == "currency"


def test_deactivate_and_delete(ctx) -> None:
    used = make_customer(ctx)
    make_invoice(ctx, used, "2026-01-01", "10.00")
    unused = make_customer(ctx, "Typo Co")
    set_customer_status(ctx, used, "inactive")
    assert customer_detail(ctx, used, AS_OF).status == "inactive"
    with pytest.raises(UserFacingError) as exc:
        delete_customer(ctx, used)
    assert exc.value.code == "has_documents"
    delete_customer(ctx, unused)
    assert scalar(ctx, "SELECT COUNT(*) FROM customers WHERE id = :i", i=unused) == 0
    with pytest.raises(UserFacingError):
        set_customer_status(ctx, used, "deleted")


def test_detail_balances(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("3000"))
    make_invoice(ctx, cid, "2026-01-01", "1000.00")  # due 01-31: overdue at 06-30
    make_invoice(ctx, cid, "2026-06-20", "2000.00")  # due 07-20: not yet
    make_invoice(ctx, cid, "2026-07-05", "9999.00")  # after as_of: does not count
    pay(ctx, cid, "2026-02-01", "400.00")  # oldest first → first invoice
    pay(ctx, cid, "2026-06-01", "50.00", allocate="none")
    create_credit_note(ctx, cid, m("100.00"), d("2026-06-25"), "goodwill")
    detail = customer_detail(ctx, cid, AS_OF)
    assert detail.overdue == m("600.00")
    assert detail.unallocated_credit == m("150.00")
    assert detail.balance == m("2450.00")  # 600 + 2000 − 150
    assert detail.open_invoice_count == 2
    assert detail.credit_used_pct == Decimal("81.7")
    assert detail.credit_limit == m("3000")
    later = customer_detail(ctx, cid, d("2026-12-31"))
    assert later.balance == m("12449.00")


def test_no_credit_limit_gives_no_percentage(ctx) -> None:
    cid = make_customer(ctx)
    assert customer_detail(ctx, cid, AS_OF).credit_used_pct is None


def test_read_only_role_is_denied_and_audited(ctx) -> None:
    viewer = dataclasses.replace(ctx, role="read_only")
    before = signature(ctx)
    with pytest.raises(PermissionDenied):
        create_customer(viewer, CustomerInput(name="张三"))
    assert signature(ctx) == before
    assert audit_count(ctx, "permission_denied") == 1
