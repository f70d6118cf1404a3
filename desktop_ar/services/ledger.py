"""Shared bookkeeping helpers for invoices, payments, credit notes and write-offs.

Every function here runs inside the caller's write transaction (``with uow(ctx) as s:``) and
keeps the maintained balances in step: ``ScheduleLine.open_minor``, ``Invoice.open_minor`` and
status, ``Payment.unallocated_minor`` and ``CreditNote.unallocated_minor``. Rows are changed
through the ORM, so the ``version_id`` columns of invoices, payments and credit notes turn a
concurrent change (two writers on PostgreSQL) into ``ConcurrentEditError`` rather than a lost
update. The database ``CHECK`` constraints are the last line of defence, not the first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Allocation, CreditNote, Invoice, Payment, ScheduleLine, WriteOff
from desktop_ar.domain.allocation import AllocationPlan, OpenItem
from desktop_ar.domain.errors import DomainError, NotFound, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext

T = TypeVar("T")

LIVE = Allocation.reversed_on.is_(None)
"""SQL condition: the allocation has not been undone."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a domain error (bad terms, over-allocation, …) into a ``UserFacingError``."""
    try:
        yield
    except UserFacingError:
        raise
    except DomainError as exc:
        raise UserFacingError(exc.code, **exc.params) from exc


