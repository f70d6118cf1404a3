from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop_ar.domain.errors import ConcurrentEditError, PermissionDenied, UserFacingError
from desktop_ar.services.customers import customer_detail, customer_input, update_customer
from desktop_ar.services.invoicing import (
    invoice_order,
    invoices_without_fapiao,
    set_fapiao,
    uninvoiced_deliveries,
)
from desktop_ar.services.lists.base import ListSpec, SortSpec
from desktop_ar.services.lists.orders import orders as order_list
from desktop_ar.services.orders import (
    OrderInput,
    OrderLineInput,
    cancel_order,
    check_credit,
    confirm_order,
    create_order,
    equal_instalment_plan,
    get_order,
    order_input,
    record_shipment,
    update_order,
)
from desktop_ar.services.uow import reader
from tests.services.helpers import audit_count, d, m, make_customer, make_invoice, row, scalar

Q = Decimal


def line(item="螺丝 M8", qty="10", price="100.00", rate="0.13", cost="60.00") -> OrderLineInput:
    return OrderLineInput(
        item=item, quantity=Q(qty), unit_price=m(price), tax_rate=Q(rate), unit_cost=m(cost)
    )


def order(cid: int, *lines: OrderLineInput, **kw) -> OrderInput:
    kw.setdefault("order_date", d("2026-06-20"))
    return OrderInput(customer_id=cid, lines=list(lines) or [line()], **kw)


def new_order(ctx, cid, *lines, **kw) -> int:
    oid, _ = create_order(ctx, order(cid, *lines, **kw))
    return oid


def _orders_snapshot(ctx):
    with reader(ctx) as s:
        return [
            tuple(tuple(r) for r in s.execute(text(f"SELECT * FROM {t} ORDER BY 1")))
            for t in ("orders", "order_lines", "order_instalments", "invoices", "invoice_lines")
        ]


def test_create_order_computes_lines_and_totals(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("100000"))
    oid, changes = create_order(
        ctx,
        order(
            cid,
            line(qty="10", price="99.50"),
            line(item="垫片", qty="1.5", price="10.01", rate="0", cost="5"),
            contract_ref="HT-2026-0001",
            delivery_date=d("2026-07-10"),
        ),
    )
    assert changes.orders == {oid}
    detail = get_order(ctx, oid)
    assert detail.number == "SO-000001" and detail.status == "draft"
    assert (detail.net, detail.tax, detail.total, detail.cost) == (
        m("1010.02"), m("129.35"), m("1139.37"), m("607.50"))  # fmt: skip
    assert [ln.net for ln in detail.lines] == [m("995.00"), m("15.02")]
    assert detail.lines[1].quantity == Q("1.5")
    assert detail.payment_terms == "NET30" and detail.contract_ref == "HT-2026-0001"
    assert audit_count(ctx, "create_order") == 1


def test_bad_orders_write_nothing(ctx) -> None:
    cid = make_customer(ctx)
    before = _orders_snapshot(ctx)
    bad = [
        order(cid, line(qty="0")),
        order(cid, line(item=" ")),
        order(cid, line(price="-1")),
        order(cid, line(rate="13")),
        order(cid, delivery_date=d("2026-06-01")),
        order(cid, instalments=[(d("2026-07-31"), m("500"))]),  # total is 1,130.00
    ]
    for data in bad:
        with pytest.raises(UserFacingError):
            create_order(ctx, data)
    with pytest.raises(UserFacingError):
        create_order(
            ctx, order(cid, OrderLineInput(item="x", quantity=Q(1), unit_price=m("1", "USD")))
        )
    assert _orders_snapshot(ctx) == before


