"""Customers: create, edit, deactivate, and the detail view with balances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    Contact,
    CreditNote,
    Customer,
    Invoice,
    Order,
    Payment,
    Refund,
    ScheduleLine,
    WriteOff,
)
from desktop_ar.db.models.customers import CUSTOMER_STATUSES, CUSTOMER_TYPES
from desktop_ar.domain.currency import minor_digits
from desktop_ar.domain.errors import ConcurrentEditError, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.domain.search_text import search_keys
from desktop_ar.domain.terms import parse_terms
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, user_errors
from desktop_ar.services.permissions import require
from desktop_ar.services.settings import next_number
from desktop_ar.services.uow import reader, uow

_LANGUAGES = ("zh", "en")
_TIERS = (None, "A", "B", "C")


@dataclass(frozen=True, slots=True)
class CustomerInput:
    """The editable fields of a customer. An empty ``code`` takes the next number (C00001)."""

    name: str
    code: str = ""
    short_name: str = ""
    customer_type: str = "sme"
    industry: str = ""
    region: str = ""
    value_tier: str | None = None
    tags: str = ""
    payment_terms: str = "NET30"
    currency: str = "CNY"
    credit_limit: Money | None = None
    credit_grade: str = ""
    collector: str = ""
    credit_hold: bool = False
    status: str = "active"
    language: str = "zh"
    tax_id: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ContactDTO:
    """A contact person shown on the customer detail."""

    name: str
    title: str
    phone: str
    mobile: str
    email: str
    is_primary: bool


@dataclass(frozen=True, slots=True)
class CustomerDetail:
    """Everything the customer detail page shows, with balances as of a date."""

    id: int
    code: str
    name: str
    short_name: str
    customer_type: str
    industry: str
    region: str
    value_tier: str | None
    tags: str
    payment_terms: str
    currency: str
    credit_limit: Money
    credit_grade: str
    collector: str
    credit_hold: bool
    status: str
    language: str
    tax_id: str
    address: str
    phone: str
    email: str
    notes: str
    balance: Money
    overdue: Money
    unallocated_credit: Money
    credit_used_pct: Decimal | None
    open_invoice_count: int
    contacts: list[ContactDTO]
    version: int = 1


_FIELDS = tuple(f for f in CustomerInput.__dataclass_fields__ if f != "credit_limit")
_AUDITED = (*_FIELDS, "credit_limit_minor", "pinyin_initials", "pinyin_full")


def _invalid(field: str, reason: str) -> UserFacingError:
    return UserFacingError("invalid", field=field, reason=reason)


def clean_customer(data: CustomerInput) -> dict[str, Any]:
    """Validate the input and return the column values (without code numbering)."""
    values: dict[str, Any] = {k: getattr(data, k) for k in _FIELDS}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()
    if not values["name"]:
        raise _invalid("name", "enter the customer name")
    if values["customer_type"] not in CUSTOMER_TYPES:
        raise _invalid("customer_type", f"use one of {', '.join(CUSTOMER_TYPES)}")
    if values["status"] not in CUSTOMER_STATUSES:
        raise _invalid("status", f"use one of {', '.join(CUSTOMER_STATUSES)}")
    if values["value_tier"] == "":
        values["value_tier"] = None
    if values["value_tier"] not in _TIERS:
        raise _invalid("value_tier", "use A, B or C")
    if values["language"] not in _LANGUAGES:
        raise _invalid("language", "use zh or en")
    values["currency"] = values["currency"].upper()
    with user_errors():
        minor_digits(values["currency"])
        values["payment_terms"] = parse_terms(values["payment_terms"]).spec
    limit = data.credit_limit or Money.zero(values["currency"])
    if limit.currency != values["currency"]:
        raise _invalid("credit_limit", f"enter it in {values['currency']}")
    if limit.minor < 0:
        raise _invalid("credit_limit", "must not be negative")
    values["credit_limit_minor"] = limit.minor
    values["credit_hold"] = bool(values["credit_hold"])
    values["pinyin_initials"], values["pinyin_full"] = search_keys(values["name"])
    return values


def _check_code(session: Session, code: str, customer_id: int | None) -> None:
    query = select(Customer.id).where(Customer.code == code)
    if customer_id is not None:
        query = query.where(Customer.id != customer_id)
    if session.execute(query).first() is not None:
        raise UserFacingError("duplicate", entity="Customer code", key=code)


def create_customer(ctx: ServiceContext, data: CustomerInput) -> tuple[int, Changes]:
    """Create a customer.

    Args:
        ctx: the service context.
        data: the customer's fields; an empty ``code`` takes the next number.

    Returns:
        The new customer's id and the changes.

    Raises:
        PermissionDenied: the role may not edit customers.
        UserFacingError: ``invalid`` naming the field, or ``duplicate`` for a used code.
    """
    require(ctx, "edit_customers")
    values = clean_customer(data)
    with uow(ctx) as s:
        customer = insert_customer(s, ctx, values)
        return customer.id, Changes(customers={customer.id})


def insert_customer(session: Session, ctx: ServiceContext, values: dict[str, Any]) -> Customer:
    """Add a customer from cleaned values inside the caller's transaction (audited)."""
    if not values["code"]:
        values["code"] = next_number(session, "customer")
    _check_code(session, values["code"], None)
    customer = Customer(**values, created_at=ctx.clock.now())
    session.add(customer)
    session.flush()
    audit.record(
        session,
        ctx,
        "create_customer",
        "customer",
        customer.id,
        after=audit.snapshot(customer, _AUDITED),
    )
    return customer


