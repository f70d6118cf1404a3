"""Record a promise to pay (付款承诺): how much, by when, optionally for which invoice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.services import lists
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.services.promises import record_promise
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.widgets.date_field import DateField
from desktop_ar.ui.widgets.money_edit import MoneyEdit

if TYPE_CHECKING:
    from desktop_ar.domain.money import Money
    from desktop_ar.services.context import ServiceContext

DEFAULT_DAYS = 7  # the promised date offered: a week after the day the promise is made


def open_invoices(
    ctx: ServiceContext, customer_id: int, as_of: date
) -> list[tuple[int, str, Money]]:
    """The customer's open invoices as (id, number, open amount), oldest due first (DB thread)."""
    spec = ListSpec(status="open", customer_id=customer_id, as_of=as_of)
    ids = lists.invoices.ids(ctx, spec, SortSpec("due_date"), 0, 500)
    return [(r.id, r.number, r.open) for r in lists.invoices.rows(ctx, ids, as_of)]


class PromiseDialog(FormDialog):
    """A customer's promise to pay: amount, promised date, invoice (optional) and a note."""

    geometry_key = "dialogs/promise/geometry"

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        customer_id: int,
        customer_label: str,
        currency: str,
        made_on: date,
        invoices: list[tuple[int, str, Money]],
        amount: Money | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("promiseDialog")
        self.setWindowTitle(self.tr("Record a promise to pay"))
        self.ctx = ctx
        self.customer_id = customer_id
        self.made_on = made_on
        self._default_currency = currency
        self._invoices = {iid: open_amount for iid, _n, open_amount in invoices}
        who = QLabel(customer_label, self)
        who.setObjectName("customerLabel")
        who.setWordWrap(True)
        self.amount_edit = MoneyEdit(currency, self, allow_zero=False)
        self.amount_edit.setObjectName("amountEdit")
        if amount is not None:
            self.amount_edit.set_value(amount)
        self.date_field = DateField(made_on + timedelta(days=DEFAULT_DAYS), self)
        self.date_field.setObjectName("promisedDate")
        self.invoice_combo = QComboBox(self)
        self.invoice_combo.setObjectName("invoiceCombo")
        self.invoice_combo.addItem(self.tr("No particular invoice"), None)
        for iid, number, open_amount in invoices:
            label = f"{number} · {format_money(open_amount)} {open_amount.currency}"
            self.invoice_combo.addItem(label, iid)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setPlaceholderText(self.tr("e.g. promised on the phone by the accountant"))
        self.invoice_combo.currentIndexChanged.connect(self._on_invoice_combo_changed)
        self.form.addRow(self.tr("Customer"), who)
        self.form.addRow(self.tr("&Amount"), self.amount_edit.with_feedback(self))
        self.form.addRow(self.tr("&Promised date"), self.date_field)
        self.form.addRow(self.tr("&Invoice"), self.invoice_combo)
        self.form.addRow(self.tr("&Note"), self.note_edit)
        if not self.restored_geometry:
            self.resize(460, 240)
        self.amount_edit.setFocus()

    def _on_invoice_combo_changed(self, _index: int) -> None:
        open_amount = self._invoices.get(self.invoice_combo.currentData())
        if open_amount is None:
            self.amount_edit.set_currency(self._default_currency)
            return
        self.amount_edit.set_currency(open_amount.currency)
        if not self.amount_edit.text().strip():
            self.amount_edit.set_value(open_amount)

    def save_fn(self) -> Callable[[], Any]:
        amount = self.amount_edit.value()
        if amount is None:
            self.amount_edit.setFocus()
            reason = self.amount_edit.error() or self.tr("enter how much was promised")
            raise DomainError("invalid", field=self.tr("Amount"), reason=reason)
        promised = self.date_field.value()
        if promised is None:
            self.date_field.setFocus()
            reason = self.date_field.error() or self.tr("enter the promised date")
            raise DomainError("invalid", field=self.tr("Promised date"), reason=reason)
        ctx, cid, made = self.ctx, self.customer_id, self.made_on
        iid, note = self.invoice_combo.currentData(), self.note_edit.text()
        return lambda: record_promise(
            ctx, cid, amount, promised, made_on=made, invoice_id=iid, note=note
        )
