"""Opening files: detection, encodings, delimiters, and refusing unsafe or wrong files early."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.io.excel.reader import SheetInfo, open_workbook

ROWS = [
    ["客户名称", "金额", "日期"],
    ["上海甲公司", "1,234.50", "2025-03-01"],
    ["Café Ünïon", "5", "x"],
]


def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "发票"
    for row in ROWS:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(src: bytes, dest: Path, replace: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            data = replace.pop(info.filename, None) or zin.read(info)
            zout.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
        for name, data in replace.items():
            zout.writestr(name, data, zipfile.ZIP_DEFLATED)


def _refused(path: Path) -> str:
    with pytest.raises(UserFacingError) as info:
        open_workbook(path)
    assert info.value.code == "invalid"
    assert info.value.params["field"] == path.name
    return info.value.message


def test_xlsx_roundtrip_sheets_and_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(_xlsx_bytes())
    with open_workbook(path) as wb:
        assert wb.kind == "xlsx"
        assert wb.sheets == [SheetInfo("发票", True)]
        assert list(wb.rows("发票")) == ROWS
        assert list(wb.rows(0, limit=1)) == ROWS[:1]
        with pytest.raises(UserFacingError, match="no sheet"):
            list(wb.rows("nope"))


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-8", "utf-8"),
    ],
)
def test_csv_encoding_detected_and_reported(tmp_path: Path, encoding: str, expected: str) -> None:
    rows = [["客户名称", "金额"], ["上海甲公司", "1234.50"]]  # cp1252 cannot hold it
    path = tmp_path / "x.csv"
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode(encoding))
    with open_workbook(path) as wb:
        assert wb.encoding == expected
        assert any(expected in note for note in wb.notes)
        assert list(wb.rows(0)) == rows


def test_csv_cp1252_fallback(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes("Name;Betrag\nCafé Ünïon;5\n".encode("cp1252"))
    with open_workbook(path) as wb:
        assert (wb.encoding, wb.delimiter) == ("cp1252", ";")
        assert list(wb.rows(0))[1] == ["Café Ünïon", "5"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "x.csv"
    lines = ["Customer" + delimiter + "Amount" + delimiter + "Date"]
    lines += [f"C{i}{delimiter}1,{i:03d}.50{delimiter}2025-03-01" for i in range(5)]
    if delimiter == ",":
        lines = [lines[0]] + [f'C{i},"1,{i:03d}.50",2025-03-01' for i in range(5)]
    path.write_text("\n".join(lines), encoding="utf-8")
    with open_workbook(path) as wb:
        assert wb.delimiter == delimiter
        assert list(wb.rows(0))[1] == ["C0", "1,000.50", "2025-03-01"]


def test_renamed_csv_as_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_text("客户名称,金额\n甲,1\n", encoding="utf-8")
    assert "text (CSV) file" in _refused(path)


def test_renamed_docx_as_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert "Word document" in _refused(path)


def test_html_saved_as_xls_and_empty_and_unsupported(tmp_path: Path) -> None:
    html = tmp_path / "bank.xls"
    html.write_text("<html><table><tr><td>1</td></tr></table></html>", encoding="utf-8")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    messages = {_refused(html), _refused(empty), _refused(pdf)}
    assert len(messages) == 3
    assert any("web page" in m for m in messages)
    assert any("empty" in m for m in messages)
    assert any("not supported" in m for m in messages)


def test_damaged_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(_xlsx_bytes()[:2000])
    assert "damaged" in _refused(path)


def test_zip_bomb_ratio_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    bomb = b"<sheetData>" + b"0" * (30 * 1024 * 1024) + b"</sheetData>"
    _rezip(_xlsx_bytes(), path, {"xl/worksheets/sheet1.xml": bomb})
    message = _refused(path)
    assert "file too large or malformed" in message and "100:1" in message


def test_huge_declared_size_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    _rezip(_xlsx_bytes(), path, {})
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")  # first central directory entry: uncompressed size at +24
    struct.pack_into("<I", data, at + 24, 300 * 1024 * 1024)
    path.write_bytes(bytes(data))
    message = _refused(path)
    assert "file too large or malformed" in message and "MB" in message


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>',  # billion laughs
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>',  # external entity
    ],
)
def test_dtd_in_a_part_is_refused(tmp_path: Path, prolog: bytes) -> None:
    src = _xlsx_bytes()
    with zipfile.ZipFile(io.BytesIO(src)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    path = tmp_path / "dtd.xlsx"
    _rezip(src, path, {"xl/worksheets/sheet1.xml": b'<?xml version="1.0"?>' + prolog + sheet})
    assert "unsafe or invalid Excel file" in _refused(path)


def test_bad_part_name_refused(tmp_path: Path) -> None:
    path = tmp_path / "slip.xlsx"
    _rezip(_xlsx_bytes(), path, {"../../evil.xml": b"<x/>"})
    assert "part name" in _refused(path)


def test_missing_file() -> None:
    with pytest.raises(UserFacingError) as info:
        open_workbook(Path("/nonexistent/x.xlsx"))
    assert info.value.code == "file_missing"


def test_xlsm_macros_noted(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsm"
    _rezip(_xlsx_bytes(), path, {"xl/vbaProject.bin": b"\x00" * 10})
    with open_workbook(path) as wb:
        assert any("never run" in n for n in wb.notes)


# --- real files (../shared/data) -----------------------------------------------------------------


def test_real_password_protected(shared_data: Path) -> None:
    """Trap: calamine__pass_protected.xlsx is an encrypted OLE container, not a zip."""
    message = _refused(shared_data / "excel_quirks" / "calamine__pass_protected.xlsx")
    assert "password-protected" in message


def test_real_backslash_paths_open(shared_data: Path) -> None:
    """Trap: issue_530.xlsx uses backslash part names that openpyxl cannot open."""
    with open_workbook(shared_data / "excel_quirks" / "calamine__issue_530.xlsx") as wb:
        assert wb.sheets[0].name == "出勤分类组织汇总表"


def test_real_1904_twins_give_same_dates(shared_data: Path) -> None:
    """Trap: date_1904.xlsx and date.xlsx hold the same dates in different date systems."""
    folder = shared_data / "excel_quirks"
    with open_workbook(folder / "calamine__date.xlsx") as a:
        plain = list(a.rows(0))
        assert not a.date1904
    with open_workbook(folder / "calamine__date_1904.xlsx") as b:
        twin = list(b.rows(0))
        assert b.date1904
    assert plain == twin and plain[0][0] == date(2021, 1, 1)


def test_real_hidden_sheets(shared_data: Path) -> None:
    """Trap: any_sheets.xlsx has hidden and very hidden sheets."""
    with open_workbook(shared_data / "excel_quirks" / "calamine__any_sheets.xlsx") as wb:
        hidden = {s.name for s in wb.sheets if not s.visible}
    assert hidden == {"Hidden", "VeryHidden"}


def test_real_gb18030_and_bom_csv(shared_data: Path) -> None:
    """Trap: the Alipay export is GBK; easyexcel's office_bom.csv has a UTF-8 BOM."""
    with open_workbook(
        shared_data / "bank_statements/csv/deb-sig-deg__alipay__alipay-records.csv"
    ) as wb:
        assert wb.encoding == "gb18030"
    with open_workbook(shared_data / "excel_quirks/easyexcel__bom_office_bom.csv") as wb:
        assert wb.encoding == "utf-8-sig"
        assert next(iter(wb.rows(0))) == ["姓名", "年纪"]


