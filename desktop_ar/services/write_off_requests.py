"""Bad-debt write-offs with approval (坏账核销审批).

One user asks for a write-off of (part of) an invoice's open amount with a reason; a user with
the ``approve_write_off`` role — never the one who asked — approves it, which writes the
bad-debt write-off (:func:`desktop_ar.services.adjustments.post_write_off`) in the same
transaction, or rejects it. An invoice has at most one request waiting at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Customer, Invoice
from desktop_ar.db.models.collections import WRITE_OFF_REQUEST_STATUSES, WriteOffRequest
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.adjustments import post_write_off
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "WriteOffRequestView",
    "approve_write_off",
    "list_write_off_requests",
    "reject_write_off",
    "request_write_off",
]

_FIELDS = ("invoice_id", "currency", "amount_minor", "reason", "status", "requested_by")
_DECISION = ("status", "decided_by", "decision_note", "write_off_id")


@dataclass(frozen=True, slots=True)
class WriteOffRequestView:
    """A write-off request as lists show it."""

    id: int
    invoice_id: int
    invoice_number: str
    customer_id: int
    customer_code: str
    customer_name: str
    amount: Money
    reason: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str
    decided_at: datetime | None
    decision_note: str
    write_off_id: int | None


def _open_amount(invoice: Invoice) -> Money:
    return Money(invoice.open_minor, invoice.currency)


def request_write_off(
    ctx: ServiceContext, invoice_id: int, amount: Money, reason: str
) -> tuple[int, Changes]:
    """Ask for a bad-debt write-off of ``amount`` of an invoice's open amount.

    Returns:
        The request's id and the changes.

    Raises:
        PermissionDenied: the role may not write off.
        NotFound: no such invoice.
        UserFacingError: ``invalid`` (no reason, wrong currency, nothing open),
            ``over_allocation`` (more than is open), ``write_off_pending`` (one is waiting).
    """
    require(ctx, "write_off")
    why = reason.strip()
    if not why:
        raise invalid("reason", "say why the debt is bad")
    if amount.minor <= 0:
        raise invalid("amount", "must be more than zero")
    with uow(ctx) as s:
        invoice = get_row(s, Invoice, invoice_id, "Invoice")
        if invoice.status == "void" or invoice.open_minor == 0:
            raise invalid("invoice", f"{invoice.number} has nothing open")
        if amount.currency != invoice.currency:
            raise invalid("amount", f"enter it in {invoice.currency}")
        if amount > _open_amount(invoice):
            raise UserFacingError(
                "over_allocation", amount=str(amount), available=str(_open_amount(invoice))
            )
        waiting = s.execute(
            select(WriteOffRequest.id).where(
                WriteOffRequest.invoice_id == invoice_id, WriteOffRequest.status == "pending"
            )
        ).first()
        if waiting is not None:
            raise UserFacingError("write_off_pending", invoice=invoice.number)
        row = WriteOffRequest(
            invoice_id=invoice_id,
            customer_id=invoice.customer_id,
            currency=amount.currency,
            amount_minor=amount.minor,
            reason=why,
            status="pending",
            requested_by=ctx.user[:100],
            requested_at=ctx.clock.now(),
        )
        s.add(row)
        s.flush()
        after = audit.snapshot(row, _FIELDS)
        audit.record(s, ctx, "request_write_off", "write_off_request", row.id, after=after)
        return row.id, Changes(customers={invoice.customer_id}, invoices={invoice_id})


def _pending(s: Session, request_id: int) -> WriteOffRequest:
    row = get_row(s, WriteOffRequest, request_id, "Write-off request")
    if row.status != "pending":
        raise invalid("request", f"it is already {row.status}")
    return row


def approve_write_off(ctx: ServiceContext, request_id: int, note: str = "") -> Changes:
    """Approve a waiting request: write the bad-debt write-off in the same transaction.

    Raises:
        PermissionDenied: the role may not approve write-offs.
        NotFound: no such request.
        UserFacingError: ``write_off_same_user`` (the requester approving), ``invalid`` (not
            waiting, nothing open), ``over_allocation`` (less is open now than was asked).
    """
    require(ctx, "approve_write_off")
    with uow(ctx) as s:
        req = _pending(s, request_id)
        if req.requested_by == ctx.user:
            raise UserFacingError("write_off_same_user", user=ctx.user)
        invoice = get_row(s, Invoice, req.invoice_id, "Invoice")
        value = Money(req.amount_minor, req.currency)
        if invoice.status == "void" or invoice.open_minor == 0:
            raise invalid("invoice", f"{invoice.number} has nothing open")
        if value > _open_amount(invoice):
            raise UserFacingError(
                "over_allocation", amount=str(value), available=str(_open_amount(invoice))
            )
        before = audit.snapshot(req, _DECISION)
        wo = post_write_off(
            s, ctx, invoice, value, kind="bad_debt", reason=req.reason, on=ctx.clock.today()
        )
        wo_after = audit.snapshot(wo, ("invoice_id", "amount_minor", "kind", "reason", "currency"))
        audit.record(s, ctx, "write_off", "write_off", wo.id, after=wo_after)
        req.status = "approved"
        req.decided_by = ctx.user[:100]
        req.decided_at = ctx.clock.now()
        req.decision_note = note.strip()
        req.write_off_id = wo.id
        s.flush()
        after = audit.snapshot(req, _DECISION)
        audit.record(
            s, ctx, "approve_write_off", "write_off_request", req.id, before=before, after=after
        )
        return Changes(customers={invoice.customer_id}, invoices={invoice.id})


def reject_write_off(ctx: ServiceContext, request_id: int, note: str) -> Changes:
    """Reject a waiting request, saying why; nothing is written off.

    Raises:
        PermissionDenied: the role may not approve write-offs.
        NotFound: no such request.
        UserFacingError: ``invalid`` (no note, not waiting).
    """
    require(ctx, "approve_write_off")
    why = note.strip()
    if not why:
        raise invalid("note", "say why the write-off is rejected")
    with uow(ctx) as s:
        req = _pending(s, request_id)
        before = audit.snapshot(req, _DECISION)
        req.status = "rejected"
        req.decided_by = ctx.user[:100]
        req.decided_at = ctx.clock.now()
        req.decision_note = why
        s.flush()
        after = audit.snapshot(req, _DECISION)
        audit.record(
            s, ctx, "reject_write_off", "write_off_request", req.id, before=before, after=after
        )
        return Changes(customers={req.customer_id}, invoices={req.invoice_id})


def list_write_off_requests(
    ctx: ServiceContext, status: str | None = None
) -> list[WriteOffRequestView]:
    """Write-off requests (one status or all), newest first.

    Raises:
        UserFacingError: ``invalid`` for an unknown status.
    """
    if status is not None and status not in WRITE_OFF_REQUEST_STATUSES:
        raise invalid("status", f"use one of {', '.join(WRITE_OFF_REQUEST_STATUSES)}")
    query = (
        select(WriteOffRequest, Invoice.number, Customer.code, Customer.name)
        .join(Invoice, Invoice.id == WriteOffRequest.invoice_id)
        .join(Customer, Customer.id == WriteOffRequest.customer_id)
        .order_by(WriteOffRequest.requested_at.desc(), WriteOffRequest.id.desc())
    )
    if status is not None:
        query = query.where(WriteOffRequest.status == status)
    with reader(ctx) as s:
        return [
            WriteOffRequestView(
                id=r.id,
                invoice_id=r.invoice_id,
                invoice_number=number,
                customer_id=r.customer_id,
                customer_code=code,
                customer_name=name,
                amount=Money(r.amount_minor, r.currency),
                reason=r.reason,
                status=r.status,
                requested_by=r.requested_by,
                requested_at=r.requested_at,
                decided_by=r.decided_by,
                decided_at=r.decided_at,
                decision_note=r.decision_note,
                write_off_id=r.write_off_id,
            )
            for r, number, code, name in s.execute(query)
        ]
