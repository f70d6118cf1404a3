"""The list page every big list uses: a filter bar over a lazy, SQL-sorted table.

Page protocol (what ``MainWindow`` relies on): ``Page(ctx, *, as_of, parent=None)``, ``title()``,
``on_changes(changes)``, ``set_as_of(as_of)``, ``refresh()``, ``save_state()``, ``row_count()``
and the ``count_changed(int)`` signal.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_ar.services.changes import Changes
from desktop_ar.services.lists import ListSource, ListSpec, SortSpec
from desktop_ar.ui.errors import show_error
from desktop_ar.ui.export_action import make_export_action, start_export
from desktop_ar.ui.models.cells import ColumnSpec
from desktop_ar.ui.models.lazy_table import LazyTableModel
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.widgets.filter_bar import FilterBar
from desktop_ar.ui.widgets.table_view import (
    copy_selection,
    install_column_chooser,
    make_table_view,
)

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.exports import ExportResult
    from desktop_ar.ui.tasks import BackgroundOp


class ListPage(QWidget):
    """Filter bar + lazy table over one ``services.lists`` source."""

    name: ClassVar[str] = "list"
    columns: ClassVar[list[ColumnSpec]] = []
    refreshed_by: ClassVar[frozenset[str]] = frozenset()  # Changes fields that add/remove rows
    default_sort: ClassVar[tuple[str, bool]] = ("", False)  # (sort key, descending)

    count_changed = Signal(int)
    current_changed = Signal(object)  # the selected row's id, or None
    activated = Signal(int)  # double-click / Enter on a row

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._as_of = as_of
        self._pending: str | None = None  # "stale" | "refresh" while hidden
        self.model = LazyTableModel(ctx, self.list_source(), self.columns, as_of=as_of, parent=self)
        source = self.list_source()
        date_fields = tuple(getattr(source, "date_fields", ()))
        self.filter_bar = FilterBar(source.statuses, self, date_fields=date_fields, as_of=as_of)
        self.view = make_table_view(self.model, self)
        self.view.setObjectName(f"{self.name}View")
        # Right-click on the header hides or shows columns; the layout is saved at once.
        install_column_chooser(self.view, self.save_state)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter_bar, 0)
        layout.addWidget(self.view, 1)

        header = self.view.horizontalHeader()
        if not self._restore_header():
            key, descending = self.default_sort
            section = next(i for i, c in enumerate(self.columns) if c.sort_key == key)
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(section, order)
        section = header.sortIndicatorSection()
        if not 0 <= section < len(self.columns) or self.columns[section].sort_key is None:
            section = self.model.sort_column()
            header.setSortIndicator(section, Qt.SortOrder.AscendingOrder)
        sort = SortSpec(
            self.columns[section].sort_key or self.model.sort_spec.key,
            descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        )
        self.model.count_changed.connect(self._on_model_count_changed)
        self.model.query_failed.connect(self._on_model_query_failed)
        self.model.set_query(self.list_spec(), sort)

        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self.filter_bar.filter_changed.connect(self._on_filter_changed)
        self.filter_bar.status_changed.connect(self._on_filter_changed)
        self.filter_bar.dates_changed.connect(lambda: self._on_filter_changed(""))
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)
        self.view.activated.connect(self._on_view_activated)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.view)
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(lambda: copy_selection(self.view))
        # Ctrl+Shift+E on the page and File ▸ Export to Excel… in the main window. No button in
        # the filter bar: it would widen the page beyond the smallest window size.
        self.export_action = make_export_action(self, self.export_to_excel)

    # ---- page protocol -----------------------------------------------------------------------

    def list_source(self) -> ListSource:
        raise NotImplementedError

    def title(self) -> str:
        raise NotImplementedError

    def list_spec(self) -> ListSpec:
        """What the list shows now (text, status, date range; subclasses may add more)."""
        date_from, date_to = self.filter_bar.date_range()
        return ListSpec(
            text=self.filter_bar.text().strip(),
            status=self.filter_bar.current_status(),
            date_from=date_from,
            date_to=date_to,
            date_field=self.filter_bar.date_field(),
        )

    def row_count(self) -> int:
        return self.model.rowCount()

    def as_of(self) -> date:
        return self._as_of

    def set_as_of(self, as_of: date) -> None:
        self._as_of = as_of
        self.model.set_as_of(as_of)
        if self.filter_bar.set_as_of(as_of):  # "This month" moved with the as-of date
            self.model.set_query(self.list_spec())

    def refresh(self) -> None:
        """Re-run the query (F5), keeping the selected record selected when it is still listed."""
        current = self.current_id()
        self.model.refresh()
        if current is not None:
            self.select_id(current)

    def on_changes(self, changes: Changes) -> None:
        """React to a service's ``Changes``: refresh now if visible, else when next shown."""
        if not changes:
            return
        kind = "refresh" if self._adds_or_removes_rows(changes) else "stale"
        if self.isVisible():
            self._apply(kind)
        elif self._pending != "refresh":
            self._pending = kind

    def save_state(self) -> None:
        app_settings().setValue(
            f"pages/{self.name}/header", self.view.horizontalHeader().saveState()
        )

    def export_to_excel(self) -> BackgroundOp[ExportResult] | None:
        """Export what the list shows now (filter, sort, as-of date) to an ``.xlsx`` file."""
        from desktop_ar.services.exports import export_list

        ctx, name, as_of = self.ctx, self.list_source().name, self._as_of
        spec = self.model.spec
        spec = spec if spec.as_of is not None else replace(spec, as_of=as_of)
        sort = self.model.sort_spec
        return start_export(
            self,
            f"{name}-{as_of.isoformat()}.xlsx",
            lambda path, progress: export_list(
                ctx, name, spec, sort, path, as_of=as_of, progress=progress
            ),
        )

    # ---- selection ---------------------------------------------------------------------------

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def select_id(self, row_id: int) -> bool:
        row = self.model.row_of_id(row_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index)

    # ---- internals ---------------------------------------------------------------------------

    def _adds_or_removes_rows(self, changes: Changes) -> bool:
        if changes.everything or changes.settings:
            return True
        return any(getattr(changes, kind) for kind in self.refreshed_by)

    def _apply(self, kind: str) -> None:
        if kind == "refresh":
            self.refresh()
        else:
            self.model.mark_stale()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending is not None:
            kind, self._pending = self._pending, None
            self._apply(kind)
        self.count_changed.emit(self.model.rowCount())

    def hideEvent(self, event) -> None:
        self.save_state()
        super().hideEvent(event)

    def _restore_header(self) -> bool:
        state = app_settings().value(f"pages/{self.name}/header")
        return bool(state) and self.view.horizontalHeader().restoreState(state)

    def _on_header_sort_indicator_changed(self, section: int, order: Qt.SortOrder) -> None:
        if 0 <= section < len(self.columns) and self.columns[section].sort_key is not None:
            self.model.sort(section, order)
            return
        # No SQL sort for this column: put the indicator back where the data really is.
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        current = self.model.sort_column()
        descending = self.model.sort_spec.descending
        header.setSortIndicator(
            current, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        header.blockSignals(False)

    def _on_filter_changed(self, _value: str) -> None:
        self.model.set_query(self.list_spec())

    def _on_model_count_changed(self, count: int) -> None:
        self.filter_bar.set_count(count)
        self.count_changed.emit(count)
        if count == 0:
            self.current_changed.emit(None)

    def _on_model_query_failed(self, exc: object) -> None:
        if isinstance(exc, BaseException):
            show_error(self, exc)

    def _on_view_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(self.model.row_id(current.row()) if current.isValid() else None)

    def _on_view_activated(self, index: QModelIndex) -> None:
        row_id = self.model.row_id(index.row())
        if row_id is not None:
            self.activated.emit(row_id)
