"""Dunning (催款): letter templates with placeholders, the level an item has reached, interest.

Templates are plain text with ``{name}`` placeholders (see :data:`PLACEHOLDERS`); ``{{`` and
``}}`` stand for literal braces. Nothing else of ``str.format`` is understood (no attributes,
indexes, conversions or format specs), so a template can never reach into Python objects.

A level is reached when an item is at least the level's days overdue; interest is simple
interest on the overdue amount for the days overdue at the level's annual rate (days/365),
rounded half-up to the currency's minor unit. No float is ever involved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from desktop_ar.domain.money import Money

__all__ = [
    "ITEMS_MARKER",
    "PLACEHOLDERS",
    "LevelRule",
    "check_template",
    "fill",
    "letter_date",
    "level_for",
    "placeholders_in",
    "simple_interest",
]

# name → (English description, Chinese description), in the order an editor lists them.
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "contact_name": ("Contact person (primary contact, else the customer name)", "联系人"),
    "customer_name": ("Customer name", "客户名称"),
    "customer_code": ("Customer code", "客户编号"),
    "company_name": ("Our company name", "我司名称"),
    "as_of": ("Letter date", "函件日期"),
    "level_name": ("Name of the dunning level", "催款级别名称"),
    "items": ("Table of the overdue items", "逾期账单明细表"),
    "overdue_total": ("Total overdue amount", "逾期金额合计"),
    "interest_total": ("Total interest", "利息合计"),
    "fee": ("Dunning fee", "催款费用"),
    "total_due": ("Total due (overdue + interest + fee)", "应付合计（逾期金额＋利息＋费用）"),
    "pay_by": ("Date to pay by", "最迟付款日期"),
    "oldest_due_date": ("Due date of the oldest overdue item", "最早到期日"),
    "item_count": ("Number of overdue items", "逾期笔数"),
}
# Where the overdue items go in a filled body (a document puts its table there).
ITEMS_MARKER = "{items}"
DAYS_PER_YEAR = 365

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class LevelRule(Protocol):
    """What :func:`level_for` needs of a dunning level."""

    @property
    def level(self) -> int:
        """1 (reminder) … 9."""
        ...

    @property
    def days_overdue(self) -> int:
        """Days overdue from which the level applies."""
        ...

    @property
    def active(self) -> bool:
        """Inactive levels are skipped."""
        ...


def _fields(text: str) -> Iterable[tuple[re.Match[str], str | None]]:
    """Each brace token with its field name (None for an escape or a stray brace)."""
    for match in _TOKEN.finditer(text):
        yield match, match.group(1)


def placeholders_in(text: str) -> list[str]:
    """The placeholder names used in ``text``, in order of first use (escapes are not names).

    A stray ``{`` or ``}`` is listed as itself, so that :func:`check_template` reports it.
    """
    names: list[str] = []
    for match, name in _fields(text):
        token = match.group(0)
        found = name.strip() if name is not None else (token if token in "{}" else None)
        if found is not None and found not in names:
            names.append(found if found else "{}")
    return names


def check_template(text: str) -> list[str]:
    """The names in ``text`` that are not known placeholders (empty when the text is fine)."""
    return [n for n in placeholders_in(text) if n not in PLACEHOLDERS]


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}`` with ``values[name]``; ``{{`` and ``}}`` become literal braces.

    A placeholder without a value (such as ``{items}``, which a document replaces with its
    table) is left as it is written; so is a stray brace. Values are inserted as plain text.
    """

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        if name is not None and name.strip() in values:
            return str(values[name.strip()])
        return token

    return _TOKEN.sub(one, text)


def level_for(days_overdue: int, levels: Iterable[LevelRule]) -> int | None:
    """The highest active level whose days overdue ``days_overdue`` has reached.

    None when the item is not overdue (``days_overdue <= 0``) or has not reached any level.
    """
    if days_overdue <= 0:
        return None
    reached = [lv.level for lv in levels if lv.active and lv.days_overdue <= days_overdue]
    return max(reached) if reached else None


def simple_interest(outstanding: Money, annual_rate: Decimal, days: int) -> Money:
    """Simple interest ``outstanding × annual_rate × days / 365``, half-up to the minor unit.

    Args:
        outstanding: the overdue amount.
        annual_rate: the annual rate as a fraction (``Decimal("0.10")`` for 10 %).
        days: days overdue (0 or more).

    Raises:
        TypeError: ``annual_rate`` is not a Decimal (floats are refused).
        ValueError: a negative rate or negative days.
    """
    if isinstance(annual_rate, float) or not isinstance(annual_rate, Decimal):
        raise TypeError("the interest rate must be a Decimal")
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("days must be an int")
    if annual_rate < 0:
        raise ValueError("the interest rate must not be negative")
    if days < 0:
        raise ValueError("days must not be negative")
    exact = Decimal(outstanding.minor) * annual_rate * days / DAYS_PER_YEAR
    return Money(int(exact.to_integral_value(rounding=ROUND_HALF_UP)), outstanding.currency)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def letter_date(day: date, lang: str) -> str:
    """A date as a letter writes it: ``30 June 2026`` or ``2026年6月30日``."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
