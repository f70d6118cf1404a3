"""What a saved customer reconciliation looks like to the screen and the command line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import AuditEntry, Customer
from desktop_ar.db.models.reconciliation import (
    RECON_RESULTS,
    CustomerReconciliation,
    ReconciliationItem,
)
from desktop_ar.domain.money import Money

__all__ = ["ReconItemView", "ReconciliationView", "item_view", "reconciliation_view"]

CREATED = "reconcile_customer"  # the audit action of a new reconciliation (keeps its notes)


@dataclass(frozen=True, slots=True)
class ReconItemView:
    """One item: a matched pair or a difference to explain.

    Amounts are signed as the customer owes us; ``difference`` is ours minus theirs (each side
    counted only when dated up to the reconciliation's end). ``action`` is ``""``, ``note``,
    ``credit_note``, ``payment`` or ``dispute``; ``action_ref`` names what the action created
    (credit note or payment number, dispute id).
    """

    id: int
    result: str
    our_date: date | None
    our_type: str
    our_number: str
    our_amount: Money | None
    their_row: int | None
    their_date: date | None
    their_number: str
    their_description: str
    their_amount: Money | None
    difference: Money
    resolved: bool
    action: str
    action_ref: str
    note: str
    resolved_at: datetime | None = None
    resolved_by: str = ""


@dataclass(frozen=True, slots=True)
class ReconciliationView:
    """A customer reconciliation: both closing balances and the difference explained by items.

    ``difference = our_closing − their_closing``; ``explained`` is the sum of the item
    differences and ``unexplained`` what is left (non-zero only when their balance column does
    not agree with their own lines). ``counts`` has every result, plus ``unresolved``.
    ``their_side`` says how their debits and credits were read; ``notes`` how the file was read.
    """

    id: int
    customer_id: int
    customer_code: str
    customer_name: str
    currency: str
    date_from: date | None
    date_to: date
    our_closing: Money
    their_closing: Money | None
    difference: Money
    explained: Money
    unexplained: Money
    status: str
    items: list[ReconItemView]
    counts: dict[str, int]
    file_name: str = ""
    their_side: str = ""
    created_at: datetime | None = None
    created_by: str = ""
    closed_at: datetime | None = None
    notes: tuple[str, ...] = field(default=())


def _money(minor: int | None, currency: str) -> Money | None:
    return None if minor is None else Money(minor, currency)


def item_view(item: ReconciliationItem, currency: str) -> ReconItemView:
    """The view of one item row."""
    return ReconItemView(
        id=item.id,
        result=item.result,
        our_date=item.our_date,
        our_type=item.our_type,
        our_number=item.our_number,
        our_amount=_money(item.our_amount_minor, currency),
        their_row=item.their_row,
        their_date=item.their_date,
        their_number=item.their_number,
        their_description=item.their_description,
        their_amount=_money(item.their_amount_minor, currency),
        difference=Money(item.difference_minor, currency),
        resolved=bool(item.resolved),
        action=item.action,
        action_ref=item.action_ref,
        note=item.note,
        resolved_at=item.resolved_at,
        resolved_by=item.resolved_by,
    )


def _created(s: Session, recon_id: int) -> tuple[str, tuple[str, ...]]:
    """Their side and the reading notes, kept in the audit row of the reconciliation."""
    text = s.scalar(
        select(AuditEntry.after)
        .where(
            AuditEntry.action == CREATED,
            AuditEntry.entity == "customer_reconciliation",
            AuditEntry.entity_id == str(recon_id),
        )
        .order_by(AuditEntry.id)
        .limit(1)
    )
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return "", ()
    return str(data.get("their_side", "")), tuple(str(n) for n in data.get("notes", ()))


def reconciliation_view(
    s: Session, recon: CustomerReconciliation, *, with_items: bool = True
) -> ReconciliationView:
    """The view of a reconciliation row (its items read in the same session)."""
    ccy = recon.currency
    customer = s.get(Customer, recon.customer_id)
    assert customer is not None
    rows = s.scalars(
        select(ReconciliationItem)
        .where(ReconciliationItem.reconciliation_id == recon.id)
        .order_by(ReconciliationItem.id)
    ).all()
    counts = dict.fromkeys(RECON_RESULTS, 0)
    explained = 0
    unresolved = 0
    for row in rows:
        counts[row.result] += 1
        explained += row.difference_minor
        unresolved += not row.resolved
    counts["unresolved"] = unresolved
    their = recon.their_closing_minor
    difference = recon.our_closing_minor - their if their is not None else explained
    side, notes = _created(s, recon.id)
    return ReconciliationView(
        id=recon.id,
        customer_id=recon.customer_id,
        customer_code=customer.code,
        customer_name=customer.name,
        currency=ccy,
        date_from=recon.date_from,
        date_to=recon.date_to,
        our_closing=Money(recon.our_closing_minor, ccy),
        their_closing=_money(their, ccy),
        difference=Money(difference, ccy),
        explained=Money(explained, ccy),
        unexplained=Money(difference - explained, ccy),
        status=recon.status,
        items=[item_view(r, ccy) for r in rows] if with_items else [],
        counts=counts,
        file_name=recon.file_name,
        their_side=side,
        created_at=recon.created_at,
        created_by=recon.created_by,
        closed_at=recon.closed_at,
        notes=notes,
    )
