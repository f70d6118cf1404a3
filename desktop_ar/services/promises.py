"""Promises to pay (付款承诺): record, cancel, list, and judge them against the payments.

A promise is judged by :func:`desktop_ar.domain.promises.evaluate_promises` against the
customer's posted (not reversed) receipts in the promise's currency, with the company's grace
days. :func:`refresh_promises` recomputes every promise that is not cancelled from scratch, so
a reversed receipt turns a kept promise back to pending or broken.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import ContactLogEntry, Customer, Invoice, Payment
from desktop_ar.db.models.collections import PromiseToPay
from desktop_ar.db.models.settings import CompanySettings
from desktop_ar.domain.money import Money
from desktop_ar.domain.promises import Promise, evaluate_promises
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "PROMISE_FILTER_STATUSES",
    "PromiseView",
    "cancel_promise",
    "grace_days",
    "list_promises",
    "record_promise",
    "refresh_promises",
]

PROMISE_FILTER_STATUSES = ("pending", "kept", "partly_kept", "broken", "cancelled")
_AUDIT_FIELDS = (
    "customer_id",
    "invoice_id",
    "contact_log_id",
    "made_on",
    "promised_date",
    "currency",
    "amount_minor",
    "status",
    "note",
)


@dataclass(frozen=True, slots=True)
class PromiseView:
    """A promise to pay as lists show it."""

    id: int
    customer_id: int
    customer_code: str
    customer_name: str
    invoice_id: int | None
    invoice_number: str
    contact_log_id: int | None
    made_on: date
    promised_date: date
    amount: Money
    paid: Money
    status: str
    note: str
    created_by: str

    @property
    def short(self) -> Money:
        """What is still missing from the promised amount."""
        return Money(max(self.amount.minor - self.paid.minor, 0), self.amount.currency)


def grace_days(session: Session) -> int:
    """The company's promise grace days (days after the date a payment still counts)."""
    value = session.execute(select(CompanySettings.promise_grace_days).limit(1)).scalar()
    return int(value) if value is not None else 3


def record_promise(
    ctx: ServiceContext,
    customer_id: int,
    amount: Money,
    promised_date: date,
    *,
    made_on: date | None = None,
    invoice_id: int | None = None,
    contact_log_id: int | None = None,
    note: str = "",
) -> tuple[int, Changes]:
    """Record that a customer promised to pay ``amount`` by ``promised_date``.

    Args:
        ctx: the service context.
        customer_id: the customer who promised.
        amount: how much (its currency is the promise's).
        promised_date: by when; not before ``made_on``.
        made_on: when the promise was made (default today).
        invoice_id: the invoice it is for (must be the customer's, same currency).
        contact_log_id: the contact-log entry it was made in (must be the customer's).
        note: free text.

    Returns:
        The new promise's id and the changes.

    Raises:
        PermissionDenied: the role may not log contacts.
        NotFound: the customer, invoice or contact entry does not exist.
        UserFacingError: ``invalid`` naming the field.
    """
    require(ctx, "log_contacts")
    made = made_on or ctx.clock.today()
    if amount.minor <= 0:
        raise invalid("amount", "must be more than zero")
    if promised_date < made:
        raise invalid("promised_date", "must not be before the day the promise was made")
    with uow(ctx) as s:
        get_row(s, Customer, customer_id, "Customer")
        if invoice_id is not None:
            invoice = get_row(s, Invoice, invoice_id, "Invoice")
            if invoice.customer_id != customer_id:
                raise invalid("invoice", f"{invoice.number} belongs to another customer")
            if invoice.currency != amount.currency:
                raise invalid("amount", f"enter it in {invoice.currency}")
        if contact_log_id is not None:
            entry = get_row(s, ContactLogEntry, contact_log_id, "Contact entry")
            if entry.customer_id != customer_id:
                raise invalid("contact_log", "the entry belongs to another customer")
        row = PromiseToPay(
            customer_id=customer_id,
            invoice_id=invoice_id,
            contact_log_id=contact_log_id,
            made_on=made,
            promised_date=promised_date,
            currency=amount.currency,
            amount_minor=amount.minor,
            paid_minor=0,
            status="pending",
            note=note.strip(),
            created_by=ctx.user[:100],
            created_at=ctx.clock.now(),
        )
        s.add(row)
        s.flush()
        after = audit.snapshot(row, _AUDIT_FIELDS)
        audit.record(s, ctx, "record_promise", "promise_to_pay", row.id, after=after)
        return row.id, Changes(customers={customer_id})


def cancel_promise(ctx: ServiceContext, promise_id: int, reason: str) -> Changes:
    """Cancel a promise (withdrawn, entered by mistake); it is no longer judged.

    Raises:
        PermissionDenied: the role may not log contacts.
        NotFound: no such promise.
        UserFacingError: ``invalid`` when already cancelled or no reason is given.
    """
    require(ctx, "log_contacts")
    why = reason.strip()
    if not why:
        raise invalid("reason", "say why the promise is cancelled")
    with uow(ctx) as s:
        row = get_row(s, PromiseToPay, promise_id, "Promise")
        if row.status == "cancelled":
            raise invalid("promise", "it is already cancelled")
        before = audit.snapshot(row, ("status", "paid_minor", "note"))
        row.status = "cancelled"
        row.note = f"{row.note}\n{why}".strip() if row.note else why
        s.flush()
        after = audit.snapshot(row, ("status", "paid_minor", "note"))
        audit.record(s, ctx, "cancel_promise", "promise_to_pay", row.id, before=before, after=after)
        return Changes(customers={row.customer_id})


