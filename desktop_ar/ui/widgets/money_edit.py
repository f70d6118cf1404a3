"""A money field that accepts what people type and shows what the system understood."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import parse_amount
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_money

_ERROR_STYLE = "QLineEdit { border: 1px solid #c62828; }"


class MoneyEdit(QLineEdit):
    """Amount entry: ``1,234.50``, ``¥1234.5``, ``１２３４．５`` and ``1234.5元`` all work.

    ``feedback`` is a small label (place it next to or under the edit, or use ``with_feedback``)
    that reads ``= 1,234.50 CNY`` or the error; an error also turns the border red and sets the
    tooltip, so an editor inside a table explains itself too.
    """

    value_changed = Signal(object)  # Money | None

    def __init__(
        self,
        currency: str = "CNY",
        parent: QWidget | None = None,
        *,
        allow_negative: bool = False,
        allow_zero: bool = True,
    ) -> None:
        super().__init__(parent)
        self._currency = currency
        self._allow_negative = allow_negative
        self._allow_zero = allow_zero
        self._value: Money | None = None
        self._error = ""
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("0.00")
        self.feedback = QLabel(parent)
        self.feedback.setObjectName("moneyFeedback")
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.textChanged.connect(self._on_text_changed)
        self.editingFinished.connect(self._on_editing_finished)

    # ---- API ---------------------------------------------------------------------------------

    def currency(self) -> str:
        return self._currency

    def set_currency(self, currency: str) -> None:
        """Read the text again as an amount of ``currency``."""
        if currency != self._currency:
            self._currency = currency
            self._on_text_changed(self.text())

    def value(self) -> Money | None:
        """The understood amount; None when empty or not understood (see ``error()``)."""
        return self._value

    def error(self) -> str:
        """Why the text is not an amount ("" when it is, or when empty)."""
        return self._error

    def set_value(self, value: Money | None) -> None:
        """Show an amount (formatted) or clear the field."""
        if value is not None and value.currency != self._currency:
            self._currency = value.currency
        self.setText("" if value is None else format_money(value))

    def with_feedback(self, parent: QWidget | None = None) -> QWidget:
        """The edit and its feedback label side by side, for a form row."""
        box = QWidget(parent)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self, 1)
        row.addWidget(self.feedback, 1)
        return box

    # ---- internals ---------------------------------------------------------------------------

    def _parse(self, text: str) -> tuple[Money | None, str]:
        if not text.strip():
            return None, ""
        try:
            value = parse_amount(text, self._currency)
        except DomainError as exc:
            return None, error_text(exc)
        if value.minor < 0 and not self._allow_negative:
            return None, self.tr("The amount must not be negative.")
        if value.minor == 0 and not self._allow_zero:
            return None, self.tr("The amount must be more than zero.")
        return value, ""

    def _on_editing_finished(self) -> None:
        # Leaving the field rewrites what was typed (¥１２３４．５) as it was understood.
        if self._value is not None and self.text() != format_money(self._value):
            self.setText(format_money(self._value))

    def _on_text_changed(self, text: str) -> None:
        value, error = self._parse(text)
        changed = value != self._value
        self._value, self._error = value, error
        if error:
            self.feedback.setText(error)
            self.feedback.setStyleSheet("color: #c62828;")
            self.setStyleSheet(_ERROR_STYLE)
            self.setToolTip(error)
        else:
            shown = f"= {format_money(value)} {value.currency}" if value is not None else ""
            self.feedback.setText(shown)
            self.feedback.setStyleSheet("color: #2e7d32;")
            self.setStyleSheet("")
            self.setToolTip(shown)
        if changed or error:
            self.value_changed.emit(value)
