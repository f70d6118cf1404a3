"""Streaming ``.xlsx`` export: one formatted sheet written row by row in bounded memory.

The look matches :mod:`desktop_ar.io.excel.writer` (it shares its cell helpers): bold frozen
header, column widths, amounts as numbers with their currency's decimals, real date cells and
explicit, formula-guarded string cells (RELIABILITY rule 10, test H1). The file appears only
when it is complete (RELIABILITY rule 5, test B4).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from zipfile import ZIP_DEFLATED, ZipFile

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

__all__ = ["StreamingSheetWriter"]


class StreamingSheetWriter:
    """One formatted worksheet written row by row, in bounded memory, then saved atomically.

    openpyxl's write-only mode keeps the rows in a temporary file (text as inline strings), so a
    million rows cost no more memory than a hundred. The first ``sample`` rows are held back to
    size the columns; then come a bold title row (``notes``), the bold, frozen header with an
    auto-filter, the rows and any bold totals rows. On a clean exit the workbook is saved to
    ``<name>.tmp``, fsynced, ``before_rename`` is called (the export's audit row) and the file
    is renamed over ``path``. On an exception (``Cancelled`` included) nothing appears at
    ``path`` and an existing file there is unchanged.

    Example::

        with StreamingSheetWriter(path, columns, sheet_name="Invoices", notes=[title]) as sheet:
            for row in rows:
                sheet.append(row)
            sheet.append(totals, bold=True)
    """

    def __init__(
        self,
        path: Path,
        columns: Sequence[Column],
        *,
        sheet_name: str,
        notes: Sequence[str] = (),
        freeze_columns: int = 0,
        sample: int = 200,
    ) -> None:
        """Prepare the sheet; nothing is written before the block ends without an error.

        Args:
            path: the destination ``.xlsx`` file.
            columns: the columns (a money column takes each ``Money``'s own decimals).
            sheet_name: the worksheet's name (cut to Excel's 31 characters).
            notes: title lines above the header (e.g. ``"Invoices as of 2026-06-30"``).
            freeze_columns: leading columns kept in view when scrolling sideways.
            sample: rows held back to size the columns.
        """
        self.path, self.columns, self.notes = path, list(columns), list(notes)
        self.sheet_name, self.freeze_columns, self._sample = sheet_name, freeze_columns, sample
        self.before_rename: Callable[[], None] | None = None
        self.rows_written = 0  # data rows, totals rows excluded
        self._pending: list[tuple[Sequence[object], bool]] = []
        self._started = False
        self._wb: Any = None
        self._ws: Any = None
        self._styles: _Styles | None = None
        self._plain = [_Look(c.kind, c.decimals) for c in self.columns]
        self._bold = [_Look(c.kind, c.decimals, bold=True) for c in self.columns]

    def __enter__(self) -> Self:
        from openpyxl import Workbook

        self._wb = Workbook(write_only=True)
        self._ws = self._wb.create_sheet(_sheet_title(self.sheet_name, set()))
        self._styles = _Styles()
        return self

    def append(self, row: Sequence[object], *, bold: bool = False) -> None:
        """Add one row of values (``str``, ``int``, ``Decimal``, ``Money``, ``date``, None).

        Args:
            row: one value per column.
            bold: write it bold (a totals row); totals rows do not count in ``rows_written``.

        Raises:
            ValueError: the row's length does not match the columns.
            TypeError: a value that does not fit its column (a ``float``, text in a date).
        """
        if len(row) != len(self.columns):
            raise ValueError(f"a row has {len(row)} values, not {len(self.columns)}")
        if not bold:
            self.rows_written += 1
        if self._started:
            self._write(row, bold)
            return
        self._pending.append((row, bold))
        if len(self._pending) >= self._sample:
            self._start()

    def _start(self) -> None:
        from openpyxl.utils import get_column_letter

        ws, styles = self._ws, self._styles
        assert styles is not None
        sample = [row for row, _ in self._pending]
        for i, width in enumerate(_sample_widths(self.columns, sample), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        top = len(self.notes)
        ws.freeze_panes = f"{get_column_letter(self.freeze_columns + 1)}{top + 2}"
        for note in self.notes:
            ws.append([_text_cell(ws, note, _Look("text", 0, bold=True), styles)])
        head = _Look("text", 0, bold=True, header=True)
        ws.append([_text_cell(ws, c.title, head, styles) for c in self.columns])
        self._started = True
        pending, self._pending = self._pending, []
        for row, bold in pending:
            self._write(row, bold)

    def _write(self, row: Sequence[object], bold: bool) -> None:
        styles = self._styles
        assert styles is not None
        looks = self._bold if bold else self._plain
        cells = [
            _value_cell(self._ws, c, v, look, styles)
            for c, v, look in zip(self.columns, row, looks, strict=True)
        ]
        self._ws.append(cells)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._discard()
            return
        try:
            self._save()
        except BaseException:
            self._discard()
            raise

    def _save(self) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.writer.excel import ExcelWriter

        if not self._started:
            self._start()
        top = len(self.notes) + 1
        last = get_column_letter(len(self.columns))
        # The filter covers the header and the data rows, not the totals below them.
        self._ws.auto_filter.ref = f"A{top}:{last}{top + self.rows_written}"
        # Finish the sheet's own temporary file first, then zip the workbook into name.tmp
        # with the archive and the file closed by ``with`` even on a full disk (openpyxl's
        # save() would leave them to the garbage collector, which then prints errors).
        self._ws.close()
        self._wb.properties.modified = datetime.now(UTC).replace(tzinfo=None)
        with atomic_target(self.path) as tmp:
            with (
                open(tmp, "wb") as fh,
                ZipFile(fh, "w", ZIP_DEFLATED, allowZip64=True) as archive,
            ):
                ExcelWriter(self._wb, archive).write_data()
            if self.before_rename is not None:
                self.before_rename()

    def _discard(self) -> None:
        # The rows so far sit in openpyxl's temporary file: finish the sheet's XML generators
        # (left open they would write to a closed file when collected), then remove the file.
        ws = self._ws
        if ws is None:
            return
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
            with contextlib.suppress(OSError, ValueError):
                writer.cleanup()
