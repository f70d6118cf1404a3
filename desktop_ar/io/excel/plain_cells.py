"""Fast paths of the cell converters: the forms most cells of a real sheet take.

A 100,000-row sheet has close to a million cells; most are a number, a date or plain text. These
functions read those forms directly and give ``None`` for anything else, which then goes
through the general parsers of :mod:`desktop_ar.io.excel.cells` (and gets their notes and
problems). Each accepts only what the general parser reads the same way: a property test
compares them.
"""

from __future__ import annotations

import re
from datetime import date

from desktop_ar.domain.currency import minor_digits
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.reader import Cell

__all__ = ["EXCEL_DIGITS", "MAX_CELL_CHARS", "MIN_YEAR", "plain_amount", "plain_date"]

MAX_CELL_CHARS = 32_767  # Excel's own limit for the text of one cell
MIN_YEAR = 1990  # dates before this are almost always typing or date-system mistakes
EXCEL_DIGITS = 15  # significant digits Excel keeps of a number

_PLAIN_AMOUNT = re.compile(r"(¥?)([1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.(\d+))?(元?)", re.ASCII)
_PLAIN_DATE = re.compile(
    r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})|(\d{4})年(\d{1,2})月(\d{1,2})[日号]?", re.ASCII
)
_YEN_CURRENCIES = frozenset({"CNY", "JPY"})


def _minor_units(whole: str, fraction: str, digits: int) -> int | None:
    """``whole.fraction`` in minor units when it has at most ``digits`` decimals, else None."""
    fraction = fraction.rstrip("0")
    if len(fraction) > digits:
        return None
    minor = int(whole) * 10**digits
    return minor + int(fraction.ljust(digits, "0")) if fraction else minor


def plain_amount(cell: Cell, currency: str) -> Money | None:
    """The amount of a number cell or plain text (``1234.5``, ``¥1,234.50``, ``1,234.50元``).

    ``None`` when the cell needs the general path: a float that rounds, text in any other form
    or with too many decimals, an unknown currency. The result is always what the general path
    gives, without its note (there is none: nothing was rounded).
    """
    kind = type(cell)
    if kind is float:
        text = format(cell, f".{EXCEL_DIGITS}g")  # as float_to_decimal reads it
        if "e" in text or "n" in text:  # exponent, nan, inf
            return None
        negative = text[0] == "-"
        whole, _, fraction = text.lstrip("-").partition(".")
    elif kind is int:
        negative, whole, fraction = cell < 0, str(abs(cell)), ""  # type: ignore[operator]
    elif kind is str and len(cell) <= MAX_CELL_CHARS:  # type: ignore[arg-type]
        match = _PLAIN_AMOUNT.fullmatch(cell)  # type: ignore[arg-type]
        if match is None:
            return None
        yen, whole, fraction, yuan = match.groups()
        if (yen and yuan) or (yen and currency not in _YEN_CURRENCIES):
            return None
        negative, whole, fraction = False, whole.replace(",", ""), fraction or ""
    else:
        return None
    try:
        digits = minor_digits(currency)
    except DomainError:
        return None
    minor = _minor_units(whole, fraction, digits)
    if minor is None:
        return None
    return Money(-minor if negative else minor, currency)


def plain_date(text: str) -> date | None:
    """A text date in a plain form (``2025-03-01``, ``2025/3/1``, ``2025年3月1日``).

    ``None`` for anything else, an impossible date or one before ``MIN_YEAR``: the general path
    reads those or says what is wrong.
    """
    match = _PLAIN_DATE.fullmatch(text)
    if match is None:
        return None
    y, _, m, d, y2, m2, d2 = match.groups()
    try:
        value = date(int(y), int(m), int(d)) if y else date(int(y2), int(m2), int(d2))
    except ValueError:
        return None
    return value if value.year >= MIN_YEAR else None
