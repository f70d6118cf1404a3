"""Writing imported invoices in bulk: what ``insert_invoice`` writes, a thousand rows at a time.

``insert_invoice`` (the invoice dialog's writer) flushes an ORM object, its schedule lines and one
audit row per invoice: about 1.5 ms each. ``write_invoices`` makes the same checks in the same
order — amounts, active customer, terms, schedule, order, unused number — with the customers,
orders and used numbers of 1,000 rows read at once, then writes those rows with three
executemany statements (invoices with ``RETURNING id``, schedule lines, audit rows). The rows are
identical to ``insert_invoice``'s, ids and audit order included; a test compares them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from desktop_ar.db.models import AuditEntry, Customer, Invoice, Order, ScheduleLine
from desktop_ar.domain import terms as domain_terms
from desktop_ar.domain.errors import DomainError, NotFound, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_kinds.base import chunks, rows_in
from desktop_ar.services.import_kinds.bulk_rows import RowWriter, audit_json
from desktop_ar.services.import_kinds.invoice_audit import INVOICE_KEYS as _INVOICE_KEYS
from desktop_ar.services.import_kinds.invoice_audit import created_json
from desktop_ar.services.invoicing import InvoiceInput, _amounts, _invalid
from desktop_ar.services.ledger import user_errors
from desktop_ar.services.progress import Progress
from desktop_ar.services.settings import next_number

if TYPE_CHECKING:
    from desktop_ar.services.import_kinds.invoices import InvoicePlan

__all__ = ["ROWS_PER_WRITE", "record_fapiao", "write_invoices"]

ROWS_PER_WRITE = 1_000
"""Rows checked and written together; progress is reported and cancel checked between them."""

_FAPIAO = ("fapiao_issued", "fapiao_number", "fapiao_date")


class _Book:
    """What the checks of ``insert_invoice`` read, loaded once per 1,000 rows, and the writers."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.customers: dict[int, tuple[str, str, str]] = {}  # id → (code, status, terms)
        self.orders: dict[int, tuple[str, int]] = {}  # id → (number, customer id)
        self.terms: dict[str, domain_terms.PaymentTerms | DomainError] = {}
        self.specs: dict[str, str] = {}  # terms text → its canonical spec
        self.due_dates: dict[tuple[str, date], date] = {}  # (spec, issue date) → due date
        self.zeros: dict[str, Money] = {}
        self.invoices = RowWriter(session, Invoice.__table__)  # type: ignore[arg-type]
        self.schedule = RowWriter(session, ScheduleLine.__table__)  # type: ignore[arg-type]
        self.audit = RowWriter(session, AuditEntry.__table__)  # type: ignore[arg-type]

    def load(self, plans: Sequence[InvoicePlan]) -> set[str]:
        """Read the customers and orders of ``plans``; the invoice numbers already used."""
        s = self.session
        wanted = {p.data.customer_id for p in plans} - self.customers.keys()
        query = select(Customer.id, Customer.code, Customer.status, Customer.payment_terms)
        for cid, code, status, terms in rows_in(s, query, Customer.id, wanted):
            self.customers[cid] = (code, status, terms)
        wanted = {p.data.order_id for p in plans if p.data.order_id is not None}
        query = select(Order.id, Order.number, Order.customer_id)
        for oid, number, cid in rows_in(s, query, Order.id, wanted - self.orders.keys()):
            self.orders[oid] = (number, cid)
        numbers = {(p.data.number or "").strip() for p in plans} - {""}
        return {n for (n,) in rows_in(s, select(Invoice.number), Invoice.number, numbers)}

    def parsed(self, text: str) -> domain_terms.PaymentTerms:
        """``parse_terms(text)``, remembered per text; errors as ``insert_invoice`` raises them."""
        if text not in self.terms:
            try:
                self.terms[text] = domain_terms.parse_terms(text)
            except DomainError as exc:
                self.terms[text] = exc
        found = self.terms[text]
        if isinstance(found, DomainError):
            with user_errors():
                raise found
        return found

    def spec_of(self, text: str) -> str:
        """``parse_terms(text).spec``, remembered per text (errors as :meth:`parsed`)."""
        spec = self.specs.get(text)
        if spec is None:
            spec = self.specs[text] = self.parsed(text).spec
        return spec

    def schedule_of(
        self, data: InvoiceInput, spec: str, amount: Money, tax: Money
    ) -> list[domain_terms.ScheduleLine]:
        """``invoicing._schedule`` with the terms parsed once per spec."""
        schedule = data.schedule
        if schedule and len(schedule) == 1 and schedule[0][1] == amount and amount.minor > 0:
            # custom_instalments of one part of the whole amount, without its checks' cost.
            due, part = schedule[0]
            return self._dated(
                data, [domain_terms.ScheduleLine(1, due, part, None, self.zero(amount))]
            )
        with user_errors():
            if schedule:
                lines = domain_terms.custom_instalments(amount, list(schedule))
            else:
                lines = self._by_terms(spec, data.issue_date, amount, tax)
        return self._dated(data, [line for line in lines if line.amount.minor > 0])

    @staticmethod
    def _dated(
        data: InvoiceInput, lines: list[domain_terms.ScheduleLine]
    ) -> list[domain_terms.ScheduleLine]:
        if lines[0].due_date < data.issue_date:
            raise _invalid("schedule", "an instalment is due before the invoice date")
        return lines

    def _by_terms(
        self, spec: str, issued: date, amount: Money, tax: Money
    ) -> list[domain_terms.ScheduleLine]:
        """``build_schedule``; for one-part terms without a discount, from the due date alone.

        Such terms give one line of the whole amount, due on the part's due date (remembered
        per terms and issue date), without a discount.
        """
        terms = self.parsed(spec)
        if len(terms.parts) != 1 or terms.discount is not None:
            return domain_terms.build_schedule(terms, issued, amount, tax)
        key = (spec, issued)  # the text, not the terms: quicker to hash
        due = self.due_dates.get(key)
        if due is None:
            one = Money(1, amount.currency)
            due = self.due_dates[key] = domain_terms.build_schedule(terms, issued, one)[0].due_date
        return [domain_terms.ScheduleLine(1, due, amount, None, self.zero(amount))]

    def zero(self, amount: Money) -> Money:
        """``Money.zero`` of the amount's currency (one per currency)."""
        found = self.zeros.get(amount.currency)
        if found is None:
            found = self.zeros[amount.currency] = Money.zero(amount.currency)
        return found


