from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import CurrencyMismatch, Money, allocate_minor, split_minor

BIG = 10**15


def test_float_is_refused_everywhere() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "CNY")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.of(1.5, "CNY")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.from_decimal(1.5, "CNY")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(100, "CNY").scale(1.1, rounding=ROUND_HALF_UP)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        allocate_minor(100, [0.5, 0.5])  # type: ignore[list-item]


def test_currency_mismatch_raises() -> None:
    with pytest.raises(CurrencyMismatch) as exc:
        Money(1, "CNY") + Money(1, "USD")
    assert exc.value.code == "currency_mismatch"
    with pytest.raises(CurrencyMismatch):
        _ = Money(1, "CNY") < Money(2, "USD")


def test_from_decimal_refuses_lost_precision_without_rounding() -> None:
    with pytest.raises(DomainError) as exc:
        Money.from_decimal(Decimal("1.005"), "CNY")
    assert exc.value.code == "too_many_decimals"
    assert Money.from_decimal(Decimal("1.005"), "CNY", rounding=ROUND_HALF_UP) == Money(101, "CNY")
    assert Money.of("1.50", "CNY") == Money(150, "CNY")
    assert Money.of("1500", "JPY") == Money(1500, "JPY")
    assert Money.of("1.234", "KWD") == Money(1234, "KWD")


def test_split_gives_odd_cents_to_the_first_parts() -> None:
    assert Money.of("100.00", "CNY").split(3) == [
        Money(3334, "CNY"),
        Money(3333, "CNY"),
        Money(3333, "CNY"),
    ]
    assert Money(-100, "CNY").split(3) == [Money(-34, "CNY"), Money(-33, "CNY"), Money(-33, "CNY")]


@given(
    total=st.integers(-BIG, BIG),
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(any),
)
def test_i3_allocate_is_exact_proportional_and_deterministic(
    total: int, weights: list[int]
) -> None:
    parts = allocate_minor(total, weights)
    assert sum(parts) == total
    wsum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total) * weight / wsum
        assert abs(Decimal(part) - exact) < 1
    assert allocate_minor(total, weights) == parts


@given(
    total=st.integers(-BIG, BIG),
    weights=st.lists(
        st.decimals(min_value=0, max_value=100, places=2, allow_nan=False), min_size=1, max_size=8
    ).filter(any),
)
def test_i3_allocate_with_decimal_weights(total: int, weights: list[Decimal]) -> None:
    money = Money(total, "CNY")
    parts = money.allocate(weights)
    assert Money.sum(parts, "CNY") == money
    wsum = sum(weights, Decimal(0))
    for part, weight in zip(parts, weights, strict=True):
        assert abs(Decimal(part.minor) - Decimal(total) * weight / wsum) < 1


@given(total=st.integers(-BIG, BIG), n=st.integers(1, 60))
def test_i3_split_is_exact_and_even(total: int, n: int) -> None:
    parts = split_minor(total, n)
    assert sum(parts) == total
    assert max(parts) - min(parts) <= 1
    assert split_minor(total, n) == parts


def test_trusted_builds_the_same_frozen_money() -> None:
    fast = Money.trusted(12_345, "CNY")
    assert fast == Money(12_345, "CNY") and hash(fast) == hash(Money(12_345, "CNY"))
    assert fast.amount_str() == Money(12_345, "CNY").amount_str()
    with pytest.raises(AttributeError):
        fast.minor = 1  # type: ignore[misc]
