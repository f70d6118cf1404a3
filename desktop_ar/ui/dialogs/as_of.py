"""Asking for the "as of" date that balances, overdue days and aging are computed for."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget


class AsOfDialog(QDialog):
    """A date picker with OK/Cancel."""

    def __init__(self, *, as_of: date, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Set as-of date"))
        self.date_edit = QDateEdit(QDate(as_of), self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self._today = today
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        today_button = buttons.addButton(self.tr("Today"), QDialogButtonBox.ButtonRole.ResetRole)
        today_button.clicked.connect(self._on_today_clicked)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        note = QLabel(self.tr("Balances, overdue days and aging are shown as of this date."), self)
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(self.tr("As of"), self.date_edit)
        form.addRow(buttons)

    def value(self) -> date:
        return self.date_edit.date().toPython()

    def _on_today_clicked(self) -> None:
        self.date_edit.setDate(QDate(self._today))
