"""The table view every lazy list uses, and copying its selection as plain values."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop_ar.ui.models.lazy_table import LazyTableModel
from desktop_ar.ui.models.roles import Role


def make_table_view(model: LazyTableModel, parent: QWidget | None = None) -> QTableView:
    """A read-only row-selecting table view over a lazy model, sized from its column specs."""
    view = QTableView(parent)
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setCornerButtonEnabled(False)
    vh = view.verticalHeader()
    vh.hide()
    # Fixed row heights: the view never asks for the size of a million rows.
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionsMovable(True)
    header.setSectionsClickable(True)
    header.setSortIndicatorShown(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for i, col in enumerate(model.columns):
        view.setColumnWidth(i, col.width)
    return view


def copy_selection(view: QTableView) -> str:
    """Selected rows as tab-separated plain values (``Role.Clipboard``), put on the clipboard."""
    model = view.model()
    rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
    header = view.horizontalHeader()
    cols = [header.logicalIndex(v) for v in range(header.count())]
    cols = [c for c in cols if not header.isSectionHidden(c)]
    lines = [
        "\t".join(str(model.index(r, c).data(Role.Clipboard) or "") for c in cols) for r in rows
    ]
    text = "\n".join(lines)
    if text:
        QGuiApplication.clipboard().setText(text)
    return text
