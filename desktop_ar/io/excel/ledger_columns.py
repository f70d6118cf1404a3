"""A customer's own ledger (their accounts payable to us) read as rows: "customer_ledger".

The columns are those of a ledger (明细账): date (日期), document number (单据号 / 发票号 / 凭证号),
description (摘要 / 说明), debit (借方), credit (贷方) or one signed amount (金额), balance (余额)
and the balance side (借或贷). They are found with the usual reading layer: the header row by
:func:`~desktop_ar.io.excel.header.find_header_row` with :func:`known_ledger_headers`, the data
rows by :func:`~desktop_ar.io.excel.header.data_rows` (totals and footers left out), the columns
guessed by :func:`guess_ledger_mapping` from English and Chinese names, and every cell converted
by :mod:`desktop_ar.io.excel.cells`, each problem reported with its sheet, row and column.

Rows that are not movements are recognised and left out with a note: running totals
(本月合计, 本年累计, 过次页) and page carries (承前页) in the middle of the ledger. An opening
row (期初余额, 上年结转, 承前页 first, "opening balance", "brought forward") becomes the opening
balance.

Signs (:func:`orient`): the ledger is kept from *their* side. On their accounts payable
(``their_side="payable"``, the usual case) our invoice is a credit and their payment a debit, so
the amount they owe us is ``credit − debit``; on a ledger kept like ours (``"receivable"``) it is
``debit − credit``. A single signed amount column is read as debit-positive (as accounting
exports show it): ``−amount`` on a payable ledger, ``+amount`` on a receivable one. The balance
column is read as "what they owe us" when positive, unless a 借或贷 column says which side it is
on or the running balance clearly moves the other way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop_ar.domain.errors import CellError
from desktop_ar.domain.ledger_compare import TheirLine
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.cells import CellLocation, column_letter, to_amount, to_date, to_text
from desktop_ar.io.excel.header import data_rows, normalize_header
from desktop_ar.io.excel.ledger_mapping import (
    AMOUNT_FIELDS,
    KEYS,
    LEDGER_FIELDS,
    LEDGER_KIND,
    SIDES,
    LedgerMapping,
    guess_ledger_mapping,
    known_ledger_headers,
)
from desktop_ar.io.excel.mapping import FieldSpec
from desktop_ar.io.excel.reader import Cell

__all__ = [
    "LEDGER_FIELDS",
    "LEDGER_KIND",
    "SIDES",
    "LedgerMapping",
    "LedgerRead",
    "LedgerRow",
    "Oriented",
    "guess_ledger_mapping",
    "known_ledger_headers",
    "orient",
    "read_ledger_rows",
]

_RUNNING = re.compile(r"(本月合计|本期合计|本年累计|累计|过次页|carriedforward|c/f)", re.IGNORECASE)
_OPENING = re.compile(
    r"(期初余额|期初|上年结转|上期结转|上月结转|年初余额|承前页|openingbalance|opening|"
    r"broughtforward|balanceb/f|b/f)",
    re.IGNORECASE,
)
_CARRY = re.compile(r"(承前页|broughtforward|b/f)", re.IGNORECASE)
_DEBIT_SIDE = {"借", "dr", "debit", "d"}
_CREDIT_SIDE = {"贷", "cr", "credit", "c"}
_FLAT = {"平", "0", "flat", "zero"}


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One movement (or the opening row) of their ledger, as written (no sign decided yet)."""

    row: int
    on: date | None
    number: str
    description: str
    debit: Money | None
    credit: Money | None
    amount: Money | None
    balance: Money | None
    side: str  # the balance side: "debit", "credit", "flat" or ""
    opening: bool = False


