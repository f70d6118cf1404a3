from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import (
    COMMON_TERMS,
    PaymentTerms,
    ScheduleLine,
    build_schedule,
    custom_instalments,
    describe_terms,
    due_date,
    equal_instalments,
    parse_terms,
)


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


@pytest.mark.parametrize("spec", COMMON_TERMS)
def test_common_terms_round_trip(spec: str) -> None:
    terms = parse_terms(spec)
    assert str(terms) == spec
    assert terms.spec == spec
    assert parse_terms(terms.spec) == terms


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("net30", "NET30"),
        (" Net 30 ", "NET30"),
        ("100%NET30", "NET30"),
        ("eom0", "EOM0"),
        ("30% net30 + 70% net60", "30%NET30+70%NET60"),
        ("33.33%NET30+33.33%NET60+33.34%NET90", "33.33%NET30+33.33%NET60+33.34%NET90"),
        ("30.0%NET30+70.00%NET60", "30%NET30+70%NET60"),
        ("net30 2%7d", "NET30 2%7D"),
        ("NET30 1.5%10D/net", "NET30 1.5%10D/NET"),
        ("ＮＥＴ３０", "NET30"),
    ],
)
def test_parse_is_lenient_in_case_and_spaces_and_canonical_on_output(
    typed: str, canonical: str
) -> None:
    assert parse_terms(typed).spec == canonical


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "NET",
        "NET-5",
        "NET 30 days",
        "30",
        "DAY0",
        "DAY32",
        "NET99999",
        "30%NET30+60%NET60",  # 90 %
        "60%NET30+60%NET60",  # 120 %
        "0%NET30+100%NET60",
        "NET30+NET60",  # split parts need percentages
        "NET30 2%",
        "NET30 0%7D",
        "NET30 100%7D",
        "NET30 2%7D extra",
        "FOO30",
    ],
)
def test_bad_terms(spec: str) -> None:
    with pytest.raises(DomainError) as exc:
        parse_terms(spec)
    assert exc.value.code == "bad_terms"
    assert exc.value.params["value"] == spec
    assert exc.value.params["reason"]


@pytest.mark.parametrize(
    ("spec", "issued", "due"),
    [
        ("NET0", date(2025, 3, 15), date(2025, 3, 15)),
        ("NET30", date(2025, 3, 15), date(2025, 4, 14)),
        ("NET30", date(2025, 12, 15), date(2026, 1, 14)),
        ("EOM0", date(2025, 3, 15), date(2025, 3, 31)),
        ("EOM30", date(2025, 1, 15), date(2025, 3, 2)),  # 31 Jan + 30 days
        ("EOM30", date(2024, 2, 1), date(2024, 3, 30)),  # leap year: 29 Feb + 30
        ("EOM60", date(2025, 11, 30), date(2026, 1, 29)),
        ("DAY10", date(2025, 3, 15), date(2025, 4, 10)),
        ("DAY10", date(2025, 12, 31), date(2026, 1, 10)),
        ("DAY31", date(2025, 1, 5), date(2025, 2, 28)),  # clamped
        ("DAY31", date(2024, 1, 5), date(2024, 2, 29)),  # clamped, leap year
        ("DAY31", date(2025, 2, 5), date(2025, 3, 31)),
        ("DAY30", date(2025, 1, 31), date(2025, 2, 28)),
        ("30%NET30+50%NET60+20%NET90", date(2025, 1, 1), date(2025, 4, 1)),
    ],
)
def test_due_dates(spec: str, issued: date, due: date) -> None:
    assert due_date(parse_terms(spec), issued) == due


def test_split_schedule_scenario() -> None:
    terms = parse_terms("30%NET30+50%NET60+20%NET90")
    lines = build_schedule(terms, date(2025, 1, 1), cny("1000.01"))
    assert [(ln.seq, ln.due_date, ln.amount) for ln in lines] == [
        (1, date(2025, 1, 31), cny("300.00")),
        (2, date(2025, 3, 2), cny("500.01")),  # the odd cent goes to the largest remainder
        (3, date(2025, 4, 1), cny("200.00")),
    ]
    assert all(ln.discount == cny("0") and ln.discount_until is None for ln in lines)


