"""Cell text over Excel's 32,767 characters is rejected in every format, naming row and column."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.io.excel.header import data_rows
from desktop_ar.io.excel.mapping import guess_mapping
from desktop_ar.io.excel.reader import open_workbook
from desktop_ar.io.excel.records import convert_rows
from tests.io.spreadsheets import ods_bytes, xls_bytes, xlsb_bytes

LONG = "长" * 32_768  # one character over the limit
FITS = "x" * 32_767
ROWS = [["客户编号", "客户名称"], ["C001", FITS], ["C002", LONG], ["C003", "Acme"]]


def _xlsx(rows: list[list[str]]) -> bytes:
    """openpyxl cuts text at 32,767 characters; the long text is put back into the XML."""
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(["@LONG@" if value == LONG else value for value in row])
    raw, out = io.BytesIO(), io.BytesIO()
    wb.save(raw)
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info).replace(b"@LONG@", LONG.encode()))
    return out.getvalue()


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8")


WRITERS: dict[str, Callable[[list[list[str]]], bytes]] = {
    "xlsx": _xlsx,
    "xls": lambda rows: xls_bytes({"Sheet": rows}),
    "xlsb": lambda rows: xlsb_bytes({"Sheet": rows}),
    "ods": lambda rows: ods_bytes({"Sheet": rows}),
    "csv": _csv,
}


@pytest.mark.parametrize("ext", sorted(WRITERS))
def test_text_over_32767_is_rejected_with_row_and_column(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"customers.{ext}"
    path.write_bytes(WRITERS[ext](ROWS))
    with open_workbook(path) as wb:
        rows = list(wb.rows(0))
    assert len(rows[2][1]) == 32_768  # read whole; the converter decides
    body = data_rows(rows, 0)
    result = convert_rows(
        body.rows,
        guess_mapping(rows[0], "customers"),
        "customers",
        file=path.name,
        sheet="Sheet",
        default_currency="CNY",
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "B")]
    message = result.errors[0].message
    assert "row 3, column B" in message and "32768 characters" in message and "32767" in message
    assert [r.row_number for r in result.records] == [2, 4]


def test_csv_field_over_the_reader_limit_fails_the_file_clearly(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(_csv([["客户编号", "客户名称"], ["C001", "x" * (1024 * 1024 + 1)]]))
    with open_workbook(path) as wb, pytest.raises(UserFacingError) as info:
        list(wb.rows(0))
    assert "line 2" in info.value.message and "32,767" in info.value.message
