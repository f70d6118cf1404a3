"""Formulas without a saved value and error values: calamine reads them as empty; we say why."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.io.excel import formulas
from desktop_ar.io.excel.reader import open_workbook
from desktop_ar.services.imports import plan_import
from tests.services.helpers import make_customer

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NO_VALUE = "has no saved value; open the file in Excel and save it again"
# Row 2: a shared formula with a value, an error from a formula; row 3: the shared child
# without a value, a formula whose result is the empty text (fine); row 4: cells without r="…".
SHEET = "\n".join(
    [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<worksheet xmlns="{NS}"><sheetData>',
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Qty</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Total</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>Ratio</t></is></c></row>',
        '<row r="2"><c r="A2"><v>2</v></c>'
        '<c r="B2"><f t="shared" ref="B2:B4" si="0">A2*2</f><v>4</v></c>'
        '<c r="C2" t="e"><f>A2/0</f><v>#DIV/0!</v></c></row>',
        '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/></c>'
        '<c r="C3" t="str"><f>IF(A3&gt;5,"x","")</f><v></v></c></row>',
        '<row r="4"><c><v>5</v></c><c><f t="shared" si="0"/><v/></c><c t="e"><v>#N/A</v></c></row>',
        "</sheetData></worksheet>",
    ]
)
EXPECTED = {
    (1, 2): "error value #DIV/0! from the formula =A2/0; correct it in the file or type the value",
    (2, 1): f"formula =A2*2 (shared from B2) {NO_VALUE}",
    (3, 1): f"formula =A2*2 (shared from B2) {NO_VALUE}",
    (3, 2): "error value #N/A; correct it in the file or type the value",
}


def _base() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    wb.create_sheet("Plain").append(["no formulas here", 1])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with_sheet(path: Path, sheet_xml: str) -> Path:
    with zipfile.ZipFile(io.BytesIO(_base())) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            zout.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
    return path


def _openpyxl_formulas(path: Path, *, write_only: bool) -> Path:
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("Data") if write_only else wb.active
    if not write_only:
        ws.title = "Data"
    ws.append(["Qty", "Price", "Amount"])
    for n in range(2, 5):
        ws.append([n, 1.5, f"=A{n}*B{n}"])
    wb.save(path)
    return path


@pytest.mark.parametrize("write_only", [False, True])
def test_openpyxl_formulas_have_no_saved_value(tmp_path: Path, write_only: bool) -> None:
    path = _openpyxl_formulas(tmp_path / "script.xlsx", write_only=write_only)
    with open_workbook(path) as wb:
        rows = list(wb.rows("Data"))
        assert rows[1] == [2, 1.5] or rows[1] == [2.0, 1.5]  # the formula cell reads as empty
        found = wb.formula_cells("Data")
    assert found == {(n - 1, 2): f"formula =A{n}*B{n} {NO_VALUE}" for n in range(2, 5)}


def test_errors_shared_children_and_cells_without_ref(tmp_path: Path) -> None:
    path = _with_sheet(tmp_path / "hand.xlsx", SHEET)
    with open_workbook(path) as wb:
        rows = list(wb.rows("Data"))
        assert rows[1][:2] == [2.0, 4.0] and rows[1][2:] in ([], [None])
        assert wb.formula_cells("Data") == EXPECTED
        assert wb.formula_cells(0) is wb.formula_cells("Data")  # computed once
        assert wb.formula_cells("Plain") == {}


def test_prefixed_tags_are_parsed_too(tmp_path: Path) -> None:
    prefixed = re.sub(r"<(/?)(?!\?)(\w+)", r"<\1x:\2", SHEET).replace(
        f'xmlns="{NS}"', f'xmlns:x="{NS}"'
    )
    path = _with_sheet(tmp_path / "prefixed.xlsx", prefixed)
    with open_workbook(path) as wb:
        assert wb.formula_cells("Data") == EXPECTED


def test_formulas_with_values_are_not_parsed(tmp_path: Path, monkeypatch: Any) -> None:
    """A sheet whose formulas all have values (as Excel saves them) costs a byte scan only."""
    sheet = SHEET.replace('<f t="shared" si="0"/></c>', '<f t="shared" si="0"/><v>6</v></c>')
    sheet = sheet.replace('t="e"', 't="n"').replace("<v/>", "<v>10</v>").replace("\n", "")
    sheet = sheet.replace("<v></v>", "<v>x</v>").replace("#DIV/0!", "1").replace("#N/A", "2")
    path = _with_sheet(tmp_path / "saved.xlsx", sheet)

    def parser(**_: Any) -> Any:
        raise AssertionError("parsed a sheet that cannot hold a problem cell")

    monkeypatch.setattr(formulas, "DefusedXMLParser", parser)
    with open_workbook(path) as wb:
        assert wb.formula_cells("Data") == {}
        assert wb.formula_cells("Plain") == {}


def test_other_kinds_and_unknown_sheet(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    with open_workbook(csv) as wb:
        assert wb.formula_cells(0) == {}
    book = open_workbook(_with_sheet(tmp_path / "x.xlsx", SHEET))
    with book, pytest.raises(UserFacingError, match="no sheet"):
        book.formula_cells("Nope")


def test_damaged_sheet_xml_is_a_clear_message(tmp_path: Path) -> None:
    path = _with_sheet(tmp_path / "broken.xlsx", SHEET.replace("</row>\n</sheetData>", ""))
    with open_workbook(path) as wb, pytest.raises(UserFacingError, match="cannot be read"):
        wb.formula_cells("Data")


def test_import_reports_mapped_formula_cells(ctx: Any, tmp_path: Path) -> None:
    """An invoice list written by a script: the amounts are formulas never calculated."""
    make_customer(ctx, "甲公司")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["发票号", "客户", "开票日期", "数量", "单价", "金额"])
    ws.append(["INV-1", "甲公司", "2026-06-01", 2, 50, "=D2*E2"])
    ws.append(["INV-2", "甲公司", "2026-06-02", 1, 80, 80])
    ws.append(["INV-3", "甲公司", "2026-06-03", 1, 80, "=1/0"])
    path = tmp_path / "script_invoices.xlsx"
    wb.save(path)
    plan = plan_import(ctx, path, "invoices")
    formula_errors = [e for e in plan.errors if "saved value" in e.message]
    assert [(e.row, e.column) for e in formula_errors] == [(2, "F"), (4, "F")]
    assert "formula =D2*E2 has no saved value" in formula_errors[0].message
    assert plan.errors == formula_errors  # nothing else, e.g. no "required" for those cells
    assert [r.row_number for r in plan.to_create] == [3]
