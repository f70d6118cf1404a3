"""Detecting what an input file really is, and refusing unsafe ones before any parser sees them.

Nothing here trusts the file name: the first bytes decide. A ``.xlsx`` must be a zip whose
declared sizes, compression ratios and part names are sane and whose XML parts carry no DTD (a
DTD is how billion-laughs and external-entity attacks start, and Excel never writes one). Every
refusal is a ``UserFacingError("invalid", field=<file name>, reason=<sentence>)`` with a distinct
sentence per cause, so the user learns what to do.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import Path

from desktop_ar.domain.errors import UserFacingError

__all__ = [
    "MAX_PARTS",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "FileKind",
    "check_zip_package",
    "detect_encoding",
    "detect_kind",
    "refuse",
]

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # sum of declared uncompressed sizes of all parts
MAX_RATIO = 100  # uncompressed : compressed, per part (parts over 1 MiB) and overall
MAX_PARTS = 10_000
_RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_EXCEL_EXTS = {".xlsx", ".xlsm", ".xls"}
_TEXT_EXTS = {".csv", ".txt"}
SUPPORTED = ", ".join(sorted(_EXCEL_EXTS | _TEXT_EXTS))

# Byte patterns that start a DTD, in UTF-8 and in both UTF-16 byte orders.
_DTD_MARKERS = tuple(
    marker.encode(enc) for marker in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le")
) + tuple(marker.encode("utf-16-be") for marker in ("<!DOCTYPE", "<!ENTITY"))


@dataclass(frozen=True, slots=True)
class FileKind:
    """What the first bytes say a file is.

    Attributes:
        kind: ``"xlsx"`` (OOXML zip; also .xlsm), ``"xls"`` (BIFF in an OLE container) or
            ``"text"`` (csv/txt).
        notes: remarks for the user, e.g. that macros are present and will not run.
    """

    kind: str
    notes: tuple[str, ...] = ()


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
            file, a password-protected workbook, a Word/PDF/HTML/other file renamed to an Excel
            name, a text file renamed to .xlsx, a zip that is no workbook, or an unsupported
            extension.
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
            raise refuse(
                path,
                "the workbook is password-protected; open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password) and save it again",
            )
        if "WordDocument".encode("utf-16-le") in head:
            raise refuse(path, "this is a Word document, not an Excel workbook")
        if ext in _TEXT_EXTS:
            raise refuse(path, f"this is an Excel .xls workbook named {ext}; rename it to .xls")
        return FileKind("xls")
    if head.startswith(_ZIP_MAGICS):
        if ext in _TEXT_EXTS:
            raise refuse(path, f"this is a zip or .xlsx file named {ext}; rename it to .xlsx")
        return FileKind("xlsx")
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
    """Check an OOXML package before any parser reads it.

    Checks: the zip directory is readable; at most ``MAX_PARTS`` parts; no absolute, ``..`` or
    control-character part names; the sum of declared uncompressed sizes is at most
    ``MAX_UNCOMPRESSED``; the compression ratio is at most ``MAX_RATIO`` overall and for every part
    over 1 MiB; the package is a workbook (not a Word/PowerPoint document or a plain zip). Every
    XML part is then decompressed in chunks (never beyond its declared size, CRC checked) and
    refused if it contains a DTD.

    Args:
        path: an ``.xlsx`` / ``.xlsm`` file that starts with the zip signature.

    Returns:
        ``FileKind("xlsx", notes)``; notes mention macros and the 1904 date system.

    Raises:
        UserFacingError: ``invalid`` with "file too large or malformed…", "unsafe or invalid
            Excel file…", "damaged…" or "…not an Excel workbook" sentences.
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
        names = {i.filename.replace("\\", "/").lower() for i in infos}
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            if "word/document.xml" in names:
                raise refuse(path, "this is a Word document renamed to .xlsx, not a workbook")
            if "ppt/presentation.xml" in names:
                raise refuse(path, "this is a PowerPoint file renamed to .xlsx, not a workbook")
            if "content.xml" in names:
                raise refuse(path, "this is an OpenDocument file; save it as .xlsx in LibreOffice")
            if not any(n.endswith("sheet1.xml") for n in names):
                raise refuse(path, "this is a zip archive, not an Excel workbook")
        notes: list[str] = []
        if "xl/vbaproject.bin" in names:
            notes.append("the workbook contains macros; they are never run, only the data is read")
        for info in infos:
            lower = info.filename.lower()
            if lower.endswith((".xml", ".rels", ".vml")):
                data_head = _scan_part(zf, info, path)
                if lower.replace("\\", "/") == "xl/workbook.xml" and (
                    b'date1904="1"' in data_head or b'date1904="true"' in data_head
                ):
                    notes.append("date1904")
    return FileKind("xlsx", tuple(notes))


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """Decompress one part in chunks, refusing DTDs; return its first 64 KiB."""
    head = b""
    tail = b""
    try:
        with zf.open(info) as part:
            while chunk := part.read(_CHUNK):
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    raise refuse(
                        path,
                        f"unsafe or invalid Excel file: the part {info.filename!r} contains a DTD "
                        "(<!DOCTYPE> or <!ENTITY>), which Excel never writes",
                    )
                if len(head) < 65536:
                    head += chunk[: 65536 - len(head)]
                tail = window[-32:]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise refuse(
            path,
            f"the file is damaged and cannot be read ({exc}); open it in Excel and save it again",
        ) from None
    return head


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """Guess the encoding of a text file from its first bytes.

    Order: a BOM (UTF-8, UTF-16 LE/BE); strict UTF-8; GB18030 (a superset of GBK and GB2312)
    when the non-ASCII text it yields is mostly common Chinese; CP1251 for Cyrillic-looking
    bytes; otherwise CP1252.

    Args:
        sample: the start of the file (or all of it).
        complete: ``True`` when ``sample`` is the whole file; otherwise a multi-byte character
            cut at the end of the sample is not held against an encoding.

    Returns:
        A Python codec name: ``utf-8-sig``, ``utf-16``, ``utf-8``, ``gb18030``, ``cp1251`` (when
        the high bytes form words, as Russian text does) or ``cp1252``.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for candidate in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(candidate)("strict").decode(sample, complete)
        except UnicodeDecodeError:
            continue
        if candidate == "utf-8":
            return "utf-8"
        others = [ch for ch in text if ord(ch) > 127]
        # Latin-1 text with accents also decodes as GB18030, into rare characters of the GBK
        # extension; real Chinese text is almost all in the common GB2312 set.
        common = sum(1 for ch in others if _in_gb2312(ch))
        if others and common >= 0.9 * len(others):
            return "gb18030"
    high = [b >= 0xC0 for b in sample if b >= 0x80]
    if high and _cyrillic_runs(sample) >= 0.6 * len(high):
        return "cp1251"
    return "cp1252"


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _cyrillic_runs(sample: bytes) -> int:
    """Count high bytes standing in runs of three or more (words in a Cyrillic code page)."""
    total = run = 0
    for b in sample:
        if b >= 0xC0:
            run += 1
            continue
        if run >= 3:
            total += run
        run = 0
    return total + (run if run >= 3 else 0)
