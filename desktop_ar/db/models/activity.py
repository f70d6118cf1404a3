"""Customer activity: the communication log, disputes, and the payment exceptions queue."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_ar.db.base import TABLE_ARGS, Base
from desktop_ar.db.types import Minor

CONTACT_KINDS = ("call", "email", "visit", "feedback", "complaint")
EXCEPTION_KINDS = (
    "short_payment",
    "overpayment",
    "late_payment",
    "unidentified",
    "duplicate",
    "disputed_invoice",
)
EXCEPTION_STATUSES = ("open", "in_progress", "resolved")


class ContactLogEntry(Base):
    """A call, email, visit, feedback or complaint with a customer (沟通记录)."""

    __tablename__ = "contact_log"
    __table_args__ = (
        CheckConstraint("kind IN ('call', 'email', 'visit', 'feedback', 'complaint')", name="kind"),
        Index("ix_contact_log_customer", "customer_id", "log_date"),
        Index(
            "ix_contact_log_follow_up",
            "next_follow_up",
            sqlite_where=sql_text("next_follow_up IS NOT NULL"),
            postgresql_where=sql_text("next_follow_up IS NOT NULL"),
        ),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    log_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))
    contact_person: Mapped[str] = mapped_column(String(100), default="")
    staff: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text, default="")
    next_follow_up: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class Dispute(Base):
    """A disagreement about an invoice (or the account) that puts items on hold (争议)."""

    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'resolved')", name="status"),
        CheckConstraint("amount_minor >= 0", name="amount_nonneg"),
        CheckConstraint(
            "(status = 'resolved') = (resolved_on IS NOT NULL)", name="resolved_has_date"
        ),
        Index("ix_disputes_customer", "customer_id", "opened_on"),
        Index("ix_disputes_invoice", "invoice_id"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)
    opened_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Minor, default=0)
    owner: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class PaymentException(Base):
    """One item of the payment exceptions queue (付款异常), worked until resolved."""

    __tablename__ = "payment_exceptions"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('short_payment', 'overpayment', 'late_payment', 'unidentified',"
            " 'duplicate', 'disputed_invoice')",
            name="kind",
        ),
        CheckConstraint("status IN ('open', 'in_progress', 'resolved')", name="status"),
        CheckConstraint("amount_minor >= 0", name="amount_nonneg"),
        CheckConstraint(
            "(status = 'resolved') = (resolved_on IS NOT NULL)", name="resolved_has_date"
        ),
        Index("ix_payment_exceptions_status", "status", "detected_on"),
        Index("ix_payment_exceptions_payment", "payment_id"),
        Index("ix_payment_exceptions_customer", "customer_id"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None)
    detected_on: Mapped[date] = mapped_column(Date)
    cause: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Minor, default=0)
    owner: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(12), default="open")
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class ExceptionNote(Base):
    """A note on a payment exception: what was done, by whom, when."""

    __tablename__ = "exception_notes"
    __table_args__ = (Index("ix_exception_notes_exception", "exception_id", "at"), TABLE_ARGS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exception_id: Mapped[int] = mapped_column(
        ForeignKey("payment_exceptions.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
