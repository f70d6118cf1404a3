"""Big lists for the lazy table model: filter and sort in SQL, ids first, rows a page at a time."""

from __future__ import annotations

from desktop_ar.services.lists.base import ListSource, ListSpec, SortSpec
from desktop_ar.services.lists.customers import CustomerList, CustomerRow
from desktop_ar.services.lists.invoices import InvoiceList, InvoiceRow
from desktop_ar.services.lists.payments import PaymentList, PaymentRow

customers = CustomerList()
invoices = InvoiceList()
payments = PaymentList()

__all__ = [
    "CustomerRow",
    "InvoiceRow",
    "ListSource",
    "ListSpec",
    "PaymentRow",
    "SortSpec",
    "customers",
    "invoices",
    "payments",
]
