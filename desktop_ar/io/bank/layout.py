"""The parts of a bank export around the lines: the preamble, and tables without a header.

Preamble: banks put the account, currency, period and sometimes balances above the header, as
``账　　号：`` + value cells, ``卡号: 1234****5678`` in one cell, ``起始时间：[…]    终止时间：[…]``
in one cell, or a row of labels over a row of values (VTB). Only labels known here are picked up.

Headerless files (ASN, easybank, Raiffeisen, TD): columns are recognised from their values —
dates, amounts (with decimals; integer-only columns are ids), a constant IBAN (the own account),
a column of currency codes, text (the longest is the memo, a letter-rich one the counterparty).
Which amount column is the running balance, and which of a debit/credit pair is which, is
decided with :func:`balance_relation`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop_ar.io.bank.columns import BankMapping
from desktop_ar.io.bank.model import normalize_currency
from desktop_ar.io.bank.values import (
    DateStyle,
    amount_style,
    parse_bank_amount,
    parse_bank_date,
)
from desktop_ar.io.excel.header import normalize_header
from desktop_ar.io.excel.reader import Cell

__all__ = [
    "RELATIONS",
    "Preamble",
    "balance_relation",
    "decimal_comma_for",
    "infer_columns",
    "read_preamble",
    "safe_amount",
]

_LABELS: dict[str, tuple[str, ...]] = {
    "account": ("账号", "帐号", "账户", "账户账号", "卡号", "本方账号", "支付宝账户", "账户号码",
                "Account", "Account number", "Kontonummer", "IBAN", "Номер счета"),
    "account_name": ("户名", "账户户名", "账户名称", "姓名", "微信昵称", "客户名称", "Account name",
                     "Kontoinhaber", "Inhaber"),
    "currency": ("币种", "币别", "货币", "Currency", "Währung", "Валюта"),
    "start": ("起始日期", "起始时间", "开始日期", "开始时间", "查询起始日", "起始日", "From",
              "Start date", "Period from", "Von", "Начало периода"),
    "end": ("终止日期", "截止日期", "终止时间", "结束日期", "结束时间", "查询截止日", "To",
            "End date", "Period to", "Bis", "Конец периода"),
    "range": ("日期范围", "查询日期", "起止日期", "交易日期范围", "Period", "Zeitraum", "Период"),
    "opening": ("期初余额", "上期余额", "Opening balance", "Beginning balance", "Anfangssaldo",
                "Beginsaldo", "Остаток на начало периода", "Входящий остаток"),
    "closing": ("期末余额", "本期余额", "Closing balance", "Ending balance", "Endsaldo",
                "Eindsaldo", "Баланс на конец периода", "Остаток на конец периода",
                "Исходящий остаток"),
}  # fmt: skip
_KNOWN = {normalize_header(label): key for key, labels in _LABELS.items() for label in labels}
_INLINE = re.compile(
    r"([^:：,，;；|\[\]]{2,24}?)\s*[:：]\s*"  # a label and its colon
    r"(\[[^\]]*\]|【[^】]*】"  # a bracketed value
    r"|[-+]?\d[\d,. ]*\d(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?![^\s;；|])"  # a number or date
    r"|[^\s,，;；|]+)"  # one word
)
_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_RANGE = re.compile(r"^\s*(.+?)\s*(?:~|至|到|—|–|\s-\s|(?<=\d{8})-(?=\d{8}))\s*(.+?)\s*$")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_PLAIN_STYLE = DateStyle(False, False, None)


@dataclass
class Preamble:
    """What the rows above the header say (all optional)."""

    values: dict[str, str] = field(default_factory=dict)
    start: date | None = None
    end: date | None = None
    currency: str | None = None
    month: tuple[int, int] | None = None  # (year, month) named in a title: 2024年01月


def _inline(text: str) -> list[tuple[str, str]]:
    """``label：value`` pairs inside one cell (``起始时间：[…] 终止时间：[…]``, ``卡号: 1234``)."""
    pairs = []
    for match in _INLINE.finditer(text.replace("\u3000", "")):
        key = _KNOWN.get(normalize_header(match.group(1)))
        value = match.group(2).strip().strip("[]【】").strip()
        if key and value:
            pairs.append((key, value))
    return pairs


def _horizontal(row: Sequence[Cell]) -> list[tuple[str, str]]:
    """Labels followed by their value: in the same cell, or in the next cell."""
    cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
    pairs: list[tuple[str, str]] = []
    index = 0
    while index < len(cells):
        found = _inline(cells[index])
        pairs += found
        key = _KNOWN.get(normalize_header(cells[index]))
        if not found and key and index + 1 < len(cells):
            following = cells[index + 1]
            if normalize_header(following) not in _KNOWN and not _inline(following):
                pairs.append((key, following.strip("[]【】").strip()))
                index += 1
        index += 1
    return pairs


def _is_label_row(row: Sequence[Cell], below: Sequence[Cell]) -> bool:
    """A row of labels only (no digits) over a row with figures: VTB's balance block."""
    cells = [str(c) for c in row if c is not None and str(c).strip()]
    values = [str(c) for c in below if c is not None and str(c).strip()]
    return (
        len(cells) >= 2
        and any(normalize_header(c) in _KNOWN for c in cells)
        and not any(ch.isdigit() for c in cells for ch in c)
        and len(values) >= 2
        and any(re.fullmatch(r"[-+]?[\d\s.,]*\d", v) for v in values)
        and not any(normalize_header(v) in _KNOWN for v in values)
    )