def get_row(session: Session, model: type[T], key: int, entity: str) -> T:
    """Load one row by primary key or raise ``NotFound`` naming ``entity``."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(entity, key)
    return row


def invalid(field: str, reason: str) -> UserFacingError:
    """``UserFacingError("invalid")`` naming the field to fix."""
    return UserFacingError("invalid", field=field, reason=reason)


def posted_payment(session: Session, payment_id: int) -> Payment:
    """Load a payment that is still posted (not reversed)."""
    payment = get_row(session, Payment, payment_id, "Payment")
    if payment.status != "posted":
        raise UserFacingError("already_reversed", entity="Payment", key=payment.number)
    return payment


def plan_json(plan: AllocationPlan) -> list[tuple[int, str]]:
    """The allocations of a plan for an audit row: (schedule line id, amount)."""
    return [(a.key, a.amount.amount_str()) for a in plan.allocations]


def invoice_status(invoice: Invoice) -> str:
    """The status an invoice should have for its current open amount.

    ``void`` stays void; a closed invoice stays ``written_off`` if a bad debt closed it,
    otherwise it is ``paid``; untouched is ``open``; anything in between is ``partial``.
    """
    if invoice.status == "void":
        return "void"
    if invoice.open_minor == 0:
        return "written_off" if invoice.status == "written_off" else "paid"
    if invoice.open_minor >= invoice.amount_minor:
        return "open"
    return "partial"


def load_open_items(
    session: Session,
    customer_id: int,
    currency: str,
    *,
    invoice_id: int | None = None,
    include_disputed: bool = True,
) -> list[OpenItem]:
    """The open schedule lines of a customer in one currency, as domain ``OpenItem``s.

    Args:
        session: the caller's transaction.
        customer_id: whose invoices.
        currency: only invoices in this currency.
        invoice_id: only the lines of this invoice.
        include_disputed: False leaves disputed invoices out (automatic allocation).

    Returns:
        One item per line with something open; ``key`` is the schedule line id.
    """
    query = (
        select(
            ScheduleLine.id,
            Invoice.number,
            Invoice.issue_date,
            ScheduleLine.due_date,
            ScheduleLine.open_minor,
        )
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .where(
            Invoice.customer_id == customer_id,
            Invoice.currency == currency,
            Invoice.status != "void",
            ScheduleLine.open_minor > 0,
        )
        .order_by(ScheduleLine.due_date, Invoice.issue_date, Invoice.number, ScheduleLine.id)
    )
    if invoice_id is not None:
        query = query.where(Invoice.id == invoice_id)
    if not include_disputed:
        query = query.where(Invoice.disputed.is_(False))
    return [
        OpenItem(
            key=line_id,
            invoice_number=number,
            issue_date=issued,
            due_date=due,
            open=Money(open_minor, currency),
        )
        for line_id, number, issued, due, open_minor in session.execute(query)
    ]


def _over(amount: int, available: int, currency: str) -> UserFacingError:
    return UserFacingError(
        "over_allocation",
        amount=str(Money(amount, currency)),
        available=str(Money(available, currency)),
    )


def apply_plan(
    session: Session,
    ctx: ServiceContext,
    plan: AllocationPlan,
    *,
    on: date,
    payment: Payment | None = None,
    credit_note: CreditNote | None = None,
    write_off: WriteOff | None = None,
) -> set[int]:
    """Write the allocations of a plan from exactly one source and update every balance.

    Each schedule line and invoice is re-read inside the transaction and checked again, so a plan
    computed from stale figures is refused instead of over-allocating.

    Args:
        session: the caller's write transaction.
        ctx: the service context (for ``created_at``).
        plan: the allocations; keys are schedule line ids.
        on: the allocation date.
        payment: the payment being allocated, or
        credit_note: the credit note being applied, or
        write_off: the write-off closing the lines.

    Returns:
        The ids of the invoices touched.

    Raises:
        UserFacingError: ``over_allocation`` when a line or the source has less open than asked.
    """
    sources = [s for s in (payment, credit_note, write_off) if s is not None]
    if len(sources) != 1:
        raise ValueError("apply_plan needs exactly one source")
    total = sum(a.amount.minor for a in plan.allocations)
    source_left: int | None = None
    if payment is not None:
        source_left = payment.unallocated_minor
    elif credit_note is not None:
        source_left = credit_note.unallocated_minor
    currency = sources[0].currency
    if source_left is not None and total > source_left:
        raise _over(total, source_left, currency)
    touched: set[int] = set()
    now = ctx.clock.now()
    for alloc in plan.allocations:
        amount = alloc.amount.minor
        if alloc.amount.currency != currency:
            raise UserFacingError("currency_mismatch", left=currency, right=alloc.amount.currency)
        if amount <= 0:
            raise UserFacingError("invalid", field="allocation", reason="must be more than zero")
        line = get_row(session, ScheduleLine, alloc.key, "Schedule line")
        invoice = get_row(session, Invoice, line.invoice_id, "Invoice")
        if invoice.currency != currency:
            raise UserFacingError("currency_mismatch", left=currency, right=invoice.currency)
        if invoice.status == "void" or amount > line.open_minor:
            raise _over(amount, 0 if invoice.status == "void" else line.open_minor, currency)
        line.open_minor -= amount
        invoice.open_minor -= amount
        invoice.status = invoice_status(invoice)
        session.add(
            Allocation(
                payment_id=payment.id if payment is not None else None,
                credit_note_id=credit_note.id if credit_note is not None else None,
                write_off_id=write_off.id if write_off is not None else None,
                schedule_line_id=line.id,
                invoice_id=invoice.id,
                currency=currency,
                amount_minor=amount,
                allocation_date=on,
                created_at=now,
            )
        )
        touched.add(invoice.id)
    if payment is not None:
        payment.unallocated_minor -= total
    elif credit_note is not None:
        credit_note.unallocated_minor -= total
        credit_note.status = credit_note_status(credit_note)
    session.flush()
    return touched


def credit_note_status(note: CreditNote) -> str:
    """``applied`` once nothing is left to use, ``open`` otherwise (``void`` stays void)."""
    if note.status == "void":
        return "void"
    return "applied" if note.unallocated_minor == 0 else "open"


def undo_allocation(session: Session, allocation: Allocation, on: date) -> int:
    """Reverse one live allocation: restore the line, invoice and source balances.

    Args:
        session: the caller's write transaction.
        allocation: a live allocation (``reversed_on`` is None).
        on: the date recorded as ``reversed_on``.

    Returns:
        The invoice id whose open amount grew.

    Raises:
        UserFacingError: ``already_reversed`` when the allocation was undone before.
    """
    if allocation.reversed_on is not None:
        raise UserFacingError("already_reversed", entity="Allocation", key=allocation.id)
    amount = allocation.amount_minor
    line = get_row(session, ScheduleLine, allocation.schedule_line_id, "Schedule line")
    invoice = get_row(session, Invoice, allocation.invoice_id, "Invoice")
    line.open_minor += amount
    invoice.open_minor += amount
    invoice.status = invoice_status(invoice)  # something is open again: open or partial
    if allocation.payment_id is not None:
        payment = get_row(session, Payment, allocation.payment_id, "Payment")
        payment.unallocated_minor += amount
    elif allocation.credit_note_id is not None:
        note = get_row(session, CreditNote, allocation.credit_note_id, "Credit note")
        note.unallocated_minor += amount
        note.status = credit_note_status(note)
    allocation.reversed_on = on
    return invoice.id


def live_allocations(session: Session, **source: int) -> list[Allocation]:
    """The live allocations of one source, e.g. ``live_allocations(s, payment_id=5)``."""
    ((column_name, key),) = source.items()
    column = getattr(Allocation, column_name)
    query = select(Allocation).where(column == key, LIVE).order_by(Allocation.id)
    return list(session.execute(query).scalars())
