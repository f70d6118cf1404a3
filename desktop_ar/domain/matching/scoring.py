"""The confidence model: evidence in four groups, combined so that more evidence never hurts.

Every piece of evidence has a *strength* 0..1 and belongs to one group:

============  ======  ===========================================================================
group         weight  evidence (strength)
============  ======  ===========================================================================
document      0.80    invoice / payment / fapiao number written in full in the memo (1.0); the
                      payment's reference matches (0.9); only the digits of an invoice number
                      (0.3). For several invoices: the share of them named.
amount        0.60    equal (1.0 when no other open item has this amount or the document is
                      named; else 0.6 + 0.4 / k for k items of this amount); early-payment
                      discount taken (0.85); within tolerance (0.75 → 0.5 as the difference grows
                      to the tolerance); sum of n invoices (0.8 − 0.1 (n − 2), at least 0.5;
                      1.0 when all are named), times 0.9 → 0.7 when only within tolerance.
customer      0.60    payer name equal to the customer's or a known payer's (1.0), similar
                      ((p − 50) / 50 for p % ≥ the threshold); the customer's name in the memo
                      (0.8 × (p − 50) / 50 for p ≥ 85 %); a known counterparty account (1.0).
date          0.20    recorded payment d days from the line (1 − d / (window + 1)); invoice due
                      d days from the line (half of that).
============  ======  ===========================================================================

Within a group strengths combine as a noisy-OR, ``s = 1 − Π(1 − sᵢ)``; groups combine the same
way with their weights: ``confidence = 1 − Π(1 − w_g · s_g)``. Both steps only grow when a
strength grows or evidence is added, so agreeing evidence never lowers the confidence, and the
result stays in [0, 1). The weights encode what the groups are worth alone: a number in the memo
(0.80) says more than an equal amount (0.60, many invoices share round amounts) or a name (0.60,
one customer has many invoices). A candidate with its number in the memo and its exact amount
scores at least 1 − 0.2 × 0.4 = 0.92, while one without any number evidence scores at most
1 − 0.4 × 0.4 × 0.8 = 0.872 (0.903 with a digits-only hint): such a match always ranks first.

Disagreement is not evidence of the same kind: a document named in the memo whose amount differs
beyond the tolerance (a partial payment, an over-payment) keeps its candidate, but the whole
confidence is multiplied by 0.7, so it stays below 0.66 and is never auto-accepted at the usual
thresholds. Adding agreeing evidence still never lowers a confidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = [
    "GROUP_WEIGHTS",
    "combine",
    "confidence",
    "date_strength",
    "equality_strength",
    "memo_name_strength",
    "name_strength",
    "sum_strength",
    "tolerance_strength",
]

GROUP_WEIGHTS: Mapping[str, float] = {
    "document": 0.80,
    "amount": 0.60,
    "customer": 0.60,
    "date": 0.20,
}
DISCOUNT_STRENGTH = 0.85
REFERENCE_STRENGTH = 0.9
AMOUNT_DIFFERS_FACTOR = 0.7
MEMO_NAME_MIN = 85


def _clip(x: float) -> float:
    return 0.0 if x < 0 else min(x, 1.0)


def combine(strengths: Iterable[float]) -> float:
    """Noisy-OR of strengths in [0, 1]: ``1 − Π(1 − s)``."""
    left = 1.0
    for s in strengths:
        left *= 1.0 - _clip(s)
    return 1.0 - left


def confidence(groups: Mapping[str, float], *, amount_differs: bool = False) -> float:
    """The confidence of a candidate from its group strengths (missing groups count 0).

    ``amount_differs`` (beyond the tolerance and any discount: a partial or an over-payment)
    scales the result by :data:`AMOUNT_DIFFERS_FACTOR`. Rounded to three decimals (rounding keeps
    the order, so monotonicity holds).
    """
    left = 1.0
    for group, weight in GROUP_WEIGHTS.items():
        left *= 1.0 - weight * _clip(groups.get(group, 0.0))
    factor = AMOUNT_DIFFERS_FACTOR if amount_differs else 1.0
    return round(_clip(1.0 - left) * factor, 3)


def equality_strength(same_amount: int, named: bool) -> float:
    """An equal amount shared by ``same_amount`` candidates; a named document resolves it."""
    if named or same_amount <= 1:
        return 1.0
    return 0.6 + 0.4 / same_amount


def tolerance_strength(difference: int, tolerance: int) -> float:
    """An amount off by ``difference`` minor units, within ``tolerance``: 0.75 → 0.5."""
    if tolerance <= 0:
        return 0.0
    return 0.75 - 0.25 * min(abs(difference), tolerance) / tolerance


def sum_strength(count: int, difference: int, tolerance: int, all_named: bool) -> float:
    """Several invoices adding up to the line (off by ``difference`` within ``tolerance``)."""
    base = 1.0 if all_named else max(0.5, 0.8 - 0.1 * (count - 2))
    if difference == 0 or tolerance <= 0:
        return base
    return base * (0.9 - 0.2 * min(abs(difference), tolerance) / tolerance)


def name_strength(percent: int, threshold: int) -> float:
    """A payer name ``percent`` % similar to the customer's: 0 below the threshold."""
    return _clip((percent - 50) / 50) if percent >= threshold else 0.0


def memo_name_strength(percent: int) -> float:
    """The customer's name found ``percent`` % in the memo: 0 below 85 %."""
    return 0.8 * _clip((percent - 50) / 50) if percent >= MEMO_NAME_MIN else 0.0


def date_strength(days: int, window: int) -> float:
    """A date ``days`` apart inside a window of ``window`` days: 1 on the day, fading out."""
    return _clip(1.0 - abs(days) / (window + 1))
