"""Invoices, their schedule lines (instalments / split terms) and credit notes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop_ar.db.base import TABLE_ARGS, Base
from desktop_ar.db.types import DecimalText, Minor

INVOICE_STATUSES = ("open", "partial", "paid", "written_off", "void")
OVERDUE_REASONS = ("funds_tight", "order_error", "dispute", "quality_complaint", "other")
AGREED_MEASURES = ("extended_due_date", "instalment_plan", "other")
OVERDUE_REASON_CHECK = (
    "overdue_reason_code IS NULL OR overdue_reason_code IN ('funds_tight', 'order_error',"
    " 'dispute', 'quality_complaint', 'other')"
)
AGREED_MEASURE_CHECK = (
    "agreed_measure IS NULL OR agreed_measure IN ('extended_due_date', 'instalment_plan', 'other')"
)


class Invoice(Base):
    """Our own invoice (账单 / 应收单); the Chinese 发票 is tracked in the fapiao_* columns."""

    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint("amount_minor = net_minor + tax_minor", name="amount_is_net_plus_tax"),
        CheckConstraint("net_minor >= 0 AND tax_minor >= 0", name="amounts_nonneg"),
        CheckConstraint("open_minor >= 0 AND open_minor <= amount_minor", name="open_in_range"),
        CheckConstraint(
            "status IN ('open', 'partial', 'paid', 'written_off', 'void')", name="status"
        ),
        CheckConstraint("due_date >= issue_date", name="due_after_issue"),
        CheckConstraint("fapiao_issued IN (0, 1) AND disputed IN (0, 1)", name="bools"),
        Index("ix_invoices_customer_id", "customer_id", "issue_date"),
        Index("ix_invoices_issue_date", "issue_date"),
        Index("ix_invoices_due_date", "due_date"),
        Index("ix_invoices_amount_minor", "amount_minor"),
        Index("ix_invoices_order_id", "order_id"),
        # Text search scans this narrow index instead of the whole table.
        Index("ix_invoices_search", "number", "fapiao_number", "customer_id"),
        # Open invoices per customer, covering what balances and aging read, so a book of a
        # million invoices answers from a small index instead of the table.
        Index(
            "ix_invoices_open_cover",
            "customer_id",
            "currency",
            "exchange_rate",
            "issue_date",
            "status",
            "open_minor",
            sqlite_where=text("open_minor > 0"),
            postgresql_where=text("open_minor > 0"),
        ),
        # The dashboard: invoiced per day of a period, and the orders invoiced in it, read
        # from these instead of the table.
        Index(
            "ix_invoices_issued_cover",
            "issue_date",
            "currency",
            "exchange_rate",
            "status",
            "amount_minor",
        ),
        Index(
            "ix_invoices_order_cover",
            "order_id",
            "issue_date",
            "status",
            "open_minor",
            sqlite_where=text("order_id IS NOT NULL"),
            postgresql_where=text("order_id IS NOT NULL"),
        ),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), default=None)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    exchange_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(1))
    payment_terms: Mapped[str] = mapped_column(String(100))
    net_minor: Mapped[int] = mapped_column(Minor)
    tax_minor: Mapped[int] = mapped_column(Minor, default=0)
    amount_minor: Mapped[int] = mapped_column(Minor)
    # Maintained: amount minus every live allocation, updated in the allocating transaction.
    open_minor: Mapped[int] = mapped_column(Minor)
    status: Mapped[str] = mapped_column(String(12), default="open")
    fapiao_issued: Mapped[bool] = mapped_column(Boolean, default=False)
    fapiao_number: Mapped[str] = mapped_column(String(40), default="")
    fapiao_date: Mapped[date | None] = mapped_column(Date, default=None)
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Carried over from the previous system (imported opening balance), revision 0004.
    opening_balance: Mapped[bool] = mapped_column(
        Boolean,
        CheckConstraint("opening_balance IN (0, 1)", name="opening_balance_bool"),
        default=False,
        server_default="0",
    )
    overdue_reason: Mapped[str] = mapped_column(String(200), default="")
    # Column-level CHECKs: SQLite can add them with ALTER TABLE ADD COLUMN, no table rebuild.
    overdue_reason_code: Mapped[str | None] = mapped_column(
        String(20),
        CheckConstraint(OVERDUE_REASON_CHECK, name="overdue_reason_code"),
        default=None,
    )
    agreed_measure: Mapped[str | None] = mapped_column(
        String(20), CheckConstraint(AGREED_MEASURE_CHECK, name="agreed_measure"), default=None
    )
    measure_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Collections flags (revision 0007): handed to lawyers (no more dunning letters), covered
    # by credit insurance, sold to a factor.
    legal_stage: Mapped[bool] = mapped_column(
        Boolean,
        CheckConstraint("legal_stage IN (0, 1)", name="legal_stage_bool"),
        default=False,
        server_default="0",
    )
    credit_insured: Mapped[bool] = mapped_column(
        Boolean,
        CheckConstraint("credit_insured IN (0, 1)", name="credit_insured_bool"),
        default=False,
        server_default="0",
    )
    factored: Mapped[bool] = mapped_column(
        Boolean,
        CheckConstraint("factored IN (0, 1)", name="factored_bool"),
        default=False,
        server_default="0",
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class InvoiceLine(Base):
    """One line of an invoice: what was delivered and billed (from an order line or typed)."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        CheckConstraint("unit_price_minor >= 0 AND unit_cost_minor >= 0", name="prices_nonneg"),
        CheckConstraint("net_minor >= 0 AND tax_minor >= 0", name="amounts_nonneg"),
        Index("ix_invoice_lines_invoice_line", "invoice_id", "line_no", unique=True),
        Index("ix_invoice_lines_order_line", "order_line_id"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"), default=None)
    item: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    unit_price_minor: Mapped[int] = mapped_column(Minor)
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    unit_cost_minor: Mapped[int] = mapped_column(Minor, default=0)
    net_minor: Mapped[int] = mapped_column(Minor)
    tax_minor: Mapped[int] = mapped_column(Minor)


class ScheduleLine(Base):
    """One instalment or split-terms part of an invoice, with its own due date and open amount."""

    __tablename__ = "invoice_schedule_lines"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("open_minor >= 0 AND open_minor <= amount_minor", name="open_in_range"),
        CheckConstraint("discount_minor >= 0 AND discount_minor <= amount_minor", name="discount"),
        Index("ix_schedule_invoice_seq", "invoice_id", "seq", unique=True),
        Index(
            "ix_schedule_open_due",
            "due_date",
            sqlite_where=text("open_minor > 0"),
            postgresql_where=text("open_minor > 0"),
        ),
        # Covers aging: the open lines of each open invoice with their due dates and amounts.
        Index(
            "ix_schedule_open_cover",
            "invoice_id",
            "due_date",
            "open_minor",
            sqlite_where=text("open_minor > 0"),
            postgresql_where=text("open_minor > 0"),
        ),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(Minor)
    open_minor: Mapped[int] = mapped_column(Minor)
    discount_until: Mapped[date | None] = mapped_column(Date, default=None)
    discount_minor: Mapped[int] = mapped_column(Minor, default=0)


class CreditNote(Base):
    """A credit note (贷项通知 / 红字), against an invoice or standalone."""

    __tablename__ = "credit_notes"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "unallocated_minor >= 0 AND unallocated_minor <= amount_minor",
            name="unallocated_in_range",
        ),
        CheckConstraint("status IN ('open', 'applied', 'void')", name="status"),
        Index("ix_credit_notes_customer_id", "customer_id", "issue_date"),
        Index(
            "ix_credit_notes_open",
            "issue_date",
            sqlite_where=text("unallocated_minor > 0 AND status <> 'void'"),
            postgresql_where=text("unallocated_minor > 0 AND status <> 'void'"),
        ),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)
    issue_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    exchange_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(1))
    amount_minor: Mapped[int] = mapped_column(Minor)
    unallocated_minor: Mapped[int] = mapped_column(Minor)
    reason: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012
