"""Reading a customer's own ledger for reconciliation, and its saved column templates.

The wizard steps of an import: open the file (any format the reading layer takes), pick the
sheet, find the header row (or take the user's), map the columns (given, a named template, a
template saved for the same header row, or guessed), convert every cell. Problems come back as
``CellError`` values naming the sheet, row and column; nothing is written. Templates live in
``import_templates`` with kind ``customer_ledger`` (their own functions: the generic template
service only knows the import kinds).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_ar.db.models import ImportTemplate
from desktop_ar.domain.errors import CellError, NotFound, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.header import SCAN_ROWS, find_header_row
from desktop_ar.io.excel.ledger_columns import (
    LEDGER_KIND,
    LedgerMapping,
    LedgerRead,
    guess_ledger_mapping,
    known_ledger_headers,
    read_ledger_rows,
)
from desktop_ar.io.excel.mapping import header_signature
from desktop_ar.io.excel.reader import Cell, SheetInfo, open_workbook
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_templates import (
    drop_template,
    find_template_row,
    matching_template_row,
    store_template,
    template_rows,
)
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "LedgerLine",
    "LedgerPreview",
    "LedgerTemplate",
    "delete_ledger_template",
    "list_ledger_templates",
    "load_ledger_template",
    "read_ledger_file",
    "save_ledger_template",
]

PREVIEW_ROWS = SCAN_ROWS


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One line of the customer's ledger, signed as the customer owes us (invoice +, payment −).

    ``row`` is the row of their file (0 for an opening balance worked out from the balance
    column); ``opening`` marks the opening balance.
    """

    row: int
    date: date
    number: str
    description: str
    amount: Money
    opening: bool = False


@dataclass(frozen=True, slots=True)
class LedgerPreview:
    """The ledger as read; unpacks as ``(headers, mapping, lines, problems, notes)``.

    Attributes:
        headers: the header row cells.
        mapping: the columns used (``None`` when no header row was found).
        lines: the lines, signed as the customer owes us.
        problems: every cell that could not be read (sheet, row, column, what to fix).
        notes: what was found, chosen or left out, in sentences.
        sheet: the sheet read.
        sheets: every sheet of the file.
        header_row: the 1-based header row (``None``: none found).
        rows: the first rows of the sheet, for the wizard's grid.
        their_side: how their debits and credits were read (``payable`` / ``receivable``).
        their_closing: their closing balance (the balance column's last, else Σ lines).
        template: the name of the template used, if any.
    """

    headers: list[Cell]
    mapping: LedgerMapping | None
    lines: list[LedgerLine]
    problems: list[CellError]
    notes: list[str]
    sheet: str = ""
    sheets: tuple[SheetInfo, ...] = ()
    header_row: int | None = None
    rows: list[list[Cell]] = field(default_factory=list)
    their_side: str = "payable"
    their_closing: Money | None = None
    template: str | None = None

    def __iter__(self) -> Iterator[object]:
        """The contract's five values: headers, mapping, lines, problems, notes."""
        return iter((self.headers, self.mapping, self.lines, self.problems, self.notes))


@dataclass
class LedgerFile:
    """A ledger file opened, its header found, its columns mapped and its cells converted."""

    path: Path
    file_hash: str
    sheet: str
    sheets: tuple[SheetInfo, ...]
    rows: list[list[Cell]]
    header_row: int | None = None
    headers: list[Cell] = field(default_factory=list)
    mapping: LedgerMapping | None = None
    read: LedgerRead = field(default_factory=LedgerRead)
    notes: list[str] = field(default_factory=list)
    template: str | None = None


@dataclass(frozen=True, slots=True)
class LedgerTemplate:
    """A saved customer-ledger mapping (their side is kept in the mapping)."""

    id: int
    name: str
    mapping: LedgerMapping
    header_row: int | None
    header_signature: str
    updated_at: datetime
    created_by: str


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _choose_mapping(
    ctx: ServiceContext, found: LedgerFile, mapping: LedgerMapping | None, template: str | None
) -> None:
    if mapping is not None:
        found.mapping = mapping.for_headers(found.headers)
        return
    info = None
    if template is not None:
        info = load_ledger_template(ctx, template)
        if info.header_signature != header_signature(found.headers):
            found.notes.append(
                f"template {info.name!r} was saved for a different header row; check the columns"
            )
    else:
        with reader(ctx) as s:
            info = _matching(s, found.headers)
    if info is None:
        found.mapping = guess_ledger_mapping(found.headers)
        return
    found.template = info.name
    found.notes.append(f"columns mapped with the saved template {info.name!r}")
    found.mapping = info.mapping.for_headers(found.headers)


