"""Bulk import writes are exactly what the one-row services write, ids and audit rows included.

Each test imports one sheet twice, into two copies of the same book: once through the kind's
bulk ``write`` and once row by row through ``write_one`` (``insert_invoice`` /
``insert_payment``), then compares every table cell by cell as stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_ar.db.models import Customer
from desktop_ar.domain.errors import Cancelled
from desktop_ar.domain.money import Money
from desktop_ar.services.book import open_book
from desktop_ar.services.context import FixedClock, ServiceContext
from desktop_ar.services.import_kinds import HANDLERS, KindImport
from desktop_ar.services.imports import commit_import, plan_import
from desktop_ar.services.invoicing import set_dispute, set_fapiao, void_invoice
from desktop_ar.services.orders import OrderInput, OrderLineInput, create_order
from desktop_ar.services.progress import CallbackProgress
from desktop_ar.services.uow import reader
from tests.services.helpers import make_customer, make_invoice, pay, row, scalar
from tests.services.test_imports import xlsx

AS_OF = date(2026, 6, 30)


def _twin(ctx: ServiceContext, tmp_path: Path) -> ServiceContext:
    """A second book holding a copy of ``ctx``'s database as it is now."""
    path = tmp_path / "twin.db"
    source = ctx.engine.url.database
    assert source is not None
    with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    return open_book(path, user=ctx.user, clock=FixedClock(AS_OF))


def _dump(ctx: ServiceContext) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as stored."""
    source = ctx.engine.url.database
    assert source is not None
    with sqlite3.connect(source) as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


@pytest.fixture
def one_by_one(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Call with a kind to make its import write row by row through ``write_one``."""

    def patch(kind: str) -> None:
        monkeypatch.setattr(HANDLERS[kind], "write", classmethod(KindImport.write.__func__))  # type: ignore[attr-defined]

    yield patch


