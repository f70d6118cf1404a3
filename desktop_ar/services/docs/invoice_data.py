"""Reading invoices for printing: many at once, in a handful of queries.

What has been paid, credited or written off is counted from the allocations dated on or
before the document date and not reversed by then, so an invoice printed "as of" an earlier
day shows what was open that day; printed as of today it agrees with the maintained
``open_minor``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Allocation, Customer, Invoice, InvoiceLine, Order, ScheduleLine
from desktop_ar.documents.base import Document
from desktop_ar.documents.invoice import CustomerBlock, InvoiceDoc, InvoiceLineDoc, ScheduleDoc
from desktop_ar.domain.errors import DomainError, NotFound
from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import describe_terms, parse_terms
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import Target, document_language
from desktop_ar.services.uow import reader

__all__ = [
    "CHUNK",
    "chunks",
    "customer_block",
    "load_invoices",
    "note_after",
    "render_records",
]

T = TypeVar("T")

CHUNK = 500  # ids per IN (...) query


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[list[int]]:
    """``ids`` in lists of at most ``size``."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def render_records(
    ctx: ServiceContext,
    targets: Sequence[Target],
    entity: str,
    load: Callable[[Session, list[int]], Mapping[int, T]],
    make: Callable[[T], Document],
) -> Iterator[Document]:
    """The documents of record-level ``targets`` (invoices, receipts) in order.

    ``load(session, ids)`` reads a few hundred records at a time; ``make`` lays one out.

    Raises:
        NotFound: a target has no record id, or its record no longer exists.
    """
    ids = [t.record_id for t in targets if t.record_id is not None]
    if len(ids) != len(targets):
        raise NotFound(entity, next(t.key for t in targets if t.record_id is None))
    for part in chunks(ids):
        with reader(ctx) as s:
            docs = load(s, part)
        for record_id in part:
            doc = docs.get(record_id)
            if doc is None:
                raise NotFound(entity, record_id)
            yield make(doc)


def customer_block(c: Customer) -> CustomerBlock:
    """The addressee block of a customer."""
    return CustomerBlock(c.name, c.code, c.address, c.tax_id, c.language)


def note_after(notes: str, prefix: str) -> str:
    """The text after the last ``prefix`` line of ``notes`` (``Void: …``, ``Reversed: …``)."""
    found = ""
    for line in (notes or "").splitlines():
        if line.startswith(prefix):
            found = line[len(prefix) :].strip()
    return found


def _terms(spec: str, lang: str) -> str:
    try:
        return describe_terms(parse_terms(spec), lang)
    except DomainError:
        return spec


def _allocated(
    s: Session, ids: list[int], as_of: date
) -> tuple[dict[tuple[int, str], int], dict[int, int]]:
    """Per (invoice, source kind) and per schedule line: the minor units applied by ``as_of``."""
    query = select(
        Allocation.invoice_id,
        Allocation.schedule_line_id,
        Allocation.payment_id,
        Allocation.credit_note_id,
        Allocation.amount_minor,
    ).where(
        Allocation.invoice_id.in_(ids),
        Allocation.allocation_date <= as_of,
        or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > as_of),
    )
    by_kind: dict[tuple[int, str], int] = {}
    by_line: dict[int, int] = {}
    for invoice_id, line_id, payment_id, credit_id, minor in s.execute(query):
        kind = "paid" if payment_id else "credited" if credit_id else "written_off"
        by_kind[invoice_id, kind] = by_kind.get((invoice_id, kind), 0) + minor
        by_line[line_id] = by_line.get(line_id, 0) + minor
    return by_kind, by_line


def load_invoices(
    s: Session, ids: Sequence[int], as_of: date, lang: str | None
) -> dict[int, InvoiceDoc]:
    """The printable invoices ``ids`` (missing ids are left out).

    Args:
        s: a read session.
        ids: invoice ids.
        as_of: the document date (paid and open amounts).
        lang: the document language, or None for each customer's own.
    """
    out: dict[int, InvoiceDoc] = {}
    for part in chunks(list(ids)):
        rows = s.execute(
            select(Invoice, Customer, Order.number)
            .join(Customer, Customer.id == Invoice.customer_id)
            .outerjoin(Order, Order.id == Invoice.order_id)
            .where(Invoice.id.in_(part))
        ).all()
        lines: dict[int, list[InvoiceLine]] = {}
        for ln in s.execute(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id.in_(part))
            .order_by(InvoiceLine.invoice_id, InvoiceLine.line_no)
        ).scalars():
            lines.setdefault(ln.invoice_id, []).append(ln)
        schedule: dict[int, list[ScheduleLine]] = {}
        for sl in s.execute(
            select(ScheduleLine)
            .where(ScheduleLine.invoice_id.in_(part))
            .order_by(ScheduleLine.invoice_id, ScheduleLine.seq)
        ).scalars():
            schedule.setdefault(sl.invoice_id, []).append(sl)
        by_kind, by_line = _allocated(s, part, as_of)
        for inv, customer, order_number in rows:
            doc_lang = document_language(customer.language, lang)
            out[inv.id] = _doc(
                inv,
                customer,
                order_number=order_number or "",
                lines=lines.get(inv.id, []),
                schedule=schedule.get(inv.id, []),
                applied=(by_kind, by_line),
                as_of=as_of,
                lang=doc_lang,
            )
    return out


def _doc(
    inv: Invoice,
    customer: Customer,
    *,
    order_number: str,
    lines: list[InvoiceLine],
    schedule: list[ScheduleLine],
    applied: tuple[dict[tuple[int, str], int], dict[int, int]],
    as_of: date,
    lang: str,
) -> InvoiceDoc:
    ccy = inv.currency
    by_kind, by_line = applied

    def money(minor: int) -> Money:
        return Money(minor, ccy)

    void = inv.status == "void"
    kinds = {k: by_kind.get((inv.id, k), 0) for k in ("paid", "credited", "written_off")}
    open_minor = 0 if void else inv.amount_minor - sum(kinds.values())
    parts = [
        ScheduleDoc(
            sl.seq,
            sl.due_date,
            money(sl.amount_minor),
            money(0 if void else sl.amount_minor - by_line.get(sl.id, 0)),
        )
        for sl in schedule
    ]
    return InvoiceDoc(
        number=inv.number,
        issue_date=inv.issue_date,
        due_date=inv.due_date,
        terms=_terms(inv.payment_terms, lang),
        currency=ccy,
        customer=customer_block(customer),
        net=money(inv.net_minor),
        tax=money(inv.tax_minor),
        total=money(inv.amount_minor),
        as_of=as_of,
        paid=money(kinds["paid"]),
        credited=money(kinds["credited"]),
        written_off=money(kinds["written_off"]),
        open=money(open_minor),
        lines=[
            InvoiceLineDoc(
                ln.line_no,
                ln.item,
                Decimal(ln.quantity),
                money(ln.unit_price_minor),
                money(ln.net_minor),
                Decimal(ln.tax_rate),
                money(ln.tax_minor),
            )
            for ln in lines
        ],
        schedule=parts,
        order_number=order_number,
        fapiao_number=inv.fapiao_number if inv.fapiao_issued or inv.fapiao_number else "",
        void=void,
        void_reason=note_after(inv.notes, "Void:"),
        opening_balance=bool(inv.opening_balance),
        lang=lang,
    )
