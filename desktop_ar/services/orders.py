"""Sales orders (销售订单): entry, the credit check on confirmation (确认订单), shipment, cancel.

An order is ``draft`` while it is typed and edited, ``confirmed`` once it passed the credit check
(or a permitted user overrode a block, with a reason), ``invoiced`` when every line has been
invoiced (``services.invoicing.invoice_order``) and ``cancelled`` when it will not go ahead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Customer, Order
from desktop_ar.db.models.orders import OrderInstalment, OrderLine
from desktop_ar.domain import orders as calc
from desktop_ar.domain import terms as domain_terms
from desktop_ar.domain.credit import CreditCheckResult, credit_check, describe
from desktop_ar.domain.errors import ConcurrentEditError, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid, user_errors
from desktop_ar.services.order_views import (
    OrderDetail,
    credit_figures,
    load_detail,
    order_credit_check,
)
from desktop_ar.services.permissions import can, require
from desktop_ar.services.settings import next_number
from desktop_ar.services.uow import reader, uow

_AUDITED = ("number", "customer_id", "order_date", "delivery_date", "currency", "exchange_rate")
_AUDITED += ("payment_terms", "contract_ref", "status", "net_minor", "tax_minor", "total_minor")


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLineInput:
    """One order line; ``tax_rate`` is a fraction (``Decimal("0.13")`` for 13 %)."""

    item: str
    quantity: Decimal
    unit_price: Money
    tax_rate: Decimal = Decimal(0)
    unit_cost: Money | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderInput:
    """A new or edited order.

    ``currency`` defaults to the customer's currency, ``payment_terms`` to the customer's terms.
    ``instalments`` is an optional plan of (due date, amount) that must add up to the total; it
    becomes the invoice schedule when the whole order is invoiced at once.
    """

    customer_id: int
    order_date: date
    lines: Sequence[OrderLineInput]
    delivery_date: date | None = None
    currency: str | None = None
    exchange_rate: Decimal = Decimal(1)
    payment_terms: str | None = None
    contract_ref: str = ""
    notes: str = ""
    instalments: Sequence[tuple[date, Money]] | None = None


@dataclass(frozen=True, slots=True)
class _Checked:
    currency: str
    terms: str
    lines: list[calc.OrderLine]
    totals: calc.Totals
    instalments: list[tuple[date, Money]]


def _domain_lines(data: OrderInput, currency: str) -> list[calc.OrderLine]:
    if not data.lines:
        raise invalid("lines", "enter at least one line")
    out = []
    for n, line in enumerate(data.lines, start=1):
        if not line.item.strip():
            raise invalid(f"line {n}", "enter the item")
        for what, value in (("unit price", line.unit_price), ("unit cost", line.unit_cost)):
            if value is not None and value.currency != currency:
                raise invalid(f"line {n}", f"enter the {what} in {currency}")
        with user_errors():
            quantity = calc.normalise_quantity(line.quantity)
        if quantity <= 0:
            raise invalid(f"line {n}", "the quantity must be more than zero")
        cost = line.unit_cost or Money.zero(currency)
        if cost.minor < 0:
            raise invalid(f"line {n}", "the unit cost must not be negative")
        out.append(calc.OrderLine(quantity, line.unit_price, line.tax_rate, cost, key=n))
    return out


def _check(session: Session, data: OrderInput) -> tuple[Customer, _Checked]:
    customer = get_row(session, Customer, data.customer_id, "Customer")
    if customer.status != "active":
        raise invalid("customer", f"{customer.code} is inactive")
    currency = (data.currency or customer.currency).upper()
    rate = data.exchange_rate
    if isinstance(rate, float) or not isinstance(rate, Decimal):
        raise TypeError("exchange_rate must be a Decimal")
    if not rate.is_finite() or rate <= 0:
        raise invalid("exchange_rate", "must be more than zero")
    if data.delivery_date is not None and data.delivery_date < data.order_date:
        raise invalid("delivery_date", "is before the order date")
    with user_errors():
        terms = domain_terms.parse_terms(data.payment_terms or customer.payment_terms).spec
        lines = _domain_lines(data, currency)
        totals = calc.totals(lines, currency)
    if totals.total.minor <= 0:
        raise invalid("total", "the order total must be more than zero")
    plan = list(data.instalments or [])
    if plan:
        with user_errors():
            domain_terms.custom_instalments(totals.total, plan)
        if plan[0][0] < data.order_date:
            raise invalid("instalments", "an instalment is due before the order date")
    return customer, _Checked(currency, terms, lines, totals, plan)


def _write(session: Session, order: Order, data: OrderInput, checked: _Checked) -> None:
    """Set the order's fields and replace its lines and instalments."""
    t = checked.totals
    order.customer_id = data.customer_id
    order.order_date = data.order_date
    order.delivery_date = data.delivery_date
    order.currency = checked.currency
    order.exchange_rate = data.exchange_rate
    order.payment_terms = checked.terms
    order.contract_ref = data.contract_ref.strip()[:100]
    order.notes = data.notes.strip()
    order.net_minor, order.tax_minor = t.net.minor, t.tax.minor
    order.total_minor, order.cost_minor = t.total.minor, t.cost.minor
    if order.id is not None:
        session.execute(delete(OrderLine).where(OrderLine.order_id == order.id))
        session.execute(delete(OrderInstalment).where(OrderInstalment.order_id == order.id))
    session.add(order)
    session.flush()
    for src, line in zip(data.lines, checked.lines, strict=True):
        amounts = line.amounts
        session.add(
            OrderLine(
                order_id=order.id,
                line_no=line.key,
                item=src.item.strip()[:200],
                quantity=line.quantity,
                unit_price_minor=line.unit_price.minor,
                tax_rate=line.tax_rate,
                unit_cost_minor=line.unit_cost.minor,
                net_minor=amounts.net.minor,
                tax_minor=amounts.tax.minor,
            )
        )
    for seq, (due, amount) in enumerate(checked.instalments, start=1):
        session.add(
            OrderInstalment(order_id=order.id, seq=seq, due_date=due, amount_minor=amount.minor)
        )
    session.flush()


