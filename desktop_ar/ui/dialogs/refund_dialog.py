"""Refunding customer credit (退款): overpayments and unused credit notes paid back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.services import adjustments, payments
from desktop_ar.services.customers import customer_detail
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.models.cells import code_label
from desktop_ar.ui.tasks import QueryOp
from desktop_ar.ui.widgets.date_field import DateField
from desktop_ar.ui.widgets.money_edit import MoneyEdit

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.customers import CustomerDetail


class RefundDialog(FormDialog):
    """Pay back a customer's unallocated credit (oldest credit first)."""

    geometry_key = "dialogs/refund/geometry"

    def __init__(
        self, *, ctx: ServiceContext, customer_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("refundDialog")
        self.setWindowTitle(self.tr("Refund customer credit"))
        self.ctx = ctx
        self.customer_id = customer_id
        self.who = QLabel(self)
        self.available = QLabel(self)
        self.available.setObjectName("availableCredit")
        self.amount = MoneyEdit("CNY", self, allow_zero=False)
        self.date = DateField(ctx.clock.today(), self)
        self.method = QComboBox(self)
        for method in payments.PAYMENT_METHODS:
            self.method.addItem(code_label(method), method)
        self.reference = QLineEdit(self)
        self.form.addRow(self.tr("Customer"), self.who)
        self.form.addRow(self.tr("Credit available"), self.available)
        self.form.addRow(self.tr("A&mount"), self.amount.with_feedback(self))
        self.form.addRow(self.tr("&Date"), self.date)
        self.form.addRow(self.tr("Me&thod"), self.method)
        self.form.addRow(self.tr("&Reference"), self.reference)
        self.save_button.setText(self.tr("&Refund"))
        self.save_button.setEnabled(False)
        if not self.restored_geometry:
            self.resize(480, self.sizeHint().height())
        as_of = ctx.clock.today()
        QueryOp(self, lambda: customer_detail(ctx, customer_id, as_of)).success(
            self._on_loaded
        ).run()

    def _on_loaded(self, detail: CustomerDetail) -> None:
        credit = detail.unallocated_credit
        self.who.setText(f"{detail.code}  {detail.name}")
        self.available.setText(f"{format_money(credit)} {credit.currency}")
        self.amount.set_currency(credit.currency)
        if credit.minor > 0:
            self.amount.set_value(credit)
            self.save_button.setEnabled(True)
        else:
            self.show_error(self.tr("This customer has no credit to refund."))

    def save_fn(self) -> Callable[[], Any]:
        amount = self.amount.value()
        if amount is None:
            reason = self.amount.error() or self.tr("enter the amount")
            raise DomainError("invalid", field=self.tr("Amount"), reason=reason.rstrip("."))
        on = self.date.value()
        if on is None:
            raise DomainError("bad_date", value=self.date.text())
        ctx, cid = self.ctx, self.customer_id
        method, ref = str(self.method.currentData()), self.reference.text().strip()
        return lambda: adjustments.refund(ctx, cid, amount, on, method=method, reference=ref)

    def on_changes(self, changes: Changes) -> None:
        forward_changes(self, changes)
