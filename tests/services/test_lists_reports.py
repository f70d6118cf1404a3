"""Lists (filter/sort/page in SQL) and aging as of any date, on a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_ar.domain.aging import Buckets
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services import lists, reports
from desktop_ar.services.exports import aging_to_dict
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.services.overdue_reasons import set_overdue_reason
from tests.services.helpers import d, m, make_customer, make_invoice, pay, scalar

AS_OF = date(2026, 6, 30)


@pytest.fixture
def book(ctx):
    """Two customers with a few invoices and payments.

    | customer            | invoice  | issued     | amount  | terms | paid                 |
    | 上海明远贸易有限公司 | INV-A1   | 2026-01-10 | 1000.00 | NET30 | 400.00 on 2026-03-01 |
    | 上海明远贸易有限公司 | INV-A2   | 2026-06-01 | 500.00  | NET30 | –                    |
    | Northwind Traders   | INV-B1   | 2026-04-01 | 300.00  | NET30 | 300.00 + 50 over     |
    | Northwind Traders   | INV-B2   | 2026-07-15 | 999.00  | NET30 | (after as-of)        |
    """
    a = make_customer(ctx, "上海明远贸易有限公司", credit_limit=m("1000.00"))
    b = make_customer(ctx, "Northwind Traders")
    make_invoice(ctx, a, "2026-01-10", "1000.00", number="INV-A1")
    make_invoice(ctx, a, "2026-06-01", "500.00", number="INV-A2")
    make_invoice(ctx, b, "2026-04-01", "300.00", number="INV-B1")
    make_invoice(ctx, b, "2026-07-15", "999.00", number="INV-B2")
    pay(ctx, a, "2026-03-01", "400.00")
    pay(ctx, b, "2026-05-01", "350.00", reference="INV-B1", allocate="reference")
    pay(ctx, None, "2026-05-02", "88.00")
    return ctx, a, b


def _all_ids(source, ctx, spec, sort):
    return list(source.ids(ctx, spec, sort))


def test_customer_filter_matches_name_code_and_pinyin(book) -> None:
    ctx, a, b = book
    for text, expected in (("shmy", [a]), ("明远", [a]), ("north", [b]), ("NORTH", [b])):
        spec = ListSpec(text=text, as_of=AS_OF)
        assert _all_ids(lists.customers, ctx, spec, SortSpec("code")) == expected
        assert lists.customers.count(ctx, spec) == len(expected)


def test_customer_rows_show_balance_and_overdue(book) -> None:
    ctx, a, b = book
    rows = {r.id: r for r in lists.customers.rows(ctx, [a, b], AS_OF)}
    assert rows[a].balance == m("1100.00")  # 600 left on A1 + 500 on A2
    assert rows[a].overdue == m("600.00")  # A2 is due 2026-07-01, not yet overdue
    # B1 paid, B2 issued after as-of is still on the books today: balance counts it,
    # the 50.00 overpayment is customer credit.
    assert rows[b].balance == m("949.00")
    assert rows[b].overdue == m("0.00")


def test_customer_sort_by_balance_and_status_filters(book) -> None:
    ctx, a, b = book
    assert _all_ids(lists.customers, ctx, ListSpec(as_of=AS_OF), SortSpec("balance", True)) == [
        a,
        b,
    ]
    overdue = ListSpec(status="overdue", as_of=AS_OF)
    assert _all_ids(lists.customers, ctx, overdue, SortSpec("code")) == [a]
    with pytest.raises(UserFacingError):
        lists.customers.count(ctx, ListSpec(status="bogus"))
    with pytest.raises(UserFacingError):
        lists.customers.ids(ctx, ListSpec(), SortSpec("bogus"))


def test_invoice_filters_sorts_and_pages(book) -> None:
    ctx, a, _b = book
    spec = ListSpec(as_of=AS_OF)
    by_amount = _all_ids(lists.invoices, ctx, spec, SortSpec("amount", descending=True))
    rows = lists.invoices.rows(ctx, by_amount, AS_OF)
    assert [r.number for r in rows] == ["INV-A1", "INV-B2", "INV-A2", "INV-B1"]
    # paging gives the same order as one query
    paged = list(lists.invoices.ids(ctx, spec, SortSpec("amount", True), 0, 2))
    paged += list(lists.invoices.ids(ctx, spec, SortSpec("amount", True), 2, None))
    assert paged == by_amount
    shmy = ListSpec(text="shmy", as_of=AS_OF)
    assert {
        r.number
        for r in lists.invoices.rows(
            ctx, _all_ids(lists.invoices, ctx, shmy, SortSpec("number")), AS_OF
        )
    } == {"INV-A1", "INV-A2"}
    by_number = ListSpec(text="b1", as_of=AS_OF)
    assert lists.invoices.count(ctx, by_number) == 1
    overdue = ListSpec(status="overdue", as_of=AS_OF)
    [row] = lists.invoices.rows(
        ctx, _all_ids(lists.invoices, ctx, overdue, SortSpec("number")), AS_OF
    )
    assert row.number == "INV-A1"
    assert row.days_overdue == (AS_OF - d("2026-02-09")).days
    assert row.open == m("600.00")
    assert lists.invoices.count(ctx, ListSpec(status="paid")) == 1
    assert lists.invoices.count(ctx, ListSpec(customer_id=a)) == 2


def test_rows_keep_the_order_of_ids_and_skip_missing(book) -> None:
    ctx, _a, _b = book
    ids = _all_ids(lists.invoices, ctx, ListSpec(), SortSpec("number"))
    reordered = [*reversed(ids), 999999]
    assert [r.id for r in lists.invoices.rows(ctx, reordered, AS_OF)] == list(reversed(ids))


def test_payments_list_statuses(book) -> None:
    ctx, _a, _b = book
    assert lists.payments.count(ctx, ListSpec()) == 3
    unidentified = _all_ids(
        lists.payments, ctx, ListSpec(status="unidentified"), SortSpec("payment_date")
    )
    [row] = lists.payments.rows(ctx, unidentified, AS_OF)
    assert row.customer_id is None and row.amount == m("88.00")
    assert lists.payments.count(ctx, ListSpec(status="unallocated")) == 2  # 50 over + 88


def test_aging_by_customer_current(book) -> None:
    ctx, a, b = book
    report = reports.aging(ctx, as_of=AS_OF)
    assert report.buckets == ["current", "1-30", "31-60", "61-90", "90+"]
    [cny] = report.currencies
    rows = {(r.customer_id, r.kind): r for r in cny.by_customer}
    # A1: 600 open, due 2026-02-09 → 141 days → 90+; A2: due 2026-07-01 → current.
    assert rows[(a, "invoice")].amounts == [m("500.00"), m("0"), m("0"), m("0"), m("600.00")]
    # B2 is dated after the as-of date: it does not count. B's 50.00 credit is its own row.
    assert (b, "invoice") not in rows
    assert rows[(b, "unallocated_payment")].total == m("-50.00")
    assert cny.total == m("1050.00")
    assert sum((t.minor for t in cny.totals), 0) == cny.total.minor


def test_aging_before_a_payment_recomputes_from_allocations(book) -> None:
    ctx, a, _b = book
    report = reports.aging(ctx, as_of=date(2026, 2, 28))
    [cny] = report.currencies
    [row] = [r for r in cny.by_customer if r.customer_id == a]
    assert row.total == m("1000.00")  # the 400.00 payment of 2026-03-01 had not arrived
    assert row.amounts[1] == m("1000.00")  # 19 days past due → 1-30


def test_aging_buckets_basis_and_customer_filter(book) -> None:
    ctx, a, _b = book
    report = reports.aging(
        ctx, as_of=AS_OF, buckets=Buckets.parse("15,45"), basis="invoice", customer_id=a
    )
    [cny] = report.currencies
    assert report.buckets == Buckets.parse("15,45").labels
    items = {r.document_number: r for r in cny.by_item}
    assert set(items) == {"INV-A1", "INV-A2"}
    # by invoice date: A2 issued 2026-06-01 → 29 days → 16-45
    assert items["INV-A2"].amounts[2] == m("500.00")
    with pytest.raises(UserFacingError):
        reports.aging(ctx, as_of=AS_OF, basis="weekly")


@pytest.mark.parametrize("as_of", [date(2026, 2, 28), date(2026, 5, 1), AS_OF, date(2026, 8, 1)])
@pytest.mark.parametrize("basis", ["due", "invoice"])
def test_summed_aging_equals_item_aging(book, as_of, basis) -> None:
    """The fast SQL-summed path gives exactly the by-customer rows of the per-item path."""
    ctx, _a, _b = book
    fast = reports.aging(ctx, as_of=as_of, basis=basis)
    slow = reports.aging(ctx, as_of=as_of, basis=basis, detail=True)
    assert [c.currency for c in fast.currencies] == [c.currency for c in slow.currencies]
    for f, s in zip(fast.currencies, slow.currencies, strict=True):
        assert f.totals == s.totals
        assert [(r.customer_id, r.kind, r.amounts) for r in f.by_customer] == [
            (r.customer_id, r.kind, r.amounts) for r in s.by_customer
        ]
    assert fast.base_totals == slow.base_totals


@pytest.mark.parametrize("as_of", [AS_OF, date(2026, 2, 28)])  # maintained and recomputed
def test_aging_items_carry_the_overdue_reason_and_measure(book, as_of) -> None:
    ctx, _a, _b = book
    a1 = scalar(ctx, "SELECT id FROM invoices WHERE number = 'INV-A1'")
    set_overdue_reason(ctx, a1, "funds_tight", "cash flow", measure="instalment_plan")
    report = reports.aging(ctx, as_of=as_of, detail=True)
    [cny] = report.currencies
    rows = {(r.kind, r.document_number): r for r in cny.by_item}
    a1_row = rows[("invoice", "INV-A1")]
    assert (a1_row.overdue_reason, a1_row.measure) == ("funds_tight", "instalment_plan")
    others = [r for key, r in rows.items() if key != ("invoice", "INV-A1")]
    assert all(r.overdue_reason is None and r.measure is None for r in others)
    assert all(r.overdue_reason is None for r in cny.by_customer)
    by_invoice = {
        r["invoice_number"]: r for r in aging_to_dict(report, by="invoice")["currencies"][0]["rows"]
    }
    assert by_invoice["INV-A1"]["overdue_reason"] == "funds_tight"
    assert by_invoice["INV-A1"]["agreed_measure"] == "instalment_plan"
    assert all(
        r["overdue_reason"] is None and r["agreed_measure"] is None
        for n, r in by_invoice.items()
        if n != "INV-A1"
    )
    by_customer = aging_to_dict(report, by="customer")["currencies"][0]["rows"]
    assert not any("overdue_reason" in r or "agreed_measure" in r for r in by_customer)
