"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from __future__ import annotations

from desktop_ar.db.models.activity import (
    ContactLogEntry,
    Dispute,
    ExceptionNote,
    PaymentException,
)
from desktop_ar.db.models.audit import AuditEntry
from desktop_ar.db.models.collections import (
    CustomerClass,
    DunningNotice,
    DunningNoticeItem,
    PromiseToPay,
    WriteOffRequest,
)
from desktop_ar.db.models.customers import Contact, Customer
from desktop_ar.db.models.dunning import DunningLevel, DunningTemplate
from desktop_ar.db.models.imports import ImportBatch, ImportRow, ImportTemplate
from desktop_ar.db.models.invoices import CreditNote, Invoice, InvoiceLine, ScheduleLine
from desktop_ar.db.models.orders import Order, OrderInstalment, OrderLine
from desktop_ar.db.models.payments import Allocation, Payment, Refund, WriteOff
from desktop_ar.db.models.reconciliation import (
    BalanceConfirmation,
    BankLine,
    BankMatch,
    BankStatement,
    CustomerReconciliation,
    ReconciliationItem,
)
from desktop_ar.db.models.settings import CompanySettings, NumberSequence

__all__ = [
    "Allocation",
    "AuditEntry",
    "BalanceConfirmation",
    "BankLine",
    "BankMatch",
    "BankStatement",
    "CompanySettings",
    "Contact",
    "ContactLogEntry",
    "CreditNote",
    "Customer",
    "CustomerClass",
    "CustomerReconciliation",
    "Dispute",
    "DunningLevel",
    "DunningNotice",
    "DunningNoticeItem",
    "DunningTemplate",
    "ExceptionNote",
    "ImportBatch",
    "ImportRow",
    "ImportTemplate",
    "Invoice",
    "InvoiceLine",
    "NumberSequence",
    "Order",
    "OrderInstalment",
    "OrderLine",
    "Payment",
    "PaymentException",
    "PromiseToPay",
    "ReconciliationItem",
    "Refund",
    "ScheduleLine",
    "WriteOff",
    "WriteOffRequest",
]
