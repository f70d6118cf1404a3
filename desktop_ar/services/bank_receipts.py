"""Explaining statement lines inside the caller's transaction: the checks and the writes.

Used by :mod:`~desktop_ar.services.bank_actions` (one use case, one transaction each) and by
:mod:`~desktop_ar.services.bank_auto` (many lines in one transaction).

Rules every action keeps:

* only an ``open`` line of an ``open`` statement can be explained (``bank_line_done``,
  ``bank_statement_closed``); a recorded receipt explains at most one line;
* receipts come from credit lines only (money in); a debit line can only be ignored;
* each explained line gets one live ``bank_matches`` row and one ``bank_match`` audit row (a
  receipt created for it also gets its own ``record_payment`` row from
  :func:`~desktop_ar.services.payments.insert_payment`).

``settle`` (used when accepting a suggestion, by hand or automatically): an invoice the
receipt leaves with only its early-payment discount still open (the discount still available on
the booking date) has the discount written off, and one left with a difference within the
company write-off tolerance has that written off, both posted with the receipt (reversing the
receipt reverses them). A role that may not write off leaves the difference open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    BankLine,
    BankMatch,
    BankStatement,
    Customer,
    Invoice,
    Payment,
    ScheduleLine,
    WriteOff,
)
from desktop_ar.domain import allocation as alloc
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.adjustments import post_write_off
from desktop_ar.services.bank_views import CandidateView, reasons_json
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid, posted_payment
from desktop_ar.services.payments import PaymentInput, insert_payment
from desktop_ar.services.permissions import can
from desktop_ar.services.settings import load_settings

__all__ = [
    "ACTION",
    "Reasons",
    "accept_candidate_in",
    "accept_invoices_in",
    "accept_payment_in",
    "open_line",
    "open_statement",
    "payment_changes",
    "receipt_input",
    "record_match",
]

ACTION = "reconcile"
_STATUS_WORDS = {"matched": "matched", "exception": "an exception", "ignored": "ignored"}
Reasons = Iterable[tuple[str, Mapping[str, Any]]]


# -- checks -------------------------------------------------------------------------------------
def open_statement(s: Session, statement_id: int) -> BankStatement:
    """The statement, refused when closed."""
    st = get_row(s, BankStatement, statement_id, "Bank statement")
    if st.status != "open":
        raise UserFacingError("bank_statement_closed", statement=st.id)
    return st


def open_line(s: Session, line_id: int, *, credit: bool = False) -> tuple[BankLine, BankStatement]:
    """An open line of an open statement (a credit when ``credit``), re-read under the lock."""
    line = get_row(s, BankLine, line_id, "Bank line")
    st = open_statement(s, line.statement_id)
    if line.status != "open":
        status = _STATUS_WORDS.get(line.status, line.status)
        raise UserFacingError("bank_line_done", seq=line.seq, statement=st.id, status=status)
    if credit and line.amount_minor <= 0:
        reason = "outgoing money is not a receipt; ignore the line with an explanation instead"
        raise invalid(f"line {line.seq}", reason)
    return line, st


def _tolerance(s: Session, currency: str) -> int:
    tolerance = load_settings(s).writeoff_tolerance
    return tolerance.minor if tolerance.currency == currency else 0


def _within_tolerance(s: Session, invoice: Invoice, minor: int) -> bool:
    tolerance = load_settings(s).writeoff_tolerance
    amount = Money(minor, invoice.currency)
    if amount.currency != tolerance.currency:
        amount = amount.convert(invoice.exchange_rate, tolerance.currency)
    return alloc.within_tolerance(amount, tolerance)


def _rate(s: Session, currency: str, customer_id: int | None) -> Decimal:
    """1 in the base currency; else the rate of the customer's (or any) latest such invoice."""
    if currency == load_settings(s).base_currency:
        return Decimal(1)
    query = select(Invoice.exchange_rate).where(Invoice.currency == currency)
    for q in (query.where(Invoice.customer_id == customer_id), query):
        rate = s.execute(q.order_by(Invoice.issue_date.desc(), Invoice.id.desc()).limit(1))
        found = rate.scalar()
        if found is not None:
            return Decimal(found)
    return Decimal(1)


# -- writing ------------------------------------------------------------------------------------
def receipt_input(
    s: Session, line: BankLine, st: BankStatement, customer_id: int | None
) -> PaymentInput:
    """The receipt a line records: booking date, amount, payer, account and reference."""
    reference = " ".join(r for r in (line.reference or line.end_to_end_id, line.memo) if r)
    return PaymentInput(
        customer_id=customer_id,
        payment_date=line.booking_date,
        amount=Money(line.amount_minor, line.currency),
        method="bank_transfer",
        reference=reference[:200],
        payer_name=line.counterparty_name[:200],
        bank_account=line.counterparty_account[:60],
        exchange_rate=_rate(s, line.currency, customer_id),
        notes=f"Bank statement {st.id} ({st.account or st.file_name}), line {line.seq}",
    )


