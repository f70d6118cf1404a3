"""The collections worklist as a table model: one work item per row, urgent rows stand out.

Kinds are coloured; broken promises and overdue customers at a high dunning level are tinted and
bold. ``CollectorFilter`` keeps one collector's rows. Sorting uses ``Role.SortKey`` (the kind
column sorts by the service's urgency order).
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
from PySide6.QtWidgets import QWidget

from desktop_ar.services.collections_worklist import WorkItem
from desktop_ar.ui.formatting import format_date, format_money
from desktop_ar.ui.models.aging_model import tabular_font
from desktop_ar.ui.models.roles import Role

__all__ = ["COLUMNS", "HIGH_LEVEL", "NEGATIVE", "CollectorFilter", "WorklistModel", "kind_label"]

NEGATIVE = "#c62828"
HIGH_LEVEL = 3  # overdue items at this dunning level or above stand out
_CTX = "CollectionsPage"
# Kind → (label, text colour, row tint or "").
_KINDS = {
    "promise_broken": (QT_TRANSLATE_NOOP(_CTX, "Promise broken"), NEGATIVE, "#fdecea"),
    "promise_due": (QT_TRANSLATE_NOOP(_CTX, "Promise due"), "#8d6e00", ""),
    "overdue": (QT_TRANSLATE_NOOP(_CTX, "Overdue"), "#bf360c", ""),
    "follow_up": (QT_TRANSLATE_NOOP(_CTX, "Follow-up"), "#1565c0", ""),
    "dispute": (QT_TRANSLATE_NOOP(_CTX, "Dispute"), "#6a1b9a", ""),
    "due_soon": (QT_TRANSLATE_NOOP(_CTX, "Due soon"), "#2e7d32", ""),
}
_HIGH_TINT = "#fff3e0"
COLUMNS = ("kind", "code", "name", "collector", "day", "amount", "level", "reference", "detail")


def kind_label(kind: str) -> str:
    """The translated name of a work-item kind."""
    return QCoreApplication.translate(_CTX, _KINDS[kind][0]) if kind in _KINDS else kind


class WorklistModel(QAbstractTableModel):
    """The work items, one per row; the kind is coloured and urgent rows are tinted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[WorkItem] = []
        self._font = tabular_font()
        self._bold = QFont(self._font)
        self._bold.setBold(True)

    def set_rows(self, rows: list[WorkItem]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[WorkItem]:
        return list(self._rows)

    def item(self, row: int) -> WorkItem:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _headers()[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section] in ("amount", "level"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        item, col = self._rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(item, col)
        if role == Role.Id:
            return item.customer_id
        if role == Role.SortKey:
            return _sort_value(item, col, index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole and col in ("amount", "level"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            urgent = item.kind == "promise_broken" or (item.level or 0) >= HIGH_LEVEL
            return self._bold if urgent and col in ("kind", "level") else self._font
        if role == Qt.ItemDataRole.ForegroundRole and col == "kind" and item.kind in _KINDS:
            return QBrush(QColor(_KINDS[item.kind][1]))
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = _KINDS.get(item.kind, ("", "", ""))[2]
            if not tint and item.kind == "overdue" and (item.level or 0) >= HIGH_LEVEL:
                tint = _HIGH_TINT
            return QBrush(QColor(tint)) if tint else None
        if role == Qt.ItemDataRole.ToolTipRole and col in ("name", "detail"):
            return item.customer_name if col == "name" else item.detail
        return None


def _headers() -> list[str]:
    tr = QCoreApplication.translate
    return [
        tr(_CTX, "Kind"),
        tr(_CTX, "Code"),
        tr(_CTX, "Customer"),
        tr(_CTX, "Collector"),
        tr(_CTX, "Date"),
        tr(_CTX, "Amount"),
        tr(_CTX, "Level"),
        tr(_CTX, "Ref."),
        tr(_CTX, "Detail"),
    ]


def _text(item: WorkItem, col: str) -> str:
    if col == "kind":
        return kind_label(item.kind)
    if col == "amount":
        return "" if item.amount is None else f"{item.amount.currency} {format_money(item.amount)}"
    if col == "level":
        return "" if item.level is None else str(item.level)
    if col == "day":
        return format_date(item.day)
    values = {
        "code": item.customer_code,
        "name": item.customer_name,
        "collector": item.collector,
        "reference": item.reference,
        "detail": item.detail,
    }
    return values.get(col, "")


def _sort_value(item: WorkItem, col: str, row: int) -> Any:
    if col == "kind":
        return row  # the service's order: most urgent first
    if col == "amount":
        return item.amount.minor if item.amount is not None else -1
    if col == "level":
        return item.level if item.level is not None else -1
    if col == "day":
        return item.day.toordinal()
    return _text(item, col).casefold()


class CollectorFilter(QSortFilterProxyModel):
    """Keeps the rows of one collector (None: every row)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._collector: str | None = None
        self.setSortRole(Role.SortKey)

    def set_collector(self, collector: str | None) -> None:
        self.beginFilterChange()
        self._collector = collector
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self._collector is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, WorklistModel)
        return model.item(row).collector == self._collector
