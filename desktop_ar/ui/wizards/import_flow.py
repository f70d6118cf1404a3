"""The import wizard's state and rules, without Qt (Electrum ``wizard.py`` in spirit).

``ImportFlow`` holds what the user chose — kind, file, sheet, header row, column mapping,
template — and what the services answered (the sheet preview, the plan, the commit result). It
decides which step may go on, forgets what a change makes stale (a new header row means a new
mapping, a new mapping means a new plan) and says what the preview and result pages show. The
Qt pages only display it and call the services; every rule here is tested without a display.

Steps: ``SOURCE`` (kind and file) → ``SHEET`` (sheet and header row) → ``MAPPING`` (columns) →
``PREVIEW`` (the plan; leaving it commits) → ``DONE`` (the result).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_ar.io.excel.mapping import KINDS, FieldSpec, Mapping, guess_mapping, header_signature
from desktop_ar.ui.wizards.import_cells import (
    ColumnChoice,
    FieldRow,
    Summary,
    cell_text,
    column_letter,
    matching_template,
    short,
    template_for_rows,
)

if TYPE_CHECKING:
    from desktop_ar.services.import_plan import ImportPlan, ImportResult
    from desktop_ar.services.import_reading import SheetPreview
    from desktop_ar.services.import_templates import TemplateInfo

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt")


class Step(IntEnum):
    """The wizard's pages, in order."""

    SOURCE = 0
    SHEET = 1
    MAPPING = 2
    PREVIEW = 3
    DONE = 4


# Why the plan cannot be committed, most important first (the preview page words them).
ALREADY_IMPORTED = "already_imported"
NOT_ALLOWED = "not_allowed"
NOTHING_TO_IMPORT = "nothing_to_import"
HAS_PROBLEMS = "has_problems"
NOT_PLANNED = "not_planned"


