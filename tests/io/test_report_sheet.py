"""Report sheets: heading lines, several tables on one sheet, widths, panes, print setup."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_ar.domain.money import Money
from desktop_ar.io.excel.report_sheet import Block, ReportSheet, write_report_xlsx
from desktop_ar.io.excel.writer import Column

LINES = Block(
    [Column("Date", "date"), Column("Text"), Column("Amount", "money")],
    [[date(2026, 6, 1), "=1+1", Money.of("12.50", "CNY")]],
    lead=[[None, "Opening", Money.of("1", "CNY")]],
    totals=[[None, "Closing", Money.of("13.50", "CNY")]],
)
ITEMS = Block(
    [Column("Number"), Column("Due", "date"), Column("Days", "int"), Column("A much longer title")],
    [["INV-1", date(2026, 7, 1), 3, "x"]],
    title="Open items",
    align={1: "left"},
)


def test_heading_blocks_and_footer_are_written_in_order(tmp_path: Path) -> None:
    sheet = ReportSheet("Report: 6/2026", ["Company", "Title", "Customer"], [LINES, ITEMS], ["End"])
    path = write_report_xlsx(tmp_path / "r.xlsx", [sheet])
    wb = openpyxl.load_workbook(path)
    ws = wb["Report_ 6_2026"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert [r[0] for r in rows] == [
        "Company",
        "Title",
        "Customer",
        None,
        "Date",
        None,
        rows[6][0],
        None,
        None,
        "Open items",
        "Number",
        "INV-1",
        None,
        "End",
    ]
    assert rows[4][:3] == ["Date", "Text", "Amount"]
    assert rows[5][1:3] == ["Opening", 1] and rows[7][1:3] == ["Closing", 13.5]
    assert ws["A1"].font.sz == 14 and ws["A1"].font.b and ws["A2"].font.b and not ws["A3"].font.b
    assert ws["A5"].font.b and ws["A6"].font.b and not ws["B7"].font.b and ws["B8"].font.b
    assert ws["B7"].value == "=1+1" and ws["B7"].data_type == "s" and ws["B7"].quotePrefix
    assert ws["B12"].is_date and ws["B12"].alignment.horizontal == "left"
    assert ws["C12"].number_format == "0" and ws["C7"].number_format == "#,##0.00"
    # Widths fit every table in the column; panes freeze below the first header.
    assert ws.column_dimensions["D"].width >= len("A much longer title")
    assert ws.freeze_panes == "A6"
    assert ws.print_title_rows == "$5:$5"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddFooter.center.text == "&P / &N"


def test_a_block_title_moves_the_frozen_header(tmp_path: Path) -> None:
    path = write_report_xlsx(tmp_path / "r.xlsx", [ReportSheet("S", [], [ITEMS], landscape=True)])
    ws = openpyxl.load_workbook(path)["S"]
    assert ws["A1"].value == "Open items" and ws["A2"].value == "Number"
    assert ws.freeze_panes == "A3" and ws.page_setup.orientation == "landscape"


def test_bad_rows_and_values_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    short = Block([Column("A"), Column("B")], [["only one"]])
    with pytest.raises(ValueError, match="1 values, not 2"):
        write_report_xlsx(target, [ReportSheet("S", [], [short])])
    with pytest.raises(TypeError):
        bad = Block([Column("A", "money")], [[1.5]])
        write_report_xlsx(target, [ReportSheet("S", [], [bad])])
    with pytest.raises(ValueError, match="at least one sheet"):
        write_report_xlsx(target, [])
    assert not target.exists()


def test_before_rename_runs_once_and_a_failure_there_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old")
    calls: list[bool] = []

    def fail() -> None:
        calls.append(target.with_name("r.xlsx.tmp").exists())
        raise RuntimeError("audit failed")

    with pytest.raises(RuntimeError):
        write_report_xlsx(target, [ReportSheet("S", ["t"], [LINES])], before_rename=fail)
    assert calls == [True] and target.read_bytes() == b"old"
    assert not target.with_name("r.xlsx.tmp").exists()
    write_report_xlsx(target, [ReportSheet("S", ["t"], [LINES])], before_rename=lambda: None)
    assert openpyxl.load_workbook(target)["S"]["A1"].value == "t"
