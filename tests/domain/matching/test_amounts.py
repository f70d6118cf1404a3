"""Amount look-ups and bounded subset sums."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.matching.amounts import AmountIndex, find_sums
from desktop_ar.domain.money import Money


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


INDEX = AmountIndex(
    [
        (1, cny(10_000)),
        (2, cny(10_000)),
        (3, cny(10_050)),
        (4, cny(9_901)),
        (5, Money(10_000, "USD")),
    ]
)


def test_exact_is_per_currency() -> None:
    assert INDEX.exact(cny(10_000)) == [1, 2]
    assert INDEX.exact(Money(10_000, "USD")) == [5]
    assert INDEX.exact(Money(10_000, "EUR")) == []


def test_near_excludes_equal_and_sorts_by_distance() -> None:
    assert INDEX.near(cny(10_000), 100) == [(3, -50), (4, 99)]
    assert INDEX.near(cny(10_000), 60) == [(3, -50)]
    assert INDEX.near(cny(10_000), 0) == []
    assert INDEX.near(cny(10_000), 100, limit=1) == [(3, -50)]
    assert INDEX.near(Money(1, "JPY"), 100) == []


@given(
    st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["CNY", "USD"])), max_size=40),
    st.integers(-5, 45),
    st.integers(1, 15),
    st.integers(1, 8),
)
def test_near_is_the_nearest_of_the_whole_window(
    rows: list[tuple[int, str]], minor: int, tolerance: int, limit: int
) -> None:
    index = AmountIndex((k, Money(m, c)) for k, (m, c) in enumerate(rows))
    every = [(k, minor - m) for k, (m, c) in enumerate(rows) if c == "CNY" and m != minor]
    window = sorted(
        ((k, d) for k, d in every if abs(d) <= tolerance), key=lambda kd: (abs(kd[1]), kd[0])
    )
    assert index.near(cny(minor), tolerance, limit=limit) == window[:limit]


def test_find_sums_small_cases() -> None:
    values = [250, 300, 1000, 50, 200]
    found = find_sums(values, 550, 0, max_count=4, limit=10)
    assert [idx for idx, _ in found] == [(0, 1), (1, 3, 4)]
    assert find_sums(values, 549, 0, max_count=4, limit=10) == []
    assert find_sums(values, 549, 1, max_count=2, limit=10) == [((0, 1), -1)]
    assert find_sums([5], 5, 0, max_count=4, limit=10) == []
    assert find_sums(values, 1800, 0, max_count=5, limit=10) == [((0, 1, 2, 3, 4), 0)]


def _brute(values: list[int], target: int, tol: int, max_count: int) -> set[tuple[int, ...]]:
    return {
        idx
        for k in range(2, max_count + 1)
        for idx in combinations(range(len(values)), k)
        if abs(target - sum(values[i] for i in idx)) <= tol
    }


@given(
    values=st.lists(st.integers(1, 60), min_size=0, max_size=9),
    target=st.integers(1, 200),
    tol=st.integers(0, 3),
    max_count=st.integers(2, 5),
)
def test_find_sums_finds_exactly_the_valid_sets(
    values: list[int], target: int, tol: int, max_count: int
) -> None:
    found = find_sums(values, target, tol, max_count=max_count, limit=10_000)
    for idx, diff in found:
        assert list(idx) == sorted(set(idx))
        assert diff == target - sum(values[i] for i in idx)
    assert {idx for idx, _ in found} == _brute(values, target, tol, max_count)
    ranks = [(len(idx), abs(diff)) for idx, diff in found]
    assert ranks == sorted(ranks)
