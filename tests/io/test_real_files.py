"""Every real file of ../shared/data/excel_quirks and invoices_ar: the right outcome for each.

Each file either opens and gives the right sheets, header and values (the trap that
../shared/data/README.md names for it is spot-checked), or is refused with a clear one-line
message. Skipped when ../shared/data is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.cells import to_amount
from desktop_ar.io.excel.header import find_header_row
from desktop_ar.io.excel.reader import Cell, Workbook, open_workbook

Check = Callable[[Workbook], None]
CHECKS: dict[str, Check] = {}


def check(*names: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        for name in names:
            CHECKS[name] = fn
        return fn

    return register


def rows(wb: Workbook, sheet: str | int = 0) -> list[list[Cell]]:
    return list(wb.rows(sheet))


def names(wb: Workbook) -> list[str]:
    return [s.name for s in wb.sheets]


@check("excel_quirks/calamine__any_sheets.xlsx")
def _any_sheets(wb: Workbook) -> None:  # hidden, very hidden and a chart sheet (left out)
    assert [(s.name, s.visible) for s in wb.sheets] == [
        ("Visible", True), ("Hidden", False), ("VeryHidden", False)
    ]  # fmt: skip
    assert rows(wb)[:3] == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]


@check(
    "excel_quirks/calamine__date.xls",
    "excel_quirks/calamine__date.xlsx",
    "excel_quirks/calamine__date_1904.xls",
    "excel_quirks/calamine__date_1904.xlsx",
)
def _dates(wb: Workbook) -> None:  # the 1904 twins give the same dates; a duration cell
    got = rows(wb)
    assert got[0] == [date(2021, 1, 1), 15] and got[1] == [date(2021, 1, 2), 16]
    assert got[2] == [timedelta(days=10, hours=15, minutes=10, seconds=10), 17]
    assert wb.date1904 == ("1904" in wb.path.name)


@check("excel_quirks/calamine__date_iso.xlsx")
def _date_iso(wb: Workbook) -> None:  # t="d" ISO cells
    got = rows(wb)
    assert [r[0] for r in got[:3]] == [
        date(2021, 1, 1), datetime(2021, 1, 1, 10, 10, 10), time(10, 10, 10)
    ]  # fmt: skip


@check("excel_quirks/calamine__errors.xlsx")
def _errors(wb: Workbook) -> None:  # every error value: empty to calamine, named by us
    assert names(wb) == ["Feuil1", "Feuil2", "Feuil3"]
    assert all(not any(r) for r in rows(wb))
    found = wb.formula_cells("Feuil1")
    shown = [found[(i, 0)].split(" from ")[0] for i in range(7)]
    assert shown == [
        f"error value {e}" for e in ("#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!")
    ] + ["error value #N/A"]


@check("excel_quirks/calamine__has_x000D_.xlsx")
def _x000d(wb: Workbook) -> None:
    assert rows(wb)[0] == ["ABC\r\nDEF"]


@check("excel_quirks/calamine__header-row.xlsx")
def _header_row(wb: Workbook) -> None:  # a stray note above the real header
    got = rows(wb)
    assert got[4] == [None, None, "Note 1"]
    assert got[10] == ["Columns", "Column A", "Column B", "Column C"]
    assert find_header_row(got, {"columns", "column a", "column b"}).row_index == 10


@check("excel_quirks/calamine__issue_530.xlsx")
def _issue_530(wb: Workbook) -> None:  # backslash part names; header starts in column C
    assert names(wb) == ["出勤分类组织汇总表"]
    got = rows(wb)
    assert got[0] == ["报表导出人：", "于国栋"] and got[3][2:5] == ["领域", "平台", "小微"]
    assert wb.formula_cells(0) == {}


@check("excel_quirks/calamine__issues.xlsx")
def _issues(wb: Workbook) -> None:
    assert names(wb) == ["datatypes", "Sheet1", "issue2", "issue5", "issue6", "spc_chrs"]
    assert [r[0] for r in rows(wb, "spc_chrs")][:7] == ["&", "<", ">", "aaa ' aaa", '"', "☺", "֍"]
    assert rows(wb, "datatypes")[:4] == [[1.0], [1.5], ["ab"], [False]]


@check("excel_quirks/calamine__merge_cells.xls", "excel_quirks/calamine__merge_cells.xlsx")
def _merge_cells(wb: Workbook) -> None:  # a merged range keeps its value in the first cell only
    assert rows(wb)[:2] == [["Row Merge", None, "Not Merged"], ["Column Merge", "Chunk Merged"]]


@check("excel_quirks/calamine__merged_range.xlsx")
def _merged_range(wb: Workbook) -> None:
    assert names(wb) == ["Sheet1", "Sheet2"]
    got = rows(wb)
    assert got[0] == ["A1", "B1", "C1", None, "E1", "F1", "G1", "H1"] and got[1] == []


@check("excel_quirks/calamine__minimal_package.xlsx")
def _minimal_package(wb: Workbook) -> None:  # no docProps, no sharedStrings
    got = rows(wb)
    assert got[0] == ["ARREST BOOKINGS for 01/30/17"]
    assert got[2][:3] == ["BKG_NUM", "BKG_DT", "BKG_TM"] and len(got[2]) == 36


@check("excel_quirks/calamine__pivots.xlsx")
def _pivots(wb: Workbook) -> None:  # pivot caches must not crash anything
    assert names(wb)[4:] == ["DataSheet", "DataSheet2"] and len(names(wb)) == 6
    assert rows(wb)[2][:2] == ["Row Labels", "Sum of Size"]
    assert set(wb.formula_cells("DataSheet").values()) >= {
        "error value #DIV/0! from the formula =1/0; correct it in the file or type the value"
    }


@check("excel_quirks/calamine__rph.xlsx")
def _rph(wb: Workbook) -> None:  # the phonetic (furigana) run is not part of the text
    assert rows(wb) == [["課きく\u3000毛こ"]]


@check("excel_quirks/calamine__string-ref.xlsx")
def _string_ref(wb: Workbook) -> None:  # a 19-digit integer stored as text stays text
    assert rows(wb)[1] == ["-8086931554011838357"]
    assert wb.formula_cells(1) == {}


@check("excel_quirks/calamine__whitespace_trim.xlsx")
def _whitespace(wb: Workbook) -> None:  # xml:space="preserve" keeps spaces; inline strings too
    assert rows(wb, "inlineStr")[0][:3] == ["trimmed value", "value with tabs", " \t\n"]
    shared = rows(wb, "SharedStrings")
    assert shared[0][:2] == ["trimmed value", "  preserved value  "]
    assert shared[1] == ["line1\nline2", "  line1\nline2  "] and shared[2] == ["日期 时间"]


@check("excel_quirks/easyexcel__bom_no_bom.csv", "excel_quirks/easyexcel__bom_office_bom.csv")
def _bom(wb: Workbook) -> None:  # UTF-8 with and without BOM, never mistaken for GBK
    assert wb.encoding == ("utf-8-sig" if "office_bom" in wb.path.name else "utf-8")
    got = rows(wb)
    assert got[0] == ["姓名", "年纪"] and got[1] == ["姓名0", "20"]


@check("excel_quirks/easyexcel__compatibility_t01.xls")
def _t01(wb: Workbook) -> None:  # one huge merged instruction cell above the real header
    got = rows(wb)
    assert names(wb) == ["产品数据"] and str(got[0][0]).startswith("紧密产品同步执行导入模板\n1、")
    assert got[1][:3] == ["材质*", "等级", "标准号*"]


@check("excel_quirks/easyexcel__compatibility_t02.xlsx")
def _t02(wb: Workbook) -> None:  # merged title, multi-line header cells, full-width brackets
    got = rows(wb)
    assert got[0] == ["测试配方1027"] and got[1][5:7] == ["原料含量（%）", "原料中成分含\n量（%）"]


@check("excel_quirks/easyexcel__compatibility_t03.xlsx")
def _t03(wb: Workbook) -> None:  # a row formatted to column 16384 does not make 16k cells
    got = rows(wb)
    assert max(len(r) for r in got) == 12 and got[0][0] == "单据号"


@check("excel_quirks/easyexcel__compatibility_t04.xlsx")
def _t04(wb: Workbook) -> None:  # long digit strings stay text; NBSP inside multi-line cells
    row = rows(wb)[1]
    assert row[3] == "A1JB037FPHA03224400489" and row[6] == "1111111111111111111111"
    assert "\xa0" in str(row[8]) and "\n" in str(row[8])


@check("excel_quirks/easyexcel__compatibility_t05.xlsx")
def _t05(wb: Workbook) -> None:  # sub-second datetimes
    got = rows(wb)
    assert [r[0] for r in got[1:4]] == [
        datetime(2023, 1, 1, 0, 0, 0, 400000),
        datetime(2023, 1, 1, 0, 0, 0, 499000),
        datetime(2023, 1, 1, 0, 0, 0, 500000),
    ]


@check("excel_quirks/easyexcel__compatibility_t06.xlsx")
def _t06(wb: Workbook) -> None:  # numbers as text; a cached product that rounds wrong as float
    got = rows(wb)
    assert got[0] == ["7.500", "278.27", 2087.0249999999996]
    amount, error, note = to_amount(got[0][2], "CNY")
    assert error is None and amount == Money(208703, "CNY") and note
    assert wb.formula_cells(0) == {}  # the formula has its saved value


@check("excel_quirks/easyexcel__compatibility_t09.xlsx")
def _t09(wb: Workbook) -> None:  # stored as SH_x005f_x000D_Z002: an escaped literal, not a CR
    assert rows(wb) == [["SH_x000D_Z002"]]


@check("excel_quirks/easyexcel__converter_converter07.xlsx")
def _converter07(wb: Workbook) -> None:  # one value typed as bool/number/text/date
    got = rows(wb)
    assert got[0][:3] == ["大数的布尔", "大数的数字", "大数的字符串"]
    assert got[1][:3] == [True, 1.0, "1"] and got[1][12] == datetime(2020, 1, 1, 1, 1, 1)
    assert wb.formula_cells(0)[(1, 34)].startswith("error value #VALUE! from the formula =AG2+AH2")


@check("excel_quirks/easyexcel__dataformat_dataformat.xlsx")
def _dataformat(wb: Workbook) -> None:  # Chinese date formats, currency and percent as text
    got = rows(wb)
    assert got[0][:2] == ["date", "dateStringCn"]
    assert got[1][0] == datetime(2020, 1, 1, 1, 1, 1) and got[3][5] == "￥1.11"


@check("excel_quirks/easyexcel__demo_cellDataDemo.xlsx")
def _cell_data_demo(wb: Workbook) -> None:  # formulas with saved values read as their values
    assert rows(wb)[1] == ["字符串0", datetime(2020, 1, 1, 1, 1, 1), 1.0, "字符串01"]
    assert wb.formula_cells(0) == {}


@check("excel_quirks/easyexcel__demo_demo.csv")
def _demo_csv(wb: Workbook) -> None:
    assert wb.encoding == "utf-8-sig"
    got = rows(wb)
    assert got[0] == ["字符串标题", "日期标题", "数字标题"]
    assert got[1] == ["字符串0", "2020-01-01 01:01:00", "1"]


@check("excel_quirks/easyexcel__demo_demo.xlsx")
def _demo_xlsx(wb: Workbook) -> None:
    assert names(wb) == ["Sheet1", "Sheet2"]
    assert rows(wb)[1] == ["字符串0", datetime(2020, 1, 1, 1, 1, 1), 1.0]
    assert rows(wb, 1)[1] == ["表2字符串0", datetime(2020, 1, 1, 1, 1, 1), 1.0]


@check("excel_quirks/easyexcel__demo_extra.xlsx")
def _extra(wb: Workbook) -> None:  # WPS: merged cell, hyperlinks, comments
    assert rows(wb)[:2] == [["第一列", "第二列"], ["普通超链接"]]


@check("excel_quirks/easyexcel__fill_complex.xlsx")
def _fill_complex(wb: Workbook) -> None:  # a report template
    got = rows(wb)
    assert got[0] == ["统计"] and got[1] == [None, None, "时间：{date}"]
    assert got[2] == ["姓名", "数字", "姓名", "数字"]


@check("excel_quirks/easyexcel__multiplesheets_multiplesheets.xlsx")
def _multiple_sheets(wb: Workbook) -> None:
    assert names(wb) == [f"Sheet{n}" for n in range(1, 7)]
    assert [rows(wb, n)[0][0] for n in range(6)] == [f"表{n}头" for n in range(1, 7)]


@check("excel_quirks/easyexcel__simple_simple07.xlsx")
def _simple07(wb: Workbook) -> None:  # a sheet name with a trailing space, found exactly
    assert names(wb) == ["Sheet1", "simple ", "Sheet3"]
    assert rows(wb, "simple ") == [["姓名"], ["张三"]]
    with pytest.raises(UserFacingError, match="no sheet"):
        rows(wb, "simple")


@check(
    "excel_quirks/easyexcel__temp_issue2443_date1.xlsx",
    "excel_quirks/easyexcel__temp_issue2443_date2.xlsx",
)
def _issue2443(wb: Workbook) -> None:  # WPS numbers stored as text keep their trailing zeros
    got = rows(wb)
    assert got[0] == ["a", "b"] and got[1] in (["1.00", "1"], ["3", "3.00"])


# Files refused with a clear one-line message: file → what the message must say.
REFUSED = {"excel_quirks/calamine__pass_protected.xlsx": "password-protected"}


@check("invoices_ar/online_retail_uci_40k_sample.xlsx")
def _online_retail(wb: Workbook) -> None:  # 40,000 lines, inline strings, no sharedStrings.xml
    got = rows(wb)
    assert len(got) == 40_001 and got[0][:3] == ["InvoiceNo", "StockCode", "Description"]
    assert got[1][4] == datetime(2011, 10, 30, 16, 17) and got[1][5] == 2.08
    assert any(str(r[0]).startswith("C") for r in got[1:])  # credit notes
    assert wb.formula_cells(0) == {}


NORTHWIND = {
    "customers": (92, ["customerID", "companyName"], ["ALFKI", "Alfreds Futterkiste"]),
    "employees": (10, ["employeeID", "lastName"], ["1", "Davolio"]),
    "order_details": (2156, ["orderID", "productID"], ["10248", "11"]),
    "orders": (831, ["orderID", "customerID"], ["10248", "VINET"]),
    "products": (78, ["productID", "productName"], ["1", "Chai"]),
    "shippers": (4, ["shipperID", "companyName"], ["1", "Speedy Express"]),
}


def _northwind(wb: Workbook) -> None:  # UTF-8 without BOM, "NULL" text for empty values
    count, header, first = NORTHWIND[wb.path.stem]
    got = rows(wb)
    assert (wb.encoding, wb.delimiter, len(got)) == ("utf-8", ",", count)
    assert got[0][:2] == header and got[1][:2] == first


for _stem in NORTHWIND:
    CHECKS[f"invoices_ar/northwind_csv/{_stem}.csv"] = _northwind


@pytest.mark.parametrize("name", sorted([*CHECKS, *REFUSED]))
def test_real_file(shared_data: Path, name: str) -> None:
    path = shared_data / name
    if name in REFUSED:
        with pytest.raises(UserFacingError) as info:
            open_workbook(path)
        message = info.value.message
        assert REFUSED[name] in message and "\n" not in message
        return
    with open_workbook(path) as wb:
        CHECKS[name](wb)


def test_every_file_has_a_check(shared_data: Path) -> None:
    on_disk = {
        str(p.relative_to(shared_data))
        for folder in ("excel_quirks", "invoices_ar")
        for p in (shared_data / folder).rglob("*")
        if p.is_file()
    }
    assert on_disk == set(CHECKS) | set(REFUSED)
