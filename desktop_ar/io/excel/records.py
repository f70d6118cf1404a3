"""Import step 4: convert and validate every mapped cell into records, listing every problem.

``convert_rows`` reads each mapped cell with the converters of :mod:`desktop_ar.io.excel.cells`
(amounts in the row's currency or the default one), checks required fields and choices, and
checks duplicates within the file (:mod:`desktop_ar.io.excel.duplicates`). It never stops at the
first problem: every bad cell of every row is reported with its sheet, row, column letter, value
and what to fix. Rows with a problem are left out of ``records``; the caller can save them, with
the reasons, as a rejects file.

Each record gets a stable :func:`fingerprint` (SHA-256 of its normalized values, without the row
number) so that importing the same rows twice can be detected later.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from desktop_ar.domain.currency import is_known
from desktop_ar.domain.errors import CellError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import to_halfwidth
from desktop_ar.io.excel.cells import (
    CellLocation,
    column_letter,
    to_amount,
    to_date,
    to_decimal,
    to_int,
    to_text,
)
from desktop_ar.io.excel.duplicates import Duplicates, norm_value, problem
from desktop_ar.io.excel.header import normalize_header
from desktop_ar.io.excel.mapping import KINDS, ONE_OF_REQUIRED, FieldSpec, Mapping
from desktop_ar.io.excel.reader import Cell

__all__ = [
    "CHOICE_ALIASES",
    "ConversionResult",
    "Record",
    "convert_rows",
    "fingerprint",
    "fingerprints",
]

_LIST_SPLIT = re.compile(r"[,;，；、/\s]+")
_PERCENT = re.compile(r"\s*([-+]?[\d.,]+)\s*[%％]\s*")


CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "customer_type": {
        "大客户": "key_account", "重点客户": "key_account", "keyaccount": "key_account",
        "key": "key_account", "ka": "key_account", "中小客户": "sme", "中小企业": "sme",
        "smb": "sme", "个人": "individual", "个人客户": "individual", "person": "individual",
    },
    "method": {
        "转账": "bank_transfer", "银行转账": "bank_transfer", "电汇": "bank_transfer",
        "汇款": "bank_transfer", "banktransfer": "bank_transfer", "transfer": "bank_transfer",
        "wire": "bank_transfer", "现金": "cash", "刷卡": "card", "银行卡": "card",
        "信用卡": "card", "creditcard": "card", "支票": "cheque", "check": "cheque",
        "承兑汇票": "other", "银行承兑": "other", "在线支付": "online", "网银": "online",
        "微信": "online", "支付宝": "online", "wechat": "online", "alipay": "online",
        "其他": "other",
    },
}  # fmt: skip
"""Accepted spellings (compared after ``normalize_header``) → stored choice value."""


@dataclass
class Record:
    """One converted row.

    Attributes:
        row_number: the Excel row number (1-based).
        values: field key → converted value (``str``, ``Money``, ``date``, ``int``,
            ``Decimal``, ``tuple[str, ...]`` for invoice numbers); empty cells are left out.
            Orders also get ``line`` (1, 2, … within the order) and payments ``occurrence``
            (1 for the first of identical rows, 2 for the next…).
        notes: remarks on values that were read but changed (rounded, time dropped) and on
            identical rows.
    """

    row_number: int
    values: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class ConversionResult:
    """The outcome of converting a sheet.

    Attributes:
        records: the rows without problems, in sheet order.
        errors: every problem found, in sheet order (row 0 for a problem with the mapping).
    """

    records: list[Record] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def rejected_rows(self) -> list[int]:
        """Excel row numbers that have at least one problem, ascending."""
        return sorted({e.row for e in self.errors if e.row > 0})


@lru_cache(maxsize=64)
def _choice_table(spec: FieldSpec) -> dict[str, str]:
    """Normalized spelling → stored value: the choices themselves first, then the aliases."""
    table: dict[str, str] = {}
    for choice in spec.choices:
        table.setdefault(normalize_header(choice), choice)
        table.setdefault(normalize_header(choice.replace("_", "")), choice)
    for alias, choice in CHOICE_ALIASES.get(spec.key, {}).items():
        table.setdefault(alias, choice)
    return table


def _choice(spec: FieldSpec, cell: Cell, loc: CellLocation) -> tuple[Any, CellError | None]:
    text, error, _ = to_text(cell, loc=loc)
    if error is not None or text is None:
        return None, error
    found = _choice_table(spec).get(normalize_header(text))
    if found is not None:
        return found, None
    accepted = ", ".join(spec.choices)
    reason = f"{text!r} is not one of the accepted values; use one of {accepted}"
    return None, problem(loc, cell, spec.label_en, reason)


def _rate(cell: Cell, loc: CellLocation) -> tuple[Any, CellError | None, str | None]:
    if isinstance(cell, str):
        match = _PERCENT.fullmatch(to_halfwidth(cell))
        if match is not None:
            value, error, _ = to_decimal(match.group(1), loc=loc)
            return (None if value is None else value / 100), error, None
    value, error, note = to_decimal(cell, loc=loc)
    if value is not None and value > 1:
        return value / 100, None, f"tax rate {value} read as {value}% = {value / 100}"
    return value, error, note


def _convert(
    spec: FieldSpec, cell: Cell, loc: CellLocation, currency: str, date1904: bool
) -> tuple[Any, CellError | None, str | None]:
    if spec.key == "tax_rate":
        return _rate(cell, loc)
    if spec.key == "currency":
        text, error, note = to_text(cell, loc=loc)
        if text is None or error is not None:
            return text, error, note
        code = to_halfwidth(text).strip().upper()
        code = {"RMB": "CNY", "人民币": "CNY", "美元": "USD", "欧元": "EUR"}.get(code, code)
        if not is_known(code):
            reason = f"unknown currency {text!r}; write an ISO code such as CNY, USD or EUR"
            return None, problem(loc, cell, spec.label_en, reason), None
        return code, None, None
    if spec.kind == "amount":
        return to_amount(cell, currency, loc=loc)
    if spec.kind == "date":
        return to_date(cell, date1904=date1904, loc=loc)
    if spec.kind == "int":
        return to_int(cell, loc=loc)
    if spec.kind == "decimal":
        return to_decimal(cell, loc=loc)
    if spec.kind == "choice":
        value, error = _choice(spec, cell, loc)
        return value, error, None
    value, error, note = to_text(cell, identifier=spec.kind == "identifier", loc=loc)
    if spec.key == "invoice_numbers" and value is not None:
        return tuple(p for p in _LIST_SPLIT.split(value) if p), error, note
    return value, error, note


_Converter = Callable[[FieldSpec, Cell, str, bool], tuple[Any, CellError | None, str | None]]
_NOWHERE = CellLocation()


def _amount(spec: FieldSpec, cell: Cell, currency: str, date1904: bool) -> Any:
    return to_amount(cell, currency)


def _date(spec: FieldSpec, cell: Cell, currency: str, date1904: bool) -> Any:
    return to_date(cell, date1904=date1904)


def _text(spec: FieldSpec, cell: Cell, currency: str, date1904: bool) -> Any:
    return to_text(cell, identifier=spec.kind == "identifier")


def _general(spec: FieldSpec, cell: Cell, currency: str, date1904: bool) -> Any:
    return _convert(spec, cell, _NOWHERE, currency, date1904)


def _choices(spec: FieldSpec) -> _Converter:
    """A choice converter that remembers the cell texts it has read (a column repeats a few)."""
    seen: dict[str, str] = {}

    def convert(spec: FieldSpec, cell: Cell, currency: str, date1904: bool) -> Any:
        if type(cell) is str and (found := seen.get(cell)) is not None:
            return found, None, None
        value, error = _choice(spec, cell, _NOWHERE)
        if value is not None and type(cell) is str:
            seen[cell] = value
        return value, error, None

    return convert


def _converter(spec: FieldSpec) -> _Converter:
    """The converter of a field's cells; errors come back without a location."""
    if spec.key in ("tax_rate", "currency", "invoice_numbers"):
        return _general
    if spec.kind == "choice":
        return _choices(spec)
    return {"amount": _amount, "date": _date, "text": _text, "identifier": _text}.get(
        spec.kind, _general
    )


