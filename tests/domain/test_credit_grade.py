"""Credit grades: components, grade boundaries, suggested limit."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.credit_grade import CreditFacts, grade_for, score, suggested_limit


def test_a_perfect_payer_is_graded_a() -> None:
    facts = CreditFacts(Decimal(100), Decimal(0), 0, 0, 0, 10_000_00, 100_000_00, 1_200_000_00)
    result = score(facts)
    assert result.score == 100
    assert result.grade == "A"
    assert [c.code for c in result.components] == [
        "on_time_share",
        "weighted_days_late",
        "longest_overdue",
        "disputes",
        "broken_promises",
        "exposure",
    ]
    assert result.components[5].value == "10%"


def test_components_show_where_points_were_lost() -> None:
    facts = CreditFacts(
        on_time_share=Decimal(50),
        weighted_days_late=Decimal(30),
        longest_overdue_days=90,
        disputes=2,
        broken_promises=1,
        exposure_minor=85_00,
        limit_minor=100_00,
    )
    pts = {c.code: c.points for c in score(facts).components}
    assert pts == {
        "on_time_share": 15,
        "weighted_days_late": 10,
        "longest_overdue": 8,  # 7.5 rounds half-up
        "disputes": 4,
        "broken_promises": 6,
        "exposure": 8,  # 85% between 50% and 120%: 7.5 → 8
    }
    assert score(facts).score == 51
    assert score(facts).grade == "D"


def test_no_history_is_neutral_and_cash_customers_owe_nothing() -> None:
    result = score(CreditFacts(None, None))
    assert result.score == 15 + 10 + 15 + 10 + 10 + 15
    assert result.grade == "B"
    assert score(CreditFacts(None, None, exposure_minor=1)).components[5].points == 0


def test_labels_in_both_languages() -> None:
    comp = score(CreditFacts(None, None)).components[0]
    assert comp.label("en") == "Paid on time"
    assert comp.label("zh") == "按时付款比例"


def test_grade_boundaries() -> None:
    assert [grade_for(p) for p in (100, 85, 84, 70, 69, 55, 54, 40, 39, 0)] == list("AABBCCDDEE")


def test_suggested_limit_from_monthly_revenue() -> None:
    facts = CreditFacts(None, None, revenue_minor=1_234_567_00, months=12)
    assert suggested_limit(facts, "A") == 30_800_000  # 102,880.58/month × 3 → 308,000.00
    assert suggested_limit(facts, "C", step_minor=1_000_00) == 15_400_000
    assert suggested_limit(facts, "E") == 0
    assert suggested_limit(CreditFacts(None, None), "A") == 0


facts_st = st.builds(
    CreditFacts,
    st.one_of(st.none(), st.decimals(0, 100, places=1)),
    st.one_of(st.none(), st.decimals(0, 400, places=1)),
    st.integers(0, 2000),
    st.integers(0, 20),
    st.integers(0, 20),
    st.integers(-(10**9), 10**12),
    st.integers(0, 10**12),
    st.integers(0, 10**12),
    st.integers(0, 36),
)


@given(facts_st)
def test_score_is_the_sum_of_its_components_within_bounds(facts: CreditFacts) -> None:
    result = score(facts)
    assert result.score == sum(c.points for c in result.components)
    assert 0 <= result.score <= 100
    assert all(0 <= c.points <= c.max_points for c in result.components)
    assert sum(c.max_points for c in result.components) == 100


@given(facts_st, st.integers(1, 30))
def test_more_days_late_never_scores_higher(facts: CreditFacts, extra: int) -> None:
    import dataclasses

    worse = dataclasses.replace(facts, longest_overdue_days=facts.longest_overdue_days + extra)
    assert score(worse).score <= score(facts).score
