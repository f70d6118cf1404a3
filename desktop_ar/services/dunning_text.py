"""Dunning letters as plain text: amounts, the items list and the body (for email drafts).

Split from :mod:`desktop_ar.services.dunning_letters` (which re-exports these functions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_ar.domain.dunning import ITEMS_MARKER
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import format_money

if TYPE_CHECKING:
    from desktop_ar.services.dunning_letters import DunningLetter

__all__ = ["items_text", "letter_text", "money_text"]


def money_text(amounts: list[Money], lang: str) -> str:
    """Amounts of several currencies as text: ``CNY 1,234.50 and USD 20.00`` (never added)."""
    parts = [f"{m.currency} {format_money(m)}" for m in amounts]
    return (" 及 " if lang == "zh" else " and ").join(parts)


_TEXT = {
    "en": {
        "due": "due",
        "days": "{days} days overdue",
        "interest": "interest",
        "overdue_total": "Overdue total",
        "interest_total": "Interest",
        "fee": "Fee",
        "total_due": "Total due",
    },
    "zh": {
        "due": "到期日",
        "days": "逾期 {days} 天",
        "interest": "利息",
        "overdue_total": "逾期金额合计",
        "interest_total": "利息",
        "fee": "催款费用",
        "total_due": "应付合计",
    },
}


def items_text(letter: DunningLetter) -> str:
    """The overdue items and totals as plain text lines (one block per currency)."""
    t = _TEXT[letter.language]
    blocks = []
    for sec in letter.sections:
        lines = []
        for i in sec.items:
            text = (
                f"- {i.invoice_number}  {i.issue_date.isoformat()}  {t['due']} "
                f"{i.due_date.isoformat()}  {t['days'].format(days=i.days_overdue)}  "
                f"{sec.currency} {format_money(i.outstanding)}"
            )
            if letter.interest_rate > 0:
                text += f"  {t['interest']} {format_money(i.interest)}"
            lines.append(text)
        totals = [("overdue_total", sec.overdue_total)]
        if letter.interest_rate > 0:
            totals.append(("interest_total", sec.interest_total))
        if sec.fee:
            totals.append(("fee", sec.fee))
        totals.append(("total_due", sec.total_due))
        lines += [f"  {t[k]}: {sec.currency} {format_money(v)}" for k, v in totals]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def letter_text(letter: DunningLetter) -> str:
    """The letter's body as plain text, the items listed where ``{items}`` stands (else last)."""
    items = items_text(letter)
    if ITEMS_MARKER not in letter.body:
        return f"{letter.body}\n\n{items}"
    first, _, rest = letter.body.partition(ITEMS_MARKER)
    return first + items + rest.replace(ITEMS_MARKER, "")