def _invoice_totals(values: dict[str, object]) -> str | None:
    """Complete net/tax/amount of an invoice; the reason when they do not add up."""
    net, tax, gross = values.get("net"), values.get("tax"), values.get("amount")
    if gross is None and net is None:
        return None  # reported as a missing required field
    try:
        if gross is None:
            assert isinstance(net, Money)
            values["tax"] = tax = tax if isinstance(tax, Money) else Money.zero(net.currency)
            values["amount"] = net + tax
        elif net is None:
            assert isinstance(gross, Money)
            values["tax"] = tax = tax if isinstance(tax, Money) else Money.zero(gross.currency)
            values["net"] = gross - tax
        elif tax is None:
            assert isinstance(gross, Money) and isinstance(net, Money)
            values["tax"] = gross - net
        elif isinstance(net, Money) and isinstance(tax, Money) and net + tax != gross:
            return f"net {net} + tax {tax} is not the amount {gross}; correct one of the three"
    except (ArithmeticError, ValueError) as exc:
        return str(exc)
    return None


def convert_rows(
    rows: Iterable[tuple[int, list[Cell]]],
    mapping: Mapping,
    kind: str,
    *,
    file: str,
    sheet: str,
    default_currency: str,
    date1904: bool = False,
) -> ConversionResult:
    """Convert the data rows of a sheet into records, reporting every problem.

    Args:
        rows: ``(row_index, cells)`` with the zero-based sheet row index, as in
            ``data_rows(...).rows`` (the record and the errors use Excel row ``row_index + 1``).
        mapping: which column holds which field.
        kind: the import kind (a key of :data:`~desktop_ar.io.excel.mapping.KINDS`).
        file: the file name shown in errors.
        sheet: the sheet name shown in errors.
        default_currency: the currency of amounts in rows without a currency cell.
        date1904: raw date serials count from 1904 (``Workbook.date1904``).

    Returns:
        The records of rows without problems and all problems. When a required field has no
        column, that is reported once (row 0) and no records are returned.
    """
    specs = KINDS[kind]
    result = ConversionResult()
    base = CellLocation(file, sheet, 0, "")
    for key in mapping.missing_required:
        spec = next(s for s in specs if s.key == key)
        reason = f"no column is mapped to this required field ({spec.label_en} / {spec.label_zh})"
        result.errors.append(problem(base, None, spec.label_en, reason))
    mapped = [(s, mapping.columns[s.key]) for s in specs if s.key in mapping.columns]
    # Currency first: the row's amounts are read in it.
    mapped.sort(key=lambda sc: sc[0].key != "currency")
    columns = [
        (spec, spec.key, column, column_letter(column), _converter(spec)) for spec, column in mapped
    ]
    dupes = Duplicates(kind)
    groups = [
        (group, present, column_letter(mapping.columns[present[0]]))
        for group in ONE_OF_REQUIRED.get(kind, ())
        if (present := [k for k in group if k in mapping.columns])
    ]
    keep = not mapping.missing_required
    for index, cells in rows:
        row = index + 1
        values: dict[str, object] = {}
        record = Record(row, values)
        errors: list[CellError] = []
        currency = default_currency
        width = len(cells)
        for spec, key, column, letter, convert in columns:
            cell = cells[column] if column < width else None
            if cell is None:
                value: Any = None  # every converter reads an empty cell as nothing
            else:
                value, error, note = convert(spec, cell, currency, date1904)
                if error is not None:
                    # Converted without a location (no object per cell); placed here.
                    errors.append(replace(error, file=file, sheet=sheet, row=row, column=letter))
                    continue
                if note:
                    record.notes.append(f"{spec.label_en} ({letter}{row}): {note}")
            if value is None:
                if spec.required:
                    reason = f"required; enter the {spec.label_en.lower()} ({spec.label_zh})"
                    where = CellLocation(file, sheet, row, letter)
                    errors.append(problem(where, None, spec.label_en, reason))
                continue
            if key == "currency":
                currency = str(value)
            values[key] = value
        for group, present, first_column in groups:
            failed = {e.column for e in errors}
            if not any(k in values or column_letter(mapping.columns[k]) in failed for k in present):
                reason = "required; enter " + " or ".join(group)
                where = CellLocation(file, sheet, row, first_column)
                errors.append(problem(where, None, group[0], reason))
        if kind == "invoices" and not errors:
            reason = _invoice_totals(values)
            if reason is not None:
                column = column_letter(mapping.columns.get("amount", mapping.columns.get("net", 0)))
                where = CellLocation(file, sheet, row, column)
                errors.append(problem(where, values.get("amount"), "amount", reason))
        if not errors:
            errors.extend(dupes.check(record, CellLocation(file, sheet, row, ""), mapping))
        if errors:
            result.errors.extend(errors)
        elif keep:
            result.records.append(record)
    return result


