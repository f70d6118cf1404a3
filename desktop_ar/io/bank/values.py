"""Reading dates and amounts the way bank exports write them.

Bank exports write dates as ``20250101``, ``2025/12/03  14:06:51``, ``31.05.17``, ``21-06-2019``,
``24/03/2025`` (day first), ``05/01/2023`` (month first in Canada and the US), ``12/29``
(no year: the year comes from the statement's month) or as Excel dates; amounts as ``¥28.16``,
``"3,240.28"``, ``82 604,01``, ``-,01``, ``+10000.00``, ``CNY 123.18``, with TABs and spaces
stuck to them, and placeholders (``-``, ``/``, ``------``) in empty cells. Whether ``/`` dates are
day- or month-first and whether ``,`` is the decimal separator is decided once per column from
all of its values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.parsing import parse_decimal, to_halfwidth
from desktop_ar.io.excel.cells import float_to_decimal
from desktop_ar.io.excel.reader import Cell

__all__ = [
    "DateStyle",
    "amount_style",
    "clean_cell",
    "date_style",
    "parse_bank_amount",
    "parse_bank_date",
    "split_currency",
]

_PLACEHOLDER = re.compile(r"^[-—–=_/\\.*\s]*$")
_TIME = re.compile(r"[ T]+\d{1,2}:\d{2}(:\d{2})?([.:]\d+)?$")
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_YMD_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_AB_Y = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d{4})")
_AB = re.compile(r"(\d{1,2})/(\d{1,2})")
_CODE_PREFIX = re.compile(r"^([A-Z]{3})\s*(?=[-+\d.,(])")
_COMMA_DECIMAL = re.compile(r"\d,\d{1,2}$|^[-+]?,\d+$")
_POINT_DECIMAL = re.compile(r"\d\.\d{1,2}$|\d,\d{3}\.\d")
_EXCEL_SERIAL = (20_000, 80_000)  # 1954..2119


def clean_cell(cell: Cell) -> Cell:
    """Strip TABs, spaces and quote marks banks stick to fields; placeholders become ``None``.

    Args:
        cell: a raw cell.

    Returns:
        The cell without padding; ``None`` for ``-``, ``/``, ``------`` and blank text.
    """
    if not isinstance(cell, str):
        return cell
    text = cell.strip().strip("\t").strip()
    if text.startswith("'"):
        text = text[1:-1] if text.endswith("'") and len(text) > 1 else text[1:]
        text = text.strip()
    if _PLACEHOLDER.fullmatch(text):
        return None
    return text


class DateStyle:
    """How the ``a/b/year`` dates of one column are ordered, and the year for ``MM/DD`` dates.

    Attributes:
        month_first: ``05/01/2023`` is 1 May (US/Canada) rather than 5 January.
        ambiguous: no value showed which order it is (every part ≤ 12).
        reference: (year, month) of the statement, for dates written without a year.
    """

    def __init__(
        self, month_first: bool, ambiguous: bool, reference: tuple[int, int] | None
    ) -> None:
        self.month_first = month_first
        self.ambiguous = ambiguous
        self.reference = reference


def date_style(
    values: Iterable[Cell], *, prefer_month_first: bool, reference: tuple[int, int] | None
) -> DateStyle:
    """Decide day- or month-first for a column from all of its values.

    Args:
        values: the column's cells.
        prefer_month_first: the order to take when every value is ambiguous (USD/CAD files).
        reference: (year, month) for dates without a year.

    Returns:
        The style.
    """
    day_first = month_first = seen = False
    for value in values:
        if not isinstance(value, str):
            continue
        text = _TIME.sub("", to_halfwidth(value).strip())
        if (m := _AB_Y.fullmatch(text)) and m.group(2) == "/":
            first, second = int(m.group(1)), int(m.group(3))
        elif m := _AB.fullmatch(text):
            first, second = int(m.group(1)), int(m.group(2))
        else:
            continue
        seen = True
        day_first = day_first or first > 12
        month_first = month_first or second > 12
    if day_first != month_first:
        return DateStyle(month_first, False, reference)
    return DateStyle(prefer_month_first, seen and day_first == month_first, reference)


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 4:
        return value
    return 2000 + value if value < 80 else 1900 + value


def parse_bank_date(cell: Cell, style: DateStyle) -> date | None:
    """Read a date cell of a bank export.

    Args:
        cell: the cleaned cell (see :func:`clean_cell`).
        style: the column's style (see :func:`date_style`).

    Returns:
        The date, or ``None`` for an empty cell.

    Raises:
        ValueError: for text that is not a date, or a date that does not exist.
    """
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, int | float):
        number = int(cell)
        if number == cell and 19_000_101 <= number <= 21_001_231:
            return parse_bank_date(str(number), style)
        if _EXCEL_SERIAL[0] <= cell <= _EXCEL_SERIAL[1]:
            return date(1899, 12, 30) + timedelta(days=int(cell))
        raise ValueError(cell)
    text = _TIME.sub("", to_halfwidth(str(cell)).strip()).strip()
    if m := _YMD.fullmatch(text):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _YMD_COMPACT.fullmatch(text):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _AB_Y.fullmatch(text):
        first, sep, second, year = m.groups()
        if sep == "/" and style.month_first:
            first, second = second, first
        return date(_year(year), int(second), int(first))
    if (m := _AB.fullmatch(text)) and style.reference:
        month, day = int(m.group(1)), int(m.group(2))
        if not style.month_first:
            month, day = day, month
        ref_year, ref_month = style.reference
        return date(ref_year if month <= ref_month else ref_year - 1, month, day)
    raise ValueError(cell)


def amount_style(values: Iterable[Cell]) -> bool:
    """Whether a column's text amounts use ``,`` as the decimal separator (``1.234,56``).

    Args:
        values: the column's cells.

    Returns:
        ``True`` when more values end in ``,dd`` than in ``.dd`` (or use ``1,234.5`` grouping).
    """
    comma = point = 0
    for value in values:
        if isinstance(value, str):
            text = value.strip()
            comma += bool(_COMMA_DECIMAL.search(text))
            point += bool(_POINT_DECIMAL.search(text))
    return comma > point


def split_currency(cell: Cell) -> tuple[str | None, Cell]:
    """Split a leading ISO code off an amount cell: ``"CNY 123.18"`` → ``("CNY", "123.18")``."""
    if isinstance(cell, str):
        match = _CODE_PREFIX.match(cell.strip())
        if match:
            return match.group(1), cell.strip()[match.end() :]
    return None, cell


def parse_bank_amount(cell: Cell, *, decimal_comma: bool) -> Decimal | None:
    """Read an amount cell of a bank export exactly.

    Args:
        cell: the cleaned cell.
        decimal_comma: the column's decimal separator is ``,``.

    Returns:
        The amount, or ``None`` for an empty cell.

    Raises:
        ValueError: for text that is not an amount (``xx,yyyy.zz``, ``$120``…).
    """
    if cell is None:
        return None
    if isinstance(cell, bool | date | datetime):
        raise ValueError(cell)
    if isinstance(cell, float):
        try:
            return float_to_decimal(cell)
        except InvalidOperation:
            raise ValueError(cell) from None
    if isinstance(cell, int):
        return Decimal(cell)
    text = re.sub(r"\s+", " ", str(cell).strip())
    _, text = split_currency(text)  # type: ignore[assignment]
    text = re.sub(r"^([-+]?),", r"\g<1>0,", text) if decimal_comma else text
    text = re.sub(r"^([-+]?)\.", r"\g<1>0.", text)
    if decimal_comma and re.fullmatch(r"[-+]?\d+,", text):
        text += "0"
    try:
        return parse_decimal(str(text), decimal_comma=decimal_comma)
    except DomainError:
        raise ValueError(cell) from None
