"""A customer combo that searches as you type (code, name, pinyin initials) in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from desktop_ar.services.pickers import CustomerChoice, customer_choices
from desktop_ar.ui.tasks import QueryOp

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext


def _label(choice: CustomerChoice) -> str:
    return f"{choice.code}  {choice.name}"


class CustomerPicker(QComboBox):
    """Editable combo over active customers.

    The list is a page of matches from ``services.pickers.customer_choices``, re-queried (after a
    short pause) whenever the typed text changes, so a book of 10,000 customers never loads
    them all. ``customer()`` resolves the text: the chosen item, else the single match.
    """

    customer_changed = Signal(object)  # CustomerChoice | None
    DEBOUNCE_MS = 200
    LIMIT = 50

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self.lineEdit().setPlaceholderText(self.tr("Code, name or pinyin initials…"))
        # The database already filtered the items (pinyin too): the popup shows them as they are.
        self.completer().setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._choices: list[CustomerChoice] = []
        self._searching = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.lineEdit().textEdited.connect(self._on_text_edited)
        self.currentIndexChanged.connect(self._on_current_index_changed)
        self.search("")

    def is_busy(self) -> bool:
        """True while a search is pending or running (tests wait on it)."""
        return self._searching or self._timer.isActive()

    def choices(self) -> list[CustomerChoice]:
        return list(self._choices)

    def search(self, text: str) -> None:
        self._searching = True
        ctx, limit = self.ctx, self.LIMIT
        QueryOp(self, lambda: customer_choices(ctx, text, limit)).success(
            lambda found: self._on_found(text, found)
        ).run()

    def set_customer(self, customer_id: int | None) -> None:
        """Select a customer by id (it must be among the current choices)."""
        for i, choice in enumerate(self._choices):
            if choice.id == customer_id:
                self.setCurrentIndex(i)
                return
        self.setCurrentIndex(-1)

    def customer(self) -> CustomerChoice | None:
        """The chosen customer, or the only one matching what was typed."""
        text = self.currentText().strip()
        index = self.currentIndex()
        if 0 <= index < len(self._choices) and _label(self._choices[index]) == self.currentText():
            return self._choices[index]
        for choice in self._choices:
            if text in (choice.code, choice.name, _label(choice)):
                return choice
        return self._choices[0] if text and len(self._choices) == 1 else None

    def _on_text_edited(self, _text: str) -> None:
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        self.search(self.currentText().strip())

    def _on_found(self, text: str, found: list[CustomerChoice]) -> None:
        self._searching = False
        if text != self.currentText().strip() and self.currentIndex() < 0 and text:
            return  # the user typed on; a newer search is on its way
        typed = self.currentText()
        cursor = self.lineEdit().cursorPosition()
        self.blockSignals(True)
        self.clear()
        self._choices = list(found)
        for choice in found:
            self.addItem(_label(choice), choice.id)
        self.setCurrentIndex(-1)
        self.setEditText(typed)
        self.lineEdit().setCursorPosition(cursor)
        self.blockSignals(False)
        if text and found and self.lineEdit().hasFocus():
            self.completer().complete()
        self.customer_changed.emit(self.customer())

    def _on_current_index_changed(self, _index: int) -> None:
        self.customer_changed.emit(self.customer())
