"""A difference of a customer reconciliation explained: a note, credit note, payment or dispute.

The dialog shows the line as both ledgers have it and asks for what the action needs — the note
(required), the reason of the credit note or dispute (required), or the date of the receipt the
customer says it paid (their date offered). Save runs the service on the database thread and
closes; a refusal (already resolved, reconciliation closed…) is shown inline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.dialogs.recon_common import money_text, service
from desktop_ar.ui.formatting import format_date
from desktop_ar.ui.models.recon_items import result_label, type_label
from desktop_ar.ui.widgets.date_field import DateField

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

MODES = ("note", "credit_note", "payment", "dispute")


def _side(number: str, when: object, amount: object, description: str = "") -> str:
    bits = [b for b in (format_date(when) if when else "", number, description) if b]
    return " · ".join([*bits, money_text(amount)]) if amount is not None else "—"  # type: ignore[arg-type]


class ReconItemDialog(FormDialog):
    """Resolve a reconciliation difference with a note or turn it into an action."""

    geometry_key = "dialogs/recon_item/geometry"

    def __init__(
        self, *, ctx: ServiceContext, item: Any, mode: str, parent: QWidget | None = None
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown action {mode!r}")
        super().__init__(parent)
        self.setObjectName("reconItemDialog")
        self.ctx = ctx
        self.item = item
        self.mode = mode
        titles = {
            "note": self.tr("Resolve with a note"),
            "credit_note": self.tr("Create a credit note for the difference"),
            "payment": self.tr("Record the payment they made"),
            "dispute": self.tr("Open a dispute on our invoice"),
        }
        self.setWindowTitle(titles[mode])
        self.result_label = QLabel(result_label(item.result), self)
        self.ours_label = QLabel(
            _side(item.our_number, item.our_date, item.our_amount, type_label(item.our_type)), self
        )
        self.theirs_label = QLabel(
            _side(item.their_number, item.their_date, item.their_amount, item.their_description),
            self,
        )
        self.difference_label = QLabel(money_text(item.difference), self)
        for label in (self.ours_label, self.theirs_label, self.difference_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
        self.form.addRow(self.tr("Result"), self.result_label)
        self.form.addRow(self.tr("Our ledger"), self.ours_label)
        self.form.addRow(self.tr("Their ledger"), self.theirs_label)
        self.form.addRow(self.tr("Difference"), self.difference_label)
        self.text_edit: QPlainTextEdit | None = None
        self.date_field: DateField | None = None
        if mode == "payment":
            self.date_field = DateField(item.their_date, self)
            self.date_field.setObjectName("paymentDate")
            self.form.addRow(self.tr("Payment &date"), self.date_field)
            hint = self.tr(
                "A receipt of %1 is recorded for the customer on this date and allocated to "
                "the oldest open invoices."
            )
            amount = item.their_amount if item.their_amount is not None else item.difference
            note = QLabel(hint.replace("%1", money_text(abs(amount))), self)
            note.setWordWrap(True)
            self.form.addRow(note)
            self.date_field.setFocus()
        else:
            self.text_edit = QPlainTextEdit(self)
            self.text_edit.setObjectName("reasonEdit")
            self.text_edit.setTabChangesFocus(True)
            self.text_edit.setMinimumHeight(70)
            placeholders = {
                "note": self.tr("e.g. they booked the invoice in July; agreed by phone with 王芳"),
                "credit_note": self.tr("e.g. price difference agreed on the phone"),
                "dispute": self.tr("What the customer disputes"),
            }
            self.text_edit.setPlaceholderText(placeholders[mode])
            label = self.tr("&Note") if mode == "note" else self.tr("&Reason")
            self.form.addRow(label, self.text_edit)
            self.text_edit.setFocus()
        if not self.restored_geometry:
            self.resize(520, self.sizeHint().height())

    def keyPressEvent(self, event) -> None:
        # Ctrl+Enter saves from inside the note (a plain Enter starts a new line there).
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)

    def save_fn(self) -> Callable[[], Any]:
        ctx, item_id, recon = self.ctx, self.item.id, service
        if self.date_field is not None:
            when = self.date_field.value()
            if when is None and self.date_field.text().strip():
                self.date_field.setFocus()
                reason = self.date_field.error() or self.tr("enter the date as YYYY-MM-DD")
                raise DomainError("invalid", field=self.tr("Payment date"), reason=reason)
            return lambda: recon().item_to_payment(ctx, item_id, payment_date=when)
        assert self.text_edit is not None
        text = self.text_edit.toPlainText().strip()
        if not text:
            self.text_edit.setFocus()
            what = self.tr("Note") if self.mode == "note" else self.tr("Reason")
            raise DomainError("invalid", field=what, reason=self.tr("it is required"))
        if self.mode == "note":
            return lambda: recon().resolve_item(ctx, item_id, text)
        if self.mode == "credit_note":
            return lambda: recon().item_to_credit_note(ctx, item_id, text)
        return lambda: recon().item_to_dispute(ctx, item_id, text)
