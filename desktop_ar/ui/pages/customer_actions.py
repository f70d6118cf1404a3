"""The customers page's actions: new, edit, deactivate/reactivate, delete, card, value tiers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox, QToolBar

from desktop_ar.services.customer_archive import recompute_value_tiers
from desktop_ar.services.customers import delete_customer, set_customer_status
from desktop_ar.ui.dialogs.customer_dialog import CustomerDialog
from desktop_ar.ui.dialogs.statement_dialog import StatementDialog
from desktop_ar.ui.pages.customer_card import CustomerCardDialog
from desktop_ar.ui.print_actions import open_print_dialog, print_actions, print_tool_button
from desktop_ar.ui.tasks import BackgroundOp
from desktop_ar.ui.widgets.reconciliation_tabs import (
    open_balance_confirmation,
    open_reconcile_wizard,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_ar.services.changes import Changes
    from desktop_ar.services.lists import CustomerRow
    from desktop_ar.ui.pages.customers import CustomersPage


class CustomerActions(QObject):
    """Builds the toolbar and context menu of the customers page and runs what they trigger."""

    def __init__(self, page: CustomersPage) -> None:
        super().__init__(page)
        self.page = page
        self.dialog: QDialog | None = None  # the dialog opened last (tests drive it)
        self.cards: dict[int, CustomerCardDialog] = {}
        self.new_action = self._action(self.tr("&New customer…"), self.new_customer)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.edit_action = self._action(self.tr("&Edit…"), self.edit_current)
        self.edit_action.setShortcut(QKeySequence("Ctrl+E"))
        self.card_action = self._action(self.tr("Open customer &card"), self.open_current_card)
        self.status_action = self._action(self.tr("&Deactivate"), self.toggle_status)
        self.delete_action = self._action(self.tr("De&lete…"), self.delete_current)
        self.statement_action = self._action(
            self.tr("&Statement of account…"), self.statement_current
        )
        self.reconcile_action = self._action(
            self.tr("Reconcile with customer's &ledger…"), self.reconcile_current
        )
        self.confirm_action = self._action(
            self.tr("&Balance confirmation…"), self.confirm_balance_current
        )
        self.tiers_action = self._action(self.tr("Recompute value &tiers"), self.recompute_tiers)
        kinds = ("statement", "confirmation", "dunning")  # Print statement…, … (PDF, printer)
        self.print_actions = print_actions(page, kinds, self.print_current)
        self.toolbar = QToolBar(page)
        self.toolbar.setObjectName("customersToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        row_actions = (
            self.edit_action,
            self.card_action,
            self.statement_action,
            self.reconcile_action,
            self.confirm_action,
            self.status_action,
            self.delete_action,
        )
        self.toolbar.addAction(self.new_action)
        for action in row_actions:
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.tiers_action)
        self.toolbar.addWidget(print_tool_button(self.toolbar, self.print_actions))
        page.layout().insertWidget(0, self.toolbar)
        page.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (*row_actions, *self.print_actions):
            page.view.addAction(action)
        self.update()

    def _action(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.page)
        # A hidden page's toolbar shortcuts do not fire, so pages never compete for Ctrl+N.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def current_row(self) -> CustomerRow | None:
        index = self.page.view.currentIndex()
        return self.page.model.row_object(index.row()) if index.isValid() else None

    def update(self) -> None:
        row = self.current_row()
        for action in (
            self.edit_action,
            self.card_action,
            self.statement_action,
            self.reconcile_action,
            self.confirm_action,
            self.status_action,
            self.delete_action,
            *self.print_actions,
        ):
            action.setEnabled(row is not None)
        inactive = row is not None and row.status == "inactive"
        self.status_action.setText(self.tr("&Reactivate") if inactive else self.tr("&Deactivate"))

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    # ---- the actions -------------------------------------------------------------------------

    def new_customer(self) -> QDialog:
        dialog = CustomerDialog(ctx=self.page.ctx, parent=self.page)
        dialog.saved.connect(self._on_saved)
        return self._open(dialog)

    def edit_current(self) -> QDialog | None:
        row = self.current_row()
        if row is None:
            return None
        return self._open(CustomerDialog(ctx=self.page.ctx, customer_id=row.id, parent=self.page))

    def _on_saved(self, customer_id: int) -> None:
        # The new row appears once the list re-queries (on_changes); then select it.
        self.page.refresh()
        self.page.select_id(customer_id)

    def open_current_card(self) -> CustomerCardDialog | None:
        row_id = self.page.current_id()
        return self.open_card(row_id) if row_id is not None else None

    def open_card(self, customer_id: int) -> CustomerCardDialog:
        """Show the customer's card (one window per customer, raised when already open)."""
        card = self.cards.get(customer_id)
        if card is None:
            card = CustomerCardDialog(
                ctx=self.page.ctx,
                customer_id=customer_id,
                as_of=self.page.as_of(),
                parent=self.page,
            )
            card.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            card.destroyed.connect(lambda _obj=None, cid=customer_id: self.cards.pop(cid, None))
            self.cards[customer_id] = card
        card.show()
        card.raise_()
        card.activateWindow()
        return card

    def forward_to_cards(self, changes: Changes) -> None:
        """Pass the main window's fan-out on to the open cards (each decides if it cares)."""
        for card in list(self.cards.values()):
            card.on_book_changes(changes)

    def statement_current(self) -> QDialog | None:
        """Ask for a period and write the current customer's statement of account to Excel."""
        row = self.current_row()
        if row is None:
            return None
        dialog = StatementDialog(
            ctx=self.page.ctx,
            customer_id=row.id,
            customer_code=row.code,
            customer_name=row.name,
            as_of=self.page.as_of(),
            parent=self.page,
        )
        return self._open(dialog)

    def print_current(self, kind: str) -> QDialog | None:
        """Print documents… preset to ``kind`` and the current customer."""
        row = self.current_row()
        if row is None:
            return None
        self.dialog = open_print_dialog(
            self.page,
            self.page.ctx,
            as_of=self.page.as_of(),
            kind=kind,
            customer_id=row.id,
            customer_label=f"{row.code}  {row.name}",
        )
        return self.dialog

    def reconcile_current(self) -> QDialog | None:
        """Compare the current customer's own ledger with ours (the wizard, then the view)."""
        row = self.current_row()
        if row is None:
            return None
        self.dialog = open_reconcile_wizard(
            self.page,
            self.page.ctx,
            customer_id=row.id,
            customer_label=f"{row.code}  {row.name}",
            as_of=self.page.as_of(),
        )
        return self.dialog

    def confirm_balance_current(self) -> QDialog | None:
        """Record a balance confirmation (余额确认) of the current customer."""
        row = self.current_row()
        if row is None:
            return None
        self.dialog = open_balance_confirmation(
            self.page,
            self.page.ctx,
            customer_id=row.id,
            customer_label=f"{row.code}  {row.name}",
            as_of=self.page.as_of(),
            currency=row.currency,
        )
        return self.dialog

    def toggle_status(self) -> None:
        row = self.current_row()
        if row is None:
            return
        status = "active" if row.status == "inactive" else "inactive"
        ctx, cid = self.page.ctx, row.id
        BackgroundOp(self.page, lambda _p: set_customer_status(ctx, cid, status)).run()

    def delete_current(self, *, confirm: bool = True) -> None:
        """Delete a customer typed by mistake; one with documents is refused (deactivate it)."""
        row = self.current_row()
        if row is None:
            return
        if confirm:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Delete customer"),
                self.tr("Delete %1 %2? Customers with documents are only deactivated.")
                .replace("%1", row.code)
                .replace("%2", row.name),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                self.page,
            )
            if box.exec() != QMessageBox.StandardButton.Yes:
                return
        ctx, cid = self.page.ctx, row.id
        BackgroundOp(self.page, lambda _p: delete_customer(ctx, cid)).run()

    def recompute_tiers(self) -> None:
        ctx, as_of = self.page.ctx, self.page.as_of()
        BackgroundOp(self.page, lambda _p: recompute_value_tiers(ctx, as_of)).with_progress(
            self.tr("Computing value tiers…")
        ).run()
