"""The converters' fast paths give exactly what the general parsers give, or step aside."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from desktop_ar.io.excel import cells
from desktop_ar.io.excel.cells import to_amount, to_date, to_text

CURRENCIES = st.sampled_from(["CNY", "JPY", "USD", "KWD"])


@contextmanager
def general_only() -> Iterator[None]:
    """Turn the fast paths off: every cell goes through the general parsers."""
    saved = cells._plain_amount, cells._plain_date
    cells._plain_amount = lambda cell, currency: None  # type: ignore[assignment]
    cells._plain_date = lambda text: None  # type: ignore[assignment]
    try:
        yield
    finally:
        cells._plain_amount, cells._plain_date = saved


def same(convert: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    fast = convert(*args, **kwargs)
    with general_only():
        assert fast == convert(*args, **kwargs)


@given(st.floats(), CURRENCIES)
@example(2087.0249999999996, "CNY")
@example(-0.0, "CNY")
@example(1e16, "CNY")
@example(0.1 + 0.2, "JPY")
def test_float_amounts(value: float, currency: str) -> None:
    same(to_amount, value, currency)


@given(st.integers(min_value=-(10**18), max_value=10**18), CURRENCIES)
def test_int_amounts(value: int, currency: str) -> None:
    same(to_amount, value, currency)


AMOUNT_TEXT = st.from_regex(r"[¥￥$]?[-(]?[0-9,. ]{1,14}\)?(元|CNY)?", fullmatch=True)


@given(AMOUNT_TEXT | st.text(max_size=20), CURRENCIES)
@example("¥1,234.50", "CNY")
@example("1,234.50元", "CNY")
@example("¥1,234.50元", "CNY")
@example("¥100", "USD")
@example("7.500", "CNY")
@example("0,123", "CNY")
@example("1.5", "JPY")
def test_text_amounts(text: str, currency: str) -> None:
    same(to_amount, text, currency)


DATE_TEXT = st.from_regex(
    r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}[日号]?( 0:00)?",
    fullmatch=True,
)


@given(DATE_TEXT | st.text(max_size=16))
@example("2026/3/1")
@example("2026-02-30")
@example("1989-12-31")
@example("2026年3月1日")
@example("2026-3/1")
def test_text_dates(text: str) -> None:
    same(to_date, text)


@given(st.text(max_size=30), st.booleans())
@example(" 6.22848E+15 ", False)
@example("  C001\t", True)
def test_text(text: str, identifier: bool) -> None:
    same(to_text, text, identifier=identifier)
