"""Guessing the encoding of a text table (CSV/TXT) from its first bytes."""

from __future__ import annotations

import codecs

__all__ = ["detect_encoding"]


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
