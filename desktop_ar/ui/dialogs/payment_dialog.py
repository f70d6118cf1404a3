"""Recording a receipt (收款): who paid, when, how much, in which currency and at which rate.

"Save" posts the payment and allocates it oldest-first or by the invoices named in the
reference (as chosen); "Save and allocate…" posts it unallocated and asks the page to open the
allocation dialog for it. Every value is checked here first, so bad input writes nothing.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.parsing import parse_decimal
from desktop_ar.services import payments
from desktop_ar.services.settings import get_settings
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.errors import error_text, show_error
from desktop_ar.ui.models.cells import code_label
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp
from desktop_ar.ui.undo_stack import record_undo
from desktop_ar.ui.widgets.customer_picker import CustomerPicker
from desktop_ar.ui.widgets.date_field import DateField
from desktop_ar.ui.widgets.money_edit import MoneyEdit

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.pickers import CustomerChoice

CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP")
AFTER_SAVING = (
    ("oldest", QT_TRANSLATE_NOOP("PaymentDialog", "Allocate oldest first")),
    ("reference", QT_TRANSLATE_NOOP("PaymentDialog", "Allocate to the invoices in the reference")),
    ("none", QT_TRANSLATE_NOOP("PaymentDialog", "Leave unallocated (customer credit)")),
)


class PaymentDialog(QDialog):
    """New receipt; ``result`` holds the ``PaymentResult`` after a successful save."""

    def __init__(
        self, *, ctx: ServiceContext, customer_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("paymentDialog")
        self.setWindowTitle(self.tr("New receipt"))
        self.ctx = ctx
        self.result: payments.PaymentResult | None = None
        self.allocate_next = False
        self._base = "CNY"
        self._wanted_customer = customer_id
        self._key = uuid.uuid4().hex  # a double-clicked Save posts once

        self.customer = CustomerPicker(ctx, self)
        self.unidentified = QCheckBox(self.tr("&Unidentified payer (待认领)"), self)
        self.payer = QLineEdit(self)
        self.payer.setPlaceholderText(self.tr("Name on the bank statement"))
        self.date = DateField(ctx.clock.today(), self)
        self.amount = MoneyEdit("CNY", self, allow_zero=False)
        self.currency = QComboBox(self)
        self.currency.addItems(CURRENCIES)
        self.rate = QLineEdit(self)
        self.rate.setPlaceholderText(self.tr("Required for a foreign currency"))
        self.rate_note = QLabel(self)
        self.method = QComboBox(self)
        for method in payments.PAYMENT_METHODS:
            self.method.addItem(code_label(method), method)
        self.reference = QLineEdit(self)
        self.reference.setPlaceholderText(self.tr("Bank memo, e.g. 货款 INV-000123"))
        self.bank_account = QLineEdit(self)
        self.notes = QLineEdit(self)
        self.after = QComboBox(self)
        for mode, label in AFTER_SAVING:
            self.after.addItem(self.tr(label), mode)
        choice = app_settings().value("dialogs/payment/after", "oldest")
        self.after.setCurrentIndex(max(self.after.findData(choice), 0))
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            self.tr("&Save"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_allocate_button = self.buttons.addButton(
            self.tr("Save and &allocate…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.setDefault(True)
        self.save_allocate_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.save_allocate_button.clicked.connect(self._on_save_allocate_button_clicked)

        who = QHBoxLayout()
        who.addWidget(self.customer, 1)
        who.addWidget(self.unidentified)
        money = QHBoxLayout()
        money.addWidget(self.amount, 2)
        money.addWidget(self.currency)
        money.addWidget(self.amount.feedback, 2)
        rate = QHBoxLayout()
        rate.addWidget(self.rate, 1)
        rate.addWidget(self.rate_note, 1)
        form = QFormLayout(self)
        form.addRow(self._label(self.tr("&Customer"), self.customer), who)
        form.addRow(self.tr("&Payer name"), self.payer)
        form.addRow(self.tr("&Date"), self.date)
        form.addRow(self._label(self.tr("A&mount"), self.amount), money)
        form.addRow(self._label(self.tr("E&xchange rate"), self.rate), rate)
        form.addRow(self.tr("Me&thod"), self.method)
        form.addRow(self.tr("&Reference"), self.reference)
        form.addRow(self.tr("&Bank account"), self.bank_account)
        form.addRow(self.tr("&Notes"), self.notes)
        form.addRow(self.tr("After saving"), self.after)
        form.addRow(self.error_label)
        form.addRow(self.buttons)
        self.setMinimumWidth(620)
        geometry = app_settings().value("dialogs/payment/geometry")
        if geometry:
            self.restoreGeometry(geometry)

        self.unidentified.toggled.connect(self._on_unidentified_toggled)
        self.customer.customer_changed.connect(self._on_customer_changed)
        self.currency.currentTextChanged.connect(self._on_currency_changed)
        self.rate.textChanged.connect(self._on_rate_text_changed)
        QueryOp(self, lambda: get_settings(ctx).base_currency).success(self._on_base_loaded).run()
        self._on_currency_changed(self.currency.currentText())

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        """A form label whose mnemonic focuses ``buddy`` (rows holding a layout need one)."""
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    # ---- reacting ----------------------------------------------------------------------------

    def _on_base_loaded(self, base: str) -> None:
        self._base = base
        if self.currency.findText(base) < 0:
            self.currency.addItem(base)
        self.currency.setCurrentText(base)
        self._on_currency_changed(self.currency.currentText())
        if self._wanted_customer is not None:
            self.customer.set_customer(self._wanted_customer)

    def _on_unidentified_toggled(self, on: bool) -> None:
        self.customer.setEnabled(not on)
        if on:
            self.after.setCurrentIndex(self.after.findData("none"))
            self.payer.setFocus()

    def _on_customer_changed(self, choice: CustomerChoice | None) -> None:
        if choice is not None:
            if self.currency.findText(choice.currency) < 0:
                self.currency.addItem(choice.currency)
            self.currency.setCurrentText(choice.currency)

    def _on_currency_changed(self, ccy: str) -> None:
        self.amount.set_currency(ccy)
        foreign = ccy != self._base
        self.rate.setEnabled(foreign)
        if not foreign:
            self.rate.clear()
        self._on_rate_text_changed(self.rate.text())

    def _on_rate_text_changed(self, text: str) -> None:
        ccy = self.currency.currentText()
        if ccy == self._base:
            self.rate_note.setText("")
            return
        rate = self._rate_value(text)
        if rate is None:
            self.rate_note.setText(
                self.tr("1 %1 = ? %2").replace("%1", ccy).replace("%2", self._base)
            )
        else:
            note = self.tr("1 %1 = %2 %3").replace("%1", ccy).replace("%2", f"{rate:f}")
            self.rate_note.setText(note.replace("%3", self._base))

    @staticmethod
    def _rate_value(text: str) -> Decimal | None:
        try:
            rate = parse_decimal(text)
        except (DomainError, TypeError):
            return None
        return rate if rate > 0 else None

    # ---- saving ------------------------------------------------------------------------------

    def _problem(self) -> tuple[str, QWidget] | None:
        """The first input to fix, with the widget to focus."""
        choice = self.customer.customer()
        if self.unidentified.isChecked():
            if not self.payer.text().strip():
                return self.tr("Enter the payer's name for an unidentified payment."), self.payer
        elif choice is None:
            return self.tr("Choose the customer (or tick Unidentified payer)."), self.customer
        if self.date.value() is None:
            return self.date.error() or self.tr("Enter the payment date."), self.date
        if self.amount.value() is None:
            return self.amount.error() or self.tr("Enter the amount received."), self.amount
        if self.currency.currentText() != self._base and self._rate_value(self.rate.text()) is None:
            return (
                self.tr("A payment in %1 needs the exchange rate to %2.")
                .replace("%1", self.currency.currentText())
                .replace("%2", self._base),
                self.rate,
            )
        return None

    def payment_input(self) -> payments.PaymentInput:
        choice = None if self.unidentified.isChecked() else self.customer.customer()
        amount = self.amount.value()
        day = self.date.value()
        assert amount is not None and day is not None
        return payments.PaymentInput(
            customer_id=choice.id if choice is not None else None,
            payment_date=day,
            amount=amount,
            method=self.method.currentData(),
            reference=self.reference.text().strip(),
            payer_name=self.payer.text().strip(),
            bank_account=self.bank_account.text().strip(),
            exchange_rate=self._rate_value(self.rate.text()) or Decimal(1),
            notes=self.notes.text().strip(),
        )

    def _on_save_allocate_button_clicked(self) -> None:
        self._save(allocate_next=True)

    def accept(self) -> None:
        self._save(allocate_next=False)

    def _save(self, *, allocate_next: bool) -> None:
        problem = self._problem()
        if problem is not None:
            text, widget = problem
            self.error_label.setText(text)
            widget.setFocus()
            return
        self.error_label.clear()
        data = self.payment_input()
        mode = "none" if allocate_next or data.customer_id is None else self.after.currentData()
        self.allocate_next = allocate_next and data.customer_id is not None
        ctx, key = self.ctx, self._key
        for button in (self.save_button, self.save_allocate_button):
            button.setEnabled(False)
        BackgroundOp(
            self, lambda _p: payments.record_payment(ctx, data, allocate=mode, idempotency_key=key)
        ).success(self._on_saved).failure(self._on_failed).run()

    def _on_saved(self, outcome: tuple[payments.PaymentResult, Changes]) -> None:
        self.result = outcome[0]
        record_undo(self, "record_payment", outcome[0].payment_id)  # Edit > Undo
        settings = app_settings()
        settings.setValue("dialogs/payment/after", self.after.currentData())
        settings.setValue("dialogs/payment/geometry", self.saveGeometry())
        super().accept()

    def _on_failed(self, exc: BaseException) -> None:
        for button in (self.save_button, self.save_allocate_button):
            button.setEnabled(True)
        if not isinstance(exc, DomainError):
            show_error(self, exc)
        self.error_label.setText(error_text(exc))

    def on_changes(self, changes: Changes) -> None:
        """BackgroundOp hands the changes to this window: pass them on to the main window."""
        forward_changes(self, changes)
