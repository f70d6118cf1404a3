"""Payments received, allocations, write-offs and refunds."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
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

PAYMENT_METHODS = ("bank_transfer", "cash", "card", "cheque", "online", "other")


class Payment(Base):
    """A receipt (收款): money received, maybe not yet tied to a customer (unidentified)."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "unallocated_minor >= 0 AND unallocated_minor <= amount_minor",
            name="unallocated_in_range",
        ),
        CheckConstraint(
            "method IN ('bank_transfer', 'cash', 'card', 'cheque', 'online', 'other')",
            name="method",
        ),
        CheckConstraint("status IN ('posted', 'reversed')", name="status"),
        CheckConstraint(
            "(status = 'reversed') = (reversed_on IS NOT NULL)", name="reversed_has_date"
        ),
        Index("ix_payments_customer_id", "customer_id", "payment_date"),
        Index("ix_payments_payment_date", "payment_date"),
        Index(
            "ix_payments_reversed_on",
            "reversed_on",
            sqlite_where=text("reversed_on IS NOT NULL"),
            postgresql_where=text("reversed_on IS NOT NULL"),
        ),
        # Customer credit (unallocated money) is a few rows among a million receipts.
        Index(
            "ix_payments_open",
            "payment_date",
            sqlite_where=text("unallocated_minor > 0 AND status = 'posted'"),
            postgresql_where=text("unallocated_minor > 0 AND status = 'posted'"),
        ),
        # The dashboard: customers' receipts per day of a period, read from this index.
        Index(
            "ix_payments_received_cover",
            "payment_date",
            "currency",
            "exchange_rate",
            "amount_minor",
            "reversed_on",
            sqlite_where=text("customer_id IS NOT NULL"),
            postgresql_where=text("customer_id IS NOT NULL"),
        ),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None)
    payment_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    exchange_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(1))
    amount_minor: Mapped[int] = mapped_column(Minor)
    # Maintained: amount minus live allocations and refunds.
    unallocated_minor: Mapped[int] = mapped_column(Minor)
    method: Mapped[str] = mapped_column(String(20), default="bank_transfer")
    reference: Mapped[str] = mapped_column(String(200), default="")
    payer_name: Mapped[str] = mapped_column(String(200), default="")
    bank_account: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(10), default="posted")
    reversed_on: Mapped[date | None] = mapped_column(Date, default=None)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class WriteOff(Base):
    """A write-off of an open amount: a small difference, an early-payment discount, a bad debt."""

    __tablename__ = "write_offs"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("kind IN ('small_difference', 'discount', 'bad_debt')", name="kind"),
        Index("ix_write_offs_customer_id", "customer_id"),
        Index("ix_write_offs_payment_id", "payment_id"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    write_off_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Minor)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(300), default="")
    approved_by: Mapped[str] = mapped_column(String(100), default="")
    # The receipt a discount or small difference was written off with: reversing that receipt
    # reverses these write-offs too.
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Allocation(Base):
    """Money from a payment, credit note or write-off applied to one schedule line (核销)."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "(payment_id IS NOT NULL) + (credit_note_id IS NOT NULL) + (write_off_id IS NOT NULL)"
            " = 1",
            name="one_source",
        ),
        Index("ix_allocations_payment_id", "payment_id"),
        Index("ix_allocations_credit_note_id", "credit_note_id"),
        Index("ix_allocations_write_off_id", "write_off_id"),
        Index("ix_allocations_invoice_id", "invoice_id"),
        Index("ix_allocations_schedule_line_id", "schedule_line_id"),
        Index("ix_allocations_allocation_date", "allocation_date"),
        Index(
            "ix_allocations_reversed_on",
            "reversed_on",
            sqlite_where=text("reversed_on IS NOT NULL"),
            postgresql_where=text("reversed_on IS NOT NULL"),
        ),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"), default=None)
    write_off_id: Mapped[int | None] = mapped_column(ForeignKey("write_offs.id"), default=None)
    schedule_line_id: Mapped[int] = mapped_column(ForeignKey("invoice_schedule_lines.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Minor)
    allocation_date: Mapped[date] = mapped_column(Date)
    # An allocation is never deleted: undoing it sets reversed_on and restores the open amounts.
    reversed_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Refund(Base):
    """Customer money paid back: from an overpayment (payment) or from a credit note."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "(payment_id IS NOT NULL) + (credit_note_id IS NOT NULL) = 1", name="one_source"
        ),
        Index("ix_refunds_customer_id", "customer_id"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"), default=None)
    refund_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Minor)
    method: Mapped[str] = mapped_column(String(20), default="bank_transfer")
    reference: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
