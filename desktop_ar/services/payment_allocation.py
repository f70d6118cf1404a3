"""The allocation dialog's use cases: what a payment can pay, a proposal, and the one apply.

``apply_allocation`` posts, in one transaction, the allocations the user chose, the early-payment
discounts earned by the payment date and a small difference written off within the tolerance.
Re-exported by ``desktop_ar.services.payments``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Customer, Invoice, Payment, ScheduleLine
from desktop_ar.domain import allocation as alloc
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.adjustments import check_tolerance, post_write_off
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.exceptions_queue import detect_for_payment
from desktop_ar.services.ledger import (
    apply_plan,
    get_row,
    invalid,
    plan_json,
    posted_payment,
    user_errors,
)
from desktop_ar.services.permissions import require
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader, uow

__all__ = [
    "PROPOSAL_MODES",
    "AllocationInfo",
    "OpenLineDTO",
    "apply_allocation",
    "open_items_for_payment",
    "payment_for_allocation",
    "propose_allocation",
]

PROPOSAL_MODES = ("oldest", "reference")


@dataclass(frozen=True, slots=True)
class OpenLineDTO:
    """One open schedule line (instalment) a payment may pay.

    ``discount`` is the early-payment discount the payment earns on this line (zero when the
    payment date is after ``discount_until`` or the terms offer none).
    """

    line_id: int
    invoice_id: int
    invoice_number: str
    seq: int
    instalments: int
    issue_date: date
    due_date: date
    amount: Money
    open: Money
    discount: Money
    discount_until: date | None
    disputed: bool


@dataclass(frozen=True, slots=True)
class AllocationInfo:
    """The payment being allocated, and the largest difference that may be written off."""

    payment_id: int
    number: str
    customer_id: int | None
    customer_code: str
    customer_name: str
    payment_date: date
    amount: Money
    unallocated: Money
    reference: str
    status: str
    write_off_limit: Money


def _lines(session: Session, payment: Payment) -> list[OpenLineDTO]:
    if payment.customer_id is None:
        return []
    ccy = payment.currency
    counts = (
        select(ScheduleLine.invoice_id, func.count().label("n"))
        .group_by(ScheduleLine.invoice_id)
        .subquery()
    )
    query = (
        select(ScheduleLine, Invoice.number, Invoice.issue_date, Invoice.disputed, counts.c.n)
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .join(counts, counts.c.invoice_id == Invoice.id)
        .where(
            Invoice.customer_id == payment.customer_id,
            Invoice.currency == ccy,
            Invoice.status != "void",
            ScheduleLine.open_minor > 0,
        )
        .order_by(ScheduleLine.due_date, Invoice.issue_date, Invoice.number, ScheduleLine.id)
    )
    out = []
    for line, number, issued, disputed, n in session.execute(query):
        until = line.discount_until
        earned = until is not None and payment.payment_date <= until
        discount = min(line.discount_minor, line.open_minor) if earned else 0
        out.append(
            OpenLineDTO(
                line_id=line.id,
                invoice_id=line.invoice_id,
                invoice_number=number,
                seq=line.seq,
                instalments=int(n),
                issue_date=issued,
                due_date=line.due_date,
                amount=Money(line.amount_minor, ccy),
                open=Money(line.open_minor, ccy),
                discount=Money(discount, ccy),
                discount_until=until,
                disputed=bool(disputed),
            )
        )
    return out


def payment_for_allocation(ctx: ServiceContext, payment_id: int) -> AllocationInfo:
    """The payment as the allocation dialog shows it.

    ``write_off_limit`` is the company write-off tolerance in the payment's currency (converted
    at the payment's rate and rounded down); the service re-checks at the invoice's rate.

    Raises:
        NotFound: no such payment.
    """
    with reader(ctx) as s:
        p = get_row(s, Payment, payment_id, "Payment")
        customer = s.get(Customer, p.customer_id) if p.customer_id is not None else None
        tolerance = load_settings(s).writeoff_tolerance
        if tolerance.currency == p.currency:
            limit = tolerance
        else:
            value = tolerance.to_decimal() / p.exchange_rate
            limit = Money.from_decimal(value, p.currency, rounding=ROUND_DOWN)
        return AllocationInfo(
            payment_id=p.id,
            number=p.number,
            customer_id=p.customer_id,
            customer_code=customer.code if customer is not None else "",
            customer_name=customer.name if customer is not None else p.payer_name,
            payment_date=p.payment_date,
            amount=Money(p.amount_minor, p.currency),
            unallocated=Money(p.unallocated_minor, p.currency),
            reference=p.reference,
            status=p.status,
            write_off_limit=limit,
        )


def open_items_for_payment(ctx: ServiceContext, payment_id: int) -> list[OpenLineDTO]:
    """The open schedule lines of the payment's customer in its currency, oldest due first.

    Disputed invoices are included (flagged); void ones and other currencies are not.
    An unidentified payment (no customer) has none.

    Raises:
        NotFound: no such payment.
    """
    with reader(ctx) as s:
        return _lines(s, get_row(s, Payment, payment_id, "Payment"))


def propose_allocation(ctx: ServiceContext, payment_id: int, mode: str) -> dict[int, Money]:
    """Propose how to allocate what is left of a payment; nothing is written.

    A line whose early-payment discount the payment earns needs only its open amount less the
    discount, so a customer who paid net of the discount closes the line (with the discount).

    Args:
        ctx: the service context.
        payment_id: the payment.
        mode: ``oldest`` (oldest due first, disputed invoices skipped) or ``reference`` (the
            invoices whose numbers appear in the payment reference).

    Returns:
        Schedule line id → amount to apply; empty when nothing fits.

    Raises:
        UserFacingError: ``invalid`` for an unknown mode.
    """
    if mode not in PROPOSAL_MODES:
        raise invalid("mode", f"use one of {', '.join(PROPOSAL_MODES)}")
    with reader(ctx) as s:
        payment = get_row(s, Payment, payment_id, "Payment")
        amount = Money(payment.unallocated_minor, payment.currency)
        lines = _lines(s, payment)
        if mode == "oldest":
            lines = [ln for ln in lines if not ln.disputed]
        items = [
            alloc.OpenItem(
                ln.line_id, ln.invoice_number, ln.issue_date, ln.due_date, ln.open - ln.discount
            )
            for ln in lines
            if ln.open > ln.discount
        ]
        with user_errors():
            if mode == "oldest":
                plan = alloc.oldest_first(items, amount)
            else:
                plan = alloc.by_reference(items, amount, payment.reference)
        return {a.key: a.amount for a in plan.allocations}


def _line(session: Session, payment: Payment, line_id: int) -> tuple[ScheduleLine, Invoice]:
    """A schedule line the payment may touch, with its invoice, re-read under the lock."""
    line = get_row(session, ScheduleLine, line_id, "Schedule line")
    invoice = get_row(session, Invoice, line.invoice_id, "Invoice")
    if invoice.customer_id != payment.customer_id:
        raise invalid(invoice.number, "the invoice belongs to another customer")
    if invoice.status == "void":
        raise invalid(invoice.number, "the invoice is cancelled (void); nothing can be applied")
    if invoice.currency != payment.currency:
        raise UserFacingError("currency_mismatch", left=payment.currency, right=invoice.currency)
    return line, invoice


def _positive(value: Money, name: str, currency: str) -> None:
    if value.currency != currency:
        raise invalid(name, f"enter the amount in {currency}")
    if value.minor <= 0:
        raise invalid(name, "the amount must be more than zero")


def apply_allocation(
    ctx: ServiceContext,
    payment_id: int,
    requested: Mapping[int, Money],
    *,
    discounts: Mapping[int, Money] | None = None,
    write_off: tuple[int, Money, str] | None = None,
) -> Changes:
    """Allocate a payment by hand, with earned discounts and a small write-off, in one go.

    Args:
        ctx: the service context.
        payment_id: a posted payment with a customer.
        requested: schedule line id → amount of the payment applied to it.
        discounts: schedule line id → early-payment discount written off (kind ``discount``);
            only when the payment date is on or before the line's ``discount_until`` and the
            amount is at most the line's discount.
        write_off: ``(schedule line id, amount, reason)``: a small difference left on that line
            written off (kind ``small_difference``) within the company tolerance.

    Returns:
        The changes. What the payment does not cover stays as the customer's credit.

    Raises:
        PermissionDenied: the role may not post payments (or write off, when asked to).
        UserFacingError: ``over_allocation`` (more than the payment or a line's open amount),
            ``invalid`` naming the invoice (cancelled, another customer, discount not earned,
            missing reason), ``currency_mismatch``, ``beyond_tolerance``; nothing is written.
    """
    require(ctx, "post_payments")
    discounts = dict(discounts or {})
    if discounts or write_off is not None:
        require(ctx, "write_off")
    if not requested and not discounts and write_off is None:
        raise invalid("allocation", "enter an amount to apply")
    with uow(ctx) as s:
        payment = posted_payment(s, payment_id)
        if payment.customer_id is None:
            raise invalid("customer", "assign the payment to a customer first")
        ccy = payment.currency
        on = max(ctx.clock.today(), payment.payment_date)
        items = []
        for line_id, value in requested.items():
            line, invoice = _line(s, payment, line_id)
            _positive(value, invoice.number, ccy)
            items.append(
                alloc.OpenItem(
                    line.id,
                    invoice.number,
                    invoice.issue_date,
                    line.due_date,
                    Money(line.open_minor, ccy),
                )
            )
        with user_errors():
            plan = alloc.manual(items, Money(payment.unallocated_minor, ccy), requested)
        touched = apply_plan(s, ctx, plan, on=on, payment=payment) if plan.allocations else set()
        record: dict[str, Any] = {"allocations": plan_json(plan), "discounts": []}
        for line_id, value in discounts.items():
            line, invoice = _line(s, payment, line_id)
            _positive(value, invoice.number, ccy)
            until = line.discount_until
            if until is None or line.discount_minor == 0:
                raise invalid(invoice.number, "its terms offer no early-payment discount")
            if payment.payment_date > until:
                raise invalid(invoice.number, f"the discount ended on {until.isoformat()}")
            if value.minor > line.discount_minor:
                offered = Money(line.discount_minor, ccy)
                raise invalid(invoice.number, f"the discount is at most {offered}")
            reason = f"Early-payment discount, {payment.number}"
            row = post_write_off(
                s,
                ctx,
                invoice,
                value,
                kind="discount",
                reason=reason,
                on=on,
                line_id=line.id,
                payment_id=payment_id,
            )
            touched.add(invoice.id)
            record["discounts"].append((line.id, value.amount_str(), row.id))
        if write_off is not None:
            line_id, value, why = write_off
            line, invoice = _line(s, payment, line_id)
            _positive(value, invoice.number, ccy)
            if not why.strip():
                raise invalid("reason", "say why the difference is written off")
            check_tolerance(s, invoice, value, "small_difference")
            row = post_write_off(
                s,
                ctx,
                invoice,
                value,
                kind="small_difference",
                reason=why,
                on=on,
                line_id=line.id,
                payment_id=payment_id,
            )
            touched.add(invoice.id)
            record["write_off"] = (line.id, value.amount_str(), why.strip(), row.id)
        record["unallocated_minor"] = payment.unallocated_minor
        # Like allocate_payment: short, late or disputed-invoice payments join the queue.
        record["exceptions"] = detect_for_payment(s, ctx, payment_id)
        audit.record(s, ctx, "apply_allocation", "payment", payment_id, after=record)
        return Changes(customers={payment.customer_id}, invoices=touched, payments={payment_id})
