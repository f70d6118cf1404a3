"""A date field that accepts typed dates (``2026/6/5``, ``20260605``, ``2026年6月5日``)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QStyle, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.parsing import parse_date
from desktop_ar.ui.errors import error_text

_ERROR_STYLE = "QLineEdit { border: 1px solid #c62828; }"


class DateField(QLineEdit):
    """Typed dates through ``parse_date``; Up/Down move a day, the button opens a calendar.

    When editing finishes a valid date is rewritten as ``YYYY-MM-DD`` so the user sees what was
    understood; an invalid one keeps its text, a red border and the reason as tooltip.
    """

    date_changed = Signal(object)  # date | None

    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value: date | None = None
        self._error = ""
        self.setPlaceholderText("YYYY-MM-DD")
        self.setMaxLength(20)
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        self.calendar_action = self.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action.setToolTip(self.tr("Choose from a calendar"))
        self.calendar_action.triggered.connect(self._on_calendar_action_triggered)
        self._calendar: QCalendarWidget | None = None
        self.textChanged.connect(self._on_text_changed)
        self.editingFinished.connect(self._on_editing_finished)
        if value is not None:
            self.set_value(value)

    def value(self) -> date | None:
        """The understood date; None when empty or not a date (see ``error()``)."""
        return self._value

    def error(self) -> str:
        return self._error

    def set_value(self, value: date | None) -> None:
        self.setText("" if value is None else value.isoformat())

    def keyPressEvent(self, event) -> None:
        step = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1}.get(event.key())
        if step is not None and self._value is not None:
            self.set_value(self._value + timedelta(days=step))
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_text_changed(self, text: str) -> None:
        value: date | None = None
        error = ""
        if text.strip():
            try:
                value = parse_date(text)
            except DomainError as exc:
                error = error_text(exc)
        changed = value != self._value
        self._value, self._error = value, error
        self.setStyleSheet(_ERROR_STYLE if error else "")
        self.setToolTip(error or (value.isoformat() if value else ""))
        if changed:
            self.date_changed.emit(value)

    def _on_editing_finished(self) -> None:
        if self._value is not None and self.text() != self._value.isoformat():
            self.set_value(self._value)

    def _on_calendar_action_triggered(self) -> None:
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setSelectedDate(QDate(self._value) if self._value else QDate.currentDate())
        calendar.clicked.connect(self._on_calendar_clicked)
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        calendar.show()
        self._calendar = calendar

    def _on_calendar_clicked(self, day: QDate) -> None:
        self.set_value(day.toPython())
        if self._calendar is not None:
            self._calendar.close()
            self._calendar.deleteLater()
            self._calendar = None
