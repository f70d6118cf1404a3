"""Importing customers, orders, invoices, payments and opening balances: plan, preview, commit.

``plan_import`` reads the file (header row found, columns guessed, every cell converted and
checked, customers resolved by code or name — exact, then ignoring case — and duplicates looked
up in the database) and writes nothing. ``commit_import`` writes the plan in ONE transaction
through the kind's handler (:mod:`desktop_ar.services.import_kinds`), with progress and
cancel; a cancel or any error leaves nothing behind.

Duplicates: a customer whose code already exists is *updated* with the fields the row gives
(``ImportPlan.to_update``; skipped as "already up to date" when nothing differs); an invoice,
order or opening-balance number already used is a problem (the row is rejected; for an order,
every row of it); a row whose fingerprint was already imported is skipped ("already
imported"); a file whose SHA-256 was already imported as the same kind and sheet is reported in
``ImportPlan.already_imported`` and nothing else is done. Orders are created confirmed with the
note "imported" (no credit check); opening balances become invoices marked ``opening_balance``
(positive amounts) or unallocated receipts (credit balances). Nothing else can be imported
here: contacts, credit notes and allocations between documents already in the book have no
import kind. An invoice row naming an order (订单号) is linked to that order of the customer
(orders are imported first); its fapiao number and date mark the fapiao issued.

The wizard's steps: ``preview_sheet`` (sheet and header row), then ``plan_import`` with the
chosen ``header_row`` and ``mapping`` (or a saved ``template``), then ``commit_import``; see
:mod:`desktop_ar.services.import_templates` for saving a mapping.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from desktop_ar.db.models import ImportBatch, ImportRow
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.io.excel.mapping import Mapping
from desktop_ar.io.excel.reader import Cell
from desktop_ar.io.excel.records import fingerprints
from desktop_ar.services import audit
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_kinds import ALREADY_EXISTS, HANDLERS
from desktop_ar.services.import_kinds.bulk_rows import RowWriter, larger_cache
from desktop_ar.services.import_plan import (
    IMPORT_KINDS,
    ImportPlan,
    ImportResult,
    check_kind,
    file_sha256,
)
from desktop_ar.services.import_reading import SheetPreview, preview_sheet, read_records
from desktop_ar.services.permissions import require
from desktop_ar.services.progress import NullProgress, Progress
from desktop_ar.services.uow import reader, uow

__all__ = [
    "ALREADY_EXISTS",
    "ALREADY_IMPORTED",
    "IMPORT_KINDS",
    "ImportPlan",
    "ImportResult",
    "SheetPreview",
    "commit_import",
    "plan_import",
    "preview_sheet",
    "write_rejects",
]

ALREADY_IMPORTED = "already imported"
_IMPORT_ROW_KEYS = ("batch_id", "row_number", "fingerprint", "entity", "entity_id")
_CHUNK = 500


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector off while an import builds its rows, then back as it was.

    Planning a 100,000-row sheet makes millions of objects that all live until the commit;
    every full collection walks them all again (about a third of the CPU time of a large
    import). The import's objects hold no reference cycles worth collecting meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_gc_paused()
def plan_import(
    ctx: ServiceContext,
    path: str | Path,
    kind: str,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Mapping | None = None,
    template: str | None = None,
) -> ImportPlan:
    """Read and check a file for import; nothing is written.

    Args:
        ctx: the service context.
        path: an ``.xlsx``, ``.xlsm``, ``.xls``, ``.csv`` or ``.txt`` file.
        kind: one of :data:`IMPORT_KINDS`.
        sheet: the sheet name (default: the first visible sheet).
        header_row: the 1-based header row (default: found automatically, or the template's).
        mapping: the column mapping chosen in the wizard (default: a saved template made for
            this header row, else guessed from the header labels).
        template: the name of a saved template to map the columns with.

    Returns:
        The :class:`ImportPlan`.

    Raises:
        UserFacingError: an unknown kind, sheet or template, or a file that cannot be opened
            or read.
    """
    check_kind(kind)
    file = Path(path)
    plan = ImportPlan(kind, file, sheet or "", Mapping(kind), file_hash="")
    if not file.is_file():
        raise UserFacingError("file_missing", path=str(file))
    plan.file_hash = file_sha256(file)
    records = read_records(
        ctx, plan, sheet=sheet, header_row=header_row, mapping=mapping, template=template
    )
    with reader(ctx) as s:
        batch = s.execute(
            select(ImportBatch.imported_at, ImportBatch.imported_by)
            .where(
                ImportBatch.file_hash == plan.file_hash,
                ImportBatch.kind == kind,
                ImportBatch.sheet == plan.sheet,
            )
            .order_by(ImportBatch.id)
        ).first()
        if batch is not None:
            plan.already_imported = (batch[0], batch[1])
            plan.errors.clear()
            plan.rejected_cells.clear()
            return plan
        prints = dict(zip((r.row_number for r in records), fingerprints(records), strict=True))
        seen: set[str] = set()
        values = list(set(prints.values()))
        for start in range(0, len(values), _CHUNK):
            chunk = values[start : start + _CHUNK]
            seen.update(
                s.scalars(select(ImportRow.fingerprint).where(ImportRow.fingerprint.in_(chunk)))
            )
        handler = HANDLERS[kind](s, plan.mapping, file.name, plan.sheet)
        # A kind that writes several rows as one record (orders) rejects the whole record when
        # one of its rows was already rejected while converting.
        reject_groups_of = getattr(handler, "reject_groups_of", None)
        if reject_groups_of is not None:
            cells = plan.rejected_cells
            reject_groups_of({r: cells[r] for r in plan.rejected_rows if r in cells})
        fresh = []
        for record in records:
            if prints[record.row_number] in seen:
                plan.skipped.append((record, ALREADY_IMPORTED))
            else:
                fresh.append(record)
        for record, checked in handler.check_all(fresh):
            if checked.errors:
                plan.errors.extend(checked.errors)
            elif checked.skip is not None:
                plan.skipped.append((record, checked.skip))
            else:
                (plan.to_update if checked.update else plan.to_create).append(record)
                plan.inputs[record.row_number] = checked
                plan.fingerprints[record.row_number] = prints[record.row_number]
    rejected = set(plan.rejected_rows)
    plan.rejected_cells = {r: c for r, c in plan.rejected_cells.items() if r in rejected}
    return plan


@_gc_paused()
def commit_import(
    ctx: ServiceContext,
    plan: ImportPlan,
    *,
    progress: Progress | None = None,
    skip_invalid: bool = False,
) -> ImportResult:
    """Write a plan in one transaction: all of it, or nothing.

    Args:
        ctx: the service context.
        plan: from :func:`plan_import`.
        progress: reported at least every 1,000 rows, and checked for cancel as often.
        skip_invalid: commit the valid rows even though others were rejected.

    Returns:
        The counts and the new batch's id (``None`` for a file already imported: nothing is
        written then).

    Raises:
        PermissionDenied: the role may not import data.
        UserFacingError: ``invalid`` when rows were rejected and ``skip_invalid`` is false, or
            any service error of a row (nothing is written).
        Cancelled: the user cancelled (nothing is written).
    """
    require(ctx, "import_data")
    progress = progress or NullProgress()
    rejected = len(plan.rejected_rows) + (1 if any(e.row == 0 for e in plan.errors) else 0)
    if plan.already_imported is not None:
        return ImportResult(0, len(plan.skipped), 0, None)
    if plan.errors and not skip_invalid:
        reason = f"{rejected} rows have problems; fix them, or skip the invalid rows"
        raise UserFacingError("invalid", field="import", reason=reason)
    handler = HANDLERS[plan.kind]
    writes = sorted(plan.to_create + plan.to_update, key=lambda r: r.row_number)
    total = len(writes)
    created, updated = len(plan.to_create), len(plan.to_update)
    with uow(ctx) as s:
        batch = ImportBatch(
            kind=plan.kind,
            file_name=plan.file.name[:260],
            file_hash=plan.file_hash,
            sheet=plan.sheet[:100],
            rows_total=plan.rows_total,
            rows_created=created,
            rows_skipped=len(plan.skipped),
            status="committed",
            imported_at=ctx.clock.now(),
            imported_by=ctx.user,
        )
        s.add(batch)
        s.flush()
        items = ((record, plan.inputs[record.row_number]) for record in writes)
        with larger_cache(s):
            ids = handler.write(s, ctx, items, progress, total)
            # One import may create records of several entities (opening balances: invoices
            # and receipts): a prepared input with an ``entity`` attribute names its own.
            entities = [
                getattr(plan.inputs[r.row_number].prepared, "entity", handler.entity)
                for r in writes
            ]
            progress.check()
            prints = plan.fingerprints
            rows = [
                (batch.id, record.row_number, prints[record.row_number], entity, entity_id)
                for record, entity, entity_id in zip(writes, entities, ids, strict=True)
            ]
            writer = RowWriter(s, ImportRow.__table__)  # type: ignore[arg-type]
            writer.insert_tuples(_IMPORT_ROW_KEYS, rows)
        counts = {"created": created, "updated": updated, "skipped": len(plan.skipped)}
        counts["rejected"] = rejected
        after = {"file": plan.file.name, "sheet": plan.sheet, "file_hash": plan.file_hash}
        audit.record(s, ctx, f"import_{plan.kind}", "import_batch", batch.id, after=after | counts)
        batch_id = batch.id
    progress.report(total, total, "done")
    return ImportResult(created, len(plan.skipped), rejected, batch_id, updated)


def _cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_rejects(plan: ImportPlan, path: str | Path) -> Path:
    """Save the rejected rows, as read, with a Reason column, to fix and import again.

    Every cell is written as text (guarded so that it can never run as a formula).

    Args:
        plan: the plan with its problems.
        path: the ``.xlsx`` file to write.

    Returns:
        The file written.
    """
    from desktop_ar.io.excel.writer import Column, SheetSpec, write_table_xlsx

    width = max([len(plan.headers), *(len(c) for c in plan.rejected_cells.values())], default=0)
    titles = [_cell_text(h) or f"Column {i + 1}" for i, h in enumerate(plan.headers)]
    titles += [f"Column {i + 1}" for i in range(len(titles), width)]
    reasons: dict[int, list[str]] = {}
    for error in plan.errors:
        reason = str(error.params.get("reason", error.code))
        where = f"{error.column}: " if error.column else ""
        reasons.setdefault(error.row, []).append(f"{where}{reason}")
    rows = []
    for row, cells in sorted(plan.rejected_cells.items()):
        texts = [_cell_text(c) for c in cells] + [""] * (width - len(cells))
        rows.append([row, *texts, "; ".join(reasons.get(row, []))])
    columns = [Column("Row", "int"), *(Column(t) for t in titles), Column("Reason", width=60)]
    sheet = SheetSpec(name="Rejected", columns=columns, rows=rows)
    return write_table_xlsx(Path(path), [sheet])
