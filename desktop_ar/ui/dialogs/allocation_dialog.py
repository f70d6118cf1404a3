"""Allocating a payment (核销): proposals, amounts by hand, discounts, a small write-off, preview.

Nothing is written until Apply; then ``payments.apply_allocation`` posts everything in one
transaction and the window's pages refresh from the returned ``Changes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.parsing import parse_amount
from desktop_ar.services import payments
from desktop_ar.ui.dialogs.allocation_draft import AllocationDraft
from desktop_ar.ui.dialogs.allocation_table import APPLY, DISCOUNT, AllocationTable
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_date, format_money
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp
from desktop_ar.ui.undo_stack import record_undo
from desktop_ar.ui.widgets.money_edit import MoneyEdit

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext


class AllocationDialog(QDialog):
    """The open instalments of the payment's customer with an editable Apply column."""

    loaded = Signal()
    applied = Signal(object)  # Changes

    def __init__(
        self, *, ctx: ServiceContext, payment_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("allocationDialog")
        self.ctx = ctx
        self.payment_id = payment_id
        self.draft: AllocationDraft | None = None
        self.setWindowTitle(self.tr("Allocate payment"))

        self.header = QLabel(self.tr("Loading…"), self)
        self.header.setWordWrap(True)
        self.oldest_button = QPushButton(self.tr("&Oldest first"), self)
        self.reference_button = QPushButton(self.tr("By &reference"), self)
        self.clear_button = QPushButton(self.tr("C&lear"), self)
        for button in (self.oldest_button, self.reference_button, self.clear_button):
            button.setAutoDefault(False)
        self.oldest_button.clicked.connect(lambda: self._propose("oldest"))
        self.reference_button.clicked.connect(lambda: self._propose("reference"))
        self.clear_button.clicked.connect(self._on_clear_button_clicked)

        self.table = AllocationTable(self)
        self.table.itemChanged.connect(self._on_table_item_changed)

        self.totals = QLabel(self)
        self.totals.setObjectName("allocationTotals")
        self.totals.setTextFormat(Qt.TextFormat.RichText)

        self.write_off_box = QGroupBox(self.tr("Write off a small difference"), self)
        self.write_off_box.setCheckable(True)
        self.write_off_box.setChecked(False)
        self.write_off_line = QComboBox(self.write_off_box)
        self.write_off_amount = MoneyEdit("CNY", self.write_off_box)
        self.write_off_reason = QLineEdit(self.write_off_box)
        self.write_off_reason.setPlaceholderText(self.tr("Why, e.g. bank charges (required)"))
        self.write_off_hint = QLabel(self.write_off_box)
        form = QFormLayout(self.write_off_box)
        form.addRow(self.tr("Invoice"), self.write_off_line)
        form.addRow(self.tr("Amount"), self.write_off_amount.with_feedback(self.write_off_box))
        form.addRow(self.tr("Reason"), self.write_off_reason)
        form.addRow(self.write_off_hint)
        self.write_off_box.toggled.connect(self._on_write_off_box_toggled)
        self.write_off_line.currentIndexChanged.connect(self._on_write_off_changed)
        self.write_off_amount.value_changed.connect(self._on_write_off_changed)
        self.write_off_reason.textChanged.connect(self._on_write_off_changed)

        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("allocationPreview")
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(120)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")

        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton(
            self.tr("&Apply"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button.setDefault(True)
        self.apply_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        tools = QHBoxLayout()
        for button in (self.oldest_button, self.reference_button, self.clear_button):
            tools.addWidget(button)
        tools.addStretch(1)
        lower = QHBoxLayout()
        lower.addWidget(self.write_off_box, 1)
        result = QVBoxLayout()
        result.addWidget(QLabel(self.tr("Result"), self))
        result.addWidget(self.preview)
        lower.addLayout(result, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addLayout(lower)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(900, 600)
        geometry = app_settings().value("dialogs/allocation/geometry")
        if geometry:
            self.restoreGeometry(geometry)

        ctx = self.ctx
        QueryOp(
            self,
            lambda: (
                payments.payment_for_allocation(ctx, payment_id),
                payments.open_items_for_payment(ctx, payment_id),
            ),
        ).success(self._on_loaded).failure(self._show_failure).run()

    # ---- loading and filling -----------------------------------------------------------------

    def is_loaded(self) -> bool:
        return self.draft is not None

    def _on_loaded(self, result: tuple[payments.AllocationInfo, list]) -> None:
        info, lines = result
        self.draft = AllocationDraft(info, lines)
        ccy = info.unallocated.currency
        self.write_off_amount.set_currency(ccy)
        who = " ".join(p for p in (info.customer_code, info.customer_name) if p)
        self.header.setText(
            self.tr("<b>%1</b> · %2 · %3 · amount %4 %5 · unallocated <b>%6</b> · reference: %7")
            .replace("%1", info.number)
            .replace("%2", who or self.tr("unidentified payer"))
            .replace("%3", format_date(info.payment_date))
            .replace("%4", format_money(info.amount))
            .replace("%5", ccy)
            .replace("%6", format_money(info.unallocated))
            .replace("%7", info.reference or "—")
        )
        self.write_off_hint.setText(
            self.tr("Tolerance: %1 %2").replace("%1", format_money(info.write_off_limit))
        )
        self.write_off_hint.setText(self.write_off_hint.text().replace("%2", ccy))
        self.table.fill(self.draft)
        usable = info.status == "posted" and info.customer_id is not None
        for button in (self.oldest_button, self.reference_button, self.clear_button):
            button.setEnabled(usable and bool(lines))
        self._refresh()
        self.loaded.emit()

    # ---- reacting to the user ----------------------------------------------------------------

    def _propose(self, mode: str) -> None:
        ctx, pid = self.ctx, self.payment_id
        QueryOp(self, lambda: payments.propose_allocation(ctx, pid, mode)).success(
            self._on_proposed
        ).failure(self._show_failure).run()

    def _on_proposed(self, proposal: dict) -> None:
        assert self.draft is not None
        self.draft.set_proposal(proposal)
        self.table.sync(self.draft)
        self._refresh()

    def _on_clear_button_clicked(self) -> None:
        if self.draft is None:
            return
        self.draft.clear()
        self.write_off_box.setChecked(False)
        self.table.sync(self.draft)
        self._refresh()

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self.table.filling or self.draft is None:
            return
        ln = self.draft.lines[item.row()]
        if item.column() == DISCOUNT:
            if item.checkState() == Qt.CheckState.Checked:
                self.draft.discounts.add(ln.line_id)
            else:
                self.draft.discounts.discard(ln.line_id)
        elif item.column() == APPLY:
            self.draft.bad_text.pop(ln.line_id, None)
            self.draft.apply.pop(ln.line_id, None)
            text = item.text().strip()
            if text:
                try:
                    value = parse_amount(text, self.draft.currency)
                except DomainError as exc:
                    self.draft.bad_text[ln.line_id] = error_text(exc)
                else:
                    if value.minor:
                        self.draft.apply[ln.line_id] = value
        self._refresh()

    def _on_write_off_box_toggled(self, on: bool) -> None:
        if self.draft is None:
            return
        self._fill_write_off_lines()
        if on:
            candidate = self.draft.small_difference()
            if candidate is not None:
                index = self.write_off_line.findData(candidate.line_id)
                self.write_off_line.setCurrentIndex(max(index, 0))
                left = self.draft.open_after(candidate.line_id)
                self.write_off_amount.set_value(left)
            self.write_off_reason.setFocus()
        self._on_write_off_changed()

    def _fill_write_off_lines(self) -> None:
        assert self.draft is not None
        current = self.write_off_line.currentData()
        self.write_off_line.blockSignals(True)
        self.write_off_line.clear()
        for ln in self.draft.lines:
            label = f"{ln.invoice_number} ({ln.seq}/{ln.instalments})"
            self.write_off_line.addItem(label, ln.line_id)
        index = self.write_off_line.findData(current)
        self.write_off_line.setCurrentIndex(max(index, 0))
        self.write_off_line.blockSignals(False)

    def _on_write_off_changed(self, *_args: object) -> None:
        if self.draft is None:
            return
        on = self.write_off_box.isChecked() and self.write_off_line.count() > 0
        self.draft.write_off_line = self.write_off_line.currentData() if on else None
        self.draft.write_off = self.write_off_amount.value() if on else None
        self.draft.write_off_reason = self.write_off_reason.text() if on else ""
        self._refresh()

    def _refresh(self) -> None:
        """Totals, preview and the first problem, after every change."""
        if self.draft is None:
            return
        t = self.draft.totals()
        self.totals.setText(
            self.tr(
                "Payment <b>%1</b> · allocated <b>%2</b> · discount %3 · write-off %4 · "
                "remaining → customer credit <b>%5</b>"
            )
            .replace("%1", format_money(t.payment))
            .replace("%2", format_money(t.allocated))
            .replace("%3", format_money(t.discount))
            .replace("%4", format_money(t.write_off))
            .replace("%5", format_money(t.remaining))
        )
        candidate = self.draft.small_difference()
        if candidate is not None and not self.write_off_box.isChecked():
            self.write_off_box.setTitle(
                self.tr("Write off a small difference (%1 left on %2)")
                .replace("%1", format_money(self.draft.open_after(candidate.line_id)))
                .replace("%2", candidate.invoice_number)
            )
        else:
            self.write_off_box.setTitle(self.tr("Write off a small difference"))
        self.preview.setPlainText("\n".join(self.draft.preview()))
        problem = self.draft.problem()
        self.error_label.setText(problem or "")
        self.apply_button.setEnabled(self.draft.info.status == "posted")

    # ---- applying ----------------------------------------------------------------------------

    def accept(self) -> None:
        if self.draft is None:
            return
        problem = self.draft.problem()
        if problem:
            self.error_label.setText(problem)
            return
        requested, discounts, write_off = self.draft.request()
        ctx, pid = self.ctx, self.payment_id
        self.apply_button.setEnabled(False)
        BackgroundOp(
            self,
            lambda _p: payments.apply_allocation(
                ctx, pid, requested, discounts=discounts, write_off=write_off
            ),
        ).success(self._on_applied).failure(self._show_failure).run()

    def _on_applied(self, changes: Changes) -> None:
        record_undo(self, "apply_allocation", self.payment_id)  # Edit > Undo
        self.applied.emit(changes)
        self._save_geometry()
        super().accept()

    def on_changes(self, changes: Changes) -> None:
        """BackgroundOp hands the changes to this window: pass them on to the main window."""
        forward_changes(self, changes)

    def _show_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, DomainError):
            from desktop_ar.ui.errors import show_error

            show_error(self, exc)
        self.error_label.setText(error_text(exc))
        self.apply_button.setEnabled(True)

    def reject(self) -> None:
        self._save_geometry()
        super().reject()

    def _save_geometry(self) -> None:
        app_settings().setValue("dialogs/allocation/geometry", self.saveGeometry())
