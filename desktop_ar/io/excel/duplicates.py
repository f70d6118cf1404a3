"""Within-file duplicates of converted rows, and the comparable form of a value.

Invoice and opening-balance numbers and customer codes (or names) must be unique in a file: a
second row with the same value is a problem naming the first. Identical payment rows are kept
(two equal receipts happen) with a note and an ``occurrence`` count; order lines are numbered
per order and must agree on the order's header fields. :func:`norm_value` is also what record
fingerprints are made of.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from desktop_ar.domain.errors import CellError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import to_halfwidth
from desktop_ar.io.excel.cells import CellLocation, column_letter
from desktop_ar.io.excel.header import normalize_header
from desktop_ar.io.excel.mapping import KINDS, Mapping

if TYPE_CHECKING:
    from desktop_ar.io.excel.records import Record

__all__ = ["Duplicates", "norm_value", "problem"]

_MEMO_SIZE = 50_000
"""Distinct texts and dates whose comparable form a :class:`Duplicates` remembers."""


def problem(loc: CellLocation, value: object, label: str, reason: str) -> CellError:
    """An ``invalid`` problem at ``loc`` naming the field and what to fix."""
    shown = "" if value is None else str(value)[:200]
    params = {"field": label, "reason": reason}
    return CellError(loc.file, loc.sheet, loc.row, loc.column, shown, "invalid", params)


def norm_value(value: object) -> str:
    """The comparable text of a converted value (half-width, spaces collapsed, case-folded)."""
    kind = type(value)
    if kind is str:
        return " ".join(to_halfwidth(value).split()).casefold()  # type: ignore[arg-type]
    if kind is Money:
        return f"{value.currency}:{value.minor}"  # type: ignore[attr-defined]
    if kind is date:
        return value.isoformat()  # type: ignore[attr-defined]
    if value is None:
        return ""
    if isinstance(value, Money):
        return f"{value.currency}:{value.minor}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple | list):
        return "\x1e".join(norm_value(v) for v in value)
    return " ".join(to_halfwidth(str(value)).split()).casefold()


class Duplicates:
    """Within-file duplicate checks per kind: errors for keys, notes for identical rows."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.seen: dict[object, int] = {}
        self.counts: dict[object, int] = {}
        self.orders: dict[str, tuple[int, dict[str, object]]] = {}
        self._memo: dict[object, str] = {}  # text or date → norm_value (a sheet repeats them)

    def _norm(self, value: object) -> str:
        """``norm_value(value)``, remembered for texts and dates (never equal to each other)."""
        kind = type(value)
        if kind is not str and kind is not date:
            return norm_value(value)
        memo = self._memo
        text = memo.get(value)
        if text is None:
            text = norm_value(value)
            if len(memo) < _MEMO_SIZE:
                memo[value] = text
        return text

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
            # Dates and customers repeat down a sheet; amounts and references rarely do.
            norm, get = self._norm, values.get
            ident = (norm(get("date")), norm(get("customer")))
            ident += (norm_value(get("amount")), norm_value(get("reference")))
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
            errors.append(problem(where, values[spec_key], label, reason))
        else:
            self.seen[found] = record.row_number
        return errors

    def _order_line(self, record: Record, loc: CellLocation, mapping: Mapping) -> list[CellError]:
        values = record.values
        number = values.get("order_number")
        if number is None:
            return []
        key = normalize_header(number)
        ident = (key, *(norm_value(values.get(k)) for k in ("item", "quantity", "unit_price")))
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
            if name in mapping.columns and norm_value(values.get(name)) != norm_value(
                first.get(name)
            ):
                where = loc._replace(column=column_letter(mapping.columns[name]))
                reason = (
                    f"order {number} has {first.get(name)!s} on row {first_row}; all lines of "
                    "one order must agree"
                )
                errors.append(problem(where, values.get(name), name, reason))
        return errors