def _has_documents(session: Session, customer_id: int) -> bool:
    for model in (Invoice, Payment, CreditNote, Order, WriteOff, Refund):
        column = model.customer_id  # type: ignore[attr-defined]
        if session.execute(select(column).where(column == customer_id).limit(1)).first():
            return True
    return False


def update_customer(
    ctx: ServiceContext, customer_id: int, data: CustomerInput, *, expected_version: int
) -> Changes:
    """Save edits to a customer, refusing them when someone else saved first.

    Args:
        ctx: the service context.
        customer_id: the customer to change.
        data: all editable fields (an empty ``code`` keeps the current code).
        expected_version: the ``version`` the editor loaded (``CustomerDetail.version``).

    Returns:
        The changes.

    Raises:
        ConcurrentEditError: the customer was saved by someone else since it was loaded.
        UserFacingError: ``invalid`` / ``duplicate`` naming the field; a currency change once
            the customer has documents.
    """
    require(ctx, "edit_customers")
    values = clean_customer(data)
    with uow(ctx) as s:
        apply_customer_edit(s, ctx, customer_id, values, expected_version)
        return Changes(customers={customer_id})


def apply_customer_edit(
    session: Session,
    ctx: ServiceContext,
    customer_id: int,
    values: dict[str, Any],
    expected_version: int,
) -> Customer:
    """Save cleaned edits inside the caller's transaction (audited); see update_customer."""
    customer = get_row(session, Customer, customer_id, "Customer")
    if customer.version_id != expected_version:
        raise ConcurrentEditError("Customer")
    if not values["code"]:
        values["code"] = customer.code
    _check_code(session, values["code"], customer_id)
    if values["currency"] != customer.currency and _has_documents(session, customer_id):
        raise _invalid("currency", f"the customer already has documents in {customer.currency}")
    before = audit.snapshot(customer, _AUDITED)
    for key, value in values.items():
        setattr(customer, key, value)
    session.flush()
    audit.record(
        session,
        ctx,
        "update_customer",
        "customer",
        customer_id,
        before=before,
        after=audit.snapshot(customer, _AUDITED),
    )
    return customer


def edited_customer_values(
    session: Session, customer: Customer, given: Mapping[str, Any]
) -> dict[str, Any]:
    """The cleaned values of ``customer`` with only the fields in ``given`` changed.

    For an edit that names some fields and leaves the others as they are (an import row whose
    empty cells keep the stored values). The result goes to :func:`apply_customer_edit`.

    Args:
        session: an open session.
        customer: the stored customer.
        given: ``CustomerInput`` field name → new value (``credit_limit`` as ``Money``).

    Returns:
        Every column value, cleaned as ``update_customer`` cleans them.

    Raises:
        UserFacingError: ``invalid`` naming the field, including a currency change once the
            customer has documents.
    """
    values: dict[str, Any] = {k: getattr(customer, k) for k in _FIELDS}
    limit = Money(customer.credit_limit_minor, customer.currency)
    values.update(given)
    currency = str(values["currency"]).strip().upper()
    if currency != customer.currency:
        if _has_documents(session, customer.id):
            reason = f"the customer already has documents in {customer.currency}"
            raise _invalid("currency", reason)
        with user_errors():  # the same limit figure in the new currency
            limit = Money.from_decimal(limit.to_decimal(), currency, rounding=ROUND_HALF_UP)
    values.setdefault("credit_limit", limit)
    return clean_customer(CustomerInput(**values))


