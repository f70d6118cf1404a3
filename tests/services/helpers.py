"""A tiny scenario builder for service tests: customers, invoices and payments in one line each."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select, text

from desktop_ar.db.models import Allocation, AuditEntry, ScheduleLine
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.customers import CustomerInput, create_customer
from desktop_ar.services.invoicing import InvoiceInput, create_invoice
from desktop_ar.services.payments import PaymentInput, PaymentResult, record_payment
from desktop_ar.services.uow import reader

CCY = "CNY"


def d(text_date: str) -> date:
    """ISO text → date."""
    return date.fromisoformat(text_date)


def m(amount: str, currency: str = CCY) -> Money:
    """ "12.34" → Money."""
    return Money.of(amount, currency)


def make_customer(ctx: ServiceContext, name: str = "上海明远贸易有限公司", **fields: Any) -> int:
    """Create a customer; returns its id."""
    cid, _ = create_customer(ctx, CustomerInput(name=name, **fields))
    return cid


def make_invoice(
    ctx: ServiceContext,
    customer_id: int,
    issue: str,
    amount: str,
    *,
    terms: str | None = "NET30",
    tax: str | None = None,
    number: str | None = None,
    currency: str = CCY,
    schedule: list[tuple[str, str]] | None = None,
) -> int:
    """Create an invoice of ``amount`` (net, plus ``tax`` if given); returns its id."""
    data = InvoiceInput(
        customer_id=customer_id,
        issue_date=d(issue),
        net=m(amount, currency),
        tax=m(tax, currency) if tax else None,
        payment_terms=terms,
        number=number,
        schedule=[(d(due), m(a, currency)) for due, a in schedule] if schedule else None,
    )
    iid, _ = create_invoice(ctx, data)
    return iid


def pay(
    ctx: ServiceContext,
    customer_id: int | None,
    on: str,
    amount: str,
    *,
    allocate: str = "oldest",
    reference: str = "",
    manual: dict[int, Money] | None = None,
    key: str | None = None,
    currency: str = CCY,
) -> PaymentResult:
    """Record a payment; returns the result."""
    result, _ = record_payment(
        ctx,
        PaymentInput(customer_id, d(on), m(amount, currency), reference=reference),
        allocate=allocate,
        manual=manual,
        idempotency_key=key,
    )
    return result


def row(ctx: ServiceContext, sql: str, **params: Any) -> Any:
    """First row of a raw SQL query."""
    with reader(ctx) as s:
        return s.execute(text(sql), params).first()


def scalar(ctx: ServiceContext, sql: str, **params: Any) -> Any:
    """First column of the first row of a raw SQL query."""
    with reader(ctx) as s:
        return s.execute(text(sql), params).scalar()


def invoice_state(ctx: ServiceContext, invoice_id: int) -> tuple[int, str]:
    """(open_minor, status) of an invoice."""
    r = row(ctx, "SELECT open_minor, status FROM invoices WHERE id = :i", i=invoice_id)
    return int(r[0]), str(r[1])


def payment_unallocated(ctx: ServiceContext, payment_id: int) -> int:
    """Maintained unallocated minor units of a payment."""
    return int(scalar(ctx, "SELECT unallocated_minor FROM payments WHERE id = :i", i=payment_id))


def line_ids(ctx: ServiceContext, invoice_id: int) -> list[int]:
    """Schedule line ids of an invoice, in seq order."""
    with reader(ctx) as s:
        q = select(ScheduleLine.id).where(ScheduleLine.invoice_id == invoice_id)
        return list(s.execute(q.order_by(ScheduleLine.seq)).scalars())


def live_allocation_ids(ctx: ServiceContext, payment_id: int) -> list[int]:
    """Ids of the live allocations of a payment."""
    with reader(ctx) as s:
        q = select(Allocation.id).where(
            Allocation.payment_id == payment_id, Allocation.reversed_on.is_(None)
        )
        return list(s.execute(q.order_by(Allocation.id)).scalars())


def audit_count(ctx: ServiceContext, action: str | None = None) -> int:
    """Number of audit rows (of one action)."""
    with reader(ctx) as s:
        q = select(func.count()).select_from(AuditEntry)
        if action is not None:
            q = q.where(AuditEntry.action == action)
        return int(s.execute(q).scalar_one())


BUSINESS_TABLES = (
    "customers",
    "invoices",
    "invoice_schedule_lines",
    "credit_notes",
    "payments",
    "write_offs",
    "allocations",
    "refunds",
    "number_sequences",
)


def signature(ctx: ServiceContext) -> tuple[tuple[Any, ...], ...]:
    """Every business row (not the audit log), to prove that a failed call wrote nothing."""
    with reader(ctx) as s:
        return tuple(
            tuple(tuple(r) for r in s.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all())
            for t in BUSINESS_TABLES
        )
