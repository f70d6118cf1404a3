"""Reading spreadsheets and text tables as rows of raw cells (the first step of every import).

``open_workbook`` checks the file (see :mod:`desktop_ar.io.files`), then reads ``.xlsx`` /
``.xlsm``, ``.xls`` (BIFF), ``.xlsb`` (Excel binary) and ``.ods`` (OpenDocument) through
python-calamine — the kind is decided by the content, not the name — and ``.csv`` / ``.txt``
with encoding detection and delimiter sniffing. Chart sheets hold no cells and are not listed.
Rows come out as lists of :data:`Cell` values, indexed so that ``rows[i][j]`` is Excel row
``i + 1``, column ``j + 1`` (calamine starts a sheet at its first used cell; the reader pads the
offset back).

What calamine returns, per stored cell (python-calamine 0.9):

* text → ``str``; numbers → ``float`` in .xlsx/.ods (``15.0``) and ``int`` or ``float`` in
  .xls/.xlsb; booleans → ``bool``;
* date-formatted numbers → ``date`` / ``datetime`` already converted with the workbook's date
  system (1900 or 1904), ``t="d"`` ISO cells likewise; a time-only format → ``time``; a duration
  format (``[h]:mm``) → ``timedelta``;
* an empty cell, an error value (``#DIV/0!``, ``#N/A``…) **and a formula without a cached value**
  all come back as ``""``: calamine cannot tell them apart. The reader turns ``""`` into ``None``
  and ``rows()`` stays a plain, fast stream of values.

Formulas without a saved value and error values: for ``.xlsx`` / ``.xlsm``,
``Workbook.formula_cells(sheet)`` returns ``{(row_index, col_index): message}`` for exactly those
cells (same zero-based indexes as ``rows``), e.g. ``{(1, 2): "formula =A2*B2 has no saved value;
open the file in Excel and save it again"}`` or ``"error value #DIV/0! …"``. It costs nothing for
a sheet without formulas or errors (the file check noted which sheets have any) and a byte scan
for a sheet whose formulas all have values; only a sheet that really may hold such cells is
parsed (streaming, with defusedxml; see :mod:`desktop_ar.io.excel.formulas`). The import turns
each such cell in a mapped column of a data row into a ``CellError``. For ``.xls``, ``.xlsb`` and
``.ods`` it returns ``{}``: Excel and LibreOffice always store a formula's result there, and an
error value reads as an empty cell (or, in some .ods files, as its text, e.g. ``#DIV/0!``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeAlias
from xml.etree.ElementTree import ParseError

import python_calamine as pc

from desktop_ar.io.excel.formulas import formula_problems
from desktop_ar.io.files import check_zip_package, detect_encoding, detect_kind, refuse

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "Cell", "SheetInfo", "Workbook", "open_workbook"]

Cell: TypeAlias = str | int | float | bool | date | datetime | time | timedelta | None
"""One raw cell value as read; ``None`` is an empty cell."""

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
_SAMPLE = 4 * 1024 * 1024
_DELIMITERS = (",", ";", "\t", "|")
_NAMES = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "xlsb": (".xlsb",), "ods": (".ods",)}
_FIELD_LIMIT = 1024 * 1024
csv.field_size_limit(_FIELD_LIMIT)  # longer fields fail the file; 32,768..1 MiB fail the cell


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """A sheet of a workbook.

    Attributes:
        name: the sheet name exactly as stored (it may have trailing spaces).
        visible: ``False`` for hidden and very hidden sheets.
    """

    name: str
    visible: bool


@dataclass
class Workbook:
    """An opened, checked input file.

    Attributes:
        path: the file.
        kind: ``"xlsx"`` (also .xlsm), ``"xls"``, ``"xlsb"``, ``"ods"`` or ``"csv"``.
        encoding: the detected text encoding (csv/txt only).
        delimiter: the sniffed delimiter (csv/txt only).
        date1904: the workbook uses the 1904 date system (pass it to ``to_date`` for raw serials;
            known for .xlsx and .xls, calamine converts date-formatted cells of every format).
        notes: remarks to show the user (macros present, wrong file name…).
    """

    path: Path
    kind: str
    encoding: str | None = None
    delimiter: str | None = None
    date1904: bool = False
    notes: list[str] = field(default_factory=list)
    _book: Any = None
    _formula_parts: frozenset[str] = frozenset()
    _formulas: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)

    @property
    def sheets(self) -> list[SheetInfo]:
        """The sheets with cells, in workbook order (a csv file has one, named after the file).

        Chart sheets are left out; a zero-based index given to ``rows`` counts in this list.
        """
        if self._book is None:
            return [SheetInfo(self.path.stem, True)]
        return [
            SheetInfo(meta.name, str(meta.visible).rsplit(".", 1)[-1] == "Visible")
            for meta in self._book.sheets_metadata
            if str(meta.typ).rsplit(".", 1)[-1] != "ChartSheet"
        ]

    def _sheet_name(self, sheet: str | int) -> str:
        names = [info.name for info in self.sheets]
        if isinstance(sheet, int) and 0 <= sheet < len(names):
            return names[sheet]
        if sheet in names:
            return str(sheet)
        raise refuse(self.path, f"there is no sheet {sheet!r}")

    def formula_cells(self, sheet: str | int) -> dict[tuple[int, int], str]:
        """Cells that hold an error value or a formula without a saved value (.xlsx/.xlsm only).

        ``rows`` gives ``None`` for these cells; this says why, so the import can tell the user
        what to fix. The result is computed once per sheet.

        Args:
            sheet: a sheet name (exact) or a zero-based index, as for ``rows``.

        Returns:
            ``{(row_index, col_index): message}`` with zero-based indexes like ``rows`` (``(1, 2)``
            is cell C2), e.g. ``"formula =A2*B2 has no saved value; open the file in Excel and
            save it again"`` or ``"error value #DIV/0! from the formula =A2/B2; correct it in
            the file or type the value"``; ``{}`` for other kinds of file.

        Raises:
            UserFacingError: ``invalid`` for an unknown sheet or a damaged worksheet part.
        """
        name = self._sheet_name(sheet)
        if self.kind != "xlsx" or not self._formula_parts:
            return {}
        if name not in self._formulas:
            try:
                self._formulas[name] = formula_problems(self.path, name, self._formula_parts)
            except (zipfile.BadZipFile, OSError, ParseError, ValueError, KeyError) as exc:
                raise refuse(self.path, f"the sheet {name!r} cannot be read ({exc})") from None
        return self._formulas[name]

    def rows(self, sheet: str | int, limit: int | None = None) -> Iterator[list[Cell]]:
        """Yield the rows of a sheet from row 1, empty cells as ``None``.

        Args:
            sheet: a sheet name (exact) or a zero-based index.
            limit: stop after this many rows (for previews and header detection).

        Yields:
            One list of cells per row; trailing empty cells may be missing.

        Raises:
            UserFacingError: ``invalid`` for an unknown sheet, more than ``MAX_ROWS`` rows or
                ``MAX_COLUMNS`` columns, or a csv file that cannot be decoded.
        """
        if self._book is None:
            yield from self._csv_rows(sheet, limit)
            return
        yield from self._calamine_rows(sheet, limit)

    def _calamine_rows(self, sheet: str | int, limit: int | None) -> Iterator[list[Cell]]:
        name = self._sheet_name(sheet)
        try:
            data = self._book.get_sheet_by_name(name)
        except (pc.WorksheetNotFound, IndexError):
            raise refuse(self.path, f"there is no sheet {sheet!r}") from None
        except (pc.CalamineError, pc.XmlError, pc.ZipError, ValueError) as exc:
            raise refuse(self.path, f"the sheet {name!r} cannot be read ({exc})") from None
        first_row, first_col = data.start or (0, 0)
        if data.height + first_row > MAX_ROWS or data.width + first_col > MAX_COLUMNS:
            raise refuse(self.path, "file too large or malformed: too many rows or columns")
        count = 0
        for _ in range(first_row):
            if limit is not None and count >= limit:
                return
            count += 1
            yield []
        pad: list[Cell] = [None] * first_col
        for raw in data.iter_rows():
            if limit is not None and count >= limit:
                return
            count += 1
            row: list[Cell] = [None if v == "" else v for v in raw]
            while row and row[-1] is None:
                row.pop()
            yield pad + row if pad and row else row

    def _csv_rows(self, sheet: str | int, limit: int | None) -> Iterator[list[Cell]]:
        if sheet not in (0, self.path.stem):
            raise refuse(self.path, f"there is no sheet {sheet!r}")
        assert self.encoding is not None and self.delimiter is not None
        count = 0
        with self.path.open("r", encoding=self.encoding, newline="", errors="strict") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            try:
                for raw in reader:
                    if limit is not None and count >= limit:
                        return
                    count += 1
                    if count > MAX_ROWS or len(raw) > MAX_COLUMNS:
                        raise refuse(
                            self.path, "file too large or malformed: too many rows or columns"
                        )
                    row: list[Cell] = [None if v == "" else v for v in raw]
                    while row and row[-1] is None:
                        row.pop()
                    yield row
            except UnicodeDecodeError as exc:
                raise refuse(
                    self.path,
                    f"the text is not valid {self.encoding} after the start of the file "
                    f"(byte {exc.start}); save it again as CSV UTF-8",
                ) from None
            except csv.Error as exc:
                if "field limit" in str(exc):
                    raise refuse(
                        self.path,
                        f"file too large or malformed: line {reader.line_num} has a cell of more "
                        f"than {_FIELD_LIMIT:,} characters; a cell holds at most 32,767",
                    ) from None
                raise refuse(
                    self.path, f"file too large or malformed: line {reader.line_num}: {exc}"
                ) from None

    def close(self) -> None:
        """Release the file."""
        if self._book is not None:
            self._book.close()
            self._book = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the sample's lines most consistently."""
    lines = text.splitlines()[:50]
    best, best_score = ",", (0, 0)
    for delim in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim)]
        except csv.Error:  # e.g. a field over the limit: reading the rows will say so
            continue
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _open_text(path: Path) -> Workbook:
    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE + 1)
    complete = len(sample) <= _SAMPLE
    sample = sample[:_SAMPLE]
    encoding = detect_encoding(sample, complete=complete)
    text = sample.decode(encoding, errors="ignore")
    book = Workbook(path, "csv", encoding=encoding, delimiter=_sniff_delimiter(text))
    book.notes.append(f"read as text in the {encoding} encoding")
    return book