class ImportFlow:
    """What the user chose so far and what the services said about it."""

    def __init__(self, kinds: Sequence[str], *, may_write: bool = True) -> None:
        self.kinds = tuple(kinds)
        self.may_write = may_write
        self.kind: str | None = self.kinds[0] if self.kinds else None
        self.path: Path | None = None
        self.preview: SheetPreview | None = None
        self.file_error: str | None = None
        self.sheet: str | None = None
        self.header_row: int | None = None
        self.header_template: str | None = None  # the template that chose the header row
        self.mapping: Mapping | None = None
        self.template: str | None = None  # the saved template the mapping came from
        self.user_set: set[str] = set()  # fields whose column the user chose
        self.plan: ImportPlan | None = None
        self.skip_invalid = False
        self.result: ImportResult | None = None
        self.cancelled = False
        self._mapped_for: tuple[Any, ...] | None = None
        # field → (field it took its column from, that column, its confidence, user's choice)
        self._taken: dict[str, tuple[str, int, float, bool]] = {}

    # ---- choices (each forgets what it makes stale) --------------------------------------------

    def set_kind(self, kind: str) -> None:
        if kind not in self.kinds:
            raise ValueError(f"cannot import {kind!r}")
        if kind != self.kind:
            self.kind = kind
            self._forget_file()

    def set_path(self, path: str | Path | None) -> None:
        new = Path(path) if path else None
        if new != self.path:
            self.path = new
            self._forget_file()

    def set_preview(self, preview: SheetPreview, templates: Sequence[TemplateInfo] = ()) -> None:
        """The services read the file (or another sheet of it).

        The header row is the one found, unless no saved template fits it and a template
        saved with a corrected header row fits that row of this sheet: then the template's.
        """
        self.preview = preview
        self.file_error = None
        self.sheet = preview.sheet
        self.header_row = preview.header_row
        self.header_template = None
        if preview.template is None and self.kind is not None:
            saved = template_for_rows(templates, self.kind, preview.rows)
            if saved is not None:
                self.header_row, self.header_template = saved.header_row, saved.name
        self._forget_plan()

    def set_file_error(self, text: str) -> None:
        """The file could not be read: say why on the first page, go no further."""
        self._forget_file()
        self.file_error = text

    def set_header_row(self, row: int | None) -> None:
        if row != self.header_row:
            self.header_row = row
            self.header_template = None
            self._forget_plan()

    def set_skip_invalid(self, skip: bool) -> None:
        self.skip_invalid = skip

    def _forget_file(self) -> None:
        self.preview = None
        self.file_error = None
        self.sheet = None
        self.header_row = None
        self.header_template = None
        self._forget_mapping()

    def _forget_mapping(self) -> None:
        self.mapping = None
        self.template = None
        self.user_set = set()
        self._mapped_for = None
        self._forget_plan()

    def _forget_plan(self) -> None:
        self.plan = None
        self.result = None
        self.cancelled = False

    # ---- the sheet ---------------------------------------------------------------------------

    @property
    def rows(self) -> list[list[Any]]:
        return list(self.preview.rows) if self.preview is not None else []

    def header_ok(self) -> bool:
        """The header row is one of the previewed rows and has at least one label."""
        row = self.header_row
        rows = self.rows
        if row is None or not 1 <= row <= len(rows):
            return False
        return any(cell_text(c).strip() for c in rows[row - 1])

    @property
    def headers(self) -> list[Any]:
        if not self.header_ok() or self.header_row is None:
            return []
        return list(self.rows[self.header_row - 1])

    def column_choices(self) -> list[ColumnChoice]:
        """Every column of the sheet: letter, header label and a sample value."""
        rows, headers = self.rows, self.headers
        if not headers:
            return []
        body = rows[self.header_row or 0 :]
        width = max([len(headers), *(len(r) for r in body)])
        choices = []
        for index in range(width):
            label = cell_text(headers[index]).strip() if index < len(headers) else ""
            sample = next(
                (cell_text(r[index]) for r in body if index < len(r) and cell_text(r[index])), ""
            )
            choices.append(ColumnChoice(index, column_letter(index), short(label), short(sample)))
        return choices

    # ---- the mapping -------------------------------------------------------------------------

    def _mapping_key(self) -> tuple[Any, ...]:
        return (self.kind, self.path, self.sheet, self.header_row)

    def prepare_mapping(self, templates: Sequence[TemplateInfo]) -> None:
        """Entering the mapping step: choose the columns unless the user already did.

        The user's mapping for the same header row is kept; otherwise the matching saved
        template is applied, else the columns are guessed from the labels.
        """
        if self.kind is None:
            return
        if self.mapping is not None and self._mapped_for == self._mapping_key():
            return
        found = matching_template([t for t in templates if t.kind == self.kind], self.headers)
        if found is not None:
            self.apply_template(found)
        else:
            self.guess()

    def guess(self) -> None:
        """Map the columns from the header labels (forgetting a template and the user's picks)."""
        assert self.kind is not None
        self.mapping = guess_mapping(self.headers, self.kind)
        self.template = None
        self._mapped(set())

    def apply_template(self, info: TemplateInfo) -> None:
        """Map the columns as a saved template says."""
        if info.kind != self.kind:
            raise ValueError(f"template {info.name!r} is for {info.kind}")
        self.mapping = info.mapping.for_headers(self.headers)
        self.template = info.name
        self._mapped(set())

    def template_fits(self, info: TemplateInfo) -> bool:
        """The template was saved for these very headers."""
        return info.header_signature == header_signature(self.headers)

    def template_header_row(self) -> int | None:
        """The header row a template saves: the user's correction, or None (found again)."""
        preview = self.preview
        if preview is not None and self.header_row == preview.header_row:
            return None
        return self.header_row

    def assign(self, key: str, column: int | None) -> None:
        """The user chose a column for a field (``None``: not imported).

        A column feeds one field, so taking it from another field unmaps that field; when the
        user then moves on to yet another column (arrow keys step through a combo one column
        at a time), the field gets its column back — stepping past a column takes nothing.
        """
        assert self.mapping is not None
        headers, mapping, user_set = self.headers, self.mapping, set(self.user_set)
        taken = self._taken.pop(key, None)
        if taken is not None:
            other, other_column, confidence, was_user = taken
            if other not in mapping.columns and other_column != column:
                used = set(mapping.columns.values()) - {mapping.columns.get(key)}
                if other_column not in used:
                    mapping = mapping.assign(other, other_column, headers)
                    mapping.confidence[other] = confidence
                    user_set.discard(other)
                    if was_user:
                        user_set.add(other)
        before = mapping
        mapping = mapping.assign(key, column, headers)
        for other, other_column in before.columns.items():
            if other != key and other not in mapping.columns:
                confidence = before.confidence.get(other, 1.0)
                self._taken[key] = (other, other_column, confidence, other in user_set)
                user_set.discard(other)
        self.mapping = mapping
        taken_now = self._taken
        self._mapped(user_set | {key})
        self._taken = taken_now

    def _mapped(self, user_set: set[str]) -> None:
        self.user_set = user_set
        self._taken = {}
        self._mapped_for = self._mapping_key()
        self._forget_plan()

    def fields(self) -> tuple[FieldSpec, ...]:
        """The fields the columns step offers, in order (subclasses offer their own)."""
        return tuple(KINDS.get(self.kind, ())) if self.kind is not None else ()

    def field_rows(self) -> list[FieldRow]:
        """The fields in order, with their columns."""
        mapping = self.mapping
        columns = mapping.columns if mapping is not None else {}
        missing = set(mapping.missing_required) if mapping is not None else set()
        rows = []
        for spec in self.fields():
            column = columns.get(spec.key)
            confidence = None
            if mapping is not None and column is not None:
                confidence = mapping.confidence.get(spec.key, 1.0)
            by_user = spec.key in self.user_set and column is not None
            rows.append(FieldRow(spec, column, confidence, by_user, spec.key in missing))
        return rows

    def missing_required(self) -> list[FieldSpec]:
        """Required fields (or groups such as amount/net) without a column."""
        if self.mapping is None:
            return []
        keys = set(self.mapping.missing_required)
        return [s for s in self.fields() if s.key in keys]

    # ---- plan and result -----------------------------------------------------------------------

    def plan_arguments(self) -> dict[str, Any]:
        """The arguments of ``plan_import`` for the choices made."""
        return {
            "path": self.path,
            "kind": self.kind,
            "sheet": self.sheet,
            # None: the services find the same row again, and say why in the plan's notes.
            "header_row": self.template_header_row(),
            "mapping": self.mapping,
        }

    def set_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.result = None
        self.cancelled = False

    def clear_plan(self) -> None:
        """Forget the plan (the file is read and checked again)."""
        self._forget_plan()

    def set_result(self, result: ImportResult) -> None:
        self.result = result
        self.cancelled = False

    def set_cancelled(self) -> None:
        self.result = None
        self.cancelled = True

    def summary(self) -> Summary:
        """Counts of the plan and what (if anything) stops the commit."""
        plan = self.plan
        if plan is None:
            return Summary(0, 0, 0, 0, 0, NOT_PLANNED)
        rejected = len(plan.rejected_rows)
        blocker = None
        if plan.already_imported is not None:
            blocker = ALREADY_IMPORTED
        elif not self.may_write:
            blocker = NOT_ALLOWED
        elif not plan.to_create and not plan.to_update:
            blocker = NOTHING_TO_IMPORT
        elif plan.errors and not self.skip_invalid:
            blocker = HAS_PROBLEMS
        return Summary(
            len(plan.to_create),
            len(plan.to_update),
            len(plan.skipped),
            rejected,
            len(plan.errors),
            blocker,
            plan.already_imported,
        )

    def can_skip_invalid(self) -> bool:
        """Some rows have problems and others could still be imported."""
        plan = self.plan
        return bool(plan and plan.errors and (plan.to_create or plan.to_update))

    def can_save_rejects(self) -> bool:
        plan = self.plan
        return bool(plan and plan.rejected_cells)

    # ---- navigation ----------------------------------------------------------------------------

    def can_leave(self, step: Step) -> bool:
        """Whether Next (or Import, on the preview step) may be pressed."""
        if step is Step.SOURCE:
            return self.kind is not None and self.preview is not None and not self.file_error
        if step is Step.SHEET:
            return self.preview is not None and self.header_ok()
        if step is Step.MAPPING:
            return self.mapping is not None and not self.mapping.missing_required
        if step is Step.PREVIEW:
            return self.result is not None or (self.plan is not None and self.summary().can_commit)
        return False

    @staticmethod
    def next_step(step: Step) -> Step | None:
        return Step(step + 1) if step < Step.DONE else None

    @staticmethod
    def previous_step(step: Step) -> Step | None:
        # After the commit there is no way back: the rows are written.
        return Step(step - 1) if Step.SOURCE < step < Step.DONE else None

    @staticmethod
    def is_last(step: Step) -> bool:
        return step is Step.DONE