def _after(order: Order, checked: _Checked) -> dict[str, object]:
    after = audit.snapshot(order, _AUDITED)
    after["lines"] = [
        (ln.quantity, ln.unit_price.amount_str(), ln.tax_rate) for ln in checked.lines
    ]
    after["instalments"] = [(due, amount.amount_str()) for due, amount in checked.instalments]
    return after


def create_order(ctx: ServiceContext, data: OrderInput) -> tuple[int, Changes]:
    """Create a draft order with its lines and optional instalment plan.

    Returns:
        The new order's id and the changes.

    Raises:
        PermissionDenied: the role may not edit orders.
        UserFacingError: ``invalid`` naming the field or line to fix, or ``bad_terms``.
    """
    require(ctx, "edit_orders")
    with uow(ctx) as s:
        order = insert_order(s, ctx, data)
        return order.id, Changes(orders={order.id}, customers={data.customer_id})


def check_order(session: Session, data: OrderInput) -> None:
    """Check an order as ``create_order`` does (customer, terms, lines, total), writing nothing.

    Raises:
        UserFacingError: ``invalid`` naming the field or line to fix, or ``bad_terms``.
    """
    _check(session, data)


def insert_order(
    session: Session,
    ctx: ServiceContext,
    data: OrderInput,
    *,
    number: str | None = None,
    confirmed_without_check: bool = False,
) -> Order:
    """Write a new order, its lines and instalments inside the caller's transaction (audited).

    Args:
        session: the caller's write transaction.
        ctx: the service context.
        data: the order.
        number: the order number (default: the next number of the "order" sequence).
        confirmed_without_check: create it ``confirmed`` without running the credit check, for
            an order taken over from another system where it was already confirmed (an
            import); ``credit_check`` stays empty, so it shows that no check was run here.

    Returns:
        The new order (flushed).

    Raises:
        UserFacingError: ``invalid`` / ``bad_terms`` for bad input, ``duplicate`` for a number
            already used.
    """
    _customer, checked = _check(session, data)
    if number is None:
        number = next_number(session, "order")
    elif session.execute(select(Order.id).where(Order.number == number)).first():
        raise UserFacingError("duplicate", entity="Order", key=number)
    order = Order(number=number, status="draft", created_at=ctx.clock.now())
    if confirmed_without_check:
        order.status = "confirmed"
        order.confirmed_at = ctx.clock.now()
        order.confirmed_by = ctx.user
    _write(session, order, data, checked)
    after = _after(order, checked)
    if confirmed_without_check:
        after["confirmed_by"] = order.confirmed_by
    audit.record(session, ctx, "create_order", "order", order.id, after=after)
    return order


