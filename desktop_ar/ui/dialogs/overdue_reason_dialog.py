"""Why an invoice is overdue and what was agreed (extended due date, instalment plan)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.services.activity import overdue_reason, set_overdue_reason
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.formatting import format_date, format_money
from desktop_ar.ui.models.cells import code_label
from desktop_ar.ui.tasks import QueryOp
from desktop_ar.ui.widgets.date_field import DateField

if TYPE_CHECKING:
    from desktop_ar.services.activity import OverdueReason
    from desktop_ar.services.context import ServiceContext

REASONS = ("funds_tight", "order_error", "dispute", "quality_complaint", "other")
MEASURES = ("extended_due_date", "instalment_plan", "other")


class OverdueReasonDialog(FormDialog):
    """Reason and measure of one invoice; a new due date moves what is open and due before it."""

    geometry_key = "dialogs/overdue_reason/geometry"
    loaded = Signal()

    def __init__(
        self, *, ctx: ServiceContext, invoice_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("overdueReasonDialog")
        self.setWindowTitle(self.tr("Overdue reason and measure"))
        self.ctx = ctx
        self.invoice_id = invoice_id
        self.info_label = QLabel(self)
        self.info_label.setObjectName("invoiceInfo")
        self.info_label.setWordWrap(True)
        self.reason_combo = self._combo("reasonCombo", REASONS, self.tr("— no reason —"))
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("reasonNoteEdit")
        self.note_edit.setMaxLength(200)
        self.measure_combo = self._combo("measureCombo", MEASURES, self.tr("— none agreed —"))
        self.due_edit = DateField(None, self)
        self.due_edit.setObjectName("extendedDueEdit")
        self.due_edit.setPlaceholderText(self.tr("YYYY-MM-DD (leave empty to keep)"))
        self.measure_note_edit = QLineEdit(self)
        self.measure_note_edit.setObjectName("measureNoteEdit")
        self.measure_note_edit.setPlaceholderText(self.tr("who agreed, the instalments…"))
        self.form.addRow(self.info_label)
        self.form.addRow(self.tr("&Reason"), self.reason_combo)
        self.form.addRow(self.tr("&Note"), self.note_edit)
        self.form.addRow(self.tr("Agreed &measure"), self.measure_combo)
        self.form.addRow(self.tr("New &due date"), self.due_edit)
        self.form.addRow(self.tr("Measure n&ote"), self.measure_note_edit)
        self.measure_combo.currentIndexChanged.connect(self._on_measure_combo_changed)
        self._on_measure_combo_changed()
        if not self.restored_geometry:
            self.resize(460, 280)
        self.setEnabled(False)
        QueryOp(self, lambda: overdue_reason(ctx, invoice_id)).success(self._on_loaded).failure(
            self._on_load_failed
        ).run()

    def _combo(self, name: str, values: tuple[str, ...], none_text: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.addItem(none_text, None)
        for value in values:
            combo.addItem(code_label(value), value)
        return combo

    def _on_loaded(self, info: OverdueReason) -> None:
        self.setEnabled(True)
        due = format_date(info.first_open_due) if info.first_open_due else "—"
        self.info_label.setText(
            self.tr("Invoice %1 · open %2 %3 · next open due date %4")
            .replace("%1", info.number)
            .replace("%2", format_money(info.open))
            .replace("%3", info.open.currency)
            .replace("%4", due)
        )
        self.reason_combo.setCurrentIndex(max(0, self.reason_combo.findData(info.code)))
        self.measure_combo.setCurrentIndex(max(0, self.measure_combo.findData(info.measure)))
        self.note_edit.setText(info.note)
        self.measure_note_edit.setText(info.measure_note)
        self.reason_combo.setFocus()
        self.loaded.emit()

    def _on_load_failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        self.save_button.setEnabled(False)
        self.show_error(exc)

    def _on_measure_combo_changed(self, _index: int = 0) -> None:
        extend = self.measure_combo.currentData() == "extended_due_date"
        self.due_edit.setEnabled(extend)

    def save_fn(self) -> Callable[[], Any]:
        new_due = None
        if self.due_edit.isEnabled():
            if self.due_edit.error():
                raise DomainError(
                    "invalid", field=self.tr("New due date"), reason=self.due_edit.error()
                )
            new_due = self.due_edit.value()
        ctx, iid = self.ctx, self.invoice_id
        code = self.reason_combo.currentData()
        measure = self.measure_combo.currentData()
        note, measure_note = self.note_edit.text(), self.measure_note_edit.text()
        return lambda: set_overdue_reason(ctx, iid, code, note, measure, measure_note, new_due)