def open_workbook(path: str | Path) -> Workbook:
    """Check and open a spreadsheet or text table for import.

    Args:
        path: an ``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb``, ``.ods``, ``.csv`` or ``.txt`` file.

    Returns:
        The opened workbook; use it as a context manager or call ``close``.

    Raises:
        UserFacingError: ``file_missing``; or ``invalid`` with a distinct sentence for an empty,
            password-protected, damaged, renamed, unsafe, oversized or unsupported file.
    """
    path = Path(path)
    kind = detect_kind(path)
    if kind.kind == "text":
        return _open_text(path)
    if kind.kind != "xls":
        kind = check_zip_package(path)
    notes = [n for n in kind.notes if n != "date1904"]
    try:
        if path.suffix.lower() in _NAMES[kind.kind]:
            book = pc.CalamineWorkbook.from_path(str(path))
        else:  # e.g. an .xls saved as .xlsx: let calamine sniff the content
            with path.open("rb") as fh:
                book = pc.CalamineWorkbook.from_filelike(fh)
            notes.append(f"the file is really an .{kind.kind} file; its name says otherwise")
    except pc.PasswordError:
        raise refuse(
            path,
            "the workbook is password-protected; open it in Excel, remove the password and save "
            "it again",
        ) from None
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
        raise refuse(
            path,
            f"the file is damaged and cannot be read ({exc}); open it in Excel and save it again",
        ) from None
    result = Workbook(
        path,
        kind.kind,
        date1904="date1904" in kind.notes,
        notes=notes,
        _book=book,
        _formula_parts=kind.formula_parts,
    )
    if not result.sheets:
        book.close()
        raise refuse(path, "the workbook has no sheets with cells")
    if not any(s.visible for s in result.sheets):
        result.notes.append("every sheet is hidden; pick one explicitly")
    return result