def _date(text: str) -> date | None:
    try:
        return parse_bank_date(text.strip("[]【】 "), _PLAIN_STYLE)
    except ValueError:
        return None


def read_preamble(rows: Sequence[Sequence[Cell]]) -> Preamble:
    """Pick up labelled values from the rows above the header.

    Args:
        rows: the rows before the header row.

    Returns:
        The labelled values found (``values`` keyed ``account``, ``account_name``, ``currency``,
        ``opening``, ``closing``…), the period and the statement month.
    """
    result = Preamble()
    skip = False
    for index, row in enumerate(rows):
        if skip:
            skip = False
            continue
        below = rows[index + 1] if index + 1 < len(rows) else []
        if _is_label_row(row, below):
            # A row of labels over a row of values (VTB: Валюта | Баланс на конец периода).
            pairs = [
                (_KNOWN[normalize_header(c)], str(below[j]).strip())
                for j, c in enumerate(row)
                if normalize_header(c) in _KNOWN and j < len(below) and below[j] is not None
            ]
            skip = True
        else:
            pairs = _horizontal(row)
        for key, value in pairs:
            result.values.setdefault(key, value)
        for cell in row:
            if isinstance(cell, str) and (m := _MONTH.search(cell)) and result.month is None:
                result.month = (int(m.group(1)), int(m.group(2)))
        text = " ".join(str(c) for c in row if c is not None)
        if "currency" not in result.values and re.search(r"人民币|\bRMB\b", text):
            result.values["currency_hint"] = "CNY"
    values = result.values
    result.start = _date(values.get("start", ""))
    result.end = _date(values.get("end", ""))
    if "range" in values and (m := _RANGE.match(values["range"])):
        result.start = result.start or _date(m.group(1))
        result.end = result.end or _date(m.group(2))
    result.currency = normalize_currency(values.get("currency") or values.get("currency_hint"))
    if result.month is None and result.end is not None:
        result.month = (result.end.year, result.end.month)
    return result


RELATIONS = ("after_asc", "after_desc", "before_asc", "before_desc")


def balance_relation(
    amounts: Sequence[Decimal], balances: Sequence[Decimal | None]
) -> tuple[str | None, int, int]:
    """How a running balance column relates to the amounts, tested on neighbouring rows.

    ``after_asc``: balance after the line, oldest first (the usual); ``after_desc``: newest
    first; ``before_*``: the balance before the line (ASN). A relation needs at least 60 % of
    the testable row pairs to agree.

    Args:
        amounts: signed amounts in file order.
        balances: the balance cells (``None`` when unreadable).

    Returns:
        ``(relation or None, matching pairs, testable pairs)``.
    """
    n = len(amounts)
    pairs = [
        (i, i + 1) for i in range(n - 1) if balances[i] is not None and balances[i + 1] is not None
    ]
    if not pairs:
        return (RELATIONS[0] if n == 1 and balances[0] is not None else None), 0, 0
    counts = dict.fromkeys(RELATIONS, 0)
    for i, j in pairs:
        b_i, b_j = balances[i], balances[j]
        assert b_i is not None and b_j is not None
        counts["after_asc"] += b_j == b_i + amounts[j]
        counts["after_desc"] += b_i == b_j + amounts[i]
        counts["before_asc"] += b_j == b_i + amounts[i]
        counts["before_desc"] += b_i == b_j + amounts[j]
    best = max(RELATIONS, key=lambda r: counts[r])
    if counts[best] == 0 or counts[best] < 0.6 * len(pairs):
        return None, counts[best], len(pairs)
    return best, counts[best], len(pairs)


