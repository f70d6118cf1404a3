"""The reconcile wizard's state and rules, without Qt: the import flow for a customer's ledger.

``LedgerFlow`` is an :class:`~desktop_ar.ui.wizards.import_flow.ImportFlow` whose one "kind" is
the customer's ledger: the same file → sheet and header row → columns steps (so the import
wizard's sheet and column pages work on it unchanged), with the ledger's own fields
(``LEDGER_FIELDS``), guess and templates, then a last step of its own: the period (to date
required, from date optional), how to read their debits and credits (``their_side``) and their
lines as read — leaving it runs the reconciliation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_ar.io.excel.ledger_mapping import (
    LEDGER_FIELDS,
    LEDGER_KIND,
    SIDES,
    guess_ledger_mapping,
)
from desktop_ar.io.excel.mapping import header_signature
from desktop_ar.services.import_reading import SheetPreview
from desktop_ar.ui.wizards.import_flow import ImportFlow, Step

if TYPE_CHECKING:
    from desktop_ar.io.excel.mapping import FieldSpec
    from desktop_ar.services.customer_ledger_reading import LedgerPreview, LedgerTemplate

THEIR_SIDES = ("auto", *SIDES)

# Why the reconciliation cannot run yet (the last page words them).
NO_DATE_TO = "no_date_to"
BAD_PERIOD = "bad_period"
NO_LINES = "no_lines"
HAS_PROBLEMS = "has_problems"
NOT_READ = "not_read"


def sheet_preview(ledger: LedgerPreview, path: Path | None) -> SheetPreview:
    """The sheet part of a ledger preview, as the import wizard's sheet page shows it."""
    kind = path.suffix.lstrip(".").lower() if path is not None else ""
    reasons = tuple(n for n in ledger.notes if not n.startswith("their "))  # not the side
    return SheetPreview(
        kind, list(ledger.sheets), ledger.sheet, list(ledger.rows), ledger.header_row,
        reasons, [], None,
    )  # fmt: skip


class LedgerFlow(ImportFlow):
    """What the user chose so far for one customer's reconciliation, and what was read."""

    def __init__(self, *, customer_id: int, date_to: date, may_write: bool = True) -> None:
        super().__init__((LEDGER_KIND,), may_write=may_write)
        self.customer_id = customer_id
        self.date_to: date | None = date_to
        self.date_from: date | None = None
        self.their_side = "auto"
        self.ledger: LedgerPreview | None = None  # the last full read (lines, closing, notes)

    # ---- the file and the sheet ----------------------------------------------------------------

    def set_ledger(self, ledger: LedgerPreview) -> None:
        """The service read the file (or another sheet): show its rows, keep the header found."""
        self.set_preview(sheet_preview(ledger, self.path))
        self.ledger = ledger

    def set_lines(self, ledger: LedgerPreview) -> None:
        """The lines read again for the period and side chosen (the sheet stays as it is)."""
        self.ledger = ledger

    def set_preview(self, preview: SheetPreview, templates: Sequence[Any] = ()) -> None:
        # The service already chose the header row (a template's, else found): no kind lookup.
        self.preview = preview
        self.file_error = None
        self.sheet = preview.sheet
        self.header_row = preview.header_row
        self.header_template = None
        self._forget_plan()

    def _forget_plan(self) -> None:
        super()._forget_plan()
        self.ledger = None

    # ---- the columns ---------------------------------------------------------------------------

    def prepare_mapping(self, templates: Sequence[Any]) -> None:
        """Entering the columns step: the user's columns, else a fitting template, else a guess."""
        if self.mapping is not None and self._mapped_for == self._mapping_key():
            return
        signature = header_signature(self.headers)
        fitting = [t for t in templates if t.header_signature == signature]
        if fitting:
            self.apply_template(max(fitting, key=lambda t: (t.updated_at, t.id)))
        else:
            self.guess()

    def guess(self) -> None:
        self.mapping = guess_ledger_mapping(self.headers)  # type: ignore[assignment]
        self.template = None
        self._mapped(set())

    def apply_template(self, info: LedgerTemplate) -> None:  # type: ignore[override]
        self.mapping = info.mapping.for_headers(self.headers)  # type: ignore[assignment]
        self.template = info.name
        if info.mapping.their_side in SIDES:
            self.their_side = info.mapping.their_side
        self._mapped(set())

    def fields(self) -> tuple[FieldSpec, ...]:
        return tuple(LEDGER_FIELDS)

    def template_mapping(self) -> Any:
        """The mapping to save as a template, with the side chosen (``auto`` decides each time)."""
        from dataclasses import replace

        return replace(self.mapping, their_side=self.their_side)  # type: ignore[type-var]

    # ---- period, side and the reconciliation ---------------------------------------------------

    def set_period(self, date_from: date | None, date_to: date | None) -> None:
        if (date_from, date_to) != (self.date_from, self.date_to):
            self.date_from, self.date_to = date_from, date_to
            self.ledger = None

    def set_their_side(self, side: str) -> None:
        if side not in THEIR_SIDES:
            raise ValueError(f"unknown side {side!r}")
        if side != self.their_side:
            self.their_side = side
            self.ledger = None

    def read_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``preview_customer_ledger`` / ``reconcile_customer``."""
        return {
            "sheet": self.sheet,
            "header_row": self.header_row,
            "mapping": self.mapping,
            "date_to": self.date_to,
            "date_from": self.date_from,
            "their_side": self.their_side,
        }

    def blocker(self) -> str | None:
        """Why the reconciliation cannot run (None: it can)."""
        if self.date_to is None:
            return NO_DATE_TO
        if self.date_from is not None and self.date_from > self.date_to:
            return BAD_PERIOD
        ledger = self.ledger
        if ledger is None:
            return NOT_READ
        if ledger.problems:
            return HAS_PROBLEMS
        if not ledger.lines:
            return NO_LINES
        return None

    def can_leave(self, step: Step) -> bool:
        if step is Step.SOURCE:
            return self.preview is not None and not self.file_error
        if step is Step.PREVIEW:
            return self.may_write and self.blocker() is None
        return super().can_leave(step)

    @staticmethod
    def next_step(step: Step) -> Step | None:
        return Step(step + 1) if step < Step.PREVIEW else None

    @staticmethod
    def is_last(step: Step) -> bool:
        return step is Step.PREVIEW
