"""Balance confirmation letters (余额确认函 / 询证函) in the document registry.

The balance asked for is the statement of account's closing balance on ``opts.as_of``
(``statement_of_account(ctx, cid, as_of, as_of)``), per currency, with the open items that make
it up; the currencies with a non-zero balance are printed (the customer's own currency when all
are zero). Targets: one customer, or every customer with a non-zero balance in any currency on
``opts.as_of`` (one aging query), in code order. The letter is dated ``as_of`` or today,
whichever is later, and asks for the reply slip back within :data:`REPLY_DAYS` days.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import select

from desktop_ar.db.models import Contact, Customer
from desktop_ar.db.queries.balances import aging_rows
from desktop_ar.documents.base import CompanyInfo, Document
from desktop_ar.documents.confirmation import (
    ConfirmationBalance,
    ConfirmationItem,
    ConfirmationLetter,
    confirmation_flowables,
    letter_title,
)
from desktop_ar.domain.errors import NotFound
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import DocOptions, Target, document_language, safe_stem
from desktop_ar.services.statements import Statement, statement_of_account
from desktop_ar.services.uow import reader

__all__ = ["REPLY_DAYS", "confirmation_letter", "render", "render_many", "targets"]

REPLY_DAYS = 14


def _target(cid: int, code: str, name: str) -> Target:
    return Target("confirmation", safe_stem("confirmation", code), f"{code} {name}", cid)


def targets(
    ctx: ServiceContext,
    opts: DocOptions,
    *,
    customer_id: int | None = None,
    number: str | None = None,
) -> list[Target]:
    """One customer's letter, or the letters of every customer with a non-zero balance.

    Raises:
        NotFound: ``customer_id`` is not a customer.
    """
    del number
    with reader(ctx) as s:
        if customer_id is not None:
            row = s.execute(
                select(Customer.id, Customer.code, Customer.name).where(Customer.id == customer_id)
            ).one_or_none()
            if row is None:
                raise NotFound("Customer", customer_id)
            return [_target(*row)]
        sums: dict[tuple[int, str], int] = {}
        heads: dict[int, tuple[str, str]] = {}
        for r in aging_rows(s, opts.as_of):
            signed = int(r[10]) if r[3] == "invoice" else -int(r[10])
            sums[(r[0], r[8])] = sums.get((r[0], r[8]), 0) + signed
            heads.setdefault(r[0], (r[1], r[2]))
    wanted = {cid for (cid, _), total in sums.items() if total}
    return [_target(cid, *heads[cid]) for cid in sorted(wanted, key=lambda c: (heads[c][0], c))]


def confirmation_letter(
    statement: Statement, contact_name: str, *, letter_date: date | None = None
) -> ConfirmationLetter:
    """The letter's figures from a one-day statement of account (closing balances, open items).

    Args:
        statement: ``statement_of_account(ctx, cid, as_of, as_of)``.
        contact_name: the customer's primary contact, or empty.
        letter_date: the date printed on the letter (default: the statement's date).
    """
    balances = [
        ConfirmationBalance(
            s.closing,
            tuple(
                ConfirmationItem(i.kind, i.number, i.document_date, i.due_date, i.amount)
                for i in s.open_items
            ),
        )
        for s in statement.sections
        if s.closing.minor or s.open_items
    ]
    if not balances:  # nothing owed either way: confirm a zero balance in their currency
        balances = [ConfirmationBalance(statement.sections[0].closing)]
    day = statement.date_to
    return ConfirmationLetter(
        customer_code=statement.customer_code,
        customer_name=statement.customer_name,
        customer_address=statement.customer_address,
        contact_name=contact_name,
        as_of=day,
        letter_date=letter_date or day,
        balances=tuple(balances),
        reply_days=REPLY_DAYS,
    )


def _contacts(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, str]:
    """The primary contact's name per customer (in chunks: SQLite limits bound parameters)."""
    out: dict[int, str] = {}
    with reader(ctx) as s:
        for start in range(0, len(ids), 500):
            query = (
                select(Contact.customer_id, Contact.name)
                .where(Contact.customer_id.in_(list(ids[start : start + 500])), Contact.is_primary)
                .order_by(Contact.id)
            )
            for cid, name in s.execute(query):
                out.setdefault(int(cid), name)
    return out


def _document(
    ctx: ServiceContext, cid: int, contact: str, opts: DocOptions, company: CompanyInfo
) -> Document:
    statement = statement_of_account(ctx, cid, opts.as_of, opts.as_of)
    letter = confirmation_letter(statement, contact, letter_date=max(ctx.clock.today(), opts.as_of))
    lang = document_language(statement.customer_language, opts.lang)
    return Document(
        confirmation_flowables(letter, company, lang=lang), lang, letter_title(letter, lang)
    )


def render(ctx: ServiceContext, target: Target, opts: DocOptions, company: CompanyInfo) -> Document:
    """The balance confirmation letter of ``target``'s customer as of ``opts.as_of``."""
    assert target.customer_id is not None
    contact = _contacts(ctx, [target.customer_id]).get(target.customer_id, "")
    return _document(ctx, target.customer_id, contact, opts, company)


def render_many(
    ctx: ServiceContext, targets: Sequence[Target], opts: DocOptions, company: CompanyInfo
) -> Iterator[Document]:
    """The letters of many customers (their primary contacts read in one query)."""
    ids = [t.customer_id for t in targets if t.customer_id is not None]
    contacts = _contacts(ctx, ids)
    for target in targets:
        assert target.customer_id is not None
        cid = target.customer_id
        yield _document(ctx, cid, contacts.get(cid, ""), opts, company)