def set_customer_status(ctx: ServiceContext, customer_id: int, status: str) -> Changes:
    """Activate or deactivate a customer (customers with documents are never deleted).

    Args:
        ctx: the service context.
        customer_id: the customer.
        status: ``active`` or ``inactive``.

    Returns:
        The changes.
    """
    require(ctx, "edit_customers")
    if status not in CUSTOMER_STATUSES:
        raise _invalid("status", f"use one of {', '.join(CUSTOMER_STATUSES)}")
    with uow(ctx) as s:
        customer = get_row(s, Customer, customer_id, "Customer")
        before = {"status": customer.status}
        customer.status = status
        s.flush()
        audit.record(
            s,
            ctx,
            "set_customer_status",
            "customer",
            customer_id,
            before=before,
            after={"status": status},
        )
        return Changes(customers={customer_id})


def delete_customer(ctx: ServiceContext, customer_id: int) -> Changes:
    """Delete a customer that has no documents at all (typing mistakes); others are deactivated.

    Raises:
        UserFacingError: ``has_documents`` when the customer has any invoice, payment, order,
            credit note, write-off or refund.
    """
    require(ctx, "edit_customers")
    with uow(ctx) as s:
        customer = get_row(s, Customer, customer_id, "Customer")
        if _has_documents(s, customer_id):
            raise UserFacingError("has_documents", entity="Customer", key=customer.code)
        before = audit.snapshot(customer, _AUDITED)
        s.delete(customer)
        s.flush()
        audit.record(s, ctx, "delete_customer", "customer", customer_id, before=before)
        return Changes(customers={customer_id})


def _sum(session: Session, column: Any, *where: Any) -> int:
    return int(session.execute(select(func.coalesce(func.sum(column), 0)).where(*where)).scalar())


def customer_balances(
    session: Session, customer_id: int, currency: str, as_of: date
) -> tuple[int, int, int, int]:
    """(open invoices, overdue, unallocated credit, open invoice count) in minor units.

    Only documents dated on or before ``as_of`` count; the open amounts are the maintained ones.
    """
    inv_where = (
        Invoice.customer_id == customer_id,
        Invoice.currency == currency,
        Invoice.status != "void",
        Invoice.issue_date <= as_of,
    )
    open_total = _sum(session, Invoice.open_minor, *inv_where)
    count = session.execute(
        select(func.count()).where(*inv_where, Invoice.open_minor > 0)
    ).scalar_one()
    overdue = int(
        session.execute(
            select(func.coalesce(func.sum(ScheduleLine.open_minor), 0))
            .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
            .where(*inv_where, ScheduleLine.due_date < as_of)
        ).scalar()
    )
    credits = _sum(
        session,
        CreditNote.unallocated_minor,
        CreditNote.customer_id == customer_id,
        CreditNote.currency == currency,
        CreditNote.status != "void",
        CreditNote.issue_date <= as_of,
    ) + _sum(
        session,
        Payment.unallocated_minor,
        Payment.customer_id == customer_id,
        Payment.currency == currency,
        Payment.status == "posted",
        Payment.payment_date <= as_of,
    )
    return open_total, overdue, credits, int(count)


def customer_detail(ctx: ServiceContext, customer_id: int, as_of: date) -> CustomerDetail:
    """A customer with balances in its own currency as of a date.

    ``balance`` = open invoices − unallocated credit notes and payments; ``overdue`` = open
    schedule lines due before ``as_of``; ``credit_used_pct`` = balance / credit limit × 100 to
    one decimal (None without a limit).

    Raises:
        NotFound: no such customer.
    """
    with reader(ctx) as s:
        c = get_row(s, Customer, customer_id, "Customer")
        ccy = c.currency
        open_total, overdue, credits, count = customer_balances(s, customer_id, ccy, as_of)
        contacts = s.execute(
            select(Contact)
            .where(Contact.customer_id == customer_id)
            .order_by(Contact.is_primary.desc(), Contact.id)
        ).scalars()
        balance = open_total - credits
        pct = None
        if c.credit_limit_minor > 0:
            pct = (Decimal(balance) * 100 / Decimal(c.credit_limit_minor)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
        values = {k: getattr(c, k) for k in _FIELDS}
        return CustomerDetail(
            id=c.id,
            **values,
            credit_limit=Money(c.credit_limit_minor, ccy),
            balance=Money(balance, ccy),
            overdue=Money(overdue, ccy),
            unallocated_credit=Money(credits, ccy),
            credit_used_pct=pct,
            open_invoice_count=count,
            contacts=[
                ContactDTO(p.name, p.title, p.phone, p.mobile, p.email, bool(p.is_primary))
                for p in contacts
            ],
            version=c.version_id,
        )


def customer_input(detail: CustomerDetail) -> CustomerInput:
    """The editable fields of a loaded customer, to change and pass to ``update_customer``."""
    values = {k: getattr(detail, k) for k in _FIELDS}
    return CustomerInput(**values, credit_limit=detail.credit_limit)
