"""The customer archive around the customer record: contacts, value tiers, payment behaviour.

Kept beside ``customers.py`` (create, edit, deactivate, detail) so both stay small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    Allocation,
    Contact,
    Customer,
    Invoice,
    Order,
    Payment,
    ScheduleLine,
)
from desktop_ar.domain.customer_value import (
    DEFAULT_THRESHOLDS,
    Behaviour,
    OpenLine,
    PaidLine,
    TierThresholds,
    describe_rule,
    payment_behaviour,
    value_tier,
)
from desktop_ar.domain.dates import add_months
from desktop_ar.domain.errors import ConcurrentEditError
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.customers import (
    CustomerInput,
    apply_customer_edit,
    clean_customer,
    insert_customer,
)
from desktop_ar.services.ledger import LIVE, get_row, invalid
from desktop_ar.services.permissions import require
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader, uow

_CONTACT_FIELDS = ("name", "title", "phone", "mobile", "email", "is_primary", "notes")
_ORDERED = ("confirmed", "invoiced")


@dataclass(frozen=True, slots=True)
class ContactInput:
    """The editable fields of a contact person."""

    name: str
    title: str = ""
    phone: str = ""
    mobile: str = ""
    email: str = ""
    is_primary: bool = False
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A contact person with its id and version (for editing)."""

    id: int
    customer_id: int
    name: str
    title: str
    phone: str
    mobile: str
    email: str
    is_primary: bool
    notes: str
    version: int


def validate_contact(data: ContactInput) -> dict[str, object]:
    """The column values of a contact, or ``UserFacingError("invalid")`` naming the field."""
    values: dict[str, object] = {k: getattr(data, k) for k in _CONTACT_FIELDS}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()
    if not values["name"]:
        raise invalid("contact", "enter the contact's name")
    email = str(values["email"])
    if email and ("@" not in email or " " in email):
        raise invalid("email", f"{email!r} is not an email address")
    values["is_primary"] = bool(values["is_primary"])
    return values


def _clear_primary(session: Session, customer_id: int, keep: int | None) -> None:
    query = select(Contact).where(Contact.customer_id == customer_id, Contact.is_primary)
    for other in session.execute(query).scalars():
        if other.id != keep:
            other.is_primary = False


def _row(c: Contact) -> ContactRow:
    return ContactRow(
        c.id,
        c.customer_id,
        c.name,
        c.title,
        c.phone,
        c.mobile,
        c.email,
        bool(c.is_primary),
        c.notes,
        c.version_id,
    )


def contacts(ctx: ServiceContext, customer_id: int) -> list[ContactRow]:
    """A customer's contacts, the primary one first."""
    with reader(ctx) as s:
        rows = s.execute(
            select(Contact)
            .where(Contact.customer_id == customer_id)
            .order_by(Contact.is_primary.desc(), Contact.id)
        ).scalars()
        return [_row(c) for c in rows]


def add_contact(ctx: ServiceContext, customer_id: int, data: ContactInput) -> tuple[int, Changes]:
    """Add a contact person to a customer (a new primary contact replaces the old one).

    Raises:
        PermissionDenied: the role may not edit customers.
        UserFacingError: ``invalid`` naming the field.
    """
    require(ctx, "edit_customers")
    values = validate_contact(data)
    with uow(ctx) as s:
        get_row(s, Customer, customer_id, "Customer")
        contact = Contact(customer_id=customer_id, **values)
        s.add(contact)
        s.flush()
        if contact.is_primary:
            _clear_primary(s, customer_id, contact.id)
        after = {"customer_id": customer_id, **values}
        audit.record(s, ctx, "add_contact", "contact", contact.id, after=after)
        return contact.id, Changes(customers={customer_id})


def update_contact(
    ctx: ServiceContext, contact_id: int, data: ContactInput, *, expected_version: int | None = None
) -> Changes:
    """Save edits to a contact, refusing them when someone else saved it first.

    Raises:
        ConcurrentEditError: ``expected_version`` is not the stored version.
    """
    require(ctx, "edit_customers")
    values = validate_contact(data)
    with uow(ctx) as s:
        contact = get_row(s, Contact, contact_id, "Contact")
        if expected_version is not None and contact.version_id != expected_version:
            raise ConcurrentEditError("Contact")
        before = audit.snapshot(contact, _CONTACT_FIELDS)
        for key, value in values.items():
            setattr(contact, key, value)
        if contact.is_primary:
            _clear_primary(s, contact.customer_id, contact.id)
        s.flush()
        after = audit.snapshot(contact, _CONTACT_FIELDS)
        audit.record(s, ctx, "update_contact", "contact", contact_id, before=before, after=after)
        return Changes(customers={contact.customer_id})


