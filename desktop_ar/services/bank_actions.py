"""Explaining statement lines, one use case and one transaction each.

Accept a recorded receipt or open invoices, create a receipt on account or an unidentified one
(an exception), or ignore the line.

The rules and the ``settle`` option are described in :mod:`~desktop_ar.services.bank_receipts`;
undoing and closing live in :mod:`~desktop_ar.services.bank_closing`. Re-exported by
:mod:`desktop_ar.services.bank_statements`.
"""

from __future__ import annotations

from sqlalchemy import select

from desktop_ar.db.models import Customer, PaymentException
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.bank_receipts import (
    ACTION,
    Reasons,
    accept_candidate_in,
    accept_invoices_in,
    accept_payment_in,
    open_line,
    payment_changes,
    receipt_input,
    record_match,
)
from desktop_ar.services.bank_views import CandidateView
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid
from desktop_ar.services.payments import insert_payment
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import uow

__all__ = [
    "accept_candidate",
    "accept_invoices",
    "accept_payment",
    "create_exception",
    "create_unallocated_payment",
    "ignore_line",
]


# -- use cases ----------------------------------------------------------------------------------
def accept_payment(
    ctx: ServiceContext,
    line_id: int,
    payment_id: int,
    *,
    confidence: int = 100,
    reasons: Reasons = (),
) -> Changes:
    """Explain a line by a receipt already recorded (its amount within the write-off tolerance).

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``bank_line_done``, ``bank_statement_closed``, ``already_reversed``,
            ``currency_mismatch``; ``invalid`` for a debit line, a receipt of another amount or
            one that already explains another line.
    """
    require(ctx, ACTION)
    with uow(ctx) as s:
        return accept_payment_in(
            s, ctx, line_id, payment_id, confidence=confidence, reasons=reasons
        )


def accept_invoices(
    ctx: ServiceContext,
    line_id: int,
    allocations: list[tuple[int, Money]],
    *,
    customer_id: int,
    confidence: int = 100,
    reasons: Reasons = (),
    settle: bool = False,
) -> Changes:
    """Record the line as a receipt of ``customer_id`` applied to exactly these invoices.

    The receipt is dated on the booking date, for the line's amount, with the payer name,
    account and reference from the line; a split line lists several invoices. What the
    allocations leave of the line stays unallocated (customer credit).

    Args:
        ctx: the service context.
        line_id: an open credit line.
        allocations: (invoice id, amount) pairs: the customer's invoices, each amount at most
            its open amount, together at most the line.
        customer_id: whose money it is.
        confidence: 0..100, kept on the match.
        reasons: the matcher's reasons, kept on the match.
        settle: write off an earned early-payment discount or a difference within tolerance
            that the receipt leaves on an invoice (see the module docstring).

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``bank_line_done``, ``bank_statement_closed``, ``over_allocation``,
            ``currency_mismatch``, ``invalid`` naming the invoice (another customer's, void,
            listed twice), ``not_found``.
    """
    require(ctx, ACTION)
    with uow(ctx) as s:
        return accept_invoices_in(
            s, ctx, line_id, allocations, customer_id=customer_id, confidence=confidence,
            reasons=reasons, settle=settle,
        )  # fmt: skip


def accept_candidate(ctx: ServiceContext, line_id: int, candidate: CandidateView) -> Changes:
    """Accept a suggestion: link its receipt, or create the receipt for its invoices.

    Invoices are paid in the candidate's order with their open amounts as they are now, up to
    the line's amount, and settled (``settle=True``).
    """
    require(ctx, ACTION)
    with uow(ctx) as s:
        return accept_candidate_in(s, ctx, line_id, candidate)


def create_unallocated_payment(ctx: ServiceContext, line_id: int, customer_id: int) -> Changes:
    """Record the line as a receipt of the customer on account (nothing allocated).

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``bank_line_done``, ``bank_statement_closed``, ``invalid`` for a debit
            line, ``not_found``.
    """
    require(ctx, ACTION)
    with uow(ctx) as s:
        line, st = open_line(s, line_id, credit=True)
        get_row(s, Customer, customer_id, "Customer")
        payment, _ = insert_payment(s, ctx, receipt_input(s, line, st, customer_id), "none")
        record_match(s, ctx, line, "new_payment", line.amount_minor, payment_id=payment.id)
        return payment_changes(payment)


def create_exception(ctx: ServiceContext, line_id: int, cause: str) -> Changes:
    """Record the line as an unidentified receipt (待认领) in the payment exceptions queue.

    The receipt has no customer; the queue's ``unidentified`` exception gets ``cause``
    appended to its own. Giving the receipt its customer later (exceptions queue) keeps the
    line explained.

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``bank_line_done``, ``bank_statement_closed``, ``invalid`` for a debit
            line.
    """
    require(ctx, ACTION)
    cause = " ".join(cause.split())
    with uow(ctx) as s:
        line, st = open_line(s, line_id, credit=True)
        payment, _ = insert_payment(s, ctx, receipt_input(s, line, st, None), "none")
        row = s.scalars(
            select(PaymentException).where(
                PaymentException.payment_id == payment.id,
                PaymentException.kind == "unidentified",
            )
        ).first()
        if row is None:  # the queue's policy raised nothing: raise it here
            row = PaymentException(
                kind="unidentified", payment_id=payment.id, detected_on=ctx.clock.today(),
                cause=f"No customer for {payment.number}", currency=payment.currency,
                amount_minor=payment.amount_minor, status="open", created_at=ctx.clock.now(),
            )  # fmt: skip
            s.add(row)
        if cause:
            row.cause = f"{row.cause}: {cause}"
        s.flush()
        record_match(
            s, ctx, line, "exception", line.amount_minor, payment_id=payment.id,
            exception_id=row.id, extra={"cause": cause},
        )  # fmt: skip
        return payment_changes(payment)


def ignore_line(ctx: ServiceContext, line_id: int, explanation: str) -> Changes:
    """Mark a line as needing no receipt (bank fee, own transfer, supplier payment…).

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``invalid`` without an explanation; ``bank_line_done``,
            ``bank_statement_closed``.
    """
    require(ctx, ACTION)
    explanation = " ".join(explanation.split())
    if not explanation:
        raise invalid("explanation", "say why the line needs no receipt")
    with uow(ctx) as s:
        line, _st = open_line(s, line_id)
        line.status = "ignored"
        line.explanation = explanation
        s.flush()
        after = {"status": "ignored", "explanation": explanation}
        audit.record(s, ctx, "bank_ignore_line", "bank_line", line.id, before={"status": "open"},
                     after=after)  # fmt: skip
        return Changes()
