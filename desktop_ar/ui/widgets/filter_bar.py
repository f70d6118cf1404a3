"""The search box and status filter above every list."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop_ar.ui.models.cells import status_label


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

    def __init__(self, statuses: tuple[str, ...], parent: QWidget | None = None) -> None:
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
        layout.addWidget(self.count_label)
        if len(statuses) <= 1:
            self.status.hide()

    def text(self) -> str:
        return self.edit.text()

    def current_status(self) -> str:
        value = self.status.currentData()
        return str(value) if value is not None else "all"

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
