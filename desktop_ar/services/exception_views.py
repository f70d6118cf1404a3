"""Reading one payment exception with everything around it (split out of ``exceptions_queue``).

``services.exceptions_queue`` re-exports these names; import them from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from desktop_ar.db.models import Customer, ExceptionNote, Invoice, Payment, PaymentException
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row
from desktop_ar.services.uow import reader

__all__ = ["ExceptionDetail", "ExceptionNoteDTO", "exception_detail"]


@dataclass(frozen=True, slots=True)
class ExceptionNoteDTO:
    """A note on an exception."""

    at: datetime
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class ExceptionDetail:
    """One exception with its payment, invoice, customer and notes (oldest note first)."""

    id: int
    kind: str
    cause: str
    status: str
    owner: str
    resolution: str
    detected_on: date
    resolved_on: date | None
    amount: Money
    payment_id: int | None
    payment_number: str
    payment_date: date | None
    payment_amount: Money | None
    payment_unallocated: Money | None
    payer_name: str
    reference: str
    invoice_id: int | None
    invoice_number: str
    customer_id: int | None
    customer_code: str
    customer_name: str
    notes: tuple[ExceptionNoteDTO, ...]
    version: int


def exception_detail(ctx: ServiceContext, exception_id: int) -> ExceptionDetail:
    """One exception with its payment, invoice, customer and notes.

    Raises:
        NotFound: no such exception.
    """
    with reader(ctx) as s:
        row = get_row(s, PaymentException, exception_id, "Exception")
        p = s.get(Payment, row.payment_id) if row.payment_id is not None else None
        inv = s.get(Invoice, row.invoice_id) if row.invoice_id is not None else None
        customer_id = p.customer_id if p is not None else row.customer_id
        c = s.get(Customer, customer_id) if customer_id is not None else None
        notes = s.execute(
            select(ExceptionNote)
            .where(ExceptionNote.exception_id == exception_id)
            .order_by(ExceptionNote.at, ExceptionNote.id)
        ).scalars()
        ccy = p.currency if p is not None else row.currency
        return ExceptionDetail(
            id=row.id,
            kind=row.kind,
            cause=row.cause,
            status=row.status,
            owner=row.owner,
            resolution=row.resolution,
            detected_on=row.detected_on,
            resolved_on=row.resolved_on,
            amount=Money(row.amount_minor, row.currency),
            payment_id=row.payment_id,
            payment_number=p.number if p is not None else "",
            payment_date=p.payment_date if p is not None else None,
            payment_amount=Money(p.amount_minor, ccy) if p is not None else None,
            payment_unallocated=Money(p.unallocated_minor, ccy) if p is not None else None,
            payer_name=p.payer_name if p is not None else "",
            reference=p.reference if p is not None else "",
            invoice_id=row.invoice_id,
            invoice_number=inv.number if inv is not None else "",
            customer_id=c.id if c is not None else None,
            customer_code=c.code if c is not None else "",
            customer_name=c.name if c is not None else "",
            notes=tuple(ExceptionNoteDTO(n.at, n.author, n.text) for n in notes),
            version=row.version_id,
        )
