"""Formatted, streamed ``.xlsx`` exports of every list (issue 5 "Export"; RELIABILITY H1, B4, K1).

Each file is read back with openpyxl: title, bold frozen header, number and date cells with the
currency's decimals, a totals row per currency, guarded text, exact Chinese text; a cancelled
or failed export leaves no file and an existing file at the destination unchanged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from desktop_ar.domain.errors import Cancelled, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services import list_exports
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.exports import export_list
from desktop_ar.services.list_exports import EXPORT_LISTS, export_aging_file
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.services.orders import OrderInput, OrderLineInput, create_order
from desktop_ar.services.progress import CallbackProgress, NullProgress
from tests.services.helpers import audit_count, make_customer, make_invoice, pay, scalar

AS_OF = date(2026, 6, 30)
EVIL = "=SUM(A1)"
PHONE = "+86 138 0013 8000"
CHINESE = "上海明远贸易有限公司（华东）· 𠀋 №1"
SORTS = {
    "customers": "code",
    "orders": "number",
    "invoices": "number",
    "payments": "number",
    "exceptions": "detected_on",
}


def export(ctx: ServiceContext, name: str, path: Path, **spec: object) -> list_exports.ExportResult:
    status = "all"
    return export_list(
        ctx,
        name,
        ListSpec(status=str(spec.get("status", status))),
        SortSpec(SORTS[name]),
        path,
        as_of=AS_OF,
        progress=NullProgress(),
    )


@pytest.fixture
def book(ctx: ServiceContext) -> dict[str, int]:
    """Guarded names, Chinese text, CNY and USD invoices, a payment and an overpayment."""
    evil = make_customer(ctx, EVIL, code="C001")
    phone = make_customer(ctx, PHONE, code="C002")
    chinese = make_customer(ctx, CHINESE, code="C003", region="华东", collector="王芳")
    usd = make_customer(ctx, "Acme Ltd", code="C004", currency="USD")
    make_invoice(ctx, evil, "2026-03-01", "1000.00", number="INV-1")
    make_invoice(ctx, chinese, "2026-06-15", "1234.56", number="INV-2")
    make_invoice(ctx, phone, "2026-06-01", "10.01", number="INV-3")
    make_invoice(ctx, usd, "2026-05-01", "99.99", number="INV-4", currency="USD")
    pay(ctx, chinese, "2026-06-20", "1300.00", reference="-refund? @note")  # 65.44 over
    line = OrderLineInput(item="货品", quantity=Decimal(3), unit_price=Money.of("10.50", "CNY"))
    create_order(ctx, OrderInput(customer_id=evil, order_date=date(2026, 6, 1), lines=[line]))
    line = OrderLineInput(item="W", quantity=Decimal(2), unit_price=Money.of("5.25", "USD"))
    create_order(ctx, OrderInput(customer_id=usd, order_date=date(2026, 6, 2), lines=[line]))
    return {"evil": evil, "phone": phone, "chinese": chinese, "usd": usd}


def sheet(path: Path, name: str) -> openpyxl.worksheet.worksheet.Worksheet:
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [EXPORT_LISTS[name][0]]
    return wb.active


def column(ws: object, title: str) -> int:
    header = [c.value for c in ws[2]]  # type: ignore[index]
    return header.index(title) + 1


@pytest.mark.parametrize("name", list(EXPORT_LISTS))
def test_every_list_has_title_frozen_header_and_totals(
    ctx: ServiceContext, book: dict[str, int], tmp_path: Path, name: str
) -> None:
    path = tmp_path / f"{name}.xlsx"
    result = export(ctx, name, path)
    assert result.path == path and result.rows > 0
    assert not path.with_name(path.name + ".tmp").exists()
    ws = sheet(path, name)
    title = EXPORT_LISTS[name][0]
    assert ws["A1"].value == f"{title} as of 2026-06-30" and ws["A1"].font.b
    header = [c.value for c in ws[2]]
    assert header == [f.column.title for f in EXPORT_LISTS[name][1]]
    assert all(c.font.b for c in ws[2]) and ws.freeze_panes.endswith("3")
    assert ws.auto_filter.ref == f"A2:{ws.cell(2, len(header)).column_letter}{2 + result.rows}"
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # One totals row per currency below the data, bold, summing the money columns.
    totals = list(ws.iter_rows(min_row=3 + result.rows))
    assert totals and all(str(r[0].value).startswith("Total ") for r in totals)
    ccy_col = column(ws, "Currency")
    money_cols = [i for i, f in enumerate(EXPORT_LISTS[name][1], 1) if f.column.kind == "money"]
    for total in totals:
        ccy = total[ccy_col - 1].value
        assert total[0].font.b
        for col in money_cols:
            values = [
                ws.cell(r, col).value
                for r in range(3, 3 + result.rows)
                if ws.cell(r, ccy_col).value == ccy
            ]
            assert Decimal(str(total[col - 1].value)) == sum(Decimal(str(v)) for v in values)


def test_invoice_cells_are_typed_numbers_dates_and_guarded_text(
    ctx: ServiceContext, book: dict[str, int], tmp_path: Path
) -> None:
    """H1: text is an explicit string cell with quotePrefix; amounts and dates stay typed."""
    path = tmp_path / "inv.xlsx"
    assert export(ctx, "invoices", path).rows == 4
    ws = sheet(path, "invoices")
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3, max_row=6)}
    customer, amount, issued, days = (
        column(ws, t) - 1 for t in ("Customer", "Amount", "Issued", "Days overdue")
    )
    evil = rows["INV-1"][customer]
    assert evil.value == EVIL and evil.data_type == "s" and evil.quotePrefix
    phone = rows["INV-3"][customer]
    assert phone.value == PHONE and phone.data_type == "s" and phone.quotePrefix
    assert rows["INV-2"][customer].value == CHINESE  # exactly, surrogate-pair character included
    assert not rows["INV-2"][customer].quotePrefix
    cell = rows["INV-2"][amount]
    assert cell.data_type == "n" and cell.number_format == "#,##0.00"
    assert Decimal(str(cell.value)) == Decimal("1234.56")
    assert rows["INV-1"][issued].is_date and rows["INV-1"][issued].value.date() == date(2026, 3, 1)
    assert rows["INV-1"][issued].number_format == "yyyy-mm-dd"
    assert rows["INV-1"][days].value == 91 and rows["INV-1"][days].data_type == "n"
    assert rows["INV-4"][column(ws, "Currency") - 1].value == "USD"


def test_customers_guard_and_chinese_round_trip(
    ctx: ServiceContext, book: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "cust.xlsx"
    export(ctx, "customers", path)
    ws = sheet(path, "customers")
    names = {r[0].value: r[1] for r in ws.iter_rows(min_row=3, max_row=6)}
    assert names["C001"].value == EVIL and names["C001"].quotePrefix
    assert names["C002"].value == PHONE and names["C002"].data_type == "s"
    assert names["C003"].value == CHINESE
    region = ws.cell(5, column(ws, "Region"))
    assert region.value == "华东"


def test_payments_guard_references_and_negative_free_amounts(
    ctx: ServiceContext, book: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "pay.xlsx"
    export(ctx, "payments", path)
    ws = sheet(path, "payments")
    ref = ws.cell(3, column(ws, "Reference"))
    assert ref.value == "-refund? @note" and ref.quotePrefix and ref.data_type == "s"
    amount = ws.cell(3, column(ws, "Amount"))
    assert amount.data_type == "n" and Decimal(str(amount.value)) == Decimal("1300")


def test_filter_and_sort_follow_the_spec(
    ctx: ServiceContext, book: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "f.xlsx"
    result = export_list(
        ctx,
        "invoices",
        ListSpec(text="明远"),
        SortSpec("number", descending=True),
        path,
        as_of=AS_OF,
        progress=NullProgress(),
    )
    assert result.rows == 1 and sheet(path, "invoices")["A3"].value == "INV-2"


def test_zero_decimal_currency_gets_a_whole_number_format(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    cid = make_customer(ctx, "東京商事", code="J01", currency="JPY")
    make_invoice(ctx, cid, "2026-06-01", "12345", number="JP-1", currency="JPY")
    path = tmp_path / "jpy.xlsx"
    export(ctx, "invoices", path)
    ws = sheet(path, "invoices")
    assert ws.cell(3, column(ws, "Amount")).number_format == "#,##0"
    assert ws.cell(3, column(ws, "Amount")).value == 12345


def test_progress_is_reported_and_the_export_is_audited(
    ctx: ServiceContext, book: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """K1: one audit row export_<list> with the row count."""
    monkeypatch.setattr(list_exports, "PAGE_SIZE", 2)
    seen: list[tuple[int, int]] = []
    before = audit_count(ctx, "export_invoices")
    path = tmp_path / "p.xlsx"
    result = export_list(
        ctx,
        "invoices",
        ListSpec(),
        SortSpec("number"),
        path,
        as_of=AS_OF,
        progress=CallbackProgress(lambda done, total, _t: seen.append((done, total))),
    )
    assert seen == [(0, 4), (2, 4), (4, 4)]
    assert audit_count(ctx, "export_invoices") == before + 1
    after = scalar(ctx, "SELECT after FROM audit_log WHERE action = 'export_invoices'")
    assert '"rows": 4' in after and result.rows == 4


def test_cancel_leaves_no_file_and_keeps_an_existing_one(
    ctx: ServiceContext, book: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(list_exports, "PAGE_SIZE", 1)
    path = tmp_path / "c.xlsx"
    path.write_bytes(b"old")
    progress = CallbackProgress(lambda done, _total, _t: progress.cancel() if done >= 2 else None)
    with pytest.raises(Cancelled):
        export_list(
            ctx, "invoices", ListSpec(), SortSpec("number"), path, as_of=AS_OF, progress=progress
        )
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("c.")) == ["c.xlsx"]
    assert audit_count(ctx, "export_invoices") == 0


def test_export_to_a_full_device_is_a_clear_error(
    ctx: ServiceContext, book: dict[str, int]
) -> None:
    """B4: /dev/full gives ENOSPC; the error names the path (and the device is not replaced)."""
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("no /dev/full here")
    with pytest.raises(UserFacingError) as info:
        export(ctx, "customers", full)
    assert "/dev/full" in info.value.message and "space" in info.value.message.lower()
    assert full.is_char_device() and not Path("/dev/full.tmp").exists()


def test_unwritable_destination_keeps_the_existing_file(
    ctx: ServiceContext, book: dict[str, int], tmp_path: Path
) -> None:
    """B4: the temp file cannot be created (a folder is in its way) → clear error, old file kept."""
    path = tmp_path / "keep.xlsx"
    path.write_bytes(b"previous export")
    (tmp_path / "keep.xlsx.tmp").mkdir()
    with pytest.raises(UserFacingError) as info:
        export(ctx, "invoices", path)
    assert str(path) in info.value.message
    assert path.read_bytes() == b"previous export"
    missing = tmp_path / "no" / "such" / "folder.xlsx"
    with pytest.raises(UserFacingError, match=r"folder\.xlsx"):
        export(ctx, "invoices", missing)
    with pytest.raises(UserFacingError, match="folder"):
        export(ctx, "invoices", tmp_path)


def test_unknown_list_is_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match="statements"):
        export_list(
            ctx,
            "statements",
            ListSpec(),
            SortSpec("number"),
            tmp_path / "x.xlsx",
            as_of=AS_OF,
            progress=NullProgress(),
        )


def test_aging_export_is_written_and_audited(
    ctx: ServiceContext, book: dict[str, int], tmp_path: Path
) -> None:
    from desktop_ar.services.reports import aging

    path = tmp_path / "aging.xlsx"
    result = export_aging_file(ctx, aging(ctx, as_of=AS_OF), path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["CNY", "USD"] and result.rows >= 4
    assert audit_count(ctx, "export_aging") == 1
