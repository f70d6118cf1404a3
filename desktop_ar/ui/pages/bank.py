"""The Bank page (银行对账): imported statements, and the reconciliation screen of one of them.

The list shows every imported statement with its balances, how many lines are still open and
flags for a balance problem or a file imported twice. "Import statement…" reads a bank file off
the GUI thread; Enter or a double-click opens the statement's reconciliation screen on the same
page (Esc goes back).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.services import bank_statements as bank
from desktop_ar.services.permissions import can
from desktop_ar.ui.dialogs.bank_import import BankImport, choose_file
from desktop_ar.ui.errors import show_error
from desktop_ar.ui.models.bank_models import StatementsModel
from desktop_ar.ui.pages.bank_reconcile import ReconcileView
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import QueryOp

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext


class BankPage(QWidget):
    """Statements list ⇄ reconciliation screen."""

    count_changed = Signal(int)
    loaded = Signal()  # the statements list was (re)loaded (tests)
    imported = Signal(object)  # list of StatementSummary

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._as_of = as_of
        self._stale = False
        self._token = 0
        self._select_after_load: int | None = None
        self.import_op: BankImport | None = None
        self.import_wizard: QWidget | None = None

        self.list_page = QWidget(self)
        self.import_button = QPushButton(self.tr("&Import statement…"), self.list_page)
        self.import_button.setObjectName("importStatementButton")
        self.import_button.setEnabled(can(ctx, "reconcile") and not ctx.read_only)
        self.open_button = QPushButton(self.tr("&Open"), self.list_page)
        self.open_button.setObjectName("openStatementButton")
        self.open_button.setToolTip(self.tr("Reconcile the selected statement (Enter)"))
        self.summary_label = QLabel(self.list_page)
        self.summary_label.setObjectName("statementsSummary")
        self.message_label = QLabel(self.list_page)
        self.message_label.setObjectName("importMessage")
        self.message_label.setWordWrap(True)
        self.model = StatementsModel(self)
        self.view = QTableView(self.list_page)
        self.view.setObjectName("statementsView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for col, width in enumerate((280, 170, 44, 110, 110, 56, 76, 64, 150)):
            self.view.setColumnWidth(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        state = app_settings().value("bank/statements_header")
        if state:
            header.restoreState(state)
        tools = QHBoxLayout()
        tools.addWidget(self.import_button)
        tools.addWidget(self.open_button)
        tools.addSpacing(12)
        tools.addWidget(self.summary_label)
        tools.addSpacing(12)
        tools.addWidget(self.message_label, 1)
        list_layout = QVBoxLayout(self.list_page)
        list_layout.setContentsMargins(6, 6, 6, 6)
        list_layout.addLayout(tools)
        list_layout.addWidget(self.view, 1)

        self.reconcile = ReconcileView(ctx, self)
        self.reconcile.setObjectName("reconcileView")
        self.reconcile.back_requested.connect(self.show_list)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.reconcile)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.open_button.clicked.connect(self.open_current)
        self.view.activated.connect(lambda _index: self.open_current())
        self.view.doubleClicked.connect(lambda _index: self.open_current())
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.view)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.open_current)
        self._update_buttons()
        self.refresh()

    # ---- page protocol -----------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("Bank")

    def row_count(self) -> int:
        return self.model.rowCount()

    def set_as_of(self, as_of: date) -> None:
        self._as_of = as_of

    def refresh(self) -> None:
        """Read the statements again (F5); the open reconciliation screen too."""
        self._stale = False
        self._token += 1
        token, ctx = self._token, self.ctx
        QueryOp(self, lambda: bank.list_statements(ctx)).success(
            lambda rows: self._on_listed(token, rows)
        ).failure(lambda exc: show_error(self, exc)).run()
        if self.stack.currentWidget() is self.reconcile:
            self.reconcile.request_reload()

    def on_changes(self, changes: Changes) -> None:
        if not changes:
            return
        self.reconcile.on_changes(changes)
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def save_state(self) -> None:
        app_settings().setValue("bank/statements_header", self.view.horizontalHeader().saveState())
        self.reconcile.save_state()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
        self.count_changed.emit(self.model.rowCount())

    # ---- statements list ---------------------------------------------------------------------

    def _on_listed(self, token: int, rows: list[Any]) -> None:
        if token != self._token:
            return
        current = self._select_after_load or self.current_id()
        self._select_after_load = None
        self.model.set_rows(rows)
        row = self.model.row_of(current) if current is not None else None
        if row is None and rows:
            row = 0
        if row is not None:
            self._select_row(row)
        open_count = sum(1 for s in rows if s.status == "open")
        self.summary_label.setText(
            self.tr("%n statement(s)", "", len(rows))
            + " · "
            + self.tr("%n still open", "", open_count)
        )
        self._update_buttons()
        self.count_changed.emit(len(rows))
        self.loaded.emit()

    def _select_row(self, row: int) -> None:
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)

    def select_id(self, statement_id: int) -> bool:
        row = self.model.row_of(statement_id)
        if row is not None:
            self._select_row(row)
        return row is not None

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        s = self.model.row(index.row()) if index.isValid() else None
        return s.id if s is not None else None

    def _on_current_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.current_id() is not None)

    # ---- opening and importing ---------------------------------------------------------------

    def open_current(self) -> None:
        statement_id = self.current_id()
        if statement_id is not None:
            self.open_statement(statement_id)

    def open_statement(self, statement_id: int) -> None:
        """Show the reconciliation screen of a statement."""
        self.reconcile.load(statement_id)
        self.stack.setCurrentWidget(self.reconcile)
        self.reconcile.lines_view.setFocus()

    def show_list(self) -> None:
        statement_id = self.reconcile.statement_id
        self.stack.setCurrentWidget(self.list_page)
        self.refresh()
        if statement_id is not None:
            self.select_id(statement_id)
        self.view.setFocus()

    def is_reconciling(self) -> bool:
        return self.stack.currentWidget() is self.reconcile

    def _on_import_button_clicked(self) -> None:
        path = choose_file(self)
        if path is not None:
            self.open_import_wizard(path)

    def open_import_wizard(self, path: Path) -> None:
        """Read the file; a CSV/Excel export opens the import wizard, other formats import."""
        ctx = self.ctx
        QueryOp(self, lambda: bank.preview_bank_table(ctx, path)).success(
            lambda table: self._on_file_read(path, table)
        ).failure(lambda exc: show_error(self, exc)).run()

    def _on_file_read(self, path: Path, table: Any) -> None:
        if not table.is_table:
            self.import_file(path)  # MT940, OFX, CAMT: no columns to choose
            return
        from desktop_ar.ui.wizards.bank_wizard import BankImportWizard

        wizard = BankImportWizard(ctx=self.ctx, path=path, table=table, parent=self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._on_imported)
        self.import_wizard = wizard
        wizard.open()

    def import_file(self, path: Path, **kw: Any) -> BankImport:
        """Import a bank file (off the GUI thread); the list shows the new statements."""
        from desktop_ar.services.settings import get_settings

        try:
            currency = get_settings(self.ctx).base_currency
        except Exception:  # the import still works; only the suggested currency is missing
            currency = "CNY"
        self.import_op = BankImport(
            self, self.ctx, path, on_done=self._on_imported, default_currency=currency, **kw
        )
        self.import_op.run()
        return self.import_op

    def _on_imported(self, statements: list[Any]) -> None:
        self.imported.emit(statements)
        parts = [self.tr("Imported %n statement(s).", "", len(statements))]
        if any(s.duplicate_of_id is not None for s in statements):
            parts.append(self.tr("Imported before: check the flags."))
        if any(s.balance_problem for s in statements):
            parts.append(self.tr("Balance problem: the lines do not add up."))
        self.message_label.setText(" ".join(parts))
        if statements:
            self._select_after_load = statements[0].id
        self.refresh()
        self.view.setFocus()
