"""Customer activity: the contact log, disputes, overdue reasons and measures, and orders.

Log entries are for everyone who talks to customers (permission ``log_contacts``, collectors
included); disputes and overdue reasons change how an invoice is treated and need
``edit_invoices``. Every change is audited in its own transaction. The overdue reasons live in
``overdue_reasons.py`` and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import ContactLogEntry, Customer, Dispute, Invoice, Order
from desktop_ar.db.models.activity import CONTACT_KINDS
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid
from desktop_ar.services.overdue_reasons import OverdueReason, overdue_reason, set_overdue_reason
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "DisputeRow",
    "LogEntry",
    "LogInput",
    "OrderSummary",
    "OverdueReason",
    "contact_log",
    "customer_orders",
    "disputes",
    "log_contact",
    "open_dispute",
    "overdue_reason",
    "resolve_dispute",
    "set_overdue_reason",
]

_LOG_AUDIT = (
    "customer_id",
    "log_date",
    "kind",
    "contact_person",
    "staff",
    "summary",
    "outcome",
    "next_follow_up",
)
_DISPUTE_AUDIT = (
    "customer_id",
    "invoice_id",
    "opened_on",
    "reason",
    "currency",
    "amount_minor",
    "owner",
    "status",
    "resolution",
    "resolved_on",
)


@dataclass(frozen=True, slots=True)
class LogInput:
    """One call, email, visit, feedback or complaint; ``log_date`` defaults to today."""

    kind: str
    summary: str
    log_date: date | None = None
    contact_person: str = ""
    outcome: str = ""
    next_follow_up: date | None = None
    staff: str = ""  # who talked to the customer; defaults to the signed-in user


@dataclass(frozen=True, slots=True)
class LogEntry:
    """A contact log entry as shown on the customer card."""

    id: int
    customer_id: int
    log_date: date
    kind: str
    contact_person: str
    staff: str
    summary: str
    outcome: str
    next_follow_up: date | None


@dataclass(frozen=True, slots=True)
class DisputeRow:
    """A dispute as shown on the customer card."""

    id: int
    customer_id: int
    invoice_id: int | None
    invoice_number: str
    opened_on: date
    reason: str
    amount: Money
    owner: str
    status: str
    resolution: str
    resolved_on: date | None


@dataclass(frozen=True, slots=True)
class OrderSummary:
    """One order of a customer (read-only list on the customer card)."""

    id: int
    number: str
    order_date: date
    delivery_date: date | None
    status: str
    total: Money
    contract_ref: str


# ---- contact log -----------------------------------------------------------------------------


def log_contact(ctx: ServiceContext, customer_id: int, data: LogInput) -> tuple[int, Changes]:
    """Add an entry to a customer's contact log (沟通记录).

    Args:
        ctx: the service context.
        customer_id: the customer.
        data: what happened; ``next_follow_up`` must not be before ``log_date``.

    Returns:
        The new entry's id and the changes.

    Raises:
        PermissionDenied: the role may not log contacts.
        UserFacingError: ``invalid`` naming the field.
    """
    require(ctx, "log_contacts")
    summary = data.summary.strip()
    if data.kind not in CONTACT_KINDS:
        raise invalid("kind", f"use one of {', '.join(CONTACT_KINDS)}")
    if not summary:
        raise invalid("summary", "say what was discussed")
    log_date = data.log_date or ctx.clock.today()
    if data.next_follow_up is not None and data.next_follow_up < log_date:
        raise invalid("next_follow_up", "must not be before the date of the contact")
    with uow(ctx) as s:
        get_row(s, Customer, customer_id, "Customer")
        entry = ContactLogEntry(
            customer_id=customer_id,
            log_date=log_date,
            kind=data.kind,
            contact_person=data.contact_person.strip()[:100],
            staff=(data.staff.strip() or ctx.user)[:100],
            summary=summary,
            outcome=data.outcome.strip(),
            next_follow_up=data.next_follow_up,
            created_at=ctx.clock.now(),
        )
        s.add(entry)
        s.flush()
        after = audit.snapshot(entry, _LOG_AUDIT)
        audit.record(s, ctx, "log_contact", "contact_log", entry.id, after=after)
        return entry.id, Changes(customers={customer_id})


def contact_log(ctx: ServiceContext, customer_id: int) -> list[LogEntry]:
    """A customer's contact log, newest first."""
    with reader(ctx) as s:
        rows = s.execute(
            select(ContactLogEntry)
            .where(ContactLogEntry.customer_id == customer_id)
            .order_by(ContactLogEntry.log_date.desc(), ContactLogEntry.id.desc())
        ).scalars()
        return [
            LogEntry(
                e.id,
                e.customer_id,
                e.log_date,
                e.kind,
                e.contact_person,
                e.staff,
                e.summary,
                e.outcome,
                e.next_follow_up,
            )
            for e in rows
        ]


# ---- disputes --------------------------------------------------------------------------------


