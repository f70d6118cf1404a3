"""The reconcile wizard's last page: the period, their side, and their lines as read.

The lines are read again (off the GUI thread, a moment after the last change) for the period
and side chosen, signed as the customer owes us; their closing balance and what the service
noticed (the side it chose and why, rows left out) are shown above them. Cells that cannot be
read are listed: the reconciliation runs only when there are none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.ui.dialogs.recon_common import ERROR_STYLE, NOTE_STYLE, OK_STYLE, money_text
from desktop_ar.ui.formatting import format_date, format_money
from desktop_ar.ui.models.lazy_table import NEGATIVE_COLOR
from desktop_ar.ui.widgets.date_field import DateField
from desktop_ar.ui.wizards import ledger_flow
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.import_page_base import ImportPage
from desktop_ar.ui.wizards.import_preview_page import what_to_fix
from desktop_ar.ui.wizards.import_tables import RowsModel
from desktop_ar.ui.wizards.ledger_pages import read_ledger

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.customer_ledger_reading import LedgerPreview
    from desktop_ar.ui.wizards.ledger_flow import LedgerFlow

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_NEGATIVE = QBrush(NEGATIVE_COLOR)
_Index = QModelIndex | QPersistentModelIndex
PROBLEMS_SHOWN = 5


class _LinesModel(RowsModel):
    """Their lines; the amount column right-aligned, negatives red."""

    AMOUNT = 4

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == self.AMOUNT:
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT
            if role == Qt.ItemDataRole.ForegroundRole:
                line = self.row_object(index.row())
                return _NEGATIVE if line.amount.minor < 0 else None
        return super().data(index, role)


class LedgerPeriodPage(ImportPage):
    """To date (required), from date (optional), their side, their lines and closing balance."""

    step = Step.PREVIEW
    flow: LedgerFlow

    def __init__(self, *, ctx: ServiceContext, flow: LedgerFlow, parent: QWidget) -> None:
        super().__init__(ctx=ctx, flow=flow, parent=parent)
        self.setTitle(self.tr("Period and their lines"))
        self.setSubTitle(
            self.tr(
                "Their lines up to the last day are compared with ours; empty first day: from "
                "their first line. Press Reconcile to compare and save."
            )
        )
        self.setFinalPage(True)
        self.date_to = DateField(flow.date_to, self)
        self.date_to.setObjectName("dateTo")
        self.date_from = DateField(flow.date_from, self)
        self.date_from.setObjectName("dateFrom")
        self.date_from.setPlaceholderText(self.tr("their first line"))
        self.side_combo = QComboBox(self)
        self.side_combo.setObjectName("sideCombo")
        sides = {
            "auto": self.tr("Automatic: the reading that pairs more lines with ours"),
            "payable": self.tr(
                "Their payables: our invoice is a credit (贷方), their payment a debit"
            ),
            "receivable": self.tr("Kept like ours: invoice a debit (借方), payment a credit"),
        }
        for side in ledger_flow.THEIR_SIDES:
            self.side_combo.addItem(sides[side], side)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for field in (self.date_to, self.date_from):
            field.setMinimumWidth(160)
        form.addRow(self.tr("&Last day"), self.date_to)
        form.addRow(self.tr("&First day"), self.date_from)
        form.addRow(self.tr("Their &side"), self.side_combo)
        self.summary = QLabel(self)
        self.summary.setObjectName("summaryLabel")
        self.summary.setWordWrap(True)
        self.notes = QLabel(self)
        self.notes.setObjectName("notesLabel")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(NOTE_STYLE)
        self.model = _LinesModel(
            [
                (self.tr("Row"), lambda x: x.row or ""),
                (self.tr("Date"), lambda x: format_date(x.date)),
                (self.tr("Number"), lambda x: x.number),
                (self.tr("Description"), lambda x: x.description),
                (self.tr("Owed to us"), lambda x: format_money(x.amount)),
            ],
            self,
        )
        self.table = QTableView(self)
        self.table.setObjectName("ledgerLines")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        for column, width in enumerate((50, 95, 140, 320, 130)):
            self.table.setColumnWidth(column, width)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the description
        top = QHBoxLayout()
        top.addLayout(form, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.read)
        self.date_to.date_changed.connect(lambda _d: self._on_choice_changed())
        self.date_from.date_changed.connect(lambda _d: self._on_choice_changed())
        self.side_combo.currentIndexChanged.connect(lambda _i: self._on_choice_changed())

    def initializePage(self) -> None:
        self.side_combo.blockSignals(True)
        self.side_combo.setCurrentIndex(max(0, self.side_combo.findData(self.flow.their_side)))
        self.side_combo.blockSignals(False)
        self.read()
        self.date_to.setFocus()

    def cleanupPage(self) -> None:
        self._debounce.stop()
        self.forget_pending()

    # ---- reading -----------------------------------------------------------------------------

    def _on_choice_changed(self) -> None:
        empty_from = not self.date_from.text().strip()
        self.flow.set_period(None if empty_from else self.date_from.value(), self.date_to.value())
        self.flow.set_their_side(str(self.side_combo.currentData()))
        self._show()
        self._debounce.start()

    def read(self) -> None:
        """Read their lines for the period and side chosen (when the period is valid)."""
        self._debounce.stop()
        flow = self.flow
        if flow.date_to is None or flow.blocker() == ledger_flow.BAD_PERIOD:
            self._show()
            return
        kw = flow.read_arguments()
        kw.pop("date_to")
        self.run_query(read_ledger(self.ctx, flow, **kw), self._on_read)

    def _on_read(self, ledger: LedgerPreview) -> None:
        self.flow.set_lines(ledger)
        self._show()

    # ---- showing -----------------------------------------------------------------------------

    def _show(self) -> None:
        ledger = self.flow.ledger
        self.model.set_rows(list(ledger.lines) if ledger is not None else [])
        if ledger is None:
            self.summary.setText("")
            self.notes.setText("")
        else:
            closing = ledger.their_closing
            text = self.tr("%n line(s) · their closing balance %1 (what they say they owe us)",
                           "", len(ledger.lines))  # fmt: skip
            self.summary.setText(text.replace("%1", money_text(closing)))
            self.summary.setStyleSheet(OK_STYLE)
            self.notes.setText("; ".join(ledger.notes))
        self.show_message(self._blocker_text(), ERROR_STYLE)
        self.refresh_complete()

    def _blocker_text(self) -> str:
        flow = self.flow
        blocker = flow.blocker()
        if blocker == ledger_flow.NO_DATE_TO:
            return self.date_to.error() or self.tr("Enter the last day of the period.")
        if blocker == ledger_flow.BAD_PERIOD:
            return self.tr("The first day is after the last day.")
        if blocker == ledger_flow.NO_LINES:
            return self.tr("No ledger lines were found: check the sheet and the columns.")
        if blocker == ledger_flow.HAS_PROBLEMS and flow.ledger is not None:
            problems = flow.ledger.problems
            lines = [self.tr("%n cell(s) cannot be read; go back and fix the columns or the file:",
                             "", len(problems))]  # fmt: skip
            for p in problems[:PROBLEMS_SHOWN]:
                where = self.tr("row %1, column %2").replace("%1", str(p.row))
                lines.append(f"• {where.replace('%2', p.column or '—')}: {what_to_fix(p)}")
            return "\n".join(lines)
        if not flow.may_write:
            return self.tr("Your role may look at the ledger but not save a reconciliation.")
        return ""