def _both_ways(
    ctx: ServiceContext, tmp_path: Path, path: Path, kind: str, one_by_one: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Import ``path`` in bulk into ``ctx`` and row by row into a twin; both dumps."""
    twin = _twin(ctx, tmp_path)
    try:
        plan = plan_import(ctx, path, kind)
        assert not plan.errors, plan.errors[:3]
        commit_import(ctx, plan)
        one_by_one(kind)
        plan = plan_import(twin, path, kind)
        commit_import(twin, plan)
        return _dump(ctx), _dump(twin)
    finally:
        twin.engine.dispose()


def _assert_same(bulk: dict[str, Any], single: dict[str, Any]) -> None:
    assert bulk.keys() == single.keys()
    for table, rows in bulk.items():
        assert len(rows) == len(single[table]), table
        for a, b in zip(rows, single[table], strict=True):
            assert a == b, (table, a, b)


def _book(ctx: ServiceContext) -> dict[str, int]:
    """Customers with terms of every shape, and a USD customer."""
    return {
        "C001": make_customer(ctx, "上海甲公司", code="C001", payment_terms="NET30"),
        "C002": make_customer(ctx, "北京乙公司", code="C002", payment_terms="30%NET30+70%NET60"),
        "C003": make_customer(ctx, "Acme Ltd", code="C003", payment_terms="NET30 2%10D"),
        "C004": make_customer(ctx, "US Buyer", code="C004", currency="USD", payment_terms="EOM30"),
    }


INVOICE_HEADERS = ["发票号", "客户", "开票日期", "到期日", "币种", "价税合计", "税额", "付款条件",
                   "税票号码", "税票日期", "订单号", "备注"]  # fmt: skip


def test_invoices_bulk_equals_insert_invoice(ctx: Any, tmp_path: Path, one_by_one: Any) -> None:
    ids = _book(ctx)
    line = OrderLineInput(item="货物", quantity=Decimal(2), unit_price=Money.of("50", "CNY"))
    order = OrderInput(customer_id=ids["C001"], order_date=date(2026, 1, 5), lines=[line])
    order_id = create_order(ctx, order)[0]
    order_number = scalar(ctx, "SELECT number FROM orders WHERE id = :i", i=order_id)
    rows = [
        ["INV-1", "C001", date(2026, 1, 10), None, None, "¥1,130.00", 130, None, None, None,
         None, "first"],
        ["INV-2", "北京乙公司", "2026/2/1", None, None, 2000, None, None, "44001234",
         date(2026, 2, 3), None, 'quote " and 中文'],
        ["INV-3", "acme ltd", date(2026, 3, 1), date(2026, 4, 15), None, 500.5, None, None,
         "44001235", None, None, None],
        ["INV-4", "C003", "2026年3月2日", None, None, 999.99, 99.99, "net60", None, None,
         None, None],
        ["INV-5", "C004", date(2026, 3, 3), None, "USD", 120, None, "NET15", None, None, None,
         "usd"],
        ["INV-6", "C001", date(2026, 3, 4), None, None, 100, None, None, None, None,
         order_number, "linked"],
    ]  # fmt: skip
    path = xlsx(tmp_path / "inv.xlsx", INVOICE_HEADERS, rows, title="发票清单")
    bulk, single = _both_ways(ctx, tmp_path, path, "invoices", one_by_one)
    _assert_same(bulk, single)
    assert len(bulk["invoices"]) == 6 and len(bulk["invoice_schedule_lines"]) == 7


PAYMENT_HEADERS = ["收款日期", "客户", "金额", "收款方式", "摘要", "付款人", "发票号"]


def _payments_book(ctx: ServiceContext) -> dict[str, int]:
    ids = _book(ctx)
    c1, c2, c3 = ids["C001"], ids["C002"], ids["C003"]
    make_invoice(ctx, c1, "2026-01-05", "100", number="A-1")
    make_invoice(ctx, c1, "2026-01-20", "200", number="A-2")
    make_invoice(ctx, c1, "2026-02-10", "300", number="A-3")
    disputed = make_invoice(ctx, c1, "2026-01-01", "50", number="A-D")
    set_dispute(ctx, disputed, True, "quality")
    void = make_invoice(ctx, c1, "2026-01-02", "70", number="A-V")
    void_invoice(ctx, void, "typo")
    make_invoice(ctx, c2, "2026-01-15", "1000", number="B-1", terms="30%NET30+70%NET60")
    make_invoice(ctx, c2, "2026-03-01", "400", number="B-2", terms="30%NET30+70%NET60")
    make_invoice(ctx, c3, "2026-05-01", "500", number="C-1", terms="NET30 2%10D")
    make_invoice(ctx, ids["C004"], "2026-04-01", "80", number="U-1", currency="USD")
    pay(ctx, c1, "2026-06-01", "10", reference="ref-dup", allocate="none")
    return ids


def test_payments_bulk_equals_insert_payment(ctx: Any, tmp_path: Path, one_by_one: Any) -> None:
    _payments_book(ctx)
    rows = [
        [date(2026, 6, 1), "C001", 10, "转账", "ref-dup", "甲", None],  # duplicate of a receipt
        [date(2026, 6, 1), "C001", 10, "转账", "REF-DUP", "甲", None],  # …and of the row above
        ["2026/6/2", "C001", "¥150.00", "电汇", "", "", "A-3"],  # short, by number
        [date(2026, 6, 3), "C001", 60, "现金", "pay A-2 please", "", "A-D A-2"],  # disputed
        [date(2026, 6, 4), "C001", 500, "网银", "", "", None],  # oldest first, overpays
        [date(2026, 6, 5), "C001", 5, "网银", "", "", None],  # nothing open: overpayment
        [date(2026, 6, 6), "C002", 350, "支票", "for B-1", "乙", None],  # lines of split terms
        [date(2026, 6, 7), "C002", "1,050.00", "转账", "", "", "B-2 B-1"],
        [date(2026, 5, 5), "C003", 490, "转账", "", "", "C-1"],  # took the discount: short
        [date(2026, 6, 8), "C004", 80, "转账", "", "", None],  # USD customer, CNY receipt
        [date(2026, 6, 9), "C003", 10, "转账", "C-1 rest", "", None],
    ]
    path = xlsx(tmp_path / "pay.xlsx", PAYMENT_HEADERS, rows, title="收款")
    bulk, single = _both_ways(ctx, tmp_path, path, "payments", one_by_one)
    _assert_same(bulk, single)
    kinds = {r[1] for r in bulk["payment_exceptions"]}
    assert {"duplicate", "short_payment", "overpayment", "disputed_invoice"} <= kinds


def _many(tmp_path: Path, ctx: ServiceContext, count: int) -> Path:
    make_customer(ctx, "上海甲公司", code="C001")
    rows = [[f"N-{i:05d}", "C001", date(2026, 1, 1), 100 + i] for i in range(count)]
    return xlsx(tmp_path / "many.xlsx", ["发票号", "客户", "开票日期", "金额"], rows)


def test_bulk_invoices_report_progress_and_cancel_leaves_nothing(ctx: Any, tmp_path: Path) -> None:
    plan = plan_import(ctx, _many(tmp_path, ctx, 2_500), "invoices")
    seen: list[int] = []
    before = _dump(ctx)

    def on_progress(done: int, total: int, text: str) -> None:
        seen.append(done)
        if done >= 2_000:
            progress.cancel()

    progress = CallbackProgress(on_progress)
    with pytest.raises(Cancelled):
        commit_import(ctx, plan, progress=progress)
    assert seen == [1_000, 2_000]
    assert _dump(ctx) == before

    seen.clear()
    result = commit_import(ctx, plan, progress=CallbackProgress(lambda d, t, _: seen.append(d)))
    assert result.created == 2_500 and seen == [1_000, 2_000, 2_500, 2_500]


def test_bulk_payments_cancel_leaves_nothing(ctx: Any, tmp_path: Path) -> None:
    commit_import(ctx, plan_import(ctx, _many(tmp_path, ctx, 1_500), "invoices"))
    rows = [[date(2026, 6, 1), "C001", 50, "转账", f"r{i}", "", None] for i in range(1_500)]
    plan = plan_import(ctx, xlsx(tmp_path / "p.xlsx", PAYMENT_HEADERS, rows), "payments")
    before = _dump(ctx)
    progress = CallbackProgress(lambda done, total, text: progress.cancel())
    with pytest.raises(Cancelled):
        commit_import(ctx, plan, progress=progress)
    assert _dump(ctx) == before


def ids_of(ctx: ServiceContext) -> dict[str, int]:
    with reader(ctx) as s:
        return {code: cid for code, cid in s.execute(select(Customer.code, Customer.id))}


def _invoice_sheet(tmp_path: Path, rows: list[list[Any]]) -> Path:
    headers = ["发票号", "客户", "开票日期", "金额", "税票号码", "税票日期", "订单号", "备注"]
    return xlsx(tmp_path / "fields.xlsx", headers, rows)


def test_fapiao_number_and_date_stored_as_issued(ctx: Any, tmp_path: Path) -> None:
    make_customer(ctx, "上海甲公司", code="C001")
    rows = [
        ["F-1", "C001", date(2026, 3, 1), 100, "44001234", date(2026, 3, 5), None, "a"],
        ["F-2", "C001", date(2026, 3, 2), 100, "44001235", None, None, "b"],
        ["F-3", "C001", date(2026, 3, 3), 100, None, None, None, "c"],
    ]
    plan = plan_import(ctx, _invoice_sheet(tmp_path, rows), "invoices")
    commit_import(ctx, plan)
    got = _dump(ctx)["invoices"]
    stored = {
        r[1]: (
            scalar(ctx, "SELECT fapiao_issued FROM invoices WHERE number = :n", n=r[1]),
            scalar(ctx, "SELECT fapiao_number FROM invoices WHERE number = :n", n=r[1]),
            scalar(ctx, "SELECT fapiao_date FROM invoices WHERE number = :n", n=r[1]),
        )
        for r in got
    }
    assert stored == {
        "F-1": (1, "44001234", "2026-03-05"),
        "F-2": (1, "44001235", "2026-03-02"),  # no fapiao date: the issue date
        "F-3": (0, "", None),
    }
    fapiaos = "SELECT count(*) FROM audit_log WHERE entity = 'invoice' AND action = 'set_fapiao'"
    assert scalar(ctx, fapiaos) == 2
    # The same audit row as recording the fapiao in the invoice dialog.
    typed = make_invoice(ctx, ids_of(ctx)["C001"], "2026-03-01", "100", number="F-9")
    set_fapiao(ctx, typed, "44001234", date(2026, 3, 5))
    query = "SELECT before, after FROM audit_log WHERE action = 'set_fapiao' AND entity_id = :i"
    imported = scalar(ctx, "SELECT id FROM invoices WHERE number = 'F-1'")
    assert row(ctx, query, i=str(typed)) == row(ctx, query, i=str(imported))


def test_fapiao_date_without_number_is_a_problem(ctx: Any, tmp_path: Path) -> None:
    make_customer(ctx, "上海甲公司", code="C001")
    rows = [["F-1", "C001", date(2026, 3, 1), 100, None, date(2026, 3, 5), None, "a"]]
    plan = plan_import(ctx, _invoice_sheet(tmp_path, rows), "invoices")
    (error,) = plan.errors
    assert (error.row, error.column) == (2, "F")
    assert "fapiao number" in error.message


def test_order_number_links_the_customers_order(ctx: Any, tmp_path: Path) -> None:
    ids = _book(ctx)
    line = OrderLineInput(item="货物", quantity=Decimal(1), unit_price=Money.of("100", "CNY"))
    mine = create_order(ctx, OrderInput(customer_id=ids["C001"], order_date=AS_OF, lines=[line]))
    theirs = create_order(ctx, OrderInput(customer_id=ids["C002"], order_date=AS_OF, lines=[line]))
    number = scalar(ctx, "SELECT number FROM orders WHERE id = :i", i=mine[0])
    other = scalar(ctx, "SELECT number FROM orders WHERE id = :i", i=theirs[0])
    rows = [
        ["O-1", "C001", date(2026, 3, 1), 100, None, None, number, "mine"],
        ["O-2", "C001", date(2026, 3, 1), 100, None, None, other, "another customer's"],
        ["O-3", "C001", date(2026, 3, 1), 100, None, None, "SO-NONE", "none"],
    ]
    plan = plan_import(ctx, _invoice_sheet(tmp_path, rows), "invoices")
    assert [(e.row, e.column) for e in plan.errors] == [(3, "G"), (4, "G")]
    assert plan.errors[1].params["reason"] == (
        "no order SO-NONE for this customer; import the orders first or leave the cell empty"
    )
    assert other in plan.errors[0].message
    commit_import(ctx, plan, skip_invalid=True)
    assert scalar(ctx, "SELECT order_id FROM invoices WHERE number = 'O-1'") == mine[0]