def test_permissions(ctx) -> None:
    cid = make_customer(ctx)
    oid = new_order(ctx, cid)
    ro = dataclasses.replace(ctx, role="read_only")
    before = _orders_snapshot(ctx)
    calls = [
        lambda: create_order(ro, order(cid)),
        lambda: update_order(ro, oid, order(cid), expected_version=1),
        lambda: confirm_order(ro, oid),
        lambda: cancel_order(ro, oid, "no"),
        lambda: record_shipment(ro, oid, d("2026-06-30"), "", {}),
        lambda: invoice_order(ro, oid, issue_date=d("2026-06-30")),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert _orders_snapshot(ctx) == before
    assert check_credit(ro, oid).reasons  # reading is open to every role (limit 0: blocked)


def test_update_draft_only_and_versioned(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("100000"))
    oid = new_order(ctx, cid)
    detail = get_order(ctx, oid)
    data = dataclasses.replace(order_input(detail), lines=[line(qty="2")], notes="急")
    update_order(ctx, oid, data, expected_version=detail.version)
    again = get_order(ctx, oid)
    assert again.total == m("226.00") and len(again.lines) == 1 and again.notes == "急"
    with pytest.raises(ConcurrentEditError):
        update_order(ctx, oid, data, expected_version=detail.version)
    confirm_order(ctx, oid)
    with pytest.raises(UserFacingError, match="only drafts"):
        update_order(ctx, oid, data, expected_version=get_order(ctx, oid).version)
    assert audit_count(ctx, "update_order") == 1


def test_credit_check_exposure(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("5000"))
    make_invoice(ctx, cid, "2026-06-01", "1000.00")  # open 1,000
    other = new_order(ctx, cid, line(qty="10", price="100", rate="0"))  # 1,000
    confirm_order(ctx, other)
    oid = new_order(ctx, cid, line(qty="20", price="100", rate="0"))  # 2,000
    result = check_credit(ctx, oid)
    assert result.outcome == "ok"
    assert result.exposure == m("4000.00") and result.headroom == m("1000.00")
    # Half of the other order invoiced: its rest still counts, the invoice is in the balance.
    record_shipment(ctx, other, d("2026-06-25"), "", {get_order(ctx, other).lines[0].id: Q(5)})
    invoice_order(ctx, other, issue_date=d("2026-06-26"))
    assert check_credit(ctx, oid).exposure == m("4000.00")
    # An unsaved order is checked the same way.
    typed = check_credit(ctx, order(cid, line(qty="31", price="100", rate="0")))
    assert typed.outcome == "blocked" and typed.exposure == m("5100.00")
    assert [r.code for r in typed.reasons] == ["over_limit"]


def test_credit_check_overdue_and_hold(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("100000"))
    make_invoice(ctx, cid, "2026-03-01", "100.00")  # due 03-31: 91 days overdue on 06-30
    oid = new_order(ctx, cid)
    result = check_credit(ctx, oid)
    assert [r.code for r in result.reasons] == ["overdue_too_long"]
    assert result.reasons[0].params == {"days": 91, "allowed": 60}
    detail = customer_detail(ctx, cid, d("2026-06-30"))
    held = dataclasses.replace(customer_input(detail), credit_hold=True)
    update_customer(ctx, cid, held, expected_version=detail.version)
    assert [r.code for r in check_credit(ctx, oid).reasons] == [
        "overdue_too_long",
        "on_credit_hold",
    ]


def test_zero_limit_blocks_any_order(ctx) -> None:
    cid = make_customer(ctx)  # credit limit 0
    result = check_credit(ctx, new_order(ctx, cid))
    assert [r.code for r in result.reasons] == ["over_limit"]


def test_confirm_blocked_needs_admin_and_reason(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("500"))
    oid = new_order(ctx, cid)  # 1,130.00 > 500
    with pytest.raises(UserFacingError, match="over the credit limit") as exc:
        confirm_order(ctx, oid)
    assert exc.value.code == "credit_blocked"
    bookkeeper = dataclasses.replace(ctx, role="bookkeeper")
    with pytest.raises(PermissionDenied):
        confirm_order(bookkeeper, oid, override_reason="老客户，总经理批准")
    assert audit_count(ctx, "permission_denied") == 1
    with pytest.raises(UserFacingError):
        confirm_order(ctx, oid, override_reason="   ")
    assert get_order(ctx, oid).status == "draft"
    result, changes = confirm_order(ctx, oid, override_reason="老客户，总经理批准")
    assert result.blocked and changes.orders == {oid}
    detail = get_order(ctx, oid)
    assert detail.status == "confirmed" and detail.override_by == "tester"
    assert detail.override_reason == "老客户，总经理批准"
    assert detail.credit_check["overridden"] is True
    assert detail.credit_check["reasons"][0]["code"] == "over_limit"
    after = json.loads(_audit_after(ctx, "confirm_order"))
    assert after["credit_override_reason"] == "老客户，总经理批准"
    assert audit_count(ctx, "confirm_order") == 1


def _audit_after(ctx, action):
    from sqlalchemy import select

    from desktop_ar.db.models import AuditEntry

    with reader(ctx) as s:
        return s.execute(select(AuditEntry.after).where(AuditEntry.action == action)).scalar_one()


def test_confirm_ok_stores_the_check(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("100000"))
    oid = new_order(ctx, cid)
    result, _ = confirm_order(ctx, oid, override_reason="not needed")
    assert result.outcome == "ok"
    detail = get_order(ctx, oid)
    assert detail.confirmed_by == "tester" and detail.override_by == ""
    assert detail.credit_check["outcome"] == "ok" and detail.credit_check["overridden"] is False
    with pytest.raises(UserFacingError, match="not a draft"):
        confirm_order(ctx, oid)


def test_cancel(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("100000"))
    oid = new_order(ctx, cid)
    with pytest.raises(UserFacingError):
        cancel_order(ctx, oid, " ")
    cancel_order(ctx, oid, "客户取消")
    assert get_order(ctx, oid).status == "cancelled"
    assert get_order(ctx, oid).cancel_reason == "客户取消"
    with pytest.raises(UserFacingError):
        cancel_order(ctx, oid, "again")
    invoiced = new_order(ctx, cid)
    confirm_order(ctx, invoiced)
    lid = get_order(ctx, invoiced).lines[0].id
    record_shipment(ctx, invoiced, d("2026-06-25"), "", {lid: Q(3)})
    invoice_order(ctx, invoiced, issue_date=d("2026-06-26"))
    with pytest.raises(UserFacingError, match="partly invoiced"):
        cancel_order(ctx, invoiced, "too late")
    assert audit_count(ctx, "cancel_order") == 1


def test_shipment_limits(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("100000"))
    oid = new_order(ctx, cid)
    lid = get_order(ctx, oid).lines[0].id
    with pytest.raises(UserFacingError, match="confirm it first"):
        record_shipment(ctx, oid, d("2026-06-25"), "", {lid: Q(1)})
    confirm_order(ctx, oid)
    for bad in (Q(11), Q(-1)):
        with pytest.raises(UserFacingError):
            record_shipment(ctx, oid, d("2026-06-25"), "", {lid: bad})
    with pytest.raises(UserFacingError):
        record_shipment(ctx, oid, d("2026-06-25"), "", {lid + 99: Q(1)})
    record_shipment(ctx, oid, d("2026-06-25"), "SF123", {lid: Q("4.50")})
    detail = get_order(ctx, oid)
    assert detail.lines[0].delivered == Q("4.5") and detail.shipment_ref == "SF123"
    assert detail.shipped_date == d("2026-06-25")
    invoice_order(ctx, oid, issue_date=d("2026-06-26"))
    with pytest.raises(UserFacingError, match=r"between 4\.5"):
        record_shipment(ctx, oid, d("2026-06-27"), "", {lid: Q(4)})  # below what is invoiced
    assert audit_count(ctx, "record_shipment") == 1


def test_partial_invoicing_twice_then_fully_invoiced(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("100000"))
    oid = new_order(ctx, cid, line(qty="3", price="33.33"), line(item="B", qty="1", price="0.05"))
    confirm_order(ctx, oid)
    a, b = (ln.id for ln in get_order(ctx, oid).lines)
    with pytest.raises(UserFacingError, match="nothing delivered"):
        invoice_order(ctx, oid, issue_date=d("2026-06-25"))
    record_shipment(ctx, oid, d("2026-06-25"), "", {a: Q(2), b: Q(1)})
    with pytest.raises(UserFacingError, match="only 2"):
        invoice_order(ctx, oid, issue_date=d("2026-06-25"), quantities={a: Q(3)})
    first, changes = invoice_order(ctx, oid, issue_date=d("2026-06-25"), quantities={a: Q(1)})
    assert changes.orders == {oid} and changes.invoices == {first}
    second, _ = invoice_order(ctx, oid, issue_date=d("2026-06-26"))  # the rest delivered
    assert get_order(ctx, oid).status == "confirmed"
    record_shipment(ctx, oid, d("2026-06-28"), "", {a: Q(3)})
    third, _ = invoice_order(ctx, oid, issue_date=d("2026-06-29"))
    detail = get_order(ctx, oid)
    assert detail.status == "invoiced"
    assert [ln.invoiced for ln in detail.lines] == [Q(3), Q(1)]
    total = sum(
        int(scalar(ctx, "SELECT amount_minor FROM invoices WHERE id = :i", i=i))
        for i in (first, second, third)
    )
    assert total == detail.total.minor  # the parts add up exactly to the order
    lines = row(ctx, "SELECT count(*), sum(net_minor) FROM invoice_lines")
    assert tuple(lines) == (4, detail.net.minor)
    assert scalar(ctx, "SELECT order_id FROM invoices WHERE id = :i", i=third) == oid
    with pytest.raises(UserFacingError, match="not confirmed"):
        invoice_order(ctx, oid, issue_date=d("2026-06-30"))
    assert audit_count(ctx, "invoice_order") == 3


def test_instalment_plan_is_the_schedule_when_invoiced_whole(ctx) -> None:
    cid = make_customer(ctx, credit_limit=m("100000"))
    plan = equal_instalment_plan(m("1130.00"), d("2026-07-31"), 3, every_months=1)
    assert [amount for _due, amount in plan] == [m("376.67"), m("376.67"), m("376.66")]
    assert [due for due, _ in plan] == [d("2026-07-31"), d("2026-08-31"), d("2026-09-30")]
    with pytest.raises(UserFacingError):
        equal_instalment_plan(m("1130.00"), d("2026-07-31"), 0)
    oid = new_order(ctx, cid, instalments=plan)
    assert get_order(ctx, oid).instalments == plan
    confirm_order(ctx, oid)
    lid = get_order(ctx, oid).lines[0].id
    record_shipment(ctx, oid, d("2026-06-25"), "", {lid: Q(10)})
    iid, _ = invoice_order(ctx, oid, issue_date=d("2026-06-30"))
    with reader(ctx) as s:
        sched = s.execute(
            text(
                "SELECT due_date, amount_minor FROM invoice_schedule_lines WHERE invoice_id = :i"
                " ORDER BY seq"
            ),
            {"i": iid},
        ).all()
    assert [tuple(r) for r in sched] == [
        ("2026-07-31", 37667),
        ("2026-08-31", 37667),
        ("2026-09-30", 37666),
    ]
    # Invoiced in parts, the order's terms apply instead.
    other = new_order(ctx, cid, instalments=plan)
    confirm_order(ctx, other)
    lid = get_order(ctx, other).lines[0].id
    record_shipment(ctx, other, d("2026-06-25"), "", {lid: Q(5)})
    part, _ = invoice_order(ctx, other, issue_date=d("2026-06-30"))
    assert (
        scalar(ctx, "SELECT count(*) FROM invoice_schedule_lines WHERE invoice_id = :i", i=part)
        == 1
    )
    assert scalar(ctx, "SELECT due_date FROM invoices WHERE id = :i", i=part) == "2026-07-30"


def test_work_lists(ctx) -> None:
    cid = make_customer(ctx, name="上海明远贸易有限公司", credit_limit=m("100000"))
    oid = new_order(ctx, cid, line(qty="10", price="100", rate="0.13"))
    confirm_order(ctx, oid)
    lid = get_order(ctx, oid).lines[0].id
    assert uninvoiced_deliveries(ctx) == []
    record_shipment(ctx, oid, d("2026-06-25"), "", {lid: Q(4)})
    (item,) = uninvoiced_deliveries(ctx)
    assert (item.order_id, item.line_id, item.delivered, item.invoiced) == (oid, lid, Q(4), Q(0))
    assert item.value == m("452.00")
    spec = ListSpec(status="uninvoiced")
    assert list(order_list.ids(ctx, spec, SortSpec("number"))) == [oid]
    iid, _ = invoice_order(ctx, oid, issue_date=d("2026-06-26"))
    assert uninvoiced_deliveries(ctx) == []
    assert list(order_list.ids(ctx, spec, SortSpec("number"))) == []
    plain = make_invoice(ctx, cid, "2026-06-01", "50.00")
    assert [p.invoice_id for p in invoices_without_fapiao(ctx)] == [plain, iid]
    set_fapiao(ctx, plain, "24000001", d("2026-06-02"))
    assert [p.invoice_id for p in invoices_without_fapiao(ctx)] == [iid]


def test_order_list_filters_and_rows(ctx) -> None:
    a = make_customer(ctx, name="上海明远贸易有限公司", credit_limit=m("100000"))
    b = make_customer(ctx, name="Acme Trading Ltd", credit_limit=m("100000"))
    o1 = new_order(ctx, a, contract_ref="HT-2026-0001")
    o2 = new_order(ctx, b, line(qty="1"))
    confirm_order(ctx, o2)
    by = lambda spec, key="number", desc=False: list(  # noqa: E731
        order_list.ids(ctx, spec, SortSpec(key, desc))
    )
    assert by(ListSpec()) == [o1, o2]
    assert by(ListSpec(text="HT-2026")) == [o1]
    assert by(ListSpec(text="shmy")) == [o1]  # pinyin initials of the customer
    assert by(ListSpec(text="acme")) == [o2]
    assert by(ListSpec(status="confirmed")) == [o2]
    assert by(ListSpec(status="draft")) == [o1]
    assert by(ListSpec(), "total", True) == [o1, o2]
    for key in order_list.sort_keys:
        assert sorted(by(ListSpec(), key)) == [o1, o2]
    assert order_list.count(ctx, ListSpec(status="cancelled")) == 0
    rows = order_list.rows(ctx, [o2, o1], d("2026-06-30"))
    assert [r.id for r in rows] == [o2, o1]
    assert rows[1].total == m("1130.00") and rows[1].uninvoiced == m("1130.00")
    assert rows[0].customer_code and rows[0].status == "confirmed"
    count, first = order_list.first_page(ctx, ListSpec(text="明远"), SortSpec("number"), 10)
    assert (count, list(first)) == (1, [o1])
