"""Credit grades (信用等级) from how a customer really pays, with every component shown.

A score out of 100 is the sum of six components, each with its own maximum:

=====================  ====  ===========================================================
component              max   full marks … no marks
=====================  ====  ===========================================================
on_time_share           30   100% of the money paid on time … 0% (no history: half)
weighted_days_late      20   0 days late per unit of money … 60 or more
longest_overdue         15   never overdue … 180 days or more
disputes                10   none in the period … 4 or more (−3 each, floored at 0)
broken_promises         10   none broken … 3 or more (−4 each, floored at 0)
exposure                15   exposure ≤ 50% of the limit … 120% or more (no limit: none owed)
=====================  ====  ===========================================================

Linear in between; each component's points are rounded half-up to a whole number. Grades:
A ≥ 85, B ≥ 70, C ≥ 55, D ≥ 40, else E. The suggested credit limit is the customer's average
monthly revenue over the period times the grade's months (A 3, B 2, C 1.5, D 1, E 0), rounded
down to a round figure (``step_minor``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

__all__ = [
    "GRADES",
    "Component",
    "CreditFacts",
    "CreditScore",
    "grade_for",
    "score",
    "suggested_limit",
]

GRADES: tuple[tuple[int, str], ...] = ((85, "A"), (70, "B"), (55, "C"), (40, "D"), (0, "E"))
LIMIT_MONTHS: dict[str, Decimal] = {
    "A": Decimal(3),
    "B": Decimal(2),
    "C": Decimal("1.5"),
    "D": Decimal(1),
    "E": Decimal(0),
}
_LABELS = {
    "on_time_share": ("Paid on time", "按时付款比例"),
    "weighted_days_late": ("Weighted days late", "加权逾期天数"),
    "longest_overdue": ("Longest overdue", "最长逾期天数"),
    "disputes": ("Disputes", "争议次数"),
    "broken_promises": ("Broken promises to pay", "违约承诺次数"),
    "exposure": ("Exposure against limit", "占用信用额度"),
}


@dataclass(frozen=True, slots=True)
class CreditFacts:
    """What the grade is computed from (over the scoring period, as of a date).

    Attributes:
        on_time_share: percent (0–100) of the money received on or before its due date;
            None without payment history.
        weighted_days_late: days past due per unit of money (early counts as 0); None: no history.
        longest_overdue_days: the longest any amount was or still is overdue.
        disputes: disputes opened in the period.
        broken_promises: promises to pay broken in the period.
        exposure_minor: open balance plus confirmed orders not invoiced (customer's currency).
        limit_minor: the credit limit (0: no credit, cash in advance).
        revenue_minor: invoiced in the period (customer's currency).
        months: length of the period in months (for the monthly revenue).
    """

    on_time_share: Decimal | None
    weighted_days_late: Decimal | None
    longest_overdue_days: int = 0
    disputes: int = 0
    broken_promises: int = 0
    exposure_minor: int = 0
    limit_minor: int = 0
    revenue_minor: int = 0
    months: int = 12


@dataclass(frozen=True, slots=True)
class Component:
    """One part of the score: its value as shown, the points given and the most possible."""

    code: str
    value: str
    points: int
    max_points: int

    def label(self, lang: str = "en") -> str:
        """The component's name in ``en`` or ``zh``."""
        en, zh = _LABELS[self.code]
        return zh if lang == "zh" else en


@dataclass(frozen=True, slots=True)
class CreditScore:
    """The score (0–100), its grade (A–E) and the components it is made of."""

    score: int
    grade: str
    components: tuple[Component, ...]


def _pts(fraction: Decimal, max_points: int) -> int:
    fraction = min(max(fraction, Decimal(0)), Decimal(1))
    return int((fraction * max_points).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _falling(value: Decimal, worst: Decimal, max_points: int, best: Decimal = Decimal(0)) -> int:
    """Full marks at ``best`` or below, none at ``worst`` or above, linear between."""
    if value <= best:
        return max_points
    return _pts((worst - value) / (worst - best), max_points)


def grade_for(points: int) -> str:
    """The grade of a score."""
    return next(g for floor, g in GRADES if points >= floor)


def score(facts: CreditFacts) -> CreditScore:
    """Score a customer's payment behaviour (see the module table)."""
    parts: list[Component] = []
    if facts.on_time_share is None:
        parts.append(Component("on_time_share", "—", 15, 30))
    else:
        share = facts.on_time_share
        parts.append(Component("on_time_share", f"{share}%", _pts(share / 100, 30), 30))
    late = facts.weighted_days_late
    if late is None:
        parts.append(Component("weighted_days_late", "—", 10, 20))
    else:
        parts.append(
            Component("weighted_days_late", f"{late}", _falling(late, Decimal(60), 20), 20)
        )
    longest = facts.longest_overdue_days
    parts.append(
        Component("longest_overdue", str(longest), _falling(Decimal(longest), Decimal(180), 15), 15)
    )
    parts.append(Component("disputes", str(facts.disputes), max(10 - 3 * facts.disputes, 0), 10))
    broken = facts.broken_promises
    parts.append(Component("broken_promises", str(broken), max(10 - 4 * broken, 0), 10))
    if facts.limit_minor <= 0:
        value = "no limit"
        points = 15 if facts.exposure_minor <= 0 else 0
    else:
        ratio = Decimal(max(facts.exposure_minor, 0)) / Decimal(facts.limit_minor)
        value = f"{(ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"
        points = _falling(ratio, Decimal("1.2"), 15, best=Decimal("0.5"))
    parts.append(Component("exposure", value, points, 15))
    total = sum(p.points for p in parts)
    return CreditScore(total, grade_for(total), tuple(parts))


def suggested_limit(facts: CreditFacts, grade: str, *, step_minor: int = 100_000) -> int:
    """A credit limit from revenue and behaviour, rounded down to a multiple of ``step_minor``.

    Average monthly revenue over the period × the grade's months (A 3, B 2, C 1.5, D 1, E 0).
    """
    if facts.months <= 0 or facts.revenue_minor <= 0:
        return 0
    monthly = Decimal(facts.revenue_minor) / Decimal(facts.months)
    raw = monthly * LIMIT_MONTHS[grade]
    steps = (raw / Decimal(max(step_minor, 1))).to_integral_value(rounding=ROUND_FLOOR)
    return int(steps) * max(step_minor, 1)
