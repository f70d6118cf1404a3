"""The lines of a customer reconciliation (与客户对账) as a small table model, with its filters.

A reconciliation has at most a few thousand lines, all loaded with it, so the model holds the
list and filters it in Python; a ``QSortFilterProxyModel`` on ``Role.SortKey`` sorts it (allowed
for small lists, STYLE.md). Amounts are right-aligned with tabular figures, negatives red; an
unresolved difference is marked in the "Resolved" column, resolved lines are greyed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop_ar.domain.money import Money
from desktop_ar.ui.formatting import format_date, format_money, plain_money
from desktop_ar.ui.models.lazy_table import NEGATIVE_COLOR
from desktop_ar.ui.models.roles import Role

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_OPEN_COLOR = QColor("#a15c00")  # "to resolve": amber, readable on light and dark rows

# The comparison's results, worded for the user (translated in the "recon" context).
RESULT_LABELS: dict[str, str] = {
    "matched": QT_TRANSLATE_NOOP("recon", "Matched"),
    "only_ours": QT_TRANSLATE_NOOP("recon", "Only ours"),
    "only_theirs": QT_TRANSLATE_NOOP("recon", "Only theirs"),
    "amount_difference": QT_TRANSLATE_NOOP("recon", "Amount differs"),
    "timing": QT_TRANSLATE_NOOP("recon", "Timing (in transit)"),
}
ACTION_LABELS: dict[str, str] = {
    "": "",
    "note": QT_TRANSLATE_NOOP("recon", "Note"),
    "credit_note": QT_TRANSLATE_NOOP("recon", "Credit note"),
    "payment": QT_TRANSLATE_NOOP("recon", "Payment"),
    "dispute": QT_TRANSLATE_NOOP("recon", "Dispute"),
}
# Our document types (the statement of account's kinds, and the opening balance).
TYPE_LABELS: dict[str, str] = {
    "opening": QT_TRANSLATE_NOOP("recon", "Opening"),
    "invoice": QT_TRANSLATE_NOOP("recon", "Invoice"),
    "credit_note": QT_TRANSLATE_NOOP("recon", "Credit note"),
    "payment": QT_TRANSLATE_NOOP("recon", "Payment"),
    "write_off": QT_TRANSLATE_NOOP("recon", "Write-off"),
    "refund": QT_TRANSLATE_NOOP("recon", "Refund"),
    "payment_reversal": QT_TRANSLATE_NOOP("recon", "Payment reversal"),
    "write_off_reversal": QT_TRANSLATE_NOOP("recon", "Write-off reversal"),
}
# How their debits and credits were read.
SIDE_LABELS: dict[str, str] = {
    "auto": QT_TRANSLATE_NOOP("recon", "Their side: automatic"),
    "payable": QT_TRANSLATE_NOOP("recon", "their ledger read as payables (our invoice = credit)"),
    "receivable": QT_TRANSLATE_NOOP("recon", "their ledger read like ours (invoice = debit)"),
}
# The filter tabs of the view: key → label; "open" = differences still to resolve.
FILTERS: tuple[tuple[str, str], ...] = (
    ("open", QT_TRANSLATE_NOOP("recon", "To resolve")),
    ("all", QT_TRANSLATE_NOOP("recon", "All")),
    ("matched", RESULT_LABELS["matched"]),
    ("only_ours", RESULT_LABELS["only_ours"]),
    ("only_theirs", RESULT_LABELS["only_theirs"]),
    ("amount_difference", RESULT_LABELS["amount_difference"]),
    ("timing", RESULT_LABELS["timing"]),
)


def recon_text(text: str) -> str:
    """Translate an English text of the "recon" context (labels marked above)."""
    return QCoreApplication.translate("recon", text) if text else ""


def result_label(result: str) -> str:
    return recon_text(RESULT_LABELS.get(result, result))


def type_label(kind: str) -> str:
    return recon_text(TYPE_LABELS.get(kind, kind))


def action_label(action: str) -> str:
    return recon_text(ACTION_LABELS.get(action, action))


def is_difference(item: Any) -> bool:
    """A line that needs explaining (anything but a match)."""
    return item.result != "matched"


def is_open(item: Any) -> bool:
    """A difference not resolved yet."""
    return is_difference(item) and not item.resolved


def keep(item: Any, key: str) -> bool:
    """Whether an item belongs under a filter tab."""
    if key == "all":
        return True
    if key == "open":
        return is_open(item)
    return bool(item.result == key)


def count(items: Sequence[Any], key: str) -> int:
    return sum(1 for i in items if keep(i, key))


def _action_text(item: Any) -> str:
    label = action_label(item.action)
    return f"{label} {item.action_ref}".strip() if item.action_ref else label


# (header, value of an item, kind): kind is text | date | money | bool.
Column = tuple[str, Callable[[Any], object], str]
COLUMNS: tuple[Column, ...] = (
    (QT_TRANSLATE_NOOP("recon", "Result"), lambda i: result_label(i.result), "text"),
    (QT_TRANSLATE_NOOP("recon", "Our date"), lambda i: i.our_date, "date"),
    (QT_TRANSLATE_NOOP("recon", "Type"), lambda i: type_label(i.our_type), "text"),
    (QT_TRANSLATE_NOOP("recon", "Our number"), lambda i: i.our_number, "text"),
    (QT_TRANSLATE_NOOP("recon", "Our amount"), lambda i: i.our_amount, "money"),
    (QT_TRANSLATE_NOOP("recon", "Their date"), lambda i: i.their_date, "date"),
    (QT_TRANSLATE_NOOP("recon", "Their number"), lambda i: i.their_number, "text"),
    (QT_TRANSLATE_NOOP("recon", "Their description"), lambda i: i.their_description, "text"),
    (QT_TRANSLATE_NOOP("recon", "Their amount"), lambda i: i.their_amount, "money"),
    (QT_TRANSLATE_NOOP("recon", "Difference"), lambda i: i.difference, "money"),
    (QT_TRANSLATE_NOOP("recon", "Resolved"), lambda i: i.resolved, "bool"),
    (QT_TRANSLATE_NOOP("recon", "Action"), _action_text, "text"),
    (QT_TRANSLATE_NOOP("recon", "Note"), lambda i: i.note, "text"),
)
WIDTHS = (120, 84, 90, 100, 100, 84, 100, 150, 100, 100, 64, 90, 140)
DIFFERENCE_COLUMN = 9
RESOLVED_COLUMN = 10


class ReconItemsModel(QAbstractTableModel):
    """The reconciliation's lines under one filter (``set_filter``)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[Any] = []
        self._rows: list[Any] = []
        self._filter = "all"
        self._money_font = QFont()
        self._money_font.setFeature(QFont.Tag.fromString("tnum"), 1)
        self._negative = QBrush(NEGATIVE_COLOR)
        self._open = QBrush(_OPEN_COLOR)

    @property
    def filter_key(self) -> str:
        return self._filter

    def set_items(self, items: Sequence[Any]) -> None:
        self._all = list(items)
        self._apply()

    def set_filter(self, key: str) -> None:
        if key != self._filter:
            self._filter = key
            self._apply()

    def _apply(self) -> None:
        self.beginResetModel()
        self._rows = [i for i in self._all if keep(i, self._filter)]
        self.endResetModel()

    def items(self) -> list[Any]:
        return list(self._all)

    def item(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of_id(self, item_id: int) -> int | None:
        return next((n for n, i in enumerate(self._rows) if i.id == item_id), None)

    # ---- Qt ----------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        _header, get, kind = COLUMNS[index.column()]
        value = get(item)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._display(value, kind, item)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if kind == "money" else _CENTER if kind == "bool" else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(value, kind, item, index.column())
        if role == Qt.ItemDataRole.FontRole and kind == "money":
            return self._money_font
        if role == int(Role.Id):
            return item.id
        if role == int(Role.Clipboard):
            return _clipboard(value)
        if role == int(Role.Raw):
            return value.to_decimal() if isinstance(value, Money) else value
        if role == int(Role.SortKey):
            return _sort_key(value)
        return None

    def _display(self, value: object, kind: str, item: Any) -> str:
        if kind == "bool":
            if not is_difference(item):
                return ""
            return "✓" if value else QCoreApplication.translate("recon", "to do")
        if isinstance(value, Money):
            return format_money(value)
        if isinstance(value, date):
            return format_date(value)
        return "" if value is None else str(value)

    def _foreground(self, value: object, kind: str, item: Any, column: int) -> QBrush | None:
        if column == RESOLVED_COLUMN and is_open(item):
            return self._open
        if isinstance(value, Money) and value.minor < 0:
            return self._negative
        if is_difference(item) and item.resolved:
            palette = QApplication.palette()
            return palette.brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return recon_text(COLUMNS[section][0])
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section][2] == "money":
            return _RIGHT
        return None


def _clipboard(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return plain_money(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _sort_key(value: object) -> Any:
    # One comparable type per column: missing values sort first.
    if isinstance(value, Money):
        return value.minor
    if isinstance(value, date):
        return value.toordinal()
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else str(value)
