"""Table models of the aging report: customers × buckets, the items of one customer, a sort proxy.

The aging report holds at most one row per customer and kind (≈10,000 rows on a big book), all
in memory already, so sorting and filtering through a ``QSortFilterProxyModel`` on ``Role.SortKey``
is fine here (STYLE.md: proxies are for small lists; the million-row lists sort in SQL).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_ar.domain.aging import AgingRow
from desktop_ar.domain.money import Money
from desktop_ar.domain.search_text import normalise_query, search_keys
from desktop_ar.ui.formatting import format_date, format_money, plain_money
from desktop_ar.ui.models.cells import code_label
from desktop_ar.ui.models.roles import Role

__all__ = [
    "KIND_LABELS",
    "AgingCustomerModel",
    "AgingFilterProxy",
    "AgingItemsModel",
    "bucket_header",
    "kind_label",
    "tabular_font",
]

_Index = QModelIndex | QPersistentModelIndex
NEGATIVE_COLOR = QColor("#c62828")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_DISPLAY = Qt.ItemDataRole.DisplayRole

KIND_LABELS: dict[str, str] = {
    "invoice": QT_TRANSLATE_NOOP("aging", "Invoice"),
    "credit_note": QT_TRANSLATE_NOOP("aging", "Credit note"),
    "unallocated_payment": QT_TRANSLATE_NOOP("aging", "Unallocated payment"),
}
_HEADERS = {
    "code": QT_TRANSLATE_NOOP("aging", "Code"),
    "name": QT_TRANSLATE_NOOP("aging", "Customer"),
    "kind": QT_TRANSLATE_NOOP("aging", "Kind"),
    "total": QT_TRANSLATE_NOOP("aging", "Total"),
    "number": QT_TRANSLATE_NOOP("aging", "Number"),
    "document_date": QT_TRANSLATE_NOOP("aging", "Date"),
    "due_date": QT_TRANSLATE_NOOP("aging", "Due"),
    "days_overdue": QT_TRANSLATE_NOOP("aging", "Days"),
    "bucket": QT_TRANSLATE_NOOP("aging", "Bucket"),
    "reason": QT_TRANSLATE_NOOP("aging", "Overdue reason"),
    "measure": QT_TRANSLATE_NOOP("aging", "Agreed measure"),
    "open": QT_TRANSLATE_NOOP("aging", "Open"),
}
_CURRENT = QT_TRANSLATE_NOOP("aging", "Current")
_FILTER_CHANGE = hasattr(QSortFilterProxyModel, "Direction")  # Qt ≥ 6.10


def _tr(text: str) -> str:
    return QCoreApplication.translate("aging", text)


def kind_label(kind: str, *, blank_invoice: bool = False) -> str:
    """Translated label of an aging row kind ("Credit note"…); "" for invoices if asked."""
    if blank_invoice and kind == "invoice":
        return ""
    return _tr(KIND_LABELS.get(kind, kind))


def bucket_header(label: str) -> str:
    """Header of a bucket label from the domain ("current" → "Current", "1-30" → "1–30")."""
    return _tr(_CURRENT) if label == "current" else label.replace("-", "–")


def tabular_font(base: QFont | None = None) -> QFont:
    """A copy of ``base`` (the default font) with tabular digits, so amounts line up."""
    font = QFont(base) if base is not None else QFont()
    font.setFeature(QFont.Tag.fromString("tnum"), 1)
    return font


def _money_data(value: Money, role: int, font: QFont) -> Any:
    if role == _DISPLAY:
        return format_money(value, blank_zero=True)
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return _RIGHT
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(NEGATIVE_COLOR) if value.minor < 0 else None
    if role == Qt.ItemDataRole.FontRole:
        return font
    if role == Role.SortKey:
        return value.minor
    if role == Role.Raw:
        return value.to_decimal()
    if role == Role.Clipboard:
        return plain_money(value)
    return None


class _RowsModel(QAbstractTableModel):
    """A read-only table over a list of ``AgingRow``; subclasses say what each column shows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AgingRow] = []
        self._labels: list[str] = []
        self._font = tabular_font()
        self._columns = self._keys()  # column keys; bucket columns are "b:<index>"

    def rows(self) -> list[AgingRow]:
        return list(self._rows)

    def row_at(self, row: int) -> AgingRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def set_rows(self, rows: list[AgingRow], labels: list[str]) -> None:
        """Replace the rows (and the bucket labels, which may change the columns)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._labels = list(labels)
        self._columns = self._keys()
        self.endResetModel()

    def _keys(self) -> list[str]:
        raise NotImplementedError

    def _header(self, section: int) -> str:
        key = self._columns[section]
        return _tr(_HEADERS.get(key, key))

    def _is_amount(self, section: int) -> bool:
        key = self._columns[section]
        return key in ("total", "open", "days_overdue") or key.startswith("b:")

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == _DISPLAY:
            return self._header(section)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if self._is_amount(section) else _LEFT
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Role.Id:
            return row.customer_id
        key = self._columns[index.column()]
        value = self._value(row, key)
        if isinstance(value, Money):
            return _money_data(value, role, self._font)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if key == "days_overdue" else _LEFT
        if key == "days_overdue":
            if role == Qt.ItemDataRole.FontRole:
                return self._font
            if role in (Role.SortKey, Role.Raw):
                return value or 0
            if role == Role.Clipboard:
                return str(value or 0)
            if role == _DISPLAY:
                return f"{value:,}" if value else ""
            return None
        if role == Role.SortKey:
            return str(value or "").casefold()
        if role in (_DISPLAY, Role.Clipboard, Role.Raw):
            return value
        if role == Qt.ItemDataRole.ToolTipRole and key == "name":
            return value
        return None

    def _value(self, row: AgingRow, key: str) -> Any:
        raise NotImplementedError


class AgingCustomerModel(_RowsModel):
    """One row per customer and kind: code, name, kind, one column per bucket, total."""

    def _keys(self) -> list[str]:
        return ["code", "name", "kind", *(f"b:{i}" for i in range(len(self._labels))), "total"]

    def _header(self, section: int) -> str:
        key = self._columns[section]
        if key.startswith("b:"):
            return bucket_header(self._labels[int(key[2:])])
        return super()._header(section)

    def bucket_columns(self) -> range:
        """The columns holding bucket amounts."""
        return range(3, 3 + len(self._labels))

    def total_column(self) -> int:
        return 3 + len(self._labels)

    def _value(self, row: AgingRow, key: str) -> Any:
        if key == "code":
            return row.customer_code
        if key == "name":
            return row.customer_name
        if key == "kind":
            return kind_label(row.kind, blank_invoice=True)
        if key == "total":
            return row.total
        return row.amounts[int(key[2:])]


class AgingItemsModel(_RowsModel):
    """One customer's open items: number, kind, dates, days, bucket, reason, measure, open."""

    def _keys(self) -> list[str]:
        return [
            "number",
            "kind",
            "document_date",
            "due_date",
            "days_overdue",
            "bucket",
            "reason",
            "measure",
            "open",
        ]

    def _value(self, row: AgingRow, key: str) -> Any:
        if key == "number":
            return row.document_number
        if key == "kind":
            return kind_label(row.kind)
        if key == "document_date":
            return format_date(row.document_date)
        if key == "due_date":
            return format_date(row.due_date) if row.kind == "invoice" else ""
        if key == "days_overdue":
            return row.days_overdue
        if key == "bucket":
            index = next((i for i, m in enumerate(row.amounts) if m.minor), 0)
            return bucket_header(self._labels[index]) if self._labels else ""
        if key in ("reason", "measure"):
            code = row.overdue_reason if key == "reason" else row.measure
            return code_label(code) if code else ""
        return row.total


