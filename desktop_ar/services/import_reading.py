"""Reading a file for import: the sheet preview (wizard step 2) and header, mapping, conversion.

``preview_sheet`` opens a file and returns the first rows of a sheet with the header row found
automatically (the user may choose another) and any saved template made for that header row.
``read_records`` does the reading half of ``plan_import``: header row (given, from the template,
or found), the mapping (given, a named template, a template saved for the same header row, or
guessed from the labels) and every cell converted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_ar.domain.errors import CellError, UserFacingError
from desktop_ar.io.excel.cells import column_letter
from desktop_ar.io.excel.header import SCAN_ROWS, data_rows, find_header_row
from desktop_ar.io.excel.mapping import (
    KINDS,
    Mapping,
    guess_mapping,
    header_signature,
    known_headers,
)
from desktop_ar.io.excel.reader import Cell, SheetInfo, Workbook, open_workbook
from desktop_ar.io.excel.records import Record, convert_rows
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_plan import ImportPlan, check_kind, sheet_error
from desktop_ar.services.import_templates import TemplateInfo, load_template, matching_template
from desktop_ar.services.uow import reader

__all__ = ["SheetPreview", "preview_sheet", "read_records"]


@dataclass(frozen=True, slots=True)
class SheetPreview:
    """The first rows of one sheet and where the header row seems to be (wizard step 2).

    Attributes:
        file_kind: ``xlsx``, ``xls``, ``ods``, ``csv``… as detected from the content.
        sheets: every sheet of the file, in workbook order.
        sheet: the sheet previewed.
        rows: its first rows (``rows[i]`` is Excel row ``i + 1``), empty cells ``None``.
        header_row: the 1-based header row found automatically (``None``: none found).
        reasons: why that row (or why none) was chosen.
        notes: remarks on the file (encoding, macros, formulas…).
        template: the saved template made for this header row, if any.
    """

    file_kind: str
    sheets: list[SheetInfo]
    sheet: str
    rows: list[list[Cell]]
    header_row: int | None
    reasons: tuple[str, ...]
    notes: list[str]
    template: TemplateInfo | None


def _first_visible(book: Workbook) -> str:
    visible = [info.name for info in book.sheets if info.visible] or [book.sheets[0].name]
    return visible[0]


def preview_sheet(
    ctx: ServiceContext,
    path: str | Path,
    kind: str,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    limit: int = SCAN_ROWS,
) -> SheetPreview:
    """Open a file and show the first rows of a sheet, with the header row found (or given).

    Args:
        ctx: the service context (to look up a saved template for the header row).
        path: the file.
        kind: the import kind (its field names are what a header row looks like).
        sheet: the sheet (default: the first visible one).
        header_row: a 1-based header row chosen by the user instead of the automatic guess.
        limit: how many rows to return (at least enough to show the header row).

    Returns:
        The :class:`SheetPreview`.

    Raises:
        UserFacingError: an unknown kind or sheet, or a file that cannot be opened or read.
    """
    check_kind(kind)
    file = Path(path)
    if not file.is_file():
        raise UserFacingError("file_missing", path=str(file))
    with open_workbook(file) as book:
        name = sheet if sheet is not None else _first_visible(book)
        wanted = max(limit, SCAN_ROWS, header_row or 0)
        rows = list(book.rows(name, limit=wanted))
        notes, sheets, file_kind = list(book.notes), book.sheets, book.kind
    guess = find_header_row(rows[:SCAN_ROWS], known_headers(kind))
    found = header_row if header_row is not None else _one_based(guess.row_index)
    template = None
    if found is not None and found <= len(rows):
        with reader(ctx) as s:
            template = matching_template(s, kind, rows[found - 1])
    return SheetPreview(
        file_kind, sheets, name, rows[:limit], found, guess.reasons, notes, template
    )


def _one_based(index: int | None) -> int | None:
    return None if index is None else index + 1


def _header_index(plan: ImportPlan, rows: list[list[Cell]], header_row: int | None) -> int | None:
    """The zero-based header row: the one asked for, or the one found; ``None`` if none."""
    if header_row is not None:
        if not 1 <= header_row <= len(rows) or not any(
            c not in (None, "") for c in rows[header_row - 1]
        ):
            sheet_error(plan, f"row {header_row} is not a header row: it is empty or missing")
            return None
        plan.notes.append(f"header row {header_row}, as chosen")
        return header_row - 1
    guess = find_header_row(rows[:SCAN_ROWS], known_headers(plan.kind))
    if guess.row_index is None:
        sheet_error(plan, "no header row was found; " + "; ".join(guess.reasons))
        return None
    plan.notes.extend(guess.reasons)
    return guess.row_index


def _choose_mapping(
    ctx: ServiceContext, plan: ImportPlan, mapping: Mapping | None, template: str | None
) -> None:
    """Set ``plan.mapping``: the one given, a named template, a matching template, or a guess."""
    if mapping is not None:
        if mapping.kind != plan.kind:
            raise UserFacingError("invalid", field="mapping", reason=f"not a {plan.kind} mapping")
        plan.mapping = mapping.for_headers(plan.headers)
        return
    if template is not None:
        info = load_template(ctx, plan.kind, template)
        if info.header_signature != header_signature(plan.headers):
            plan.notes.append(
                f"template {info.name!r} was saved for a different header row; check the columns"
            )
    else:
        with reader(ctx) as s:
            info = matching_template(s, plan.kind, plan.headers)
        if info is None:
            plan.mapping = guess_mapping(plan.headers, plan.kind)
            return
    plan.template = info.name
    plan.notes.append(f"columns mapped with the saved template {info.name!r}")
    plan.mapping = info.mapping.for_headers(plan.headers)


def read_records(
    ctx: ServiceContext,
    plan: ImportPlan,
    *,
    sheet: str | None,
    header_row: int | None,
    mapping: Mapping | None,
    template: str | None,
) -> list[Record]:
    """Open, find the header, map and convert; the records without problems.

    Problems go to ``plan.errors``; the header row, headers, mapping and notes to the plan.
    """
    with reader(ctx) as s:
        from desktop_ar.services.settings import load_settings

        currency = load_settings(s).base_currency
    with open_workbook(plan.file) as book:
        plan.notes.extend(book.notes)
        plan.sheet = sheet if sheet is not None else _first_visible(book)
        rows = list(book.rows(plan.sheet))
        date1904 = book.date1904
        formulas = book.formula_cells(plan.sheet)
    if header_row is None and template is not None and mapping is None:
        header_row = load_template(ctx, plan.kind, template).header_row
    index = _header_index(plan, rows, header_row)
    if index is None:
        return []
    plan.header_row = index + 1
    plan.headers = list(rows[index])
    _choose_mapping(ctx, plan, mapping, template)
    body = data_rows(rows, index)
    plan.notes.extend(body.notes)
    plan.rows_total = len(body.rows)
    result = convert_rows(
        body.rows,
        plan.mapping,
        plan.kind,
        file=plan.file.name,
        sheet=plan.sheet,
        default_currency=currency,
        date1904=date1904,
    )
    bad = _formula_errors(plan, formulas, body.rows)
    plan.errors.extend(e for e in result.errors if (e.row, e.column) not in bad)
    plan.errors.extend(bad.values())
    bad_rows = {row for row, _ in bad}
    records = [r for r in result.records if r.row_number not in bad_rows]
    for record in records:
        plan.notes.extend(f"row {record.row_number}: {note}" for note in record.notes)
    plan.rejected_cells = {i + 1: cells for i, cells in body.rows}  # trimmed below
    return records


def _formula_errors(
    plan: ImportPlan, found: dict[tuple[int, int], str], body: list[tuple[int, list[Cell]]]
) -> dict[tuple[int, str], CellError]:
    """A problem for each mapped data cell that is an error value or an uncalculated formula.

    The reader gives such cells as empty; ``Workbook.formula_cells`` says why. They replace
    any other problem reported for the same cell (e.g. "required").
    """
    if not found:
        return {}
    labels = {spec.key: spec.label_en for spec in KINDS[plan.kind]}
    columns = {col: labels.get(key, key) for key, col in plan.mapping.columns.items()}
    errors: dict[tuple[int, str], CellError] = {}
    for index, _ in body:
        for col, label in columns.items():
            reason = found.get((index, col))
            if reason is not None:
                where = (index + 1, column_letter(col))
                params = {"field": label, "reason": reason}
                errors[where] = CellError(plan.file.name, plan.sheet, *where, "", "invalid", params)
    return errors
