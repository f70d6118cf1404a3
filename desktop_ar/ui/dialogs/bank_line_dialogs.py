"""Explaining a bank line without a candidate: receipt on account, exception, ignore.

Each dialog names the line it works on, asks for the one thing the service needs and runs the
service off the GUI thread (``FormDialog``); the reconciliation screen refreshes from the
returned ``Changes``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.services import bank_statements as bank
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.formatting import format_date
from desktop_ar.ui.models.bank_models import money_text
from desktop_ar.ui.widgets.customer_picker import CustomerPicker

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

# Usual reasons a bank line needs no receipt (the user may type any other).
IGNORE_PRESETS = (
    QT_TRANSLATE_NOOP("bank", "Bank fee"),
    QT_TRANSLATE_NOOP("bank", "Interest"),
    QT_TRANSLATE_NOOP("bank", "Transfer between own accounts"),
    QT_TRANSLATE_NOOP("bank", "Payment to a supplier"),
    QT_TRANSLATE_NOOP("bank", "Salary or tax payment"),
    QT_TRANSLATE_NOOP("bank", "Refund to a customer"),
)


def line_summary(line: Any) -> str:
    """``Line 12 · 2026-06-03 · 1,234.50 CNY · 上海明远 · INV-1043`` (the dialogs' first row)."""
    parts = [
        QCoreApplication.translate("bank", "Line %1").replace("%1", str(line.seq)),
        format_date(line.booking_date),
        money_text(line.amount),
        line.counterparty_name,
        line.reference,
        line.memo,
    ]
    return " · ".join(p for p in parts if p)


def _intro(parent: QWidget, line: Any) -> QLabel:
    label = QLabel(line_summary(line), parent)
    label.setObjectName("lineSummary")
    label.setWordWrap(True)
    return label


class _LineDialog(FormDialog):
    def __init__(self, *, ctx: ServiceContext, line: Any, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.line = line
        self.form.addRow(_intro(self, line))

    def _text_edit(self, name: str, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setObjectName(name)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(placeholder)
        edit.setMinimumHeight(80)
        return edit

    def _required(self, text: str, field: str, reason: str, widget: QWidget) -> str:
        text = text.strip()
        if not text:
            widget.setFocus()
            raise DomainError("invalid", field=field, reason=reason)
        return text


class IgnoreLineDialog(_LineDialog):
    """Marks a line as needing no receipt; the explanation is required."""

    geometry_key = "dialogs/bank_ignore"

    def __init__(self, *, ctx: ServiceContext, line: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx=ctx, line=line, parent=parent)
        self.setObjectName("ignoreLineDialog")
        self.setWindowTitle(self.tr("Ignore bank line"))
        self.explanation = QComboBox(self)
        self.explanation.setObjectName("explanationEdit")
        self.explanation.setEditable(True)
        self.explanation.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.explanation.addItem("")
        for preset in IGNORE_PRESETS:
            self.explanation.addItem(QCoreApplication.translate("bank", preset))
        self.explanation.setCurrentIndex(0)
        self.explanation.lineEdit().setPlaceholderText(
            self.tr("Why no receipt is needed (required)")
        )
        self.form.addRow(self.tr("&Explanation"), self.explanation)
        self.save_button.setText(self.tr("&Ignore line"))
        if not self.restored_geometry:
            self.resize(560, 180)
        self.explanation.setFocus()

    def save_fn(self) -> Callable[[], Any]:
        text = self._required(
            self.explanation.currentText(),
            self.tr("Explanation"),
            self.tr("say why this line needs no receipt"),
            self.explanation,
        )
        ctx, line_id = self.ctx, self.line.id
        return lambda: bank.ignore_line(ctx, line_id, text)


class ExceptionLineDialog(_LineDialog):
    """Records the line as an unidentified payment in the exceptions queue."""

    geometry_key = "dialogs/bank_exception"

    def __init__(self, *, ctx: ServiceContext, line: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx=ctx, line=line, parent=parent)
        self.setObjectName("exceptionLineDialog")
        self.setWindowTitle(self.tr("Unidentified payment"))
        self.cause = self._text_edit("causeEdit", self.tr("What is unclear (required)"))
        who = line.counterparty_name or self.tr("an unknown payer")
        self.cause.setPlainText(self.tr("Payment from %1 not identified").replace("%1", who))
        self.cause.selectAll()
        self.form.addRow(
            QLabel(self.tr("The line goes to the exceptions queue to be worked there."), self)
        )
        self.form.addRow(self.tr("&Cause"), self.cause)
        self.save_button.setText(self.tr("&Record exception"))
        if not self.restored_geometry:
            self.resize(560, 240)
        self.cause.setFocus()

    def save_fn(self) -> Callable[[], Any]:
        text = self._required(
            self.cause.toPlainText(),
            self.tr("Cause"),
            self.tr("say what is unclear about the payment"),
            self.cause,
        )
        ctx, line_id = self.ctx, self.line.id
        return lambda: bank.create_exception(ctx, line_id, text)


class ReceiptOnAccountDialog(_LineDialog):
    """Creates the receipt for the line's amount, unallocated (on the customer's account)."""

    geometry_key = "dialogs/bank_receipt_on_account"

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        line: Any,
        customer: tuple[int, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx=ctx, line=line, parent=parent)
        self.setObjectName("receiptOnAccountDialog")
        self.setWindowTitle(self.tr("Receipt on account"))
        self.picker = CustomerPicker(ctx, self)
        self.picker.setObjectName("customerPicker")
        self._wanted = customer[0] if customer is not None else None
        if customer is not None:  # the candidate's customer, found by its code
            self.picker.setEditText(customer[1])
            self.picker.customer_changed.connect(self._on_picker_customer_changed)
            self.picker.search(customer[1])
        self.form.addRow(
            QLabel(self.tr("A receipt of the full amount is recorded and left unallocated."), self)
        )
        self.form.addRow(self.tr("&Customer"), self.picker)
        self.save_button.setText(self.tr("&Create receipt"))
        if not self.restored_geometry:
            self.resize(560, 200)
        self.picker.setFocus()

    def _on_picker_customer_changed(self, _choice: object) -> None:
        if self._wanted is not None and any(c.id == self._wanted for c in self.picker.choices()):
            wanted, self._wanted = self._wanted, None
            self.picker.set_customer(wanted)

    def save_fn(self) -> Callable[[], Any]:
        choice = self.picker.customer()
        if choice is None:
            self.picker.setFocus()
            raise DomainError(
                "invalid", field=self.tr("Customer"), reason=self.tr("choose who sent the money")
            )
        ctx, line_id, cid = self.ctx, self.line.id, choice.id
        return lambda: bank.create_unallocated_payment(ctx, line_id, cid)
