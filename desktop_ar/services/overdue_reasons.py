"""Overdue reasons and agreed measures on invoices, and extending due dates.

Each overdue invoice can carry why it is late (funds tight, order error, dispute, quality
complaint, other) and what was agreed (extended due date, instalment plan, other); both show in
the invoice lists. Re-exported by ``services.activity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Invoice, ScheduleLine
from desktop_ar.db.models.invoices import AGREED_MEASURES, OVERDUE_REASONS
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

_REASON_AUDIT = (
    "overdue_reason_code",
    "overdue_reason",
    "agreed_measure",
    "measure_note",
    "due_date",
)


def _extend(session: Session, invoice: Invoice, new_due: date) -> list[tuple[int, date, date]]:
    """Move the open schedule lines due before ``new_due`` to it; (line id, old, new) each."""
    if new_due < invoice.issue_date:
        raise invalid("extended_due_date", "must not be before the invoice date")
    lines = (
        session.execute(
            select(ScheduleLine)
            .where(ScheduleLine.invoice_id == invoice.id)
            .order_by(ScheduleLine.seq)
        )
        .scalars()
        .all()
    )
    moved = []
    for line in lines:
        if line.open_minor > 0 and line.due_date < new_due:
            moved.append((line.id, line.due_date, new_due))
            line.due_date = new_due
    if not moved:
        raise invalid("extended_due_date", "nothing open is due before that date")
    invoice.due_date = max(line.due_date for line in lines)
    return moved


def set_overdue_reason(  # noqa: PLR0917 - the agreed interface
    ctx: ServiceContext,
    invoice_id: int,
    code: str | None,
    note: str = "",
    measure: str | None = None,
    measure_note: str = "",
    extended_due_date: date | None = None,
) -> Changes:
    """Record why an invoice is overdue and what was agreed, optionally extending its due date.

    An extended due date moves every open schedule line due before it to that date (the
    invoice's due date follows) and implies the measure ``extended_due_date``. The audit row
    keeps each moved line's old and new due date.

    Args:
        ctx: the service context.
        invoice_id: the invoice.
        code: ``funds_tight``, ``order_error``, ``dispute``, ``quality_complaint``, ``other``,
            or None to clear the reason.
        note: free text about the reason.
        measure: ``extended_due_date``, ``instalment_plan``, ``other`` or None.
        measure_note: free text about the measure (who agreed, the instalments…).
        extended_due_date: the new due date, or None to leave due dates alone.

    Returns:
        The changes.

    Raises:
        PermissionDenied: the role may not edit invoices.
        UserFacingError: ``invalid`` naming the field.
    """
    require(ctx, "edit_invoices")
    if code is not None and code not in OVERDUE_REASONS:
        raise invalid("overdue_reason", f"use one of {', '.join(OVERDUE_REASONS)}")
    if extended_due_date is not None:
        measure = measure or "extended_due_date"
        if measure != "extended_due_date":
            raise invalid("agreed_measure", "a new due date goes with 'extended due date'")
    if measure is not None and measure not in AGREED_MEASURES:
        raise invalid("agreed_measure", f"use one of {', '.join(AGREED_MEASURES)}")
    with uow(ctx) as s:
        invoice = get_row(s, Invoice, invoice_id, "Invoice")
        if invoice.status == "void":
            raise invalid("invoice", f"{invoice.number} is void")
        before = audit.snapshot(invoice, _REASON_AUDIT)
        invoice.overdue_reason_code = code
        invoice.overdue_reason = note.strip()[:200]
        invoice.agreed_measure = measure
        invoice.measure_note = measure_note.strip()
        after = {}
        if extended_due_date is not None:
            after["schedule_moved"] = _extend(s, invoice, extended_due_date)
        s.flush()
        after.update(audit.snapshot(invoice, _REASON_AUDIT))
        audit.record(
            s, ctx, "set_overdue_reason", "invoice", invoice_id, before=before, after=after
        )
        return Changes(customers={invoice.customer_id}, invoices={invoice_id})


@dataclass(frozen=True, slots=True)
class OverdueReason:
    """What an invoice carries about being overdue (for the reason dialog)."""

    invoice_id: int
    number: str
    customer_id: int
    due_date: date
    open: Money
    code: str | None
    note: str
    measure: str | None
    measure_note: str
    first_open_due: date | None


def overdue_reason(ctx: ServiceContext, invoice_id: int) -> OverdueReason:
    """The overdue reason, measure and due dates of one invoice."""
    with reader(ctx) as s:
        inv = get_row(s, Invoice, invoice_id, "Invoice")
        first = s.execute(
            select(func.min(ScheduleLine.due_date)).where(
                ScheduleLine.invoice_id == invoice_id, ScheduleLine.open_minor > 0
            )
        ).scalar()
        return OverdueReason(
            invoice_id=inv.id,
            number=inv.number,
            customer_id=inv.customer_id,
            due_date=inv.due_date,
            open=Money(inv.open_minor, inv.currency),
            code=inv.overdue_reason_code,
            note=inv.overdue_reason,
            measure=inv.agreed_measure,
            measure_note=inv.measure_note,
            first_open_due=date.fromisoformat(first) if isinstance(first, str) else first,
        )
