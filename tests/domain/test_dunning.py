"""Dunning in the domain: templates and placeholders, the level an item reached, interest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.dunning import (
    ITEMS_MARKER,
    PLACEHOLDERS,
    check_template,
    fill,
    letter_date,
    level_for,
    placeholders_in,
    simple_interest,
)
from desktop_ar.domain.money import Money


@dataclass(frozen=True)
class Level:
    level: int
    days_overdue: int
    active: bool = True


DEFAULT = [Level(1, 1), Level(2, 15), Level(3, 30), Level(4, 60), Level(5, 90)]

amounts = st.integers(min_value=0, max_value=10**12)
rates = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
days = st.integers(min_value=0, max_value=3650)


# -- placeholders and templates -------------------------------------------------------------------
def test_every_placeholder_is_described_in_both_languages() -> None:
    assert {"contact_name", "items", "total_due", "pay_by", "item_count"} <= set(PLACEHOLDERS)
    assert all(en.strip() and zh.strip() for en, zh in PLACEHOLDERS.values())


def test_placeholders_are_listed_in_order_without_escapes() -> None:
    text = "Dear {contact_name}, {{not_one}} {total_due} {contact_name} {items}"
    assert placeholders_in(text) == ["contact_name", "total_due", "items"]
    assert check_template(text) == []


def test_unknown_names_and_stray_braces_are_reported() -> None:
    assert check_template("Hi {name} {customer_name} {total_due:>10} {0}") == [
        "name",
        "total_due:>10",
        "0",
    ]
    assert check_template("a } b") == ["}"]
    assert check_template("a { b") == ["{"]
    assert check_template("{}") == ["{}"]
    assert check_template("{customer_name.__class__}") == ["customer_name.__class__"]


def test_fill_inserts_values_as_plain_text_and_keeps_items() -> None:
    text = "Dear {contact_name},\n{items}\nPay {total_due} {{now}} {unknown}"
    values = {"contact_name": "A <B> & {Co}", "total_due": "CNY 1.00"}
    filled = fill(text, values)
    assert filled == "Dear A <B> & {Co},\n{items}\nPay CNY 1.00 {now} {unknown}"
    assert ITEMS_MARKER in filled
    # A value with braces is never filled again.
    assert fill("{customer_name}", {"customer_name": "{total_due}", "total_due": "x"}) == (
        "{total_due}"
    )


def test_letter_dates() -> None:
    assert letter_date(date(2026, 7, 7), "en") == "7 July 2026"
    assert letter_date(date(2026, 7, 7), "zh") == "2026年7月7日"


# -- levels ---------------------------------------------------------------------------------------
def test_level_for_examples() -> None:
    assert level_for(0, DEFAULT) is None
    assert level_for(-3, DEFAULT) is None
    assert level_for(1, DEFAULT) == 1
    assert level_for(14, DEFAULT) == 1
    assert level_for(15, DEFAULT) == 2
    assert level_for(89, DEFAULT) == 4
    assert level_for(400, DEFAULT) == 5
    later_start = [Level(1, 7), Level(2, 20)]
    assert level_for(6, later_start) is None
    assert level_for(7, later_start) == 1


def test_inactive_levels_are_skipped() -> None:
    levels = [Level(1, 1), Level(2, 15), Level(3, 30, active=False), Level(4, 60)]
    assert level_for(45, levels) == 2
    assert level_for(60, levels) == 4
    assert level_for(5, [Level(1, 1, active=False)]) is None


@given(days, days)
def test_level_for_is_monotone_in_days(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert (level_for(low, DEFAULT) or 0) <= (level_for(high, DEFAULT) or 0)


# -- interest -------------------------------------------------------------------------------------
def test_interest_examples() -> None:
    assert simple_interest(Money.of("10000.00", "CNY"), Decimal("0.10"), 73) == Money.of(
        "200.00", "CNY"
    )
    # 3.65 at 10 % for 25 days is 0.025: half-up gives 0.03 (banker's rounding would give 0.02).
    assert simple_interest(Money.of("3.65", "CNY"), Decimal("0.10"), 25) == Money.of("0.03", "CNY")
    assert simple_interest(Money.of("3.65", "CNY"), Decimal("0.10"), 5) == Money.of("0.01", "CNY")
    assert simple_interest(Money.of("3.65", "CNY"), Decimal("0.10"), 4) == Money.of("0.00", "CNY")


def test_interest_uses_the_currencys_minor_unit() -> None:
    assert simple_interest(Money.of("36500", "JPY"), Decimal("0.10"), 5) == Money.of("50", "JPY")
    assert simple_interest(Money.of("365", "JPY"), Decimal("0.10"), 25) == Money.of("3", "JPY")


def test_interest_refuses_floats_and_negatives() -> None:
    cny = Money.of("1.00", "CNY")
    with pytest.raises(TypeError):
        simple_interest(cny, 0.1, 10)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        simple_interest(cny, Decimal("-0.1"), 10)
    with pytest.raises(ValueError, match="negative"):
        simple_interest(cny, Decimal("0.1"), -1)


@given(amounts, rates, days)
def test_interest_is_zero_without_rate_or_days(minor: int, rate: Decimal, d: int) -> None:
    money = Money(minor, "CNY")
    assert simple_interest(money, Decimal(0), d).is_zero()
    assert simple_interest(money, rate, 0).is_zero()


@given(amounts, rates, days, days)
def test_interest_is_monotone_in_days(minor: int, rate: Decimal, a: int, b: int) -> None:
    low, high = sorted((a, b))
    money = Money(minor, "CNY")
    assert simple_interest(money, rate, low) <= simple_interest(money, rate, high)


@given(amounts, amounts, rates, days)
def test_interest_is_linear_within_a_cent(a: int, b: int, rate: Decimal, d: int) -> None:
    whole = simple_interest(Money(a + b, "CNY"), rate, d)
    parts = simple_interest(Money(a, "CNY"), rate, d) + simple_interest(Money(b, "CNY"), rate, d)
    assert abs(whole.minor - parts.minor) <= 1


@given(amounts, rates, days, days)
def test_interest_adds_up_over_periods_within_a_cent(
    minor: int, rate: Decimal, a: int, b: int
) -> None:
    money = Money(minor, "CNY")
    whole = simple_interest(money, rate, a + b)
    parts = simple_interest(money, rate, a) + simple_interest(money, rate, b)
    assert abs(whole.minor - parts.minor) <= 1


@given(amounts, rates, days)
def test_interest_is_the_exact_value_rounded_half_up(minor: int, rate: Decimal, d: int) -> None:
    got = simple_interest(Money(minor, "CNY"), rate, d).minor
    exact = Decimal(minor) * rate * d / 365
    assert abs(Decimal(got) - exact) <= Decimal("0.5")