def _refuse_matched(s: Session, payment_id: int) -> None:
    """Refuse a receipt that already explains a line (live match)."""
    taken = s.execute(
        select(BankMatch.line_id).where(
            BankMatch.payment_id == payment_id, BankMatch.undone_at.is_(None)
        )
    ).first()
    if taken:
        number = get_row(s, Payment, payment_id, "Payment").number
        raise invalid(number, "this receipt already explains another bank line")


def record_match(
    s: Session,
    ctx: ServiceContext,
    line: BankLine,
    kind: str,
    amount_minor: int,
    *,
    payment_id: int | None = None,
    exception_id: int | None = None,
    confidence: float = 100,
    reasons: Reasons = (),
    auto: bool = False,
    extra: dict[str, Any] | None = None,
) -> BankMatch:
    """Record a live match, mark the line and audit it."""
    if payment_id is not None:
        _refuse_matched(s, payment_id)
    row = BankMatch(
        line_id=line.id,
        kind=kind,
        payment_id=payment_id,
        exception_id=exception_id,
        amount_minor=amount_minor,
        confidence=max(0, min(100, round(confidence))),
        reasons=reasons_json(reasons),
        auto=auto,
        matched_at=ctx.clock.now(),
        matched_by=ctx.user,
    )
    s.add(row)
    line.status = "exception" if kind == "exception" else "matched"
    s.flush()
    after = {
        "match_id": row.id,
        "kind": kind,
        "payment_id": payment_id,
        "exception_id": exception_id,
        "amount_minor": amount_minor,
        "confidence": row.confidence,
        "auto": auto,
        "reasons": row.reasons,
        **(extra or {}),
    }
    audit.record(s, ctx, "bank_match", "bank_line", line.id, before={"status": "open"}, after=after)
    return row


def payment_changes(payment: Payment, invoices: Iterable[int] = ()) -> Changes:
    """The changes of writing a receipt (and the invoices it touched)."""
    customers = {payment.customer_id} if payment.customer_id is not None else set()
    return Changes(customers=customers, invoices=set(invoices), payments={payment.id})


def accept_payment_in(
    s: Session,
    ctx: ServiceContext,
    line_id: int,
    payment_id: int,
    *,
    confidence: float = 100,
    reasons: Reasons = (),
    auto: bool = False,
) -> Changes:
    """:func:`accept_payment` inside the caller's transaction."""
    line, _st = open_line(s, line_id, credit=True)
    payment = posted_payment(s, payment_id)
    _refuse_matched(s, payment.id)
    if payment.currency != line.currency:
        raise UserFacingError("currency_mismatch", left=line.currency, right=payment.currency)
    difference = payment.amount_minor - line.amount_minor
    if abs(difference) > _tolerance(s, line.currency):
        ccy = line.currency
        reason = (
            f"the receipt is {Money(payment.amount_minor, ccy)} but the line is "
            f"{Money(line.amount_minor, ccy)}; correct the receipt or create an exception"
        )
        raise invalid(payment.number, reason)
    record_match(
        s, ctx, line, "payment", payment.amount_minor, payment_id=payment.id,
        confidence=confidence, reasons=reasons, auto=auto,
    )  # fmt: skip
    return payment_changes(payment)


def _fill(s: Session, invoice: Invoice, minor: int) -> list[tuple[ScheduleLine, int]]:
    """The invoice's open schedule lines, oldest due first, with what ``minor`` pays on each."""
    rows = s.scalars(
        select(ScheduleLine)
        .where(ScheduleLine.invoice_id == invoice.id, ScheduleLine.open_minor > 0)
        .order_by(ScheduleLine.due_date, ScheduleLine.seq, ScheduleLine.id)
    )
    out = []
    for sl in rows:
        take = min(minor, sl.open_minor)
        minor -= take
        out.append((sl, take))
    return out


