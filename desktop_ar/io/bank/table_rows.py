"""Turning the data rows of a bank table into lines, and the lines into statements."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop_ar.io.bank.columns import BankMapping, direction_of
from desktop_ar.io.bank.layout import Preamble, balance_relation, safe_amount
from desktop_ar.io.bank.model import (
    BankFileError,
    BankLine,
    BankStatement,
    clean_text,
    currency_note,
    make_money,
    normalize_currency,
)
from desktop_ar.io.bank.values import (
    DateStyle,
    amount_style,
    parse_bank_amount,
    parse_bank_date,
    split_currency,
)
from desktop_ar.io.excel.header import normalize_header
from desktop_ar.io.excel.reader import Cell

__all__ = ["RowReader", "TableRow", "statements_from_rows"]

_MAX_ERRORS = 3


@dataclass
class TableRow:
    """One data row read into typed values (amount signed, currency ``None`` = the default)."""

    position: str
    booking: date
    value: date | None
    amount: Decimal
    currency: str | None
    account: str | None
    balance: Decimal | None
    name: str | None = None
    counterparty_account: str | None = None
    reference: str | None = None
    bank_reference: str | None = None
    memo: str = ""
    code: str | None = None
    notes: list[str] = field(default_factory=list)


def _text(cell: Cell) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return clean_text(str(cell))


def _rows_text(indexes: list[int]) -> str:
    shown = ", ".join(str(i) for i in indexes[:10])
    return shown + ("…" if len(indexes) > 10 else "")


class RowReader:
    """Reads data rows with a mapping; collects rows left out and problems."""

    def __init__(
        self,
        mapping: BankMapping,
        *,
        styles: dict[str, DateStyle],
        decimal_comma: bool,
        default_currency: str | None,
        preamble: Preamble,
        pending: Sequence[str],
        failed: Collection[str],
    ) -> None:
        self.mapping = mapping
        self.styles = styles
        self.comma = decimal_comma
        self.default_currency = default_currency
        self.preamble = preamble
        self.pending = pending
        self.failed = failed
        self.errors: list[str] = []
        self.neutral: list[int] = []
        self.closed: list[int] = []
        self.empty: list[int] = []
        self.bad_balances = 0

    def _cell(self, row: list[Cell], key: str) -> Cell:
        column = self.mapping.columns.get(key)
        return row[column] if column is not None and column < len(row) else None

    def _date(self, row: list[Cell], key: str, where: str) -> date | None:
        cell = self._cell(row, key)
        try:
            return parse_bank_date(cell, self.styles[key]) if key in self.styles else None
        except ValueError:
            self.errors.append(f"{where}: {cell!r} is not a date")
            return None

    def _amount(self, row: list[Cell], key: str, where: str) -> Decimal | None:
        cell = self._cell(row, key)
        try:
            return parse_bank_amount(cell, decimal_comma=self.comma)
        except ValueError:
            self.errors.append(f"{where}: {cell!r} is not an amount")
            return None

    def _signed(self, row: list[Cell], where: str, number: int) -> Decimal | None:
        if "amount" in self.mapping.columns:
            amount = self._amount(row, "amount", where)
        else:
            credit = self._amount(row, "credit", where)
            debit = self._amount(row, "debit", where)
            amount = (
                None
                if credit is None and debit is None
                else (abs(credit or Decimal(0)) - abs(debit or Decimal(0)))
            )
        if "direction" in self.mapping.columns and amount is not None:
            sign = direction_of(self._cell(row, "direction"))
            if sign in (0, None):
                self.neutral.append(number)
                return None
            amount = sign * abs(amount)
        return amount

    def _row(self, number: int, row: list[Cell]) -> TableRow | None:
        where = f"row {number}"
        status = normalize_header(self._cell(row, "status"))
        if status and status in self.failed:
            self.closed.append(number)
            return None
        errors_before = len(self.errors)
        day = self._date(row, "date", where)
        booking = self._date(row, "booking_date", where) or day
        value = self._date(row, "value_date", where)
        raw_amount = self._cell(row, "amount")
        amount = self._signed(row, where, number)
        if len(self.errors) > errors_before or (amount is None and number in self.neutral):
            return None
        if booking is None or amount is None:
            if booking is None and amount is None:
                self.empty.append(number)
            else:
                self.errors.append(f"{where} has no {'date' if booking is None else 'amount'}")
            return None
        currency = split_currency(raw_amount)[0]
        if (raw := self._cell(row, "currency")) is not None:
            currency = normalize_currency(str(raw))
            if currency is None:
                self.errors.append(f"{where}: {raw!r} is not a currency")
                return None
        balance = None
        if (cell := self._cell(row, "balance")) is not None:
            balance = safe_amount(cell, self.comma)
            self.bad_balances += balance is None
        notes = []
        if status and any(normalize_header(word) in status for word in self.pending):
            notes.append(f"status {self._cell(row, 'status')}: not final yet")
        memo = [
            t for j in self.mapping.memo_columns if (t := _text(row[j] if j < len(row) else None))
        ]
        return TableRow(
            position=where,
            booking=booking,
            value=value,
            amount=amount,
            currency=currency,
            account=_text(self._cell(row, "account")),
            balance=balance,
            name=_text(self._cell(row, "counterparty_name")),
            counterparty_account=_text(self._cell(row, "counterparty_account")),
            reference=_text(self._cell(row, "reference")),
            bank_reference=_text(self._cell(row, "bank_reference")),
            memo=" ".join(dict.fromkeys(memo)),
            code=_text(self._cell(row, "transaction_code")),
            notes=notes,
        )

    def read(self, rows: list[tuple[int, list[Cell]]]) -> list[TableRow]:
        """Read the data rows ``(zero-based index, cells)``; raise on unreadable cells."""
        result = [r for index, cells in rows if (r := self._row(index + 1, cells)) is not None]
        if self.errors:
            more = len(self.errors) - _MAX_ERRORS
            raise BankFileError(
                "; ".join(self.errors[:_MAX_ERRORS])
                + (f" (and {more} more)" if more > 0 else "")
                + "; correct the file or choose other columns"
            )
        return result

    def notes(self) -> list[str]:
        """Sentences about the rows left out."""
        notes = []
        if self.neutral:
            notes.append(
                "rows marked neither income nor expense (不计收支, 中性交易, / or empty flag) "
                f"left out: {_rows_text(self.neutral)}"
            )
        if self.closed:
            notes.append(f"rows of closed or failed payments left out: {_rows_text(self.closed)}")
        if self.empty:
            notes.append(f"rows without a date and an amount left out: {_rows_text(self.empty)}")
        if self.bad_balances:
            notes.append(f"the balance column could not be read in {self.bad_balances} row(s)")
        return notes


def _derive(rows: list[TableRow]) -> tuple[Decimal | None, Decimal | None, str | None]:
    amounts = [r.amount for r in rows]
    balances = [r.balance for r in rows]
    relation, _, _ = balance_relation(amounts, balances)
    if relation is None:
        return None, None, None
    first, last = (0, -1) if relation.endswith("asc") else (-1, 0)
    b_first, b_last = balances[first], balances[last]
    if b_first is None or b_last is None:
        return None, None, relation
    if relation.startswith("after"):
        return b_first - amounts[first], b_last, relation
    return b_first, b_last + amounts[last], relation


def _group(rows: list[TableRow], default: str | None, account: str | None) -> dict[tuple, list]:
    groups: dict[tuple[str | None, str], list[TableRow]] = {}
    for row in rows:
        currency = row.currency or default
        if currency is None:
            raise BankFileError(
                "the file does not say in which currency its amounts are; choose the currency "
                "for this import"
            )
        groups.setdefault((row.account or account, currency), []).append(row)
    return groups


def _preamble_balance(preamble: Preamble, key: str, currency: str) -> Decimal | None:
    text = preamble.values.get(key)
    if text is None:
        return None
    return safe_amount(text, amount_style([text]))


def statements_from_rows(
    rows: list[TableRow],
    reader: RowReader,
    *,
    kind: str,
    detail: str,
    notes: list[str],
    preamble: Preamble,
) -> list[BankStatement]:
    """Group rows into statements (per own account and currency) with their balances.

    Raises:
        BankFileError: when the file has no lines, or no currency can be found.
    """
    if not rows:
        raise BankFileError("the file has no transaction lines; there is nothing to import")
    base = notes + reader.notes()
    groups = _group(rows, reader.default_currency, preamble.values.get("account"))
    if len(groups) > 1:
        base.append(f"the file holds {len(groups)} accounts or currencies; one statement each")
    result = []
    for (account, currency), group in groups.items():
        members = group
        group_notes = list(base)
        opening, closing, relation = _derive(members)
        if relation is not None and opening is not None:
            group_notes.append(
                "opening and closing balances derived from the running balance column"
                + (" (balance before each line)" if relation.startswith("before") else "")
            )
        if len(groups) == 1:
            stated_open = _preamble_balance(preamble, "opening", currency)
            stated_close = _preamble_balance(preamble, "closing", currency)
            if stated_open is not None or stated_close is not None:
                opening, closing = stated_open, stated_close
                group_notes.append("balances taken from the labelled cells above the header")
        if relation is not None and relation.endswith("desc"):
            members = members[::-1]
            group_notes.append("the file lists the newest line first; lines are in date order")
        if opening is None and closing is None:
            group_notes.append("the file gives no opening or closing balance")
        if note := currency_note(currency):
            group_notes.append(note)
        lines = tuple(
            BankLine(
                booking_date=r.booking,
                value_date=r.value,
                amount=make_money(r.amount, currency, r.position),
                counterparty_name=r.name,
                counterparty_account=r.counterparty_account,
                reference=r.reference,
                bank_reference=r.bank_reference,
                memo=r.memo,
                transaction_code=r.code,
                position=r.position,
                notes=tuple(r.notes),
            )
            for r in members
        )
        single = len(groups) == 1
        days = [line.booking_date for line in lines]
        opening_money = None if opening is None else make_money(opening, currency, "opening")
        closing_money = None if closing is None else make_money(closing, currency, "closing")
        result.append(
            BankStatement(
                format=kind,
                format_detail=detail,
                account=account,
                currency=currency,
                account_name=clean_text(preamble.values.get("account_name")),
                period_start=(preamble.start if single else None) or min(days),
                period_end=(preamble.end if single else None) or max(days),
                opening_balance=opening_money,
                closing_balance=closing_money,
                lines=lines,
                notes=tuple(dict.fromkeys(group_notes)),
            )
        )
    return result
