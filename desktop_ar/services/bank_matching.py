"""Suggestions for statement lines: the domain matcher fed from the book.

:func:`build_matcher` loads, with a handful of set-based queries (no query per invoice or per
line), what :class:`~desktop_ar.domain.matching.Matcher` indexes:

* the open invoices in the statement's currency, with the early-payment discount still
  available on or after the first line's date (open schedule lines' ``discount_minor`` up to
  what is open, until the earliest ``discount_until``);
* the unreconciled receipts: posted, in the currency, dated within
  :data:`PAYMENT_WINDOW_DAYS` of the lines, and without a live bank match;
* every customer with its name, short name and stored pinyin, plus the payer names and
  bank accounts seen on its earlier receipts.

The tolerance is the company's write-off tolerance (``company_settings``), in the base currency;
lines in other currencies are matched without one. Re-exported by
:mod:`desktop_ar.services.bank_statements`.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Result, Select, String, and_, case, exists, func, select, type_coerce
from sqlalchemy.orm import Session

from desktop_ar.db.models import BankLine, BankMatch, BankStatement, Invoice, Payment, ScheduleLine
from desktop_ar.db.models import Customer as CustomerRow
from desktop_ar.domain.matching import (
    Candidate,
    Customer,
    EarlyDiscount,
    Matcher,
    MatchSettings,
    OpenInvoice,
    RecordedPayment,
    StatementLine,
    describe,
)
from desktop_ar.domain.money import Money
from desktop_ar.services.bank_views import CandidateView
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader

__all__ = [
    "PAYMENT_WINDOW_DAYS",
    "build_matcher",
    "candidate_view",
    "statement_line",
    "suggest",
    "suggest_in",
]

PAYMENT_WINDOW_DAYS = 14
"""Recorded receipts dated this many days before the first line to after the last are loaded.

