"""Sales orders and their lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_ar.db.base import TABLE_ARGS, Base
from desktop_ar.db.types import DecimalText, Minor


class Order(Base):
    """A sales order (销售订单)."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'confirmed', 'invoiced', 'cancelled')", name="status"),
        CheckConstraint("net_minor >= 0 AND tax_minor >= 0", name="amounts_nonneg"),
        CheckConstraint("total_minor = net_minor + tax_minor", name="total"),
        Index("ix_orders_customer_id", "customer_id", "order_date"),
        Index("ix_orders_order_date", "order_date"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    order_date: Mapped[date] = mapped_column(Date)
    delivery_date: Mapped[date | None] = mapped_column(Date, default=None)
    shipped_date: Mapped[date | None] = mapped_column(Date, default=None)
    currency: Mapped[str] = mapped_column(String(3))
    exchange_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(1))
    payment_terms: Mapped[str] = mapped_column(String(100))
    contract_ref: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    net_minor: Mapped[int] = mapped_column(Minor, default=0)
    tax_minor: Mapped[int] = mapped_column(Minor, default=0)
    total_minor: Mapped[int] = mapped_column(Minor, default=0)
    cost_minor: Mapped[int] = mapped_column(Minor, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    shipment_ref: Mapped[str] = mapped_column(String(100), default="", server_default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    confirmed_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # The credit check as it was when the order was confirmed (JSON: outcome and reasons).
    credit_check: Mapped[str] = mapped_column(Text, default="", server_default="")
    credit_override_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    credit_override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class OrderInstalment(Base):
    """One part of an order's instalment plan (分期付款): due date and amount."""

    __tablename__ = "order_instalments"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index("ix_order_instalments_order_seq", "order_id", "seq", unique=True),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(Minor)


class OrderLine(Base):
    """One line of an order: item, quantity, unit price, tax rate, unit cost."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("unit_price_minor >= 0 AND unit_cost_minor >= 0", name="prices_nonneg"),
        CheckConstraint("net_minor >= 0 AND tax_minor >= 0", name="amounts_nonneg"),
        Index("ix_order_lines_order_id", "order_id", "line_no", unique=True),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    unit_price_minor: Mapped[int] = mapped_column(Minor)
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    unit_cost_minor: Mapped[int] = mapped_column(Minor, default=0)
    net_minor: Mapped[int] = mapped_column(Minor)
    tax_minor: Mapped[int] = mapped_column(Minor)
    delivered_quantity: Mapped[Decimal] = mapped_column(
        DecimalText, default=Decimal(0), server_default="0"
    )
    invoiced_quantity: Mapped[Decimal] = mapped_column(
        DecimalText, default=Decimal(0), server_default="0"
    )
