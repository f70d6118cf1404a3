"""What the bank reconciliation screens and the command line read: statements, lines, matches.

Frozen DTOs built from ``bank_statements`` / ``bank_lines`` / ``bank_matches`` rows, and the read
use cases (``list_statements``, ``get_statement``, ``statement_lines``). Re-exported by
:mod:`desktop_ar.services.bank_statements`, which is the module to import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    BankLine,
    BankMatch,
    BankStatement,
    Customer,
    Payment,
    PaymentException,
)
from desktop_ar.domain.matching import Reason, describe
from desktop_ar.domain.money import Money
from desktop_ar.io.bank.model import major_units
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row
from desktop_ar.services.uow import reader

__all__ = [
    "CandidateView",
    "MatchView",
    "StatementLineView",
    "StatementSummary",
    "amount_text",
    "get_statement",
    "list_statements",
    "reasons_from_json",
    "reasons_json",
    "statement_lines",
    "summary_of",
]


@dataclass(frozen=True)
class StatementSummary:
    """One imported bank statement (``id`` 0 in a preview: nothing written yet).

    ``open_lines`` counts lines still to explain, ``matched_lines`` those matched to a receipt
    (lines turned into an exception or ignored are neither). ``balance_problem`` is non-empty
    when the lines do not add up from the opening to the closing balance; ``duplicate_of_id``
    names the statement this one repeats (same file, same account/period/closing balance, or
    most of its lines), and ``notes`` say why, beside the parser's remarks.
    """

    id: int
    file_name: str
    format: str
    format_detail: str
    account: str
    account_name: str
    bank: str
    currency: str
    period_start: date | None
    period_end: date | None
    opening: Money | None
    closing: Money | None
    lines_count: int
    open_lines: int
    matched_lines: int
    status: str
    balance_problem: str
    duplicate_of_id: int | None
    notes: list[str] = field(default_factory=list)
    imported_at: datetime | None = None
    imported_by: str = ""


@dataclass(frozen=True)
class MatchView:
    """A live match of a line: a recorded receipt, a receipt it created, or an exception.

    ``reasons_text`` is the matcher's evidence in English ("amount equal; invoice INV-1 in
    memo"), empty for a match made by hand without suggestions.
    """

    id: int
    kind: str
    payment_id: int | None
    payment_number: str
    exception_id: int | None
    customer_code: str
    customer_name: str
    amount: Money
    confidence: int
    reasons_text: str
    auto: bool
    matched_at: datetime
    matched_by: str


@dataclass(frozen=True)
class StatementLineView:
    """One statement line with its live matches (``reference``: reference or end-to-end id)."""

    id: int
    seq: int
    booking_date: date
    value_date: date | None
    amount: Money
    counterparty_name: str
    counterparty_account: str
    reference: str
    memo: str
    status: str
    explanation: str
    matches: list[MatchView] = field(default_factory=list)


@dataclass(frozen=True)
class CandidateView:
    """A suggested explanation of a line, best first (see ``suggest``).

    ``kind``: ``payment`` (a recorded receipt: ``target_ids`` = its id), ``invoice`` or
    ``invoices`` (open invoices whose sum matches, in the order to apply them). ``amount`` is
    the receipt amount, the open amount or the sum; ``confidence`` 0..1; ``reasons`` the domain
    :class:`~desktop_ar.domain.matching.Reason` codes, also rendered in English and Chinese.
    """

    kind: str
    target_ids: tuple[int, ...]
    numbers: tuple[str, ...]
    customer_id: int | None
    customer_code: str
    customer_name: str
    amount: Money
    confidence: float
    reasons: tuple[Reason, ...]
    reasons_text_en: str
    reasons_text_zh: str


def _utc(value: datetime | None) -> datetime | None:
    """A stored timestamp as aware UTC (SQLite gives it back naive)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def amount_text(money: Money) -> str:
    """``"-1234.50"``: a plain decimal string, also for currencies only old bank files use."""
    return f"{major_units(money):f}"


def reasons_json(reasons: Iterable[Reason | tuple[str, Mapping[str, Any]]]) -> str:
    """Reasons as stored on a match: ``[[code, {params}], …]`` ('' for none)."""
    items = [[code, dict(params)] for code, params in reasons]
    return json.dumps(items, ensure_ascii=False, sort_keys=True) if items else ""


def reasons_from_json(text: str) -> tuple[Reason, ...]:
    """The reasons stored on a match (unreadable text gives none)."""
    try:
        items = json.loads(text) if text else []
        return tuple(Reason(str(code), dict(params)) for code, params in items)
    except (ValueError, TypeError):
        return ()