def read_ledger_file(
    ctx: ServiceContext,
    path: str | Path,
    *,
    currency: str,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: LedgerMapping | None = None,
    template: str | None = None,
) -> LedgerFile:
    """Open the customer's ledger and read its rows (no signs decided yet).

    Args:
        ctx: the service context (templates are read from the book).
        path: the file (.xlsx, .xls, .ods, .csv…).
        currency: the currency of its amounts.
        sheet: the sheet (default: the first visible one).
        header_row: the 1-based header row (default: the template's, else found).
        mapping: the columns (default: the template, a template for this header, a guess).
        template: the name of a saved ``customer_ledger`` template.

    Returns:
        The file read; problems are in ``read.errors``.

    Raises:
        UserFacingError: a missing or unreadable file, an unknown sheet or template.
    """
    file = Path(path)
    if not file.is_file():
        raise UserFacingError("file_missing", path=str(file))
    with open_workbook(file) as book:
        sheets = tuple(book.sheets)
        name = (
            sheet
            if sheet is not None
            else next((i.name for i in sheets if i.visible), sheets[0].name)
        )
        rows = list(book.rows(name))
        date1904 = book.date1904
        notes = list(book.notes)
    found = LedgerFile(file, _file_hash(file), name, sheets, rows, notes=notes)
    if header_row is None and template is not None and mapping is None:
        header_row = load_ledger_template(ctx, template).header_row
    if header_row is not None:
        if not 1 <= header_row <= len(rows) or not any(c is not None for c in rows[header_row - 1]):
            reason = f"row {header_row} is not a header row: it is empty or missing"
            raise UserFacingError("invalid", field="header row", reason=reason)
        index = header_row - 1
    else:
        guess = find_header_row(rows[:SCAN_ROWS], known_ledger_headers())
        if guess.row_index is None:
            reason = "no header row was found; " + "; ".join(guess.reasons)
            found.read.errors.append(
                CellError(
                    file.name, name, 0, "", "", "invalid", {"field": "sheet", "reason": reason}
                )
            )
            return found
        found.notes.extend(guess.reasons)
        index = guess.row_index
    found.header_row = index + 1
    found.headers = list(rows[index])
    _choose_mapping(ctx, found, mapping, template)
    assert found.mapping is not None
    found.read = read_ledger_rows(
        rows,
        index,
        found.mapping,
        file=file.name,
        sheet=name,
        currency=currency,
        date1904=date1904,
    )
    return found


# ---- templates ---------------------------------------------------------------------------------


def _info(row: ImportTemplate) -> LedgerTemplate:
    return LedgerTemplate(
        row.id,
        row.name,
        LedgerMapping.from_dict(json.loads(row.mapping_json)),
        row.header_row,
        row.header_signature,
        row.updated_at,
        row.created_by,
    )


def save_ledger_template(
    ctx: ServiceContext,
    name: str,
    mapping: LedgerMapping,
    headers: Sequence[object],
    header_row: int | None = None,
) -> int:
    """Save a ledger mapping under a name (replacing the template of that name).

    Args:
        ctx: the service context.
        name: the template name (spaces collapsed; 1–100 characters).
        mapping: the columns, with the side of their ledger (``auto`` to decide each time).
        headers: the header row it was made for.
        header_row: the 1-based header row, or ``None`` to find it each time.

    Returns:
        The template id.

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: an empty or too long name, a header row below 1.
    """
    require(ctx, "reconcile")
    with uow(ctx) as s:
        return store_template(
            s, ctx, kind=LEDGER_KIND, name=name, payload=mapping.to_dict(), headers=headers,
            header_row=header_row,
        )  # fmt: skip


def list_ledger_templates(ctx: ServiceContext) -> list[LedgerTemplate]:
    """The saved customer-ledger templates, by name."""
    with reader(ctx) as s:
        return [_info(row) for row in template_rows(s, LEDGER_KIND)]


def load_ledger_template(ctx: ServiceContext, name: str) -> LedgerTemplate:
    """The customer-ledger template called ``name``.

    Raises:
        NotFound: there is no such template.
    """
    with reader(ctx) as s:
        row = find_template_row(s, LEDGER_KIND, name)
        if row is None:
            raise NotFound("customer ledger template", " ".join(name.split()))
        return _info(row)


def _matching(session: Session, headers: Sequence[object]) -> LedgerTemplate | None:
    row = matching_template_row(session, LEDGER_KIND, headers)
    return None if row is None else _info(row)


def delete_ledger_template(ctx: ServiceContext, name: str) -> None:
    """Delete a saved customer-ledger template.

    Raises:
        PermissionDenied: the role may not reconcile.
        NotFound: there is no such template.
    """
    require(ctx, "reconcile")
    with uow(ctx) as s:
        row = find_template_row(s, LEDGER_KIND, name)
        if row is None:
            raise NotFound("customer ledger template", " ".join(name.split()))
        drop_template(s, ctx, row)
