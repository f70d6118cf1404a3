"""Collections (催收) and credit management (信用管理). Revision 0007.

* ``promises_to_pay``: a customer promised to pay an amount by a date (optionally for one
  invoice, noted in a contact-log entry); the status is judged against the payments that arrive
  (``desktop_ar.domain.promises``) and kept here so lists can filter on it.
* ``dunning_notices`` / ``dunning_notice_items``: each reminder issued by a dunning run, with the
  items it listed (their outstanding amount, days overdue and interest at the time); a notice is
  resolved when its items are paid or credited, and re-opened when that is reversed.
* ``write_off_requests``: a bad-debt write-off asked for by one user and approved or rejected by
  another with the right role.
* ``customer_classes``: credit policy per class of customer (terms, limit, discount).
Amounts are integer minor units of the row's currency.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_ar.db.base import TABLE_ARGS, Base
from desktop_ar.db.types import DecimalText, Minor

PROMISE_STATUSES = ("pending", "kept", "partly_kept", "broken", "cancelled")
NOTICE_STATUSES = ("issued", "resolved", "cancelled")
WRITE_OFF_REQUEST_STATUSES = ("pending", "approved", "rejected")


class PromiseToPay(Base):
    """A promise to pay (付款承诺): how much, by when, and what became of it."""

    __tablename__ = "promises_to_pay"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("paid_minor >= 0", name="paid_nonneg"),
        CheckConstraint("promised_date >= made_on", name="after_made"),
        CheckConstraint(
            "status IN ('pending', 'kept', 'partly_kept', 'broken', 'cancelled')", name="status"
        ),
        Index("ix_promises_to_pay_customer", "customer_id", "promised_date"),
        Index("ix_promises_to_pay_status", "status", "promised_date"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)
    contact_log_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_log.id", ondelete="SET NULL"), default=None
    )
    made_on: Mapped[date] = mapped_column(Date)
    promised_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Minor)
    paid_minor: Mapped[int] = mapped_column(Minor, default=0)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class DunningNotice(Base):
    """One issued reminder (催款函) to a customer at a level."""

    __tablename__ = "dunning_notices"
    __table_args__ = (
        CheckConstraint("status IN ('issued', 'resolved', 'cancelled')", name="status"),
        CheckConstraint("lang IN ('en', 'zh')", name="lang"),
        Index("ix_dunning_notices_customer", "customer_id", "as_of"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    level: Mapped[int] = mapped_column(ForeignKey("dunning_levels.level"))
    as_of: Mapped[date] = mapped_column(Date)
    lang: Mapped[str] = mapped_column(String(2))
    # Per currency: overdue, interest, fee and total due (JSON, minor units).
    totals_json: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(10), default="issued")
    resolved_on: Mapped[date | None] = mapped_column(Date, default=None)
    pdf_file: Mapped[str] = mapped_column(String(400), default="")
    email_file: Mapped[str] = mapped_column(String(400), default="")
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by: Mapped[str] = mapped_column(String(100), default="")
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class DunningNoticeItem(Base):
    """An overdue item a notice listed, as it stood when the notice was issued."""

    __tablename__ = "dunning_notice_items"
    __table_args__ = (
        CheckConstraint("outstanding_minor > 0", name="outstanding_positive"),
        CheckConstraint("interest_minor >= 0", name="interest_nonneg"),
        Index("ix_dunning_notice_items_notice", "notice_id"),
        Index("ix_dunning_notice_items_invoice", "invoice_id"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("dunning_notices.id", ondelete="CASCADE"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    schedule_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice_schedule_lines.id"), default=None
    )
    level: Mapped[int] = mapped_column(Integer)
    days_overdue: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    outstanding_minor: Mapped[int] = mapped_column(Minor)
    interest_minor: Mapped[int] = mapped_column(Minor, default=0)


class WriteOffRequest(Base):
    """A bad-debt write-off (坏账核销) waiting for, or given, approval."""

    __tablename__ = "write_off_requests"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_set"),
        Index("ix_write_off_requests_status", "status", "requested_at"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Minor)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    write_off_id: Mapped[int | None] = mapped_column(ForeignKey("write_offs.id"), default=None)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class CustomerClass(Base):
    """Credit policy for a class of customers (信用政策): terms, limit and discount."""

    __tablename__ = "customer_classes"
    __table_args__ = (
        CheckConstraint("credit_limit_minor >= 0", name="limit_nonneg"),
        CheckConstraint("length(trim(code)) > 0", name="code_set"),
        TABLE_ARGS,
    )

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    payment_terms: Mapped[str] = mapped_column(String(100), default="NET30")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    credit_limit_minor: Mapped[int] = mapped_column(Minor, default=0)
    discount: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012
