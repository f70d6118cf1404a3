"""The statement of account as ``.xlsx``: read back cell by cell; audit; guarded text; errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.statement_export import export_statement
from desktop_ar.services.statements import statement_of_account
from tests.services.helpers import audit_count, d, make_customer, make_invoice, pay, signature

EVIL = '=HYPERLINK("http://x")'
CHINESE = "上海明远贸易有限公司（华东）· 𠀋"


@pytest.fixture
def customer(ctx: ServiceContext) -> int:
    cid = make_customer(ctx, CHINESE, code="C001", address="上海市浦东新区 1 号")
    make_invoice(ctx, cid, "2026-04-10", "1000.00", number="INV-1")
    make_invoice(ctx, cid, "2026-06-05", "2000.00", number="INV-2")
    pay(ctx, cid, "2026-06-12", "1200.50", reference=EVIL, allocate="none")
    make_invoice(ctx, cid, "2026-06-02", "10", number="INV-JPY", currency="JPY")
    return cid


def _values(ws) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _find(rows: list[list[object]], first: object) -> int:
    return next(i for i, r in enumerate(rows) if first in r)


def test_the_sheet_reads_like_the_statement(
    ctx: ServiceContext, customer: int, tmp_path: Path
) -> None:
    st = statement_of_account(ctx, customer, d("2026-06-01"), d("2026-06-30"))
    path = tmp_path / "statement.xlsx"
    result = export_statement(ctx, st, path)
    assert result.path == path and result.rows == 2 + 3 + 1 + 1  # lines + open items, 2 ccy
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Statement CNY", "Statement JPY"]
    ws = wb["Statement CNY"]
    rows = _values(ws)
    assert rows[0][0] == "测试公司 Test Co"
    assert rows[1][0] == "Statement of account as of 2026-06-30"
    assert rows[2][0] == f"Customer: C001 {CHINESE}"  # Chinese text round-trips exactly
    assert rows[3][0] == "Address: 上海市浦东新区 1 号"
    assert rows[4][0] == "Period: 2026-06-01 to 2026-06-30 · Currency: CNY"
    header = _find(rows, "Description")
    assert rows[header] == ["Date", "Type", "Number", "Description", "Debit", "Credit", "Balance"]
    assert ws.freeze_panes == f"A{header + 2}"
    assert ws.print_title_rows == f"${header + 1}:${header + 1}"
    opening, *lines, closing = rows[header + 1 : header + 5]
    assert opening[:2] == [datetime(2026, 6, 1), "Opening balance"]
    assert opening[6] == 1000
    assert [r[2] for r in lines] == ["INV-2", lines[1][2]]
    assert lines[0][4] == 2000 and lines[0][6] == 3000
    assert lines[1][5] == pytest.approx(1200.5) and lines[1][6] == pytest.approx(1799.5)
    assert closing[1] == "Closing balance"
    assert closing[4:] == [2000, pytest.approx(1200.5), pytest.approx(1799.5)]
    # Cells: real dates, amounts with two decimals, bold opening and closing rows.
    cell = ws.cell(header + 2, 1)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd" and cell.font.b
    assert ws.cell(header + 3, 7).number_format == "#,##0.00"
    assert ws.cell(header + 5, 7).font.b
    # The payment reference is guarded text, never a formula.
    formulas = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    desc = ws.cell(header + 4, 4)
    assert desc.data_type == "s" and EVIL in desc.value
    # Open items below, by due date: their total is the closing balance.
    items = _find(rows, "Days overdue")
    assert rows[items - 1][0].startswith("Open items as of 2026-06-30")
    assert rows[items] == [
        "Date",
        "Type",
        "Number",
        "Due date",
        "Days overdue",
        "Aging",
        "Open amount",
    ]
    first, credit, second, total = rows[items + 1 : items + 5]
    assert first[1:3] == ["Invoice", "INV-1"] and first[4:] == [51, "31-60 days", 1000]
    assert ws.cell(items + 2, 4).is_date
    assert credit[1] == "Unallocated payment" and credit[3:5] == [None, None]
    assert credit[5:] == ["1-30 days", pytest.approx(-1200.5)]
    assert second[2] == "INV-2" and second[4:] == [0, "Current", 2000]
    assert total[1] == "Total open items" and total[6] == pytest.approx(1799.5)
    summary = _find(rows, "Aging summary")
    assert rows[summary + 1][:6] == [
        "Current",
        "1-30 days",
        "31-60 days",
        "61-90 days",
        "90+ days",
        "Total",
    ]
    assert rows[summary + 2][:6] == [
        2000,
        pytest.approx(-1200.5),
        1000,
        0,
        0,
        pytest.approx(1799.5),
    ]
    # JPY has no decimals.
    jpy = wb["Statement JPY"]
    jrows = _values(jpy)
    jhead = _find(jrows, "Description")
    assert jpy.cell(jhead + 3, 7).number_format == "#,##0"
    assert jrows[jhead + 2][2] == "INV-JPY"


def test_export_writes_one_audit_row_and_nothing_else(
    ctx: ServiceContext, customer: int, tmp_path: Path
) -> None:
    reader_ctx = replace(ctx, role="read_only")
    st = statement_of_account(reader_ctx, customer, d("2026-06-01"), d("2026-06-30"))
    before = signature(ctx)
    export_statement(reader_ctx, st, tmp_path / "s.xlsx")
    assert signature(ctx) == before
    assert audit_count(ctx, "export_statement") == 1


def test_an_unwritable_file_is_one_clear_error_and_no_audit_row(
    ctx: ServiceContext, customer: int, tmp_path: Path
) -> None:
    st = statement_of_account(ctx, customer, d("2026-06-01"), d("2026-06-30"))
    target = tmp_path / "missing" / "s.xlsx"
    with pytest.raises(UserFacingError) as info:
        export_statement(ctx, st, target)
    assert str(target) in info.value.message
    assert audit_count(ctx, "export_statement") == 0
    existing = tmp_path / "keep.xlsx"
    existing.write_bytes(b"old")
    if Path("/dev/full").exists():
        with pytest.raises(UserFacingError):
            export_statement(ctx, st, Path("/dev/full"))
    assert existing.read_bytes() == b"old"


def test_an_empty_statement_still_prints(ctx: ServiceContext, tmp_path: Path) -> None:
    cid = make_customer(ctx, EVIL, code="C002")
    st = statement_of_account(ctx, cid, d("2026-06-01"), d("2026-06-30"))
    path = export_statement(ctx, st, tmp_path / "empty.xlsx").path
    ws = openpyxl.load_workbook(path).active
    rows = _values(ws)
    header = _find(rows, "Description")
    assert rows[header + 1][1] == "Opening balance" and rows[header + 2][1] == "Closing balance"
    name = ws["A3"]
    assert name.value == f"Customer: C002 {EVIL}" and name.data_type == "s"


def test_a_read_only_book_exports_without_an_audit_row(
    ctx: ServiceContext, customer: int, tmp_path: Path
) -> None:
    frozen = replace(ctx, read_only=True)
    st = statement_of_account(frozen, customer, d("2026-06-01"), d("2026-06-30"))
    assert export_statement(frozen, st, tmp_path / "s.xlsx").path.exists()
    assert audit_count(ctx, "export_statement") == 0
