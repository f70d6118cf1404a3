"""Bank statements from CSV and Excel exports (Chinese banks, Alipay, WeChat Pay, European banks).

Reading reuses the import layer: :func:`~desktop_ar.io.excel.reader.open_workbook` (file checks,
encodings, delimiters), :func:`~desktop_ar.io.excel.header.find_header_row` and
:func:`~desktop_ar.io.excel.header.data_rows` (preambles above and totals/footers below). The
columns come from :func:`~desktop_ar.io.bank.columns.guess_bank_mapping`, from the values for a
file without a header, or from the caller (a saved template).

Rows become lines: the amount from one signed column, or credit minus debit, or an unsigned
amount signed by a flag column (收/支, C/D, Af/Bij, 借/贷). Rows flagged neither income nor
expense (不计收支, 中性交易, ``/``) and rows whose status says the payment failed or was closed are
left out, with a note. Rows of several own accounts or currencies become one statement each.
Opening and closing balances come from labelled preamble cells or are derived from the running
balance column (whose direction — balance after or before the line, oldest or newest first — is
found from the data); a note says when they are derived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from desktop_ar.io.bank.columns import (
    FAILED_STATUS,
    BankMapping,
    bank_headers,
    direction_of,
    guess_bank_mapping,
)
from desktop_ar.io.bank.layout import (
    Preamble,
    balance_relation,
    decimal_comma_for,
    infer_columns,
    read_preamble,
    safe_amount,
)
from desktop_ar.io.bank.model import BankFileError, BankStatement, normalize_currency
from desktop_ar.io.bank.table_rows import RowReader, TableRow, statements_from_rows
from desktop_ar.io.bank.values import clean_cell, date_style
from desktop_ar.io.excel.header import data_rows, find_header_row
from desktop_ar.io.excel.reader import Cell, Workbook, open_workbook
from desktop_ar.io.files import refuse

__all__ = ["BankTable", "guess_bank_table", "parse_bank_table", "read_bank_table"]

_REPORT_RULE = re.compile(r"^[-=]{3,}(\+[-=]{3,}){2,}\s*$", re.MULTILINE)
_PENDING = ("处理中", "等待", "pending", "в обработке", "processing")


@dataclass
class BankTable:
    """A bank export read as a table.

    Attributes:
        sheet: the sheet read (the file name's stem for CSV).
        header_row: zero-based index of the header row; ``None`` when the file has none.
        headers: the header cells (empty without a header).
        mapping: the mapping used: guessed, inferred from values, or the caller's.
        statements: the statements read.
        notes: remarks about the reading (sheet chosen, header guess, rows left out…).
    """

    sheet: str
    header_row: int | None
    headers: tuple[Cell, ...]
    mapping: BankMapping
    statements: list[BankStatement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _rows(book: Workbook, sheet: str | int) -> list[list[Cell]]:
    return [[clean_cell(c) for c in row] for row in book.rows(sheet)]


def _refuse_printed_report(book: Workbook) -> None:
    if book.kind != "csv":
        return
    with book.path.open("r", encoding=book.encoding or "utf-8", errors="replace") as fh:
        head = fh.read(64 * 1024)
    if _REPORT_RULE.search(head):
        raise BankFileError(
            "this is a printed (fixed-width) bank report, not a CSV table; export the statement "
            "from online banking as CSV or Excel"
        )


def _layout(
    rows: list[list[Cell]], header_row: int | None
) -> tuple[int | None, BankMapping, list[str]]:
    """Find the header and guess the mapping, or fall back to a headerless guess."""
    notes: list[str] = []
    if header_row is not None and header_row >= 0:
        if header_row >= len(rows):
            raise BankFileError(f"the file has no row {header_row + 1}")
        return header_row, guess_bank_mapping(rows[header_row]), notes
    if header_row is None:
        guess = find_header_row(rows, bank_headers())
        if guess.row_index is not None:
            mapping = guess_bank_mapping(rows[guess.row_index])
            if mapping.has_date() and mapping.has_amount():
                notes.extend(guess.reasons)
                return guess.row_index, mapping, notes
    data = [r for _, r in data_rows(rows, -1).rows]
    mapping = infer_columns(data)
    notes.extend(mapping.reasons)
    return None, mapping, notes


def _pick_sheet(book: Workbook, sheet: str | int | None) -> tuple[str | int, list[list[Cell]]]:
    if sheet is not None:
        return sheet, _rows(book, sheet)
    first: tuple[str | int, list[list[Cell]]] | None = None
    for info in book.sheets:
        if not info.visible:
            continue
        rows = _rows(book, info.name if book.kind != "csv" else 0)
        if not any(any(c is not None for c in r) for r in rows):
            continue
        key: str | int = info.name if book.kind != "csv" else 0
        first = first or (key, rows)
        guess = find_header_row(rows, bank_headers())
        if guess.row_index is not None:
            mapping = guess_bank_mapping(rows[guess.row_index])
            if mapping.has_date() and mapping.has_amount():
                return key, rows
    if first is None:
        raise BankFileError("the file has no data")
    return first


def _check_flag_columns(mapping: BankMapping, rows: list[list[Cell]]) -> None:
    """A "Transaction type" column holding CREDIT/DEBIT is the debit/credit flag."""
    cols = mapping.columns
    code = cols.get("transaction_code")
    if "direction" not in cols and code is not None:
        values = [r[code] for r in rows if code < len(r) and r[code] is not None]
        if values and all(direction_of(v) in (1, -1) for v in values):
            cols["direction"] = cols.pop("transaction_code")


def _default_currency(
    mapping: BankMapping,
    headers: tuple[Cell, ...],
    rows: list[list[Cell]],
    preamble: Preamble,
    currency: str | None,
) -> tuple[str | None, str | None]:
    if preamble.currency:
        return preamble.currency, None
    for key in ("amount", "credit", "debit", "balance"):
        j = mapping.columns.get(key)
        label = str(headers[j]) if j is not None and j < len(headers) else ""
        if m := re.search(r"[(（]([A-Z]{3})[)）]", label):
            return normalize_currency(m.group(1)), None
        if "人民币" in label or "元" in label:
            return "CNY", None
    if currency:
        return normalize_currency(currency) or currency, None
    j = mapping.columns.get("amount")
    if j is not None and any(isinstance(r[j], str) and "¥" in r[j] for r in rows if j < len(r)):
        return "CNY", "the amounts are written with ¥; CNY was assumed"
    if any(isinstance(h, str) and re.search(r"[\u4e00-\u9fff]", h) for h in headers):
        return "CNY", "the file does not name its currency; CNY was assumed (a Chinese export)"
    return None, None


def _settle_content(mapping: BankMapping, rows: list[list[Cell]], comma: bool) -> BankMapping:
    """For a headerless file, choose amount/balance and debit/credit by the running balance."""
    cols = mapping.columns
    options: list[dict[str, int]] = [dict(cols)]
    if "debit" in cols and "credit" in cols:
        options.append({**cols, "debit": cols["credit"], "credit": cols["debit"]})
    if "amount" in cols and "balance" in cols:
        options.append({**cols, "amount": cols["balance"], "balance": cols["amount"]})
    if "balance" not in cols or len(options) == 1:
        return mapping
    best, best_score = options[0], -1
    for option in options:
        amounts: list[Decimal] = []
        balances: list[Decimal | None] = []
        for row in rows:
            values = {
                k: safe_amount(row[j], comma) if j < len(row) else None for k, j in option.items()
            }
            if "amount" in option:
                value = values["amount"] or Decimal(0)
            else:
                value = abs(values["credit"] or Decimal(0)) - abs(values["debit"] or Decimal(0))
            amounts.append(value)
            balances.append(values["balance"])
        _, score, _ = balance_relation(amounts, balances)
        if score > best_score:
            best, best_score = option, score
    mapping.columns = best
    return mapping


def read_bank_table(
    path: str | Path,
    sheet: str | int | None = None,
    header_row: int | None = None,
    mapping: dict[str, int | list[int]] | None = None,
    currency: str | None = None,
) -> BankTable:
    """Read a bank's CSV or Excel export.

    Args:
        path: the file.
        sheet: a sheet name or index; ``None`` takes the first sheet with a bank header.
        header_row: zero-based header row; ``None`` guesses it; ``-1`` says there is none.
        mapping: field → column index (``"memo"`` may list several), e.g. from a saved
            template; ``None`` guesses it (see :attr:`BankTable.mapping` for the guess).
        currency: the currency to use when the file does not say (the book's currency).

    Returns:
        The table with its statements.

    Raises:
        UserFacingError: ``invalid`` for a file ``open_workbook`` refuses, a printed report, a
            file without a date or amount column, no lines, an unknown currency, or unreadable
            dates or amounts (the first rows are named).
    """
    try:
        return _read(Path(path), sheet, header_row, mapping, currency)
    except BankFileError as exc:
        raise refuse(Path(path), exc.reason) from None


def _read(
    path: Path,
    sheet: str | int | None,
    header_row: int | None,
    mapping: dict[str, int | list[int]] | None,
    currency: str | None,
) -> BankTable:
    with open_workbook(path) as book:
        _refuse_printed_report(book)
        key, rows = _pick_sheet(book, sheet)
        notes = list(book.notes)
        if explicit := mapping is not None:
            try:
                chosen = BankMapping.from_dict(mapping)
            except ValueError as exc:
                raise BankFileError(f"the column mapping is not valid: {exc}") from None
            if header_row is None:
                found = find_header_row(rows, bank_headers()).row_index
            else:
                found = header_row if header_row >= 0 else None
        else:
            found, chosen, reasons = _layout(rows, header_row)
            notes += reasons
        headers = tuple(rows[found]) if found is not None else ()
        if not (chosen.has_date() and chosen.has_amount()):
            raise BankFileError(
                "no date and amount columns were found (looked for 交易日期/Date and 金额/Amount "
                "or 支出+收入/Debit+Credit); choose the columns in the import wizard"
            )
        preamble = read_preamble(rows[:found] if found is not None else [])
        table = data_rows(rows, found if found is not None else -1)
        notes += table.notes
        body = [r for _, r in table.rows]
        if found is not None and not explicit:
            width = len(headers)
            extra = {j for r in body for j in range(width, len(r)) if r[j] is not None}
            chosen.memo_columns += sorted(extra)
        _check_flag_columns(chosen, body)
        cols = chosen.columns
        amount_cols = [cols[k] for k in ("amount", "debit", "credit", "balance") if k in cols]
        comma = decimal_comma_for(body, amount_cols)
        if chosen.source == "content" and not explicit:
            chosen = _settle_content(chosen, body, comma)
        default, note = _default_currency(chosen, headers, body, preamble, currency)
        if note:
            notes.append(note)
        styles = {}
        for k in ("date", "booking_date", "value_date"):
            if k in chosen.columns:
                values = [r[cols[k]] for r in body if cols[k] < len(r)]
                yearless = any(isinstance(v, str) and re.fullmatch(r"\d\d/\d\d", v) for v in values)
                styles[k] = date_style(
                    values,
                    prefer_month_first=yearless or default in ("USD", "CAD"),
                    reference=preamble.month,
                )
                if styles[k].ambiguous:
                    order = "month/day" if styles[k].month_first else "day/month"
                    shown = next(v for v in values if isinstance(v, str) and "/" in v)
                    notes.append(f"dates such as {shown} are ambiguous; read as {order}")
        reader = RowReader(
            chosen,
            styles=styles,
            decimal_comma=comma,
            default_currency=default,
            preamble=preamble,
            pending=_PENDING,
            failed=FAILED_STATUS,
        )
        parsed: list[TableRow] = reader.read(table.rows)
        kind = book.kind
        detail = (
            f"CSV ({book.encoding}, {book.delimiter!r})"
            if kind == "csv"
            else f"Excel .{kind}, sheet {key!r}"
        )
        statements = statements_from_rows(
            parsed, reader, kind=kind, detail=detail, notes=notes, preamble=preamble
        )
        name = key if isinstance(key, str) else book.sheets[key].name
        return BankTable(name, found, headers, chosen, statements, notes)


def parse_bank_table(
    path: str | Path,
    sheet: str | int | None = None,
    header_row: int | None = None,
    mapping: dict[str, int | list[int]] | None = None,
    currency: str | None = None,
) -> list[BankStatement]:
    """The statements of a bank's CSV or Excel export (see :func:`read_bank_table`)."""
    return read_bank_table(path, sheet, header_row, mapping, currency).statements


def guess_bank_table(
    path: str | Path, sheet: str | int | None = None, header_row: int | None = None
) -> BankTable:
    """Read a bank export with the guessed layout, to show the guess (and its result).

    Args:
        path: the file.
        sheet: a sheet, or ``None`` for the first with a bank header.
        header_row: the header row, ``None`` to guess, ``-1`` for none.

    Returns:
        The table; ``mapping.to_dict()`` is what a template saves.
    """
    return read_bank_table(path, sheet, header_row)
