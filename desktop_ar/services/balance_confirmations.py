"""Balance confirmations (余额确认 / 询证函): a customer confirmed or disputed its balance.

Each record keeps our balance at ``as_of`` in one currency (worked out the way the statement of
account does, so it equals the statement's closing balance on that day), the customer's balance
if they gave one, and the status: ``sent`` (asked, no reply yet), ``confirmed`` or ``disputed``.
Recording needs the ``reconcile`` permission and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from desktop_ar.db.models import Customer
from desktop_ar.db.models.reconciliation import CONFIRMATION_STATUSES, BalanceConfirmation
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid
from desktop_ar.services.permissions import require
from desktop_ar.services.statement_entries import customer_entries
from desktop_ar.services.uow import reader, uow

__all__ = ["BalanceConfirmationView", "list_balance_confirmations", "record_balance_confirmation"]

_AUDIT = ("customer_id", "as_of", "currency", "our_balance_minor", "their_balance_minor",
          "status", "reply_date", "contact_person", "note")  # fmt: skip
_CONTACT_MAX = 100


@dataclass(frozen=True, slots=True)
class BalanceConfirmationView:
    """A balance confirmation; ``difference`` is ours minus theirs (None without theirs)."""

    id: int
    customer_id: int
    as_of: date
    currency: str
    our_balance: Money
    their_balance: Money | None
    difference: Money | None
    status: str
    reply_date: date | None
    contact_person: str
    note: str
    recorded_at: datetime
    recorded_by: str


def _check(
    status: str,
    as_of: date,
    *,
    our: Money,
    their: Money | None,
    reply_date: date | None,
    note: str,
) -> None:
    if status not in CONFIRMATION_STATUSES:
        raise invalid("status", f"use one of {', '.join(CONFIRMATION_STATUSES)}")
    if status == "sent" and reply_date is not None:
        raise invalid("reply date", "a confirmation only sent has no reply yet")
    if reply_date is not None and reply_date < as_of:
        raise invalid("reply date", f"it is before the balance date {as_of.isoformat()}")
    if status == "confirmed" and their is not None and their != our:
        reason = f"they give {their}, our balance is {our}; record it as disputed"
        raise invalid("their balance", reason)
    if status == "disputed" and their is None and not note:
        raise invalid("note", "say what the customer disputes, or give their balance")


def record_balance_confirmation(
    ctx: ServiceContext,
    customer_id: int,
    as_of: date,
    *,
    status: str,
    their_balance: Money | None = None,
    reply_date: date | None = None,
    contact_person: str = "",
    note: str = "",
    currency: str | None = None,
) -> Changes:
    """Record that a balance confirmation was sent, confirmed or disputed.

    Args:
        ctx: the service context.
        customer_id: the customer.
        as_of: the date of the balance confirmed.
        status: ``sent``, ``confirmed`` or ``disputed``.
        their_balance: the balance the customer gives (its currency is the record's).
        reply_date: when they replied (not for ``sent``; not before ``as_of``).
        contact_person: who signed or replied.
        note: anything else (what they dispute).
        currency: the currency confirmed (default: their balance's, else the customer's).

    Returns:
        The changes (the customer).

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``invalid`` naming the field (a confirmed balance that differs from
            ours, a disputed one without a reason, a reply date on a sent one…).
    """
    require(ctx, "reconcile")
    contact, text = contact_person.strip(), note.strip()
    if len(contact) > _CONTACT_MAX:
        raise invalid("contact person", f"at most {_CONTACT_MAX} characters")
    if their_balance is not None and currency not in (None, their_balance.currency):
        raise invalid("their balance", f"enter it in {currency}")
    with uow(ctx) as s:
        customer = get_row(s, Customer, customer_id, "Customer")
        ccy = currency or (their_balance.currency if their_balance else customer.currency)
        entries = customer_entries(s, customer_id, as_of).get(ccy, [])
        our = Money.sum((e.net for e in entries), ccy)
        _check(status, as_of, our=our, their=their_balance, reply_date=reply_date, note=text)
        row = BalanceConfirmation(
            customer_id=customer_id,
            as_of=as_of,
            currency=ccy,
            our_balance_minor=our.minor,
            their_balance_minor=their_balance.minor if their_balance else None,
            status=status,
            reply_date=reply_date,
            contact_person=contact,
            note=text,
            recorded_at=ctx.clock.now(),
            recorded_by=ctx.user,
        )
        s.add(row)
        s.flush()
        after = audit.snapshot(row, _AUDIT)
        audit.record(s, ctx, "record_balance_confirmation", "balance_confirmation", row.id,
                     after=after)  # fmt: skip
        return Changes(customers={customer_id})


def list_balance_confirmations(
    ctx: ServiceContext, customer_id: int
) -> list[BalanceConfirmationView]:
    """A customer's balance confirmations, the latest balance date first."""
    query = (
        select(BalanceConfirmation)
        .where(BalanceConfirmation.customer_id == customer_id)
        .order_by(BalanceConfirmation.as_of.desc(), BalanceConfirmation.id.desc())
    )
    with reader(ctx) as s:
        out = []
        for r in s.scalars(query):
            our = Money(r.our_balance_minor, r.currency)
            their = (
                None if r.their_balance_minor is None else Money(r.their_balance_minor, r.currency)
            )
            out.append(
                BalanceConfirmationView(
                    id=r.id,
                    customer_id=r.customer_id,
                    as_of=r.as_of,
                    currency=r.currency,
                    our_balance=our,
                    their_balance=their,
                    difference=None if their is None else our - their,
                    status=r.status,
                    reply_date=r.reply_date,
                    contact_person=r.contact_person,
                    note=r.note,
                    recorded_at=r.recorded_at,
                    recorded_by=r.recorded_by,
                )
            )
        return out
