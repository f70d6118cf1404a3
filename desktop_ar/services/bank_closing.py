"""Undoing a line's explanation, and closing (or reopening) a bank statement.

* :func:`undo_match` puts a line back to ``open``: its live matches are kept as a record with
  ``undone_at``; a receipt the match created (a new receipt, or the unidentified receipt of an
  exception) is reversed through :func:`~desktop_ar.services.payments.reverse_in`, which also
  resolves its exceptions; an ignored line loses its explanation.
* :func:`close_statement` needs every line explained (matched, an exception or ignored) and no
  live match on a receipt reversed since; a closed statement and its matches stay as a record
  and nothing on it can change until an admin reopens it.

Re-exported by :mod:`desktop_ar.services.bank_statements`.
"""

from __future__ import annotations

from sqlalchemy import func, select

from desktop_ar.db.models import BankLine, BankMatch, BankStatement, Payment, PaymentException
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services import audit
from desktop_ar.services.bank_receipts import ACTION, open_statement
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid
from desktop_ar.services.payments import reverse_in
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import uow

__all__ = ["close_statement", "reopen_statement", "undo_match"]

_CREATED_RECEIPT = ("new_payment", "exception")


def undo_match(ctx: ServiceContext, line_id: int) -> Changes:
    """Undo what explains a line; the line is ``open`` again.

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``bank_statement_closed``; ``invalid`` for a line that is open; what
            reversing a created receipt raises (``invalid`` after a refund).
    """
    require(ctx, ACTION)
    with uow(ctx) as s:
        line = get_row(s, BankLine, line_id, "Bank line")
        st = open_statement(s, line.statement_id)
        if line.status == "open":
            raise invalid(f"line {line.seq}", "it is not reconciled; there is nothing to undo")
        matches = list(
            s.scalars(
                select(BankMatch)
                .where(BankMatch.line_id == line.id, BankMatch.undone_at.is_(None))
                .order_by(BankMatch.id)
            )
        )
        before = {"status": line.status, "explanation": line.explanation}
        changes = Changes()
        reversed_ids = []
        why = f"bank match undone (statement {st.id}, line {line.seq})"
        for match in matches:
            payment = s.get(Payment, match.payment_id) if match.payment_id is not None else None
            if match.kind in _CREATED_RECEIPT and payment is not None:
                if payment.status == "posted":
                    on = max(ctx.clock.today(), payment.payment_date)
                    changes.merge(reverse_in(s, ctx, payment.id, on, why))
                    reversed_ids.append(payment.id)
                changes.payments.add(payment.id)
            elif payment is not None:
                changes.payments.add(payment.id)
                if payment.customer_id is not None:
                    changes.customers.add(payment.customer_id)
            if match.exception_id is not None:
                row = s.get(PaymentException, match.exception_id)
                if row is not None and row.status != "resolved":
                    row.status, row.resolution = "resolved", why.capitalize()
                    row.resolved_on = ctx.clock.today()
            match.undone_at = ctx.clock.now()
            match.undone_by = ctx.user
        line.status = "open"
        line.explanation = ""
        s.flush()
        after = {
            "status": "open",
            "undone_matches": [m.id for m in matches],
            "reversed_payments": reversed_ids,
        }
        audit.record(s, ctx, "bank_undo_match", "bank_line", line.id, before=before, after=after)
        return changes


def close_statement(ctx: ServiceContext, statement_id: int) -> Changes:
    """Close a statement whose lines are all explained; it stays as a read-only record.

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``bank_statement_closed`` (closed already),
            ``bank_statement_unexplained`` naming the first open line, ``invalid`` when a
            matched receipt was reversed since (undo that match first).
    """
    require(ctx, ACTION)
    with uow(ctx) as s:
        st = open_statement(s, statement_id)
        still_open = s.execute(
            select(func.count(), func.min(BankLine.seq)).where(
                BankLine.statement_id == st.id, BankLine.status == "open"
            )
        ).one()
        if still_open[0]:
            raise UserFacingError(
                "bank_statement_unexplained", statement=st.id, count=still_open[0],
                seq=still_open[1],
            )  # fmt: skip
        stale = s.execute(
            select(BankLine.seq, Payment.number)
            .join(BankMatch, BankMatch.line_id == BankLine.id)
            .join(Payment, Payment.id == BankMatch.payment_id)
            .where(
                BankLine.statement_id == st.id,
                BankMatch.undone_at.is_(None),
                Payment.status == "reversed",
            )
            .order_by(BankLine.seq)
            .limit(1)
        ).first()
        if stale is not None:
            reason = f"its receipt {stale[1]} was reversed since; undo the match first"
            raise invalid(f"line {stale[0]}", reason)
        st.status = "closed"
        st.closed_at = ctx.clock.now()
        st.closed_by = ctx.user
        s.flush()
        audit.record(s, ctx, "bank_close_statement", "bank_statement", st.id,
                     before={"status": "open"}, after={"status": "closed"})  # fmt: skip
        return Changes()


def reopen_statement(ctx: ServiceContext, statement_id: int) -> Changes:
    """Reopen a closed statement (admins only) so its lines can change again.

    Raises:
        PermissionDenied: the role may not reopen statements.
        UserFacingError: ``invalid`` when the statement is open.
    """
    require(ctx, "reopen_bank_statement")
    with uow(ctx) as s:
        st = get_row(s, BankStatement, statement_id, "Bank statement")
        if st.status != "closed":
            raise invalid(f"bank statement {st.id}", "it is open already")
        before = {"status": "closed", "closed_at": st.closed_at, "closed_by": st.closed_by}
        st.status = "open"
        st.closed_at = None
        st.closed_by = ""
        s.flush()
        audit.record(s, ctx, "bank_reopen_statement", "bank_statement", st.id, before=before,
                     after={"status": "open"})  # fmt: skip
        return Changes()
