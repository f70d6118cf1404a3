"""A small writer for formatted tables in ``.xlsx`` (openpyxl write-only mode, atomic save).

Each sheet gets a bold header row, frozen panes below it, column widths, amounts as numbers
with the currency's decimals (``#,##0.00``), dates as date cells and an optional bold totals
row. Text is always an explicit string cell (``data_type "s"``) with ``quotePrefix`` set when it
starts with a formula character, so a customer called ``=HYPERLINK(…)`` stays text (RELIABILITY
rule 10, test H1). Characters that XML cannot hold are replaced and over-long text is cut to
Excel's 32,767-character limit.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop_ar.domain.money import Money
from desktop_ar.io.csv_writer import GUARD_CHARS, atomic_target

__all__ = [
    "COLUMN_KINDS",
    "MAX_CELL_TEXT",
    "Column",
    "SheetSpec",
    "write_table_xlsx",
]

COLUMN_KINDS = ("text", "money", "date", "int")
MAX_CELL_TEXT = 32_767
DATE_FORMAT = "yyyy-mm-dd"
_INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its title, kind (text, money, date, int), decimals for money, width."""

    title: str
    kind: str = "text"
    decimals: int = 2
    width: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column kind {self.kind!r} is not one of {COLUMN_KINDS}")


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """One worksheet: name, columns, rows of values and an optional totals row."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]
    totals: Sequence[object] | None = None
    freeze_columns: int = 0
    notes: Sequence[str] = field(default_factory=tuple)


def money_format(decimals: int) -> str:
    """The number format for amounts with ``decimals`` places: ``#,##0.00``, ``#,##0``.

    Args:
        decimals: the currency's minor digits.

    Returns:
        An Excel number format.
    """
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def safe_cell_text(value: str) -> str:
    """Text that an ``.xlsx`` can hold: control characters replaced, cut to 32,767 characters.

    Args:
        value: any text.

    Returns:
        The text with XML-illegal characters (NUL and other C0 controls except tab, LF and CR)
        replaced by U+FFFD, and truncated to Excel's cell limit.
    """
    cleaned = "".join(
        "\ufffd" if (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r") else ch
        for ch in value
    )
    return cleaned[:MAX_CELL_TEXT]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(name: str, used: set[str]) -> str:
    base = (name.translate(_INVALID_SHEET_CHARS).strip("'") or "Sheet")[:31]
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


class _Styles:
    """Style objects shared by every cell of a workbook (openpyxl deduplicates them)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.bold = Font(bold=True)
        self.fill = PatternFill(fill_type="solid", start_color="FFDDE5F0", end_color="FFDDE5F0")
        self.header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def apply(
        self, cell: Any, kind: str, decimals: int, *, bold: bool, header: bool = False
    ) -> None:
        if bold or header:
            cell.font = self.bold
        if header:
            cell.fill = self.fill
            cell.alignment = self.header_align
        elif kind == "money":
            cell.number_format = money_format(decimals)
        elif kind == "date":
            cell.number_format = DATE_FORMAT
        elif kind == "int":
            cell.number_format = "0"
        else:
            cell.number_format = "@"


@dataclass(frozen=True, slots=True)
class _Look:
    kind: str
    decimals: int
    bold: bool = False
    header: bool = False


def _text_cell(ws: Any, text: str, look: _Look, styles: _Styles) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    styles.apply(cell, "text", 0, bold=look.bold, header=look.header)
    value = safe_cell_text(text)
    # Assigning a str that starts with "=" makes openpyxl write a formula: set the value first,
    # then force the explicit string type.
    cell.value = value
    cell.data_type = "s"
    if value.startswith((*GUARD_CHARS, "'")):
        cell.quotePrefix = True
    return cell


