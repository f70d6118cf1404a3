"""Decoding bank text files (MT940, OFX) whose declared charset may be wrong.

Order: a byte-order mark; strict UTF-8 (many files declare Windows-1252 or US-ASCII and hold
UTF-8, e.g. Chase QFX and Banco do Brasil OFX); the declared charset when the bytes fit it; then
:func:`desktop_ar.io.files.detect_encoding` (GB18030, CP1251, CP1252) and, for European SWIFT
files, DOS code pages (CP852 for Hungarian/Polish Raiffeisen exports), the candidate that turns
the most high bytes into letters winning.
"""

from __future__ import annotations

import codecs

from desktop_ar.io.files import detect_encoding

__all__ = ["decode_bank_text"]

_ALIASES = {
    "1252": "cp1252",
    "usascii": "ascii",
    "us-ascii": "ascii",
    "none": "",
    "8859-1": "latin-1",
    "iso-8859-1": "latin-1",
    "utf8": "utf-8",
    "unicode": "utf-8",
}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if not key:
        return None
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def _letters(text: str) -> int:
    """How many non-ASCII characters are letters (real words) minus those that are not."""
    score = 0
    for ch in text:
        if ord(ch) > 127:
            score += 1 if ch.isalpha() else -1
    return score


def decode_bank_text(
    raw: bytes, *, declared: str | None = None, dos_pages: bool = False
) -> tuple[str, str, list[str]]:
    """Decode a bank text file.

    Args:
        raw: the whole file.
        declared: the charset the file names (OFX ``CHARSET``, XML ``encoding``), if any.
        dos_pages: also consider CP852 / CP850 (MT940 files from Central European banks).

    Returns:
        ``(text, encoding, notes)``; notes say when the declared charset was wrong or when the
        file already contains U+FFFD replacement characters.
    """
    notes: list[str] = []
    declared_codec = _codec(declared)
    if raw.startswith(codecs.BOM_UTF8):
        text, used = raw[3:].decode("utf-8", errors="replace"), "utf-8"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, used = raw.decode("utf-16", errors="replace"), "utf-16"
    else:
        try:
            text, used = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, used = _single_byte(raw, declared_codec, dos_pages)
    if declared_codec and used != declared_codec and not raw.isascii():
        notes.append(
            f"the file says its charset is {declared} but it is {used}; it was read as {used}"
        )
    if "\ufffd" in text:
        count = text.count("\ufffd")
        notes.append(
            f"the file already contains {count} replacement character(s) (�): some letters were "
            "lost before the file was saved"
        )
    return text, used, notes


def _single_byte(raw: bytes, declared: str | None, dos_pages: bool) -> tuple[str, str]:
    guessed = codecs.lookup(detect_encoding(raw, complete=True)).name
    candidates = [c for c in (declared, guessed) if c and c not in ("ascii", "utf-8")]
    if dos_pages:
        candidates += ["cp852", "cp850"]
    best: tuple[int, int, str, str] | None = None
    for rank, name in enumerate(dict.fromkeys(candidates)):
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        score = (_letters(text), -rank)
        if best is None or score > best[:2]:
            best = (score[0], score[1], text, name)
    if best is None:
        return raw.decode("cp1252", errors="replace"), "cp1252"
    return best[2], best[3]
