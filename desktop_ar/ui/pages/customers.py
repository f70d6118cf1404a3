"""Customers: the list (filter by name, code or pinyin initials) and the customer panel.

Actions: New customer… (Ctrl+N), Edit…, Deactivate/Reactivate, Delete… (only customers without
documents), Open customer card (Enter / double-click) and Recompute value tiers.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QWidget

from desktop_ar.services import lists
from desktop_ar.services.lists import ListSource
from desktop_ar.ui.models.columns import CUSTOMER_COLUMNS
from desktop_ar.ui.pages.base import ListPage
from desktop_ar.ui.pages.customer_actions import CustomerActions
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.widgets.customer_panel import CustomerPanel

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext


class CustomersPage(ListPage):
    """All customers with balances; the selected one's details on the right."""

    name = "customers"
    default_sort = ("code", False)
    columns = CUSTOMER_COLUMNS
    refreshed_by = frozenset({"customers"})

    open_invoices_for = Signal(int)

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(ctx, as_of=as_of, parent=parent)
        self.panel = CustomerPanel(ctx, as_of=as_of, parent=self)
        self.panel.setObjectName("customerPanel")
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        layout = self.layout()
        layout.removeWidget(self.view)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 340])
        layout.addWidget(self.splitter, 1)
        # The panel appears with the first chosen customer: an empty panel says nothing, and
        # laying it out would cost the list its first-paint budget on a big book.
        self.panel.setVisible(False)
        state = app_settings().value(f"pages/{self.name}/splitter")
        if state:
            self.splitter.restoreState(state)
        self.current_changed.connect(self._on_current_changed)
        self.activated.connect(self._on_activated)
        self.panel.open_invoices_for.connect(self.open_invoices_for)
        self.actions_ = CustomerActions(self)

    def list_source(self) -> ListSource:
        return lists.customers

    def title(self) -> str:
        return self.tr("Customers")

    def set_as_of(self, as_of: date) -> None:
        super().set_as_of(as_of)
        self.panel.set_as_of(as_of)

    def refresh(self) -> None:
        super().refresh()
        if self.panel.customer_id() is not None and self.current_id() is None:
            self.panel.show_customer(None)

    def _apply(self, kind: str) -> None:
        super()._apply(kind)
        if self.panel.customer_id() is not None:
            self.panel.reload()
            self.panel.invoices.refresh()

    def on_changes(self, changes: Changes) -> None:
        super().on_changes(changes)
        self.actions_.update()
        self.actions_.forward_to_cards(changes)  # open cards follow changes made elsewhere

    def save_state(self) -> None:
        super().save_state()
        app_settings().setValue(f"pages/{self.name}/splitter", self.splitter.saveState())

    def _on_current_changed(self, customer_id: int | None) -> None:
        self.actions_.update()
        if customer_id is not None:
            self.panel.setVisible(True)
        if customer_id != self.panel.customer_id():
            self.panel.show_customer(customer_id)

    def _on_activated(self, customer_id: int) -> None:
        self.panel.setVisible(True)
        sizes = self.splitter.sizes()
        if sizes[1] == 0:
            self.splitter.setSizes([sizes[0] * 3 // 5, sizes[0] * 2 // 5])
        self.panel.show_customer(customer_id)
        self.actions_.open_card(customer_id)
