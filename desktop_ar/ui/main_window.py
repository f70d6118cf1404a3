"""The main window: navigation between pages, menus, status bar. It only routes.

Pages follow the protocol in ``pages/base.py``: ``Page(ctx, *, as_of, parent=None)`` with
``title()``, ``on_changes(changes)``, ``set_as_of(as_of)``, ``refresh()`` and optionally
``save_state()``, ``row_count()`` and a ``count_changed(int)`` signal. Pages are built the first
time they are shown, so opening a big book costs one list query.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from desktop_ar import __version__
from desktop_ar.services.changes import Changes
from desktop_ar.services.settings import get_settings
from desktop_ar.ui.dialogs.as_of import AsOfDialog
from desktop_ar.ui.formatting import format_date
from desktop_ar.ui.pages.registry import PageEntry, default_pages
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.print_actions import install_print_menus
from desktop_ar.ui.undo_stack import UndoStack
from desktop_ar.ui.wizards.import_action import make_import_action

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Navigation on the left, the current page on the right."""

    def __init__(
        self,
        ctx: ServiceContext,
        *,
        as_of: date,
        open_other: Callable[[], None] | None = None,
        pages: list[PageEntry] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.ctx = ctx
        self._as_of = as_of
        self._open_other = open_other
        self._entries = pages if pages is not None else default_pages()
        self._pages: dict[str, QWidget] = {}
        self._company = ""
        # Steps of this session that Edit > Undo can take back (dialogs push onto it).
        self.undo_stack = UndoStack(ctx, self)

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setUniformItemSizes(True)
        for entry in self._entries:
            item = QListWidgetItem(self.style().standardIcon(entry.icon), entry.label)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setSizeHint(QSize(0, 34))
            self.nav.addItem(item)
        self.nav.setFixedWidth(max(150, self.nav.sizeHintForColumn(0) + 24))
        self.stack = QStackedWidget(self)
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar()
        self.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        self._load_company()
        self._restore()

    # ---- routing -----------------------------------------------------------------------------

    def page_keys(self) -> list[str]:
        return [e.key for e in self._entries]

    def current_key(self) -> str | None:
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def page(self, key: str) -> QWidget:
        """The page for a key, built on first use."""
        if key not in self._pages:
            entry = next(e for e in self._entries if e.key == key)
            page = entry.factory(self.ctx, as_of=self._as_of, parent=self.stack)
            page.setObjectName(f"{key}Page")
            self._pages[key] = page
            self.stack.addWidget(page)
            signal = getattr(page, "count_changed", None)
            if signal is not None:
                signal.connect(lambda n, p=page: self._on_page_count_changed(p, n))
            if hasattr(page, "open_invoices_for"):
                page.open_invoices_for.connect(self._on_open_invoices_for)
        return self._pages[key]

    def show_page(self, key: str) -> None:
        if key not in self.page_keys():
            return
        row = self.page_keys().index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # → _on_nav_current_row_changed
        else:
            self._on_nav_current_row_changed(row)

    def on_changes(self, changes: Changes) -> None:
        """Fan a service's changes out to every built page (hidden ones refresh when shown)."""
        if changes.settings or changes.everything:
            self._load_company()
        for page in list(self._pages.values()):
            handler = getattr(page, "on_changes", None)
            if callable(handler):
                handler(changes)

    def as_of(self) -> date:
        return self._as_of

    def set_as_of(self, as_of: date) -> None:
        self._as_of = as_of
        self.as_of_label.setText(self.tr("As of %1").replace("%1", format_date(as_of)))
        for page in self._pages.values():
            setter = getattr(page, "set_as_of", None)
            if callable(setter):
                setter(as_of)

    def refresh(self) -> None:
        refresh = getattr(self.current_page(), "refresh", None)
        if callable(refresh):
            refresh()

    # ---- building ----------------------------------------------------------------------------

    def _action(self, text: str, shortcut: Any, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _on_export_triggered(self) -> None:
        if callable(export := getattr(self.current_page(), "export_to_excel", None)):
            export()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.open_action = self._action(
            self.tr("&Open database…"), QKeySequence.StandardKey.Open, self._on_open_triggered
        )
        self.open_action.setEnabled(self._open_other is not None)
        file_menu.addAction(self.open_action)
        self.import_action = make_import_action(self, self.ctx)
        file_menu.addAction(self.import_action)
        # The pages own the Ctrl+Shift+E shortcut; the menu entry exports the page on screen.
        self.export_action = self._action(
            self.tr("E&xport to Excel…"), None, self._on_export_triggered
        )
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        quit_action = self._action(self.tr("&Quit"), "Ctrl+Q", self.close)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(quit_action)

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.undo_action = self._action(
            self.tr("&Undo"), QKeySequence.StandardKey.Undo, self._on_undo_triggered
        )
        self.undo_action.setEnabled(False)
        edit_menu.addAction(self.undo_action)
        self.undo_stack.changed.connect(self._on_undo_stack_changed)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.page_actions: dict[str, QAction] = {}
        for number, entry in enumerate(self._entries, start=1):
            action = self._action(
                entry.label, f"Ctrl+{number}", lambda key=entry.key: self.show_page(key)
            )
            view_menu.addAction(action)
            self.page_actions[entry.key] = action
        view_menu.addSeparator()
        view_menu.addAction(self._action(self.tr("&Refresh"), "F5", self.refresh))
        view_menu.addAction(self._action(self.tr("Set &as-of date…"), "Ctrl+D", self.ask_as_of))

        install_print_menus(self, file_menu)  # File ▸ Print documents…, the Settings menu
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = self._action(self.tr("&About Desktop AR"), None, self._on_about_triggered)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel(self.ctx.db_label, self)
        self.db_label.setObjectName("dbLabel")
        self.db_label.setToolTip(self.ctx.db_label)
        self.company_label = QLabel(self)
        self.as_of_label = QLabel(self.tr("As of %1").replace("%1", format_date(self._as_of)), self)
        self.as_of_label.setObjectName("asOfLabel")
        self.rows_label = QLabel(self)
        self.rows_label.setObjectName("rowsLabel")
        bar.addWidget(self.db_label, 1)
        bar.addPermanentWidget(self.company_label)
        bar.addPermanentWidget(self.as_of_label)
        bar.addPermanentWidget(self.rows_label)
        if self.ctx.read_only:
            bar.addPermanentWidget(QLabel(self.tr("Read-only"), self))

    def _load_company(self) -> None:
        try:
            self._company = get_settings(self.ctx).name
        except Exception:  # the window must open even when settings are unreadable
            log.exception("reading company settings failed")
            self._company = ""
        self.company_label.setText(self._company)
        name = self.ctx.db_path.name if self.ctx.db_path is not None else self.ctx.db_label
        parts = [p for p in (self._company, name) if p]
        self.setWindowTitle(" — ".join([*parts, self.tr("Desktop AR")]))

    # ---- state -------------------------------------------------------------------------------

    def _restore(self) -> None:
        settings = app_settings()
        geometry = settings.value("window/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = settings.value("window/state")
        if state:
            self.restoreState(state)
        key = str(settings.value("window/page", "customers"))
        self.show_page(key if key in self.page_keys() else self.page_keys()[0])

    def save_state(self) -> None:
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        if self.current_key():
            settings.setValue("window/page", self.current_key())
        for page in self._pages.values():
            save = getattr(page, "save_state", None)
            if callable(save):
                save()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)

    # ---- slots -------------------------------------------------------------------------------

    def _on_nav_current_row_changed(self, row: int) -> None:
        if not 0 <= row < len(self._entries):
            return
        page = self.page(self._entries[row].key)
        self.stack.setCurrentWidget(page)
        count = getattr(page, "row_count", None)
        self._show_count(count() if callable(count) else None)

    def _on_page_count_changed(self, page: QWidget, count: int) -> None:
        if page is self.stack.currentWidget():
            self._show_count(count)

    def _show_count(self, count: int | None) -> None:
        self.rows_label.setText("" if count is None else self.tr("%n row(s)", "", count))

    def _on_open_invoices_for(self, customer_id: int) -> None:
        panel = getattr(self._pages.get("customers"), "panel", None)
        detail = getattr(panel, "detail", None)
        label = detail.code if detail is not None and detail.id == customer_id else str(customer_id)
        self.show_page("invoices")
        invoices = self._pages["invoices"]
        invoices.show_customer(customer_id, label)  # type: ignore[attr-defined]

    def _on_undo_triggered(self) -> None:
        self.undo_stack.undo_last(self)

    def _on_undo_stack_changed(self) -> None:
        self.undo_action.setText(self.undo_stack.undo_text())
        self.undo_action.setEnabled(self.undo_stack.can_undo())

    def _on_open_triggered(self) -> None:
        if self._open_other is not None:
            self._open_other()

    def ask_as_of(self) -> None:
        dialog = AsOfDialog(as_of=self._as_of, today=self.ctx.clock.today(), parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_as_of(dialog.value())

    def _on_about_triggered(self) -> None:
        QMessageBox.about(self, self.tr("About Desktop AR"), self.about_text())

    def about_text(self) -> str:
        return (
            self.tr(
                "<h3>Desktop AR %1</h3><p>Offline accounts receivable for small finance teams.</p>"
                "<p>Qt %2, PySide6 %3.</p><p>Qt and PySide6 are used under the LGPL v3; "
                "Noto CJK fonts under the SIL Open Font License; other libraries under their "
                "own licences (see the LICENSES folder).</p>"
            )
            .replace("%1", __version__)
            .replace("%2", qVersion())
            .replace("%3", pyside_version)
        )