def _settle(
    s: Session,
    ctx: ServiceContext,
    invoice: Invoice,
    filled: list[tuple[ScheduleLine, int]],
    line: BankLine,
) -> list[WriteOff]:
    """Write off an earned discount or a difference within tolerance left by the receipt."""
    left = [(sl, sl.open_minor - take) for sl, take in filled if sl.open_minor > take]
    total = sum(r for _, r in left)
    if not left or not can(ctx, "write_off"):
        return []
    when = line.booking_date
    if all(
        sl.discount_until is not None and when <= sl.discount_until and r <= sl.discount_minor
        for sl, r in left
    ):
        kind, why = "discount", "Early-payment discount"
    elif _within_tolerance(s, invoice, total):
        kind, why = "small_difference", "Small difference"
    else:
        return []
    reason = f"{why}, bank statement {line.statement_id} line {line.seq}"
    return [
        post_write_off(
            s,
            ctx,
            invoice,
            Money(r, invoice.currency),
            kind=kind,
            reason=reason,
            on=when,
            line_id=sl.id,
        )
        for sl, r in left
    ]


def accept_invoices_in(
    s: Session,
    ctx: ServiceContext,
    line_id: int,
    allocations: Sequence[tuple[int, Money]],
    *,
    customer_id: int,
    confidence: float = 100,
    reasons: Reasons = (),
    auto: bool = False,
    settle: bool = False,
) -> Changes:
    """:func:`accept_invoices` inside the caller's transaction."""
    line, st = open_line(s, line_id, credit=True)
    ccy = line.currency
    get_row(s, Customer, customer_id, "Customer")
    if not allocations:
        raise invalid("allocation", "choose at least one invoice")
    invoices: list[tuple[Invoice, int]] = []
    for invoice_id, amount in allocations:
        inv = get_row(s, Invoice, invoice_id, "Invoice")
        if any(inv.id == other.id for other, _ in invoices):
            raise invalid(inv.number, "the invoice is listed twice")
        if inv.customer_id != customer_id:
            raise invalid(inv.number, "the invoice belongs to another customer")
        if inv.status == "void":
            raise invalid(inv.number, "the invoice is cancelled (void)")
        for other in (inv.currency, amount.currency):
            if other != ccy:
                raise UserFacingError("currency_mismatch", left=ccy, right=other)
        if amount.minor <= 0:
            raise invalid(inv.number, "the amount must be more than zero")
        if amount.minor > inv.open_minor:
            available = str(Money(inv.open_minor, ccy))
            raise UserFacingError("over_allocation", amount=str(amount), available=available)
        invoices.append((inv, amount.minor))
    total = sum(minor for _, minor in invoices)
    if total > line.amount_minor:
        line_amount = str(Money(line.amount_minor, ccy))
        raise UserFacingError(
            "over_allocation", amount=str(Money(total, ccy)), available=line_amount
        )
    requested: dict[int, Money] = {}
    write_offs: list[WriteOff] = []
    for inv, minor in invoices:
        filled = _fill(s, inv, minor)
        requested.update({sl.id: Money(take, ccy) for sl, take in filled if take > 0})
        if settle:
            write_offs += _settle(s, ctx, inv, filled, line)
    s.flush()
    payment, touched = insert_payment(
        s, ctx, receipt_input(s, line, st, customer_id), "manual", requested
    )
    for row in write_offs:
        row.payment_id = payment.id
    extra = {
        "allocations": [(inv.id, Money(minor, ccy).amount_str()) for inv, minor in invoices],
        "write_offs": [(w.id, w.kind, w.invoice_id, w.amount_minor) for w in write_offs],
    }
    record_match(
        s, ctx, line, "new_payment", line.amount_minor, payment_id=payment.id,
        confidence=confidence, reasons=reasons, auto=auto, extra=extra,
    )  # fmt: skip
    return payment_changes(payment, touched | {w.invoice_id for w in write_offs})


def accept_candidate_in(
    s: Session, ctx: ServiceContext, line_id: int, candidate: CandidateView, *, auto: bool = False
) -> Changes:
    """:func:`accept_candidate` inside the caller's transaction."""
    confidence = candidate.confidence * 100
    if candidate.kind == "payment":
        return accept_payment_in(
            s, ctx, line_id, candidate.target_ids[0], confidence=confidence,
            reasons=candidate.reasons, auto=auto,
        )  # fmt: skip
    if candidate.customer_id is None:
        raise invalid("candidate", "the invoices have no customer")
    line = get_row(s, BankLine, line_id, "Bank line")
    left = line.amount_minor
    allocations = []
    for invoice_id in candidate.target_ids:
        open_minor = get_row(s, Invoice, invoice_id, "Invoice").open_minor
        take = min(open_minor, left)
        if take > 0:
            allocations.append((invoice_id, Money(take, line.currency)))
            left -= take
    if not allocations:
        raise invalid("candidate", "its invoices are paid already; ask for new suggestions")
    return accept_invoices_in(
        s, ctx, line_id, allocations, customer_id=candidate.customer_id,
        confidence=confidence, reasons=candidate.reasons, auto=auto, settle=True,
    )  # fmt: skip
