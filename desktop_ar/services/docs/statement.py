"""Statements of account (对账单) in the document registry.

Targets: one customer, or every customer with a balance at the end of the period or a
transaction within it (in code order). The period is ``opts.date_from``..``opts.date_to``,
defaulting to the month of ``opts.as_of`` up to ``as_of``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desktop_ar.db.models import Customer
from desktop_ar.db.queries.balances import aging_rows
from desktop_ar.documents.base import CompanyInfo, Document
from desktop_ar.documents.statement import LABELS, statement_flowables
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import DocOptions, Target, document_language, safe_stem
from desktop_ar.services.statement_entries import customer_entries
from desktop_ar.services.statements import default_period, statement_of_account
from desktop_ar.services.uow import reader

__all__ = ["period", "render", "targets"]


def period(opts: DocOptions) -> tuple[date, date]:
    """The statement period of ``opts``."""
    end = opts.date_to or opts.as_of
    start = opts.date_from or default_period(end)[0]
    return start, end


def _target(cid: int, code: str, name: str) -> Target:
    return Target("statement", safe_stem("statement", code), f"{code} {name}", cid)


def targets(
    ctx: ServiceContext,
    opts: DocOptions,
    *,
    customer_id: int | None = None,
    number: str | None = None,
) -> list[Target]:
    """One customer's statement, or the statements of every customer with anything to show."""
    del number
    start, end = period(opts)
    with reader(ctx) as s:
        if customer_id is not None:
            row = s.execute(
                select(Customer.id, Customer.code, Customer.name).where(Customer.id == customer_id)
            ).one_or_none()
            if row is None:
                from desktop_ar.domain.errors import NotFound

                raise NotFound("Customer", customer_id)
            return [_target(*row)]
        wanted = {r[0] for r in aging_rows(s, end)}
        rows = s.execute(
            select(Customer.id, Customer.code, Customer.name).order_by(Customer.code)
        ).all()
        out = []
        for cid, code, name in rows:
            if cid not in wanted:
                entries = customer_entries(s, cid, end)
                if not any(start <= e.on <= end for lines in entries.values() for e in lines):
                    continue
            out.append(_target(cid, code, name))
        return out


def render(ctx: ServiceContext, target: Target, opts: DocOptions, company: CompanyInfo) -> Document:
    """The statement of ``target``'s customer for the period of ``opts``."""
    assert target.customer_id is not None
    start, end = period(opts)
    statement = statement_of_account(ctx, target.customer_id, start, end)
    lang = document_language(statement.customer_language, opts.lang)
    title = f"{LABELS[lang]['title']} {statement.customer_code}"
    return Document(statement_flowables(statement, company, lang=lang), lang, title)
