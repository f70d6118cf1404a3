"""What the bank import wizard shows before importing: the sheet, the columns, the statements.

:func:`preview_bank_table` reads a bank file the way :func:`~desktop_ar.services.bank_import.
import_bank_file` would with the same arguments and writes nothing. For a CSV/Excel export it
also gives the first rows, the header row and the mapping (the user's, a saved template's or
the guess), so the user can correct the columns; when they are not enough to read lines,
``problem`` says why and ``statements`` is empty. MT940, OFX and CAMT files have no columns:
only ``statements`` is filled.
Re-exported by :mod:`desktop_ar.services.bank_statements`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop_ar.io import bank as bankio
from desktop_ar.io.excel.reader import Cell
from desktop_ar.services.bank_import import preview_summaries
from desktop_ar.services.bank_table_reading import file_kind, read_table
from desktop_ar.services.bank_views import StatementSummary
from desktop_ar.services.context import ServiceContext

__all__ = ["BankTablePreview", "preview_bank_table"]


@dataclass(frozen=True)
class BankTablePreview:
    """A bank file as the import wizard shows it.

    Attributes:
        kind: ``csv`` or ``xlsx`` for a table; ``mt940``, ``ofx`` or ``camt053`` otherwise.
        sheets: the sheet names (one for CSV, none for other formats).
        sheet: the sheet read (``""`` for other formats).
        rows: the first rows of the sheet (``rows[i]`` is row ``i + 1``).
        header_row: the 1-based header row; ``None`` for none.
        headers: the header cells.
        mapping: the columns used (``None`` for other formats).
        statements: what would be imported (``id`` 0): account, period, balances, line count,
            ``balance_problem``, ``duplicate_of_id``, notes.
        notes: remarks on the reading.
        template: the saved template used (``""``: none).
        problem: why no lines could be read with these columns (``""`` when they could).
    """

    kind: str
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    rows: list[list[Cell]] = field(default_factory=list)
    header_row: int | None = None
    headers: tuple[Cell, ...] = ()
    mapping: bankio.BankMapping | None = None
    statements: list[StatementSummary] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    template: str = ""
    problem: str = ""

    @property
    def is_table(self) -> bool:
        """Whether the file is a CSV/Excel export (with columns to map)."""
        return self.kind in ("csv", "xlsx")


def preview_bank_table(
    ctx: ServiceContext,
    path: str | Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: bankio.BankMapping | None = None,
    template: str | None = None,
    currency: str | None = None,
) -> BankTablePreview:
    """Read a bank file for the import wizard; nothing is written.

    Args:
        ctx: the service context.
        path: the file (any bank format).
        sheet: the sheet of an Excel export, ``None`` for the first with a bank header.
        header_row: the 1-based header row, ``None`` to find it, ``0`` for none.
        mapping: the columns chosen by the user.
        template: a saved bank template to use.
        currency: the currency of an export that does not say.

    Returns:
        The :class:`BankTablePreview`; pass the same arguments to ``import_bank_file``.

    Raises:
        UserFacingError: ``invalid`` for a file that cannot be read at all (another format's
            parser refusing, a damaged workbook), ``file_missing``, ``not_found`` for an unknown
            template.
    """
    path = Path(path)
    kind = file_kind(path)
    if kind not in ("csv", "xlsx"):
        statements = bankio.parse_bank_file(path, currency=currency)
        return BankTablePreview(kind, statements=preview_summaries(ctx, path, statements))
    read = read_table(
        ctx,
        path,
        sheet=sheet,
        header_row=header_row,
        mapping=mapping,
        template=template,
        currency=currency,
        strict=False,
    )
    return BankTablePreview(
        read.kind,
        read.sheets,
        read.sheet,
        read.rows,
        read.header_row,
        read.headers,
        read.mapping,
        preview_summaries(ctx, path, read.statements) if read.statements else [],
        read.notes,
        read.template,
        read.problem,
    )
