"""Credit notes (贷项通知 / 红字): against an invoice (applied to it right away) or standalone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.services import invoicing
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.widgets.customer_picker import CustomerPicker
from desktop_ar.ui.widgets.date_field import DateField
from desktop_ar.ui.widgets.money_edit import MoneyEdit

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.lists.invoices import InvoiceRow
    from desktop_ar.services.pickers import CustomerChoice


class CreditNoteDialog(FormDialog):
    """Issue a credit note; with ``invoice`` it corrects that invoice, else pick a customer."""

    geometry_key = "dialogs/credit_note/geometry"

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        invoice: InvoiceRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("creditNoteDialog")
        self.ctx = ctx
        self.invoice = invoice
        ccy = invoice.amount.currency if invoice is not None else "CNY"
        self.customer = CustomerPicker(ctx, self)
        self.amount = MoneyEdit(ccy, self, allow_zero=False)
        self.date = DateField(ctx.clock.today(), self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("Returned goods, price correction, …"))
        self.apply = QCheckBox(self.tr("&Apply it to the invoice now"), self)
        self.apply.setChecked(True)
        if invoice is not None:
            self.setWindowTitle(self.tr("Credit note for %1").replace("%1", invoice.number))
            who = QLabel(f"{invoice.customer_code}  {invoice.customer_name}", self)
            self.form.addRow(self.tr("Customer"), who)
            open_text = f"{format_money(invoice.open)} / {format_money(invoice.amount)} {ccy}"
            self.form.addRow(self.tr("Open / amount"), QLabel(open_text, self))
            self.customer.hide()
        else:
            self.setWindowTitle(self.tr("Standalone credit note"))
            self.form.addRow(self.tr("&Customer"), self.customer)
            self.apply.hide()
            self.customer.customer_changed.connect(self._on_customer_changed)
        self.form.addRow(self.tr("A&mount"), self.amount.with_feedback(self))
        self.form.addRow(self.tr("&Date"), self.date)
        self.form.addRow(self.tr("&Reason"), self.reason)
        if invoice is not None:
            self.form.addRow("", self.apply)
        if not self.restored_geometry:
            self.resize(520, self.sizeHint().height())

    def _on_customer_changed(self, choice: CustomerChoice | None) -> None:
        if choice is not None:
            self.amount.set_currency(choice.currency)

    def save_fn(self) -> Callable[[], Any]:
        if self.invoice is not None:
            customer_id = self.invoice.customer_id
        else:
            choice = self.customer.customer()
            if choice is None:
                raise DomainError(
                    "invalid", field=self.tr("Customer"), reason=self.tr("choose one")
                )
            customer_id = choice.id
        amount = self.amount.value()
        if amount is None:
            reason = self.amount.error() or self.tr("enter the amount")
            raise DomainError("invalid", field=self.tr("Amount"), reason=reason.rstrip("."))
        on = self.date.value()
        if on is None:
            raise DomainError("bad_date", value=self.date.text())
        if not self.reason.text().strip():
            raise DomainError("invalid", field=self.tr("Reason"), reason=self.tr("say why"))
        ctx, reason = self.ctx, self.reason.text()
        invoice_id = self.invoice.id if self.invoice is not None else None
        apply = self.apply.isChecked()
        return lambda: invoicing.create_credit_note(
            ctx, customer_id, amount, on, reason, invoice_id, apply
        )

    def on_changes(self, changes: Changes) -> None:
        forward_changes(self, changes)
