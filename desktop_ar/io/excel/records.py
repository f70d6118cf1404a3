"""Import step 4: convert and validate every mapped cell into records, listing every problem.

``convert_rows`` reads each mapped cell with the converters of :mod:`desktop_ar.io.excel.cells`
(amounts in the row's currency or the default one), checks required fields and choices, and
checks duplicates within the file. It never stops at the first problem: every bad cell of every
row is reported with its sheet, row, column letter, value and what to fix. Rows with a problem are
left out of ``records``; the caller can save them, with the reasons, as a rejects file.

Each record gets a stable :func:`fingerprint` (SHA-256 of its normalized values, without the row
number) so that importing the same rows twice can be detected later.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
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
from desktop_ar.io.excel.header import normalize_header
from desktop_ar.io.excel.mapping import KINDS, ONE_OF_REQUIRED, FieldSpec, Mapping
from desktop_ar.io.excel.reader import Cell

__all__ = ["CHOICE_ALIASES", "ConversionResult", "Record", "convert_rows", "fingerprint"]

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


def _problem(loc: CellLocation, value: object, label: str, reason: str) -> CellError:
    shown = "" if value is None else str(value)[:200]
    params = {"field": label, "reason": reason}
    return CellError(loc.file, loc.sheet, loc.row, loc.column, shown, "invalid", params)


def _choice(spec: FieldSpec, cell: Cell, loc: CellLocation) -> tuple[Any, CellError | None]:
    text, error, _ = to_text(cell, loc=loc)
    if error is not None or text is None:
        return None, error
    wanted = normalize_header(text)
    aliases = CHOICE_ALIASES.get(spec.key, {})
    for choice in spec.choices:
        if wanted in (normalize_header(choice), normalize_header(choice.replace("_", ""))):
            return choice, None
    if wanted in aliases:
        return aliases[wanted], None
    accepted = ", ".join(spec.choices)
    reason = f"{text!r} is not one of the accepted values; use one of {accepted}"
    return None, _problem(loc, cell, spec.label_en, reason)


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
            return None, _problem(loc, cell, spec.label_en, reason), None
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


class _Duplicates:
    """Within-file duplicate checks per kind: errors for keys, notes for identical rows."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.seen: dict[object, int] = {}
        self.counts: dict[object, int] = {}
        self.orders: dict[str, tuple[int, dict[str, object]]] = {}

    def key(self, values: dict[str, object]) -> tuple[str, object] | None:
        """The field that must be unique and its comparable value, if any."""
        field_key = {"invoices": "number", "opening_balances": "document_number"}.get(self.kind)
        if self.kind == "customers":
            field_key = "code" if values.get("code") is not None else "name"
        if field_key is None or values.get(field_key) is None:
            return None
        return field_key, normalize_header(values[field_key])

    def check(self, record: Record, loc: CellLocation, mapping: Mapping) -> list[CellError]:
        """Record the row; return the errors it causes and add notes to it."""
        values = record.values
        errors: list[CellError] = []
        if self.kind == "payments":
            ident = tuple(_norm(values.get(k)) for k in ("date", "customer", "amount", "reference"))
            n = self.counts[ident] = self.counts.get(ident, 0) + 1
            values["occurrence"] = n
            if n > 1:
                record.notes.append(
                    f"identical to row {self.seen[ident]} (date, customer, amount and reference); "
                    "both are kept — delete one if it was entered twice"
                )
            self.seen.setdefault(ident, record.row_number)
            return errors
        if self.kind == "orders":
            return self._order_line(record, loc, mapping)
        found = self.key(values)
        if found is None:
            return errors
        if found in self.seen:
            spec_key = found[0]
            where = loc._replace(column=column_letter(mapping.columns[spec_key]))
            reason = (
                f"the same value is already on row {self.seen[found]}; remove one of the rows "
                "or give each its own value"
            )
            label = next(s.label_en for s in KINDS[self.kind] if s.key == spec_key)
            errors.append(_problem(where, values[spec_key], label, reason))
        else:
            self.seen[found] = record.row_number
        return errors

    def _order_line(self, record: Record, loc: CellLocation, mapping: Mapping) -> list[CellError]:
        values = record.values
        number = values.get("order_number")
        if number is None:
            return []
        key = normalize_header(number)
        ident = (key, *(_norm(values.get(k)) for k in ("item", "quantity", "unit_price")))
        values["line"] = self.counts[key] = self.counts.get(key, 0) + 1
        if ident in self.seen:
            record.notes.append(
                f"identical to row {self.seen[ident]} (same order, item, quantity and price)"
            )
        self.seen.setdefault(ident, record.row_number)
        if key not in self.orders:
            self.orders[key] = (record.row_number, values)
            return []
        first_row, first = self.orders[key]
        errors = []
        for name in ("customer", "order_date", "currency", "contract_ref", "payment_terms"):
            if name in mapping.columns and _norm(values.get(name)) != _norm(first.get(name)):
                where = loc._replace(column=column_letter(mapping.columns[name]))
                reason = (
                    f"order {number} has {first.get(name)!s} on row {first_row}; all lines of "
                    "one order must agree"
                )
                errors.append(_problem(where, values.get(name), name, reason))
        return errors


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
        result.errors.append(_problem(base, None, spec.label_en, reason))
    mapped = [(s, mapping.columns[s.key]) for s in specs if s.key in mapping.columns]
    # Currency first: the row's amounts are read in it.
    mapped.sort(key=lambda sc: sc[0].key != "currency")
    dupes = _Duplicates(kind)
    groups = ONE_OF_REQUIRED.get(kind, ())
    for index, cells in rows:
        row = index + 1
        record = Record(row)
        errors: list[CellError] = []
        currency = default_currency
        for spec, column in mapped:
            cell = cells[column] if column < len(cells) else None
            loc = base._replace(row=row, column=column_letter(column))
            value, error, note = _convert(spec, cell, loc, currency, date1904)
            if error is not None:
                errors.append(error)
                continue
            if note:
                record.notes.append(f"{spec.label_en} ({loc.column}{row}): {note}")
            if value is None:
                if spec.required:
                    reason = f"required; enter the {spec.label_en.lower()} ({spec.label_zh})"
                    errors.append(_problem(loc, None, spec.label_en, reason))
                continue
            if spec.key == "currency":
                currency = str(value)
            record.values[spec.key] = value
        for group in groups:
            present = [k for k in group if k in mapping.columns]
            failed = {e.column for e in errors}
            if present and not any(
                k in record.values or column_letter(mapping.columns[k]) in failed for k in present
            ):
                column = column_letter(mapping.columns[present[0]])
                reason = "required; enter " + " or ".join(group)
                errors.append(
                    _problem(base._replace(row=row, column=column), None, group[0], reason)
                )
        if kind == "invoices" and not errors:
            reason = _invoice_totals(record.values)
            if reason is not None:
                column = column_letter(mapping.columns.get("amount", mapping.columns.get("net", 0)))
                shown = record.values.get("amount")
                errors.append(
                    _problem(base._replace(row=row, column=column), shown, "amount", reason)
                )
        if not errors:
            errors.extend(dupes.check(record, base._replace(row=row), mapping))
        result.errors.extend(errors)
        if not errors and not mapping.missing_required:
            result.records.append(record)
    return result


def _norm(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return f"{value.currency}:{value.minor}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple | list):
        return "\x1e".join(_norm(v) for v in value)
    return " ".join(to_halfwidth(str(value)).split()).casefold()


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
    parts = [f"{key}={_norm(record.values[key])}" for key in sorted(record.values)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
