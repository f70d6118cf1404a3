"""What the customer reconciliation screens share: the service module, money text, styles.

The service module is imported when first used (on the database thread, inside the work
function), so the customer card and the customers page still open on a book whose build lacks
it; the reconciliation actions then fail with the import error shown like any other error.
"""

from __future__ import annotations

from types import ModuleType

from desktop_ar.domain.money import Money
from desktop_ar.ui.formatting import format_money

ERROR_STYLE = "color: #c62828;"
OK_STYLE = "color: #2e7d32;"
NOTE_STYLE = "color: palette(placeholder-text);"
LEDGER_SUFFIXES = ("*.xlsx", "*.xlsm", "*.xls", "*.xlsb", "*.ods", "*.csv", "*.txt")


def service() -> ModuleType:
    """``desktop_ar.services.customer_reconciliation`` (imported on first use)."""
    from desktop_ar.services import customer_reconciliation

    return customer_reconciliation


def money_text(m: Money | None, *, currency: bool = True) -> str:
    """``1,234.50 CNY`` (``—`` for None)."""
    if m is None:
        return "—"
    return f"{format_money(m)} {m.currency}" if currency else format_money(m)
