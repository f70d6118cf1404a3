"""Every spreadsheet format the import reads: .ods, .xlsb, .xls, decided by content, not name."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.io.excel.reader import SheetInfo, open_workbook
from desktop_ar.io.files import detect_kind
from tests.io.spreadsheets import ods_bytes, xls_bytes, xlsb_bytes

ROWS = [
    ["客户名称", "金额", "日期", "已付"],
    ["上海甲公司", 1234.5, date(2025, 3, 1), True],
    ["Café Ünïon", 5, date(2024, 2, 29), False],
]
BUILDERS = {"ods": ods_bytes, "xlsb": xlsb_bytes, "xls": xls_bytes}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _refused(path: Path) -> str:
    with pytest.raises(UserFacingError) as info:
        open_workbook(path)
    assert info.value.code == "invalid"
    return info.value.message


@pytest.mark.parametrize("kind", ["ods", "xlsb", "xls"])
def test_format_opens_with_sheets_rows_and_dates(tmp_path: Path, kind: str) -> None:
    path = _write(tmp_path, f"book.{kind}", BUILDERS[kind]({"发票": ROWS, "Other": [["x"]]}))
    assert detect_kind(path).kind in (kind, "xlsx")  # a zip is told apart by check_zip_package
    with open_workbook(path) as wb:
        assert wb.kind == kind
        assert [s.name for s in wb.sheets] == ["发票", "Other"]
        rows = list(wb.rows("发票"))
        assert rows[0] == ROWS[0]
        assert rows[1] == ["上海甲公司", 1234.5, date(2025, 3, 1), True]
        assert rows[2][2] == date(2024, 2, 29) and rows[2][1] == 5
        assert list(wb.rows(1)) == [["x"]]
        assert list(wb.rows(0, limit=1)) == [ROWS[0]]
        assert wb.formula_cells(0) == {}
        with pytest.raises(UserFacingError, match="no sheet"):
            list(wb.rows("nope"))


@pytest.mark.parametrize("kind", ["xlsb", "xls"])
def test_1904_date_system_gives_the_same_dates(tmp_path: Path, kind: str) -> None:
    path = _write(tmp_path, f"b.{kind}", BUILDERS[kind]({"S": ROWS}, date1904=True))
    with open_workbook(path) as wb:
        assert [r[2] for r in list(wb.rows(0))[1:]] == [date(2025, 3, 1), date(2024, 2, 29)]
        assert wb.date1904 == (kind == "xls")  # .xlsb: calamine converts, the flag is unknown


def test_ods_hidden_sheet_and_padding_rows(tmp_path: Path) -> None:
    """LibreOffice pads sheets with a million repeated empty rows: they must cost nothing."""
    path = _write(tmp_path, "b.ods", ods_bytes({"Data": ROWS, "Secret": [[1]]}, hidden=["Secret"]))
    with open_workbook(path) as wb:
        assert wb.sheets == [SheetInfo("Data", True), SheetInfo("Secret", False)]
        assert len(list(wb.rows("Data"))) == 3


@pytest.mark.parametrize(("kind", "wrong"), [("ods", ".xlsx"), ("xlsb", ".xlsx"), ("xls", ".xlsx")])
def test_content_decides_not_the_name(tmp_path: Path, kind: str, wrong: str) -> None:
    path = _write(tmp_path, f"renamed{wrong}", BUILDERS[kind]({"S": ROWS}))
    with open_workbook(path) as wb:
        assert wb.kind == kind
        assert any("really an" in note for note in wb.notes)
        assert list(wb.rows(0))[1][0] == "上海甲公司"


def test_encrypted_ods_is_password_protected(tmp_path: Path) -> None:
    path = _write(tmp_path, "secret.ods", ods_bytes({"S": ROWS}, encrypted=True))
    assert "password-protected" in _refused(path)


def test_odt_renamed_to_ods_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    path = _write(tmp_path, "letter.ods", buf.getvalue())
    assert "OpenDocument text document" in _refused(path)


def test_xls_with_filepass_is_password_protected(tmp_path: Path) -> None:
    """An encrypted .xls is BIFF with a FILEPASS record, not an EncryptedPackage stream."""
    path = _write(tmp_path, "locked.xls", xls_bytes({"S": ROWS}, filepass=True))
    message = _refused(path)
    assert "password-protected" in message and "damaged" not in message


def test_real_xls_with_filepass_is_password_protected(tmp_path: Path, shared_data: Path) -> None:
    """A real Excel .xls with its first record after the BOF turned into FILEPASS (RC4)."""
    data = bytearray((shared_data / "excel_quirks" / "calamine__date.xls").read_bytes())
    at = data.find(b"\x09\x08\x10\x00\x00\x06\x05\x00") + 20
    data[at : at + 6] = b"\x2f\x00\x02\x00\x01\x00"  # FILEPASS, 2 bytes: wEncryptionType = 1
    assert "password-protected" in _refused(_write(tmp_path, "locked.xls", bytes(data)))


def test_chart_sheet_is_not_listed_and_indexes_skip_it(shared_data: Path) -> None:
    """any_sheets.xlsx ends with a chart sheet; sheet indexes count worksheets only."""
    with open_workbook(shared_data / "excel_quirks" / "calamine__any_sheets.xlsx") as wb:
        assert [s.name for s in wb.sheets] == ["Visible", "Hidden", "VeryHidden"]
        assert list(wb.rows(0))[:3] == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
        assert list(wb.rows(2)) == list(wb.rows("VeryHidden")) == []
        with pytest.raises(UserFacingError, match="no sheet"):
            list(wb.rows("Chart"))
