from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services.check import check_book
from desktop_ar.services.customers import set_customer_status
from desktop_ar.services.invoicing import (
    InvoiceInput,
    create_credit_note,
    create_invoice,
    invoice_order,
    set_dispute,
    set_fapiao,
    void_invoice,
)
from desktop_ar.services.orders import (
    OrderInput,
    OrderLineInput,
    confirm_order,
    create_order,
    get_order,
    record_shipment,
)
from desktop_ar.services.payments import apply_credit_note
from desktop_ar.services.uow import reader
from tests.services.helpers import (
    audit_count,
    d,
    invoice_state,
    m,
    make_customer,
    make_invoice,
    pay,
    row,
    scalar,
    signature,
)


def _lines(ctx, invoice_id):
    with reader(ctx) as s:
        q = "SELECT seq, due_date, amount_minor, open_minor FROM invoice_schedule_lines"
        q += " WHERE invoice_id = :i ORDER BY seq"
        return [tuple(r) for r in s.execute(text(q), {"i": invoice_id})]


def test_invoice_with_customer_terms(ctx) -> None:
    cid = make_customer(ctx, payment_terms="EOM30")
    iid, changes = create_invoice(
        ctx, InvoiceInput(cid, d("2026-01-15"), m("1000.00"), tax=m("130.00"))
    )
    assert changes.invoices == {iid} and changes.customers == {cid}
    number, due, terms, amount, open_, status = row(
        ctx,
        "SELECT number, due_date, payment_terms, amount_minor, open_minor, status"
        " FROM invoices WHERE id = :i",
        i=iid,
    )
    assert number == "INV-000001"
    assert (str(due), terms, amount, open_, status) == (
        "2026-03-02",
        "EOM30",
        113000,
        113000,
        "open",
    )
    assert _lines(ctx, iid) == [(1, "2026-03-02", 113000, 113000)]
    assert audit_count(ctx, "create_invoice") == 1


def test_split_terms_make_a_schedule_that_adds_up(ctx) -> None:
    cid = make_customer(ctx)
    iid = make_invoice(ctx, cid, "2026-01-01", "1000.01", terms="30%NET30+50%NET60+20%NET90")
    lines = _lines(ctx, iid)
    assert [ln[1] for ln in lines] == ["2026-01-31", "2026-03-02", "2026-04-01"]
    assert sum(ln[2] for ln in lines) == 100001
    assert scalar(ctx, "SELECT due_date FROM invoices WHERE id = :i", i=iid) == "2026-04-01"


def test_custom_instalments(ctx) -> None:
    cid = make_customer(ctx)
    sched = [("2026-02-01", "300.00"), ("2026-03-01", "700.00")]
    iid = make_invoice(ctx, cid, "2026-01-01", "1000.00", schedule=sched)
    assert [ln[2] for ln in _lines(ctx, iid)] == [30000, 70000]
    with pytest.raises(UserFacingError) as exc:
        make_invoice(ctx, cid, "2026-01-01", "1000.00", schedule=[("2026-02-01", "999.00")])
    assert exc.value.code == "invalid"
    with pytest.raises(UserFacingError):
        make_invoice(ctx, cid, "2026-03-01", "10.00", schedule=[("2026-02-01", "10.00")])


def test_tiny_amount_on_split_terms_has_no_zero_lines(ctx) -> None:
    cid = make_customer(ctx)
    iid = make_invoice(ctx, cid, "2026-01-01", "0.01", terms="30%NET30+50%NET60+20%NET90")
    assert [ln[2] for ln in _lines(ctx, iid)] == [1]
    assert check_book(ctx).ok


