"""The bank import wizard's state and rules, without widgets: the import flow for a bank's export.

``BankFlow`` is an :class:`~desktop_ar.ui.wizards.import_flow.ImportFlow` whose one "kind" is
the lines of a bank's CSV/Excel export: the same sheet and header row → columns steps (so the
import wizard's pages work on it), with the bank fields (``BANK_FIELDS``: the date, and one
signed amount, or debit and credit, or an amount with a debit/credit flag), bank templates
(:func:`~desktop_ar.services.bank_statements.list_bank_templates`) and a last step of its own:
the statements the columns give (account, period, balances, lines, balance check). Leaving it
imports them.

``BankColumns`` gives a :class:`~desktop_ar.io.bank.BankMapping` the interface of the import
kinds' ``Mapping`` (one column per field, ``assign``, ``missing_required``…). The memo may take
several columns: the combo shows the first, the others are kept until the memo is changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop_ar.io.bank import BANK_FIELDS, BankMapping, guess_bank_mapping
from desktop_ar.io.excel.header import normalize_header
from desktop_ar.io.excel.mapping import header_signature
from desktop_ar.io.excel.reader import SheetInfo
from desktop_ar.services.import_reading import SheetPreview
from desktop_ar.ui.wizards.import_flow import ImportFlow, Step

if TYPE_CHECKING:
    from desktop_ar.io.excel.mapping import FieldSpec
    from desktop_ar.services.bank_statements import BankTablePreview, BankTemplateInfo

BANK_KIND = "bank_lines"
REQUIRED = ("date", "amount")
FIELDS: tuple[FieldSpec, ...] = tuple(
    dataclasses.replace(s, required=s.key in REQUIRED) for s in BANK_FIELDS
)
_ORDER = {spec.key: n for n, spec in enumerate(FIELDS)}


@dataclass
class BankColumns:
    """A bank mapping as the import wizard's column page edits it."""

    kind: str = BANK_KIND
    columns: dict[str, int] = field(default_factory=dict)
    unmapped_headers: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)
    memo_extra: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, mapping: BankMapping, headers: Sequence[object]) -> BankColumns:
        columns = dict(mapping.columns)
        memo = list(mapping.memo_columns)
        confidence = {k: float(v) for k, v in mapping.confidence.items() if k in columns}
        if memo:
            columns["memo"] = memo[0]
            confidence["memo"] = 1.0
        return _finish(columns, confidence, memo[1:], headers)

    def assign(self, key: str, column: int | None, headers: Sequence[object]) -> BankColumns:
        """A copy with ``key`` moved to ``column`` (``None`` unmaps it)."""
        if key not in _ORDER:
            raise KeyError(f"bank lines have no field {key!r}")
        columns = {k: c for k, c in self.columns.items() if k != key and c != column}
        confidence = {k: v for k, v in self.confidence.items() if k in columns}
        extra = [c for c in self.memo_extra if c != column]
        if key == "memo":
            extra = []
        if column is not None:
            columns[key] = column
            confidence[key] = 1.0
        return _finish(columns, confidence, extra, headers)

    def for_headers(self, headers: Sequence[object]) -> BankColumns:
        return _finish(dict(self.columns), dict(self.confidence), list(self.memo_extra), headers)

    def to_bank_mapping(self) -> BankMapping:
        """The explicit mapping the services take."""
        data: dict[str, int | list[int]] = {k: c for k, c in self.columns.items() if k != "memo"}
        memo = ([self.columns["memo"]] if "memo" in self.columns else []) + self.memo_extra
        if memo:
            data["memo"] = memo
        return BankMapping.from_dict(data)


def _finish(
    columns: dict[str, int],
    confidence: dict[str, float],
    memo_extra: list[int],
    headers: Sequence[object],
) -> BankColumns:
    used = set(columns.values()) | set(memo_extra)
    unmapped = [
        str(h).strip() for i, h in enumerate(headers) if i not in used and normalize_header(h)
    ]
    columns = dict(sorted(columns.items(), key=lambda kv: _ORDER[kv[0]]))
    missing = [] if {"date", "booking_date"} & set(columns) else ["date"]
    if "amount" not in columns and not {"debit", "credit"} <= set(columns):
        missing.append("amount")
    return BankColumns(BANK_KIND, columns, unmapped, missing, confidence, memo_extra)


NO_NAMES = "no bank column names were recognised: check this row, then choose the columns"
NAMES_FOUND = "the row with the bank's column names"