def remove_contact(ctx: ServiceContext, contact_id: int) -> Changes:
    """Remove a contact person (the customer's documents are not affected)."""
    require(ctx, "edit_customers")
    with uow(ctx) as s:
        contact = get_row(s, Contact, contact_id, "Contact")
        before = {"customer_id": contact.customer_id, **audit.snapshot(contact, _CONTACT_FIELDS)}
        customer_id = contact.customer_id
        s.delete(contact)
        s.flush()
        audit.record(s, ctx, "remove_contact", "contact", contact_id, before=before)
        return Changes(customers={customer_id})


def save_contacts(
    ctx: ServiceContext, customer_id: int, rows: Sequence[tuple[int | None, ContactInput]]
) -> Changes:
    """Make a customer's contacts exactly ``rows`` in one transaction (the customer dialog).

    ``(None, data)`` adds a contact, ``(id, data)`` updates one, and a contact not listed is
    removed. Unchanged contacts are left alone and not audited.
    """
    require(ctx, "edit_customers")
    wanted = _validated(rows)
    with uow(ctx) as s:
        get_row(s, Customer, customer_id, "Customer")
        _sync_contacts(s, ctx, customer_id, wanted)
        return Changes(customers={customer_id})


def save_customer(
    ctx: ServiceContext,
    customer_id: int | None,
    data: CustomerInput,
    contact_rows: Sequence[tuple[int | None, ContactInput]],
    *,
    expected_version: int | None = None,
) -> tuple[int, Changes]:
    """Create or edit a customer together with its contacts, in ONE transaction.

    What the customer dialog saves: either all of it is written or nothing is (a bad contact
    no longer leaves a saved customer behind). Each part is audited as on its own.

    Raises:
        ConcurrentEditError: the customer was saved by someone else since it was loaded.
        UserFacingError: a field or contact that needs fixing.
    """
    require(ctx, "edit_customers")
    values = clean_customer(data)
    wanted = _validated(contact_rows)
    with uow(ctx) as s:
        if customer_id is None:
            customer_id = insert_customer(s, ctx, values).id
        else:
            apply_customer_edit(s, ctx, customer_id, values, expected_version or 0)
        _sync_contacts(s, ctx, customer_id, wanted)
        return customer_id, Changes(customers={customer_id})


def _validated(
    rows: Sequence[tuple[int | None, ContactInput]],
) -> list[tuple[int | None, dict[str, object]]]:
    wanted = [(cid, validate_contact(data)) for cid, data in rows]
    if sum(bool(v["is_primary"]) for _c, v in wanted) > 1:
        raise invalid("contacts", "only one contact can be the primary one")
    return wanted


def _sync_contacts(
    s: Session,
    ctx: ServiceContext,
    customer_id: int,
    wanted: list[tuple[int | None, dict[str, object]]],
) -> None:
    existing = {
        c.id: c
        for c in s.execute(select(Contact).where(Contact.customer_id == customer_id)).scalars()
    }
    keep = {cid for cid, _v in wanted if cid is not None}
    if keep - existing.keys():
        raise invalid("contacts", "a contact was removed by someone else; reload")
    for cid in sorted(existing.keys() - keep):
        contact = existing[cid]
        before = audit.snapshot(contact, _CONTACT_FIELDS)
        s.delete(contact)
        audit.record(s, ctx, "remove_contact", "contact", cid, before=before)
    s.flush()
    for cid, values in wanted:
        if cid is None:
            contact = Contact(customer_id=customer_id, **values)
            s.add(contact)
            s.flush()
            audit.record(s, ctx, "add_contact", "contact", contact.id, after=values)
            continue
        contact = existing[cid]
        before = audit.snapshot(contact, _CONTACT_FIELDS)
        if before == values:
            continue
        for key, value in values.items():
            setattr(contact, key, value)
        s.flush()
        audit.record(s, ctx, "update_contact", "contact", cid, before=before, after=values)


# ---- value tiers -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TierFigures:
    """What a customer's tier was computed from."""

    revenue: Money
    orders: int
    tier: str


def _window(as_of: date) -> tuple[date, date]:
    """The last 12 months up to and including ``as_of``."""
    return add_months(as_of, -12), as_of


