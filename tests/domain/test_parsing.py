from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.dates import add_months, days_between, end_of_month, parse_iso_date
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import format_money, parse_amount, parse_date, parse_decimal

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.50", D("1234.50")),
        ("¥1,234.50", D("1234.50")),
        ("￥1,234.50", D("1234.50")),
        ("1234.5元", D("1234.5")),
        ("1,234.50 元", D("1234.50")),
        ("人民币1,234.50", D("1234.50")),
        ("RMB 1,234.50", D("1234.50")),
        ("rmb1234.50", D("1234.50")),
        ("CNY1234.5", D("1234.5")),
        ("1234.5 CNY", D("1234.5")),
        ("US$1,234.50", D("1234.50")),
        ("$1,234.50", D("1234.50")),
        ("１２３４．５", D("1234.5")),
        ("１，２３４．５０", D("1234.50")),
        ("(1,234.50)", D("-1234.50")),
        ("（1,234.50）", D("-1234.50")),
        ("(¥1,234.50)", D("-1234.50")),
        ("-1,234.50", D("-1234.50")),
        ("−1,234.50", D("-1234.50")),
        ("－１２３４．５", D("-1234.5")),
        ("1,234.50-", D("-1234.50")),
        ("-¥1,234.50", D("-1234.50")),
        ("¥-1,234.50", D("-1234.50")),
        ("+1.00", D("1.00")),
        ("1 234.50", D("1234.50")),
        ("1\u2009234.50", D("1234.50")),
        ("1\u00a0234\u00a0567.50", D("1234567.50")),
        ("  1234.50\t", D("1234.50")),
        ("1,234", D("1234")),
        ("1.234", D("1.234")),
        ("0", D("0")),
        ("-0.00", D("0.00")),
        ("1,234,567,890.12", D("1234567890.12")),
    ],
)
def test_parse_decimal_accepts(text: str, expected: Decimal) -> None:
    value = parse_decimal(text)
    assert value == expected
    assert str(value) == str(expected)  # exact: the written decimals are kept


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "1.234,50",  # ambiguous without decimal_comma
        "1234,5",
        "0,123",
        "1,23,4.5",
        "12,34.5",
        "1,2345",
        "1 234,567.50",  # mixed group separators
        "--5",
        "-5-",
        "+-5",
        "(-5)",
        "(5",
        "5-5",
        "1,234.5.6",
        "1e5",
        "NaN",
        "Infinity",
        "¥",
        "-",
        "¥$5",
        "RMB 5元",
        "XYZ 5",
        ".5",
        "5.",
        "١٢٣",  # Arabic-Indic digits are not accepted silently
    ],
)
def test_parse_decimal_rejects(text: str) -> None:
    with pytest.raises(DomainError) as exc:
        parse_decimal(text)
    assert exc.value.code == "bad_amount"
    assert exc.value.params["value"] == text


def test_parse_decimal_types() -> None:
    with pytest.raises(TypeError):
        parse_decimal(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_decimal(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_decimal(None)  # type: ignore[arg-type]
    assert parse_decimal(12) == D(12)
    assert parse_decimal(D("1.50")) == D("1.50")
    with pytest.raises(DomainError):
        parse_decimal(D("NaN"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€ 1.234,50", D("1234.50")),
        ("1.234.567,5", D("1234567.5")),
        ("1 234,50", D("1234.50")),
        ("1234,5", D("1234.5")),
        ("(1.234,50)", D("-1234.50")),
    ],
)
def test_decimal_comma(text: str, expected: Decimal) -> None:
    assert parse_decimal(text, decimal_comma=True) == expected


def test_decimal_comma_still_strict() -> None:
    with pytest.raises(DomainError):
        parse_decimal("1,234.50", decimal_comma=True)


def test_parse_amount() -> None:
    assert parse_amount("¥1,234.50", "CNY") == Money(123450, "CNY")
    assert parse_amount("1,234", "JPY") == Money(1234, "JPY")
    assert parse_amount("KWD 1.5", "KWD") == Money(1500, "KWD")
    with pytest.raises(DomainError) as exc:
        parse_amount("1.005", "CNY")
    assert exc.value.code == "too_many_decimals"
    assert parse_amount("1.005", "CNY", rounding=ROUND_HALF_UP) == Money(101, "CNY")
    assert parse_amount("€ 1.234,50", "EUR", decimal_comma=True) == Money(123450, "EUR")


def test_parse_amount_refuses_a_currency_named_in_the_text() -> None:
    with pytest.raises(DomainError) as exc:
        parse_amount("US$5", "CNY")
    assert exc.value.code == "currency_mismatch"
    with pytest.raises(DomainError):
        parse_amount("RMB 5", "USD")
    # Symbols shared by several currencies are not checked.
    assert parse_amount("¥500", "JPY") == Money(500, "JPY")
    assert parse_amount("$5", "HKD") == Money(500, "HKD")


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-01",
        "2025-3-1",
        "2025/3/1",
        "2025/03/01",
        "2025.3.1",
        "2025年3月1日",
        "2025 年 3 月 1 日",
        "20250301",
        "01.03.2025",
        "1.3.2025",
        "２０２５－０３－０１",
        " 2025-03-01 ",
        "2025-03-01 00:00:00",
    ],
)
def test_parse_date_accepts(text: str) -> None:
    assert parse_date(text) == date(2025, 3, 1)