def _amounts_of(data: InvoiceInput) -> tuple[str, Money, Money, Decimal]:
    """``invoicing._amounts``: directly for what a checked import row holds, else through it.

    A row read from a sheet has net and tax in its own (upper-case) currency, neither negative,
    a positive total and the default exchange rate: ``_amounts`` finds nothing wrong then.
    """
    net, tax, currency, rate = data.net, data.tax, data.currency, data.exchange_rate
    if (
        tax is not None
        and currency is not None
        and currency == net.currency == tax.currency == currency.upper()
        and net.minor >= 0
        and tax.minor >= 0
        and net.minor + tax.minor > 0
        and type(rate) is Decimal
        and rate.is_finite()
        and rate > 0
    ):
        return currency, tax, Money(net.minor + tax.minor, currency), rate
    return _amounts(data)


_SCHEDULE_KEYS = (
    "invoice_id",
    "seq",
    "due_date",
    "amount_minor",
    "open_minor",
    "discount_until",
    "discount_minor",
)
_FAPIAO_ISSUED, _FAPIAO_NUMBER, _FAPIAO_DATE = (_INVOICE_KEYS.index(name) for name in _FAPIAO)
_AUDIT_KEYS = ("at", "actor", "action", "entity", "entity_id", "before", "after")


def _invoice_row(
    s: Session, ctx: ServiceContext, book: _Book, plan: InvoicePlan, used: set[str]
) -> tuple[tuple[Any, ...], list[domain_terms.ScheduleLine]]:
    """The checks and values (of ``_INVOICE_KEYS``) of ``insert_invoice``, in its order."""
    data = plan.data
    currency, tax, amount, rate = _amounts_of(data)
    if data.customer_id not in book.customers:
        raise NotFound("Customer", data.customer_id)
    code, status, customer_terms = book.customers[data.customer_id]
    if status != "active":
        raise _invalid("customer", f"{code} is inactive")
    spec = book.spec_of(data.payment_terms or customer_terms)
    lines = book.schedule_of(data, spec, amount, tax)
    if data.order_id is not None:
        if data.order_id not in book.orders:
            raise NotFound("Order", data.order_id)
        order_number, order_customer = book.orders[data.order_id]
        if order_customer != data.customer_id:
            raise _invalid("order", f"{order_number} belongs to another customer")
    number = (data.number or "").strip() or next_number(s, "invoice")
    if number in used:
        raise UserFacingError("duplicate", entity="Invoice", key=number)
    used.add(number)
    fapiao = plan.fapiao_number
    row = (
        number,
        data.order_id,
        data.customer_id,
        data.issue_date,
        lines[-1].due_date,
        currency,
        rate,
        spec,
        data.net.minor,
        tax.minor,
        amount.minor,
        amount.minor,
        "open",
        bool(fapiao),
        fapiao,
        plan.fapiao_date if fapiao else None,
        data.notes,
        ctx.clock.now(),
    )
    return row, lines


