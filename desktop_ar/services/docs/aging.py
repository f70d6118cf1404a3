"""The aging report (账龄分析表) in the document registry.

One document for the whole book (target key ``aging-<as_of>``), or one restricted to a customer
(``aging-<code>-<as_of>``, with its open items listed). The figures are
``services.reports.aging(ctx, as_of=opts.as_of, ...)``: the book's buckets and aging basis, per
currency with base-currency totals. The language is ``opts.lang``, else the company's.
"""

from __future__ import annotations

from sqlalchemy import select

from desktop_ar.db.models import Customer
from desktop_ar.documents.aging_report import LABELS, aging_flowables
from desktop_ar.documents.base import CompanyInfo, Document
from desktop_ar.domain.errors import NotFound
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import DocOptions, Target, document_language, safe_stem
from desktop_ar.services.reports import aging
from desktop_ar.services.settings import get_settings
from desktop_ar.services.uow import reader

__all__ = ["render", "targets"]


def _customer(ctx: ServiceContext, customer_id: int) -> tuple[str, str]:
    with reader(ctx) as s:
        row = s.execute(
            select(Customer.code, Customer.name).where(Customer.id == customer_id)
        ).one_or_none()
    if row is None:
        raise NotFound("Customer", customer_id)
    return str(row[0]), str(row[1])


def targets(
    ctx: ServiceContext,
    opts: DocOptions,
    *,
    customer_id: int | None = None,
    number: str | None = None,
) -> list[Target]:
    """The aging report of the whole book, or of one customer.

    Raises:
        NotFound: ``customer_id`` is not a customer.
    """
    del number
    day = opts.as_of.isoformat()
    if customer_id is None:
        label = f"{LABELS['en']['title']} {day}"
        return [Target("aging", f"aging-{day}", label)]
    code, name = _customer(ctx, customer_id)
    return [Target("aging", safe_stem("aging", code, day), f"{code} {name}", customer_id)]


WIDE_BUCKETS = 5  # current and four buckets (the default 30, 60, 90) still fit upright


def render(ctx: ServiceContext, target: Target, opts: DocOptions, company: CompanyInfo) -> Document:
    """The aging report as of ``opts.as_of`` (of ``target``'s customer when it has one)."""
    lang = document_language(get_settings(ctx).language, opts.lang)
    report = aging(ctx, as_of=opts.as_of, customer_id=target.customer_id)
    code = scope = ""
    if target.customer_id is not None:
        code, name = _customer(ctx, target.customer_id)
        scope = f"{code} {name}"
    flowables = aging_flowables(report, company, lang=lang, customer=scope)
    title = " ".join(x for x in (LABELS[lang]["title"], code, opts.as_of.isoformat()) if x)
    # Total and current plus each bucket: more than six amount columns get a turned page.
    return Document(flowables, lang, title, landscape=len(report.buckets) > WIDE_BUCKETS)
