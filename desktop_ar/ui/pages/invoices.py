"""Invoices: every invoice, filtered by text and status, optionally for one customer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QToolBar, QToolButton, QWidget

from desktop_ar.services import lists
from desktop_ar.services.lists import ListSource, ListSpec
from desktop_ar.ui.dialogs.credit_note_dialog import CreditNoteDialog
from desktop_ar.ui.dialogs.fapiao_dialog import FapiaoDialog
from desktop_ar.ui.dialogs.overdue_reason_dialog import OverdueReasonDialog
from desktop_ar.ui.dialogs.refund_dialog import RefundDialog
from desktop_ar.ui.models.columns import INVOICE_COLUMNS
from desktop_ar.ui.pages.base import ListPage
from desktop_ar.ui.print_actions import action_text, open_print_dialog

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.lists.invoices import InvoiceRow


class InvoicesPage(ListPage):
    """The invoices list (a million rows stay fast: filter and sort run in SQL)."""

    name = "invoices"
    default_sort = ("issue_date", True)
    columns = INVOICE_COLUMNS
    refreshed_by = frozenset({"invoices"})

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        self._customer_id: int | None = None
        super().__init__(ctx, as_of=as_of, parent=parent)
        # A removable "only this customer" chip, set from the customer panel.
        self.customer_chip = QToolButton(self.filter_bar)
        self.customer_chip.setObjectName("customerChip")
        self.customer_chip.setToolTip(self.tr("Show invoices of all customers"))
        self.customer_chip.clicked.connect(self._on_customer_chip_clicked)
        self.customer_chip.hide()
        self.filter_bar.layout().insertWidget(1, self.customer_chip)
        # Overdue reason and agreed measure of the selected invoice (context menu, Ctrl+R).
        self.reason_action = QAction(self.tr("Overdue &reason…"), self)
        self.reason_action.setShortcut(QKeySequence("Ctrl+R"))
        self.reason_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.reason_action.triggered.connect(lambda _checked=False: self.edit_overdue_reason())
        self.addAction(self.reason_action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.addAction(self.reason_action)
        self._add_invoicing_actions()

    def list_source(self) -> ListSource:
        return lists.invoices

    def title(self) -> str:
        return self.tr("Invoices")

    def list_spec(self) -> ListSpec:
        return replace(super().list_spec(), customer_id=self._customer_id)

    def show_customer(self, customer_id: int | None, label: str = "") -> None:
        """Limit the list to one customer's invoices (None shows all)."""
        self._customer_id = customer_id
        if customer_id is None:
            self.customer_chip.hide()
        else:
            self.customer_chip.setText(self.tr("Customer: %1  ✕").replace("%1", label))
            self.customer_chip.show()
        self.model.set_query(self.list_spec())

    def _on_customer_chip_clicked(self) -> None:
        self.show_customer(None)

    def edit_overdue_reason(self) -> QDialog | None:
        """Open the overdue reason and measure of the selected invoice."""
        invoice_id = self.current_id()
        if invoice_id is None:
            return None
        dialog = OverdueReasonDialog(ctx=self.ctx, invoice_id=invoice_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # ---- credit notes, refunds and fapiao -------------------------------------------------------

    def _add_invoicing_actions(self) -> None:
        self.dialog: QWidget | None = None  # the dialog opened last (tests drive it)
        self.credit_note_action = self._page_action(self.tr("Credit &note…"), self.credit_note)
        self.refund_action = self._page_action(self.tr("Re&fund…"), self.refund)
        self.fapiao_action = self._page_action(self.tr("&Fapiao…"), self.edit_fapiao)
        self.fapiao_action.setShortcut(QKeySequence("Ctrl+T"))
        self.print_action = self._page_action(action_text("invoice"), self.print_invoice)
        actions = (self.credit_note_action, self.refund_action, self.fapiao_action)
        actions += (self.print_action,)
        self.view.addActions(list(actions))
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("invoicesToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([*actions, self.reason_action])
        self.layout().insertWidget(0, self.toolbar)

    def _page_action(self, text: str, slot) -> QAction:
        action = QAction(text, self)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def current_row(self) -> InvoiceRow | None:
        index = self.view.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def credit_note(self) -> QDialog:
        """A credit note against the selected invoice, or a standalone one when none is."""
        row = self.current_row()
        invoice = row if row is not None and row.status != "void" else None
        return self._open(CreditNoteDialog(ctx=self.ctx, invoice=invoice, parent=self))

    def refund(self) -> QDialog | None:
        """Refund the credit of the selected invoice's customer (or the filtered customer)."""
        row = self.current_row()
        customer_id = row.customer_id if row is not None else self._customer_id
        if customer_id is None:
            return None
        return self._open(RefundDialog(ctx=self.ctx, customer_id=customer_id, parent=self))

    def edit_fapiao(self) -> QDialog | None:
        """Record the fapiao number and date of the selected invoice."""
        row = self.current_row()
        if row is None:
            return None
        return self._open(FapiaoDialog(ctx=self.ctx, invoice=row, parent=self))

    def print_invoice(self) -> QDialog | None:
        """Print documents… preset to the selected invoice (preview, print, PDF)."""
        row = self.current_row()
        if row is None:
            return None
        self.dialog = open_print_dialog(
            self,
            self.ctx,
            as_of=self.as_of(),
            kind="invoice",
            number=row.number,
            customer_id=row.customer_id,
            customer_label=f"{row.customer_code}  {row.customer_name}",
        )
        return self.dialog
