"""Resolving the differences of a customer reconciliation: a note, or an action that fixes ours.

Each function resolves one item of an open reconciliation and is audited
(``resolve_reconciliation_item``). A positive difference means our balance is higher than
theirs: a credit note (a price they did not accept, an invoice they never got) or a receipt we
did not record (they say they paid) brings ours down to theirs. A dispute hands the difference
on our invoice to the dispute process (``services.activity.open_dispute``).

Transactions: the receipt is written with ``payments.insert_payment`` in the same transaction
as the item. Credit notes and disputes go through their public services
(``invoicing.create_credit_note``, ``activity.open_dispute``), which commit on their own; the
item is checked before and marked right after, in a second transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import CreditNote, Customer, Invoice
from desktop_ar.db.models.reconciliation import CustomerReconciliation, ReconciliationItem
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = ["item_to_credit_note", "item_to_dispute", "item_to_payment", "resolve_item"]

_ITEM_AUDIT = ("reconciliation_id", "result", "difference_minor", "resolved", "action",
               "action_ref", "note")  # fmt: skip
_REFERENCE_MAX = 200


def _load(
    s: Session, item_id: int, *, check: bool = True
) -> tuple[ReconciliationItem, CustomerReconciliation]:
    item = get_row(s, ReconciliationItem, item_id, "Reconciliation item")
    recon = get_row(s, CustomerReconciliation, item.reconciliation_id, "Reconciliation")
    if check and recon.status == "closed":
        raise invalid("reconciliation", f"#{recon.id} is closed and can no longer change")
    if check and item.resolved:
        how = f"by {item.action.replace('_', ' ')} {item.action_ref}".strip()
        if item.action in ("", "note"):
            how = "with a note" if item.action else "(the lines match)"
        raise invalid("item", f"it is already resolved {how}")
    return item, recon


def _mark(
    s: Session, ctx: ServiceContext, item: ReconciliationItem, action: str, *, ref: str, note: str
) -> None:
    before = audit.snapshot(item, _ITEM_AUDIT)
    item.resolved = True
    item.action = action
    item.action_ref = ref[:60]
    item.note = note
    item.resolved_at = ctx.clock.now()
    item.resolved_by = ctx.user
    s.flush()
    after = audit.snapshot(item, _ITEM_AUDIT)
    audit.record(s, ctx, "resolve_reconciliation_item", "reconciliation_item", item.id,
                 before=before, after=after)  # fmt: skip


def _text(value: str, field: str, what: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise invalid(field, what)
    return cleaned


def resolve_item(ctx: ServiceContext, item_id: int, note: str) -> Changes:
    """Mark a difference as resolved with a note (why it needs no change on our side).

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: no note, the item already resolved, the reconciliation closed.
    """
    require(ctx, "reconcile")
    text = _text(note, "note", "say why the difference needs no change")
    with uow(ctx) as s:
        item, recon = _load(s, item_id)
        _mark(s, ctx, item, "note", ref="", note=text)
        return Changes(customers={recon.customer_id})


def _positive_difference(item: ReconciliationItem, currency: str, action: str) -> Money:
    if item.difference_minor <= 0:
        theirs = Money(-item.difference_minor, currency)
        what = "the same on both sides" if not item.difference_minor else f"higher by {theirs}"
        raise invalid(
            "item",
            f"their amount is {what}; a {action} would not bring our balance down to theirs",
        )
    return Money(item.difference_minor, currency)


def _our_invoice(
    s: Session, recon: CustomerReconciliation, item: ReconciliationItem
) -> Invoice | None:
    if item.our_type != "invoice" or not item.our_number:
        return None
    return s.scalars(
        select(Invoice).where(
            Invoice.customer_id == recon.customer_id,
            Invoice.number == item.our_number,
            Invoice.currency == recon.currency,
            Invoice.status != "void",
        )
    ).first()


def item_to_credit_note(ctx: ServiceContext, item_id: int, reason: str) -> Changes:
    """Issue a credit note for the difference (ours higher), dated today.

    Against our invoice on the item when there is one (applied to it), else standalone.

    Raises:
        PermissionDenied: the role may not reconcile or edit invoices.
        UserFacingError: no reason, no positive difference, the item resolved or closed.
    """
    from desktop_ar.services.invoicing import create_credit_note

    require(ctx, "reconcile")
    require(ctx, "edit_invoices")
    text = _text(reason, "reason", "say why the customer is credited")
    with reader(ctx) as s:
        item, recon = _load(s, item_id)
        amount = _positive_difference(item, recon.currency, "credit note")
        invoice = _our_invoice(s, recon, item)
        customer_id = recon.customer_id
    note_id, changes = create_credit_note(
        ctx, customer_id, amount, ctx.clock.today(), text, invoice.id if invoice else None
    )
    with uow(ctx) as s:
        item, _ = _load(s, item_id, check=False)
        number = s.scalar(select(CreditNote.number).where(CreditNote.id == note_id)) or ""
        _mark(s, ctx, item, "credit_note", ref=number, note=text)
    return changes


def item_to_payment(ctx: ServiceContext, item_id: int, payment_date: date | None = None) -> Changes:
    """Record the receipt the customer says they paid (their payment, missing or short on ours).

    The receipt is the difference, dated ``payment_date`` (default: their date), allocated to
    the invoices their number or description names; the rest stays on account.

    Raises:
        PermissionDenied: the role may not reconcile or post payments.
        UserFacingError: their line is not a payment, no positive difference, the item
            resolved or closed.
    """
    from desktop_ar.services.payments import PaymentInput, insert_payment

    require(ctx, "reconcile")
    require(ctx, "post_payments")
    with uow(ctx) as s:
        item, recon = _load(s, item_id)
        if item.their_amount_minor is None or item.their_amount_minor >= 0:
            raise invalid("item", "their line is not a payment; record a receipt only for one")
        amount = _positive_difference(item, recon.currency, "receipt")
        customer = get_row(s, Customer, recon.customer_id, "Customer")
        reference = " ".join(f"{item.their_number} {item.their_description}".split())
        data = PaymentInput(
            customer_id=customer.id,
            payment_date=payment_date or item.their_date or ctx.clock.today(),
            amount=amount,
            reference=reference[:_REFERENCE_MAX],
            payer_name=customer.name[:_REFERENCE_MAX],
            notes=f"recorded from customer reconciliation #{recon.id}"
            + (f", their row {item.their_row}" if item.their_row else ""),
        )
        payment, touched = insert_payment(s, ctx, data, "reference", reference_text=reference)
        _mark(
            s, ctx, item, "payment", ref=payment.number, note=f"receipt {payment.number} recorded"
        )
        return Changes(customers={customer.id}, invoices=touched, payments={payment.id})


def item_to_dispute(ctx: ServiceContext, item_id: int, reason: str) -> Changes:
    """Open a dispute on our invoice of the item (for the difference, or the whole invoice).

    Raises:
        PermissionDenied: the role may not reconcile or edit invoices.
        UserFacingError: no reason, no invoice of ours on the item, the item resolved or closed.
    """
    from desktop_ar.services.activity import open_dispute

    require(ctx, "reconcile")
    require(ctx, "edit_invoices")
    text = _text(reason, "reason", "say what the customer disputes")
    with reader(ctx) as s:
        item, recon = _load(s, item_id)
        invoice = _our_invoice(s, recon, item)
        if invoice is None:
            raise invalid(
                "item", "a dispute needs one of our invoices on it; resolve it with a note"
            )
        diff = abs(item.difference_minor)
        amount = None
        if item.result == "amount_difference" and 0 < diff <= invoice.amount_minor:
            amount = Money(diff, invoice.currency)
        customer_id, invoice_id = recon.customer_id, invoice.id
    dispute_id, changes = open_dispute(ctx, customer_id, invoice_id, text, amount)
    with uow(ctx) as s:
        item, _ = _load(s, item_id, check=False)
        _mark(s, ctx, item, "dispute", ref=str(dispute_id), note=text)
    return changes