def tier_figures(
    session: Session, as_of: date, base: str, customer_ids: Sequence[int] | None = None
) -> dict[int, tuple[Money, int]]:
    """Revenue (in ``base``) and order counts of the last 12 months, per customer, in SQL.

    Revenue is grouped by currency and rate in SQL and converted to ``base`` per group;
    orders are confirmed or invoiced orders dated in the window plus invoices without one.
    """
    start, end = _window(as_of)
    inv_where = [Invoice.status != "void", Invoice.issue_date > start, Invoice.issue_date <= end]
    ord_where = [Order.status.in_(_ORDERED), Order.order_date > start, Order.order_date <= end]
    if customer_ids is not None:
        inv_where.append(Invoice.customer_id.in_(list(customer_ids)))
        ord_where.append(Order.customer_id.in_(list(customer_ids)))
    revenue: dict[int, int] = defaultdict(int)
    orders: dict[int, int] = defaultdict(int)
    grouped = (Invoice.customer_id, Invoice.currency, Invoice.exchange_rate)
    for cid, ccy, rate, total, loose in session.execute(
        select(
            *grouped,
            func.sum(Invoice.amount_minor),
            func.sum(case((Invoice.order_id.is_(None), 1), else_=0)),
        )
        .where(*inv_where)
        .group_by(*grouped)
    ):
        amount = Money(int(total), ccy)
        if ccy != base:
            amount = amount.convert(rate, base, rounding=ROUND_HALF_UP)
        revenue[cid] += amount.minor
        orders[cid] += int(loose)
    for cid, count in session.execute(
        select(Order.customer_id, func.count()).where(*ord_where).group_by(Order.customer_id)
    ):
        orders[cid] += int(count)
    return {
        cid: (Money(revenue.get(cid, 0), base), orders.get(cid, 0))
        for cid in revenue.keys() | orders.keys()
    }


def recompute_value_tiers(
    ctx: ServiceContext, as_of: date, thresholds: TierThresholds = DEFAULT_THRESHOLDS
) -> Changes:
    """Set every customer's value tier from the last 12 months (see ``domain.customer_value``).

    One audit row lists the customers whose tier changed (code: old → new) and the rule used.
    Changed customers get a new version, so an editor holding the old tier must reload.

    Returns:
        Changes naming the customers whose tier changed.
    """
    require(ctx, "edit_customers")
    with uow(ctx) as s:
        base = load_settings(s).base_currency
        figures = tier_figures(s, as_of, base)
        zero = (Money.zero(base), 0)
        changed: list[dict[str, object]] = []
        summary: dict[str, list[str]] = {}
        for cid, code, old in s.execute(select(Customer.id, Customer.code, Customer.value_tier)):
            revenue, count = figures.get(cid, zero)
            new = value_tier(revenue, count, thresholds)
            if new != old:
                changed.append({"cid": cid, "tier": new})
                summary[code] = [old or "", new]
        if changed:
            # Core, not ORM: one executemany for any number of customers.
            table = Customer.__table__
            s.execute(
                update(table)
                .where(table.c.id == bindparam("cid"))
                .values(value_tier=bindparam("tier"), version_id=table.c.version_id + 1),
                changed,
            )
        after = {"as_of": as_of, "rule": describe_rule("en", thresholds, base), "changed": summary}
        audit.record(s, ctx, "recompute_value_tiers", "customer", "*", after=after)
        return Changes(customers={int(str(c["cid"])) for c in changed})


def customer_tier_figures(ctx: ServiceContext, customer_id: int, as_of: date) -> TierFigures:
    """One customer's revenue, orders and the tier the rule gives them now."""
    with reader(ctx) as s:
        base = load_settings(s).base_currency
        revenue, count = tier_figures(s, as_of, base, [customer_id]).get(
            customer_id, (Money.zero(base), 0)
        )
        return TierFigures(revenue, count, value_tier(revenue, count))


# ---- payment behaviour -----------------------------------------------------------------------


def customer_behaviour(ctx: ServiceContext, customer_id: int, as_of: date) -> Behaviour:
    """How a customer paid over the last 12 months, and how overdue they are now.

    Paid lines are live payment allocations (not credit notes or write-offs) of payments dated
    in the 12 months up to ``as_of``, each against its schedule line's due date; open lines
    are the customer's open schedule lines. Only the customer's own currency counts.
    """
    start, end = _window(as_of)
    with reader(ctx) as s:
        customer = get_row(s, Customer, customer_id, "Customer")
        ccy = customer.currency
        paid = s.execute(
            select(
                ScheduleLine.due_date,
                Payment.payment_date,
                Allocation.amount_minor,
                Invoice.issue_date,
            )
            .select_from(Invoice)
            .join(Allocation, Allocation.invoice_id == Invoice.id)
            .join(Payment, Payment.id == Allocation.payment_id)
            .join(ScheduleLine, ScheduleLine.id == Allocation.schedule_line_id)
            .where(
                Invoice.customer_id == customer_id,
                Invoice.currency == ccy,
                LIVE,
                Payment.status == "posted",
                Payment.payment_date > start,
                Payment.payment_date <= end,
            )
        ).all()
        open_rows = s.execute(
            select(ScheduleLine.due_date, ScheduleLine.open_minor)
            .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
            .where(
                Invoice.customer_id == customer_id,
                Invoice.currency == ccy,
                Invoice.status != "void",
                Invoice.issue_date <= as_of,
                ScheduleLine.open_minor > 0,
            )
        ).all()
    return payment_behaviour(
        (PaidLine(due, on, Money(a, ccy), issued) for due, on, a, issued in paid),
        (OpenLine(due, Money(a, ccy)) for due, a in open_rows),
        as_of,
    )
