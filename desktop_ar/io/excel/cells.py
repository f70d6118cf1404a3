"""Converting raw spreadsheet cells into typed values, one problem report per bad cell.

Every converter returns ``(value, error, note)``: the value (``None`` for an empty cell or an
error), a :class:`CellError` saying what to fix, and a note for values that were read but changed
(a float rounded to the currency's minor unit, a time dropped from a datetime). Converters never
raise for bad input. Numbers, dates and plain text are read first by the fast paths of
:mod:`desktop_ar.io.excel.plain_cells` (same results, a fraction of the time).

Floats: a spreadsheet keeps 15 significant digits and shows them; a cached formula result such
as ``2087.0249999999996`` *is* ``2087.025`` to Excel. Its ``repr`` is already the shortest
round-tripping form (``2087.0249999999996``), so floats are read at Excel's own precision —
``format(x, ".15g")`` → ``Decimal("2087.025")`` — then rounded half-up to the currency's minor
unit (``2087.03``) with a note that says so. Text is exact and is never rounded.

Empty cells: calamine returns ``""`` for an empty cell, an error value (``#N/A``) and a formula
without a saved value alike; the reader turns them into ``None``. Converters return
``(None, None, None)`` for ``None``; required-field checks decide whether that is an error.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple

from desktop_ar.domain.currency import minor_digits
from desktop_ar.domain.errors import CellError, DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import parse_amount, parse_date, parse_decimal, to_halfwidth
from desktop_ar.io.excel.plain_cells import EXCEL_DIGITS as _EXCEL_DIGITS
from desktop_ar.io.excel.plain_cells import MAX_CELL_CHARS, MIN_YEAR
from desktop_ar.io.excel.plain_cells import plain_amount as _plain_amount
from desktop_ar.io.excel.plain_cells import plain_date as _plain_date
from desktop_ar.io.excel.reader import Cell

__all__ = [
    "MAX_CELL_CHARS",
    "MIN_YEAR",
    "CellLocation",
    "column_letter",
    "float_to_decimal",
    "to_amount",
    "to_date",
    "to_decimal",
    "to_int",
    "to_text",
]

_MAX_SERIAL = 2_958_465  # 9999-12-31
_DATETIME_TEXT = re.compile(r"(.+?)[ T]+(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")
# How Excel shows a long number in a General cell: 6.22848E+15 (exponent of two digits).
_E_NOTATION = re.compile(r"[+-]?\d(?:\.\d+)?E\+\d{2}", re.IGNORECASE)
Result = tuple[Any, CellError | None, str | None]


class CellLocation(NamedTuple):
    """Where a cell is, for error reports (row is 1-based as Excel shows it)."""

    file: str = ""
    sheet: str = ""
    row: int = 0
    column: str = ""


_NOWHERE = CellLocation()


def column_letter(index: int) -> str:
    """Excel column letters for a zero-based column index (0 → ``A``, 27 → ``AB``).

    Args:
        index: zero-based column index.

    Returns:
        The column letters.
    """
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _error(loc: CellLocation | None, cell: Cell, code: str, **params: Any) -> Result:
    where = loc or _NOWHERE
    shown = "" if cell is None else str(cell)[:200]
    return (
        None,
        CellError(where.file, where.sheet, where.row, where.column, shown, code, params),
        None,
    )


def _invalid(loc: CellLocation | None, cell: Cell, what: str, reason: str) -> Result:
    return _error(loc, cell, "invalid", field=what, reason=reason)


def _too_long(cell: Cell) -> bool:
    return isinstance(cell, str) and len(cell) > MAX_CELL_CHARS


def _long_error(loc: CellLocation | None, cell: Cell) -> Result:
    assert isinstance(cell, str)
    return _invalid(
        loc, cell, "text", f"{len(cell)} characters is more than the {MAX_CELL_CHARS} a cell holds"
    )


def float_to_decimal(value: float) -> Decimal:
    """The decimal a float cell means: its value at Excel's 15 significant digits.

    Args:
        value: a finite float from a numeric cell.

    Returns:
        E.g. ``Decimal("2087.025")`` for ``2087.0249999999996`` and ``Decimal("0.3")`` for
        ``0.1 + 0.2``.

    Raises:
        InvalidOperation: for NaN or infinity.
    """
    result = Decimal(format(value, f".{_EXCEL_DIGITS}g"))
    if not result.is_finite():
        raise InvalidOperation(value)
    return result + 0  # normalises -0 and exponent forms such as 1E+1


def to_amount(
    cell: Cell, currency: str, *, decimal_comma: bool = False, loc: CellLocation | None = None
) -> Result:
    """Read an amount of ``currency`` from a cell.

    Text is parsed exactly (``¥1,234.50``, ``1,234.50元``, full-width digits, ``(100.00)``,
    ``1.234,50`` with ``decimal_comma``); more decimals than the currency has is an error. A
    numeric cell is read at 15 significant digits and rounded half-up to the minor unit, with a
    note when that changed it (``2087.0249999999996`` means 2087.025 → rounds half-up to
    2087.03).

    Args:
        cell: the raw cell.
        currency: ISO code of the amount.
        decimal_comma: read ``,`` as the decimal separator in text.
        loc: where the cell is, for the error.

    Returns:
        ``(Money | None, CellError | None, note | None)``.
    """
    if cell is None:
        return None, None, None
    if not decimal_comma:
        fast = _plain_amount(cell, currency)
        if fast is not None:
            return fast, None, None
    if _too_long(cell):
        return _long_error(loc, cell)
    if isinstance(cell, bool | date | time | timedelta):
        return _error(loc, cell, "bad_amount", value=str(cell))
    if isinstance(cell, float):
        try:
            exact = float_to_decimal(cell)
            quantum = Decimal(1).scaleb(-minor_digits(currency))
            rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
        except InvalidOperation:  # NaN, infinity, or too many digits (9.9e+25)
            return _error(loc, cell, "bad_amount", value=repr(cell))
        note = None
        if rounded != exact:
            note = f"{cell!r} means {exact} → rounds half-up to {rounded}"
        return Money.from_decimal(rounded, currency), None, note
    try:
        return parse_amount(cell, currency, decimal_comma=decimal_comma), None, None
    except DomainError as exc:
        return _error(loc, cell, exc.code, **exc.params)


def to_decimal(
    cell: Cell, *, decimal_comma: bool = False, loc: CellLocation | None = None
) -> Result:
    """Read an exact decimal (quantity, unit price, rate) from a cell.

    Args:
        cell: the raw cell; floats are read at 15 significant digits, text with ``parse_decimal``.
        decimal_comma: read ``,`` as the decimal separator in text.
        loc: where the cell is, for the error.

    Returns:
        ``(Decimal | None, CellError | None, None)``.
    """
    if cell is None:
        return None, None, None
    if _too_long(cell):
        return _long_error(loc, cell)
    if isinstance(cell, bool | date | time | timedelta):
        return _error(loc, cell, "not_a_number", value=str(cell))
    try:
        if isinstance(cell, float):
            return float_to_decimal(cell), None, None
        return parse_decimal(cell, decimal_comma=decimal_comma), None, None
    except (DomainError, InvalidOperation):
        return _error(loc, cell, "not_a_number", value=str(cell))


def to_int(cell: Cell, *, loc: CellLocation | None = None) -> Result:
    """Read a whole number (``3``, ``3.0``, ``"3"``, ``"1,000"``, ``"３"``) from a cell.

    Args:
        cell: the raw cell.
        loc: where the cell is, for the error.

    Returns:
        ``(int | None, CellError | None, None)``; ``2.5`` is an error, not rounded.
    """
    value, error, _ = to_decimal(cell, loc=loc)
    if error is not None or value is None:
        return value, error, None
    if value != value.to_integral_value():
        return _invalid(loc, cell, "number", "a whole number is needed here")
    return int(value), None, None


def _serial_to_date(serial: float, date1904: bool) -> date | str:
    if serial < 1 or serial > _MAX_SERIAL:
        return f"{serial:g} is not an Excel date serial number"
    days = int(serial)
    if date1904:
        return date(1904, 1, 1) + timedelta(days=days)
    if days == 60:
        return (
            "serial 60 is 29 February 1900, a day that does not exist (a leap-year bug kept by "
            "Excel); enter the real date"
        )
    return date(1899, 12, 31 if days < 60 else 30) + timedelta(days=days)


def to_date(cell: Cell, *, date1904: bool = False, loc: CellLocation | None = None) -> Result:
    """Read a date from a cell.

    Accepted: date cells (calamine already applied the workbook's date system); datetimes (the
    time is dropped with a note); raw serial numbers in the 1900 or 1904 system; text
    ``2025-03-01``, ``2025/3/1``, ``2025年3月1日``, ``01.03.2025``, ``20250301``, optionally
    followed by a time. Serial 60 (the fake 1900-02-29) and dates before 1990 are errors.

    Args:
        cell: the raw cell.
        date1904: raw serials count from 1904-01-01 (``Workbook.date1904``).
        loc: where the cell is, for the error.

    Returns:
        ``(date | None, CellError | None, note | None)``.
    """
    if cell is None:
        return None, None, None
    kind = type(cell)
    if kind is date:
        if cell.year >= MIN_YEAR:  # type: ignore[union-attr]
            return cell, None, None
    elif kind is str:
        fast = _plain_date(cell)  # type: ignore[arg-type]
        if fast is not None:
            return fast, None, None
    if _too_long(cell):
        return _long_error(loc, cell)
    note = None
    if isinstance(cell, datetime):
        value: date = cell.date()
        if cell.time() != time(0):
            note = f"the time {cell.time().isoformat()} was dropped; only the date is kept"
    elif isinstance(cell, date):
        value = cell
    elif isinstance(cell, time | timedelta | bool):
        return _invalid(loc, cell, "date", "this is a time or a duration, not a date")
    elif isinstance(cell, int | float):
        result = _serial_to_date(float(cell), date1904)
        if isinstance(result, str):
            return _invalid(loc, cell, "date", result)
        value = result
        if float(cell) != int(cell):
            note = "the time part of the serial number was dropped; only the date is kept"
    else:
        text = to_halfwidth(cell).strip()
        match = _DATETIME_TEXT.fullmatch(text)
        if match is not None and not match.group(2).startswith(("00:00", "0:00")):
            text, note = match.group(1), f"the time {match.group(2)} was dropped"
        try:
            value = parse_date(text)
        except DomainError:
            return _error(loc, cell, "bad_date", value=cell)
    if value.year < MIN_YEAR:
        return _invalid(
            loc,
            cell,
            "date",
            f"suspicious date {value.isoformat()} (before {MIN_YEAR}); check the year and the "
            "date system",
        )
    return value, None, note


def to_text(cell: Cell, *, identifier: bool = False, loc: CellLocation | None = None) -> Result:
    """Read text from a cell: codes, names, invoice numbers, account numbers.

    Whole numbers print without ``.0``. A number of 16 or more digits (or one shown in
    E-notation, as text or as a number) is an error: Excel keeps 15 significant digits, so the
    last digits of such an ID are already lost.

    Args:
        cell: the raw cell.
        identifier: the column holds IDs; a numeric cell then gets a note that leading zeros
            may have been lost.
        loc: where the cell is, for the error.

    Returns:
        ``(str | None, CellError | None, note | None)``; text is stripped of surrounding
        whitespace (including the tabs bank exports stick to fields); blank text is ``None``.
    """
    if cell is None:
        return None, None, None
    if type(cell) is str and len(cell) <= MAX_CELL_CHARS and "+" not in cell:
        return cell.strip() or None, None, None  # the common case: plain text
    if _too_long(cell):
        return _long_error(loc, cell)
    lost = (
        "Excel keeps only 15 significant digits, so a number with more digits (such as a "
        "16-digit account number) has lost its last digits; format the column as Text and "
        "enter the full number again"
    )
    if isinstance(cell, str):
        text = cell.strip()
        if _E_NOTATION.fullmatch(text):
            return _invalid(loc, cell, "text", lost)
        return text or None, None, None
    if isinstance(cell, bool):
        return ("TRUE" if cell else "FALSE"), None, None
    if isinstance(cell, datetime | date | time):
        return cell.isoformat(), None, None
    if isinstance(cell, timedelta):
        return str(cell), None, None
    number = float_to_decimal(cell) if isinstance(cell, float) else Decimal(cell)
    if number == number.to_integral_value() and abs(number) >= Decimal(10) ** _EXCEL_DIGITS:
        return _invalid(loc, cell, "text", lost)
    text = f"{number:f}"
    note = None
    if identifier:
        note = "stored as a number; leading zeros, if there were any, are lost"
    return text, None, note
