"""Customer ledgers (.xlsx) made from our statement of account, for reconciliation tests.

``mirror`` turns a statement section into the lines the customer would book (same dates,
numbers, amounts, signed as owed to us); tests then remove, change or add lines and
``write_ledger`` writes them the way a Chinese AP ledger (明细账) looks: title rows, a header,
an opening row, debit/credit columns from the customer's side, a 借或贷 column and a running
balance, a totals row and a footer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from desktop_ar.services.statements import StatementSection

AS_OF = date(2026, 6, 30)
PERIOD = (date(2026, 1, 1), AS_OF)


@dataclass(frozen=True)
class Their:
    """One line of their ledger, signed as the customer owes us."""

    on: date
    number: str
    text: str
    amount: Decimal


def mirror(section: StatementSection) -> list[Their]:
    """Every line of our statement as the customer would have it."""
    return [
        Their(x.on, x.number, x.description, (x.debit - x.credit).to_decimal())
        for x in section.lines
    ]


def changed(lines: list[Their], index: int, **fields: object) -> list[Their]:
    """A copy with one line changed."""
    out = list(lines)
    out[index] = replace(out[index], **fields)  # type: ignore[arg-type]
    return out


def write_ledger(
    path: Path,
    opening: Decimal,
    lines: list[Their],
    *,
    side: str = "payable",
    opening_day: date = PERIOD[0],
    directions: bool = True,
) -> Path:
    """Write their ledger: payable (our invoice a credit) or receivable (a debit)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "明细账"
    ws.append(["应付账款明细账" if side == "payable" else "应收账款明细账"])
    ws.append(["科目：测试公司 Test Co", None, None, None, None, "单位：元"])
    ws.append([])
    header = ["日期", "凭证号", "摘要", "借方", "贷方", "借或贷", "余额"]
    ws.append(header if directions else [h for h in header if h != "借或贷"])
    owed = "贷" if side == "payable" else "借"
    other = "借" if side == "payable" else "贷"

    def row(on: date | str, number: str, text: str, amount: Decimal | None, bal: Decimal) -> None:
        debit = credit = None
        if amount is not None:
            increases = amount > 0
            if side == "payable":
                credit, debit = (amount, None) if increases else (None, -amount)
            else:
                debit, credit = (amount, None) if increases else (None, -amount)
        cells: list[object] = [on, number, text, debit, credit]
        if directions:
            cells += [owed if bal >= 0 else other, abs(bal)]
        else:
            cells.append(bal)
        ws.append(cells)

    balance = opening
    row(opening_day, "", "期初余额", None, balance)
    for line in sorted(lines, key=lambda x: x.on):
        balance += line.amount
        row(line.on, line.number, line.text, line.amount, balance)
    ws.append(["", "", "本期合计", None, None])
    ws.append(["制表人：张三"])
    wb.save(path)
    return path
