"""Receipts (收款) and their allocation (核销), reversals, write-offs, refunds and credits.

Every function is one transaction: the rows it changes are re-read under the write lock, the
plan comes from ``desktop_ar.domain.allocation``, and ``services.ledger`` writes it while keeping
the maintained balances in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    Allocation,
    Customer,
    Invoice,
    Payment,
    Refund,
    WriteOff,
)
from desktop_ar.db.models.payments import PAYMENT_METHODS
from desktop_ar.domain import allocation as alloc
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.adjustments import (
    WRITE_OFF_KINDS,
    apply_credit_note,
    refund,
    write_off_difference,
)
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.exceptions_queue import detect_for_payment, resolve_for_reversal
from desktop_ar.services.ledger import (
    apply_plan,
    get_row,
    invalid,
    live_allocations,
    load_open_items,
    plan_json,
    posted_payment,
    undo_allocation,
    user_errors,
)
from desktop_ar.services.permissions import require
from desktop_ar.services.settings import next_number
from desktop_ar.services.uow import reader, uow

__all__ = [
    "MODES",
    "WRITE_OFF_KINDS",
    "PaymentInput",
    "PaymentResult",
    "allocate_payment",
    "apply_credit_note",
    "insert_payment",
    "record_payment",
    "refund",
    "reverse_in",
    "reverse_payment",
    "unallocate",
    "write_off_difference",
]

MODES = ("oldest", "reference", "none", "manual")
_PAYMENT_AUDIT = (
    "number", "customer_id", "payment_date", "currency", "exchange_rate", "amount_minor",
    "unallocated_minor", "method", "reference", "status", "reversed_on", "idempotency_key",
)  # fmt: skip
_ALLOCATION_AUDIT = (
    "payment_id", "credit_note_id", "invoice_id", "schedule_line_id", "amount_minor", "reversed_on",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PaymentInput:
    """Money received. ``customer_id`` None records an unidentified receipt (待认领)."""

    customer_id: int | None
    payment_date: date
    amount: Money
    method: str = "bank_transfer"
    reference: str = ""
    payer_name: str = ""
    bank_account: str = ""
    exchange_rate: Decimal = Decimal(1)
    notes: str = ""


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """What posting a payment did; ``repeated`` when an idempotency key returned an old one."""

    payment_id: int
    number: str
    allocated: Money
    unallocated: Money
    invoice_ids: tuple[int, ...]
    repeated: bool = False


def _plan(
    session: Session,
    payment: Payment,
    mode: str,
    requested: Mapping[int, Money] | None,
    reference_text: str | None = None,
) -> alloc.AllocationPlan:
    amount = Money(payment.unallocated_minor, payment.currency)
    nothing = alloc.AllocationPlan((), amount)
    if mode not in MODES:
        raise invalid("allocation", f"use one of {', '.join(MODES)}")
    if mode == "none" or (amount.minor == 0 and mode != "manual"):
        return nothing
    if payment.customer_id is None:
        if mode == "manual":
            raise invalid("customer", "assign the payment to a customer first")
        return nothing
    with user_errors():
        if mode == "oldest":
            items = load_open_items(
                session, payment.customer_id, payment.currency, include_disputed=False
            )
            return alloc.oldest_first(items, amount)
        items = load_open_items(session, payment.customer_id, payment.currency)
        if mode == "reference":
            text = payment.reference if reference_text is None else reference_text
            return alloc.by_reference(items, amount, text)
        return alloc.manual(items, amount, requested or {})


def _result(session: Session, payment: Payment, *, repeated: bool = False) -> PaymentResult:
    rows = live_allocations(session, payment_id=payment.id)
    allocated = sum(a.amount_minor for a in rows)
    return PaymentResult(
        payment_id=payment.id,
        number=payment.number,
        allocated=Money(allocated, payment.currency),
        unallocated=Money(payment.unallocated_minor, payment.currency),
        invoice_ids=tuple(dict.fromkeys(a.invoice_id for a in rows)),
        repeated=repeated,
    )


def _by_key(session: Session, key: str, data: PaymentInput) -> PaymentResult | None:
    payment = session.execute(
        select(Payment).where(Payment.idempotency_key == key)
    ).scalar_one_or_none()
    if payment is None:
        return None
    same = (payment.customer_id, payment.amount_minor, payment.currency) == (
        data.customer_id,
        data.amount.minor,
        data.amount.currency,
    )
    if not same:
        raise UserFacingError("duplicate", entity="Payment request", key=key)
    return _result(session, payment, repeated=True)


def record_payment(
    ctx: ServiceContext,
    data: PaymentInput,
    *,
    allocate: str = "oldest",
    manual: Mapping[int, Money] | None = None,
    idempotency_key: str | None = None,
) -> tuple[PaymentResult, Changes]:
    """Post a receipt and allocate it.

    Args:
        ctx: the service context.
        data: the receipt.
        allocate: ``oldest`` (oldest due first, disputed invoices skipped), ``reference``
            (the invoices named in ``data.reference``), ``none``, or ``manual``.
        manual: for ``manual``: schedule line id → amount.
        idempotency_key: the same key again returns the first result and writes nothing
            (a double-clicked "post" button).

    Returns:
        The result and the changes. What is not allocated stays as the customer's credit.

    Raises:
        PermissionDenied: the role may not post payments.
        UserFacingError: ``invalid`` naming the field, ``over_allocation``.
    """
    require(ctx, "post_payments")
    if data.method not in PAYMENT_METHODS:
        raise invalid("method", f"use one of {', '.join(PAYMENT_METHODS)}")
    if data.amount.minor <= 0:
        raise invalid("amount", "the payment must be more than zero")
    rate = data.exchange_rate
    if isinstance(rate, float) or not isinstance(rate, Decimal) or not rate > 0:
        raise invalid("exchange_rate", "must be a Decimal more than zero")
    if manual is not None and allocate != "manual":
        raise invalid("allocation", "manual amounts need allocate='manual'")
    key = (idempotency_key or "").strip() or None
    if key is not None and len(key) > 64:
        raise invalid("idempotency_key", "at most 64 characters")
    try:
        with uow(ctx) as s:
            if key is not None and (found := _by_key(s, key, data)) is not None:
                return found, Changes()
            payment, touched = insert_payment(s, ctx, data, allocate, manual, key=key)
            customers = {data.customer_id} if data.customer_id is not None else set()
            changes = Changes(customers=customers, invoices=touched, payments={payment.id})
            return _result(s, payment), changes
    except IntegrityError:
        # Another writer (PostgreSQL) committed the same key between our check and insert.
        if key is None:
            raise
        with reader(ctx) as s:
            found = _by_key(s, key, data)
        if found is None:
            raise
        return found, Changes()


def insert_payment(
    s: Session,
    ctx: ServiceContext,
    data: PaymentInput,
    mode: str,
    requested: Mapping[int, Money] | None = None,
    *,
    key: str | None = None,
    reference_text: str | None = None,
) -> tuple[Payment, set[int]]:
    """Post and allocate a receipt in the caller's transaction (audited); the invoices touched.

    ``reference_text`` replaces the reference for ``mode="reference"`` (an import's invoice column).
    """
    if data.customer_id is not None:
        get_row(s, Customer, data.customer_id, "Customer")
    payment = Payment(
        number=next_number(s, "payment"),
        customer_id=data.customer_id,
        payment_date=data.payment_date,
        currency=data.amount.currency,
        exchange_rate=data.exchange_rate,
        amount_minor=data.amount.minor,
        unallocated_minor=data.amount.minor,
        method=data.method,
        reference=data.reference.strip(),
        payer_name=data.payer_name.strip(),
        bank_account=data.bank_account.strip(),
        status="posted",
        idempotency_key=key,
        notes=data.notes,
        created_at=ctx.clock.now(),
    )
    s.add(payment)
    s.flush()
    plan = _plan(s, payment, mode, requested, reference_text)
    touched = apply_plan(s, ctx, plan, on=data.payment_date, payment=payment)
    after = audit.snapshot(payment, _PAYMENT_AUDIT)
    after["allocations"] = plan_json(plan)
    after["exceptions"] = detect_for_payment(s, ctx, payment.id)
    audit.record(s, ctx, "record_payment", "payment", payment.id, after=after)
    return payment, touched


def allocate_payment(
    ctx: ServiceContext,
    payment_id: int,
    requested: Mapping[int, Money] | None = None,
    *,
    mode: str = "oldest",
) -> Changes:
    """Allocate what is left of a payment: ``requested`` (schedule line id → amount) or by mode.

    Raises:
        UserFacingError: ``over_allocation`` / ``invalid`` when the amounts do not fit; nothing
            is written then.
    """
    require(ctx, "post_payments")
    with uow(ctx) as s:
        payment = posted_payment(s, payment_id)
        if payment.customer_id is None:
            raise invalid("customer", "assign the payment to a customer first")
        plan = _plan(s, payment, "manual" if requested is not None else mode, requested)
        if not plan.allocations:
            return Changes()
        on = max(ctx.clock.today(), payment.payment_date)
        touched = apply_plan(s, ctx, plan, on=on, payment=payment)
        audit.record(
            s,
            ctx,
            "allocate_payment",
            "payment",
            payment_id,
            after={
                "allocations": plan_json(plan),
                "unallocated_minor": payment.unallocated_minor,
                "exceptions": detect_for_payment(s, ctx, payment_id),
            },
        )
        return Changes(customers={payment.customer_id}, invoices=touched, payments={payment_id})


def unallocate(ctx: ServiceContext, allocation_id: int) -> Changes:
    """Undo one allocation of a payment or credit note (it is kept, marked reversed).

    Raises:
        UserFacingError: ``already_reversed``; ``invalid`` for a write-off's allocation.
    """
    require(ctx, "post_payments")
    with uow(ctx) as s:
        row = get_row(s, Allocation, allocation_id, "Allocation")
        if row.write_off_id is not None:
            raise invalid("allocation", "a write-off cannot be undone here")
        before = audit.snapshot(row, _ALLOCATION_AUDIT)
        invoice_id = undo_allocation(s, row, ctx.clock.today())
        s.flush()
        audit.record(
            s,
            ctx,
            "unallocate",
            "allocation",
            allocation_id,
            before=before,
            after={"reversed_on": row.reversed_on},
        )
        invoice = get_row(s, Invoice, invoice_id, "Invoice")
        return Changes(
            customers={invoice.customer_id},
            invoices={invoice_id},
            payments={row.payment_id} if row.payment_id else set(),
            credit_notes={row.credit_note_id} if row.credit_note_id else set(),
        )


def reverse_payment(ctx: ServiceContext, payment_id: int, on: date, reason: str) -> Changes:
    """Reverse a bounced or mistaken payment: every allocation is undone, the invoices reopen.

    Its open exceptions are resolved (and a suspected duplicate of it on another receipt) in
    the same transaction; the audit row lists them under ``resolved_exceptions``.

    Raises:
        UserFacingError: ``already_reversed`` the second time; ``invalid`` after a refund.
    """
    require(ctx, "post_payments")
    with uow(ctx) as s:
        return reverse_in(s, ctx, payment_id, on, reason)


def reverse_in(s: Session, ctx: ServiceContext, payment_id: int, on: date, reason: str) -> Changes:
    """``reverse_payment`` in the caller's transaction (audited); the caller checks permission."""
    payment = posted_payment(s, payment_id)
    refunded = s.execute(select(Refund.id).where(Refund.payment_id == payment_id)).first()
    if refunded:
        raise invalid("payment", f"{payment.number} was partly refunded")
    before = audit.snapshot(payment, _PAYMENT_AUDIT)
    invoices = {undo_allocation(s, row, on) for row in live_allocations(s, payment_id=payment_id)}
    # Discounts and small differences written off with this receipt go with it.
    linked = s.execute(select(WriteOff.id).where(WriteOff.payment_id == payment_id))
    for (write_off_id,) in linked.all():
        invoices |= {
            undo_allocation(s, row, on) for row in live_allocations(s, write_off_id=write_off_id)
        }
    payment.status = "reversed"
    payment.reversed_on = on
    payment.unallocated_minor = payment.amount_minor
    payment.notes = f"{payment.notes}\nReversed: {reason.strip()}".strip()
    s.flush()
    resolved, others = resolve_for_reversal(s, payment, on, reason)
    after = {
        **audit.snapshot(payment, _PAYMENT_AUDIT),
        "reason": reason.strip(),
        "resolved_exceptions": resolved,
    }
    audit.record(s, ctx, "reverse_payment", "payment", payment_id, before=before, after=after)
    customers = {payment.customer_id} if payment.customer_id is not None else set()
    return Changes(customers=customers, invoices=invoices, payments={payment_id, *others})


# The allocation dialog's reads and its one-transaction apply (manual amounts, early-payment
# discounts, a small write-off) live in payment_allocation.py to keep this file small; they are
# part of this module's API.
from desktop_ar.services import payment_allocation as _allocation  # noqa: E402

OpenLineDTO = _allocation.OpenLineDTO
AllocationInfo = _allocation.AllocationInfo
open_items_for_payment = _allocation.open_items_for_payment
payment_for_allocation = _allocation.payment_for_allocation
propose_allocation = _allocation.propose_allocation
apply_allocation = _allocation.apply_allocation