def _audit_row(ctx: ServiceContext, action: str, entity_id: int, **values: Any) -> tuple[Any, ...]:
    """An ``audit_log`` row (values of ``_AUDIT_KEYS``) as ``audit.record`` writes it."""
    return (
        ctx.clock.now(),
        ctx.user,
        action,
        "invoice",
        str(entity_id),
        audit_json(values.get("before")),
        audit_json(values.get("after")),
    )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _fapiao_audit(ctx: ServiceContext, invoice_id: int, number: str, on: date | None) -> Any:
    """The audit row of ``set_fapiao`` recording a fapiao on a new invoice."""
    before = {"fapiao_issued": False, "fapiao_number": "", "fapiao_date": None}
    after = {"fapiao_issued": True, "fapiao_number": number, "fapiao_date": _iso(on)}
    return _audit_row(ctx, "set_fapiao", invoice_id, before=before, after=after)


def _children(
    ctx: ServiceContext, ids: Sequence[int], checked: Sequence[tuple[tuple[Any, ...], Any]]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The schedule lines and audit rows of new invoices (values of their ``_KEYS``)."""
    schedule: list[tuple[Any, ...]] = []
    audits: list[tuple[Any, ...]] = []
    user, clock, created = ctx.user, ctx.clock, created_json
    for invoice_id, (row, lines) in zip(ids, checked, strict=True):
        for seq, line in enumerate(lines, start=1):
            minor = line.amount.minor
            due, until, discount = line.due_date, line.discount_until, line.discount.minor
            schedule.append((invoice_id, seq, due, minor, minor, until, discount))
        after = created(row, lines)  # ``_audit_row`` without the encoding of a dict
        audits.append((clock.now(), user, "create_invoice", "invoice", str(invoice_id), "", after))
        if row[_FAPIAO_ISSUED]:
            audits.append(_fapiao_audit(ctx, invoice_id, row[_FAPIAO_NUMBER], row[_FAPIAO_DATE]))
    return schedule, audits


def _write_chunk(
    s: Session, ctx: ServiceContext, book: _Book, plans: Sequence[InvoicePlan]
) -> list[int]:
    used = book.load(plans)
    checked = [_invoice_row(s, ctx, book, plan, used) for plan in plans]
    ids = book.invoices.insert_tuple_ids(_INVOICE_KEYS, [row for row, _ in checked])
    schedule, audits = _children(ctx, ids, checked)
    book.schedule.insert_tuples(_SCHEDULE_KEYS, schedule)
    book.audit.insert_tuples(_AUDIT_KEYS, audits)
    return ids


def write_invoices(
    session: Session,
    ctx: ServiceContext,
    items: Iterable[tuple[int, InvoicePlan]],
    progress: Progress,
    total: int,
) -> list[int]:
    """Create imported invoices as ``insert_invoice`` would, 1,000 rows per write.

    For each invoice: the invoice row, its schedule lines and a ``create_invoice`` audit row
    (plus a ``set_fapiao`` audit row when the row gave a fapiao), in sheet order.

    Args:
        session: the import's write transaction.
        ctx: the service context (user, clock).
        items: ``(Excel row number, plan)`` of every invoice, in sheet order.
        progress: reported after every 1,000 rows, checked for cancel before each.
        total: the number of items (for progress).

    Returns:
        The new invoice ids, in the order of ``items``.

    Raises:
        UserFacingError: what ``insert_invoice`` raises for the first row that fails (a number
            used meanwhile, a customer made inactive…); nothing is written then.
        Cancelled: the user cancelled.
    """
    book = _Book(session)
    ids: list[int] = []
    for chunk in chunks(items, ROWS_PER_WRITE):
        progress.check()
        ids.extend(_write_chunk(session, ctx, book, [plan for _, plan in chunk]))
        progress.report(len(ids), total, f"row {chunk[-1][0]}")
    return ids


def record_fapiao(
    session: Session, ctx: ServiceContext, fapiaos: Sequence[tuple[int, str, date | None]]
) -> None:
    """Mark new invoices' fapiao as issued, audited as ``set_fapiao`` (the one-row import path).

    Args:
        session: the import's write transaction.
        ctx: the service context.
        fapiaos: ``(invoice id, fapiao number, fapiao date)`` of each invoice.
    """
    rows = [
        {"b_id": iid, "fapiao_issued": True, "fapiao_number": number, "fapiao_date": on}
        for iid, number, on in fapiaos
    ]
    table = Invoice.__table__
    statement = update(table).where(table.c.id == bindparam("b_id"))
    session.execute(statement, rows)
    audits = [dict(zip(_AUDIT_KEYS, _fapiao_audit(ctx, *f), strict=True)) for f in fapiaos]
    session.execute(insert(AuditEntry.__table__), audits)
