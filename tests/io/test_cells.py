"""Cell converters: every form of amount, date, text and number users put in spreadsheets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from desktop_ar.domain.money import Money
from desktop_ar.io.excel.cells import (
    CellLocation,
    column_letter,
    float_to_decimal,
    to_amount,
    to_date,
    to_decimal,
    to_int,
    to_text,
)


@pytest.mark.parametrize(
    ("cell", "minor"),
    [
        ("¥1,234.50", 123450),
        ("1,234.50元", 123450),
        ("１，２３４．５０", 123450),
        ("(100.00)", -10000),
        ("（100.00）", -10000),
        ("1234.5", 123450),  # a text-formatted number
        ("7.500", 750),  # text with trailing zeros (easyexcel t06 / WPS)
        (1234, 123400),
        (1234.5, 123450),
    ],
)
def test_amount_forms(cell: object, minor: int) -> None:
    value, error, note = to_amount(cell, "CNY")
    assert error is None and note is None
    assert value == Money(minor, "CNY")


def test_amount_float_means_excel_value_and_is_rounded_half_up_with_note() -> None:
    value, error, note = to_amount(2087.0249999999996, "CNY")
    assert error is None
    assert value == Money(208703, "CNY")
    assert note == "2087.0249999999996 means 2087.025 → rounds half-up to 2087.03"


def test_amount_float_sum_is_exact() -> None:
    value, error, note = to_amount(0.1 + 0.2, "CNY")
    assert (value, error, note) == (Money(30, "CNY"), None, None)


def test_amount_decimal_comma() -> None:
    value, error, _ = to_amount("1.234,50", "EUR", decimal_comma=True)
    assert error is None and value == Money(123450, "EUR")


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("abc", "bad_amount"),
        ("1.234", "too_many_decimals"),  # text is never rounded: 3 decimals for CNY is an error
        ("US$5", "currency_mismatch"),
        (True, "bad_amount"),
        (date(2025, 1, 1), "bad_amount"),
    ],
)
def test_amount_errors(cell: object, code: str) -> None:
    loc = CellLocation("f.xlsx", "Sheet1", 7, "C")
    value, error, _ = to_amount(cell, "CNY", loc=loc)
    assert value is None and error is not None
    assert error.code == code
    assert (error.file, error.sheet, error.row, error.column) == ("f.xlsx", "Sheet1", 7, "C")
    assert "Sheet1 row 7, column C" in error.message


def test_empty_cell_is_no_value_no_error() -> None:
    for convert in (to_text, to_date, to_int, to_decimal):
        assert convert(None) == (None, None, None)
    assert to_amount(None, "CNY") == (None, None, None)


def test_cell_over_32767_chars_is_rejected() -> None:
    long = "x" * 32_768
    for result in (to_text(long), to_amount(long, "CNY"), to_date(long), to_decimal(long)):
        assert result[0] is None and result[1] is not None
        assert "32767" in result[1].message
    assert to_text("x" * 32_767)[1] is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025/3/1", date(2025, 3, 1)),
        ("2025-03-01", date(2025, 3, 1)),
        ("2025年3月1日", date(2025, 3, 1)),
        ("01.03.2025", date(2025, 3, 1)),
        ("２０２５－０３－０１", date(2025, 3, 1)),
        (date(2025, 3, 1), date(2025, 3, 1)),
        (datetime(2025, 3, 1), date(2025, 3, 1)),
        (45717, date(2025, 3, 1)),  # 1900-system serial
        (45717.0, date(2025, 3, 1)),
    ],
)
def test_date_forms(cell: object, expected: date) -> None:
    assert to_date(cell) == (expected, None, None)


def test_date_serial_1904_twin_gives_same_date() -> None:
    """E3: the same date in the 1904 system is 1462 smaller and reads the same."""
    assert to_date(45717 - 1462, date1904=True)[0] == date(2025, 3, 1)


def test_datetime_with_time_keeps_date_and_notes_it() -> None:
    value, error, note = to_date(datetime(2025, 3, 1, 10, 10, 10))
    assert (value, error) == (date(2025, 3, 1), None)
    assert note is not None and "10:10:10" in note
    value, error, note = to_date("2020-01-01 01:01:00")
    assert (value, error) == (date(2020, 1, 1), None) and note is not None
    value, _, note = to_date(45717.5)
    assert value == date(2025, 3, 1) and note is not None


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        (60, "29 February 1900"),  # Excel's fake leap day
        (date(1985, 6, 1), "suspicious date"),
        (30000, "suspicious date"),  # 1982
        ("2025-02-30", "not a date"),
        (time(10, 0), "not a date"),
        (timedelta(hours=3), "not a date"),
        (-1, "not an Excel date"),
        (True, "not a date"),
    ],
)
def test_date_errors(cell: object, words: str) -> None:
    value, error, _ = to_date(cell)
    assert value is None and error is not None
    assert words in error.message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (12345.0, "12345"),  # ints print without .0
        (42, "42"),
        ("  ABC\t", "ABC"),  # tabs stuck to fields (ICBC, Alipay)
        ("-8086931554011838357", "-8086931554011838357"),  # 19 digits as text stay exact
        (123456789012345.0, "123456789012345"),  # 15 digits still fit
        ("   ", None),
    ],
)
def test_text_forms(cell: object, expected: str | None) -> None:
    assert to_text(cell) == (expected, None, None)


@pytest.mark.parametrize("cell", [6228480012345678.0, 6228480012345678, "6.22848E+15"])
def test_text_16_digit_id_explains_15_digit_limit(cell: object) -> None:
    value, error, _ = to_text(cell, identifier=True)
    assert value is None and error is not None
    assert "15 significant digits" in error.message


def test_text_identifier_number_gets_leading_zero_note() -> None:
    value, error, note = to_text(1234.0, identifier=True)
    assert (value, error) == ("1234", None) and note is not None and "leading zeros" in note


@pytest.mark.parametrize(
    ("cell", "expected"), [(3, 3), (3.0, 3), ("3", 3), ("1,000", 1000), ("３", 3)]
)
def test_int_forms(cell: object, expected: int) -> None:
    assert to_int(cell) == (expected, None, None)


@pytest.mark.parametrize("cell", [2.5, "abc", True])
def test_int_errors(cell: object) -> None:
    value, error, _ = to_int(cell)
    assert value is None and error is not None


def test_decimal_forms() -> None:
    assert to_decimal("1,234.5678")[0] == Decimal("1234.5678")
    assert to_decimal(0.1 + 0.2)[0] == Decimal("0.3")
    assert float_to_decimal(2087.0249999999996) == Decimal("2087.025")
    assert to_decimal("x")[1] is not None


def test_column_letter() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
