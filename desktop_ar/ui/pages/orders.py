"""Orders (销售订单): the list and the order-to-invoice actions.

New order… (Ctrl+N), Edit… (drafts; Enter / double-click), Confirm… (the credit check with its
reasons, and an override for administrators), Record shipment…, Create invoice… and Cancel
order…. Every write goes through a service and returns ``Changes`` to the main window.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QToolBar, QWidget

from desktop_ar.services import orders as order_service
from desktop_ar.services.lists import ListSource
from desktop_ar.services.lists.orders import orders as order_list
from desktop_ar.ui.dialogs.credit_check_dialog import CreditCheckDialog
from desktop_ar.ui.dialogs.invoice_order_dialog import InvoiceOrderDialog, ShipmentDialog
from desktop_ar.ui.dialogs.order_dialog import OrderDialog
from desktop_ar.ui.models.cells import ColumnSpec
from desktop_ar.ui.pages.base import ListPage
from desktop_ar.ui.tasks import BackgroundOp

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.lists.orders import OrderRow

ORDER_COLUMNS: list[ColumnSpec] = [
    ColumnSpec("number", QT_TRANSLATE_NOOP("columns", "Number"), "text", "number", 110),
    ColumnSpec("customer_code", QT_TRANSLATE_NOOP("columns", "Customer"), "text", "customer", 90),
    ColumnSpec("customer_name", QT_TRANSLATE_NOOP("columns", "Customer name"), "text", None, 210),
    ColumnSpec("order_date", QT_TRANSLATE_NOOP("columns", "Ordered"), "date", "order_date", 90),
    ColumnSpec(
        "delivery_date", QT_TRANSLATE_NOOP("columns", "Delivery"), "date", "delivery_date", 90
    ),
    ColumnSpec("shipped_date", QT_TRANSLATE_NOOP("columns", "Shipped"), "date", None, 90),
    ColumnSpec("contract_ref", QT_TRANSLATE_NOOP("columns", "Contract"), "text", None, 120),
    ColumnSpec("total.currency", QT_TRANSLATE_NOOP("columns", "Ccy"), "text", None, 40),
    ColumnSpec("total", QT_TRANSLATE_NOOP("columns", "Total"), "money", "total", 110),
    ColumnSpec("uninvoiced", QT_TRANSLATE_NOOP("columns", "Not invoiced"), "money", None, 110),
    ColumnSpec("status", QT_TRANSLATE_NOOP("columns", "Status"), "status", "status", 90),
    ColumnSpec("overridden", QT_TRANSLATE_NOOP("columns", "Override"), "bool", None, 64),
]


class OrdersPage(ListPage):
    """Every order, filtered by number, contract or customer, with the order actions."""

    name = "orders"
    default_sort = ("order_date", True)
    columns = ORDER_COLUMNS
    refreshed_by = frozenset({"orders"})

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(ctx, as_of=as_of, parent=parent)
        self.dialog: QWidget | None = None  # the dialog opened last (tests drive it)
        self.filter_bar.edit.setPlaceholderText(self.tr("Search number, contract or customer…"))
        self.new_action = self._make_action(self.tr("&New order…"), self.new_order)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.edit_action = self._make_action(self.tr("&Edit…"), self.edit_current)
        self.confirm_action = self._make_action(self.tr("&Confirm…"), self.confirm_current)
        self.ship_action = self._make_action(self.tr("Record &shipment…"), self.ship_current)
        self.invoice_action = self._make_action(self.tr("Create &invoice…"), self.invoice_current)
        self.cancel_action = self._make_action(self.tr("Ca&ncel order…"), self.cancel_current)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("ordersToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        row_actions = (
            self.edit_action,
            self.confirm_action,
            self.ship_action,
            self.invoice_action,
            self.cancel_action,
        )
        self.toolbar.addAction(self.new_action)
        self.toolbar.addSeparator()
        for action in row_actions:
            self.toolbar.addAction(action)
        self.layout().insertWidget(0, self.toolbar)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.addActions(list(row_actions))
        self.current_changed.connect(self._on_current_changed)
        self.activated.connect(self._on_activated)
        self._update_actions()

    def list_source(self) -> ListSource:
        return order_list

    def title(self) -> str:
        return self.tr("Orders")

    # ---- actions -----------------------------------------------------------------------------

    def _make_action(self, text: str, slot) -> QAction:
        action = QAction(text, self)
        # A hidden page's toolbar shortcuts do not fire, so pages never compete for Ctrl+N.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def current_row(self) -> OrderRow | None:
        index = self.view.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _update_actions(self) -> None:
        row = self.current_row()
        status = row.status if row is not None else ""
        self.edit_action.setEnabled(status == "draft")
        self.confirm_action.setEnabled(status == "draft")
        self.ship_action.setEnabled(status == "confirmed")
        self.invoice_action.setEnabled(status == "confirmed")
        self.cancel_action.setEnabled(
            status == "draft" or (status == "confirmed" and row is not None and not row.invoiced)
        )

    def _on_current_changed(self, _row_id: int | None) -> None:
        self._update_actions()

    def _on_activated(self, _row_id: int) -> None:
        row = self.current_row()
        if row is not None and row.status == "draft":
            self.edit_current()
        elif row is not None and row.status == "confirmed":
            self.invoice_current()

    def on_changes(self, changes: Changes) -> None:
        super().on_changes(changes)
        self._update_actions()

    def _open(self, dialog: QWidget) -> QWidget:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_order(self) -> OrderDialog:
        row = self.current_row()
        customer = row.customer_id if row is not None else None
        dialog = OrderDialog(ctx=self.ctx, customer_id=customer, parent=self)
        dialog.accepted.connect(lambda: self._select_later(dialog.saved_id))
        self._open(dialog)
        return dialog

    def _select_later(self, order_id: int | None) -> None:
        if order_id is not None:
            self.select_id(order_id)

    def edit_current(self) -> OrderDialog | None:
        row = self.current_row()
        if row is None or row.status != "draft":
            return None
        dialog = OrderDialog(ctx=self.ctx, order_id=row.id, parent=self)
        self._open(dialog)
        return dialog

    def confirm_current(self) -> CreditCheckDialog | None:
        row = self.current_row()
        if row is None or row.status != "draft":
            return None
        dialog = CreditCheckDialog(ctx=self.ctx, order_id=row.id, number=row.number, parent=self)
        self._open(dialog)
        return dialog

    def ship_current(self) -> ShipmentDialog | None:
        row = self.current_row()
        if row is None or row.status != "confirmed":
            return None
        dialog = ShipmentDialog(ctx=self.ctx, order_id=row.id, parent=self)
        self._open(dialog)
        return dialog

    def invoice_current(self) -> InvoiceOrderDialog | None:
        row = self.current_row()
        if row is None or row.status != "confirmed":
            return None
        dialog = InvoiceOrderDialog(ctx=self.ctx, order_id=row.id, parent=self)
        self._open(dialog)
        return dialog

    def cancel_current(self) -> QInputDialog | None:
        row = self.current_row()
        if row is None or row.status not in ("draft", "confirmed"):
            return None
        dialog = QInputDialog(self)
        dialog.setObjectName("cancelOrderDialog")
        dialog.setWindowTitle(self.tr("Cancel order %1").replace("%1", row.number))
        dialog.setLabelText(self.tr("Why is the order cancelled? (required)"))
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setOkButtonText(self.tr("Cancel order"))
        dialog.setCancelButtonText(self.tr("Keep order"))
        dialog.textValueSelected.connect(lambda reason: self._cancel(row.id, reason))
        self._open(dialog)
        return dialog

    def _cancel(self, order_id: int, reason: str) -> None:
        ctx = self.ctx
        BackgroundOp(self, lambda _p: order_service.cancel_order(ctx, order_id, reason)).run()
