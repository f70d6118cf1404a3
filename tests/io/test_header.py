"""Header detection and data-row extraction on synthetic sheets and real exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop_ar.io.excel.header import data_rows, find_header_row, is_totals_row, normalize_header
from desktop_ar.io.excel.reader import Cell, open_workbook

KNOWN = {
    "客户名称",
    "Customer",
    "Client",
    "金额",
    "Amount",
    "日期",
    "Date",
    "发票号",
    "Invoice No",
    "InvoiceNo",
    "Quantity",
    "UnitPrice",
    "CustomerID",
    "交易日期",
    "摘要",
    "交易时间",
    "姓名",
}


def _sheet() -> list[list[Cell]]:
    return [
        ["2025年3月 应收账款明细表"],  # merged title banner: one cell
        [],
        ["制表单位：上海甲公司", None, "打印日期：2025-03-31"],  # preamble
        ["发票号", "客户名称\u3000", "金　额", "日期"],  # ideographic/full-width spaces
        ["INV-1", "甲公司", 100.0, date(2025, 3, 1)],
        ["INV-2", "乙公司", 200.0, date(2025, 3, 2)],
        ["合计", None, 300.0],
        ["制表人：张三"],
    ]


def test_normalize_header_forms() -> None:
    assert normalize_header("金额\u3000") == normalize_header("*金　额：") == "金额"
    assert normalize_header("Ｉｎｖｏｉｃｅ No") == "invoiceno"


def test_header_found_below_title_blank_and_preamble() -> None:
    """Traps: merged title, blank row, preamble, full-width and ideographic-space headers."""
    guess = find_header_row(_sheet(), KNOWN)
    assert guess.row_index == 3
    assert guess.confidence >= 0.8
    assert "4 of 4 cells are known headers" in guess.reasons[0]
    assert any("skipped" in r for r in guess.reasons)


def test_data_rows_leave_out_totals_and_footer() -> None:
    rows = _sheet()
    section = data_rows(rows, 3)
    assert [i for i, _ in section.rows] == [4, 5]
    assert section.totals == [6]
    assert section.footer == [7]


def test_header_without_known_names_uses_shape() -> None:
    rows: list[list[Cell]] = [["Report"], ["Code", "Name", "Balance"], ["A1", "Foo", 1.0]]
    guess = find_header_row(rows, set())
    assert guess.row_index == 1 and guess.confidence < 0.5


def test_empty_sheet() -> None:
    assert find_header_row([[], []], KNOWN).row_index is None


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["合计", None, 5.0], True),
        (["人民币合计", 5.0], True),
        ([None, "小计：", 5.0], True),
        (["Grand total", 5.0], True),
        (["Subtotal", 5.0], True),
        (["Total (CNY)", 5.0], True),
        (["Total Solutions Ltd", 5.0], False),  # a customer name, not a totals label
        (["甲公司", 5.0], False),
    ],
)
def test_totals_rows(row: list[Cell], expected: bool) -> None:
    assert is_totals_row(row) is expected


def test_blank_gap_reported_and_data_after_it_kept() -> None:
    """Trap (E6): a 600-row blank gap in the middle must not drop the data after it."""
    rows: list[list[Cell]] = [["Customer", "Amount", "Date"], ["A", 1.0, "2025-01-01"]]
    rows += [[] for _ in range(600)]
    rows += [["B", 2.0, "2025-01-02"]]
    section = data_rows(iter(rows), 0)
    assert [i for i, _ in section.rows] == [1, 602]
    assert section.gaps == [(2, 601)]
    assert any("blank" in n for n in section.notes)


def test_data_after_subtotal_is_kept() -> None:
    rows: list[list[Cell]] = [
        ["Customer", "Amount", "Date"],
        ["A", 1.0, "2025-01-01"],
        ["小计", 1.0, None],
        ["B", 2.0, "2025-01-02"],
        ["总计", 3.0, None],
    ]
    section = data_rows(rows, 0)
    assert [i for i, _ in section.rows] == [1, 3]
    assert section.totals == [2, 4]


# --- real files -----------------------------------------------------------------------------------


def _guess(path: Path, known: set[str]) -> tuple[int | None, list[list[Cell]]]:
    with open_workbook(path) as wb:
        rows = list(wb.rows(0))
    return find_header_row(rows, known).row_index, rows


def test_real_header_on_row_7(shared_data: Path) -> None:
    """Trap: calamine header-row.xlsx has a stray note above the real header."""
    index, rows = _guess(shared_data / "excel_quirks/calamine__header-row.xlsx", {"Column A"})
    assert index is not None and rows[index][:2] == ["Columns", "Column A"]


def test_real_chinese_hr_export_with_report_header(shared_data: Path) -> None:
    """Trap: issue_530.xlsx has 报表导出人/导出时间/考勤周期 rows above a header starting at C."""
    index, rows = _guess(shared_data / "excel_quirks/calamine__issue_530.xlsx", {"领域", "总人数"})
    assert index == 3 and rows[index][2] == "领域"


def test_real_merged_title_above_header(shared_data: Path) -> None:
    """Trap: easyexcel t02.xlsx has a merged title row and multi-line header cells."""
    index, rows = _guess(shared_data / "excel_quirks/easyexcel__compatibility_t02.xlsx", {"序号"})
    assert index == 1 and rows[index][0] == "序号"


def test_real_online_retail_header_first_row(shared_data: Path) -> None:
    """Trap: 40,000-row UCI Online Retail sample; header is row 1, every row is data."""
    index, rows = _guess(shared_data / "invoices_ar/online_retail_uci_40k_sample.xlsx", KNOWN)
    assert index == 0
    section = data_rows(rows, 0)
    assert len(section.rows) == 40_000 and not section.totals


def test_real_icbc_preamble_and_totals(shared_data: Path) -> None:
    """Trap: ICBC CSV has card-number preamble rows and a 人民币合计 totals row at the end."""
    path = shared_data / "bank_statements/csv/deb-sig-deg__icbc_debit-v1__icbc-debit-v1-records.csv"
    index, rows = _guess(path, KNOWN)
    assert index is not None and rows[index][0] == "交易日期"
    section = data_rows(rows, index)
    assert section.totals and "合计" in str(rows[section.totals[0]])
    assert all("合计" not in str(r) for _, r in section.rows)


def test_real_northwind_orders_csv(shared_data: Path) -> None:
    """Trap: a plain English CSV with camelCase headers (customerID) from Northwind."""
    index, rows = _guess(shared_data / "invoices_ar/northwind_csv/orders.csv", KNOWN)
    assert index == 0 and rows[0][1] == "customerID"
    assert len(data_rows(rows, 0).rows) == 830


def test_header_with_jiashui_heji_is_not_a_totals_row() -> None:
    """价税合计 (total incl. tax) is a column name: the header row must still be found."""
    from desktop_ar.io.excel.header import find_header_row, is_totals_row
    from desktop_ar.io.excel.mapping import known_headers

    header = ["发票号码", "客户名称", "开票日期", "价税合计"]
    rows = [["销售发票清单"], header, ["INV-1", "上海明远", "2026-01-05", 1130.0]]
    assert not is_totals_row(header)
    assert is_totals_row(["合计", None, None, 1130.0])
    assert find_header_row(rows, known_headers("invoices")).row_index == 1


def test_ascii_labels_normalize_as_the_general_rule() -> None:
    import random
    import re

    from desktop_ar.domain.parsing import to_halfwidth

    rnd = random.Random(5)
    texts = ["Invoice No", "INV-1", "*Amount:", "a\tb\x1cc", ""]
    texts += [
        "".join(chr(rnd.randrange(128)) for _ in range(rnd.randrange(9))) for _ in range(3000)
    ]
    for text in texts:
        assert normalize_header(text) == re.sub(r"[\s*:：]+", "", to_halfwidth(text)).lower()
