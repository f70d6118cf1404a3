"""Matching bank-statement lines to recorded payments and open invoices (pure domain logic).

Build a :class:`Matcher` once over the open items, then ask it about each line::

    matcher = Matcher(invoices=open_invoices, payments=unreconciled, customers=customers,
                      settings=MatchSettings(tolerance=Money.of("1.00", "CNY")))
    result = matcher.match(line)
    for c in result.candidates:
        print(c.kind, c.numbers, c.confidence, describe(c.reasons))

The confidence model is documented in :mod:`desktop_ar.domain.matching.scoring`.
"""

from desktop_ar.domain.matching.describe import REASON_CODES, describe, describe_reason
from desktop_ar.domain.matching.engine import Matcher, match_lines
from desktop_ar.domain.matching.model import (
    Candidate,
    CandidateKind,
    Customer,
    EarlyDiscount,
    LineMatch,
    MatchSettings,
    OpenInvoice,
    Reason,
    RecordedPayment,
    StatementLine,
)

__all__ = [
    "REASON_CODES",
    "Candidate",
    "CandidateKind",
    "Customer",
    "EarlyDiscount",
    "LineMatch",
    "MatchSettings",
    "Matcher",
    "OpenInvoice",
    "Reason",
    "RecordedPayment",
    "StatementLine",
    "describe",
    "describe_reason",
    "match_lines",
]
