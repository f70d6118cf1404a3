"""Dialogs of the exceptions queue: resolving an exception, giving a receipt its customer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.services.exceptions_queue import (
    ASSIGN_MODES,
    assign_customer_to_payment,
    set_status,
)
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.widgets.customer_picker import CustomerPicker

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

MODE_LABELS = {
    "oldest": QT_TRANSLATE_NOOP("exceptions", "Oldest invoices first"),
    "reference": QT_TRANSLATE_NOOP("exceptions", "Invoices named in the reference"),
    "none": QT_TRANSLATE_NOOP("exceptions", "Do not allocate (keep as credit)"),
}


class ResolveDialog(FormDialog):
    """Asks how an exception was resolved, then resolves it."""

    geometry_key = "dialogs/resolve_exception"

    def __init__(
        self, *, ctx: ServiceContext, exception_id: int, cause: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resolveDialog")
        self.setWindowTitle(self.tr("Resolve exception"))
        self.ctx = ctx
        self.exception_id = exception_id
        intro = QLabel(cause, self)
        intro.setWordWrap(True)
        self.resolution = QPlainTextEdit(self)
        self.resolution.setObjectName("resolutionEdit")
        self.resolution.setTabChangesFocus(True)
        self.resolution.setPlaceholderText(self.tr("What was done or agreed (required)"))
        self.resolution.setMinimumHeight(90)
        self.form.addRow(intro)
        self.form.addRow(self.tr("&Resolution"), self.resolution)
        self.save_button.setText(self.tr("&Resolve"))
        if not self.restored_geometry:
            self.resize(520, 240)
        self.resolution.setFocus()

    def save_fn(self) -> Callable[[], Any]:
        text = self.resolution.toPlainText().strip()
        if not text:
            self.resolution.setFocus()
            raise DomainError(
                "invalid", field=self.tr("Resolution"), reason=self.tr("say what was done")
            )
        ctx, eid = self.ctx, self.exception_id
        return lambda: set_status(ctx, eid, "resolved", text)


class AssignCustomerDialog(FormDialog):
    """Picks the customer of an unidentified receipt and how to allocate it."""

    geometry_key = "dialogs/assign_customer"

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        payment_id: int,
        summary: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assignCustomerDialog")
        self.setWindowTitle(self.tr("Assign payment to customer"))
        self.ctx = ctx
        self.payment_id = payment_id
        intro = QLabel(summary, self)
        intro.setWordWrap(True)
        self.picker = CustomerPicker(ctx, self)
        self.picker.setObjectName("customerPicker")
        self.mode = QComboBox(self)
        self.mode.setObjectName("allocationMode")
        for mode in ASSIGN_MODES:
            self.mode.addItem(QCoreApplication.translate("exceptions", MODE_LABELS[mode]), mode)
        self.form.addRow(intro)
        self.form.addRow(self.tr("&Customer"), self.picker)
        self.form.addRow(self.tr("&Allocate"), self.mode)
        self.save_button.setText(self.tr("&Assign"))
        if not self.restored_geometry:
            self.resize(520, 200)
        self.picker.setFocus()

    def save_fn(self) -> Callable[[], Any]:
        choice = self.picker.customer()
        if choice is None:
            self.picker.setFocus()
            raise DomainError(
                "invalid", field=self.tr("Customer"), reason=self.tr("choose who sent the money")
            )
        ctx, pid, cid = self.ctx, self.payment_id, choice.id
        mode = str(self.mode.currentData())
        return lambda: assign_customer_to_payment(ctx, pid, cid, allocate=mode)
