"""Credit grades (信用等级): score every customer from how it pays, suggest a limit, store it.

The facts come from :mod:`desktop_ar.services.credit_facts` (grouped SQL over the whole book),
the score, grade and suggested limit from :mod:`desktop_ar.domain.credit_grade`. Reading the
grades changes nothing; :func:`recompute_grades` stores each customer's grade, score and the
date it was scored (only for customers whose grade or score changed) with one audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, update

from desktop_ar.db.models import Customer
from desktop_ar.domain.credit_grade import CreditFacts, score, suggested_limit
from desktop_ar.domain.errors import NotFound
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.credit_facts import CustomerRow, load_facts
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "ComponentView",
    "GradeView",
    "RecomputeResult",
    "compute_grades",
    "customer_grade",
    "recompute_grades",
]


@dataclass(frozen=True, slots=True)
class ComponentView:
    """One part of a score: what was measured, the points given and the most possible."""

    code: str
    label_en: str
    label_zh: str
    value: str
    points: int
    max_points: int

    def label(self, lang: str = "en") -> str:
        """The component's name in ``en`` or ``zh``."""
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True, slots=True)
class GradeView:
    """A customer's computed credit grade, next to what is stored on the customer now."""

    customer_id: int
    customer_code: str
    customer_name: str
    currency: str
    score: int
    grade: str
    components: tuple[ComponentView, ...]
    suggested_limit: Money
    credit_limit: Money
    exposure: Money
    facts: CreditFacts
    current_grade: str  # as stored ('' when never graded)
    current_score: int | None
    scored_on: date | None


@dataclass(frozen=True, slots=True)
class RecomputeResult:
    """What :func:`recompute_grades` did: customers scored and those whose grade changed."""

    as_of: date
    scored: int
    changed: int
    grade_changes: dict[str, tuple[str, str]]  # customer code → (grade before, grade after)


def _view(c: CustomerRow, facts: CreditFacts) -> GradeView:
    result = score(facts)
    return GradeView(
        customer_id=c.id,
        customer_code=c.code,
        customer_name=c.name,
        currency=c.currency,
        score=result.score,
        grade=result.grade,
        components=tuple(
            ComponentView(p.code, p.label("en"), p.label("zh"), p.value, p.points, p.max_points)
            for p in result.components
        ),
        suggested_limit=Money(suggested_limit(facts, result.grade), c.currency),
        credit_limit=Money(c.limit_minor, c.currency),
        exposure=Money(facts.exposure_minor, c.currency),
        facts=facts,
        current_grade=c.grade or "",
        current_score=c.score,
        scored_on=c.scored_on,
    )


def compute_grades(ctx: ServiceContext, as_of: date) -> list[GradeView]:
    """Every customer's grade as of ``as_of``, by customer code (reads only)."""
    with reader(ctx) as s:
        return [_view(c, f) for c, f in load_facts(s, as_of)]


def customer_grade(ctx: ServiceContext, customer_id: int, as_of: date) -> GradeView:
    """One customer's grade as of ``as_of`` (for the customer card).

    Raises:
        NotFound: no such customer.
    """
    with reader(ctx) as s:
        rows = load_facts(s, as_of, [customer_id])
    if not rows:
        raise NotFound("Customer", customer_id)
    return _view(*rows[0])


def recompute_grades(ctx: ServiceContext, as_of: date) -> tuple[RecomputeResult, Changes]:
    """Store every customer's grade and score as of ``as_of`` (role: ``change_credit``).

    Only customers whose grade or score differs from the stored one are written (with
    ``credit_scored_on = as_of``); one audit row lists the counts and, per changed customer
    code, the grade before and after.
    """
    require(ctx, "change_credit")
    with uow(ctx) as s:
        views = [_view(c, f) for c, f in load_facts(s, as_of)]
        changed = [v for v in views if v.grade != v.current_grade or v.score != v.current_score]
        if changed:
            table = Customer.__table__
            stmt = (
                update(table)
                .where(table.c.id == bindparam("cid"))
                .values(
                    credit_grade=bindparam("grade"),
                    credit_score=bindparam("score"),
                    credit_scored_on=bindparam("scored_on"),
                    version_id=table.c.version_id + 1,
                )
            )
            s.connection().execute(
                stmt,
                [
                    {"cid": v.customer_id, "grade": v.grade, "score": v.score, "scored_on": as_of}
                    for v in changed
                ],
            )
        grade_changes = {
            v.customer_code: (v.current_grade, v.grade)
            for v in changed
            if v.grade != v.current_grade
        }
        audit.record(
            s,
            ctx,
            "recompute_credit_grades",
            "customers",
            as_of.isoformat(),
            after={
                "as_of": as_of,
                "scored": len(views),
                "changed": len(changed),
                "grades": {code: f"{b or '-'}>{a}" for code, (b, a) in grade_changes.items()},
            },
        )
    result = RecomputeResult(as_of, len(views), len(changed), grade_changes)
    return result, Changes(customers={v.customer_id for v in changed})
