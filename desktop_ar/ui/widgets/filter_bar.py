"""The search box, status filter and date range above every list."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop_ar.ui.models.cells import status_label
from desktop_ar.ui.widgets.date_field import DateField

# The date each list filters on (``services.lists`` ``date_fields``), as the user reads it.
DATE_FIELD_LABELS = {
    "issue": QT_TRANSLATE_NOOP("FilterBar", "Issue date"),
    "due": QT_TRANSLATE_NOOP("FilterBar", "Due date"),
    "order": QT_TRANSLATE_NOOP("FilterBar", "Order date"),
    "delivery": QT_TRANSLATE_NOOP("FilterBar", "Delivery date"),
    "payment": QT_TRANSLATE_NOOP("FilterBar", "Payment date"),
    "detected": QT_TRANSLATE_NOOP("FilterBar", "Detected on"),
    "invoiced": QT_TRANSLATE_NOOP("FilterBar", "Invoiced"),
}
DATE_PRESETS = (
    ("all", QT_TRANSLATE_NOOP("FilterBar", "All dates")),
    ("this_month", QT_TRANSLATE_NOOP("FilterBar", "This month")),
    ("last_month", QT_TRANSLATE_NOOP("FilterBar", "Last month")),
    ("this_year", QT_TRANSLATE_NOOP("FilterBar", "This year")),
    ("last_90", QT_TRANSLATE_NOOP("FilterBar", "Last 90 days")),
    ("custom", QT_TRANSLATE_NOOP("FilterBar", "Custom")),
)


def _month_end(day: date) -> date:
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


def preset_range(preset: str, as_of: date) -> tuple[date | None, date | None]:
    """The (from, to) dates of a preset relative to the as-of date; ``all`` is open ended."""
    if preset == "this_month":
        return as_of.replace(day=1), _month_end(as_of)
    if preset == "last_month":
        last = as_of.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_year":
        return date(as_of.year, 1, 1), date(as_of.year, 12, 31)
    if preset == "last_90":
        return as_of - timedelta(days=89), as_of
    return None, None


class FilterLineEdit(QLineEdit):
    """A line edit that Escape clears."""

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)


class FilterBar(QWidget):
    """Search text (debounced) plus a status combo; emits what the list should show."""

    DEBOUNCE_MS = 250

    filter_changed = Signal(str)
    status_changed = Signal(str)
    dates_changed = Signal()

    def __init__(
        self,
        statuses: tuple[str, ...],
        parent: QWidget | None = None,
        *,
        date_fields: tuple[str, ...] = (),
        as_of: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.edit = FilterLineEdit(self)
        self.edit.setPlaceholderText(self.tr("Search name, code or pinyin…"))
        self.edit.setClearButtonEnabled(True)
        self.edit.setObjectName("filterEdit")
        self.status = QComboBox(self)
        self.status.setObjectName("statusCombo")
        for value in statuses:
            self.status.addItem(status_label(value), value)
        self.status.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.count_label = QLabel(self)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        # Every keystroke restarts the timer; the query runs once typing pauses.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.status.currentIndexChanged.connect(self._on_status_current_index_changed)

        # Ctrl+F anywhere in the window focuses the search box; a shortcut only fires while its
        # widget is visible, so the filter bars of hidden pages do not compete for it.
        self._find = QShortcut(QKeySequence.StandardKey.Find, self)
        self._find.setContext(Qt.ShortcutContext.WindowShortcut)
        self._find.activated.connect(self.focus_search)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(QLabel(self.tr("Status:"), self))
        layout.addWidget(self.status)
        self.dates: DateRangeFilter | None = None
        if date_fields:
            if as_of is None:
                raise ValueError("a date filter needs the page's as-of date")
            self.dates = DateRangeFilter(date_fields, as_of, self)
            self.dates.range_changed.connect(self.dates_changed)
            layout.addWidget(self.dates)
        layout.addWidget(self.count_label)
        if len(statuses) <= 1:
            self.status.hide()

    def text(self) -> str:
        return self.edit.text()

    def current_status(self) -> str:
        value = self.status.currentData()
        return str(value) if value is not None else "all"

    def date_range(self) -> tuple[date | None, date | None]:
        """(from, to) of the date filter; (None, None) when open or absent."""
        return self.dates.date_range() if self.dates is not None else (None, None)

    def date_field(self) -> str:
        """Which date the range filters on ('' = the list's default)."""
        return self.dates.date_field() if self.dates is not None else ""

    def set_as_of(self, as_of: date) -> bool:
        """Move a relative date preset; True when the range changed (the caller re-queries)."""
        return self.dates.set_as_of(as_of) if self.dates is not None else False

    def set_count(self, count: int) -> None:
        self.count_label.setText(self.tr("%n row(s)", "", count))

    def focus_search(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def flush(self) -> None:
        """Emit a pending text change now (Enter, tests)."""
        if self._timer.isActive():
            self._timer.stop()
            self._on_timer_timeout()

    def _on_edit_text_changed(self, _text: str) -> None:
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        self.filter_changed.emit(self.edit.text())

    def _on_status_current_index_changed(self, _index: int) -> None:
        self.status_changed.emit(self.current_status())


class DateRangeFilter(QWidget):
    """Which date, a preset (this month, last 90 days, …) and typed From / To dates.

    An empty end is open ended. Presets count from the page's as-of date, not the clock, so an
    "as of 2026-03-31" view shows March for "This month". Typing a date switches to Custom.
    """

    DEBOUNCE_MS = 250

    range_changed = Signal()

    def __init__(self, fields: tuple[str, ...], as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._as_of = as_of
        self._filling = False
        self.field = QComboBox(self)
        self.field.setObjectName("dateFieldCombo")
        for name in fields:
            label = QCoreApplication.translate("FilterBar", DATE_FIELD_LABELS.get(name, name))
            self.field.addItem(label, name)
        self.field.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.field.setToolTip(self.tr("Which date the range applies to"))
        self.preset = QComboBox(self)
        self.preset.setObjectName("datePresetCombo")
        for key, label in DATE_PRESETS:
            self.preset.addItem(QCoreApplication.translate("FilterBar", label), key)
        self.preset.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.date_from = DateField(None, self)
        self.date_from.setObjectName("dateFromField")
        self.date_from.setPlaceholderText(self.tr("From"))
        self.date_to = DateField(None, self)
        self.date_to.setObjectName("dateToField")
        self.date_to.setPlaceholderText(self.tr("To"))
        # Wide enough for a date and the calendar button; narrow windows may squeeze them.
        digits = self.date_from.fontMetrics().horizontalAdvance("2026-12-31")
        for edit in (self.date_from, self.date_to):
            edit.setMinimumWidth(digits + 12)
            edit.setMaximumWidth(digits + 44)
            edit.setToolTip(self.tr("Empty = open ended"))

        # Typing a date fires on every keystroke that changes the understood value.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self.range_changed)
        self.field.currentIndexChanged.connect(self._on_field_current_index_changed)
        self.preset.currentIndexChanged.connect(self._on_preset_current_index_changed)
        self.date_from.date_changed.connect(self._on_date_changed)
        self.date_to.date_changed.connect(self._on_date_changed)
        for edit in (self.date_from, self.date_to):
            edit.returnPressed.connect(self.flush)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.field)
        layout.addWidget(self.preset)
        layout.addWidget(self.date_from)
        layout.addWidget(QLabel("–", self))
        layout.addWidget(self.date_to)
        if len(fields) <= 1:
            # One date only: no choice of one to offer; the tooltips say which date it is.
            self.field.hide()
            which = self.tr("%1 — an empty From or To is open ended")
            for widget in (self.preset, self.date_from, self.date_to):
                widget.setToolTip(which.replace("%1", self.field.currentText()))

    def date_field(self) -> str:
        value = self.field.currentData()
        return str(value) if value is not None else ""

    def date_range(self) -> tuple[date | None, date | None]:
        return self.date_from.value(), self.date_to.value()

    def set_range(self, start: date | None, end: date | None) -> None:
        """Type a range (as the user would): the preset becomes Custom."""
        self.date_from.set_value(start)
        self.date_to.set_value(end)
        self.flush()

    def set_preset(self, key: str) -> None:
        self.preset.setCurrentIndex(max(self.preset.findData(key), 0))

    def set_as_of(self, as_of: date) -> bool:
        """Move a relative preset to the new as-of date; True when the range changed."""
        self._as_of = as_of
        key = self.preset.currentData()
        if key in ("all", "custom"):
            return False
        before = self.date_range()
        self._fill(preset_range(key, as_of))
        return self.date_range() != before

    def flush(self) -> None:
        """Emit a pending change now (Enter, tests)."""
        if self._timer.isActive():
            self._timer.stop()
            self.range_changed.emit()

    def _fill(self, dates: tuple[date | None, date | None]) -> None:
        self._filling = True  # the preset set these dates: it stays selected
        try:
            self.date_from.set_value(dates[0])
            self.date_to.set_value(dates[1])
        finally:
            self._filling = False

    def _on_field_current_index_changed(self, _index: int) -> None:
        if self.date_range() != (None, None):
            self.range_changed.emit()

    def _on_preset_current_index_changed(self, _index: int) -> None:
        key = self.preset.currentData()
        if key == "custom":
            return
        self._fill(preset_range(key, self._as_of))
        self._timer.stop()
        self.range_changed.emit()

    def _on_date_changed(self, _value: object) -> None:
        if self._filling:
            return
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self.preset.blockSignals(False)
        self._timer.start()
