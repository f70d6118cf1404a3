"""Recording the fapiao (发票) issued for an invoice: number and date (empty number clears it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.services import invoicing
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.widgets.date_field import DateField

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.lists.invoices import InvoiceRow


class FapiaoDialog(FormDialog):
    """The fapiao number and date of one invoice."""

    geometry_key = "dialogs/fapiao/geometry"

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        invoice: InvoiceRow,
        number: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("fapiaoDialog")
        self.setWindowTitle(self.tr("Fapiao for %1").replace("%1", invoice.number))
        self.ctx = ctx
        self.invoice = invoice
        self.number = QLineEdit(number, self)
        self.number.setObjectName("fapiaoNumber")
        self.number.setPlaceholderText(self.tr("发票号码; leave empty to clear"))
        self.date = DateField(ctx.clock.today(), self)
        self.form.addRow(self.tr("Invoice"), QLabel(invoice.number, self))
        self.form.addRow(self.tr("Fapiao &number"), self.number)
        self.form.addRow(self.tr("Fapiao &date"), self.date)
        if not self.restored_geometry:
            self.resize(420, self.sizeHint().height())

    def save_fn(self) -> Callable[[], Any]:
        on = self.date.value()
        if on is None and self.number.text().strip():
            raise DomainError("bad_date", value=self.date.text())
        ctx, invoice_id, number = self.ctx, self.invoice.id, self.number.text()
        return lambda: invoicing.set_fapiao(ctx, invoice_id, number, on)

    def on_changes(self, changes: Changes) -> None:
        forward_changes(self, changes)