def open_dispute(
    ctx: ServiceContext,
    customer_id: int,
    invoice_id: int | None,
    reason: str,
    amount: Money | None = None,
) -> tuple[int, Changes]:
    """Open a dispute (争议) on an invoice or on the account; a disputed invoice is flagged.

    Args:
        ctx: the service context.
        customer_id: the customer.
        invoice_id: the invoice disputed, or None for the account as a whole.
        reason: what the customer disputes.
        amount: the amount in dispute (the invoice's currency), None for the whole open amount.

    Returns:
        The dispute's id and the changes.

    Raises:
        PermissionDenied: the role may not edit invoices.
        UserFacingError: ``invalid`` naming the field.
    """
    require(ctx, "edit_invoices")
    reason = reason.strip()
    if not reason:
        raise invalid("reason", "say what the customer disputes")
    with uow(ctx) as s:
        customer = get_row(s, Customer, customer_id, "Customer")
        currency = customer.currency
        invoice = None
        if invoice_id is not None:
            invoice = get_row(s, Invoice, invoice_id, "Invoice")
            if invoice.customer_id != customer_id:
                raise invalid("invoice", f"{invoice.number} belongs to another customer")
            if invoice.status == "void":
                raise invalid("invoice", f"{invoice.number} is void")
            currency = invoice.currency
        if amount is None:
            minor = invoice.open_minor if invoice is not None else 0
        else:
            if amount.currency != currency:
                raise invalid("amount", f"enter it in {currency}")
            if amount.minor < 0:
                raise invalid("amount", "must not be negative")
            if invoice is not None and amount.minor > invoice.amount_minor:
                raise invalid("amount", f"more than invoice {invoice.number}")
            minor = amount.minor
        dispute = Dispute(
            customer_id=customer_id,
            invoice_id=invoice_id,
            opened_on=ctx.clock.today(),
            reason=reason,
            currency=currency,
            amount_minor=minor,
            owner=ctx.user,
            status="open",
            created_at=ctx.clock.now(),
        )
        s.add(dispute)
        changes = Changes(customers={customer_id})
        after = {}
        if invoice is not None:
            after["invoice_disputed"] = (bool(invoice.disputed), True)
            invoice.disputed = True
            changes.invoices.add(invoice.id)
        s.flush()
        after.update(audit.snapshot(dispute, _DISPUTE_AUDIT))
        audit.record(s, ctx, "open_dispute", "dispute", dispute.id, after=after)
        return dispute.id, changes


def _other_open_disputes(session: Session, invoice_id: int, dispute_id: int) -> int:
    return int(
        session.execute(
            select(func.count()).where(
                Dispute.invoice_id == invoice_id,
                Dispute.status == "open",
                Dispute.id != dispute_id,
            )
        ).scalar_one()
    )


def resolve_dispute(ctx: ServiceContext, dispute_id: int, resolution: str) -> Changes:
    """Close a dispute with what was agreed; the invoice is unflagged if nothing else is open.

    Raises:
        PermissionDenied: the role may not edit invoices.
        UserFacingError: ``invalid`` when the resolution is empty or the dispute is closed.
    """
    require(ctx, "edit_invoices")
    resolution = resolution.strip()
    if not resolution:
        raise invalid("resolution", "say how the dispute was settled")
    with uow(ctx) as s:
        dispute = get_row(s, Dispute, dispute_id, "Dispute")
        if dispute.status != "open":
            raise invalid("dispute", "it is already resolved")
        before = audit.snapshot(dispute, _DISPUTE_AUDIT)
        dispute.status = "resolved"
        dispute.resolution = resolution
        dispute.resolved_on = ctx.clock.today()
        changes = Changes(customers={dispute.customer_id})
        after = audit.snapshot(dispute, _DISPUTE_AUDIT)
        if dispute.invoice_id is not None:
            invoice = get_row(s, Invoice, dispute.invoice_id, "Invoice")
            still = _other_open_disputes(s, invoice.id, dispute.id) > 0
            after["invoice_disputed"] = (bool(invoice.disputed), still)
            invoice.disputed = still
            changes.invoices.add(invoice.id)
        s.flush()
        audit.record(s, ctx, "resolve_dispute", "dispute", dispute_id, before=before, after=after)
        return changes


def disputes(ctx: ServiceContext, customer_id: int) -> list[DisputeRow]:
    """A customer's disputes: open ones first, then newest first."""
    with reader(ctx) as s:
        rows = s.execute(
            select(Dispute, Invoice.number)
            .outerjoin(Invoice, Invoice.id == Dispute.invoice_id)
            .where(Dispute.customer_id == customer_id)
            .order_by((Dispute.status == "open").desc(), Dispute.opened_on.desc(), Dispute.id)
        ).all()
        return [
            DisputeRow(
                id=d.id,
                customer_id=d.customer_id,
                invoice_id=d.invoice_id,
                invoice_number=number or "",
                opened_on=d.opened_on,
                reason=d.reason,
                amount=Money(d.amount_minor, d.currency),
                owner=d.owner,
                status=d.status,
                resolution=d.resolution,
                resolved_on=d.resolved_on,
            )
            for d, number in rows
        ]


# ---- orders (read-only) ----------------------------------------------------------------------


def customer_orders(ctx: ServiceContext, customer_id: int, limit: int = 500) -> list[OrderSummary]:
    """A customer's most recent orders, newest first (at most ``limit``)."""
    with reader(ctx) as s:
        rows = s.execute(
            select(Order)
            .where(Order.customer_id == customer_id)
            .order_by(Order.order_date.desc(), Order.id.desc())
            .limit(limit)
        ).scalars()
        return [
            OrderSummary(
                o.id,
                o.number,
                o.order_date,
                o.delivery_date,
                o.status,
                Money(o.total_minor, o.currency),
                o.contract_ref,
            )
            for o in rows
        ]
