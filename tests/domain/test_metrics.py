"""Receivables key figures: worked examples, undefined cases, definitions in both languages."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain import metrics


def test_dso_worked_example() -> None:
    # 300,000 owed at the end of a 90-day quarter with 900,000 sold: 30 days.
    assert metrics.dso(300_000_00, 900_000_00, 90) == Decimal("30.0")
    assert metrics.dso(1, 0, 90) is None


def test_cei_worked_example() -> None:
    # Opening 100k, sales 200k, closing 120k of which 70k not yet due:
    # (100 + 200 − 120) / (100 + 200 − 70) = 180 / 230 = 78.3%.
    assert metrics.cei(100_000_00, 200_000_00, 120_000_00, 70_000_00) == Decimal("78.3")
    assert metrics.cei(0, 0, 0, 0) is None


def test_shares_and_rates() -> None:
    assert metrics.overdue_share(25_00, 100_00) == Decimal("25.0")
    assert metrics.overdue_share(1, 0) is None
    assert metrics.collection_rate(150_00, 100_00, 100_00) == Decimal("75.0")
    assert metrics.average_days_to_pay(45 * 100_00 + 15 * 300_00, 400_00) == Decimal("22.5")
    assert metrics.average_days_to_pay(0, 0) is None


def test_every_definition_has_both_languages() -> None:
    for en, zh in metrics.DEFINITIONS.values():
        assert en
        assert zh
    assert {"dso", "cei", "overdue_share", "collection_rate"} <= set(metrics.DEFINITIONS)


@given(st.integers(0, 10**12), st.integers(0, 10**12), st.integers(0, 10**12))
def test_cei_is_100_when_everything_due_was_collected(opening, sales, current) -> None:
    # Closing receivable is only what is not yet due.
    current = min(current, opening + sales)
    value = metrics.cei(opening, sales, current, current)
    assert value is None or value == Decimal("100.0")


@given(st.integers(0, 10**12), st.integers(1, 10**12))
def test_share_is_between_0_and_100_for_a_part(part, whole) -> None:
    value = metrics.share(min(part, whole), whole)
    assert value is not None
    assert Decimal(0) <= value <= Decimal(100)
