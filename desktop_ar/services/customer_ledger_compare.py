"""Our side of a customer reconciliation and the reading of their side that fits it.

``our_ledger_lines`` turns the statement of account of the period into comparable lines (the
opening balance first); ``choose_side`` reads the customer's rows as their accounts payable and
as a receivable ledger (or only the way asked) and keeps the reading that pairs more lines.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desktop_ar.db.models import Invoice, Payment
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.ledger_compare import (
    OPENING,
    Comparison,
    OurLine,
    TheirLine,
    compare_ledgers,
    fold_opening,
)
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.ledger_columns import SIDES, LedgerRow, Oriented, orient
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.statements import statement_of_account
from desktop_ar.services.uow import reader

__all__ = ["choose_side", "in_date_order", "ledger_period", "our_ledger_lines", "stated_closing"]

_CHUNK = 500  # ids per IN (...) list


def our_ledger_lines(
    ctx: ServiceContext, customer_id: int, currency: str, date_from: date, date_to: date
) -> list[OurLine]:
    """Our side: the statement of account's opening balance and lines, signed as owed to us.

    Invoices carry their fapiao number and payments their reference as aliases (the customer
    may quote those instead of our numbers).
    """
    statement = statement_of_account(ctx, customer_id, date_from, date_to)
    section = statement.section(currency)
    opening = section.opening if section is not None else Money.zero(currency)
    lines = [OurLine(date_from, OPENING, "", "Opening balance", opening)]
    if section is None:
        return lines
    invoices = [x.ref for x in section.lines if x.kind == "invoice"]
    payments = [x.ref for x in section.lines if x.kind == "payment"]
    fapiao: dict[int, str] = {}
    refs: dict[int, str] = {}
    with reader(ctx) as s:
        for start in range(0, max(len(invoices), len(payments)), _CHUNK):
            part = invoices[start : start + _CHUNK]
            query = select(Invoice.id, Invoice.fapiao_number).where(Invoice.id.in_(part))
            fapiao.update((r[0], r[1]) for r in s.execute(query))
            part = payments[start : start + _CHUNK]
            query = select(Payment.id, Payment.reference).where(Payment.id.in_(part))
            refs.update((r[0], r[1]) for r in s.execute(query))
    for x in section.lines:
        alias = fapiao.get(x.ref, "") if x.kind == "invoice" else ""
        alias = refs.get(x.ref, "") if x.kind == "payment" else alias
        aliases = (alias,) if alias else ()
        amount = x.debit - x.credit
        lines.append(OurLine(x.on, x.kind, x.number, x.description, amount, aliases, x.ref))
    return lines


def in_date_order(rows: list[LedgerRow]) -> list[LedgerRow]:
    """Their rows oldest first (some exports list the newest first)."""
    dated = [r.on for r in rows if r.on is not None]
    return rows[::-1] if len(dated) > 1 and dated[0] > dated[-1] else rows


def stated_closing(oriented: Oriented, rows: list[LedgerRow], date_to: date) -> Money | None:
    """Their closing by their balance column: the balance of their last row up to ``date_to``."""
    last = [r.row for r in rows if r.on is not None and r.on <= date_to]
    if not last:
        return None
    return next((b for row, _, b in oriented.balances if row == last[-1]), None)


def choose_side(
    ours: list[OurLine],
    rows: list[LedgerRow],
    wanted: str,
    currency: str,
    period: tuple[date, date],
) -> tuple[Oriented, list[TheirLine], Comparison, str]:
    """Read their ledger both ways (or the way asked) and keep the reading that matches better."""
    date_from, date_to = period
    tried = []
    for side in [wanted] if wanted in SIDES else list(SIDES):
        oriented = orient(rows, side, currency)
        theirs = fold_opening(oriented.lines, date_from, currency)
        result = compare_ledgers(ours, theirs, date_to=date_to, currency=currency)
        counts = result.counts()
        score = (counts["matched"], result.paired, -abs(result.difference.minor), side == SIDES[0])
        tried.append((score, oriented, theirs, result))
    tried.sort(key=lambda t: t[0], reverse=True)
    _, oriented, theirs, result = tried[0]
    if len(tried) == 1:
        note = f"their side: {oriented.side}, as chosen"
    else:
        other = tried[1][0]
        note = (
            f"their side: {oriented.side}, chosen automatically ({tried[0][0][1]} lines pair "
            f"with ours read this way, {other[1]} the other way)"
        )
    return oriented, theirs, result, note


def ledger_period(
    rows: list[LedgerRow], date_from: date | None, date_to: date
) -> tuple[date, date]:
    """The period compared: ``date_from`` or the 1st of the month of their first line.

    Raises:
        UserFacingError: the period starts after it ends.
    """
    if date_from is None:
        dated = [r.on for r in rows if r.on is not None]
        # The first day of the month of their first line: a customer books our invoice a few
        # days after we issue it, and a month is the usual period of a ledger.
        date_from = min(min(dated) if dated else date_to, date_to).replace(day=1)
    if date_from > date_to:
        reason = f"it starts on {date_from.isoformat()}, after its end {date_to.isoformat()}"
        raise UserFacingError("invalid", field="period", reason=reason)
    return date_from, date_to
