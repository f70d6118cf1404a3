"""Read models of orders: the detail the order dialogs show (lines, plan, confirmation)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import CompanySettings, Customer, Invoice, Order, ScheduleLine
from desktop_ar.db.models.orders import OrderInstalment, OrderLine
from desktop_ar.domain import orders as orders_calc
from desktop_ar.domain.credit import CreditCheckInput, CreditCheckResult, credit_check
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row
from desktop_ar.services.uow import reader


@dataclass(frozen=True, slots=True)
class OrderLineDTO:
    """One order line with what was delivered and invoiced of it."""

    id: int
    line_no: int
    item: str
    quantity: Decimal
    unit_price: Money
    tax_rate: Decimal
    unit_cost: Money
    net: Money
    tax: Money
    delivered: Decimal
    invoiced: Decimal

    @property
    def invoiceable(self) -> Decimal:
        """Delivered but not yet invoiced."""
        return max(self.delivered - self.invoiced, Decimal(0))


@dataclass(frozen=True, slots=True)
class OrderDetail:
    """An order as the dialogs show it."""

    id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    order_date: date
    delivery_date: date | None
    shipped_date: date | None
    shipment_ref: str
    currency: str
    exchange_rate: Decimal
    payment_terms: str
    contract_ref: str
    notes: str
    status: str
    net: Money
    tax: Money
    total: Money
    cost: Money
    lines: list[OrderLineDTO]
    instalments: list[tuple[date, Money]]
    credit_check: dict[str, Any] | None
    confirmed_at: datetime | None
    confirmed_by: str
    override_by: str
    override_reason: str
    cancel_reason: str
    version: int


def load_detail(s: Session, order_id: int) -> OrderDetail:
    """Load one order's detail inside an open session.

    Raises:
        NotFound: no such order.
    """
    o = get_row(s, Order, order_id, "Order")
    customer = get_row(s, Customer, o.customer_id, "Customer")
    ccy = o.currency
    lines = s.execute(
        select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.line_no)
    ).scalars()
    plan = s.execute(
        select(OrderInstalment)
        .where(OrderInstalment.order_id == order_id)
        .order_by(OrderInstalment.seq)
    ).scalars()
    return OrderDetail(
        id=o.id,
        number=o.number,
        customer_id=o.customer_id,
        customer_code=customer.code,
        customer_name=customer.name,
        order_date=o.order_date,
        delivery_date=o.delivery_date,
        shipped_date=o.shipped_date,
        shipment_ref=o.shipment_ref,
        currency=ccy,
        exchange_rate=o.exchange_rate,
        payment_terms=o.payment_terms,
        contract_ref=o.contract_ref,
        notes=o.notes,
        status=o.status,
        net=Money(o.net_minor, ccy),
        tax=Money(o.tax_minor, ccy),
        total=Money(o.total_minor, ccy),
        cost=Money(o.cost_minor, ccy),
        lines=[
            OrderLineDTO(
                id=ln.id,
                line_no=ln.line_no,
                item=ln.item,
                quantity=ln.quantity,
                unit_price=Money(ln.unit_price_minor, ccy),
                tax_rate=ln.tax_rate,
                unit_cost=Money(ln.unit_cost_minor, ccy),
                net=Money(ln.net_minor, ccy),
                tax=Money(ln.tax_minor, ccy),
                delivered=ln.delivered_quantity,
                invoiced=ln.invoiced_quantity,
            )
            for ln in lines
        ],
        instalments=[(p.due_date, Money(p.amount_minor, ccy)) for p in plan],
        credit_check=json.loads(o.credit_check) if o.credit_check else None,
        confirmed_at=o.confirmed_at,
        confirmed_by=o.confirmed_by,
        override_by=o.credit_override_by,
        override_reason=o.credit_override_reason,
        cancel_reason=o.cancel_reason,
        version=o.version_id,
    )


def _in_currency(minor: int, doc_currency: str, rate: Decimal, currency: str, base: str) -> int:
    """An amount in the customer's currency: as it is, or at the document's rate to base."""
    if doc_currency == currency:
        return minor
    if currency == base:
        return Money(minor, doc_currency).convert(Decimal(rate), base).minor
    return 0  # no rate between two foreign currencies: such documents are not counted


def credit_figures(
    s: Session,
    customer: Customer,
    this_order: Money,
    *,
    rate: Decimal,
    exclude: int | None,
    as_of: date,
) -> CreditCheckInput:
    """The credit check's figures for a customer and an order worth ``this_order``.

    Open invoices (maintained ``open_minor``), confirmed orders less what was invoiced of them
    (leaving out ``exclude``, the order being checked) and this order, in the customer's
    currency; the age of the oldest overdue schedule line on ``as_of``; the policy from the
    settings. Documents in another currency count at their own rate when the customer's
    currency is the base currency, and are left out otherwise.
    """
    policy = get_row(s, CompanySettings, 1, "Company settings")
    ccy, base = customer.currency, policy.base_currency
    open_rows = s.execute(
        select(Invoice.currency, Invoice.exchange_rate, func.sum(Invoice.open_minor))
        .where(Invoice.customer_id == customer.id, Invoice.status != "void", Invoice.open_minor > 0)
        .group_by(Invoice.currency, Invoice.exchange_rate)
    )
    open_balance = sum(_in_currency(int(t), c, r, ccy, base) for c, r, t in open_rows)
    billed = (
        select(func.coalesce(func.sum(Invoice.amount_minor), 0))
        .where(Invoice.order_id == Order.id, Invoice.status != "void")
        .correlate(Order)
        .scalar_subquery()
    )
    order_rows = s.execute(
        select(Order.currency, Order.exchange_rate, Order.total_minor - billed).where(
            Order.customer_id == customer.id,
            Order.status == "confirmed",
            Order.id != (exclude or 0),
        )
    )
    uninvoiced = sum(_in_currency(max(int(t), 0), c, r, ccy, base) for c, r, t in order_rows)
    oldest = s.execute(
        select(func.min(ScheduleLine.due_date))
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .where(
            Invoice.customer_id == customer.id,
            Invoice.status != "void",
            ScheduleLine.open_minor > 0,
            ScheduleLine.due_date < as_of,
        )
    ).scalar()
    if isinstance(oldest, str):
        oldest = date.fromisoformat(oldest)
    this = _in_currency(this_order.minor, this_order.currency, rate, ccy, base)
    return CreditCheckInput(
        limit=Money(customer.credit_limit_minor, ccy),
        open_balance=Money(open_balance, ccy),
        uninvoiced_orders=Money(uninvoiced, ccy),
        this_order=Money(this, ccy),
        oldest_overdue_days=(as_of - oldest).days if oldest is not None else 0,
        block_after_days=policy.credit_block_overdue_days,
        on_hold=bool(customer.credit_hold),
    )


def order_credit_check(s: Session, order: Order, as_of: date) -> CreditCheckResult:
    """The credit check of a saved order: what is not yet invoiced of it is "this order"."""
    customer = get_row(s, Customer, order.customer_id, "Customer")
    billed = s.execute(
        select(func.coalesce(func.sum(Invoice.amount_minor), 0)).where(
            Invoice.order_id == order.id, Invoice.status != "void"
        )
    ).scalar_one()
    remaining = Money(max(order.total_minor - int(billed), 0), order.currency)
    figures = credit_figures(
        s, customer, remaining, rate=order.exchange_rate, exclude=order.id, as_of=as_of
    )
    return credit_check(figures)


# ---- the work lists of invoicing: delivered but not invoiced, invoiced without fapiao ----


@dataclass(frozen=True, slots=True)
class UninvoicedDelivery:
    """An order line delivered but not (fully) invoiced: what waits to be invoiced."""

    order_id: int
    order_number: str
    customer_id: int
    customer_code: str
    customer_name: str
    shipped_date: date | None
    line_id: int
    item: str
    delivered: Decimal
    invoiced: Decimal
    value: Money  # the delivered, uninvoiced quantity at the line's price, with tax


def uninvoiced_deliveries(ctx: ServiceContext) -> list[UninvoicedDelivery]:
    """Every confirmed order line delivered beyond what is invoiced, oldest shipment first."""
    query = (
        select(OrderLine, Order.number, Order.customer_id, Customer.code, Customer.name)
        .add_columns(Order.shipped_date, Order.currency)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Customer, Customer.id == Order.customer_id)
        .where(
            Order.status == "confirmed",
            OrderLine.delivered_quantity != OrderLine.invoiced_quantity,
        )
        .order_by(Order.shipped_date, Order.number, OrderLine.line_no)
    )
    out = []
    with reader(ctx) as s:
        for ln, number, cid, code, name, shipped, ccy in s.execute(query):
            left = ln.delivered_quantity - ln.invoiced_quantity
            if left <= 0:
                continue
            amounts = orders_calc.line_amounts(left, Money(ln.unit_price_minor, ccy), ln.tax_rate)
            out.append(
                UninvoicedDelivery(
                    ln.order_id,
                    number,
                    cid,
                    code,
                    name,
                    shipped,
                    ln.id,
                    ln.item,
                    ln.delivered_quantity,
                    ln.invoiced_quantity,
                    amounts.total,
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class FapiaoPending:
    """An invoice (not void) with no fapiao issued yet."""

    invoice_id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    issue_date: date
    amount: Money


def invoices_without_fapiao(
    ctx: ServiceContext, *, limit: int | None = None
) -> list[FapiaoPending]:
    """Invoices that are not void and have no fapiao yet, oldest first (at most ``limit``)."""
    query = (
        select(
            Invoice.id,
            Invoice.number,
            Invoice.customer_id,
            Customer.code,
            Customer.name,
            Invoice.issue_date,
            Invoice.amount_minor,
            Invoice.currency,
        )
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(Invoice.fapiao_issued.is_(False), Invoice.status != "void")
        .order_by(Invoice.issue_date, Invoice.number)
    )
    if limit is not None:
        query = query.limit(limit)
    with reader(ctx) as s:
        return [
            FapiaoPending(i, n, c, code, name, issued, Money(a, ccy))
            for i, n, c, code, name, issued, a, ccy in s.execute(query)
        ]
