"""Adjustments to open items: write-offs (尾差 / discount / bad debt), refunds, credit notes.

Re-exported by ``desktop_ar.services.payments``; split out to keep files small.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    CreditNote,
    Customer,
    Invoice,
    Payment,
    Refund,
    ScheduleLine,
    WriteOff,
)
from desktop_ar.db.models.payments import PAYMENT_METHODS
from desktop_ar.domain import allocation as alloc
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import (
    apply_plan,
    credit_note_status,
    get_row,
    invalid,
    load_open_items,
    plan_json,
    posted_payment,
    user_errors,
)
from desktop_ar.services.permissions import require
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import uow

WRITE_OFF_KINDS = ("small_difference", "discount", "bad_debt")


def _tolerated(session: Session, invoice: Invoice, amount: Money, kind: str) -> bool:
    settings = load_settings(session)
    tolerance = settings.writeoff_tolerance
    in_base = amount
    if amount.currency != tolerance.currency:
        in_base = amount.convert(invoice.exchange_rate, tolerance.currency)
    if alloc.within_tolerance(in_base, tolerance):
        return True
    if kind == "discount":
        offered = session.execute(
            select(func.coalesce(func.sum(ScheduleLine.discount_minor), 0)).where(
                ScheduleLine.invoice_id == invoice.id, ScheduleLine.open_minor > 0
            )
        ).scalar_one()
        return 0 < amount.minor <= int(offered)
    return False


def check_tolerance(session: Session, invoice: Invoice, value: Money, kind: str) -> None:
    """Refuse a write-off of ``value`` on ``invoice`` beyond the company tolerance.

    A ``discount`` may also go up to the early-payment discount its open lines offer.

    Raises:
        UserFacingError: ``beyond_tolerance``; ``currency_mismatch`` for an unusable rate.
    """
    with user_errors():
        tolerated = _tolerated(session, invoice, value, kind)
    if not tolerated:
        tolerance = load_settings(session).writeoff_tolerance
        raise UserFacingError("beyond_tolerance", amount=str(value), tolerance=str(tolerance))


def post_write_off(
    session: Session,
    ctx: ServiceContext,
    invoice: Invoice,
    value: Money,
    *,
    kind: str,
    reason: str,
    on: date,
    line_id: int | None = None,
    payment_id: int | None = None,
) -> WriteOff:
    """Write a ``WriteOff`` row and close ``value`` of the invoice's open lines with it.

    Runs inside the caller's transaction; the caller checks permission and tolerance.

    Args:
        session: the caller's write transaction.
        ctx: the service context (user, clock).
        invoice: the invoice written off.
        value: how much, in the invoice currency.
        kind: one of ``WRITE_OFF_KINDS``.
        reason: why (kept on the row).
        on: the write-off date.
        line_id: only this schedule line; otherwise the invoice's lines oldest due first.
        payment_id: the receipt this write-off goes with (reversing it reverses this too).

    Returns:
        The new row (flushed).

    Raises:
        UserFacingError: ``over_allocation`` when less than ``value`` is open there.
    """
    row = WriteOff(
        customer_id=invoice.customer_id,
        invoice_id=invoice.id,
        write_off_date=on,
        currency=invoice.currency,
        amount_minor=value.minor,
        kind=kind,
        reason=reason.strip(),
        approved_by=ctx.user,
        payment_id=payment_id,
        created_at=ctx.clock.now(),
    )
    session.add(row)
    session.flush()
    items = load_open_items(session, invoice.customer_id, invoice.currency, invoice_id=invoice.id)
    if line_id is not None:
        items = [item for item in items if item.key == line_id]
    with user_errors():
        plan = alloc.oldest_first(items, value)
    if plan.unallocated.minor:
        open_there = Money.sum((i.open for i in items), invoice.currency)
        raise UserFacingError("over_allocation", amount=str(value), available=str(open_there))
    apply_plan(session, ctx, plan, on=on, write_off=row)
    if kind == "bad_debt" and invoice.open_minor == 0:
        invoice.status = "written_off"
    session.flush()
    return row


def write_off_difference(
    ctx: ServiceContext,
    invoice_id: int,
    amount: Money | None,
    reason: str,
    kind: str = "small_difference",
) -> Changes:
    """Write off what is left on an invoice (尾差, an early-payment discount or a bad debt).

    Args:
        ctx: the service context.
        invoice_id: the invoice.
        amount: how much; None = its whole open amount.
        reason: why.
        kind: ``small_difference`` and ``discount`` must be within the company tolerance
            (a discount also up to the terms' discount); ``bad_debt`` may be any amount and
            marks the invoice ``written_off`` once it is closed.

    Raises:
        UserFacingError: ``beyond_tolerance``, ``over_allocation`` or ``invalid``.
    """
    require(ctx, "write_off")
    if kind not in WRITE_OFF_KINDS:
        raise invalid("kind", f"use one of {', '.join(WRITE_OFF_KINDS)}")
    with uow(ctx) as s:
        invoice = get_row(s, Invoice, invoice_id, "Invoice")
        if invoice.status == "void" or invoice.open_minor == 0:
            raise invalid("invoice", f"{invoice.number} has nothing open")
        value = amount if amount is not None else Money(invoice.open_minor, invoice.currency)
        if value.currency != invoice.currency:
            raise invalid("amount", f"enter it in {invoice.currency}")
        if value.minor <= 0:
            raise invalid("amount", "must be more than zero")
        open_amount = Money(invoice.open_minor, invoice.currency)
        if value > open_amount:
            raise UserFacingError("over_allocation", amount=str(value), available=str(open_amount))
        if kind != "bad_debt":
            check_tolerance(s, invoice, value, kind)
        row = post_write_off(s, ctx, invoice, value, kind=kind, reason=reason, on=ctx.clock.today())
        after = audit.snapshot(row, ("invoice_id", "amount_minor", "kind", "reason", "currency"))
        audit.record(s, ctx, "write_off", "write_off", row.id, after=after)
        return Changes(customers={invoice.customer_id}, invoices={invoice.id})


def _credit_sources(
    session: Session,
    customer_id: int,
    currency: str,
    payment_id: int | None,
    credit_note_id: int | None,
) -> list[Payment | CreditNote]:
    if payment_id is not None:
        payment = posted_payment(session, payment_id)
        sources: list[Payment | CreditNote] = [payment]
    elif credit_note_id is not None:
        sources = [get_row(session, CreditNote, credit_note_id, "Credit note")]
    else:
        payments = (
            select(Payment)
            .where(
                Payment.customer_id == customer_id,
                Payment.currency == currency,
                Payment.status == "posted",
                Payment.unallocated_minor > 0,
            )
            .order_by(Payment.payment_date, Payment.id)
        )
        notes = (
            select(CreditNote)
            .where(
                CreditNote.customer_id == customer_id,
                CreditNote.currency == currency,
                CreditNote.status == "open",
                CreditNote.unallocated_minor > 0,
            )
            .order_by(CreditNote.issue_date, CreditNote.id)
        )
        sources = [*session.execute(payments).scalars(), *session.execute(notes).scalars()]
    for src in sources:
        if src.customer_id != customer_id:
            raise invalid("source", f"{src.number} belongs to another customer")
        if src.currency != currency:
            raise invalid("amount", f"enter it in {src.currency}")
    return sources


def refund(
    ctx: ServiceContext,
    customer_id: int,
    amount: Money,
    on: date,
    *,
    payment_id: int | None = None,
    credit_note_id: int | None = None,
    method: str = "bank_transfer",
    reference: str = "",
) -> Changes:
    """Pay a customer's credit back.

    The money comes from one overpayment (``payment_id``), one credit note
    (``credit_note_id``), or, when neither is given, the customer's unallocated payments and
    then credit notes, oldest first (one ``Refund`` row per source used).

    Raises:
        UserFacingError: ``over_allocation`` when the credit is smaller than ``amount``.
    """
    require(ctx, "post_payments")
    if payment_id is not None and credit_note_id is not None:
        raise invalid("source", "refund from a payment or a credit note, not both")
    if amount.minor <= 0:
        raise invalid("amount", "the refund must be more than zero")
    if method not in PAYMENT_METHODS:
        raise invalid("method", f"use one of {', '.join(PAYMENT_METHODS)}")
    with uow(ctx) as s:
        get_row(s, Customer, customer_id, "Customer")
        sources = _credit_sources(s, customer_id, amount.currency, payment_id, credit_note_id)
        available = sum(src.unallocated_minor for src in sources)
        if amount.minor > available:
            raise UserFacingError(
                "over_allocation",
                amount=str(amount),
                available=str(Money(available, amount.currency)),
            )
        left = amount.minor
        changes = Changes(customers={customer_id})
        done: list[dict[str, Any]] = []
        for src in sources:
            take = min(left, src.unallocated_minor)
            if take <= 0:
                continue
            is_payment = isinstance(src, Payment)
            s.add(
                Refund(
                    customer_id=customer_id,
                    payment_id=src.id if is_payment else None,
                    credit_note_id=None if is_payment else src.id,
                    refund_date=on,
                    currency=amount.currency,
                    amount_minor=take,
                    method=method,
                    reference=reference.strip(),
                    created_at=ctx.clock.now(),
                )
            )
            src.unallocated_minor -= take
            if isinstance(src, CreditNote):
                src.status = credit_note_status(src)
                changes.credit_notes.add(src.id)
            else:
                changes.payments.add(src.id)
            done.append({"source": src.number, "amount_minor": take})
            left -= take
        s.flush()
        audit.record(s, ctx, "refund", "customer", customer_id, after={"refunds": done})
        return changes


def apply_credit_note(
    ctx: ServiceContext, credit_note_id: int, requested: Mapping[int, Money] | None = None
) -> Changes:
    """Apply a credit note's unused amount to open invoices.

    ``requested`` maps schedule line ids to amounts; without it the credit goes oldest-first
    to the customer's open invoices (disputed ones skipped).

    Raises:
        UserFacingError: ``over_allocation`` / ``invalid``; nothing is written then.
    """
    require(ctx, "post_payments")
    with uow(ctx) as s:
        note = get_row(s, CreditNote, credit_note_id, "Credit note")
        if note.status == "void" or note.unallocated_minor == 0:
            raise invalid("credit_note", f"{note.number} has nothing left to apply")
        amount = Money(note.unallocated_minor, note.currency)
        items = load_open_items(
            s, note.customer_id, note.currency, include_disputed=requested is not None
        )
        with user_errors():
            if requested is None:
                plan = alloc.oldest_first(items, amount)
            else:
                plan = alloc.manual(items, amount, requested)
        if not plan.allocations:
            return Changes()
        on = max(ctx.clock.today(), note.issue_date)
        touched = apply_plan(s, ctx, plan, on=on, credit_note=note)
        audit.record(
            s,
            ctx,
            "apply_credit_note",
            "credit_note",
            credit_note_id,
            after={"allocations": plan_json(plan), "unallocated_minor": note.unallocated_minor},
        )
        return Changes(
            customers={note.customer_id}, invoices=touched, credit_notes={credit_note_id}
        )
