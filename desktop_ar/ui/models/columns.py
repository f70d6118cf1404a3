"""Column spec lists for the big lists; keys are attributes of the ``services.lists`` Row DTOs."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QT_TRANSLATE_NOOP

from desktop_ar.ui.models.cells import ColumnSpec

CUSTOMER_COLUMNS: list[ColumnSpec] = [
    ColumnSpec("code", QT_TRANSLATE_NOOP("columns", "Code"), "text", "code", 80),
    ColumnSpec("name", QT_TRANSLATE_NOOP("columns", "Name"), "text", "name", 190),
    ColumnSpec("region", QT_TRANSLATE_NOOP("columns", "Region"), "text", "region", 56),
    ColumnSpec("collector", QT_TRANSLATE_NOOP("columns", "Collector"), "text", "collector", 64),
    ColumnSpec("value_tier", QT_TRANSLATE_NOOP("columns", "Tier"), "text", None, 40),
    ColumnSpec("payment_terms", QT_TRANSLATE_NOOP("columns", "Terms"), "text", None, 96),
    ColumnSpec("currency", QT_TRANSLATE_NOOP("columns", "Ccy"), "text", None, 40),
    ColumnSpec(
        "credit_limit", QT_TRANSLATE_NOOP("columns", "Credit limit"), "money", "credit_limit", 100
    ),
    ColumnSpec("balance", QT_TRANSLATE_NOOP("columns", "Balance"), "money", "balance", 100),
    ColumnSpec("overdue", QT_TRANSLATE_NOOP("columns", "Overdue"), "money", "overdue", 100),
    ColumnSpec("credit_hold", QT_TRANSLATE_NOOP("columns", "Hold"), "bool", None, 44),
    ColumnSpec("status", QT_TRANSLATE_NOOP("columns", "Status"), "status", "status", 70),
]

INVOICE_COLUMNS: list[ColumnSpec] = [
    ColumnSpec("number", QT_TRANSLATE_NOOP("columns", "Number"), "text", "number", 120),
    ColumnSpec("customer_code", QT_TRANSLATE_NOOP("columns", "Customer"), "text", "customer", 90),
    ColumnSpec("customer_name", QT_TRANSLATE_NOOP("columns", "Customer name"), "text", None, 220),
    ColumnSpec("issue_date", QT_TRANSLATE_NOOP("columns", "Issued"), "date", "issue_date", 90),
    ColumnSpec("due_date", QT_TRANSLATE_NOOP("columns", "Due"), "date", "due_date", 90),
    ColumnSpec("amount.currency", QT_TRANSLATE_NOOP("columns", "Ccy"), "text", None, 40),
    ColumnSpec("amount", QT_TRANSLATE_NOOP("columns", "Amount"), "money", "amount", 110),
    ColumnSpec("open", QT_TRANSLATE_NOOP("columns", "Open"), "money", "open", 110),
    ColumnSpec("days_overdue", QT_TRANSLATE_NOOP("columns", "Days overdue"), "int", None, 90),
    ColumnSpec("status", QT_TRANSLATE_NOOP("columns", "Status"), "status", "status", 90),
    ColumnSpec("fapiao_issued", QT_TRANSLATE_NOOP("columns", "Fapiao"), "bool", None, 56),
    ColumnSpec("disputed", QT_TRANSLATE_NOOP("columns", "Disputed"), "bool", None, 64),
    ColumnSpec(
        "overdue_reason_code", QT_TRANSLATE_NOOP("columns", "Overdue reason"), "label", None, 120
    ),
    ColumnSpec(
        "agreed_measure", QT_TRANSLATE_NOOP("columns", "Agreed measure"), "label", None, 120
    ),
]

# The invoices of one customer (customer panel): narrow enough to fit without scrolling.
_PANEL_WIDTHS = {"number": 92, "due_date": 80, "open": 92, "status": 64}
CUSTOMER_INVOICE_COLUMNS: list[ColumnSpec] = [
    replace(c, width=_PANEL_WIDTHS[c.key]) for c in INVOICE_COLUMNS if c.key in _PANEL_WIDTHS
]

PAYMENT_COLUMNS: list[ColumnSpec] = [
    ColumnSpec("number", QT_TRANSLATE_NOOP("columns", "Number"), "text", "number", 120),
    ColumnSpec("payment_date", QT_TRANSLATE_NOOP("columns", "Date"), "date", "payment_date", 90),
    ColumnSpec("customer_code", QT_TRANSLATE_NOOP("columns", "Customer"), "text", "customer", 90),
    ColumnSpec("customer_name", QT_TRANSLATE_NOOP("columns", "Customer name"), "text", None, 200),
    ColumnSpec("payer_name", QT_TRANSLATE_NOOP("columns", "Payer"), "text", None, 160),
    ColumnSpec("amount.currency", QT_TRANSLATE_NOOP("columns", "Ccy"), "text", None, 40),
    ColumnSpec("amount", QT_TRANSLATE_NOOP("columns", "Amount"), "money", "amount", 110),
    ColumnSpec(
        "unallocated", QT_TRANSLATE_NOOP("columns", "Unallocated"), "money", "unallocated", 110
    ),
    ColumnSpec("method", QT_TRANSLATE_NOOP("columns", "Method"), "label", None, 100),
    ColumnSpec("reference", QT_TRANSLATE_NOOP("columns", "Reference"), "text", None, 160),
    ColumnSpec("status", QT_TRANSLATE_NOOP("columns", "Status"), "status", "status", 80),
]

# The invoices of one customer on the customer card: no customer columns, reasons shown.
CUSTOMER_CARD_INVOICE_COLUMNS: list[ColumnSpec] = [
    c for c in INVOICE_COLUMNS if c.key not in ("customer_code", "customer_name")
]

# The payments of one customer on the customer card.
CUSTOMER_CARD_PAYMENT_COLUMNS: list[ColumnSpec] = [
    c for c in PAYMENT_COLUMNS if c.key not in ("customer_code", "customer_name")
]
