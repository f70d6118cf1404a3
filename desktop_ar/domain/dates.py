"""Calendar helpers for due dates and aging. "Today" is always a parameter, never read here."""

from __future__ import annotations

import calendar
import re
from datetime import date

from desktop_ar.domain.errors import DomainError

__all__ = ["add_months", "days_between", "end_of_month", "parse_iso_date"]

_ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def end_of_month(d: date) -> date:
    """Return the last day of ``d``'s month.

    Args:
        d: any date.

    Returns:
        The last calendar day of the same month (2024-02-10 → 2024-02-29).
    """
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    """Add ``n`` calendar months, clamping the day to the end of the target month.

    Args:
        d: the start date.
        n: months to add; may be negative.

    Returns:
        The date ``n`` months later (2025-01-31 + 1 → 2025-02-28).
    """
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def days_between(a: date, b: date) -> int:
    """Number of days from ``a`` to ``b`` (negative when ``b`` is earlier).

    Args:
        a: the earlier date.
        b: the later date.

    Returns:
        ``(b - a).days``.
    """
    return (b - a).days


def parse_iso_date(s: str) -> date:
    """Parse a strict ``YYYY-MM-DD`` date.

    Args:
        s: the text, exactly ten characters such as ``2025-03-01``.

    Returns:
        The date.

    Raises:
        DomainError: ``bad_date`` for any other shape or an impossible date.
    """
    if not isinstance(s, str) or _ISO_RE.fullmatch(s) is None:
        raise DomainError("bad_date", value=s)
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise DomainError("bad_date", value=s) from None
