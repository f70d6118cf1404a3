"""Reconciling one bank statement: lines on the left, candidates on the right, actions below.

Keyboard first: up/down walk the lines, Enter accepts the selected (by default the best)
candidate, Ctrl+Z undoes the selected line's match, Esc goes back to the statements. After
every action the statement and its lines are read again and the candidates of the selected line
are asked for again, off the GUI thread; the ``Changes`` reach the main window's pages through
``BackgroundOp``. A closed statement is a read-only record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from desktop_ar.services import bank_statements as bank
from desktop_ar.services.changes import Changes
from desktop_ar.services.permissions import can
from desktop_ar.ui.errors import show_error
from desktop_ar.ui.models.bank_models import LinesModel
from desktop_ar.ui.pages.bank_line_actions import LineDialogs
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp, find_changes
from desktop_ar.ui.widgets.bank_candidates import CandidatesPanel
from desktop_ar.ui.widgets.bank_recon_parts import (
    ActionBar,
    FilterButtons,
    StatementHeader,
    make_lines_view,
)

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

SUGGEST_DELAY_MS = 120  # walking the lines with the arrow keys asks once, for the line kept


class ReconcileView(LineDialogs, QWidget):
    """The reconciliation screen of one statement."""

    back_requested = Signal()
    loaded = Signal()  # statement and lines shown (tests)
    candidates_loaded = Signal(int)  # line id
    action_done = Signal(str)  # what was done (tests, status)

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.statement_id: int | None = None
        self.summary: Any = None
        self.may_reconcile = can(ctx, "reconcile") and not getattr(ctx, "read_only", False)
        self._candidates: dict[int, list[Any]] = {}  # line id → candidates until the next change
        self._busy = False
        self._load_token = 0
        self._suggest_token = 0
        self._reload_pending = False
        self.done_count = 0  # actions finished (tests wait on it)

        self.header = StatementHeader(self)
        self.header.back_button.clicked.connect(self.back_requested.emit)
        self.header.reopen_button.clicked.connect(self._on_reopen_clicked)
        self.header.reopen_button.setVisible(ctx.role == "admin")
        self.filters = FilterButtons(self)
        self.filters.changed.connect(self._on_filter_changed)
        self.lines = LinesModel(self)
        self.lines_view = make_lines_view(self.lines, self)
        self.panel = CandidatesPanel(self)
        self.panel.accept_requested.connect(self.accept_current)
        self.panel.current_changed.connect(self._update_actions)
        self.actions = ActionBar(self)
        a = self.actions
        a.accept_button.clicked.connect(self.accept_current)
        a.reject_button.clicked.connect(self.reject_current)
        a.split_button.clicked.connect(self.split_line)
        a.receipt_button.clicked.connect(self.receipt_on_account)
        a.exception_button.clicked.connect(self.record_exception)
        a.ignore_button.clicked.connect(self.ignore_line)
        a.undo_button.clicked.connect(self.undo_match)
        a.auto_button.clicked.connect(self.auto_accept)
        a.close_button.clicked.connect(self.close_statement)
        a.threshold.setValue(int(app_settings().value("bank/auto_accept", 95)))

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.panel)
        right_layout.addWidget(a.line_actions)
        right_layout.addStretch(1)  # the buttons stay right under the candidates
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.lines_view)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([600, 660])
        state = app_settings().value("bank/splitter")
        if state:
            self.splitter.restoreState(state)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(a.statement_actions)

        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(SUGGEST_DELAY_MS)
        self._suggest_timer.timeout.connect(self._suggest_current)
        self.lines_view.selectionModel().currentRowChanged.connect(self._on_line_changed)
        for view in (self.lines_view, self.panel.view):
            view.installEventFilter(self)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.back_requested.emit)
        self._update_actions()

    # ---- loading -----------------------------------------------------------------------------

    def load(self, statement_id: int) -> None:
        """Show a statement (its lines, the first open line selected)."""
        if statement_id != self.statement_id:
            self.statement_id = statement_id
            self.summary = None
            self._candidates.clear()
            self.panel.rejected.clear()
            self.lines.set_lines([])
            self.filters.set_current("open")
            self.lines.set_filter("open")
        self.reload()

    def request_reload(self) -> None:
        """Reload once, however many actions and ``Changes`` arrive in this event-loop turn."""
        if not self._reload_pending:
            self._reload_pending = True
            QTimer.singleShot(0, self.reload)

    def reload(self) -> None:
        self._reload_pending = False
        sid = self.statement_id
        if sid is None:
            return
        self._load_token += 1
        token, ctx = self._load_token, self.ctx
        QueryOp(
            self, lambda: (bank.get_statement(ctx, sid), bank.statement_lines(ctx, sid))
        ).success(lambda result: self._on_loaded(token, result)).failure(
            lambda exc: show_error(self, exc)
        ).run()

    def _on_loaded(self, token: int, result: tuple[Any, list[Any]]) -> None:
        if token != self._load_token:
            return
        summary, lines = result
        current = self.current_line()
        index = self.lines_view.currentIndex()
        row = index.row() if index.isValid() else 0
        self.summary = summary
        self.header.show_statement(summary, lines)
        self.lines.set_lines(lines)
        self.filters.set_counts(self.lines.counts())
        # Keep the line selected; when it left the filter (it was just matched), go on with the
        # line that took its place, so a statement is worked through from top to bottom.
        target = self.lines.row_of(current.id) if current is not None else None
        if target is None and self.lines.rowCount():
            target = min(row, self.lines.rowCount() - 1)
        if target is not None:
            self.select_row(target)
        else:
            self.panel.show_line(None)
        self._update_actions()
        self.loaded.emit()

    def select_row(self, row: int) -> None:
        index = self.lines.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        selection = self.lines_view.selectionModel()
        if selection.currentIndex().row() == row:  # same row, maybe another line now
            self._on_line_changed(index, index)
        selection.setCurrentIndex(index, flags)
        self.lines_view.scrollTo(index)

    def select_line(self, line_id: int) -> bool:
        row = self.lines.row_of(line_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def current_line(self) -> Any:
        index = self.lines_view.currentIndex()
        return self.lines.row(index.row()) if index.isValid() else None

    def _on_filter_changed(self, key: str) -> None:
        current = self.current_line()
        self.lines.set_filter(key)
        row = self.lines.row_of(current.id) if current is not None else None
        if row is None and self.lines.rowCount():
            row = 0
        if row is not None:
            self.select_row(row)
        else:
            self.panel.show_line(None)
        self._update_actions()

    def _on_line_changed(self, current: Any, _previous: Any) -> None:
        line = self.lines.row(current.row()) if current.isValid() else None
        if line is None:
            self.panel.show_line(None)
        elif line.status != "open" or line.id in self._candidates or self._closed():
            self.panel.show_line(line, self._candidates.get(line.id, []))
        else:
            self.panel.show_line(line, None)  # "Looking for candidates…"
            self._suggest_timer.start()
        self._update_actions()

    def suggest_now(self) -> None:
        """Ask for the selected line's candidates at once (not after the arrow-key pause)."""
        if self._suggest_timer.isActive():
            self._suggest_timer.stop()
            self._suggest_current()

    def _suggest_current(self) -> None:
        line, sid = self.current_line(), self.statement_id
        if line is None or sid is None or line.status != "open" or line.id in self._candidates:
            return
        self._suggest_token += 1
        token, ctx, line_id = self._suggest_token, self.ctx, line.id
        # One matcher over the book answers every open line at once (building it is the costly
        # part on a large book); the answers are kept until receipts or invoices change.
        QueryOp(self, lambda: bank.suggest(ctx, sid)).success(
            lambda found: self._on_suggested(token, line_id, found)
        ).failure(lambda exc: show_error(self, exc)).run()

    def _on_suggested(self, token: int, line_id: int, found: dict[int, list[Any]]) -> None:
        for other in (x.id for x in self.lines.all_lines() if x.status == "open"):
            self._candidates.setdefault(other, list(found.get(other, [])))
        self._candidates[line_id] = list(found.get(line_id, []))
        if token == self._suggest_token:
            self.panel.set_candidates(line_id, self._candidates[line_id])
            self._update_actions()
        self.candidates_loaded.emit(line_id)

    def on_changes(self, changes: Changes) -> None:
        """Receipts or invoices changed (here or elsewhere): candidates may differ now."""
        if changes and self.statement_id is not None:
            self._candidates.clear()
            if self.isVisible():
                self.request_reload()

    # ---- actions -----------------------------------------------------------------------------

    def _closed(self) -> bool:
        return self.summary is not None and self.summary.status == "closed"

    def busy(self) -> bool:
        return self._busy

    def _can_act(self) -> bool:
        return self.may_reconcile and not self._busy and not self._closed()

    def _run(self, what: str, fn: Any, *, progress: str | None = None) -> None:
        """Run a write off the GUI thread; reload and report when it is done."""
        self._busy = True
        self._update_actions()
        op = BackgroundOp(self, fn).success(lambda r: self._on_done(what, r))
        op.failure(self._on_failed)
        if progress is not None:
            op.with_progress(progress)
        op.run()

    def _on_done(self, what: str, result: object) -> None:
        self._busy = False
        self._candidates.clear()
        if isinstance(result, int) and find_changes(result) is None and result > 0:
            # auto_accept answers a count: tell the pages that receipts and invoices changed.
            handler = getattr(self.window(), "on_changes", None)
            if callable(handler):
                handler(Changes(everything=True))
        self.actions.message.setText(self._done_text(what, result))
        self.request_reload()
        self.done_count += 1
        self.action_done.emit(what)

    def _done_text(self, what: str, result: object) -> str:
        if what == "auto":
            count = result if isinstance(result, int) else 0
            return self.tr("%n line(s) accepted automatically.", "", count)
        texts = {
            "accept": self.tr("Match accepted."),
            "undo": self.tr("Match undone; the line is open again."),
            "close": self.tr("Statement closed."),
            "reopen": self.tr("Statement reopened."),
        }
        return texts.get(what, self.tr("Done."))

    def _on_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._update_actions()
        show_error(self, exc)
        self.request_reload()

    def accept_current(self) -> None:
        """Accept the selected candidate (the best unless another was picked) for the line."""
        line, candidate = self.current_line(), self.panel.current()
        if line is None or candidate is None or line.status != "open" or not self._can_act():
            return
        ctx, line_id = self.ctx, line.id
        self._run("accept", lambda _p: bank.accept_candidate(ctx, line_id, candidate))

    def reject_current(self) -> None:
        if self.panel.reject_current():
            self._update_actions()

    def undo_match(self) -> None:
        line = self.current_line()
        if line is None or line.status == "open" or not self._can_act():
            return
        ctx, line_id = self.ctx, line.id
        self._run("undo", lambda _p: bank.undo_match(ctx, line_id))

    def auto_accept(self) -> None:
        sid = self.statement_id
        if sid is None or not self._can_act():
            return
        value = self.actions.threshold.value()
        app_settings().setValue("bank/auto_accept", value)
        ctx, threshold = self.ctx, value / 100
        self._run(
            "auto",
            lambda p: bank.auto_accept(ctx, sid, threshold, progress=p),
            progress=self.tr("Accepting the sure matches…"),
        )

    def close_statement(self) -> None:
        sid = self.statement_id
        if sid is not None and self._can_act():
            ctx = self.ctx
            self._run("close", lambda _p: bank.close_statement(ctx, sid))

    def _on_reopen_clicked(self) -> None:
        sid = self.statement_id
        if sid is not None and self._closed() and not self._busy:
            ctx = self.ctx
            self._run("reopen", lambda _p: bank.reopen_statement(ctx, sid))

    # ---- state of the buttons ----------------------------------------------------------------

    def _update_actions(self) -> None:
        line = self.current_line()
        self.actions.update_for(
            line=line,
            candidate=self.panel.current(),
            has_lines=self.lines.counts().get("all", 0) > 0,
            open_lines=self.lines.counts().get("open", 0),
            can_act=self._can_act(),
            closed=self._closed(),
        )
        self.header.set_closed(self._closed())

    def save_state(self) -> None:
        app_settings().setValue("bank/splitter", self.splitter.saveState())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter accepts and Ctrl+Z undoes while the lines or the candidates have the focus.

        Ctrl+Z is also the main window's Edit ▸ Undo: taking the ShortcutOverride here makes
        the key come to this screen instead of being ambiguous between the two.
        """
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            key_event = event if isinstance(event, QKeyEvent) else None
            if key_event is not None:
                undo = key_event.matches(QKeySequence.StandardKey.Undo)
                enter = key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                    key_event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                )
                if undo or enter:
                    if kind == QEvent.Type.KeyPress:
                        self.undo_match() if undo else self.accept_current()
                    event.accept()
                    return True
        return super().eventFilter(watched, event)
