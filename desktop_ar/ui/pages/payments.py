"""Payments (receipts): posted, unallocated, reversed and unidentified money received.

New receipt (Ctrl+N), Allocate… (double-click a payment with unallocated money) and Reverse…
open their dialogs; every write returns ``Changes`` that reach the main window (see
``ui/tasks.py``), which fans them out to the pages, this one included.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QWidget

from desktop_ar.services import lists, payments
from desktop_ar.services.lists import ListSource
from desktop_ar.ui.dialogs.allocation_dialog import AllocationDialog
from desktop_ar.ui.dialogs.payment_dialog import PaymentDialog
from desktop_ar.ui.dialogs.reverse_dialog import ReverseDialog
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.models.columns import PAYMENT_COLUMNS
from desktop_ar.ui.pages.base import ListPage
from desktop_ar.ui.print_actions import action_text, open_print_dialog
from desktop_ar.ui.tasks import BackgroundOp

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.lists.payments import PaymentRow


class PaymentsPage(ListPage):
    """The payments list with the receipt, allocation and reversal actions."""

    name = "payments"
    default_sort = ("payment_date", True)
    columns = PAYMENT_COLUMNS
    refreshed_by = frozenset({"payments"})

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(ctx, as_of=as_of, parent=parent)
        self.dialog: QWidget | None = None  # the dialog opened last (tests drive it)
        self.new_action = self._make_action(self.tr("&New receipt…"), self.new_receipt)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.allocate_action = self._make_action(self.tr("&Allocate…"), self.allocate_current)
        self.reverse_action = self._make_action(self.tr("&Reverse…"), self.reverse_current)
        self.print_action = self._make_action(action_text("receipt"), self.print_receipt)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("paymentsToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.allocate_action, self.reverse_action):
            self.toolbar.addAction(action)
        self.toolbar.addAction(self.print_action)
        self.layout().insertWidget(0, self.toolbar)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.addAction(self.allocate_action)
        self.view.addAction(self.reverse_action)
        self.view.addAction(self.print_action)
        self.current_changed.connect(self._on_current_changed)
        self.activated.connect(self._on_activated)
        self._update_actions()

    def list_source(self) -> ListSource:
        return lists.payments

    def title(self) -> str:
        return self.tr("Payments")

    # ---- actions -----------------------------------------------------------------------------

    def _make_action(self, text: str, slot) -> QAction:
        action = QAction(text, self)
        # A shortcut of a hidden page's toolbar does not fire, so pages never compete for Ctrl+N.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def current_row(self) -> PaymentRow | None:
        index = self.view.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    @staticmethod
    def _can_allocate(row: PaymentRow | None) -> bool:
        return (
            row is not None
            and row.status == "posted"
            and row.customer_id is not None
            and row.unallocated.minor > 0
        )

    def _update_actions(self) -> None:
        row = self.current_row()
        self.allocate_action.setEnabled(self._can_allocate(row))
        self.reverse_action.setEnabled(row is not None and row.status == "posted")
        self.print_action.setEnabled(row is not None)

    def _on_current_changed(self, _row_id: int | None) -> None:
        self._update_actions()

    def _on_activated(self, _row_id: int) -> None:
        if self._can_allocate(self.current_row()):
            self.allocate_current()

    def new_receipt(self) -> PaymentDialog:
        row = self.current_row()
        dialog = PaymentDialog(
            ctx=self.ctx, customer_id=row.customer_id if row is not None else None, parent=self
        )
        dialog.accepted.connect(lambda: self._on_payment_saved(dialog))
        self._open(dialog)
        return dialog

    def _on_payment_saved(self, dialog: PaymentDialog) -> None:
        if dialog.result is None:
            return
        if dialog.allocate_next:
            self.allocate(dialog.result.payment_id)

    def allocate_current(self) -> AllocationDialog | None:
        row = self.current_row()
        if not self._can_allocate(row):
            return None
        assert row is not None
        return self.allocate(row.id)

    def allocate(self, payment_id: int) -> AllocationDialog:
        dialog = AllocationDialog(ctx=self.ctx, payment_id=payment_id, parent=self)
        self._open(dialog)
        return dialog

    def reverse_current(self) -> ReverseDialog | None:
        row = self.current_row()
        if row is None or row.status != "posted":
            return None
        dialog = ReverseDialog(
            number=row.number,
            amount_text=f"{format_money(row.amount)} {row.amount.currency}",
            today=self.ctx.clock.today(),
            parent=self,
        )
        dialog.accepted.connect(lambda: self._reverse(row.id, *dialog.value()))
        self._open(dialog)
        return dialog

    def _reverse(self, payment_id: int, on: date, reason: str) -> None:
        ctx = self.ctx
        BackgroundOp(
            self, lambda _p: payments.reverse_payment(ctx, payment_id, on, reason)
        ).with_progress(self.tr("Reversing the payment…")).run()

    def print_receipt(self) -> QWidget | None:
        """Print documents… preset to the selected receipt (preview, print, PDF)."""
        row = self.current_row()
        if row is None:
            return None
        label = f"{row.customer_code}  {row.customer_name}" if row.customer_id else ""
        self.dialog = open_print_dialog(
            self,
            self.ctx,
            as_of=self.as_of(),
            kind="receipt",
            number=row.number,
            customer_id=row.customer_id,
            customer_label=label,
        )
        return self.dialog

    def _open(self, dialog: QWidget) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def on_changes(self, changes: Changes) -> None:
        super().on_changes(changes)
        self._update_actions()
