"""Our own invoices (账单, not the 发票) in the document registry.

Targets: one invoice by its number; one customer's invoices issued in
``opts.date_from``..``opts.date_to`` when either is given, else that customer's open invoices;
with neither, every invoice issued in the period (default: the month of ``opts.as_of`` up to
``as_of``). In customer-code, then invoice-number order. The language is ``opts.lang``, else
the customer's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import Select, select

from desktop_ar.db.models import Customer, Invoice
from desktop_ar.documents.base import CompanyInfo, Document
from desktop_ar.documents.invoice import LABELS, InvoiceDoc, invoice_flowables
from desktop_ar.domain.errors import NotFound
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import DocOptions, Target, safe_stem
from desktop_ar.services.docs.invoice_data import load_invoices, render_records
from desktop_ar.services.uow import reader

__all__ = ["render", "render_many", "targets"]


def _period(opts: DocOptions) -> tuple[date, date]:
    end = opts.date_to or opts.as_of
    start = opts.date_from or opts.as_of.replace(day=1)
    return start, end


def _base() -> Select[tuple[int, str, str, int]]:
    return (
        select(Invoice.id, Invoice.number, Customer.name, Invoice.customer_id)
        .join(Customer, Customer.id == Invoice.customer_id)
        .order_by(Customer.code, Invoice.number)
    )


def targets(
    ctx: ServiceContext,
    opts: DocOptions,
    *,
    customer_id: int | None = None,
    number: str | None = None,
) -> list[Target]:
    """The invoices to print: by number, for one customer, or everything issued in the period.

    Raises:
        NotFound: no invoice has ``number``, or no customer has ``customer_id``.
    """
    query = _base()
    if number is not None:
        query = query.where(Invoice.number == number.strip())
    elif customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
        if opts.date_from is not None:
            query = query.where(Invoice.issue_date >= opts.date_from)
        if opts.date_to is not None:
            query = query.where(Invoice.issue_date <= opts.date_to)
        if opts.date_from is None and opts.date_to is None:
            query = query.where(Invoice.open_minor > 0, Invoice.status != "void")
    else:
        start, end = _period(opts)
        query = query.where(Invoice.issue_date >= start, Invoice.issue_date <= end)
    with reader(ctx) as s:
        rows = s.execute(query).all()
        if not rows and number is not None:
            raise NotFound("Invoice", number)
        missing = customer_id is not None and number is None and not rows
        if missing and s.get(Customer, customer_id) is None:
            raise NotFound("Customer", customer_id)
    return [
        Target("invoice", safe_stem("invoice", num), f"{num} {name}", cid, iid)
        for iid, num, name, cid in rows
    ]


def _document(doc: InvoiceDoc, company: CompanyInfo) -> Document:
    title = f"{LABELS[doc.lang]['title']} {doc.number}"
    return Document(invoice_flowables(doc, company, lang=doc.lang), doc.lang, title)


def render(ctx: ServiceContext, target: Target, opts: DocOptions, company: CompanyInfo) -> Document:
    """The invoice of ``target`` as of ``opts.as_of``.

    Raises:
        NotFound: the invoice no longer exists.
    """
    return next(render_many(ctx, [target], opts, company))


def render_many(
    ctx: ServiceContext, targets: Sequence[Target], opts: DocOptions, company: CompanyInfo
) -> Iterator[Document]:
    """The invoices of ``targets`` in order, read a few hundred at a time.

    Raises:
        NotFound: an invoice no longer exists.
    """
    return render_records(
        ctx,
        targets,
        "Invoice",
        lambda s, part: load_invoices(s, part, opts.as_of, opts.lang),
        lambda doc: _document(doc, company),
    )