def summary_of(
    row: BankStatement, counts: Mapping[str, int] | None = None, *, line_total: int | None = None
) -> StatementSummary:
    """The DTO of a statement row; ``counts`` are its lines per status."""
    counts = counts or {}
    ccy = row.currency
    return StatementSummary(
        id=row.id or 0,
        file_name=row.file_name,
        format=row.format,
        format_detail=row.format_detail,
        account=row.account,
        account_name=row.account_name,
        bank=row.bank,
        currency=ccy,
        period_start=row.period_start,
        period_end=row.period_end,
        opening=None if row.opening_minor is None else Money(row.opening_minor, ccy),
        closing=None if row.closing_minor is None else Money(row.closing_minor, ccy),
        lines_count=row.lines_count if line_total is None else line_total,
        open_lines=counts.get("open", 0),
        matched_lines=counts.get("matched", 0),
        status=row.status,
        balance_problem=row.balance_problem,
        duplicate_of_id=row.duplicate_of_id,
        notes=[n for n in row.notes.split("\n") if n],
        imported_at=_utc(row.imported_at),
        imported_by=row.imported_by,
    )


def _counts(session: Session, statement_ids: list[int] | None) -> dict[int, dict[str, int]]:
    query = select(BankLine.statement_id, BankLine.status, func.count()).group_by(
        BankLine.statement_id, BankLine.status
    )
    if statement_ids is not None:
        query = query.where(BankLine.statement_id.in_(statement_ids))
    out: dict[int, dict[str, int]] = {}
    for sid, status, n in session.execute(query):
        out.setdefault(sid, {})[status] = int(n)
    return out


def list_statements(ctx: ServiceContext) -> list[StatementSummary]:
    """Every imported statement, newest import first."""
    with reader(ctx) as s:
        rows = list(s.scalars(select(BankStatement).order_by(BankStatement.id.desc())))
        counts = _counts(s, None)
        return [summary_of(r, counts.get(r.id)) for r in rows]


def get_statement(ctx: ServiceContext, statement_id: int) -> StatementSummary:
    """One statement.

    Raises:
        NotFound: no such statement.
    """
    with reader(ctx) as s:
        row = get_row(s, BankStatement, statement_id, "Bank statement")
        return summary_of(row, _counts(s, [statement_id]).get(statement_id))


def match_views(session: Session, line_ids: list[int]) -> dict[int, list[MatchView]]:
    """The live matches of some lines, oldest first."""
    out: dict[int, list[MatchView]] = {}
    if not line_ids:
        return out
    query = (
        select(BankMatch, Payment.number, Customer.code, Customer.name, BankLine.currency)
        .join(BankLine, BankLine.id == BankMatch.line_id)
        .outerjoin(Payment, Payment.id == BankMatch.payment_id)
        .outerjoin(PaymentException, PaymentException.id == BankMatch.exception_id)
        .outerjoin(
            Customer,
            Customer.id == func.coalesce(Payment.customer_id, PaymentException.customer_id),
        )
        .where(BankMatch.line_id.in_(line_ids), BankMatch.undone_at.is_(None))
        .order_by(BankMatch.id)
    )
    for match, number, code, name, ccy in session.execute(query):
        out.setdefault(match.line_id, []).append(
            MatchView(
                id=match.id,
                kind=match.kind,
                payment_id=match.payment_id,
                payment_number=number or "",
                exception_id=match.exception_id,
                customer_code=code or "",
                customer_name=name or "",
                amount=Money(match.amount_minor, ccy),
                confidence=match.confidence,
                reasons_text=describe(reasons_from_json(match.reasons)),
                auto=bool(match.auto),
                matched_at=_utc(match.matched_at) or match.matched_at,
                matched_by=match.matched_by,
            )
        )
    return out


def statement_lines(ctx: ServiceContext, statement_id: int) -> list[StatementLineView]:
    """The lines of a statement in file order, each with its live matches.

    Raises:
        NotFound: no such statement.
    """
    with reader(ctx) as s:
        get_row(s, BankStatement, statement_id, "Bank statement")
        lines = list(
            s.scalars(
                select(BankLine).where(BankLine.statement_id == statement_id).order_by(BankLine.seq)
            )
        )
        matches = match_views(s, [ln.id for ln in lines])
        return [
            StatementLineView(
                id=ln.id,
                seq=ln.seq,
                booking_date=ln.booking_date,
                value_date=ln.value_date,
                amount=Money(ln.amount_minor, ln.currency),
                counterparty_name=ln.counterparty_name,
                counterparty_account=ln.counterparty_account,
                reference=ln.reference or ln.end_to_end_id,
                memo=ln.memo,
                status=ln.status,
                explanation=ln.explanation,
                matches=matches.get(ln.id, []),
            )
            for ln in lines
        ]