@pytest.mark.parametrize(
    "text",
    ["", "2025-02-30", "2025-13-01", "2025/3", "1/3/2025", "03-01-2025", "tomorrow", "2025031"],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(DomainError) as exc:
        parse_date(text)
    assert exc.value.code == "bad_date"
    assert exc.value.params["value"] == text


def test_parse_date_leap_day() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    with pytest.raises(DomainError):
        parse_date("2025-02-29")


@pytest.mark.parametrize(
    ("money", "kwargs", "expected"),
    [
        (Money(123450, "CNY"), {}, "1,234.50"),
        (Money(-123450, "CNY"), {}, "-1,234.50"),
        (Money(123450, "CNY"), {"grouping": False}, "1234.50"),
        (Money(100, "CNY"), {"sign": True}, "+1.00"),
        (Money(-100, "CNY"), {"sign": True}, "-1.00"),
        (Money(0, "CNY"), {"sign": True}, "0.00"),
        (Money(0, "CNY"), {"blank_zero": True}, ""),
        (Money(0, "CNY"), {}, "0.00"),
        (Money(5, "CNY"), {}, "0.05"),
        (Money(123450, "CNY"), {"symbol": True}, "¥1,234.50"),
        (Money(-123450, "USD"), {"symbol": True}, "-$1,234.50"),
        (Money(1234567, "JPY"), {}, "1,234,567"),
        (Money(1234567, "KWD"), {}, "1,234.567"),
        (Money(1500, "KWD"), {"symbol": True}, "KWD 1.500"),
    ],
)
def test_format_money(money: Money, kwargs: dict[str, bool], expected: str) -> None:
    assert format_money(money, **kwargs) == expected


@given(
    minor=st.integers(-(10**15), 10**15),
    currency=st.sampled_from(["CNY", "JPY", "KWD"]),
    grouping=st.booleans(),
    sign=st.booleans(),
    symbol=st.booleans(),
)
def test_i4_parse_format_round_trip(
    minor: int, currency: str, grouping: bool, sign: bool, symbol: bool
) -> None:
    money = Money(minor, currency)
    text = format_money(money, grouping=grouping, sign=sign, symbol=symbol)
    assert parse_amount(text, currency) == money


def test_dates_helpers() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 1, 31), -2) == date(2024, 11, 30)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert end_of_month(date(2024, 2, 10)) == date(2024, 2, 29)
    assert end_of_month(date(2025, 12, 1)) == date(2025, 12, 31)
    assert days_between(date(2025, 3, 1), date(2025, 3, 31)) == 30
    assert days_between(date(2025, 3, 31), date(2025, 3, 1)) == -30
    assert parse_iso_date("2025-03-01") == date(2025, 3, 1)
    for bad in ["2025-3-1", "2025/03/01", "2025-02-30", " 2025-03-01", ""]:
        with pytest.raises(DomainError):
            parse_iso_date(bad)


@given(
    d=st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)), n=st.integers(-240, 240)
)
def test_add_months_property(d: date, n: int) -> None:
    result = add_months(d, n)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == n
    assert result.day == min(d.day, end_of_month(result).day)