def sheet_preview(table: BankTablePreview) -> SheetPreview:
    """The sheet part of a bank preview, as the import wizard's sheet page shows it."""
    sheets = [SheetInfo(name, True) for name in table.sheets]
    if table.problem:
        reasons = (QT_TRANSLATE_NOOP("bank", NO_NAMES),)
    else:
        reasons = (QT_TRANSLATE_NOOP("bank", NAMES_FOUND),)
    reasons = tuple(QCoreApplication.translate("bank", r) for r in reasons)
    return SheetPreview(
        table.kind, sheets, table.sheet, list(table.rows), table.header_row, reasons,
        list(table.notes), None,
    )  # fmt: skip


class BankFlow(ImportFlow):
    """What the user chose so far for one bank file, and what was read."""

    def __init__(self, *, path: Path, may_write: bool = True) -> None:
        super().__init__((BANK_KIND,), may_write=may_write)
        self.path = path
        self.currency: str | None = None
        self.table: BankTablePreview | None = None  # the file as first read (sheet, template)
        self.result_preview: BankTablePreview | None = None  # the statements of the columns

    # ---- the file and the sheet ----------------------------------------------------------------

    def set_table(self, table: BankTablePreview) -> None:
        """The service read the file (or another sheet): its rows, header row and template."""
        self.table = table
        self.preview = sheet_preview(table)
        self.file_error = None
        self.sheet = table.sheet
        self.header_row = table.header_row
        self.header_template = table.template or None
        self._forget_plan()

    def _forget_plan(self) -> None:
        super()._forget_plan()
        self.result_preview = None

    def set_currency(self, currency: str | None) -> None:
        if currency != self.currency:
            self.currency = currency
            self.result_preview = None

    # ---- the columns ---------------------------------------------------------------------------

    def prepare_mapping(self, templates: Sequence[Any]) -> None:
        """The user's columns, else a template made for these headers, else the guess."""
        if self.mapping is not None and self._mapped_for == self._mapping_key():
            return
        signature = header_signature(self.headers)
        fitting = [t for t in templates if t.header_signature == signature]
        table = self.table
        if table is not None and table.template:
            fitting = [t for t in fitting if t.name == table.template] or fitting
        if fitting:
            self.apply_template(fitting[0])
        else:
            self.guess()

    def guess(self) -> None:
        table, headers = self.table, self.headers
        if (
            table is not None
            and not table.template
            and table.mapping is not None
            and (table.header_row == self.header_row)
        ):
            mapping = table.mapping
        else:
            mapping = guess_bank_mapping(headers)
        self.mapping = BankColumns.of(mapping, headers)  # type: ignore[assignment]
        self.template = None
        self._mapped(set())

    def apply_template(self, info: BankTemplateInfo) -> None:  # type: ignore[override]
        self.mapping = BankColumns.of(info.mapping, self.headers)  # type: ignore[assignment]
        self.template = info.name
        self._mapped(set())

    def fields(self) -> tuple[FieldSpec, ...]:
        return tuple(FIELDS)

    def bank_mapping(self) -> BankMapping | None:
        mapping = self.mapping
        return mapping.to_bank_mapping() if isinstance(mapping, BankColumns) else None

    # ---- the statements and the import ---------------------------------------------------------

    def read_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``preview_bank_table`` / ``import_bank_file``."""
        if self.table is not None and not self.table.is_table:
            return {"currency": self.currency}
        chosen: dict[str, Any] = {"mapping": self.bank_mapping()}
        if self.template is not None and not self.user_set:  # the template as saved
            chosen = {"template": self.template}
        return {
            "sheet": self.sheet,
            "header_row": self.header_row,
            **chosen,
            "currency": self.currency,
        }

    def set_result_preview(self, preview: BankTablePreview) -> None:
        self.result_preview = preview

    def blocker(self) -> str | None:
        """Why the import cannot run (``None``: it can)."""
        found = self.result_preview
        if found is None:
            return "not_read"
        if found.problem:
            return found.problem
        if not found.statements:
            return "no_lines"
        return None

    def can_leave(self, step: Step) -> bool:
        if step is Step.SOURCE:
            return self.preview is not None
        if step is Step.PREVIEW:
            return self.may_write and self.blocker() is None
        return super().can_leave(step)

    @staticmethod
    def next_step(step: Step) -> Step | None:
        return Step(step + 1) if step < Step.PREVIEW else None

    @staticmethod
    def is_last(step: Step) -> bool:
        return step is Step.PREVIEW
