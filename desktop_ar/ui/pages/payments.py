"""Payments (receipts): posted, unallocated, reversed and unidentified money received."""

from __future__ import annotations

from desktop_ar.services import lists
from desktop_ar.services.lists import ListSource
from desktop_ar.ui.models.columns import PAYMENT_COLUMNS
from desktop_ar.ui.pages.base import ListPage


class PaymentsPage(ListPage):
    """The payments list."""

    name = "payments"
    default_sort = ("payment_date", True)
    columns = PAYMENT_COLUMNS
    refreshed_by = frozenset({"payments"})

    def list_source(self) -> ListSource:
        return lists.payments

    def title(self) -> str:
        return self.tr("Payments")