def _kind(values: list[Cell]) -> str:
    filled = [v for v in values if v not in (None, "")]
    if not filled:
        return "empty"
    dates = amounts = 0
    for value in filled:
        try:
            if parse_bank_date(value, _PLAIN_STYLE) is not None:
                dates += 1
                continue
        except ValueError:
            pass
        if isinstance(value, str) and re.fullmatch(r"[-+]?[\d.,\s]*\d[.,]\d{1,2}", value.strip()):
            amounts += 1
    if dates >= 0.8 * len(filled):
        return "date"
    if amounts >= 0.8 * len(filled):
        return "amount"
    return "text"


def infer_columns(rows: Sequence[Sequence[Cell]]) -> BankMapping:
    """Guess the columns of a table without a header row from its values.

    Args:
        rows: the data rows (cleaned cells).

    Returns:
        A mapping with ``source="content"`` and reasons; the caller settles amount/balance and
        debit/credit order with :func:`balance_relation`.
    """
    width = max((len(r) for r in rows), default=0)
    columns = [[r[j] if j < len(r) else None for r in rows] for j in range(width)]
    kinds = [_kind(c) for c in columns]
    mapping = BankMapping(source="content")
    dates = [j for j, k in enumerate(kinds) if k == "date"]
    for key, j in zip(("booking_date", "value_date"), dates, strict=False):
        mapping.columns[key] = j
    amounts = [j for j, k in enumerate(kinds) if k == "amount"]
    dense = [j for j in amounts if all(v is not None for v in columns[j])]
    sparse = [j for j in amounts if j not in dense]
    if len(sparse) == 2:
        mapping.columns["debit"], mapping.columns["credit"] = sparse
        if dense:
            mapping.columns["balance"] = dense[-1]
    elif dense:
        mapping.columns["amount"] = dense[-1] if len(dense) == 2 else dense[0]
        if len(dense) == 2:
            mapping.columns["balance"] = dense[0]
    texts = [j for j, k in enumerate(kinds) if k == "text"]
    for j in texts:
        filled = [str(v) for v in columns[j] if v is not None]
        common = max(set(filled), key=filled.count)
        accountish = all(_IBAN.match(v) or re.fullmatch(r"\d{6,}", v) for v in filled)
        if len(set(filled)) == 1 and normalize_currency(common):
            mapping.columns.setdefault("currency", j)
        elif accountish and filled.count(common) >= 0.8 * len(rows):
            mapping.columns.setdefault("account", j)  # the own account: (nearly) constant
        elif accountish:
            mapping.columns.setdefault("counterparty_account", j)
    used = set(mapping.columns.values())

    def avg(j: int) -> float:
        filled = [str(v) for v in columns[j] if v is not None]
        return sum(len(v) for v in filled) / max(len(filled), 1)

    def letters(j: int) -> float:
        text = "".join(str(v) for v in columns[j] if v is not None)
        return sum(ch.isalpha() for ch in text) / max(len(text), 1)

    free = sorted((j for j in texts if j not in used), key=avg, reverse=True)
    if free:
        mapping.memo_columns.append(free[0])
        names = [j for j in free[1:] if letters(j) >= 0.5 and avg(j) >= 4]
        if names:
            mapping.columns["counterparty_name"] = names[0]
    mapping.confidence = dict.fromkeys(mapping.columns, 0.5)
    shown = ", ".join(f"{k} = column {v + 1}" for k, v in mapping.columns.items())
    mapping.reasons.append(
        f"the file has no header row; columns recognised from their values: {shown}"
        + (f", memo = column {mapping.memo_columns[0] + 1}" if mapping.memo_columns else "")
    )
    return mapping


def decimal_comma_for(rows: Sequence[Sequence[Cell]], columns: Sequence[int]) -> bool:
    """Whether the amount columns of a table use ``,`` as the decimal separator."""
    values = [r[j] for r in rows for j in columns if j < len(r)]
    return amount_style(values)


def safe_amount(cell: Cell, decimal_comma: bool) -> Decimal | None:
    """An amount, or ``None`` when the cell is empty or unreadable (balance columns)."""
    try:
        return parse_bank_amount(cell, decimal_comma=decimal_comma)
    except ValueError:
        return None
