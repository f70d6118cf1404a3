"""Confirming the reversal of a bounced or mistaken payment, with its date and reason."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop_ar.ui.widgets.date_field import DateField


class ReverseDialog(QDialog):
    """Date and reason for ``payments.reverse_payment``; the dialog is the confirmation."""

    def __init__(
        self, *, number: str, amount_text: str, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reverseDialog")
        self.setWindowTitle(self.tr("Reverse payment"))
        note = QLabel(
            self.tr(
                "Reverse %1 (%2)? Every invoice it paid is reopened; the allocations are kept "
                "in the history, marked reversed."
            )
            .replace("%1", number)
            .replace("%2", amount_text),
            self,
        )
        note.setWordWrap(True)
        self.date = DateField(today, self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("e.g. cheque bounced (required)"))
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #c62828;")
        buttons = QDialogButtonBox(self)
        self.reverse_button = buttons.addButton(
            self.tr("&Reverse"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.reverse_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(note)
        form.addRow(self.tr("&Date"), self.date)
        form.addRow(self.tr("Re&ason"), self.reason)
        form.addRow(self.error_label)
        form.addRow(buttons)
        self.setMinimumWidth(460)
        self.reason.setFocus()

    def value(self) -> tuple[date, str]:
        day = self.date.value()
        assert day is not None
        return day, self.reason.text().strip()

    def accept(self) -> None:
        if self.date.value() is None:
            self.error_label.setText(self.date.error() or self.tr("Enter the reversal date."))
            return
        if not self.reason.text().strip():
            self.error_label.setText(self.tr("Say why the payment is reversed."))
            self.reason.setFocus()
            return
        super().accept()
