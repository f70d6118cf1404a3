"""Payment receipts (收款凭证) in the document registry.

Targets: one payment by its number (posted or reversed, identified or not); one customer's
posted payments received in ``opts.date_from``..``opts.date_to`` (default: the month of
``opts.as_of`` up to ``as_of``); with neither, every posted customer payment of the period
(unidentified receipts, with no customer, are skipped). In customer-code, date, number order.

A receipt lists the payment's live allocations; a reversed payment lists those its reversal
undid (reversed on the reversal date), marked as reversed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    Allocation,
    Customer,
    Invoice,
    Payment,
    Refund,
    ScheduleLine,
    WriteOff,
)
from desktop_ar.documents.base import CompanyInfo, Document
from desktop_ar.documents.invoice import CustomerBlock
from desktop_ar.documents.receipt import (
    LABELS,
    AppliedDoc,
    ReceiptDoc,
    WriteOffDoc,
    receipt_flowables,
)
from desktop_ar.domain.errors import NotFound
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import DocOptions, Target, document_language, safe_stem
from desktop_ar.services.docs.invoice_data import (
    chunks,
    customer_block,
    note_after,
    render_records,
)
from desktop_ar.services.uow import reader

__all__ = ["load_receipts", "render", "render_many", "targets"]


def _period(opts: DocOptions) -> tuple[date, date]:
    end = opts.date_to or opts.as_of
    start = opts.date_from or end.replace(day=1)
    return start, end


def targets(
    ctx: ServiceContext,
    opts: DocOptions,
    *,
    customer_id: int | None = None,
    number: str | None = None,
) -> list[Target]:
    """The receipts to print: by number, one customer's, or every customer's in the period.

    Raises:
        NotFound: no payment has ``number``, or no customer has ``customer_id``.
    """
    query = (
        select(Payment.id, Payment.number, Payment.payer_name, Payment.customer_id, Customer.name)
        .outerjoin(Customer, Customer.id == Payment.customer_id)
        .order_by(Customer.code, Payment.payment_date, Payment.number)
    )
    if number is not None:
        query = query.where(Payment.number == number.strip())
    else:
        start, end = _period(opts)
        query = query.where(
            Payment.status == "posted",
            Payment.customer_id.is_not(None),
            Payment.payment_date >= start,
            Payment.payment_date <= end,
        )
        if customer_id is not None:
            query = query.where(Payment.customer_id == customer_id)
    with reader(ctx) as s:
        rows = s.execute(query).all()
        if number is not None and not rows:
            raise NotFound("Payment", number)
        missing = customer_id is not None and number is None and not rows
        if missing and s.get(Customer, customer_id) is None:
            raise NotFound("Customer", customer_id)
    return [
        Target("receipt", safe_stem("receipt", num), f"{num} {name or payer}", cid, pid)
        for pid, num, payer, cid, name in rows
    ]


def _document(doc: ReceiptDoc, company: CompanyInfo) -> Document:
    title = f"{LABELS[doc.lang]['title']} {doc.number}"
    return Document(receipt_flowables(doc, company, lang=doc.lang), doc.lang, title)


def render(ctx: ServiceContext, target: Target, opts: DocOptions, company: CompanyInfo) -> Document:
    """The receipt of ``target``'s payment.

    Raises:
        NotFound: the payment no longer exists.
    """
    return next(render_many(ctx, [target], opts, company))


def render_many(
    ctx: ServiceContext, targets: Sequence[Target], opts: DocOptions, company: CompanyInfo
) -> Iterator[Document]:
    """The receipts of ``targets`` in order, read a few hundred at a time.

    Raises:
        NotFound: a payment no longer exists.
    """
    return render_records(
        ctx,
        targets,
        "Payment",
        lambda s, part: load_receipts(s, part, opts.lang),
        lambda doc: _document(doc, company),
    )


def _applied(s: Session, payments: dict[int, Payment]) -> dict[int, list[AppliedDoc]]:
    """Per payment: its live allocations, or those its reversal undid."""
    rows = s.execute(
        select(Allocation, Invoice, ScheduleLine.due_date)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .join(ScheduleLine, ScheduleLine.id == Allocation.schedule_line_id)
        .where(Allocation.payment_id.in_(list(payments)))
        .order_by(Allocation.id)
    ).all()
    shown = []
    for alloc, invoice, due in rows:
        payment = payments[alloc.payment_id or 0]
        if alloc.reversed_on is None or (
            payment.reversed_on is not None and alloc.reversed_on == payment.reversed_on
        ):
            shown.append((alloc, invoice, due))
    invoice_ids = sorted({inv.id for _, inv, _ in shown})
    live: dict[int, list[tuple[int, int]]] = {}
    for part in chunks(invoice_ids):
        for aid, iid, minor in s.execute(
            select(Allocation.id, Allocation.invoice_id, Allocation.amount_minor).where(
                Allocation.invoice_id.in_(part), Allocation.reversed_on.is_(None)
            )
        ):
            live.setdefault(iid, []).append((aid, minor))
    # A discount or difference written off with the payment counts as part of it.
    with_payment: dict[tuple[int, int], int] = {
        (pid, iid): top
        for pid, iid, top in s.execute(
            select(WriteOff.payment_id, Allocation.invoice_id, func.max(Allocation.id))
            .join(WriteOff, WriteOff.id == Allocation.write_off_id)
            .where(WriteOff.payment_id.in_(list(payments)), Allocation.reversed_on.is_(None))
            .group_by(WriteOff.payment_id, Allocation.invoice_id)
        )
    }
    out: dict[int, list[AppliedDoc]] = {}
    for alloc, invoice, due in shown:
        if alloc.reversed_on is None:
            cutoff = max(alloc.id, with_payment.get((alloc.payment_id or 0, invoice.id), 0))
            before = sum(m for aid, m in live.get(invoice.id, []) if aid <= cutoff)
            open_after = invoice.amount_minor - before
        else:
            open_after = invoice.open_minor
        out.setdefault(alloc.payment_id or 0, []).append(
            AppliedDoc(
                invoice.number,
                invoice.issue_date,
                due,
                Money(alloc.amount_minor, alloc.currency),
                Money(open_after, invoice.currency),
                reversed=alloc.reversed_on is not None,
            )
        )
    return out


def _write_offs(s: Session, payments: dict[int, Payment]) -> dict[int, list[WriteOffDoc]]:
    rows = s.execute(
        select(WriteOff, Invoice.number)
        .join(Invoice, Invoice.id == WriteOff.invoice_id)
        .where(WriteOff.payment_id.in_(list(payments)))
        .order_by(WriteOff.id)
    ).all()
    out: dict[int, list[WriteOffDoc]] = {}
    for w, number in rows:
        reversed_ = payments[w.payment_id or 0].reversed_on is not None
        out.setdefault(w.payment_id or 0, []).append(
            WriteOffDoc(number, w.kind, Money(w.amount_minor, w.currency), reversed=reversed_)
        )
    return out


def load_receipts(s: Session, ids: Sequence[int], lang: str | None) -> dict[int, ReceiptDoc]:
    """The printable receipts of the payments ``ids`` (missing ids are left out).

    Args:
        s: a read session.
        ids: payment ids.
        lang: the document language, or None for each customer's own.
    """
    rows = s.execute(
        select(Payment, Customer)
        .outerjoin(Customer, Customer.id == Payment.customer_id)
        .where(Payment.id.in_(list(ids)))
    ).all()
    payments = {p.id: p for p, _ in rows}
    if not payments:
        return {}
    refunds = dict(
        s.execute(
            select(Refund.payment_id, func.sum(Refund.amount_minor))
            .where(Refund.payment_id.in_(list(payments)))
            .group_by(Refund.payment_id)
        ).all()
    )
    applied = _applied(s, payments)
    write_offs = _write_offs(s, payments)
    out: dict[int, ReceiptDoc] = {}
    for p, customer in rows:
        block = customer_block(customer) if customer else CustomerBlock(p.payer_name or "—")
        ccy = p.currency
        out[p.id] = ReceiptDoc(
            number=p.number,
            payment_date=p.payment_date,
            currency=ccy,
            amount=Money(p.amount_minor, ccy),
            method=p.method,
            customer=block,
            unallocated=Money(p.unallocated_minor, ccy),
            refunded=Money(int(refunds.get(p.id) or 0), ccy),
            reference=p.reference,
            payer_name=p.payer_name,
            bank_account=p.bank_account,
            applied=applied.get(p.id, []),
            write_offs=write_offs.get(p.id, []),
            reversed_on=p.reversed_on,
            reversal_reason=note_after(p.notes, "Reversed:") if p.reversed_on else "",
            lang=document_language(block.language, lang),
        )
    return out
