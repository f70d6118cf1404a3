"""Detecting what an input file really is, and refusing unsafe ones before any parser sees them.

Nothing here trusts the file name: the first bytes decide. A zip package (``.xlsx``/``.xlsm``,
``.xlsb``, ``.ods``) must have sane declared sizes, compression ratios and part names, and XML
parts without a DTD (a DTD is how billion-laughs and external-entity attacks start, and neither
Excel nor LibreOffice writes one). While the parts are scanned for that, the worksheets of an
``.xlsx`` that contain formulas or error values are noted (``FileKind.formula_parts``) at no extra
cost, so that only those are parsed again to find formulas without a saved value. A BIFF ``.xls``
is refused when its first records hold a FILEPASS (encryption or XOR obfuscation). Every
refusal is a ``UserFacingError("invalid", field=<file name>, reason=<sentence>)`` with a distinct
sentence per cause, so the user learns what to do.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.io.text_encoding import detect_encoding

__all__ = [
    "MAX_PARTS",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "FileKind",
    "check_zip_package",
    "detect_encoding",
    "detect_kind",
    "part_key",
    "refuse",
]

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # sum of declared uncompressed sizes of all parts
MAX_RATIO = 100  # uncompressed : compressed, per part (parts over 1 MiB) and overall
MAX_PARTS = 10_000
_RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_EXCEL_EXTS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
_TEXT_EXTS = {".csv", ".txt"}
SUPPORTED = ", ".join(sorted(_EXCEL_EXTS | _TEXT_EXTS))

# Byte patterns that start a DTD, in UTF-8 (and any ASCII-compatible encoding) and, for a part
# that starts like UTF-16 (a BOM or "<" next to a zero byte), in both UTF-16 byte orders.
_DTD_WORDS = ("<!DOCTYPE", "<!ENTITY")
_DTD_MARKERS = tuple(word.encode() for word in _DTD_WORDS)
_DTD_MARKERS_16 = tuple(
    word.encode(enc) for word in _DTD_WORDS for enc in ("utf-16-le", "utf-16-be")
)
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
# A worksheet part holding one of these has a formula (its end tag) or an error cell (t="e"):
# only such parts can hold cells whose value calamine cannot give. A part written with prefixed
# tags (<x:f>) or single-quoted attributes is counted in whatever it holds.
_FORMULA_MARKERS = (b"</f>", b't="e"')
_ODD_MARKUP = (b":sheetData", b"='")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
# BOF records of BIFF8 and BIFF5 workbook globals; FILEPASS and DATE1904 follow them closely.
_BIFF_BOFS = (b"\x09\x08\x10\x00\x00\x06\x05\x00", b"\x09\x08\x08\x00\x00\x05\x05\x00")
_PASSWORD = (
    "the workbook is password-protected; open it in Excel, remove the password "
    "(File > Info > Protect Workbook > Encrypt with Password) and save it again"
)


@dataclass(frozen=True, slots=True)
class FileKind:
    """What the first bytes say a file is.

    Attributes:
        kind: ``"xlsx"`` (OOXML zip; also .xlsm), ``"xlsb"`` (Excel binary in a zip), ``"ods"``
            (OpenDocument spreadsheet), ``"xls"`` (BIFF in an OLE container) or ``"text"``
            (csv/txt). ``detect_kind`` says ``"xlsx"`` for any zip that is not clearly an
            OpenDocument file; ``check_zip_package`` then tells xlsx, xlsb and ods apart.
        notes: remarks for the user, e.g. that macros are present and will not run; the marker
            ``"date1904"`` for a workbook in the 1904 date system.
        formula_parts: ``part_key`` names of the ``.xlsx`` worksheet parts that contain a formula
            or an error value (filled by ``check_zip_package``).
    """

    kind: str
    notes: tuple[str, ...] = ()
    formula_parts: frozenset[str] = frozenset()


def part_key(name: str) -> str:
    """A part name (as stored, some writers use backslashes) in the form compared here.

    E.g. ``xl/worksheets/sheet1.xml`` for ``/xl/Worksheets/sheet1.xml``.
    """
    return name.replace("\\", "/").lstrip("/").lower()


def refuse(path: Path, reason: str) -> UserFacingError:
    """Build the error for a file that cannot be read.

    Args:
        path: the file.
        reason: one sentence, without a final full stop, that says what is wrong and what to do.

    Returns:
        ``UserFacingError("invalid", field=<file name>, reason=reason)``.
    """
    return UserFacingError("invalid", field=path.name, reason=reason)


def detect_kind(path: Path) -> FileKind:
    """Decide from the content what kind of file ``path`` is, or refuse it clearly.

    Args:
        path: the file chosen by the user.

    Returns:
        The detected kind.

    Raises:
        UserFacingError: ``file_missing``, or ``invalid`` with a distinct sentence for an empty
            file, a password-protected workbook (encrypted OOXML, or a BIFF FILEPASS), a
            Word/PDF/HTML/other file renamed to an Excel name, a text file renamed to .xlsx, a zip
            that is no workbook, or an unsupported extension.
    """
    if not path.is_file():
        raise UserFacingError("file_missing", path=str(path))
    ext = path.suffix.lower()
    if ext not in _EXCEL_EXTS | _TEXT_EXTS:
        raise refuse(path, f"files of type {ext or '(none)'} are not supported; use {SUPPORTED}")
    with path.open("rb") as fh:
        head = fh.read(512 * 1024)
    if not head:
        raise refuse(path, "the file is empty")
    if head.startswith(_OLE_MAGIC):
        # CFB directory entries hold stream names in UTF-16-LE; an encrypted OOXML package
        # has the EncryptionInfo and EncryptedPackage streams.
        if "EncryptedPackage".encode("utf-16-le") in head:
            raise refuse(path, _PASSWORD)
        if "WordDocument".encode("utf-16-le") in head:
            raise refuse(path, "this is a Word document, not an Excel workbook")
        if ext in _TEXT_EXTS:
            raise refuse(path, f"this is an Excel .xls workbook named {ext}; rename it to .xls")
        encrypted, date1904 = _biff_globals(head)
        if encrypted:
            raise refuse(path, _PASSWORD)
        return FileKind("xls", ("date1904",) if date1904 else ())
    if head.startswith(_ZIP_MAGICS):
        # An OpenDocument package starts with its stored "mimetype" part.
        kind = "ods" if _ODS_MIME in head[:256] else "xlsx"
        if ext in _TEXT_EXTS:
            raise refuse(path, f"this is a zip or .{kind} file named {ext}; rename it to .{kind}")
        return FileKind(kind)
    if head.startswith(b"%PDF"):
        raise refuse(
            path, "this is a PDF file, not a spreadsheet; export the data as .xlsx or .csv"
        )
    if ext in _EXCEL_EXTS:
        sample = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if sample.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<table" in (
            sample
        ):
            raise refuse(
                path,
                f"this is a web page (HTML/XML) saved with an {ext} name; open it in Excel and "
                "save it as .xlsx",
            )
        raise refuse(
            path,
            f"this is a text (CSV) file with an {ext} name, not an Excel workbook; rename it to "
            ".csv and import it as CSV",
        )
    return FileKind("text")


def _biff_globals(head: bytes) -> tuple[bool, bool]:
    """``(encrypted, date1904)`` from the first records of a BIFF workbook stream.

    Only the first 512 bytes after the BOF are walked: that sector is contiguous in the file,
    and FILEPASS (right after the BOF) and DATE1904 lie within it in files Excel writes.
    """
    at = next((i for i in (head.find(bof) for bof in _BIFF_BOFS) if i >= 0), -1)
    if at < 0:
        return False, False
    pos, end = at + 4 + head[at + 2], min(len(head), at + 512)
    while pos + 6 <= end:
        typ, size = struct.unpack_from("<HH", head, pos)
        if typ == 0x002F:  # FILEPASS: everything after it is encrypted
            return True, False
        if typ == 0x0022:  # DATE1904
            return False, head[pos + 4 : pos + 6] == b"\x01\x00"
        if typ in (0x000A, 0x0085, 0x00FC):  # EOF, BOUNDSHEET, SST: past where they would be
            break
        pos += 4 + size
    return False, False


def _bad_name(name: str) -> bool:
    norm = name.replace("\\", "/")
    return (
        len(name) > 512
        or norm.startswith("/")
        or ".." in norm.split("/")
        or any(ord(ch) < 32 for ch in name)
        or (len(norm) > 1 and norm[1] == ":")
    )


def check_zip_package(path: Path) -> FileKind:
    """Check a zip package (OOXML or OpenDocument) before any parser reads it.

    Checks: the zip directory is readable; at most ``MAX_PARTS`` parts; no absolute, ``..`` or
    control-character part names; the sum of declared uncompressed sizes is at most
    ``MAX_UNCOMPRESSED``; the compression ratio is at most ``MAX_RATIO`` overall and for every part
    over 1 MiB; the package is a workbook (not a Word/PowerPoint/OpenDocument text document or a
    plain zip) and not an encrypted OpenDocument file. Every XML part is then decompressed in
    chunks (never beyond its declared size, CRC checked) and refused if it contains a DTD; in the
    same pass, the ``.xlsx`` worksheets that contain formulas or error values are noted.

    Args:
        path: a file that starts with the zip signature (.xlsx, .xlsm, .xlsb, .ods).

    Returns:
        ``FileKind(kind, notes, formula_parts)`` with kind ``xlsx``, ``xlsb`` or ``ods``; notes
        mention macros and the 1904 date system.

    Raises:
        UserFacingError: ``invalid`` with "file too large or malformed…", "unsafe or invalid
            Excel file…", "damaged…", "…password-protected…" or "…not an Excel workbook"
            sentences.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse(
            path,
            f"the file is damaged and cannot be read ({exc}); open it in Excel and save it again",
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            raise refuse(path, f"file too large or malformed: {len(infos)} parts in the package")
        for info in infos:
            if _bad_name(info.filename):
                raise refuse(
                    path,
                    f"unsafe or invalid Excel file: the part name {info.filename[:80]!r} is not "
                    "allowed",
                )
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise refuse(
                path,
                f"file too large or malformed: it unpacks to {total // (1024 * 1024)} MB, more "
                f"than the {MAX_UNCOMPRESSED // (1024 * 1024)} MB allowed",
            )
        worst = max(
            (i for i in infos if i.file_size > _RATIO_FLOOR),
            key=lambda i: i.file_size / max(i.compress_size, 1),
            default=None,
        )
        if (total > _RATIO_FLOOR and total > MAX_RATIO * max(packed, 1)) or (
            worst is not None and worst.file_size > MAX_RATIO * max(worst.compress_size, 1)
        ):
            raise refuse(
                path,
                f"file too large or malformed: compressed more than {MAX_RATIO}:1 (a zip bomb?)",
            )
        names = {part_key(i.filename) for i in infos}
        kind = _package_kind(zf, names, path)
        notes: list[str] = []
        if "xl/vbaproject.bin" in names:
            notes.append("the workbook contains macros; they are never run, only the data is read")
        formula_parts: set[str] = set()
        for info in infos:
            key = part_key(info.filename)
            if not key.endswith((".xml", ".rels", ".vml")):
                continue
            sheet = kind == "xlsx" and key.startswith("xl/worksheets/")
            data_head, found = _scan_part(zf, info, path, _FORMULA_MARKERS if sheet else ())
            if found:
                formula_parts.add(key)
            if key == "xl/workbook.xml" and (
                b'date1904="1"' in data_head or b'date1904="true"' in data_head
            ):
                notes.append("date1904")
            if key == "meta-inf/manifest.xml" and b"encryption-data" in data_head:
                raise refuse(
                    path,
                    "the spreadsheet is password-protected; open it in LibreOffice and save it "
                    "again without a password (File > Save As, untick Save with password)",
                )
    return FileKind(kind, tuple(notes), frozenset(formula_parts))


def _package_kind(zf: zipfile.ZipFile, names: set[str], path: Path) -> str:
    """``xlsx``, ``xlsb`` or ``ods`` from the part names, or refuse what is no spreadsheet."""
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names:
        info = next((i for i in zf.infolist() if part_key(i.filename) == "mimetype"), None)
        mime = zf.read(info)[:128] if info is not None and info.file_size <= 128 else b""
        if mime.startswith(_ODS_MIME):
            return "ods"
        if b"opendocument.text" in mime:
            raise refuse(path, "this is an OpenDocument text document, not a spreadsheet")
        raise refuse(path, "this is an OpenDocument file but not a spreadsheet")
    if "word/document.xml" in names:
        raise refuse(path, "this is a Word document renamed to .xlsx, not a workbook")
    if "ppt/presentation.xml" in names:
        raise refuse(path, "this is a PowerPoint file renamed to .xlsx, not a workbook")
    if not any(n.endswith("sheet1.xml") for n in names):
        raise refuse(path, "this is a zip archive, not an Excel workbook")
    return "xlsx"


def _scan_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, markers: tuple[bytes, ...] = ()
) -> tuple[bytes, bool]:
    """Decompress one part in chunks, refusing DTDs.

    Returns:
        The part's first 64 KiB, and whether any of ``markers`` occurs in it.
    """
    head = b""
    tail = b""
    found = False
    dtd = _DTD_MARKERS
    try:
        with zf.open(info) as part:
            while chunk := part.read(_CHUNK):
                window = tail + chunk
                if not head:
                    dtd += _DTD_MARKERS_16 if chunk.startswith(_UTF16_STARTS) else ()
                    found = bool(markers) and any(odd in chunk[:65536] for odd in _ODD_MARKUP)
                if any(marker in window for marker in dtd):
                    raise refuse(
                        path,
                        f"unsafe or invalid Excel file: the part {info.filename!r} contains a DTD "
                        "(<!DOCTYPE> or <!ENTITY>), which Excel never writes",
                    )
                if markers and not found:
                    found = any(marker in window for marker in markers)
                if len(head) < 65536:
                    head += chunk[: 65536 - len(head)]
                tail = window[-32:]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise refuse(
            path,
            f"the file is damaged and cannot be read ({exc}); open it in Excel and save it again",
        ) from None
    return head, found
