"""Auto-accept: take the best suggestion of each open line when it is clearly right.

A line's best candidate is accepted when all three hold:

1. its confidence is at least the user's threshold;
2. it is ahead of the line's second candidate by at least :data:`AUTO_MARGIN` (0.05). The
   confidence model (:mod:`desktop_ar.domain.matching.scoring`) puts a candidate whose number is
   in the memo and whose amount is equal at 0.92 or more, and any candidate without number
   evidence at 0.872 or less (0.903 with a digits-only hint), so a named document clears the
   margin, while two invoices told apart by nothing but a date or a shade of name similarity
   do not;
3. no other open line of the statement claims one of its targets (the same receipt or invoice
   among that line's candidates at or above the threshold): two lines fighting over one
   invoice are left to the user.

Everything runs in one transaction (the suggestions are computed under the write lock, so
they cannot go stale); each accepted line is its own savepoint, so a line that can no longer be
accepted is skipped without undoing the others. Matches are marked ``auto``. Re-exported by
:mod:`desktop_ar.services.bank_statements`.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from desktop_ar.db.models import BankLine
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services.bank_matching import suggest_in
from desktop_ar.services.bank_receipts import ACTION, accept_candidate_in, open_statement
from desktop_ar.services.bank_views import CandidateView
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import invalid
from desktop_ar.services.permissions import require
from desktop_ar.services.progress import NullProgress, Progress
from desktop_ar.services.uow import uow

__all__ = ["AUTO_MARGIN", "auto_accept", "choose_automatic"]

AUTO_MARGIN = 0.05
"""How far (in confidence, 0..1) the best candidate must be ahead of the second."""


def _targets(candidate: CandidateView) -> list[tuple[str, int]]:
    kind = "payment" if candidate.kind == "payment" else "invoice"
    return [(kind, target) for target in candidate.target_ids]


def choose_automatic(
    suggestions: dict[int, list[CandidateView]], threshold: float
) -> list[tuple[int, CandidateView]]:
    """The (line id, candidate) pairs auto-accept takes, in line id order (see the module)."""
    claims: dict[tuple[str, int], set[int]] = defaultdict(set)
    for line_id, candidates in suggestions.items():
        for c in candidates:
            if c.confidence >= threshold:
                for target in _targets(c):
                    claims[target].add(line_id)
    picks = []
    for line_id in sorted(suggestions):
        candidates = suggestions[line_id]
        if not candidates or candidates[0].confidence < threshold:
            continue
        best = candidates[0]
        second = candidates[1].confidence if len(candidates) > 1 else 0.0
        if best.confidence - second < AUTO_MARGIN - 1e-9:
            continue
        if any(claims[target] - {line_id} for target in _targets(best)):
            continue
        picks.append((line_id, best))
    return picks


def auto_accept(
    ctx: ServiceContext, statement_id: int, threshold: float, *, progress: Progress | None = None
) -> int:
    """Accept the clearly right suggestions of a statement's open lines.

    Args:
        ctx: the service context.
        statement_id: an open statement.
        threshold: the least confidence accepted, more than 0 and at most 1 (e.g. 0.95).
        progress: reported per line accepted; cancel rolls everything back.

    Returns:
        How many lines were accepted.

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``bank_statement_closed``; ``invalid`` for a threshold out of range.
        Cancelled: the user cancelled; nothing is written.
    """
    require(ctx, ACTION)
    if not 0 < threshold <= 1:
        raise invalid("threshold", "give a confidence between 0 and 1, such as 0.95")
    progress = progress or NullProgress()
    with uow(ctx) as s:
        statement = open_statement(s, statement_id)
        lines = s.scalars(
            select(BankLine)
            .where(BankLine.statement_id == statement_id, BankLine.status == "open")
            .order_by(BankLine.seq)
        )
        progress.report(0, 1, "matching")
        picks = choose_automatic(suggest_in(s, statement, lines), threshold)
        accepted = 0
        for k, (line_id, candidate) in enumerate(picks):
            progress.check()
            try:
                with s.begin_nested():
                    accept_candidate_in(s, ctx, line_id, candidate, auto=True)
                accepted += 1
            except UserFacingError:
                pass  # changed meanwhile (another line took the invoice); left to the user
            progress.report(k + 1, len(picks), "accepting")
        progress.report(1, 1, "done")
        return accepted