class AgingFilterProxy(QSortFilterProxyModel):
    """Sorts on ``Role.SortKey`` and keeps rows whose code, name or pinyin holds the filter."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(Role.SortKey)
        self.setDynamicSortFilter(True)
        self._needle = ""
        self._ascii = ""
        self._pinyin: dict[str, tuple[str, str]] = {}  # name → keys, computed on first filter

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        value = super().headerData(section, orientation, role)
        if role == _DISPLAY and section == self.sortColumn() and isinstance(value, str):
            align = super().headerData(section, orientation, Qt.ItemDataRole.TextAlignmentRole)
            if align is not None and Qt.AlignmentFlag(align) & Qt.AlignmentFlag.AlignRight:
                return value + "\u2003"  # the sort arrow would cover right-aligned text
        return value

    def set_text(self, text: str) -> None:
        if not _FILTER_CHANGE:  # PySide6 < 6.10; invalidateRowsFilter is deprecated since
            self._set_needle(text)
            self.invalidateRowsFilter()
            return
        self.beginFilterChange()
        self._set_needle(text)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _set_needle(self, text: str) -> None:
        self._needle = text.strip().casefold()
        self._ascii = normalise_query(text) if self._needle else ""

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._needle:
            return True
        model = self.sourceModel()
        row = model.row_at(source_row) if isinstance(model, _RowsModel) else None
        if row is None:
            return True
        if self._needle in row.customer_code.casefold() or self._needle in (
            row.customer_name.casefold()
        ):
            return True
        if not self._ascii:
            return False
        keys = self._pinyin.get(row.customer_name)
        if keys is None:
            keys = self._pinyin[row.customer_name] = search_keys(row.customer_name)
        return self._ascii in keys[0] or self._ascii in keys[1]