def test_ods_named_csv_names_the_right_extension(tmp_path: Path) -> None:
    from tests.io.spreadsheets import ods_bytes

    path = tmp_path / "table.csv"
    path.write_bytes(ods_bytes({"S": [["a"]]}))
    assert "rename it to .ods" in _refused(path)


def test_formula_sheets_noted_while_scanning_for_dtds(tmp_path: Path) -> None:
    from desktop_ar.io.files import check_zip_package

    wb = openpyxl.Workbook()
    wb.active.append([1, 2])
    wb.create_sheet("F").append([1, "=A1*2"])
    wb.create_sheet("E")
    path = tmp_path / "f.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        error_sheet = (
            z.read("xl/worksheets/sheet3.xml")
            .replace(
                b"</worksheet>",
                b'<sheetData><row r="1"><c r="A1" t="e"><v>#N/A</v></c></row>'
                b"</sheetData></worksheet>",
            )
            .replace(b"<sheetData/>", b"")
        )
    replaced = tmp_path / "g.xlsx"
    _rezip(path.read_bytes(), replaced, {"xl/worksheets/sheet3.xml": error_sheet})
    kind = check_zip_package(replaced)
    assert kind.kind == "xlsx"
    assert kind.formula_parts == {"xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"}
    with open_workbook(replaced) as book:
        assert book.formula_cells("E") == {
            (0, 0): "error value #N/A; correct it in the file or type the value"
        }


def test_dtd_in_a_utf16_part_is_refused(tmp_path: Path) -> None:
    src = _xlsx_bytes()
    with zipfile.ZipFile(io.BytesIO(src)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    body = sheet.split("?>", 1)[-1]  # openpyxl may or may not write a declaration
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + body
    path = tmp_path / "dtd16.xlsx"
    _rezip(src, path, {"xl/worksheets/sheet1.xml": text.encode("utf-16")})
    assert "unsafe or invalid Excel file" in _refused(path)
