"""Display text for amounts, dates and percentages: the one place the UI formats values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from desktop_ar.domain import parsing
from desktop_ar.domain.money import Money


def format_money(m: Money, **kw: Any) -> str:
    """Amount text (``1,234.50``); keywords as in ``domain.parsing.format_money``."""
    return parsing.format_money(m, **kw)


def plain_money(m: Money) -> str:
    """Amount without grouping, for the clipboard (``-1234.50``)."""
    return parsing.format_money(m, grouping=False)


def format_date(d: date | None) -> str:
    """ISO date text, ``""`` for None."""
    return d.isoformat() if d is not None else ""


def format_pct(value: Decimal | float | None, decimals: int = 1) -> str:
    """Percentage text (``85.0 %``) for a value already in percent; ``""`` for None."""
    if value is None:
        return ""
    q = Decimal(1).scaleb(-decimals)
    return f"{Decimal(str(value)).quantize(q):f} %"