@dataclass
class LedgerRead:
    """The rows read, the problems found (sheet, row, column) and notes on what was left out."""

    rows: list[LedgerRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _side(text: str | None) -> str:
    value = normalize_header(text or "")
    if value in _DEBIT_SIDE:
        return "debit"
    if value in _CREDIT_SIDE:
        return "credit"
    return "flat" if value in _FLAT else ""


def _convert(spec: FieldSpec, cell: Cell, loc: CellLocation, currency: str, d1904: bool) -> Any:
    if spec.kind == "amount":
        return to_amount(cell, currency, loc=loc)
    if spec.kind == "date":
        return to_date(cell, date1904=d1904, loc=loc)
    return to_text(cell, identifier=spec.kind == "identifier", loc=loc)


def read_ledger_rows(
    rows: Iterable[list[Cell]],
    header_index: int,
    mapping: LedgerMapping,
    *,
    file: str,
    sheet: str,
    currency: str,
    date1904: bool = False,
) -> LedgerRead:
    """Convert the rows below the header into :class:`LedgerRow` values, listing every problem.

    Args:
        rows: every row of the sheet from row 1.
        header_index: the zero-based header row.
        mapping: the columns.
        file: the file name shown in problems.
        sheet: the sheet name shown in problems.
        currency: the currency of the amounts.
        date1904: raw date serials count from 1904.

    Returns:
        The rows, the problems and notes.
    """
    out = LedgerRead()
    body = data_rows(rows, header_index)
    out.notes.extend(body.notes)
    for key in mapping.missing_required:
        what = "Date / 日期" if key == "date" else "Debit, Credit or Amount / 借方、贷方或金额"
        params = {"field": what, "reason": "no column is mapped to it"}
        out.errors.append(CellError(file, sheet, 0, "", "", "invalid", params))
    if mapping.missing_required:
        return out
    specs = [(KEYS[k], c, column_letter(c)) for k, c in mapping.columns.items()]
    moved = False
    for index, cells in body.rows:
        row = index + 1
        values: dict[str, Any] = {}
        errors = []
        for spec, column, letter in specs:
            cell = cells[column] if column < len(cells) else None
            value, error, _note = _convert(
                spec, cell, CellLocation(file, sheet, row, letter), currency, date1904
            )
            if error is not None:
                errors.append(error)
            elif value is not None:
                values[spec.key] = value
        text = normalize_header(f"{values.get('description', '')}{values.get('number', '')}")
        has_amount = any(k in values for k in AMOUNT_FIELDS)
        if _RUNNING.search(text) or (moved and _CARRY.search(text)):
            out.notes.append(f"row {row}: a running total or page carry, left out")
            continue
        opening = not moved and bool(_OPENING.search(text))
        if not opening and not has_amount and not errors:
            if values:
                out.notes.append(f"row {row}: no debit, credit or amount; left out")
            continue
        date_letter = column_letter(mapping.columns["date"])
        if "date" not in values and not opening and all(e.column != date_letter for e in errors):
            params = {"field": "Date", "reason": "required; enter the date (日期)"}
            errors.append(CellError(file, sheet, row, date_letter, "", "invalid", params))
        if errors:
            out.errors.extend(errors)
            continue
        moved = moved or not opening
        out.rows.append(
            LedgerRow(
                row,
                values.get("date"),
                values.get("number", ""),
                values.get("description", ""),
                values.get("debit"),
                values.get("credit"),
                values.get("amount"),
                values.get("balance"),
                _side(values.get("direction")),
                opening,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Oriented:
    """Their rows signed as the customer owes us.

    Attributes:
        side: ``payable`` or ``receivable``.
        lines: the lines (an opening line first when the ledger has or implies one).
        balances: ``(row, date, balance as owed to us)`` for each row with a balance.
        notes: how the signs were read.
    """

    side: str
    lines: tuple[TheirLine, ...]
    balances: tuple[tuple[int, date, Money], ...]
    notes: tuple[str, ...]


def _value(r: LedgerRow, factor: int, currency: str) -> Money | None:
    if r.debit is None and r.credit is None:
        return None if r.amount is None else r.amount if factor > 0 else -r.amount
    zero = Money.zero(currency)
    net = (r.debit or zero) - (r.credit or zero)
    return net if factor > 0 else -net


def _balance_sign(rows: Sequence[LedgerRow], values: Sequence[Money | None]) -> int:
    """+1 when the balance column reads "owed to us" positive, −1 when it clearly runs reversed."""
    agree = disagree = 0
    previous: Money | None = None
    for r, v in zip(rows, values, strict=True):
        if r.balance is not None and previous is not None and v is not None and v.minor:
            step = r.balance - previous
            agree += step == v
            disagree += step == -v
        previous = r.balance if r.balance is not None else previous
    return -1 if disagree > agree else 1


def orient(rows: Sequence[LedgerRow], side: str, currency: str) -> Oriented:
    """Sign their rows as the customer owes us, for one reading of their ledger.

    Args:
        rows: the rows read (sheet order).
        side: ``payable`` (their AP ledger: credit = our invoice) or ``receivable``.
        currency: the ledger's currency.

    Returns:
        The signed lines, the balances and notes. Rows without a date (an opening row) get the
        first date of the ledger.
    """
    factor = -1 if side == "payable" else 1
    values = [_value(r, factor, currency) for r in rows]
    owed_side = "credit" if side == "payable" else "debit"
    sign = _balance_sign(rows, values)
    notes = [f"their ledger read as their accounts {side}"]
    if sign < 0 and not any(r.side for r in rows):
        notes.append("their balance column runs the other way: a negative balance is owed to us")
    balances: list[tuple[int, date, Money]] = []
    first_day = min((r.on for r in rows if r.on is not None), default=date.min)
    lines: list[TheirLine] = []
    for r, value in zip(rows, values, strict=True):
        on = r.on or first_day
        balance = None
        if r.balance is not None:
            balance = r.balance if sign > 0 else -r.balance
            if r.side == "flat":
                balance = Money.zero(currency)
            elif r.side:
                balance = abs(r.balance) if r.side == owed_side else -abs(r.balance)
            balances.append((r.row, on, balance))
        if r.opening:
            amount = value if value is not None else balance
            amount = amount if amount is not None else Money.zero(currency)
            lines.append(TheirLine(r.row, on, r.number, r.description or "opening", amount, True))
            continue
        if value is None:
            continue
        if not lines and balance is not None and (balance - value).minor:
            text = "opening balance (from the balance of the first row)"
            lines.append(TheirLine(0, on, "", text, balance - value, True))
        lines.append(TheirLine(r.row, on, r.number, r.description, value))
    return Oriented(side, tuple(lines), tuple(balances), tuple(notes))
