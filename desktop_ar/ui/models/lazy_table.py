"""One lazy table model for every big list (customers, invoices, payments…), after Anki's DataModel.

Sorting and filtering happen in SQL (``services.lists``): the model holds the matching ids in an
``array('q')`` (8 bytes a row, so 1,000,000 ids are 8 MB) and fetches row DTOs a page at a time
when a row is first painted. Nothing here ever walks all rows, so first paint, filter and sort cost
one ``count`` plus one ``LIMIT 2000`` id query whatever the size of the book.
"""

from __future__ import annotations

import logging
from array import array
from collections import OrderedDict
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_ar.domain.money import Money
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.ui.formatting import format_money, plain_money
from desktop_ar.ui.models.cells import ColumnSpec, RowCells, clipboard_text, display_text
from desktop_ar.ui.models.roles import Role

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.lists import ListSource

log = logging.getLogger(__name__)
__all__ = ["PLACEHOLDER", "ColumnSpec", "LazyTableModel"]

_Index = QModelIndex | QPersistentModelIndex
NEGATIVE_COLOR = QColor("#c62828")
ERROR_COLOR = QColor("#b71c1c")
PLACEHOLDER = "…"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_NEGATIVE_BRUSH = QBrush(NEGATIVE_COLOR)
_ERROR_BRUSH = QBrush(ERROR_COLOR)
_ALIGN = {"money": _RIGHT, "int": _RIGHT, "bool": _CENTER}
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_RARE_ROLES = frozenset(
    {_TOOLTIP, int(Role.Id), int(Role.Raw), int(Role.Clipboard), int(Role.SortKey)}
)
_ENABLED = Qt.ItemFlag.ItemIsEnabled
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class _Failed:
    """A page whose fetch raised: its rows show the error text (Anki's "disabled" CellRow)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class LazyTableModel(QAbstractTableModel):
    """A read-only table over a ``ListSource``; rows are fetched a page at a time on paint."""

    # Rows per ``source.rows`` call. 100 rather than 200: on the 10,000-customer benchmark book
    # rows() for customers (balances included) took ~10-20 ms for 100 ids against 20-40 ms for
    # 200, and the first page is inside the 50 ms first-paint budget. A screen shows ~30 rows.
    PAGE = 100
    CHUNK = 2000  # ids per ``source.ids`` call while scrolling
    JUMP = 50_000  # a request this far past the loaded ids fetches all the rest in one query
    MAX_PAGES = 250  # pages kept in the cache (50,000 row DTOs)

    count_changed = Signal(int)
    query_failed = Signal(object)  # the exception, for show_error

    def __init__(
        self,
        ctx: ServiceContext,
        source: ListSource,
        columns: list[ColumnSpec],
        *,
        as_of: date,
        spec: ListSpec | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._source = source
        self._columns = list(columns)
        self._as_of = as_of
        self._spec = spec or ListSpec()
        first_key = next((c.sort_key for c in self._columns if c.sort_key), source.sort_keys[0])
        self._sort = SortSpec(first_key)
        self._count = 0
        self._ids: array[int] = array("q")
        self._ids_complete = True
        self._pages: OrderedDict[int, dict[int, Any] | _Failed] = OrderedDict()
        self._blocked = False
        self._loaded = False
        # How often each service call ran; tests assert laziness with these.
        self.stats = {"count": 0, "ids": 0, "rows": 0}
        self._cells: dict[int, RowCells] = {}
        money_font = QFont()
        money_font.setFeature(QFont.Tag.fromString("tnum"), 1)  # tabular figures line up
        self._fonts = [money_font if c.kind in ("money", "int") else None for c in self._columns]
        self._align = [_ALIGN.get(c.kind, _LEFT) for c in self._columns]

    # ---- query -------------------------------------------------------------------------------

    @property
    def source(self) -> ListSource:
        return self._source

    @property
    def columns(self) -> list[ColumnSpec]:
        return list(self._columns)

    @property
    def spec(self) -> ListSpec:
        return self._spec

    @property
    def sort_spec(self) -> SortSpec:
        return self._sort

    @property
    def as_of(self) -> date:
        return self._as_of

    @property
    def loaded_ids(self) -> int:
        """How many ids are held (the rest are fetched when scrolled to)."""
        return len(self._ids)

    def set_query(self, spec: ListSpec | None = None, sort: SortSpec | None = None) -> None:
        """Re-run the search with a new filter and/or ordering (None keeps the current one)."""
        self._spec = spec if spec is not None else self._spec
        self._sort = sort if sort is not None else self._sort
        self.beginResetModel()
        self._pages.clear()
        self._cells.clear()
        try:
            self.stats["count"] += 1
            self.stats["ids"] += 1
            # Count and first chunk in one call: a text filter is matched once for both.
            self._count, self._ids = self._source.first_page(
                self._ctx, self._query_spec(), self._sort, self.CHUNK
            )
            self._ids_complete = len(self._ids) >= self._count
        except Exception as exc:  # shown by the page; the list is left empty, never half-built
            log.exception("list query failed")
            self._count, self._ids, self._ids_complete = 0, array("q"), True
            self.endResetModel()
            self._loaded = True
            self.count_changed.emit(0)
            self.query_failed.emit(exc)
            return
        self.endResetModel()
        self._loaded = True
        self.count_changed.emit(self._count)

    def refresh(self) -> None:
        """Re-query count and ids with the current filter and sort (rows may come or go)."""
        self.set_query()

    def mark_stale(self) -> None:
        """Forget the fetched rows; only rows that are painted again are re-fetched."""
        self._pages.clear()
        self._cells.clear()
        self._emit_all_changed()

    def set_as_of(self, as_of: date) -> None:
        """Change the as-of date (days overdue, overdue filters) and re-query."""
        if as_of == self._as_of:
            return
        self._as_of = as_of
        if self._loaded:
            self.refresh()

    def set_blocked(self, blocked: bool) -> None:
        """While blocked (a write is running) unloaded rows show a placeholder, not a query."""
        self._blocked = blocked
        if not blocked:
            self._emit_all_changed()

    def row_count_total(self) -> int:
        return self._count

    def row_id(self, row: int) -> int | None:
        """The id at a row (fetching more ids if needed)."""
        if 0 <= row < self._count and self._ensure_ids(row):
            return self._ids[row]
        return None

    def row_of_id(self, row_id: int) -> int | None:
        """The row of an id among the loaded ids, or None."""
        try:
            return self._ids.index(row_id)
        except ValueError:
            return None

    def row_object(self, row: int) -> Any | None:
        """The Row DTO at a row (fetched if needed), or None for a missing/failed row."""
        page = self._page(row)
        if page is None or isinstance(page, _Failed):
            return None
        row_id = self.row_id(row)
        return page.get(row_id) if row_id is not None else None

    def _query_spec(self) -> ListSpec:
        if self._spec.as_of is None:  # keep every other field (dates too)
            return replace(self._spec, as_of=self._as_of)
        return self._spec

    def _fetch_ids(self, offset: int, limit: int | None) -> None:
        self.stats["ids"] += 1
        more = self._source.ids(self._ctx, self._query_spec(), self._sort, offset, limit)
        self._ids.extend(more)
        if limit is None or len(more) < limit or len(self._ids) >= self._count:
            self._ids_complete = True

    def _ensure_ids(self, row: int) -> bool:
        if row < len(self._ids):
            return True
        if self._ids_complete or self._blocked:
            return False
        have = len(self._ids)
        if row - have >= self.JUMP:
            self._fetch_ids(have, None)  # e.g. Ctrl+End on a million rows: one query, not 500
        else:
            self._fetch_ids(have, row + self.CHUNK - have)
        return row < len(self._ids)

    def _page(self, row: int) -> dict[int, Any] | _Failed | None:
        number = row // self.PAGE
        page = self._pages.get(number)
        if page is not None:
            return page
        if self._blocked:
            return None
        first = number * self.PAGE
        last = min(first + self.PAGE, self._count) - 1
        try:
            self._ensure_ids(last)
            ids = self._ids[first : last + 1]
            self.stats["rows"] += 1
            fetched = self._source.rows(self._ctx, ids, self._as_of)
            page = {r.id: r for r in fetched}
        except Exception as exc:
            log.exception("fetching rows %d-%d failed", first, last)
            page = _Failed(str(exc) or type(exc).__name__)
        self._pages[number] = page
        while len(self._pages) > self.MAX_PAGES:
            old, _ = self._pages.popitem(last=False)
            for r in range(old * self.PAGE, (old + 1) * self.PAGE):
                self._cells.pop(r, None)
        return page

    def _row_cells(self, row: int) -> RowCells | None:
        """Display texts and brushes of a row, built once per fetch (the paint hot path)."""
        cells = self._cells.get(row)
        if cells is not None:
            return cells
        if not 0 <= row < self._count:
            return None
        page = self._page(row)
        if page is None:
            return None  # blocked: placeholder, not cached
        if isinstance(page, _Failed):
            cells = RowCells.failed(page.message, len(self._columns), _ERROR_BRUSH)
        else:
            row_id = self._ids[row] if row < len(self._ids) else None
            obj = page.get(row_id) if row_id is not None else None
            cells = self._render(obj)
        self._cells[row] = cells
        return cells

    def _render(self, obj: Any) -> RowCells:
        if obj is None:  # deleted since the ids were fetched
            return RowCells(("",) * len(self._columns), (None,) * len(self._columns), False)
        texts: list[str] = []
        brushes: list[QBrush | None] = []
        for col in self._columns:
            value = col.value(obj)
            if col.kind == "money" and isinstance(value, Money):
                texts.append(format_money(value))
                brushes.append(_NEGATIVE_BRUSH if value.minor < 0 else None)
            else:
                texts.append(display_text(col, value))
                neg = col.kind == "int" and isinstance(value, int) and value < 0
                brushes.append(_NEGATIVE_BRUSH if neg else None)
        return RowCells(tuple(texts), tuple(brushes), True)

    def _emit_all_changed(self) -> None:
        if self._count and self._columns:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self._count - 1, len(self._columns) - 1)
            )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header click: re-query with the column's SQL sort key (never a proxy)."""
        if not 0 <= column < len(self._columns):
            return
        key = self._columns[column].sort_key
        if key is None:
            return
        sort = SortSpec(key, descending=order == Qt.SortOrder.DescendingOrder)
        if sort == self._sort and self._loaded:
            return
        self.set_query(sort=sort)

    def sort_column(self) -> int:
        """The column showing the current sort key, or -1."""
        for i, col in enumerate(self._columns):
            if col.sort_key == self._sort.key:
                return i
        return -1

    # ---- Qt overrides ------------------------------------------------------------------------
    # data() runs a few thousand times per paint: the common roles are answered from
    # per-column lists and per-row tuples built once, with plain-int role constants.

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        col = self._columns[section]
        if role == _DISPLAY:
            return QCoreApplication.translate("columns", col.header)
        if role == _ALIGNMENT:
            return self._align[section]
        if role == Role.SortKey:
            return col.sort_key
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        # From the cache only: flags() must never trigger a query (Anki's model does the same).
        if isinstance(self._pages.get(index.row() // self.PAGE), _Failed):
            return _ENABLED
        return _SELECTABLE

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY:
            cells = self._row_cells(index.row())
            return PLACEHOLDER if cells is None else cells.texts[index.column()]
        if role == _ALIGNMENT:
            return self._align[index.column()]
        if role == _FOREGROUND:
            cells = self._cells.get(index.row())
            return None if cells is None else cells.brushes[index.column()]
        if role == _FONT:
            return self._fonts[index.column()]
        if role not in _RARE_ROLES:
            return None
        return self._rare_data(index.row(), index.column(), role)

    def _rare_data(self, row: int, column: int, role: int) -> Any:
        if role == Role.Id:
            return self.row_id(row)
        cells = self._row_cells(row)
        if cells is None:
            return None
        if not cells.ok:
            return cells.texts[0] if role == _TOOLTIP and column == 0 else None
        col = self._columns[column]
        value = col.value(self.row_object(row))
        if role in (Role.Raw, Role.SortKey):
            return value.to_decimal() if isinstance(value, Money) and role == Role.Raw else value
        if role == Role.Clipboard:
            return plain_money(value) if isinstance(value, Money) else clipboard_text(col, value)
        if role == _TOOLTIP:
            if isinstance(value, Money):
                return f"{format_money(value)} {value.currency}"
            text = cells.texts[column]
            return text if col.kind == "text" and len(text) > 20 else None
        return None