def test_invalid_invoices_write_nothing(ctx) -> None:
    cid = make_customer(ctx)
    make_invoice(ctx, cid, "2026-01-01", "1.00", number="X-1")
    before = signature(ctx), audit_count(ctx)
    cases = [
        ({"number": "X-1"}, "duplicate"),
        ({"terms": "NET-5"}, "bad_terms"),
        ({"amount": "0.00"}, "invalid"),
        ({"amount": "-1.00"}, "invalid"),
    ]
    for kwargs, code in cases:
        amount = kwargs.pop("amount", "5.00")
        with pytest.raises(UserFacingError) as exc:
            make_invoice(ctx, cid, "2026-01-01", amount, **kwargs)
        assert exc.value.code == code
    with pytest.raises(UserFacingError):
        create_invoice(ctx, InvoiceInput(cid, d("2026-01-01"), m("1"), exchange_rate=Decimal("0")))
    with pytest.raises(UserFacingError):
        create_invoice(ctx, InvoiceInput(cid, d("2026-01-01"), m("1"), tax=m("1", "USD")))
    set_customer_status(ctx, cid, "inactive")
    before = signature(ctx), audit_count(ctx)
    with pytest.raises(UserFacingError) as exc:
        make_invoice(ctx, cid, "2026-01-01", "5.00")
    assert exc.value.params["field"] == "customer"
    assert (signature(ctx), audit_count(ctx)) == before


def test_void_only_without_allocations(ctx) -> None:
    cid = make_customer(ctx)
    paid = make_invoice(ctx, cid, "2026-01-01", "100.00")
    other = make_invoice(ctx, cid, "2026-02-01", "100.00")
    pay(ctx, cid, "2026-02-10", "10.00")
    with pytest.raises(UserFacingError) as exc:
        void_invoice(ctx, paid, "typo")
    assert exc.value.code == "has_allocations"
    with pytest.raises(UserFacingError):
        void_invoice(ctx, other, "  ")
    void_invoice(ctx, other, "duplicate of INV-000001")
    assert invoice_state(ctx, other) == (0, "void")
    assert (
        scalar(
            ctx, "SELECT SUM(open_minor) FROM invoice_schedule_lines WHERE invoice_id=:i", i=other
        )
        == 0
    )
    with pytest.raises(UserFacingError):
        void_invoice(ctx, other, "again")
    # A void invoice takes no money.
    result = pay(ctx, cid, "2026-03-01", "500.00")
    assert result.allocated == m("90.00")
    assert check_book(ctx).ok


def test_credit_note_against_invoice_is_applied_at_once(ctx) -> None:
    cid = make_customer(ctx)
    iid = make_invoice(ctx, cid, "2026-01-01", "1000.00", terms="50%NET30+50%NET60")
    note_id, changes = create_credit_note(
        ctx, cid, m("600.00"), d("2026-01-10"), "returned goods", invoice_id=iid
    )
    assert changes.credit_notes == {note_id} and iid in changes.invoices
    assert invoice_state(ctx, iid) == (40000, "partial")
    assert [ln[3] for ln in _lines(ctx, iid)] == [0, 40000]
    number, unalloc, status = row(
        ctx, "SELECT number, unallocated_minor, status FROM credit_notes WHERE id = :i", i=note_id
    )
    assert (number, unalloc, status) == ("CN-000001", 0, "applied")
    # A credit larger than what is open leaves the rest as credit.
    big, _ = create_credit_note(ctx, cid, m("500.00"), d("2026-01-11"), "price", invoice_id=iid)
    assert invoice_state(ctx, iid) == (0, "paid")
    assert scalar(ctx, "SELECT unallocated_minor FROM credit_notes WHERE id=:i", i=big) == 10000
    assert check_book(ctx).ok


def test_standalone_credit_note_then_applied(ctx) -> None:
    cid = make_customer(ctx)
    first = make_invoice(ctx, cid, "2026-01-01", "100.00")
    second = make_invoice(ctx, cid, "2026-02-01", "100.00")
    note_id, _ = create_credit_note(ctx, cid, m("150.00"), d("2026-03-01"), "rebate")
    assert scalar(ctx, "SELECT unallocated_minor FROM credit_notes WHERE id=:i", i=note_id) == 15000
    assert invoice_state(ctx, first) == (10000, "open")
    apply_credit_note(ctx, note_id)
    assert invoice_state(ctx, first) == (0, "paid")
    assert invoice_state(ctx, second) == (5000, "partial")
    assert scalar(ctx, "SELECT status FROM credit_notes WHERE id=:i", i=note_id) == "applied"
    with pytest.raises(UserFacingError):
        apply_credit_note(ctx, note_id)
    assert check_book(ctx).ok


