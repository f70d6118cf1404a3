"""Reading a bank's CSV/Excel export with the user's columns, a saved template or the guess.

The mapping used is, in order: the caller's ``mapping`` (the import wizard), the template named
by the caller, a saved bank template whose header signature
(:func:`~desktop_ar.io.excel.mapping.header_signature`) equals a row near the top of the sheet
(the same bank's export again: a note says so), or the guess of
:func:`~desktop_ar.io.bank.read_bank_table`. Header rows are 1-based here, as in the import
wizard and the templates; the io layer's are zero-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.io import bank as bankio
from desktop_ar.io.bank.columns import bank_headers
from desktop_ar.io.excel.header import SCAN_ROWS, find_header_row
from desktop_ar.io.excel.mapping import header_signature
from desktop_ar.io.excel.reader import Cell, open_workbook
from desktop_ar.io.files import refuse
from desktop_ar.services.bank_templates import (
    BankTemplateInfo,
    list_bank_templates,
    load_bank_template,
)
from desktop_ar.services.context import ServiceContext

__all__ = ["TableRead", "file_kind", "read_table", "template_note"]

PREVIEW_ROWS = 60


@dataclass
class TableRead:
    """A bank export as read for the wizard or the import.

    Attributes:
        kind: ``csv`` or ``xlsx``.
        sheets: the sheet names (one, the file's stem, for CSV).
        sheet: the sheet read.
        rows: its first rows (``rows[i]`` is row ``i + 1``).
        header_row: the 1-based header row, ``None`` when there is none (or none was found).
        headers: the header cells.
        mapping: the mapping used (or the guess, when it is not enough to read lines).
        statements: the statements read (empty when the columns are not enough).
        notes: remarks on the reading.
        template: the name of the saved template used, ``""`` for none.
        problem: why no statements could be read (``""`` when they were).
    """

    kind: str
    sheets: list[str]
    sheet: str
    rows: list[list[Cell]]
    header_row: int | None
    headers: tuple[Cell, ...]
    mapping: bankio.BankMapping
    statements: list[bankio.BankStatement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    template: str = ""
    problem: str = ""


def file_kind(path: Path) -> str:
    """``csv``, ``xlsx``, ``mt940``, ``ofx`` or ``camt053``, from the content."""
    if not path.is_file():
        raise UserFacingError("file_missing", path=str(path))
    with path.open("rb") as fh:
        head = fh.read(65536)
    try:
        return bankio.detect_bank_format(head)
    except bankio.BankFileError as exc:
        raise refuse(path, exc.reason) from None


def template_note(name: str) -> str:
    """The note on a statement read with the saved template ``name``."""
    return f"columns mapped with the saved template '{name}'"


def _find_template(
    templates: list[BankTemplateInfo], rows: list[list[Cell]], header_row: int | None
) -> tuple[BankTemplateInfo, int] | None:
    """A saved template made for one of the first rows (the given header row, if any)."""
    by_signature: dict[str, BankTemplateInfo] = {}
    for info in templates:
        by_signature.setdefault(info.header_signature, info)
    if not by_signature:
        return None
    indexes = [header_row - 1] if header_row is not None else range(min(SCAN_ROWS, len(rows)))
    for index in indexes:
        if 0 <= index < len(rows) and any(c is not None for c in rows[index]):
            info = by_signature.get(header_signature(rows[index]))
            if info is not None:
                return info, index + 1
    return None


def read_table(
    ctx: ServiceContext,
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: bankio.BankMapping | None = None,
    template: str | None = None,
    currency: str | None = None,
    strict: bool = True,
) -> TableRead:
    """Read a CSV/Excel bank export (see the module docstring for which columns are used).

    Args:
        ctx: the service context (templates).
        path: the file.
        sheet: the sheet, ``None`` for the first with a bank header (or the first).
        header_row: the 1-based header row, ``None`` to find it, ``0`` for a file without one.
        mapping: the columns chosen by the user.
        template: a saved template's name.
        currency: the currency when the file does not say.
        strict: raise the reading error (the import) instead of returning it as ``problem``
            (the wizard's preview).

    Raises:
        UserFacingError: ``invalid`` for a file that cannot be read (or, when ``strict``, whose
            lines cannot be read with these columns); ``not_found`` for an unknown template.
    """
    chosen = load_bank_template(ctx, template) if template else None
    with open_workbook(path) as book:
        kind = book.kind
        names = [info.name for info in book.sheets]
        visible = [info.name for info in book.sheets if info.visible] or names
    csv = kind == "csv"
    key: str | int | None = None if csv else sheet
    if key is None and not csv and mapping is None and chosen is None:
        try:  # the sheet the bank reader would choose (the first with a bank header)
            key = bankio.guess_bank_table(path).sheet
        except UserFacingError:
            key = visible[0]
    if key is None and not csv:
        key = visible[0]
    with open_workbook(path) as book:
        rows = list(book.rows(0 if csv else key, limit=max(PREVIEW_ROWS, header_row or 0)))
    used_name = ""
    notes: list[str] = []
    if mapping is None and chosen is None and header_row != 0:
        found = _find_template(list_bank_templates(ctx), rows, header_row)
        if found is not None:
            chosen, header_row = found
    if mapping is None and chosen is not None:
        mapping = chosen.mapping
        used_name = chosen.name
        notes.append(template_note(chosen.name))
        if header_row is None:
            header_row = chosen.header_row
    io_header = None if header_row is None else header_row - 1
    sheet_name = names[0] if csv else str(key)
    try:
        table = bankio.read_bank_table(
            path,
            None if csv else key,
            io_header,
            None if mapping is None else mapping.to_dict(),
            currency,
        )
    except UserFacingError as exc:
        if strict:
            raise
        index = io_header
        if index is None:
            index = find_header_row(rows[:SCAN_ROWS], bank_headers()).row_index
        headers = tuple(rows[index]) if index is not None and 0 <= index < len(rows) else ()
        shown = mapping or (bankio.guess_bank_mapping(headers) if headers else None)
        reason = str(exc.params.get("reason") or exc.message)
        return TableRead(
            kind, names, sheet_name, rows, None if index is None else index + 1, headers,
            shown or bankio.BankMapping(), [], notes, used_name, reason,
        )  # fmt: skip
    statements = [replace(st, notes=(*notes, *st.notes)) for st in table.statements]
    one_based = None if table.header_row is None else table.header_row + 1
    return TableRead(
        kind, names, table.sheet if not csv else sheet_name, rows, one_based, table.headers,
        table.mapping, statements, [*notes, *table.notes], used_name,
    )  # fmt: skip
