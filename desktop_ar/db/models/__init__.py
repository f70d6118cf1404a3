"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from __future__ import annotations

from desktop_ar.db.models.audit import AuditEntry
from desktop_ar.db.models.customers import Contact, Customer
from desktop_ar.db.models.invoices import CreditNote, Invoice, ScheduleLine
from desktop_ar.db.models.orders import Order, OrderLine
from desktop_ar.db.models.payments import Allocation, Payment, Refund, WriteOff
from desktop_ar.db.models.settings import CompanySettings, NumberSequence

__all__ = [
    "Allocation",
    "AuditEntry",
    "CompanySettings",
    "Contact",
    "CreditNote",
    "Customer",
    "Invoice",
    "NumberSequence",
    "Order",
    "OrderLine",
    "Payment",
    "Refund",
    "ScheduleLine",
    "WriteOff",
]
