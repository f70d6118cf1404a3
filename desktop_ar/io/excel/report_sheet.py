"""Printable report sheets in ``.xlsx``: heading lines, then tables one below the other.

A statement of account (and later a reconciliation) is not one flat list: it has a heading
(company, document title, customer, period), a table of lines with bold opening and closing
rows, and a second table below it (the open items). :func:`write_report_xlsx` writes such
sheets with the same cell rules as :mod:`desktop_ar.io.excel.writer` (it shares its helpers):
explicit, formula-guarded string cells, amounts as numbers with their currency's decimals, real
date cells, bold shaded headers. Columns are sized for every table on the sheet, the panes are
frozen below the first table's header, and the sheet is set up to print: A4, fitted to the page
width, the first header repeated on every page and "Page X of Y" in the footer. The file is
written through ``name.tmp`` and a rename, so an existing file is replaced only by a whole one.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_ar.io.csv_writer import atomic_target
from desktop_ar.io.excel.writer import (
    Column,
    _Look,
    _sample_widths,
    _sheet_title,
    _Styles,
    _text_cell,
    _value_cell,
)

__all__ = ["Block", "ReportSheet", "write_report_xlsx"]

_A4 = 9
_TITLE_SIZE = 14


@dataclass(frozen=True, slots=True)
class Block:
    """One table of a report sheet.

    Written as: an optional bold ``title`` line, the header, the bold ``lead`` rows (an opening
    balance), the data ``rows`` and the bold ``totals`` rows; each row has one value per column.
    ``align`` maps column indexes to a horizontal alignment (``"left"``, ``"center"``) for the
    cells below the header, e.g. a date under another table's wide text column.
    """

    columns: Sequence[Column]
    rows: Sequence[Sequence[object]] = ()
    title: str = ""
    lead: Sequence[Sequence[object]] = ()
    totals: Sequence[Sequence[object]] = ()
    align: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReportSheet:
    """A worksheet of heading lines, tables and footer lines.

    The first heading line is large and bold, the second bold; a blank row comes before each
    block; the footer lines are plain, below the last block.
    """

    name: str
    heading: Sequence[str]
    blocks: Sequence[Block]
    footer: Sequence[str] = field(default_factory=tuple)
    landscape: bool = False


def _widths(sheet: ReportSheet) -> list[float]:
    widths: list[float] = []
    for block in sheet.blocks:
        sample = [*block.lead, *block.rows[:500], *block.totals]
        for i, width in enumerate(_sample_widths(block.columns, sample)):
            if i < len(widths):
                widths[i] = max(widths[i], width)
            else:
                widths.append(width)
    return widths


def _check_row(block: Block, row: Sequence[object]) -> None:
    if len(row) != len(block.columns):
        raise ValueError(f"a row has {len(row)} values, not {len(block.columns)}")


class _SheetWriter:
    """Appends the rows of one sheet."""

    def __init__(self, ws: Any, styles: _Styles) -> None:
        self.ws, self.styles = ws, styles

    def text_line(self, text: str, *, bold: bool = False, size: float | None = None) -> None:
        cell = _text_cell(self.ws, text, _Look("text", 0, bold=bold), self.styles)
        if size is not None:
            from openpyxl.styles import Font

            cell.font = Font(bold=bold, size=size)
        self.append([cell])

    def append(self, cells: list[Any]) -> None:
        self.ws.append(cells)

    def block(self, block: Block) -> None:
        """Write one block: title line, header, lead rows, data rows, totals rows."""
        ws, styles = self.ws, self.styles
        if block.title:
            self.text_line(block.title, bold=True)
        head = _Look("text", 0, bold=True, header=True)
        self.append([_text_cell(ws, c.title, head, styles) for c in block.columns])
        plain = [_Look(c.kind, c.decimals) for c in block.columns]
        bold = [_Look(c.kind, c.decimals, bold=True) for c in block.columns]
        aligns = self._alignments(block)
        for rows, looks in ((block.lead, bold), (block.rows, plain), (block.totals, bold)):
            for row in rows:
                _check_row(block, row)
                cells = [
                    _value_cell(ws, c, v, k, styles)
                    for c, v, k in zip(block.columns, row, looks, strict=True)
                ]
                for i, alignment in aligns.items():
                    if i < len(cells):
                        cells[i].alignment = alignment
                self.append(cells)

    @staticmethod
    def _alignments(block: Block) -> dict[int, Any]:
        from openpyxl.styles import Alignment

        return {i: Alignment(horizontal=h) for i, h in block.align.items()}


def _print_setup(ws: Any, sheet: ReportSheet, header_row: int) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.paperSize = _A4
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_options.horizontalCentered = True
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.HeaderFooter.oddFooter.center.text = "&P / &N"


def _write_sheet(wb: Any, sheet: ReportSheet, styles: _Styles, used: set[str]) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(_sheet_title(sheet.name, used))
    for i, width in enumerate(_widths(sheet), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    # A write-only sheet takes its panes before the first row: they freeze below the first
    # table's header, which follows the heading lines, a blank row and the block's title.
    first = sheet.blocks[0] if sheet.blocks else None
    header_row = 0
    if first is not None:
        header_row = len(sheet.heading) + bool(sheet.heading) + bool(first.title) + 1
        ws.freeze_panes = f"A{header_row + 1}"
    _print_setup(ws, sheet, header_row)
    out = _SheetWriter(ws, styles)
    for i, line in enumerate(sheet.heading):
        out.text_line(line, bold=i < 2, size=_TITLE_SIZE if i == 0 else None)
    for i, block in enumerate(sheet.blocks):
        if i > 0 or sheet.heading:
            out.append([])
        out.block(block)
    if sheet.footer:
        out.append([])
        for line in sheet.footer:
            out.text_line(line)


def _discard(wb: Any) -> None:
    # A write-only sheet keeps its rows in a temporary file written by a generator: finish and
    # remove them, or the generator complains when it is collected (see streaming.py).
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
            with contextlib.suppress(OSError, ValueError):
                writer.cleanup()


def write_report_xlsx(
    path: Path, sheets: Sequence[ReportSheet], *, before_rename: Callable[[], None] | None = None
) -> Path:
    """Write report sheets to an ``.xlsx`` file.

    Args:
        path: the destination ``.xlsx`` file.
        sheets: the worksheets, in order; at least one.
        before_rename: called once the complete file is on disk as ``name.tmp``, before it is
            renamed over ``path`` (an export's audit row); an exception there leaves no file.

    Returns:
        ``path``.

    Raises:
        ValueError: no sheets, or a row whose length does not match its block's columns.
        TypeError: a value that does not fit its column (a ``float`` amount, text in a date).
        OSError: the file cannot be written; an existing file at ``path`` is unchanged.
    """
    from openpyxl import Workbook

    if not sheets:
        raise ValueError("an .xlsx file needs at least one sheet")
    wb = Workbook(write_only=True)
    styles = _Styles()
    used: set[str] = set()
    try:
        for sheet in sheets:
            _write_sheet(wb, sheet, styles, used)
    except BaseException:
        _discard(wb)
        raise
    buffer = io.BytesIO()
    wb.save(buffer)
    with atomic_target(path) as tmp:
        tmp.write_bytes(buffer.getbuffer())
        if before_rename is not None:
            before_rename()
    return path