def update_order(
    ctx: ServiceContext, order_id: int, data: OrderInput, *, expected_version: int
) -> Changes:
    """Replace a draft order's fields, lines and instalments.

    Raises:
        ConcurrentEditError: someone saved the order since it was loaded.
        UserFacingError: ``invalid`` when the order is no longer a draft, or for bad input.
    """
    require(ctx, "edit_orders")
    with uow(ctx) as s:
        order = get_row(s, Order, order_id, "Order")
        if order.version_id != expected_version:
            raise ConcurrentEditError("Order")
        if order.status != "draft":
            raise invalid("order", f"{order.number} is {order.status}; only drafts can be edited")
        before = audit.snapshot(order, _AUDITED)
        old_customer = order.customer_id
        _customer, checked = _check(s, data)
        _write(s, order, data, checked)
        after = _after(order, checked)
        audit.record(s, ctx, "update_order", "order", order_id, before=before, after=after)
        return Changes(orders={order_id}, customers={old_customer, data.customer_id})


def equal_instalment_plan(
    total: Money, first_due: date, count: int, every_months: int = 1
) -> list[tuple[date, Money]]:
    """``count`` near-equal instalments ``every_months`` apart that add up to ``total``.

    Raises:
        UserFacingError: ``invalid`` for a bad count, interval or total.
    """
    with user_errors():
        lines = domain_terms.equal_instalments(total, first_due, count, every_months)
    return [(line.due_date, line.amount) for line in lines]


# ---- the credit check -------------------------------------------------------------------------


def check_credit(ctx: ServiceContext, order: int | OrderInput) -> CreditCheckResult:
    """Run the credit check for a saved order (by id) or an order being typed.

    Exposure = open invoices + confirmed orders not yet invoiced + this order (what is not yet
    invoiced of it), in the customer's currency, as of today. Read-only.
    """
    with reader(ctx) as s:
        as_of = ctx.clock.today()
        if isinstance(order, int):
            return order_credit_check(s, get_row(s, Order, order, "Order"), as_of)
        customer, checked = _check(s, order)
        figures = credit_figures(
            s, customer, checked.totals.total, rate=order.exchange_rate, exclude=None, as_of=as_of
        )
        return credit_check(figures)


def _blocked(number: str, result: CreditCheckResult) -> UserFacingError:
    reasons = " ".join(describe(r) for r in result.reasons)
    return UserFacingError("credit_blocked", order=number, reasons=reasons)


def confirm_order(
    ctx: ServiceContext, order_id: int, *, override_reason: str | None = None
) -> tuple[CreditCheckResult, Changes]:
    """Confirm a draft order after the credit check; a block needs a permitted override.

    Args:
        ctx: the service context.
        order_id: the draft order.
        override_reason: why the order goes ahead although the check blocks it; only roles
            allowed ``override_credit`` (admin) may give one. Ignored when the check passes.

    Returns:
        The credit check as stored on the order, and the changes.

    Raises:
        UserFacingError: ``credit_blocked`` listing the reasons when blocked and not overridden.
        PermissionDenied: an override by a role that may not override (audited).
    """
    require(ctx, "edit_orders")
    reason = (override_reason or "").strip()
    if reason and not can(ctx, "override_credit") and check_credit(ctx, order_id).blocked:
        require(ctx, "override_credit")  # audits the denial outside the write transaction
    with uow(ctx) as s:
        order = get_row(s, Order, order_id, "Order")
        if order.status != "draft":
            raise invalid("order", f"{order.number} is {order.status}, not a draft")
        result = order_credit_check(s, order, ctx.clock.today())
        overridden = result.blocked
        if overridden and (not reason or not can(ctx, "override_credit")):
            raise _blocked(order.number, result)
        stored = {**result.to_json(), "as_of": ctx.clock.today().isoformat()}
        stored["overridden"] = overridden
        order.status = "confirmed"
        order.credit_check = json.dumps(stored, ensure_ascii=False, sort_keys=True)
        order.confirmed_at = ctx.clock.now()
        order.confirmed_by = ctx.user
        order.credit_override_by = ctx.user if overridden else ""
        order.credit_override_reason = reason if overridden else ""
        s.flush()
        after = audit.snapshot(
            order, ("status", "confirmed_by", "credit_override_by", "credit_override_reason")
        )
        after["credit_check"] = stored
        audit.record(
            s, ctx, "confirm_order", "order", order_id, before={"status": "draft"}, after=after
        )
        return result, Changes(orders={order_id}, customers={order.customer_id})


