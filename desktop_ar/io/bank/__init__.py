"""Reading bank statement files: MT940, OFX/QFX, camt.053, and CSV/Excel exports of banks.

Pure parsing, no database: :func:`parse_bank_file` looks at the content (never the file name),
picks the parser and returns :class:`BankStatement` objects with exact :class:`Money` amounts.
Broken, unsafe or unsupported files raise ``UserFacingError("invalid", field=<file name>,
reason=<one sentence saying what is wrong and what to do>)``: MT942 interim reports, camt.052 and
camt.054 messages, investment OFX, server error responses, printed text reports, files without
lines. Statements whose lines do not add up are returned; :func:`check_balances` says by how much.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.io.bank.camt import parse_camt
from desktop_ar.io.bank.columns import BANK_FIELDS, BankMapping, guess_bank_mapping
from desktop_ar.io.bank.model import BankFileError, BankLine, BankStatement, check_balances
from desktop_ar.io.bank.mt940 import looks_like_mt940, parse_mt940
from desktop_ar.io.bank.ofx import looks_like_ofx, parse_ofx
from desktop_ar.io.bank.table import BankTable, guess_bank_table, parse_bank_table, read_bank_table
from desktop_ar.io.bank.text import decode_bank_text
from desktop_ar.io.files import refuse

__all__ = [
    "BANK_FIELDS",
    "FORMATS",
    "BankFileError",
    "BankLine",
    "BankMapping",
    "BankStatement",
    "BankTable",
    "check_balances",
    "detect_bank_format",
    "guess_bank_mapping",
    "guess_bank_table",
    "parse_bank_file",
    "parse_bank_table",
    "read_bank_table",
]

FORMATS = ("auto", "csv", "xlsx", "ofx", "mt940", "camt053")
"""The ``format`` values :func:`parse_bank_file` accepts (``xls``, ``qfx``, ``camt`` also work)."""

MAX_BYTES = 100 * 1024 * 1024
_ALIASES = {"xls": "xlsx", "qfx": "ofx", "camt": "camt053", "sta": "mt940", "txt": "csv"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


def detect_bank_format(head: bytes) -> str:
    """Decide from the first bytes what kind of bank file this is.

    Args:
        head: the start of the file (64 KiB is plenty).

    Returns:
        ``"xlsx"`` (also for ``.xls``), ``"ofx"``, ``"camt053"`` (any XML that is not OFX; the
        CAMT parser names what it really is), ``"mt940"`` or ``"csv"``.

    Raises:
        BankFileError: for an empty file, a PDF or a web page.
    """
    if not head.strip():
        raise BankFileError("the file is empty")
    if head.startswith(_OLE_MAGIC) or head.startswith(_ZIP_MAGICS):
        return "xlsx"
    if head.startswith(b"%PDF"):
        raise BankFileError(
            "this is a PDF file; export the statement as MT940, CAMT, OFX, CSV or Excel"
        )
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n\x00")
    if looks_like_ofx(text):
        return "ofx"
    lower = text[:4096].lower()
    if lower.startswith(("<!doctype html", "<html")) or "<table" in lower:
        raise BankFileError(
            "this is a web page (HTML) saved by the bank; open it in Excel and save it as .xlsx"
        )
    if text.startswith("<"):
        return "camt053"
    if looks_like_mt940(text):
        return "mt940"
    return "csv"


def _parse(path: Path, raw: bytes, kind: str, currency: str | None) -> list[BankStatement]:
    if kind == "mt940":
        text, encoding, notes = decode_bank_text(raw, dos_pages=True)
        if encoding not in ("utf-8", "ascii"):
            notes.append(f"read as text in the {encoding} encoding")
        return [_with_notes(s, notes) for s in parse_mt940(text)]
    if kind == "ofx":
        return parse_ofx(raw)
    if kind == "camt053":
        return parse_camt(raw)
    return parse_bank_table(path, currency=currency)


def _with_notes(statement: BankStatement, notes: list[str]) -> BankStatement:
    if not notes:
        return statement
    return replace(statement, notes=(*notes, *statement.notes))


def parse_bank_file(
    path: str | Path, format: str = "auto", *, currency: str | None = None
) -> list[BankStatement]:
    """Read every statement in a bank file.

    Args:
        path: the file.
        format: ``"auto"`` (decide from the content) or one of :data:`FORMATS`; a file whose
            content is another format is refused.
        currency: for CSV/Excel exports that do not say their currency (TD, BMO, Sberbank):
            the currency to assume, usually the book's.

    Returns:
        The statements, in file order.

    Raises:
        UserFacingError: ``file_missing``; or ``invalid`` with ``field`` = the file name and a
            ``reason`` that says what is wrong and what to do.
    """
    path = Path(path)
    requested = format.lower().strip()
    if requested not in FORMATS and requested not in _ALIASES:
        raise refuse(path, f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise UserFacingError("file_missing", path=str(path))
    if path.stat().st_size > MAX_BYTES:
        raise refuse(path, "the file is larger than 100 MB; it is not a bank statement")
    raw = path.read_bytes()
    try:
        detected = detect_bank_format(raw[:65536])
        if requested != "auto" and _ALIASES.get(requested, requested) != detected:
            raise BankFileError(
                f"the file is not {requested} (its content is {detected}); choose format auto or "
                f"{detected}"
            )
        return _parse(path, raw, detected, currency)
    except BankFileError as exc:
        raise refuse(path, exc.reason) from None
