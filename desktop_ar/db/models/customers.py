"""Customers and their contacts."""

from __future__ import annotations

from datetime import date, datetime

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
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop_ar.db.base import TABLE_ARGS, Base
from desktop_ar.db.types import Minor

CUSTOMER_TYPES = ("key_account", "sme", "individual")
CUSTOMER_STATUSES = ("active", "inactive")


class Customer(Base):
    """A customer record (客户档案)."""

    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint("credit_limit_minor >= 0", name="credit_limit_nonneg"),
        CheckConstraint(
            "customer_type IN ('key_account', 'sme', 'individual')", name="customer_type"
        ),
        CheckConstraint("status IN ('active', 'inactive')", name="status"),
        CheckConstraint("value_tier IS NULL OR value_tier IN ('A', 'B', 'C')", name="value_tier"),
        CheckConstraint("credit_hold IN (0, 1)", name="credit_hold_bool"),
        CheckConstraint("language IN ('zh', 'en')", name="language"),
        CheckConstraint("length(code) > 0 AND length(name) > 0", name="code_name"),
        Index("ix_customers_name", "name"),
        Index("ix_customers_collector", "collector"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(100), default="")
    # Lower-case pinyin initials and full pinyin of the name, for search (shmy → 上海明远贸易).
    pinyin_initials: Mapped[str] = mapped_column(String(200), default="")
    pinyin_full: Mapped[str] = mapped_column(String(800), default="")
    customer_type: Mapped[str] = mapped_column(String(20), default="sme")
    industry: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    value_tier: Mapped[str | None] = mapped_column(String(1), default=None)
    tags: Mapped[str] = mapped_column(String(500), default="")
    payment_terms: Mapped[str] = mapped_column(String(100), default="NET30")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    credit_limit_minor: Mapped[int] = mapped_column(Minor, default=0)
    credit_grade: Mapped[str] = mapped_column(String(5), default="")
    collector: Mapped[str] = mapped_column(String(100), default="")
    credit_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="active")
    language: Mapped[str] = mapped_column(String(2), default="zh")
    tax_id: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Credit management (revision 0007): the credit-policy class, whether the hold was set
    # automatically (released automatically when paid), the last computed score and its date.
    # (A code of ``customer_classes``, checked by the services: no foreign key, so that adding
    # the column does not rebuild the customers table.)
    customer_class: Mapped[str | None] = mapped_column(String(20), default=None)
    credit_hold_auto: Mapped[bool] = mapped_column(
        Boolean,
        CheckConstraint("credit_hold_auto IN (0, 1)", name="credit_hold_auto_bool"),
        default=False,
        server_default="0",
    )
    credit_score: Mapped[int | None] = mapped_column(Integer, default=None)
    credit_scored_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class Contact(Base):
    """A person at a customer (联系人)."""

    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint("is_primary IN (0, 1)", name="is_primary_bool"),
        Index("ix_contacts_customer_id", "customer_id"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    mobile: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012
