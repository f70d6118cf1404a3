"""Company settings and numbering sequences."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop_ar.db.base import TABLE_ARGS, Base
from desktop_ar.db.types import Minor


class CompanySettings(Base):
    """The single row of company-wide settings (id is always 1)."""

    __tablename__ = "company_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("writeoff_tolerance_minor >= 0", name="tolerance_nonneg"),
        CheckConstraint("aging_basis IN ('due', 'invoice')", name="aging_basis"),
        CheckConstraint("length(base_currency) = 3", name="base_currency"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    tax_id: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    bank_details: Mapped[str] = mapped_column(String(500), default="")
    base_currency: Mapped[str] = mapped_column(String(3), default="CNY")
    default_terms: Mapped[str] = mapped_column(String(100), default="NET30")
    aging_buckets: Mapped[str] = mapped_column(String(100), default="30,60,90")
    aging_basis: Mapped[str] = mapped_column(String(10), default="due")
    writeoff_tolerance_minor: Mapped[int] = mapped_column(Minor, default=100)
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    # Credit check: block an order when the customer has items overdue longer than this.
    credit_block_overdue_days: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    # Exceptions: the same customer, amount and reference within this many days is a suspected
    # duplicate payment; a payment this many days after the due date is a late payment.
    duplicate_window_days: Mapped[int] = mapped_column(
        Integer,
        CheckConstraint("duplicate_window_days >= 0", name="duplicate_days"),
        default=5,
        server_default="5",
    )
    late_payment_days: Mapped[int] = mapped_column(
        Integer,
        CheckConstraint("late_payment_days >= 0", name="late_days"),
        default=1,
        server_default="1",
    )
    # Collections and credit (revision 0007): put a customer on credit hold automatically when
    # an item is overdue longer than this (0: never); remind this many days before the due date;
    # a promise still counts as kept this many days after its date; at least this many days
    # between two reminders to the same customer (before moving to the next level).
    credit_hold_overdue_days: Mapped[int] = mapped_column(
        Integer,
        CheckConstraint("credit_hold_overdue_days >= 0", name="hold_days"),
        default=0,
        server_default="0",
    )
    reminder_days_before_due: Mapped[int] = mapped_column(
        Integer,
        CheckConstraint("reminder_days_before_due >= 0", name="reminder_days"),
        default=5,
        server_default="5",
    )
    promise_grace_days: Mapped[int] = mapped_column(
        Integer,
        CheckConstraint("promise_grace_days >= 0", name="grace_days"),
        default=3,
        server_default="3",
    )
    dunning_interval_days: Mapped[int] = mapped_column(
        Integer,
        CheckConstraint("dunning_interval_days >= 0", name="interval_days"),
        default=14,
        server_default="14",
    )
    # Printed documents (revision 0006): the letterhead's logo (PNG or JPEG bytes, None for
    # none) and the default paper size.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    paper: Mapped[str] = mapped_column(
        String(6),
        CheckConstraint("paper IN ('A4', 'Letter')", name="paper"),
        default="A4",
        server_default="A4",
    )
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class NumberSequence(Base):
    """A document numbering sequence (invoices, orders, payments, credit notes)."""

    __tablename__ = "number_sequences"
    __table_args__ = (CheckConstraint("next_value >= 1", name="next_positive"), TABLE_ARGS)

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer, default=6)
    next_value: Mapped[int] = mapped_column(Integer, default=1)