def _payments(session: Session, as_of: date) -> dict[tuple[int, str], list[tuple[date, int]]]:
    """Posted receipts per (customer, currency) and day that live promises could count."""
    bounds = (
        select(
            PromiseToPay.customer_id,
            PromiseToPay.currency,
            func.min(PromiseToPay.made_on).label("first"),
        )
        .where(PromiseToPay.status != "cancelled")
        .group_by(PromiseToPay.customer_id, PromiseToPay.currency)
        .subquery()
    )
    query = (
        select(
            Payment.customer_id,
            Payment.currency,
            Payment.payment_date,
            func.sum(Payment.amount_minor),
        )
        .join(
            bounds,
            and_(
                bounds.c.customer_id == Payment.customer_id,
                bounds.c.currency == Payment.currency,
                Payment.payment_date >= bounds.c.first,
            ),
        )
        .where(Payment.status == "posted", Payment.payment_date <= as_of)
        .group_by(Payment.customer_id, Payment.currency, Payment.payment_date)
    )
    out: dict[tuple[int, str], list[tuple[date, int]]] = defaultdict(list)
    for cid, ccy, day, minor in session.execute(query):
        out[(cid, ccy)].append((day, int(minor)))
    return out


def refresh_promises(ctx: ServiceContext, as_of: date) -> Changes:
    """Judge every promise that is not cancelled as of ``as_of`` and store status and paid.

    Recomputes from scratch in one transaction (a reversed receipt turns a kept promise back);
    only rows whose status or paid amount changed are written; one audit row with the counts.

    Raises:
        PermissionDenied: the role may not log contacts.
    """
    require(ctx, "log_contacts")
    with uow(ctx) as s:
        grace = grace_days(s)
        rows = s.execute(
            select(
                PromiseToPay.id,
                PromiseToPay.customer_id,
                PromiseToPay.currency,
                PromiseToPay.made_on,
                PromiseToPay.promised_date,
                PromiseToPay.amount_minor,
                PromiseToPay.paid_minor,
                PromiseToPay.status,
            ).where(PromiseToPay.status != "cancelled")
        ).all()
        groups: dict[tuple[int, str], list[Any]] = defaultdict(list)
        for r in rows:
            groups[(r.customer_id, r.currency)].append(r)
        payments = _payments(s, as_of)
        updates: list[dict[str, Any]] = []
        counts: Counter[str] = Counter()
        touched: set[int] = set()
        for key, group in groups.items():
            promises = [Promise(r.id, r.made_on, r.promised_date, r.amount_minor) for r in group]
            results = evaluate_promises(promises, payments.get(key, []), as_of, grace_days=grace)
            for r, result in zip(group, results, strict=True):
                counts[result.status] += 1
                if (result.status, result.paid_minor) != (r.status, r.paid_minor):
                    updates.append(
                        {"b_id": r.id, "b_status": result.status, "b_paid": result.paid_minor}
                    )
                    touched.add(r.customer_id)
        if updates:
            table = PromiseToPay.__table__
            stmt = (
                table.update()
                .where(table.c.id == bindparam("b_id"))
                .values(
                    status=bindparam("b_status"),
                    paid_minor=bindparam("b_paid"),
                    version_id=table.c.version_id + 1,
                )
            )
            s.connection().execute(stmt, updates)
        after = {"as_of": as_of, "checked": len(rows), "changed": len(updates), **dict(counts)}
        audit.record(s, ctx, "refresh_promises", "promise_to_pay", as_of.isoformat(), after=after)
        return Changes(customers=touched)


def list_promises(
    ctx: ServiceContext, *, customer_id: int | None = None, status: str | None = None
) -> list[PromiseView]:
    """Promises (one customer's or all; one status or all), latest promised date first.

    Raises:
        UserFacingError: ``invalid`` for an unknown status.
    """
    if status is not None and status not in PROMISE_FILTER_STATUSES:
        raise invalid("status", f"use one of {', '.join(PROMISE_FILTER_STATUSES)}")
    query = (
        select(PromiseToPay, Customer.code, Customer.name, Invoice.number)
        .join(Customer, Customer.id == PromiseToPay.customer_id)
        .outerjoin(Invoice, Invoice.id == PromiseToPay.invoice_id)
        .order_by(PromiseToPay.promised_date.desc(), PromiseToPay.id.desc())
    )
    if customer_id is not None:
        query = query.where(PromiseToPay.customer_id == customer_id)
    if status is not None:
        query = query.where(PromiseToPay.status == status)
    with reader(ctx) as s:
        return [
            PromiseView(
                id=p.id,
                customer_id=p.customer_id,
                customer_code=code,
                customer_name=name,
                invoice_id=p.invoice_id,
                invoice_number=number or "",
                contact_log_id=p.contact_log_id,
                made_on=p.made_on,
                promised_date=p.promised_date,
                amount=Money(p.amount_minor, p.currency),
                paid=Money(p.paid_minor, p.currency),
                status=p.status,
                note=p.note,
                created_by=p.created_by,
            )
            for p, code, name, number in s.execute(query)
        ]
