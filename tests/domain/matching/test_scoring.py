"""The confidence model: bounded, monotone, and a named exact match beats anything unnamed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.matching import scoring

unit = st.floats(0.0, 1.0, allow_nan=False)
groups = st.fixed_dictionaries({g: unit for g in scoring.GROUP_WEIGHTS})


@given(st.lists(unit, max_size=6), unit)
def test_combine_is_bounded_and_grows_with_evidence(strengths: list[float], extra: float) -> None:
    before = scoring.combine(strengths)
    assert 0.0 <= before <= 1.0
    assert scoring.combine([*strengths, extra]) >= before


@given(groups, st.sampled_from(sorted(scoring.GROUP_WEIGHTS)), unit, st.booleans())
def test_confidence_is_bounded_and_monotone(
    g: dict[str, float], group: str, more: float, differs: bool
) -> None:
    before = scoring.confidence(g, amount_differs=differs)
    assert 0.0 <= before <= 1.0
    stronger = {**g, group: max(g[group], more)}
    assert scoring.confidence(stronger, amount_differs=differs) >= before
    assert scoring.confidence(g, amount_differs=True) <= scoring.confidence(g)


def test_a_named_exact_match_beats_anything_unnamed() -> None:
    named_exact = scoring.confidence({"document": 1.0, "amount": 1.0})
    unnamed_best = scoring.confidence({"amount": 1.0, "customer": 1.0, "date": 1.0})
    digits_best = scoring.confidence({"document": 0.3, "amount": 1.0, "customer": 1.0, "date": 1.0})
    assert named_exact == 0.92
    assert unnamed_best == 0.872
    assert digits_best < named_exact
    partial_best = scoring.confidence(
        {"document": 1.0, "customer": 1.0, "date": 1.0}, amount_differs=True
    )
    assert partial_best < 0.66


def test_strengths() -> None:
    assert scoring.equality_strength(1, named=False) == 1.0
    assert scoring.equality_strength(4, named=False) == 0.7
    assert scoring.equality_strength(4, named=True) == 1.0
    assert scoring.tolerance_strength(0, 100) == 0.75
    assert scoring.tolerance_strength(-100, 100) == 0.5
    assert scoring.tolerance_strength(5, 0) == 0.0
    assert scoring.sum_strength(2, 0, 100, all_named=False) == 0.8
    assert scoring.sum_strength(9, 0, 100, all_named=False) == 0.5
    assert scoring.sum_strength(3, 0, 100, all_named=True) == 1.0
    assert scoring.sum_strength(2, 100, 100, all_named=False) == 0.8 * 0.7
    assert scoring.name_strength(85, 60) == 0.7
    assert scoring.name_strength(59, 60) == 0.0
    assert scoring.memo_name_strength(84) == 0.0
    assert scoring.memo_name_strength(100) == 0.8
    assert scoring.date_strength(0, 7) == 1.0
    assert scoring.date_strength(7, 7) == 0.125
