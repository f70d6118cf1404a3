"""Small spreadsheets built byte by byte for tests: .ods, .xlsb and .xls (BIFF8 in an OLE file).

No library here writes .xlsb or .xls, and odfpy is not a dependency, so the tests make the few
records python-calamine needs (MS-XLSB, MS-XLS, MS-CFB and OpenDocument 1.2, minimal subsets).
Cell values: ``str``, ``float``/``int``, ``bool`` or ``date`` (written as a date-formatted serial).
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

Row = Sequence[object]

_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)


def _serial(value: date, date1904: bool) -> float:
    return float((value - (_EPOCH_1904 if date1904 else _EPOCH_1900)).days)


# --- OpenDocument --------------------------------------------------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _ods_cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        flag = "true" if value else "false"
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{flag}"/>'
    if isinstance(value, date):
        iso = value.isoformat()
        return f'<table:table-cell office:value-type="date" office:date-value="{iso}"/>'
    if isinstance(value, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{value}"/>'
    text = escape(str(value))
    cell = '<table:table-cell office:value-type="string">'
    return f"{cell}<text:p>{text}</text:p></table:table-cell>"


def ods_bytes(
    sheets: dict[str, list[Row]], *, hidden: Sequence[str] = (), encrypted: bool = False
) -> bytes:
    """An OpenDocument spreadsheet: the mimetype part first and stored, manifest, content."""
    tables = []
    for name, rows in sheets.items():
        style = ' table:style-name="hid"' if name in hidden else ""
        body = "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
            for row in rows
        )
        # LibreOffice pads a sheet with one huge repeated empty row and column; so do we.
        body += (
            '<table:table-row table:number-rows-repeated="1048000">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        )
        tables.append(f'<table:table table:name="{escape(name)}"{style}>{body}</table:table>')
    styles = (
        '<office:automatic-styles><style:style style:name="hid" style:family="table">'
        '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        f'office:version="1.2">{styles}<office:body><office:spreadsheet>{"".join(tables)}'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    secret = "<manifest:encryption-data/>" if encrypted else ""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        f'manifest:full-path="content.xml" manifest:media-type="text/xml">{secret}'
        "</manifest:file-entry></manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# --- Excel binary (.xlsb) ------------------------------------------------------------------------


def _record(typ: int, data: bytes = b"") -> bytes:
    head = bytes([typ]) if typ < 0x80 else bytes([(typ & 0x7F) | 0x80, typ >> 7])
    size, out = len(data), bytearray()
    while True:
        out.append((size & 0x7F) | (0x80 if size > 0x7F else 0))
        size >>= 7
        if not size:
            break
    return head + bytes(out) + data


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def _xlsb_cell(col: int, value: object, date1904: bool) -> bytes:
    if isinstance(value, bool):
        return _record(0x0004, struct.pack("<IIB", col, 0, value))  # BrtCellBool
    if isinstance(value, date):
        return _record(0x0005, struct.pack("<IId", col, 1, _serial(value, date1904)))
    if isinstance(value, int | float):
        return _record(0x0005, struct.pack("<IId", col, 0, float(value)))  # BrtCellReal
    return _record(0x0006, struct.pack("<II", col, 0) + _wide(str(value)))  # BrtCellSt


def xlsb_bytes(sheets: dict[str, list[Row]], *, date1904: bool = False) -> bytes:
    """An Excel binary workbook; style 1 has the built-in date format 14."""
    book = _record(0x0083) + _record(0x0099, struct.pack("<II", int(date1904), 0) + _wide(""))
    book += _record(0x008F)  # BrtBeginBundleShs
    rels = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, (name, rows) in enumerate(sheets.items(), start=1):
            book += _record(0x009C, struct.pack("<II", 0, n) + _wide(f"rId{n}") + _wide(name))
            rels.append(
                f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/'
                f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.bin"/>'
            )
            width = max((len(r) for r in rows), default=1)
            sheet = _record(0x0081) + _record(
                0x0094, struct.pack("<IIII", 0, max(len(rows) - 1, 0), 0, max(width - 1, 0))
            )
            sheet += _record(0x0091)  # BrtBeginSheetData
            for r, row in enumerate(rows):
                sheet += _record(0x0000, struct.pack("<IIHHBI", r, 0, 300, 0, 0, 0))
                sheet += b"".join(
                    _xlsb_cell(c, v, date1904) for c, v in enumerate(row) if v is not None
                )
            sheet += _record(0x0092) + _record(0x0082)
            z.writestr(f"xl/worksheets/sheet{n}.bin", sheet)
        book += _record(0x0090) + _record(0x009D, b"\0" * 26) + _record(0x0084)
        z.writestr("xl/workbook.bin", book)
        z.writestr(
            "xl/_rels/workbook.bin.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">' + "".join(rels) + "</Relationships>",
        )
        xf = struct.pack("<HHHBBHH", 0, 0, 0, 0, 0, 0, 0) + b"\0" * 2
        date_xf = struct.pack("<HHHBBHH", 0, 14, 0, 0, 0, 0, 0) + b"\0" * 2
        styles = _record(0x0269, struct.pack("<I", 2)) + _record(0x002F, xf)
        z.writestr("xl/styles.bin", styles + _record(0x002F, date_xf) + _record(0x026A))
        z.writestr("[Content_Types].xml", "<Types/>")
    return buf.getvalue()


# --- Excel 97-2003 (.xls): BIFF8 records in a compound file --------------------------------------


def _biff(typ: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def _bof(kind: int) -> bytes:
    return _biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x0006))


def _short_string(text: str) -> bytes:
    """ShortXLUnicodeString (a sheet name): one-byte length, then UTF-16."""
    return struct.pack("<BB", len(text), 1) + text.encode("utf-16-le")


def _sst(strings: list[str]) -> bytes:
    """SST with CONTINUE records: a string longer than one record goes on in the next."""
    first = struct.pack("<II", len(strings), len(strings))
    records, current = [], bytearray(first)
    for text in strings:
        wide = any(ord(ch) > 255 for ch in text)
        data = text.encode("utf-16-le" if wide else "latin-1")
        if len(current) + 4 > 8224:
            records.append(current)
            current = bytearray()
        current += struct.pack("<HB", len(text), int(wide))
        step = 2 if wide else 1
        while data:
            room = (8224 - len(current)) // step * step
            current += data[:room]
            data = data[room:]
            if data:
                records.append(current)
                current = bytearray([int(wide)])  # a CONTINUE of a string repeats its flags
    records.append(current)
    return _biff(0x00FC, bytes(records[0])) + b"".join(_biff(0x003C, bytes(r)) for r in records[1:])


def _xls_stream(sheets: dict[str, list[Row]], *, filepass: bool, date1904: bool) -> bytes:
    cells = [v for rows in sheets.values() for row in rows for v in row]
    strings = sorted({v for v in cells if isinstance(v, str)})
    index = {text: n for n, text in enumerate(strings)}
    head = _bof(0x0005)
    if filepass:  # RC4 CryptoAPI header start; nothing after it would be readable
        head += _biff(0x002F, struct.pack("<HHH", 1, 2, 2) + b"\0" * 48)
    head += _biff(0x0042, struct.pack("<H", 1200)) + _biff(0x0022, struct.pack("<H", date1904))
    xf = struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    date_xf = struct.pack("<HHHBBBBIIH", 0, 14, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    head += _biff(0x00E0, xf) + _biff(0x00E0, date_xf)
    bodies = []
    for rows in sheets.values():
        body = _bof(0x0010)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    body += _biff(0x00FD, struct.pack("<HHHI", r, c, 0, index[v]))
                elif isinstance(v, bool):
                    body += _biff(0x0205, struct.pack("<HHHBB", r, c, 0, int(v), 0))
                elif isinstance(v, date):
                    body += _biff(0x0203, struct.pack("<HHHd", r, c, 1, _serial(v, date1904)))
                elif isinstance(v, int | float):
                    body += _biff(0x0203, struct.pack("<HHHd", r, c, 0, float(v)))
        bodies.append(body + _biff(0x000A))
    tail = _sst(strings) + _biff(0x000A)
    pos = len(head) + sum(4 + 6 + len(_short_string(name)) for name in sheets) + len(tail)
    bounds = b""
    for name, body in zip(sheets, bodies, strict=True):
        bounds += _biff(0x0085, struct.pack("<IBB", pos, 0, 0) + _short_string(name))
        pos += len(body)
    return head + bounds + tail + b"".join(bodies)


def _cfb(stream: bytes) -> bytes:
    """A compound file (v3, 512-byte sectors) holding one stream named Workbook."""
    stream += b"\0" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    data_sectors = len(stream) // 512
    fat_sectors = -(-(data_sectors + 2 + 8) // 128)
    fat = [0xFFFFFFFD] * fat_sectors + [0xFFFFFFFE]  # FAT sectors, then the directory
    first = len(fat)
    fat += [first + i + 1 for i in range(data_sectors - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (fat_sectors * 128 - len(fat))
    difat = list(range(fat_sectors)) + [0xFFFFFFFF] * (109 - fat_sectors)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    end, directory_sector = 0xFFFFFFFE, fat_sectors
    # directory sectors (0 in v3), FAT sectors, first directory sector, transaction, mini cutoff,
    # first mini-FAT sector, mini-FAT sectors, first DIFAT sector, DIFAT sectors
    fields = (0, fat_sectors, directory_sector, 0, 4096, end, 0, end, 0)
    header += struct.pack("<9I", *fields)
    header += struct.pack("<109I", *difat)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    root = entry("Root Entry", 5, 1, end, 0)
    directory = (root + entry("Workbook", 2, 0xFFFFFFFF, first, len(stream))).ljust(512, b"\0")
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + stream


def xls_bytes(
    sheets: dict[str, list[Row]], *, filepass: bool = False, date1904: bool = False
) -> bytes:
    """A BIFF8 workbook; text goes through the shared string table (with CONTINUE records)."""
    return _cfb(_xls_stream(sheets, filepass=filepass, date1904=date1904))
