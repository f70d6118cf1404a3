"""Edit > Undo: compensating operations for the last actions, read back from the audit log.

An action that can be undone (recording a receipt, allocating a payment, editing a customer)
already writes an audit row holding what it did: the payment and its allocations, the write-offs
it posted, the customer's values before and after. ``undo_step_from_audit`` turns that row into
an ``UndoStep``; ``undo`` performs the compensating operation in one transaction and audits it as
``undo_<kind>`` with ``{"undoes": <audit id>}``. Nothing is deleted: a receipt is reversed,
allocations are kept and marked reversed, a customer gets its old values back.

Undo refuses, with a message saying why, when the record was changed since the action (a later
allocation of the receipt, a refund, another edit of the customer) or when it was undone already.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    Allocation,
    AuditEntry,
    CreditNote,
    Customer,
    Invoice,
    Order,
    Payment,
    PaymentException,
    Refund,
    WriteOff,
)
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.exceptions_queue import resolve_for_reversal
from desktop_ar.services.ledger import LIVE, get_row, live_allocations, undo_allocation
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = ["UNDOABLE", "UndoStep", "last_undo_step", "undo", "undo_step_from_audit"]

UNDOABLE: dict[str, str] = {
    "record_payment": "payment",
    "apply_allocation": "allocation",
    "allocate_payment": "allocation",
    "update_customer": "customer_edit",
}
"""Audit action → undo kind."""

_ENTITY = {"payment": "payment", "allocation": "payment", "customer_edit": "customer"}
_PERMISSION = {
    "payment": "post_payments",
    "allocation": "post_payments",
    "customer_edit": "edit_customers",
}
_LABEL = {
    "payment": "receipt {ref}",
    "allocation": "allocation of {ref}",
    "customer_edit": "edit of customer {ref}",
}


@dataclass(frozen=True, slots=True)
class UndoStep:
    """One action that can be undone.

    ``label`` is English ("receipt PAY-000012"); the UI builds its own translated text from
    ``kind`` and ``data["ref"]``. ``data`` holds ``audit_id`` (the action's audit row),
    ``entity_id`` (payment or customer id) and ``ref`` (payment number or customer code).
    """

    label: str
    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def audit_id(self) -> int:
        """The audit row of the action this step undoes."""
        return int(self.data["audit_id"])


def _refuse(what: str, reason: str) -> UserFacingError:
    return UserFacingError("cannot_undo", what=what, reason=reason)


def _load(raw: str) -> dict[str, Any]:
    return dict(json.loads(raw)) if raw else {}


def _step(session: Session, entry: AuditEntry) -> UndoStep:
    kind = UNDOABLE.get(entry.action)
    if kind is None:
        raise _refuse(entry.action.replace("_", " "), "this action cannot be undone")
    entity_id = int(entry.entity_id)
    if kind == "customer_edit":
        ref = get_row(session, Customer, entity_id, "Customer").code
    else:
        ref = get_row(session, Payment, entity_id, "Payment").number
    data = {"audit_id": entry.id, "entity_id": entity_id, "ref": ref}
    return UndoStep(label=_LABEL[kind].format(ref=ref), kind=kind, data=data)


def undo_step_from_audit(ctx: ServiceContext, audit_id: int) -> UndoStep:
    """The undo step for the action that wrote audit row ``audit_id``.

    Raises:
        NotFound: no such audit row (or its record is gone).
        UserFacingError: ``cannot_undo`` for an action that cannot be undone.
    """
    with reader(ctx) as s:
        return _step(s, get_row(s, AuditEntry, audit_id, "Audit entry"))


def last_undo_step(ctx: ServiceContext, action: str, entity_id: int) -> UndoStep | None:
    """The undo step for this user's latest ``action`` on a payment or customer.

    The UI calls it right after the action succeeded; database work runs on one thread, so the
    latest matching audit row is the one that action wrote.

    Returns:
        The step, or None when the user has no such action on record.
    """
    kind = UNDOABLE.get(action)
    if kind is None:
        return None
    with reader(ctx) as s:
        audit_id = s.execute(
            select(func.max(AuditEntry.id)).where(
                AuditEntry.entity == _ENTITY[kind],
                AuditEntry.entity_id == str(entity_id),
                AuditEntry.action == action,
                AuditEntry.actor == ctx.user,
            )
        ).scalar()
        if audit_id is None:
            return None
        return _step(s, get_row(s, AuditEntry, int(audit_id), "Audit entry"))


def undo(ctx: ServiceContext, step: UndoStep) -> Changes:
    """Perform the compensating operation for ``step`` in one transaction, audited.

    * ``payment``: the receipt is reversed as of today (its allocations and the write-offs
      posted with it are undone), only if nothing happened to it since it was recorded.
    * ``allocation``: each allocation the action created is undone (kept, marked reversed) and
      the discounts and small differences it wrote off are reversed.
    * ``customer_edit``: the customer gets its values from before the edit back, only if it was
      not changed since. Contacts saved with the edit are left as they are.

    Exceptions the action raised that nobody has worked on yet are resolved as undone.

    Raises:
        PermissionDenied: the role may not do the original action.
        UserFacingError: ``cannot_undo`` saying why (changed since, undone already),
            ``already_reversed`` for a receipt reversed meanwhile.
    """
    if step.kind not in _PERMISSION:
        raise _refuse(step.label, "unknown kind of step")
    require(ctx, _PERMISSION[step.kind])
    with uow(ctx) as s:
        entry = get_row(s, AuditEntry, step.audit_id, "Audit entry")
        if UNDOABLE.get(entry.action) != step.kind:
            raise _refuse(step.label, "the audit entry records another action")
        _check_not_undone(s, entry, step)
        if step.kind == "payment":
            return _undo_payment(s, ctx, entry, step)
        if step.kind == "allocation":
            return _undo_allocation(s, ctx, entry, step)
        return _undo_customer_edit(s, ctx, entry, step)


def _check_not_undone(session: Session, entry: AuditEntry, step: UndoStep) -> None:
    undos = session.execute(
        select(AuditEntry.after).where(
            AuditEntry.action == f"undo_{step.kind}",
            AuditEntry.entity == entry.entity,
            AuditEntry.entity_id == entry.entity_id,
            AuditEntry.id > entry.id,
        )
    ).scalars()
    if any(_load(after).get("undoes") == entry.id for after in undos):
        raise _refuse(step.label, "it was undone already")


def _on(ctx: ServiceContext, payment: Payment) -> date:
    return max(ctx.clock.today(), payment.payment_date)


def _undo_write_offs(session: Session, write_off_ids: list[int], on: date) -> set[int]:
    invoices: set[int] = set()
    for write_off_id in write_off_ids:
        for row in live_allocations(session, write_off_id=write_off_id):
            invoices.add(undo_allocation(session, row, on))
    return invoices


def _resolve_exceptions(
    session: Session, ctx: ServiceContext, ids: list[int], why: str
) -> list[int]:
    """Resolve the exceptions an undone allocation raised, if nobody has worked on them yet.

    (An undone receipt goes the way of a reversal: ``resolve_for_reversal``.)
    """
    done = []
    for exception_id in ids:
        row = session.get(PaymentException, int(exception_id))
        if row is not None and row.status == "open":
            row.status = "resolved"
            row.resolution = why
            row.resolved_on = ctx.clock.today()
            done.append(row.id)
    return done


def _payment_changes(payment: Payment, invoices: set[int]) -> Changes:
    customers = {payment.customer_id} if payment.customer_id is not None else set()
    return Changes(customers=customers, invoices=invoices, payments={payment.id})


_PAYMENT_AUDIT = ("status", "reversed_on", "unallocated_minor", "notes")


def _undo_payment(
    session: Session, ctx: ServiceContext, entry: AuditEntry, step: UndoStep
) -> Changes:
    payment = get_row(session, Payment, int(entry.entity_id), "Payment")
    if payment.status != "posted":
        raise UserFacingError("already_reversed", entity="Payment", key=payment.number)
    later = session.execute(
        select(AuditEntry.action)
        .where(
            AuditEntry.entity == "payment",
            AuditEntry.entity_id == entry.entity_id,
            AuditEntry.id > entry.id,
        )
        .order_by(AuditEntry.id)
        .limit(1)
    ).scalar()
    if later is not None:
        reason = f"it was changed since ({later.replace('_', ' ')}); reverse it instead"
        raise _refuse(step.label, reason)
    if session.execute(select(Refund.id).where(Refund.payment_id == payment.id)).first():
        raise _refuse(step.label, "part of it was refunded")
    live = live_allocations(session, payment_id=payment.id)
    if len(live) != len(_load(entry.after).get("allocations", [])):
        raise _refuse(step.label, "its allocations were changed since; reverse it instead")
    on = _on(ctx, payment)
    before = audit.snapshot(payment, _PAYMENT_AUDIT)
    invoices = {undo_allocation(session, row, on) for row in live}
    linked = session.execute(select(WriteOff.id).where(WriteOff.payment_id == payment.id))
    invoices |= _undo_write_offs(session, list(linked.scalars()), on)
    payment.status = "reversed"
    payment.reversed_on = on
    payment.unallocated_minor = payment.amount_minor
    payment.notes = f"{payment.notes}\nReversed: Undo".strip()
    session.flush()
    # As a reversal does: its exceptions (and a duplicate it alone caused) are moot now.
    resolved, others = resolve_for_reversal(session, payment, on, "Undo")
    after = {
        **audit.snapshot(payment, _PAYMENT_AUDIT),
        "undoes": entry.id,
        "resolved_exceptions": resolved,
    }
    audit.record(session, ctx, "undo_payment", "payment", payment.id, before=before, after=after)
    changes = _payment_changes(payment, invoices)
    changes.payments |= others
    return changes


def _created_allocations(
    session: Session, entry: AuditEntry, payment: Payment, step: UndoStep
) -> list[Allocation]:
    """The live allocations the action wrote, matched by line and amount (newest first).

    The audit row names (schedule line, amount) pairs; allocations later than the action are
    left out by their creation time.
    """
    taken: list[Allocation] = []
    for line_id, amount in _load(entry.after).get("allocations", []):
        minor = Money.of(str(amount), payment.currency).minor
        query = (
            select(Allocation)
            .where(
                Allocation.payment_id == payment.id,
                Allocation.schedule_line_id == int(line_id),
                Allocation.amount_minor == minor,
                Allocation.created_at <= entry.at,
                LIVE,
            )
            .order_by(Allocation.id.desc())
        )
        if taken:
            query = query.where(Allocation.id.not_in([a.id for a in taken]))
        row = session.execute(query.limit(1)).scalar_one_or_none()
        if row is None:
            raise _refuse(step.label, "its allocations were changed since")
        taken.append(row)
    return taken


def _undo_allocation(
    session: Session, ctx: ServiceContext, entry: AuditEntry, step: UndoStep
) -> Changes:
    payment = get_row(session, Payment, int(entry.entity_id), "Payment")
    if payment.status != "posted":
        raise UserFacingError("already_reversed", entity="Payment", key=payment.number)
    recorded = _load(entry.after)
    rows = _created_allocations(session, entry, payment, step)
    write_offs = [int(d[2]) for d in recorded.get("discounts", [])]
    if recorded.get("write_off"):
        write_offs.append(int(recorded["write_off"][3]))
    for write_off_id in write_offs:
        if not live_allocations(session, write_off_id=write_off_id):
            raise _refuse(step.label, "a write-off it posted was reversed since")
    on = _on(ctx, payment)
    before = {
        "allocations": [a.id for a in rows],
        "write_offs": write_offs,
        "unallocated_minor": payment.unallocated_minor,
    }
    invoices = {undo_allocation(session, row, on) for row in rows}
    invoices |= _undo_write_offs(session, write_offs, on)
    resolved = _resolve_exceptions(
        session, ctx, recorded.get("exceptions", []), f"Undone: allocation of {payment.number}"
    )
    session.flush()
    after = {
        "undoes": entry.id,
        "unallocated_minor": payment.unallocated_minor,
        "resolved_exceptions": resolved,
    }
    audit.record(session, ctx, "undo_allocation", "payment", payment.id, before=before, after=after)
    return _payment_changes(payment, invoices)


def _has_documents(session: Session, customer_id: int) -> bool:
    for model in (Invoice, Payment, CreditNote, Order):
        column = model.customer_id  # type: ignore[attr-defined]
        if session.execute(select(column).where(column == customer_id).limit(1)).first():
            return True
    return False


def _undo_customer_edit(
    session: Session, ctx: ServiceContext, entry: AuditEntry, step: UndoStep
) -> Changes:
    customer = get_row(session, Customer, int(entry.entity_id), "Customer")
    old, new = _load(entry.before), _load(entry.after)
    # Compare as the audit stores values (JSON), so a Decimal or a date compares as text.
    now = _load(audit.to_json(audit.snapshot(customer, tuple(new))))
    if now != new:
        raise _refuse(step.label, "the customer was changed since")
    code = old.get("code", customer.code)
    clash = select(Customer.id).where(Customer.code == code, Customer.id != customer.id)
    if session.execute(clash).first() is not None:
        raise UserFacingError("duplicate", entity="Customer code", key=code)
    currency = old.get("currency", customer.currency)
    if currency != customer.currency and _has_documents(session, customer.id):
        reason = f"the customer now has documents in {customer.currency}"
        raise _refuse(step.label, reason)
    for key, value in old.items():
        setattr(customer, key, value)
    session.flush()
    after = {**audit.snapshot(customer, tuple(old)), "undoes": entry.id}
    audit.record(
        session, ctx, "undo_customer_edit", "customer", customer.id, before=now, after=after
    )
    return Changes(customers={customer.id})