def fingerprint(record: Record) -> str:
    """A stable fingerprint of a record's values, for detecting a second import of a row.

    The row number and notes are left out (the same row moved elsewhere in the file is still the
    same row); texts are compared half-width, whitespace-collapsed and case-folded; amounts by
    currency and minor units. Payments include their ``occurrence`` so that two identical rows
    have two fingerprints.

    Args:
        record: a converted record.

    Returns:
        A hex SHA-256 digest.
    """
    parts = [f"{key}={norm_value(record.values[key])}" for key in sorted(record.values)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


_MEMO_SIZE = 50_000
"""Distinct texts and dates whose comparable form ``fingerprints`` remembers."""


def fingerprints(records: Iterable[Record]) -> list[str]:
    """``[fingerprint(r) for r in records]``, each distinct text or date normalized once.

    A sheet repeats its customers, dates and notes; their comparable text is remembered (up to
    ``_MEMO_SIZE`` of them), the rest is made as :func:`fingerprint` makes it.
    """
    memo: dict[object, str] = {}
    orders: dict[tuple[str, ...], list[tuple[str, str]]] = {}  # keys → (key, "key=") sorted
    sha256 = hashlib.sha256
    out = []
    for record in records:
        values = record.values
        keys = tuple(values)
        order = orders.get(keys)
        if order is None:
            order = orders[keys] = [(key, f"{key}=") for key in sorted(keys)]
        parts = []
        for key, prefix in order:
            value = values[key]
            kind = type(value)
            if kind is Money:
                text = f"{value.currency}:{value.minor}"  # type: ignore[attr-defined]
            elif kind is str or kind is date:  # never equal to each other
                text = memo.get(value)
                if text is None:
                    text = norm_value(value)
                    if len(memo) < _MEMO_SIZE:
                        memo[value] = text
            else:
                text = norm_value(value)
            parts.append(prefix + text)
        out.append(sha256("\x1f".join(parts).encode("utf-8")).hexdigest())
    return out