def _value_cell(ws: Any, column: Column, value: object, look: _Look, styles: _Styles) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str) or (column.kind == "text" and value is not None):
        return _text_cell(ws, str(value), look, styles)
    if isinstance(value, float):
        raise TypeError("money and counts never pass through float")
    decimals = look.decimals
    if isinstance(value, Money):  # each amount with its own currency's decimals
        value, decimals = value.to_decimal(), value.decimals
    if value is None:
        pass
    elif column.kind == "date":
        if isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError(f"date column {column.title!r} got {type(value).__name__}")
    elif not isinstance(value, int | Decimal) or isinstance(value, bool):
        raise TypeError(f"{column.kind} column {column.title!r} got {type(value).__name__}")
    cell = WriteOnlyCell(ws, value=value)
    styles.apply(cell, look.kind, decimals, bold=look.bold)
    return cell


def _widths(spec: SheetSpec) -> list[float]:
    sample = list(spec.rows[:500]) + ([spec.totals] if spec.totals else [])
    return _sample_widths(spec.columns, sample)


def _sample_widths(columns: Sequence[Column], sample: Sequence[Sequence[object]]) -> list[float]:
    widths: list[float] = []
    for i, col in enumerate(columns):
        if col.width is not None:
            widths.append(col.width)
            continue
        longest = _display_width(col.title)
        for row in sample:
            value = row[i] if i < len(row) else None
            if isinstance(value, Money):
                text = f"{value.to_decimal():,}"
            elif value is None:
                text = ""
            else:
                text = str(value)
            longest = max(longest, _display_width(text))
        widths.append(min(max(longest + 2, 8), 60))
    return widths


def _write_sheet(wb: Any, spec: SheetSpec, styles: _Styles, used: set[str]) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(_sheet_title(spec.name, used))
    for i, width in enumerate(_widths(spec), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    top = len(spec.notes)
    ws.freeze_panes = f"{get_column_letter(spec.freeze_columns + 1)}{top + 2}"
    for note in spec.notes:
        ws.append([_text_cell(ws, note, _Look("text", 0, bold=True), styles)])
    head = _Look("text", 0, bold=True, header=True)
    ws.append([_text_cell(ws, c.title, head, styles) for c in spec.columns])
    body = [_Look(c.kind, c.decimals) for c in spec.columns]
    for row in spec.rows:
        ws.append(_row_cells(ws, spec, row, body, styles))
    if spec.totals is not None:
        bold = [_Look(c.kind, c.decimals, bold=True) for c in spec.columns]
        ws.append(_row_cells(ws, spec, spec.totals, bold, styles))


def _row_cells(
    ws: Any, spec: SheetSpec, row: Sequence[object], looks: list[_Look], styles: _Styles
) -> list[Any]:
    if len(row) != len(spec.columns):
        raise ValueError(f"sheet {spec.name!r}: a row has {len(row)} values, not {len(looks)}")
    return [
        _value_cell(ws, c, v, k, styles) for c, v, k in zip(spec.columns, row, looks, strict=True)
    ]


def write_table_xlsx(path: Path, sheets: Sequence[SheetSpec]) -> Path:
    """Write formatted tables to an ``.xlsx`` file, one worksheet per :class:`SheetSpec`.

    The workbook is saved to ``<name>.tmp``, fsynced and renamed over ``path``, so an existing
    file is replaced only by a complete one.

    Args:
        path: the destination ``.xlsx`` file.
        sheets: the worksheets, in order; at least one.

    Returns:
        ``path``.

    Raises:
        ValueError: no sheets, or a row whose length does not match the columns.
        TypeError: a value that does not fit its column (a ``float`` amount, text in a date).
        OSError: the file cannot be written; an existing file at ``path`` is unchanged.
    """
    from openpyxl import Workbook

    if not sheets:
        raise ValueError("an .xlsx file needs at least one sheet")
    wb = Workbook(write_only=True)
    styles = _Styles()
    used: set[str] = set()
    for spec in sheets:
        _write_sheet(wb, spec, styles, used)
    # Build the file in memory first: a write-only workbook cannot be saved twice, and a
    # failure to write the file (full disk, missing folder) must not leave it half-closed.
    buffer = io.BytesIO()
    wb.save(buffer)
    with atomic_target(path) as tmp:
        tmp.write_bytes(buffer.getbuffer())
    return path