def cancel_order(ctx: ServiceContext, order_id: int, reason: str) -> Changes:
    """Cancel a draft or confirmed order that nothing has been invoiced from.

    Raises:
        UserFacingError: ``invalid`` without a reason, or when the order is invoiced (fully or
            partly) or already cancelled.
    """
    require(ctx, "edit_orders")
    if not reason.strip():
        raise invalid("reason", "say why the order is cancelled")
    with uow(ctx) as s:
        order = get_row(s, Order, order_id, "Order")
        if order.status not in ("draft", "confirmed"):
            raise invalid("order", f"{order.number} is {order.status}")
        lines = s.execute(select(OrderLine).where(OrderLine.order_id == order_id)).scalars()
        if any(line.invoiced_quantity > 0 for line in lines):
            raise invalid("order", f"{order.number} is partly invoiced; credit the invoices")
        before = {"status": order.status}
        order.status = "cancelled"
        order.cancel_reason = reason.strip()
        s.flush()
        after = {"status": "cancelled", "cancel_reason": order.cancel_reason}
        audit.record(s, ctx, "cancel_order", "order", order_id, before=before, after=after)
        return Changes(orders={order_id}, customers={order.customer_id})


def record_shipment(
    ctx: ServiceContext,
    order_id: int,
    shipped_date: date,
    shipment_ref: str,
    delivered: Mapping[int, Decimal],
) -> Changes:
    """Record what has been delivered (发货) of a confirmed order.

    Args:
        ctx: the service context.
        order_id: a confirmed order.
        shipped_date: the (latest) shipment date.
        shipment_ref: the delivery note or waybill number.
        delivered: per order line id, the quantity delivered *so far* (cumulative); lines not
            named keep what they had. Between what is invoiced and what was ordered.

    Raises:
        UserFacingError: ``invalid`` naming the line whose quantity is out of range.
    """
    require(ctx, "edit_orders")
    with uow(ctx) as s:
        order = get_row(s, Order, order_id, "Order")
        if order.status != "confirmed":
            raise invalid("order", f"{order.number} is {order.status}; confirm it first")
        if shipped_date < order.order_date:
            raise invalid("shipped_date", "is before the order date")
        lines = {
            ln.id: ln
            for ln in s.execute(select(OrderLine).where(OrderLine.order_id == order_id)).scalars()
        }
        changes: dict[int, tuple[Decimal, Decimal]] = {}
        for line_id, quantity in delivered.items():
            line = lines.get(line_id)
            if line is None:
                raise invalid("line", f"{line_id} is not a line of {order.number}")
            with user_errors():
                q = calc.normalise_quantity(quantity)
            if not line.invoiced_quantity <= q <= line.quantity:
                raise invalid(
                    f"line {line.line_no}",
                    f"delivered must be between {line.invoiced_quantity} (invoiced)"
                    f" and {line.quantity} (ordered)",
                )
            changes[line.line_no] = (line.delivered_quantity, q)
            line.delivered_quantity = q
        before = {"shipped_date": order.shipped_date, "shipment_ref": order.shipment_ref}
        order.shipped_date = shipped_date
        order.shipment_ref = shipment_ref.strip()[:100]
        s.flush()
        after = {"shipped_date": shipped_date, "shipment_ref": order.shipment_ref}
        before["delivered"] = {n: str(old) for n, (old, _new) in changes.items()}
        after["delivered"] = {n: str(new) for n, (_old, new) in changes.items()}
        audit.record(s, ctx, "record_shipment", "order", order_id, before=before, after=after)
        return Changes(orders={order_id})


def get_order(ctx: ServiceContext, order_id: int) -> OrderDetail:
    """The order with its lines, instalments and confirmation record (for the dialogs)."""
    with reader(ctx) as s:
        return load_detail(s, order_id)


def order_input(detail: OrderDetail) -> OrderInput:
    """The editable part of an order, to start an edit from."""
    return OrderInput(
        customer_id=detail.customer_id,
        order_date=detail.order_date,
        delivery_date=detail.delivery_date,
        currency=detail.currency,
        exchange_rate=detail.exchange_rate,
        payment_terms=detail.payment_terms,
        contract_ref=detail.contract_ref,
        notes=detail.notes,
        lines=[
            OrderLineInput(
                item=ln.item,
                quantity=ln.quantity,
                unit_price=ln.unit_price,
                tax_rate=ln.tax_rate,
                unit_cost=ln.unit_cost,
            )
            for ln in detail.lines
        ],
        instalments=list(detail.instalments) or None,
    )
