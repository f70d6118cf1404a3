"""Importing orders with lines: grouped by order number, created once, rejected whole."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_ar.db.models import AuditEntry, ImportRow, Order
from desktop_ar.db.models.orders import OrderLine
from desktop_ar.domain.errors import PermissionDenied
from desktop_ar.services.imports import commit_import, plan_import
from desktop_ar.services.orders import get_order
from desktop_ar.services.uow import reader
from tests.services.test_imports import count, customers_file, import_file, xlsx

HEADERS = ["订单号", "客户", "订单日期", "商品", "数量", "单价", "税率"]


def lines_of(ctx: Any) -> dict[str, list[tuple[int, str, Decimal, int, int]]]:
    """Order number → its lines (line no, item, quantity, net, tax)."""
    with reader(ctx) as s:
        rows = s.execute(
            select(
                Order.number,
                OrderLine.line_no,
                OrderLine.item,
                OrderLine.quantity,
                OrderLine.net_minor,
                OrderLine.tax_minor,
            )
            .join(Order, Order.id == OrderLine.order_id)
            .order_by(Order.number, OrderLine.line_no)
        ).all()
    out: dict[str, list[tuple[int, str, Decimal, int, int]]] = {}
    for number, *line in rows:
        out.setdefault(number, []).append(tuple(line))  # type: ignore[arg-type]
    return out


@pytest.fixture
def book(ctx: Any, tmp_path: Path) -> Any:
    import_file(ctx, customers_file(tmp_path), "customers")
    return ctx


def test_lines_grouped_into_one_order_with_totals(book: Any, tmp_path: Path) -> None:
    rows = [
        ["SO-1", "C001", date(2026, 6, 1), "钢管", 10, "12.50", "13%"],
        ["SO-2", "北京乙公司", date(2026, 6, 2), "阀门", 3, 99.9, None],
        ["SO-1", "C001", date(2026, 6, 1), "法兰", "2.5", 40, 0.13],
        ["SO-3", "C003", date(2026, 6, 3), "Bolts", 100, "0.35", 0.06],
        ["so-1", "C001", date(2026, 6, 1), "垫片", 1, "0", 13],
    ]
    plan, result = import_file(book, xlsx(tmp_path / "o.xlsx", HEADERS, rows), "orders")
    assert not plan.errors and len(plan.to_create) == 5
    assert result.created == 5 and count(book, Order) == 3
    lines = lines_of(book)
    assert lines["SO-1"] == [
        (1, "钢管", Decimal(10), 12500, 1625),
        (2, "法兰", Decimal("2.5"), 10000, 1300),
        (3, "垫片", Decimal(1), 0, 0),
    ]
    with reader(book) as s:
        so1 = s.execute(select(Order).where(Order.number == "SO-1")).scalar_one()
        mine = select(ImportRow.row_number, ImportRow.entity_id, ImportRow.entity).where(
            ImportRow.batch_id == 2
        )
        rows_of = {row: (eid, entity) for row, eid, entity in s.execute(mine)}
        audits = s.scalar(select(func.count()).where(AuditEntry.action == "create_order"))
    assert (so1.net_minor, so1.tax_minor, so1.total_minor) == (22500, 2925, 25425)
    assert so1.status == "confirmed" and so1.notes == "imported" and so1.credit_check == ""
    assert so1.confirmed_by == "tester" and so1.payment_terms == "NET30"
    # Rows 2, 4 and 6 (header row 1) are the three lines of SO-1.
    assert rows_of[2] == rows_of[4] == rows_of[6] == (so1.id, "order")
    assert len(rows_of) == 5 and audits == 3
    detail = get_order(book, so1.id)
    assert detail.credit_check is None and detail.confirmed_by == "tester"


def test_bad_line_rejects_the_whole_order(book: Any, tmp_path: Path) -> None:
    rows = [
        ["SO-1", "C001", date(2026, 6, 1), "钢管", 10, 12, None],
        ["SO-2", "C002", date(2026, 6, 2), "阀门", 1, 100, None],
        ["SO-1", "C001", date(2026, 6, 1), "法兰", -2, 40, None],
        ["SO-1", "C001", date(2026, 6, 1), "垫片", 1, "1.005", None],
        ["SO-1", "C001", date(2026, 6, 1), "螺栓", 1, 1, 150],
    ]
    plan = plan_import(book, xlsx(tmp_path / "o.xlsx", HEADERS, rows), "orders")
    assert plan.rejected_rows == [2, 4, 5, 6]
    by_row = {e.row: e for e in plan.errors}
    assert "another line of order SO-1 has problems (rows 4, 5, 6)" in by_row[2].message
    assert by_row[4].column == "E" and "more than zero" in by_row[4].message
    assert by_row[5].column == "F" and "decimals" in by_row[5].message
    assert by_row[6].column == "G" and "between 0 and 1" in by_row[6].message
    result = commit_import(book, plan, skip_invalid=True)
    assert result.created == 1 and list(lines_of(book)) == ["SO-2"]


def test_line_failing_conversion_rejects_its_order(book: Any, tmp_path: Path) -> None:
    rows = [
        ["SO-1", "C001", date(2026, 6, 1), "钢管", 10, 12, None],
        ["SO-1", "C001", date(2026, 6, 1), "法兰", "many", 40, None],
        ["SO-1", "C002", date(2026, 6, 1), "垫片", 1, 1, None],
        ["SO-2", "C002", date(2026, 6, 2), "阀门", 1, 100, None],
    ]
    plan = plan_import(book, xlsx(tmp_path / "o.xlsx", HEADERS, rows), "orders")
    assert plan.rejected_rows == [2, 3, 4]
    assert [r.row_number for r in plan.to_create] == [5]
    first = next(e for e in plan.errors if e.row == 2)
    assert "another line of order SO-1 has problems (rows 3, 4)" in first.message


def test_order_number_already_used(book: Any, tmp_path: Path) -> None:
    first = [["SO-9", "C001", date(2026, 6, 1), "钢管", 1, 10, None]]
    import_file(book, xlsx(tmp_path / "a.xlsx", HEADERS, first), "orders")
    rows = [
        ["SO-9", "C001", date(2026, 6, 5), "法兰", 2, 40, None],
        ["SO-9", "C001", date(2026, 6, 5), "垫片", 2, 1, None],
        ["SO-10", "C009", date(2026, 6, 5), "阀门", 2, 1, None],
    ]
    plan = plan_import(book, xlsx(tmp_path / "b.xlsx", HEADERS, rows), "orders")
    used = [e for e in plan.errors if "order number already used" in e.message]
    assert [(e.row, e.column) for e in used] == [(2, "A"), (3, "A")]
    assert any(e.row == 4 and e.column == "B" for e in plan.errors)  # unknown customer
    assert count(book, Order) == 1


def test_reimport_detected(book: Any, tmp_path: Path) -> None:
    rows = [
        ["SO-1", "C001", date(2026, 6, 1), "钢管", 10, 12, None],
        ["SO-1", "C001", date(2026, 6, 1), "法兰", 2, 40, None],
    ]
    path = xlsx(tmp_path / "o.xlsx", HEADERS, rows)
    import_file(book, path, "orders")
    plan, result = import_file(book, path, "orders")
    assert plan.already_imported is not None and result.batch_id is None
    copy = xlsx(tmp_path / "copy.xlsx", HEADERS, rows, title="订单 (copy)")
    plan, result = import_file(book, copy, "orders")
    assert [r for _, r in plan.skipped] == ["already imported"] * 2
    assert result.created == 0 and count(book, Order) == 1
    more = xlsx(
        tmp_path / "more.xlsx",
        HEADERS,
        [*rows, ["SO-1", "C001", date(2026, 6, 1), "垫片", 1, 1, None]],
    )
    plan = plan_import(book, more, "orders")
    assert len(plan.skipped) == 2 and plan.rejected_rows == [4]
    assert "order number already used" in plan.errors[0].message


def test_inactive_customer_bad_terms_and_delivery(book: Any, tmp_path: Path) -> None:
    from desktop_ar.services.customers import set_customer_status

    with reader(book) as s:
        from desktop_ar.db.models import Customer

        cid = s.scalar(select(Customer.id).where(Customer.code == "C002"))
    set_customer_status(book, cid, "inactive")
    headers = [*HEADERS, "付款条件", "交货日期"]
    rows = [
        ["SO-1", "C002", date(2026, 6, 1), "钢管", 1, 1, None, None, None],
        ["SO-2", "C001", date(2026, 6, 1), "钢管", 1, 1, None, "whenever", None],
        ["SO-3", "C001", date(2026, 6, 1), "钢管", 1, 1, None, "NET60", date(2026, 5, 1)],
        ["SO-4", "C001", date(2026, 6, 1), "钢管", 1, 1, None, "NET60", date(2026, 7, 1)],
        ["SO-4", "C001", date(2026, 6, 1), "法兰", 1, 1, None, "NET60", date(2026, 7, 9)],
    ]
    plan, result = import_file(
        book, xlsx(tmp_path / "o.xlsx", headers, rows), "orders", skip_invalid=True
    )
    reasons = {e.row: e.message for e in plan.errors}
    assert "inactive customer" in reasons[2]
    assert reasons[3].endswith("'WHENEVER' is not NETn, EOMn, DAYn or P%RULE.")
    assert "before the order date" in reasons[4]
    with reader(book) as s:
        so4 = s.execute(select(Order).where(Order.number == "SO-4")).scalar_one()
    assert so4.delivery_date == date(2026, 7, 9) and so4.payment_terms == "NET60"
    assert result.created == 2


def test_read_only_denied(book: Any, tmp_path: Path) -> None:
    rows = [["SO-1", "C001", date(2026, 6, 1), "钢管", 10, 12, None]]
    plan = plan_import(book, xlsx(tmp_path / "o.xlsx", HEADERS, rows), "orders")
    with pytest.raises(PermissionDenied):
        commit_import(dataclasses.replace(book, role="read_only"), plan)
    assert count(book, Order) == 0


def test_audit_row_of_imported_order(book: Any, tmp_path: Path) -> None:
    rows = [["SO-1", "C001", date(2026, 6, 1), "钢管", 10, 12, None]]
    import_file(book, xlsx(tmp_path / "o.xlsx", HEADERS, rows), "orders")
    with reader(book) as s:
        after = s.scalar(select(AuditEntry.after).where(AuditEntry.action == "create_order"))
    data = json.loads(after)
    assert data["status"] == "confirmed" and data["number"] == "SO-1"
    assert data["confirmed_by"] == "tester"
