"""Invoices: every invoice, filtered by text and status, optionally for one customer."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QToolButton, QWidget

from desktop_ar.services import lists
from desktop_ar.services.lists import ListSource, ListSpec
from desktop_ar.ui.models.columns import INVOICE_COLUMNS
from desktop_ar.ui.pages.base import ListPage

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext


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

    def list_source(self) -> ListSource:
        return lists.invoices

    def title(self) -> str:
        return self.tr("Invoices")

    def list_spec(self) -> ListSpec:
        spec = super().list_spec()
        return ListSpec(spec.text, spec.status, self._customer_id)

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
