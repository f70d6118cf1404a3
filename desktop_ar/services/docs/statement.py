"""Statements of account (对账单) in the document registry.

Targets: one customer, or every customer with a balance at the end of the period or a
transaction within it (in code order). The period is ``opts.date_from``..``opts.date_to``,
defaulting to the month of ``opts.as_of`` up to ``as_of``.

:func:`render` builds one statement through ``services.statements.statement_of_account``;
:func:`render_many` builds the same statements for a batch in one read transaction: the
company settings and customers are read once, and when the batch is a good part of the book
(5 % of the customers or more) the open items of every customer come from one ``aging_rows``
query instead of one per customer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    Payment,
    Refund,
    WriteOff,
)
from desktop_ar.db.queries.balances import AgingSourceRow, aging_rows
from desktop_ar.documents.base import CompanyInfo, Document
from desktop_ar.documents.statement import LABELS, statement_flowables
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import DocOptions, Target, document_language, safe_stem
from desktop_ar.services.settings import load_settings
from desktop_ar.services.statement_entries import entries_many
from desktop_ar.services.statements import (
    Statement,
    build_statement,
    default_period,
    statement_of_account,
)
from desktop_ar.services.uow import reader

__all__ = ["period", "render", "render_many", "statements_many", "targets"]

# render_many reads every open item of the book in one query when the batch holds at least
# this share of the customers (else one query per customer is cheaper).
_BULK_SHARE = 0.05
_CHUNK = 500  # ids per IN (...) list


def period(opts: DocOptions) -> tuple[date, date]:
    """The statement period of ``opts``."""
    end = opts.date_to or opts.as_of
    start = opts.date_from or default_period(end)[0]
    return start, end


def _target(cid: int, code: str, name: str) -> Target:
    return Target("statement", safe_stem("statement", code), f"{code} {name}", cid)


def _dated_in_period(s: Session, start: date, end: date) -> set[int]:
    """Customers with any document, payment, refund or allocation dated in the period.

    A loose superset (void documents included): the candidates are checked one by one.
    """

    def between(column: object) -> object:
        return column.between(start, end)  # type: ignore[attr-defined]

    parts = [
        select(Invoice.customer_id).where(between(Invoice.issue_date)),
        select(CreditNote.customer_id).where(between(CreditNote.issue_date)),
        select(Payment.customer_id).where(between(Payment.payment_date)),
        select(Payment.customer_id).where(between(Payment.reversed_on)),
        select(Refund.customer_id).where(between(Refund.refund_date)),
        select(WriteOff.customer_id)
        .join(Allocation, Allocation.write_off_id == WriteOff.id)
        .where(between(Allocation.allocation_date)),
        select(WriteOff.customer_id)
        .join(Allocation, Allocation.write_off_id == WriteOff.id)
        .where(between(Allocation.reversed_on)),
    ]
    return {int(cid) for (cid,) in s.execute(union(*parts)) if cid is not None}


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
                raise NotFound("Customer", customer_id)
            return [_target(*row)]
        wanted = {r[0] for r in aging_rows(s, end)}
        candidates = _dated_in_period(s, start, end) - wanted
        rows = s.execute(
            select(Customer.id, Customer.code, Customer.name).order_by(Customer.code)
        ).all()
        active = {
            cid
            for cid, entries in entries_many(s, sorted(candidates), end).items()
            if any(start <= e.on <= end for lines in entries.values() for e in lines)
        }
        return [_target(*row) for row in rows if row[0] in wanted or row[0] in active]


def _document(statement: Statement, opts: DocOptions, company: CompanyInfo) -> Document:
    lang = document_language(statement.customer_language, opts.lang)
    title = f"{LABELS[lang]['title']} {statement.customer_code}"
    return Document(statement_flowables(statement, company, lang=lang), lang, title)


def render(ctx: ServiceContext, target: Target, opts: DocOptions, company: CompanyInfo) -> Document:
    """The statement of ``target``'s customer for the period of ``opts``."""
    assert target.customer_id is not None
    start, end = period(opts)
    statement = statement_of_account(ctx, target.customer_id, start, end)
    return _document(statement, opts, company)


def statements_many(
    ctx: ServiceContext, customer_ids: Sequence[int], opts: DocOptions
) -> Iterator[Statement]:
    """The statements of many customers for the period of ``opts``, in the given order.

    Equal to ``statement_of_account`` for each customer, read in one transaction.

    Raises:
        NotFound: a customer does not exist.
        UserFacingError: the period ends before it starts.
    """
    start, end = period(opts)
    if start > end:
        reason = f"it starts on {start.isoformat()}, after its end {end.isoformat()}"
        raise UserFacingError("invalid", field="period", reason=reason)
    with reader(ctx) as s:
        settings = load_settings(s)
        customers: dict[int, Customer] = {}
        for i in range(0, len(customer_ids), _CHUNK):
            chunk = list(customer_ids[i : i + _CHUNK])
            for c in s.execute(select(Customer).where(Customer.id.in_(chunk))).scalars():
                customers[c.id] = c
        bulk: dict[int, list[AgingSourceRow]] | None = None
        if len(customer_ids) > 1:
            count = s.execute(select(func.count(Customer.id))).scalar_one()
            if len(customer_ids) >= _BULK_SHARE * count:
                bulk = defaultdict(list)
                for row in aging_rows(s, end):
                    bulk[row[0]].append(row)
        for i in range(0, len(customer_ids), _CHUNK):
            chunk = list(customer_ids[i : i + _CHUNK])
            entries = entries_many(s, chunk, end)
            for cid in chunk:
                customer = customers.get(cid)
                if customer is None:
                    raise NotFound("Customer", cid)
                rows = bulk.get(cid, []) if bulk is not None else aging_rows(s, end, cid)
                yield build_statement(customer, entries[cid], rows, settings, start=start, end=end)


def render_many(
    ctx: ServiceContext, targets: Sequence[Target], opts: DocOptions, company: CompanyInfo
) -> Iterator[Document]:
    """The statements of ``targets`` (bulk reads; the same documents as :func:`render`)."""
    ids = [t.customer_id for t in targets]
    assert all(cid is not None for cid in ids)
    for statement in statements_many(ctx, [int(c) for c in ids if c is not None], opts):
        yield _document(statement, opts, company)
