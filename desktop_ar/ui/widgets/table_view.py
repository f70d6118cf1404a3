"""The table view every lazy list uses, and copying its selection as plain values."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

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


def install_column_chooser(view: QTableView, on_changed: Callable[[], None] | None = None) -> None:
    """Right-click on the header: a menu of checkable columns to hide or show.

    Hidden sections are part of ``QHeaderView.saveState()``, so the page's saved header keeps
    them; ``on_changed`` runs after each change (the page saves its layout right away).
    """
    header = view.horizontalHeader()
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show_menu(pos) -> None:
        menu = column_menu(view, on_changed)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(header.mapToGlobal(pos))

    header.customContextMenuRequested.connect(show_menu)


def column_menu(view: QTableView, on_changed: Callable[[], None] | None = None) -> QMenu:
    """The column chooser menu (built fresh each time, in the header's visual order)."""
    header = view.horizontalHeader()
    model = view.model()
    menu = QMenu(header)
    menu.setObjectName("columnMenu")
    visible = [i for i in range(header.count()) if not header.isSectionHidden(i)]

    def toggle(logical: int, shown: bool) -> None:
        header.setSectionHidden(logical, not shown)
        if shown and header.sectionSize(logical) < 20:
            view.setColumnWidth(logical, header.defaultSectionSize())
        if on_changed is not None:
            on_changed()

    for visual in range(header.count()):
        logical = header.logicalIndex(visual)
        title = str(model.headerData(logical, Qt.Orientation.Horizontal) or "")
        action = menu.addAction(title)
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(logical))
        # The last visible column cannot be hidden: an empty table has no header to click.
        action.setEnabled(not (len(visible) == 1 and logical in visible))
        action.toggled.connect(lambda shown, i=logical: toggle(i, shown))
    menu.addSeparator()
    show_all = menu.addAction(QCoreApplication.translate("ColumnMenu", "Show all columns"))

    def on_show_all() -> None:
        for i in range(header.count()):
            if header.isSectionHidden(i):
                toggle(i, True)

    show_all.triggered.connect(lambda _checked=False: on_show_all())
    return menu


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