def test_schedule_is_ordered_by_due_date() -> None:
    lines = build_schedule(parse_terms("50%NET60+50%NET30"), date(2025, 1, 1), cny("10"))
    assert [ln.due_date for ln in lines] == [date(2025, 1, 31), date(2025, 3, 2)]
    assert [ln.seq for ln in lines] == [1, 2]


def test_discount_on_gross_amount() -> None:
    terms = parse_terms("NET30 2%7D")
    [line] = build_schedule(terms, date(2025, 3, 1), cny("1130.00"), tax=cny("130.00"))
    assert line == ScheduleLine(
        1, date(2025, 3, 31), cny("1130.00"), date(2025, 3, 8), cny("22.60")
    )


def test_discount_on_amount_net_of_tax() -> None:
    terms = parse_terms("NET30 2%7D/NET")
    [line] = build_schedule(terms, date(2025, 3, 1), cny("1130.00"), tax=cny("130.00"))
    assert line.discount == cny("20.00")
    assert line.discount_until == date(2025, 3, 8)
    # Without tax the whole amount is the net amount.
    [line] = build_schedule(terms, date(2025, 3, 1), cny("1130.00"))
    assert line.discount == cny("22.60")


def test_discount_rounds_half_up_per_line() -> None:
    terms = parse_terms("50%NET30+50%NET60 1%10D")
    lines = build_schedule(terms, date(2025, 3, 1), cny("1.50"))
    # 0.75 × 1 % = 0.0075 → 0.01 on each line
    assert [ln.discount for ln in lines] == [cny("0.01"), cny("0.01")]


def test_discount_currency_mismatch() -> None:
    with pytest.raises(DomainError):
        build_schedule(parse_terms("NET30 2%7D/NET"), date(2025, 3, 1), cny("1"), Money(1, "USD"))


@given(
    minor=st.integers(0, 10**13),
    cuts=st.lists(st.integers(1, 99), min_size=0, max_size=5, unique=True),
    issued=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    currency=st.sampled_from(["CNY", "JPY", "KWD"]),
)
def test_split_schedules_sum_exactly(
    minor: int, cuts: list[int], issued: date, currency: str
) -> None:
    bounds = [0, *sorted(cuts), 100]
    pcts = [b - a for a, b in itertools.pairwise(bounds)]
    spec = "+".join(f"{p}%NET{30 * (i + 1)}" for i, p in enumerate(pcts))
    terms = parse_terms(spec + " 2%10D")
    amount = Money(minor, currency)
    lines = build_schedule(terms, issued, amount)
    assert Money.sum((ln.amount for ln in lines), currency) == amount
    assert [ln.seq for ln in lines] == list(range(1, len(lines) + 1))
    for line, pct in zip(lines, pcts, strict=True):
        assert abs(Decimal(line.amount.minor) - Decimal(minor) * pct / 100) < 1
        assert line.discount.minor >= 0
        assert line.discount <= line.amount
    assert due_date(terms, issued) == lines[-1].due_date
    assert build_schedule(terms, issued, amount) == lines


def test_equal_instalments_clamp_to_month_end_without_drift() -> None:
    lines = equal_instalments(cny("100.00"), date(2025, 1, 31), 3)
    assert [(ln.due_date, ln.amount) for ln in lines] == [
        (date(2025, 1, 31), cny("33.34")),
        (date(2025, 2, 28), cny("33.33")),
        (date(2025, 3, 31), cny("33.33")),
    ]
    quarterly = equal_instalments(cny("90"), date(2025, 1, 15), 4, every_months=3)
    assert [ln.due_date for ln in quarterly] == [
        date(2025, 1, 15),
        date(2025, 4, 15),
        date(2025, 7, 15),
        date(2025, 10, 15),
    ]


@pytest.mark.parametrize(
    ("amount", "count", "every"),
    [(cny("100"), 0, 1), (cny("100"), 2, 0), (cny("0.02"), 3, 1), (cny("-1"), 1, 1)],
)
def test_equal_instalments_invalid(amount: Money, count: int, every: int) -> None:
    with pytest.raises(DomainError) as exc:
        equal_instalments(amount, date(2025, 1, 1), count, every)
    assert exc.value.code == "invalid"
    assert exc.value.params["field"] == "instalments"


