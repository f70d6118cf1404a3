"""One module per import kind; :data:`HANDLERS` maps the kind to its :class:`KindImport`."""

from __future__ import annotations

from desktop_ar.services.import_kinds.base import ALREADY_EXISTS, Checked, KindImport
from desktop_ar.services.import_kinds.customers import CustomerImport
from desktop_ar.services.import_kinds.invoices import InvoiceImport
from desktop_ar.services.import_kinds.opening_balances import OpeningBalanceImport
from desktop_ar.services.import_kinds.orders import OrderImport
from desktop_ar.services.import_kinds.payments import PaymentImport, PaymentPlan

__all__ = ["ALREADY_EXISTS", "HANDLERS", "Checked", "KindImport", "PaymentPlan"]

HANDLERS: dict[str, type[KindImport]] = {
    "customers": CustomerImport,
    "orders": OrderImport,
    "invoices": InvoiceImport,
    "payments": PaymentImport,
    "opening_balances": OpeningBalanceImport,
}
"""Import kind → the class that checks and writes its records."""