The matcher suggests a receipt within its date window (±7 days) or named in the memo; one
named in the memo but dated further away is not found.
"""
_MAX_KNOWN = 20  # payer names / accounts kept per customer


def _day(value: object) -> date:
    """A date column read as text (SQLite; much faster than the ORM's date parsing) or a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _days() -> Callable[[object], date]:
    """:func:`_day` remembering each text it parsed (open items share a few hundred dates)."""
    seen: dict[object, date] = {}

    def day(value: object) -> date:
        found = seen.get(value)
        if found is None:
            found = seen[value] = _day(value)
        return found

    return day


def _rows(s: Session, query: Select[Any]) -> Result[Any]:
    """Plain Core rows of a column query (no ORM loading), on the session's connection."""
    return s.connection().execute(query)


def statement_line(line: BankLine) -> StatementLine:
    """The matcher's view of a stored line."""
    reference = " ".join(r for r in (line.reference, line.end_to_end_id) if r)
    return StatementLine(
        id=line.id,
        booking_date=line.booking_date,
        amount=Money(line.amount_minor, line.currency),
        value_date=line.value_date,
        counterparty_name=line.counterparty_name,
        counterparty_account=line.counterparty_account,
        reference=reference,
        memo=line.memo,
    )


def _customers(s: Session) -> dict[int, Customer]:
    known: dict[int, tuple[dict[str, None], dict[str, None]]] = defaultdict(lambda: ({}, {}))
    seen = (
        select(Payment.customer_id, Payment.payer_name, Payment.bank_account)
        .where(
            Payment.customer_id.is_not(None),
            Payment.status == "posted",
            (Payment.payer_name != "") | (Payment.bank_account != ""),
        )
        .distinct()
    )
    for cid, payer, account in _rows(s, seen):
        names, accounts = known[cid]
        if payer and len(names) < _MAX_KNOWN:
            names[payer] = None
        if account and len(accounts) < _MAX_KNOWN:
            accounts[account] = None
    rows = _rows(
        s,
        select(
            CustomerRow.id,
            CustomerRow.code,
            CustomerRow.name,
            CustomerRow.short_name,
            CustomerRow.pinyin_full,
        ),
    )
    out = {}
    for cid, code, name, short, pinyin in rows:
        names, accounts = known.get(cid, ({}, {}))
        payers = tuple(p for p in names if p not in (name, short))
        out[cid] = Customer(cid, code, name, short, payers, tuple(accounts), pinyin)
    return out


def _discounts(s: Session, currency: str, first: date) -> dict[int, EarlyDiscount]:
    available = case(
        (ScheduleLine.discount_minor < ScheduleLine.open_minor, ScheduleLine.discount_minor),
        else_=ScheduleLine.open_minor,
    )
    query = (
        select(ScheduleLine.invoice_id, func.sum(available), func.min(ScheduleLine.discount_until))
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .where(
            ScheduleLine.open_minor > 0,
            ScheduleLine.discount_minor > 0,
            ScheduleLine.discount_until >= first,
            Invoice.currency == currency,
            Invoice.status != "void",
        )
        .group_by(ScheduleLine.invoice_id)
    )
    return {
        iid: EarlyDiscount(Money(int(amount), currency), until)
        for iid, amount, until in _rows(s, query)
    }


def _invoices(s: Session, currency: str, first: date) -> list[OpenInvoice]:
    discounts = _discounts(s, currency, first)
    query = select(
        Invoice.id,
        Invoice.number,
        Invoice.customer_id,
        Invoice.open_minor,
        type_coerce(Invoice.due_date, String),
        Invoice.fapiao_number,
    ).where(Invoice.open_minor > 0, Invoice.currency == currency, Invoice.status != "void")
    day, money, discount = _days(), Money.trusted, discounts.get
    return [
        OpenInvoice(iid, number, cid, money(open_minor, currency), day(due), discount(iid), fapiao)
        for iid, number, cid, open_minor, due, fapiao in _rows(s, query)
    ]


def _payments(
    s: Session, currency: str, first: date, last: date, customers: dict[int, Customer]
) -> list[RecordedPayment]:
    matched = exists().where(BankMatch.payment_id == Payment.id, BankMatch.undone_at.is_(None))
    query = select(
        Payment.id,
        Payment.number,
        Payment.customer_id,
        Payment.amount_minor,
        type_coerce(Payment.payment_date, String),
        Payment.reference,
        Payment.payer_name,
        Payment.bank_account,
    ).where(
        and_(
            Payment.status == "posted",
            Payment.currency == currency,
            Payment.payment_date >= first - timedelta(days=PAYMENT_WINDOW_DAYS),
            Payment.payment_date <= last + timedelta(days=PAYMENT_WINDOW_DAYS),
        ),
        ~matched,
    )
    day, money, who = _days(), Money.trusted, customers.get
    out = []
    for pid, number, cid, minor, when, ref, payer, account in _rows(s, query):
        c = who(cid) if cid is not None else None
        out.append(
            RecordedPayment(
                pid, number, cid, money(minor, currency), day(when),
                c.code if c else "", c.name if c else "", ref, payer, account,
            )
        )  # fmt: skip
    return out


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cycle collector while loading the open items.

    The rows and the objects built from them are acyclic (as in the matcher's own build), and
    full collections over a few hundred thousand new objects cost about a second.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_matcher(
    s: Session, currency: str, first: date, last: date
) -> tuple[Matcher, dict[int, Customer]]:
    """A matcher over the book's open items for lines in ``currency`` dated ``first``..``last``.

    Returns:
        The matcher and the customers by id (for codes and names).
    """
    tolerance = load_settings(s).writeoff_tolerance
    settings = MatchSettings(tolerance=tolerance)
    with _collector_paused():
        customers = _customers(s)
        invoices = _invoices(s, currency, first)
        payments = _payments(s, currency, first, last, customers)
        matcher = Matcher(
            invoices=invoices, payments=payments, customers=customers.values(), settings=settings
        )
    return matcher, customers


def candidate_view(c: Candidate, customers: dict[int, Customer]) -> CandidateView:
    """The DTO of a domain candidate."""
    who = customers.get(c.customer_id) if c.customer_id is not None else None
    return CandidateView(
        kind=c.kind,
        target_ids=c.target_ids,
        numbers=c.numbers,
        customer_id=c.customer_id,
        customer_code=who.code if who else "",
        customer_name=who.name if who else "",
        amount=c.amount,
        confidence=c.confidence,
        reasons=c.reasons,
        reasons_text_en=describe(c.reasons, "en"),
        reasons_text_zh=describe(c.reasons, "zh"),
    )


def suggest_in(
    s: Session, statement: BankStatement, lines: Iterable[BankLine]
) -> dict[int, list[CandidateView]]:
    """Candidates of some lines of ``statement``, inside the caller's session."""
    lines = list(lines)
    out: dict[int, list[CandidateView]] = {line.id: [] for line in lines}
    credits = [line for line in lines if line.amount_minor > 0]
    if not credits:
        return out
    # Paused throughout: with the book's open items alive, each full collection would walk
    # them all again (about half a second over 100,000 invoices). They are acyclic, so
    # reference counting frees them when ``_match_into`` returns, before the collector resumes.
    with _collector_paused():
        _match_into(out, s, statement.currency, credits)
    return out


def _match_into(
    out: dict[int, list[CandidateView]], s: Session, currency: str, credits: list[BankLine]
) -> None:
    dates = [d for line in credits for d in (line.booking_date, line.value_date) if d]
    matcher, customers = build_matcher(s, currency, min(dates), max(dates))
    for result in matcher.match_all(statement_line(line) for line in credits):
        out[result.line_id] = [candidate_view(c, customers) for c in result.candidates]


def suggest(
    ctx: ServiceContext, statement_id: int, *, line_ids: list[int] | None = None
) -> dict[int, list[CandidateView]]:
    """Ranked candidates (best first) for the open lines of a statement.

    Args:
        ctx: the service context.
        statement_id: the statement.
        line_ids: only these lines (those not open are left out).

    Returns:
        Open line id → candidates; debit (outgoing) lines and lines without candidates map to
        an empty list.

    Raises:
        NotFound: no such statement.
    """
    with reader(ctx) as s:
        statement = get_row(s, BankStatement, statement_id, "Bank statement")
        query = select(BankLine).where(
            BankLine.statement_id == statement_id, BankLine.status == "open"
        )
        if line_ids is not None:
            query = query.where(BankLine.id.in_(line_ids))
        lines = list(s.scalars(query.order_by(BankLine.seq)))
        return suggest_in(s, statement, lines)
