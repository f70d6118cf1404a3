"""Small read-only table models of the import wizard: the sheet grid and the problem lists.

Both hold plain Python lists and build no items, so a file with 100,000 problems costs one list
and the view asks only for the rows it paints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop_ar.ui.wizards.import_cells import cell_text, column_letter

_Index = QModelIndex | QPersistentModelIndex
HEADER_BACKGROUND = QColor("#ffe9a8")  # the header row: a soft yellow, readable in both themes
MAX_GRID_COLUMNS = 60  # wider sheets are cut in the preview (the mapping still sees all)


class RowsModel(QAbstractTableModel):
    """Rows of any objects, one column per ``(title, text_of_row)`` pair."""

    def __init__(
        self, columns: Sequence[tuple[str, Callable[[Any], object]]], parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: Sequence[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_object(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self._columns[index.column()][1](self._rows[index.row()])
            return "" if value is None else str(value)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section][0]
        return None


class SheetGridModel(QAbstractTableModel):
    """The first rows of a sheet as Excel shows them (A, B, C… / 1, 2, 3…), header row marked."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[Any]] = []
        self._width = 0
        self.header_row: int | None = None

    def set_rows(self, rows: list[list[Any]], header_row: int | None) -> None:
        self.beginResetModel()
        self._rows = rows
        self._width = min(MAX_GRID_COLUMNS, max((len(r) for r in rows), default=0))
        self.header_row = header_row
        self.endResetModel()

    def set_header_row(self, header_row: int | None) -> None:
        if header_row == self.header_row:
            return
        self.header_row = header_row
        if self._rows:
            last = self.index(len(self._rows) - 1, max(self._width - 1, 0))
            self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else self._width

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        excel_row = index.row() + 1
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cell_text(row[index.column()]) if index.column() < len(row) else ""
        is_header = excel_row == self.header_row
        if role == Qt.ItemDataRole.FontRole and is_header:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and is_header:
            return QBrush(HEADER_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            if is_header:
                return QBrush(QColor("#000000"))
            if self.header_row is not None and excel_row < self.header_row:
                # Rows above the header (titles, banners) are left out of the import.
                palette = QApplication.palette()
                return palette.brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            vertical = orientation == Qt.Orientation.Vertical
            if role == Qt.ItemDataRole.FontRole and vertical and section + 1 == self.header_row:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_letter(section)
        return str(section + 1)
