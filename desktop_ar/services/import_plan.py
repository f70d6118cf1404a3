"""What an import would do (``ImportPlan``) and what it did (``ImportResult``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop_ar.domain.errors import CellError, UserFacingError
from desktop_ar.io.excel.mapping import Mapping
from desktop_ar.io.excel.reader import Cell
from desktop_ar.io.excel.records import Record

__all__ = ["IMPORT_KINDS", "ImportPlan", "ImportResult", "check_kind", "file_sha256", "sheet_error"]

IMPORT_KINDS = ("customers", "orders", "invoices", "payments", "opening_balances")


@dataclass
class ImportPlan:
    """What an import would do; nothing is written until ``commit_import``.

    Attributes:
        kind: one of :data:`IMPORT_KINDS`.
        file: the file.
        sheet: the sheet read.
        mapping: which column holds which field.
        to_create: the records that would be created, in sheet order.
        to_update: the records that would update an existing record, in sheet order.
        skipped: records left out, with the reason ("already up to date", "already imported").
        errors: every problem, by sheet, row, column and value (row 0: the sheet as a whole).
        notes: remarks (encoding, header row, rounded amounts, totals rows left out…).
        file_hash: SHA-256 of the file's bytes.
        rows_total: data rows read below the header.
        already_imported: ``(when, by whom)`` when this file was imported before.
        headers: the header row's cells (for the rejects file).
        rejected_cells: Excel row number → the row's cells, for every rejected row.
        inputs: row number → the ``Checked`` outcome (with the prepared input) of each record
            in ``to_create`` and ``to_update``.
        fingerprints: row number → fingerprint of each record in ``to_create`` and
            ``to_update``.
        header_row: the 1-based header row used (``None`` when none was found).
        template: the name of the saved template whose mapping was used, if any.
    """

    kind: str
    file: Path
    sheet: str
    mapping: Mapping
    to_create: list[Record] = field(default_factory=list)
    to_update: list[Record] = field(default_factory=list)
    skipped: list[tuple[Record, str]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    file_hash: str = ""
    rows_total: int = 0
    already_imported: tuple[datetime, str] | None = None
    headers: list[Cell] = field(default_factory=list)
    rejected_cells: dict[int, list[Cell]] = field(default_factory=dict)
    inputs: dict[int, Any] = field(default_factory=dict)
    fingerprints: dict[int, str] = field(default_factory=dict)
    header_row: int | None = None
    template: str | None = None

    @property
    def rejected_rows(self) -> list[int]:
        """Excel row numbers with at least one problem, ascending."""
        return sorted({e.row for e in self.errors if e.row > 0})


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What a commit wrote: counts of rows and the batch id (None when nothing was written)."""

    created: int
    skipped: int
    rejected: int
    batch_id: int | None
    updated: int = 0


def file_sha256(path: Path) -> str:
    """The hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_kind(kind: str) -> None:
    """Refuse an import kind that cannot be imported."""
    if kind not in IMPORT_KINDS:
        reason = f"use one of {', '.join(IMPORT_KINDS)}"
        raise UserFacingError("invalid", field="kind", reason=reason)


def sheet_error(plan: ImportPlan, reason: str) -> None:
    """Add a problem with the sheet as a whole (row 0) to the plan."""
    params = {"field": "sheet", "reason": reason}
    plan.errors.append(CellError(plan.file.name, plan.sheet, 0, "", "", "invalid", params))