def test_credit_note_against_someone_elses_invoice_is_refused(ctx) -> None:
    a = make_customer(ctx)
    b = make_customer(ctx, "Other Co")
    iid = make_invoice(ctx, a, "2026-01-01", "100.00")
    with pytest.raises(UserFacingError):
        create_credit_note(ctx, b, m("1.00"), d("2026-01-02"), "x", invoice_id=iid)
    with pytest.raises(UserFacingError):
        create_credit_note(ctx, a, m("1.00", "USD"), d("2026-01-02"), "x", invoice_id=iid)
    with pytest.raises(UserFacingError):
        create_credit_note(ctx, a, m("0.00"), d("2026-01-02"), "x")


def test_fapiao_and_dispute(ctx) -> None:
    cid = make_customer(ctx)
    old = make_invoice(ctx, cid, "2026-01-01", "100.00")
    new = make_invoice(ctx, cid, "2026-02-01", "100.00")
    set_fapiao(ctx, old, "04400123", d("2026-01-03"))
    issued, number, when = row(
        ctx, "SELECT fapiao_issued, fapiao_number, fapiao_date FROM invoices WHERE id=:i", i=old
    )
    assert (issued, number, when) == (1, "04400123", "2026-01-03")
    set_fapiao(ctx, old, "", None)
    assert row(ctx, "SELECT fapiao_issued, fapiao_date FROM invoices WHERE id=:i", i=old) == (
        0,
        None,
    )
    set_dispute(ctx, old, True, "quality complaint")
    assert row(ctx, "SELECT disputed, overdue_reason FROM invoices WHERE id=:i", i=old) == (
        1,
        "quality complaint",
    )
    # Oldest-first skips the disputed invoice.
    pay(ctx, cid, "2026-03-01", "100.00")
    assert invoice_state(ctx, old) == (10000, "open")
    assert invoice_state(ctx, new) == (0, "paid")
    set_dispute(ctx, old, False, "")
    assert scalar(ctx, "SELECT disputed FROM invoices WHERE id=:i", i=old) == 0
    assert audit_count(ctx, "set_dispute") == 2
    assert audit_count(ctx, "set_fapiao") == 2


def test_voiding_an_order_invoice_gives_the_quantities_back(ctx) -> None:
    def line(item: str, qty: str) -> OrderLineInput:
        q = Decimal(qty)
        return OrderLineInput(item=item, quantity=q, unit_price=m("10.00"), tax_rate=Decimal(0))

    cid = make_customer(ctx, credit_limit=m("100000"))
    data = OrderInput(
        customer_id=cid, order_date=d("2026-06-20"), lines=[line("A", "3"), line("B", "2")]
    )
    oid, _ = create_order(ctx, data)
    confirm_order(ctx, oid)
    a, b = (ln.id for ln in get_order(ctx, oid).lines)
    record_shipment(ctx, oid, d("2026-06-25"), "", {a: Decimal(3), b: Decimal(2)})
    first, _ = invoice_order(ctx, oid, issue_date=d("2026-06-25"), quantities={a: Decimal(1)})
    second, _ = invoice_order(ctx, oid, issue_date=d("2026-06-26"))  # the rest: 2 A, 2 B
    assert get_order(ctx, oid).status == "invoiced"
    audits = audit_count(ctx)

    changes = void_invoice(ctx, second, "wrong price")
    detail = get_order(ctx, oid)
    assert [ln.invoiced for ln in detail.lines] == [Decimal(1), Decimal(0)]
    assert detail.status == "confirmed"
    assert changes.orders == {oid} and changes.invoices == {second}
    assert audit_count(ctx) == audits + 1
    after = row(ctx, "SELECT before, after FROM audit_log WHERE action = 'void_invoice'")
    assert '"order_status": "invoiced"' in after[0] and '"order_status": "confirmed"' in after[1]
    assert '"order_invoiced": {"1": "1", "2": "0"}' in after[1]
    # The rest can be invoiced again, and the parts still add up to the order.
    again, _ = invoice_order(ctx, oid, issue_date=d("2026-06-27"))
    assert get_order(ctx, oid).status == "invoiced"
    total = sum(
        int(scalar(ctx, "SELECT amount_minor FROM invoices WHERE id = :i", i=i))
        for i in (first, again)
    )
    assert total == get_order(ctx, oid).total.minor
    void_invoice(ctx, first, "typo")  # a partly invoiced order stays confirmed
    detail = get_order(ctx, oid)
    assert detail.status == "confirmed" and [ln.invoiced for ln in detail.lines] == [2, 2]
    assert check_book(ctx).ok
