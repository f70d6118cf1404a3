"""Document numbers as people write them: ``INV-001043``, ``inv 1043``, ``ＩＮＶ－１０４３``.

:func:`normalize_number` gives the form two numbers are compared in; :func:`contains_number`
finds a number inside a longer text (a description that names an invoice) without finding
``INV1`` inside ``INV10``.
"""

from __future__ import annotations

import re

from desktop_ar.domain.parsing import to_halfwidth

__all__ = ["contains_number", "normalize_number", "usable_key"]

_NOT_WORD = re.compile(r"[^0-9A-Z\u3400-\u9fff]+")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")
_MIN_KEY = 3  # shorter numbers ("1", "A2") would be found inside almost any text


def normalize_number(text: str) -> str:
    """The comparable form of a document number.

    Full-width characters are folded (``ＩＮＶ－１０４３`` → ``INV-1043``), letters upper-cased,
    everything but letters, digits and Chinese characters dropped, and leading zeros of each run
    of digits dropped (Excel loses them from numbers stored as numbers): ``inv 1043``,
    ``INV-001043`` and ``ＩＮＶ－１０４３`` all become ``INV1043``; ``销货单〔2026〕12号`` becomes
    ``销货单202612号``.

    Args:
        text: a document number or any text containing one.

    Returns:
        The normalized form ("" for blank text).
    """
    folded = _NOT_WORD.sub("", to_halfwidth(text).upper())
    return _LEADING_ZEROS.sub("", folded)


def usable_key(key: str) -> bool:
    """Whether a normalized number is specific enough to look for (3+ characters, a digit)."""
    return len(key) >= _MIN_KEY and any(c.isdigit() for c in key)


def contains_number(text: str, key: str) -> bool:
    """``key`` occurs in ``text`` not glued to further digits (``INV1`` is not in ``INV10``)."""
    start = text.find(key)
    while start >= 0:
        end = start + len(key)
        before_ok = start == 0 or not (key[0].isdigit() and text[start - 1].isdigit())
        after_ok = end == len(text) or not (key[-1].isdigit() and text[end].isdigit())
        if before_ok and after_ok:
            return True
        start = text.find(key, start + 1)
    return False
