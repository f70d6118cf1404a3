"""Open a dispute (争议) on an invoice or the account, and resolve it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.services.activity import open_dispute, resolve_dispute
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.widgets.money_edit import MoneyEdit

if TYPE_CHECKING:
    from desktop_ar.domain.money import Money
    from desktop_ar.services.activity import DisputeRow
    from desktop_ar.services.context import ServiceContext


def _text_edit(parent: QWidget, name: str, placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setObjectName(name)
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumHeight(70)
    return edit


class OpenDisputeDialog(FormDialog):
    """Which invoice (or the whole account), what is disputed, and how much."""

    geometry_key = "dialogs/open_dispute/geometry"

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        customer_id: int,
        currency: str,
        invoices: list[tuple[int, str, Money]],
        invoice_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("openDisputeDialog")
        self.setWindowTitle(self.tr("Open a dispute"))
        self.ctx = ctx
        self.customer_id = customer_id
        self.invoice_combo = QComboBox(self)
        self.invoice_combo.setObjectName("invoiceCombo")
        self.invoice_combo.addItem(self.tr("The account as a whole"), None)
        for iid, number, open_amount in invoices:
            label = f"{number} · {format_money(open_amount)} {open_amount.currency}"
            self.invoice_combo.addItem(label, iid)
        if invoice_id is not None:
            self.invoice_combo.setCurrentIndex(max(0, self.invoice_combo.findData(invoice_id)))
        self.reason_edit = _text_edit(self, "reasonEdit", self.tr("What the customer disputes"))
        self.amount_edit = MoneyEdit(currency, self)
        self.amount_edit.setObjectName("amountEdit")
        self.amount_edit.setPlaceholderText(self.tr("empty = the whole open amount"))
        self._currencies = {iid: amount.currency for iid, _n, amount in invoices}
        self._default_currency = currency
        self.invoice_combo.currentIndexChanged.connect(self._on_invoice_combo_changed)
        self.form.addRow(self.tr("&Invoice"), self.invoice_combo)
        self.form.addRow(self.tr("&Reason"), self.reason_edit)
        self.form.addRow(self.tr("&Amount"), self.amount_edit.with_feedback(self))
        note = QLabel(self.tr("A disputed invoice is left out of automatic allocation."), self)
        note.setWordWrap(True)
        self.form.addRow(note)
        if not self.restored_geometry:
            self.resize(480, 300)
        self.reason_edit.setFocus()

    def _on_invoice_combo_changed(self, _index: int) -> None:
        iid = self.invoice_combo.currentData()
        self.amount_edit.set_currency(self._currencies.get(iid, self._default_currency))

    def save_fn(self) -> Callable[[], Any]:
        if self.amount_edit.error():
            raise DomainError("invalid", field=self.tr("Amount"), reason=self.amount_edit.error())
        reason = self.reason_edit.toPlainText().strip()
        if not reason:
            self.reason_edit.setFocus()
            raise DomainError(
                "invalid", field=self.tr("Reason"), reason=self.tr("say what is disputed")
            )
        ctx, cid = self.ctx, self.customer_id
        iid, amount = self.invoice_combo.currentData(), self.amount_edit.value()
        return lambda: open_dispute(ctx, cid, iid, reason, amount)


class ResolveDisputeDialog(FormDialog):
    """How a dispute was settled."""

    geometry_key = "dialogs/resolve_dispute/geometry"

    def __init__(
        self, *, ctx: ServiceContext, dispute: DisputeRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resolveDisputeDialog")
        self.setWindowTitle(self.tr("Resolve a dispute"))
        self.ctx = ctx
        self.dispute_id = dispute.id
        what = dispute.invoice_number or self.tr("the account")
        info = QLabel(f"{what}: {dispute.reason}", self)
        info.setWordWrap(True)
        self.resolution_edit = _text_edit(
            self, "resolutionEdit", self.tr("e.g. credit note of 200 agreed")
        )
        self.form.addRow(info)
        self.form.addRow(self.tr("&Resolution"), self.resolution_edit)
        if not self.restored_geometry:
            self.resize(440, 220)
        self.resolution_edit.setFocus()

    def save_fn(self) -> Callable[[], Any]:
        text = self.resolution_edit.toPlainText().strip()
        if not text:
            raise DomainError(
                "invalid", field=self.tr("Resolution"), reason=self.tr("say how it was settled")
            )
        ctx, did = self.ctx, self.dispute_id
        return lambda: resolve_dispute(ctx, did, text)