@given(minor=st.integers(1, 10**13), count=st.integers(1, 36))
def test_equal_instalments_sum_exactly(minor: int, count: int) -> None:
    if minor < count:
        return
    lines = equal_instalments(Money(minor, "CNY"), date(2025, 1, 31), count)
    assert sum(ln.amount.minor for ln in lines) == minor
    assert all(ln.amount.minor > 0 for ln in lines)
    dates = [ln.due_date for ln in lines]
    assert dates == sorted(set(dates))


def test_custom_instalments() -> None:
    parts = [(date(2025, 2, 1), cny("600")), (date(2025, 5, 1), cny("400"))]
    lines = custom_instalments(cny("1000"), parts)
    assert [(ln.seq, ln.due_date, ln.amount) for ln in lines] == [
        (1, date(2025, 2, 1), cny("600")),
        (2, date(2025, 5, 1), cny("400")),
    ]


@pytest.mark.parametrize(
    ("parts", "fragment"),
    [
        ([(date(2025, 2, 1), cny("600")), (date(2025, 5, 1), cny("300"))], "add up to"),
        ([(date(2025, 5, 1), cny("600")), (date(2025, 2, 1), cny("400"))], "not after"),
        ([(date(2025, 2, 1), cny("600")), (date(2025, 2, 1), cny("400"))], "not after"),
        ([(date(2025, 2, 1), cny("1000")), (date(2025, 5, 1), cny("0"))], "more than zero"),
        ([(date(2025, 2, 1), cny("1100")), (date(2025, 5, 1), cny("-100"))], "more than zero"),
        ([(date(2025, 2, 1), Money(100000, "USD"))], "USD"),
        ([], "at least one"),
    ],
)
def test_custom_instalments_invalid(parts: list[tuple[date, Money]], fragment: str) -> None:
    with pytest.raises(DomainError) as exc:
        custom_instalments(cny("1000"), parts)
    assert exc.value.code == "invalid"
    assert exc.value.params["field"] == "instalments"
    assert fragment in exc.value.params["reason"]


def test_custom_instalments_message_names_both_totals() -> None:
    parts = [(date(2025, 2, 1), cny("600")), (date(2025, 5, 1), cny("300"))]
    with pytest.raises(DomainError) as exc:
        custom_instalments(cny("1000"), parts)
    assert "add up to 1000.00 CNY, not 900.00 CNY" in exc.value.message


@pytest.mark.parametrize(
    ("spec", "en", "zh"),
    [
        ("NET30", "Net 30 days", "30天"),
        ("NET1", "Net 1 day", "1天"),
        ("NET0", "Due on invoice date", "即期"),
        ("EOM30", "30 days after month end", "月结30天"),
        ("EOM0", "End of month", "当月月底"),
        ("DAY10", "Day 10 of next month", "次月10日"),
        (
            "30%NET30+50%NET60+20%NET90",
            "30% net 30 / 50% net 60 / 20% net 90",
            "30%30天 / 50%60天 / 20%90天",
        ),
        ("NET30 2%7D", "Net 30 days; 2% discount within 7 days", "30天；2%现金折扣(7天内)"),
        (
            "EOM30 1.5%10D/NET",
            "30 days after month end; 1.5% discount within 10 days on the amount before tax",
            "月结30天；1.5%现金折扣(10天内，按不含税金额)",
        ),
    ],
)
def test_describe_terms(spec: str, en: str, zh: str) -> None:
    terms = parse_terms(spec)
    assert describe_terms(terms) == en
    assert describe_terms(terms, "en") == en
    assert describe_terms(terms, "zh") == zh
    assert describe_terms(terms, "zh_CN") == zh


def test_terms_are_values() -> None:
    assert parse_terms("net30") == parse_terms("NET30")
    assert hash(parse_terms("net30")) == hash(parse_terms("NET30"))
    assert isinstance(parse_terms("NET30"), PaymentTerms)
