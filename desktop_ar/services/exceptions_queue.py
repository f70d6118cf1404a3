"""The payment exceptions queue (付款异常): raised when money is posted, worked until resolved.

``detect_for_payment`` runs inside the posting transaction (``record_payment``,
``allocate_payment``, ``assign_customer_to_payment``): it gathers the facts of one receipt, asks
``domain.exceptions.detect`` what is wrong, and inserts one ``payment_exceptions`` row per new
finding, owned by the customer's collector. The ids it returns go into the *caller's* audit row
(``after["exceptions"]``), so one service call stays one audit row. The other services here
work an exception: assign an owner, move it along (open → in progress → resolved, with a
resolution), add notes, and give an unidentified receipt its customer. ``resolve_for_reversal``
closes, inside ``reverse_payment``'s transaction, what a reversed receipt leaves moot.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Customer, ExceptionNote, Payment, PaymentException
from desktop_ar.db.models.activity import EXCEPTION_STATUSES
from desktop_ar.domain import allocation as alloc
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.exception_facts import findings, orphaned_duplicates, policy
from desktop_ar.services.exception_views import ExceptionDetail, ExceptionNoteDTO, exception_detail
from desktop_ar.services.ledger import (
    apply_plan,
    get_row,
    invalid,
    load_open_items,
    plan_json,
    posted_payment,
    user_errors,
)
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import uow

__all__ = [
    "ASSIGN_MODES",
    "WORK_ACTION",
    "ExceptionDetail",
    "ExceptionNoteDTO",
    "add_note",
    "assign",
    "assign_customer_to_payment",
    "detect_for_payment",
    "exception_detail",
    "policy",
    "resolve_for_reversal",
    "set_status",
]

# Working the queue is follow-up work: collectors own exceptions, so they may work them too.
WORK_ACTION = "log_contacts"
ASSIGN_MODES = ("oldest", "reference", "none")
_AUDIT = ("kind", "payment_id", "invoice_id", "owner", "status", "resolution", "resolved_on")


# ---- detection (inside the caller's transaction) ---------------------------------------------


def detect_for_payment(session: Session, ctx: ServiceContext, payment_id: int) -> list[int]:
    """Raise the exceptions of one posted payment (inside the caller's write transaction).

    A problem already raised for the same payment, kind and invoice is never raised again,
    whatever its status: a resolved late payment stays resolved when more of the payment is
    allocated later. The new rows are open, owned by the customer's collector ('' if none).

    Args:
        session: the caller's write transaction (the payment's allocations are flushed).
        ctx: the service context (today, now).
        payment_id: the payment to look at; a reversed payment raises nothing.

    Returns:
        The ids of the exceptions created, for the caller's audit row.
    """
    payment = get_row(session, Payment, payment_id, "Payment")
    if payment.status != "posted":
        return []
    session.flush()
    found = findings(session, payment, policy(session))
    if not found:
        return []
    existing = set(
        session.execute(
            select(PaymentException.kind, PaymentException.invoice_id).where(
                PaymentException.payment_id == payment_id
            )
        ).all()
    )
    owner = ""
    if payment.customer_id is not None:
        owner = get_row(session, Customer, payment.customer_id, "Customer").collector
    created: list[PaymentException] = []
    for f in found:
        if (f.kind, f.invoice_key) in existing:
            continue
        existing.add((f.kind, f.invoice_key))
        row = PaymentException(
            kind=f.kind,
            payment_id=payment_id,
            invoice_id=f.invoice_key,
            customer_id=payment.customer_id,
            detected_on=ctx.clock.today(),
            cause=f.cause,
            currency=f.amount.currency,
            amount_minor=f.amount.minor,
            owner=owner,
            status="open",
            created_at=ctx.clock.now(),
        )
        session.add(row)
        created.append(row)
    session.flush()
    return [row.id for row in created]


def resolve_for_reversal(
    session: Session, payment: Payment, on: date, reason: str
) -> tuple[list[int], set[int]]:
    """Resolve what a reversed payment leaves moot (inside ``reverse_payment``'s transaction).

    Every exception of the payment still open or in progress is resolved "Payment reversed:
    <reason>" on ``on``; so is the suspected-duplicate exception of another receipt that
    looked like a duplicate of this one only ("Payment <number> reversed: <reason>").

    Args:
        session: the caller's write transaction, with the payment already marked reversed.
        payment: the reversed payment.
        on: the reversal date (the exceptions' resolution date).
        reason: why the payment was reversed.

    Returns:
        The ids of the exceptions resolved, for the caller's audit row, and the ids of the
        other payments whose exceptions were resolved.
    """
    session.flush()
    partners = orphaned_duplicates(session, payment, policy(session))
    theirs = and_(PaymentException.payment_id.in_(partners), PaymentException.kind == "duplicate")
    query = select(PaymentException).where(
        or_(PaymentException.payment_id == payment.id, theirs),
        PaymentException.status != "resolved",
    )
    rows = list(session.execute(query.order_by(PaymentException.id)).scalars())
    reason = reason.strip()
    for row in rows:
        what = "Payment reversed"
        if row.payment_id != payment.id:
            what = f"Payment {payment.number} reversed"
        _resolve(row, f"{what}: {reason}" if reason else what, on)
    session.flush()
    return [row.id for row in rows], set(partners) & {row.payment_id for row in rows}


def _resolve(row: PaymentException, resolution: str, on: date) -> None:
    row.status = "resolved"
    row.resolution = resolution
    row.resolved_on = on


# ---- working an exception ----------------------------------------------------------------------


def _changes(row: PaymentException) -> Changes:
    """Exceptions hang off payments: pages listing payments or exceptions refresh."""
    payments = {row.payment_id} if row.payment_id is not None else set()
    customers = {row.customer_id} if row.customer_id is not None else set()
    return Changes(customers=customers, payments=payments)


def assign(ctx: ServiceContext, exception_id: int, owner: str) -> Changes:
    """Give an exception to someone ('' leaves it unassigned).

    Raises:
        PermissionDenied: the role may not work exceptions.
        NotFound: no such exception.
    """
    require(ctx, WORK_ACTION)
    owner = owner.strip()
    if len(owner) > 100:
        raise invalid("owner", "at most 100 characters")
    with uow(ctx) as s:
        row = get_row(s, PaymentException, exception_id, "Exception")
        if row.owner == owner:
            return Changes()
        before = audit.snapshot(row, ("owner",))
        row.owner = owner
        s.flush()
        audit.record(
            s,
            ctx,
            "assign_exception",
            "payment_exception",
            exception_id,
            before=before,
            after={"owner": owner},
        )
        return _changes(row)


def _note(s: Session, ctx: ServiceContext, exception_id: int, text: str) -> None:
    s.add(ExceptionNote(exception_id=exception_id, at=ctx.clock.now(), author=ctx.user, text=text))


def set_status(
    ctx: ServiceContext, exception_id: int, status: str, resolution: str = ""
) -> Changes:
    """Move an exception to ``open``, ``in_progress`` or ``resolved``.

    Resolving needs a resolution text and dates the exception today; reopening a resolved
    exception clears its resolution and keeps the old one as a note.

    Raises:
        PermissionDenied: the role may not work exceptions.
        UserFacingError: ``invalid`` for an unknown status or a resolution left empty.
    """
    require(ctx, WORK_ACTION)
    resolution = resolution.strip()
    if status not in EXCEPTION_STATUSES:
        raise invalid("status", f"use one of {', '.join(EXCEPTION_STATUSES)}")
    if status == "resolved" and not resolution:
        raise invalid("resolution", "say how the exception was resolved")
    with uow(ctx) as s:
        row = get_row(s, PaymentException, exception_id, "Exception")
        if row.status == status and (status != "resolved" or row.resolution == resolution):
            return Changes()
        before = audit.snapshot(row, _AUDIT)
        if row.status == "resolved" and status != "resolved":
            _note(s, ctx, exception_id, f"Reopened; it was resolved: {row.resolution}")
        row.status = status
        row.resolution = resolution if status == "resolved" else ""
        row.resolved_on = ctx.clock.today() if status == "resolved" else None
        s.flush()
        after = audit.snapshot(row, _AUDIT)
        audit.record(
            s,
            ctx,
            "set_exception_status",
            "payment_exception",
            exception_id,
            before=before,
            after=after,
        )
        return _changes(row)


def add_note(ctx: ServiceContext, exception_id: int, text: str) -> Changes:
    """Add a note (what was done, by whom, when) to an exception.

    Raises:
        PermissionDenied: the role may not work exceptions.
        UserFacingError: ``invalid`` for an empty note.
    """
    require(ctx, WORK_ACTION)
    text = text.strip()
    if not text:
        raise invalid("note", "write something")
    with uow(ctx) as s:
        row = get_row(s, PaymentException, exception_id, "Exception")
        _note(s, ctx, exception_id, text)
        s.flush()
        audit.record(
            s, ctx, "add_exception_note", "payment_exception", exception_id, after={"text": text}
        )
        return _changes(row)


# ---- unidentified receipts ---------------------------------------------------------------------


def assign_customer_to_payment(
    ctx: ServiceContext, payment_id: int, customer_id: int, *, allocate: str = "oldest"
) -> tuple[list[int], Changes]:
    """Give an unidentified receipt its customer, allocate it, and resolve the exception.

    The open ``unidentified`` exception is resolved with a resolution naming the customer;
    the receipt is then checked again like a newly posted one (late, short, overpaid…).

    Args:
        ctx: the service context.
        payment_id: a posted payment without a customer.
        customer_id: whose money it is.
        allocate: ``oldest`` (disputed invoices skipped), ``reference`` or ``none``.

    Returns:
        The ids of the exceptions raised by the new check, and the changes.

    Raises:
        PermissionDenied: the role may not post payments.
        UserFacingError: ``invalid`` when the payment already has a customer or the mode is
            unknown; ``already_reversed``; ``not_found``.
    """
    require(ctx, "post_payments")
    if allocate not in ASSIGN_MODES:
        raise invalid("allocation", f"use one of {', '.join(ASSIGN_MODES)}")
    with uow(ctx) as s:
        payment = posted_payment(s, payment_id)
        if payment.customer_id is not None:
            raise invalid("customer", f"{payment.number} already has a customer")
        customer = get_row(s, Customer, customer_id, "Customer")
        payment.customer_id = customer.id
        s.flush()
        amount = Money(payment.unallocated_minor, payment.currency)
        plan = alloc.AllocationPlan((), amount)
        with user_errors():
            if allocate == "oldest":
                items = load_open_items(s, customer.id, payment.currency, include_disputed=False)
                plan = alloc.oldest_first(items, amount)
            elif allocate == "reference":
                items = load_open_items(s, customer.id, payment.currency)
                plan = alloc.by_reference(items, amount, payment.reference)
        on = max(ctx.clock.today(), payment.payment_date)
        touched = apply_plan(s, ctx, plan, on=on, payment=payment) if plan.allocations else set()
        resolved = _resolve_unidentified(s, ctx, payment, customer)
        created = detect_for_payment(s, ctx, payment_id)
        after = {
            "customer_id": customer.id,
            "allocations": plan_json(plan),
            "unallocated_minor": payment.unallocated_minor,
            "resolved": resolved,
            "exceptions": created,
        }
        audit.record(
            s,
            ctx,
            "assign_customer_to_payment",
            "payment",
            payment_id,
            before={"customer_id": None},
            after=after,
        )
        return created, Changes(customers={customer.id}, invoices=touched, payments={payment_id})


def _resolve_unidentified(
    s: Session, ctx: ServiceContext, payment: Payment, customer: Customer
) -> list[int]:
    rows = s.execute(
        select(PaymentException).where(
            PaymentException.payment_id == payment.id,
            PaymentException.kind == "unidentified",
            PaymentException.status != "resolved",
        )
    ).scalars()
    done = []
    for row in rows:
        _resolve(row, f"Assigned to customer {customer.code} {customer.name}", ctx.clock.today())
        row.customer_id = customer.id
        if not row.owner:
            row.owner = customer.collector
        done.append(row.id)
    return done
