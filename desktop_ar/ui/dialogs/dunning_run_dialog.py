"""Dunning run… (催款): propose the letters as of a date, review them, issue the checked ones.

One row per proposed customer (checked; amounts per currency), the selected one's items below.
"Issue…" writes a PDF and an ``.eml`` draft per checked customer into a folder; Cancel (or Esc)
during the run records nothing and leaves no file. Roles that may not issue see a note.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QLocale, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.errors import Cancelled
from desktop_ar.services.changes import Changes
from desktop_ar.services.docs import DocOptions, find_targets, pdf_bytes
from desktop_ar.services.dunning_levels import list_levels
from desktop_ar.services.dunning_run import issue_run, propose_run
from desktop_ar.services.permissions import can
from desktop_ar.ui import print_preview as printing
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.dunning_levels import DunningLevelDTO
    from desktop_ar.services.dunning_run import IssuedNotice, Proposal
    from desktop_ar.services.progress import Progress

_GEOMETRY = "dialogs/dunning_run/geometry"
_FOLDER_KEY = "dunning_run/folder"
_CANCELLED = object()
NOTE_STYLE = "color: palette(mid);"


class _RunOp(BackgroundOp[Any]):
    """The issue run: its progress goes to the dialog's own bar (no progress window)."""

    report: Callable[[int, int, str], None] | None = None

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.report is not None:
            self.report(done, total, text)


def _item(text: str, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class DunningRunDialog(QDialog):
    """Propose a dunning run, review the letters and issue the checked ones."""

    proposed = Signal(int)  # proposals listed
    completed = Signal(object)  # list[IssuedNotice]; None when cancelled

    def __init__(self, *, ctx: ServiceContext, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dunningRunDialog")
        self.setWindowTitle(self.tr("Dunning run"))
        self.ctx = ctx
        self.may_issue = can(ctx, "issue_dunning")
        self.proposals: list[Proposal] = []
        self.levels: list[DunningLevelDTO] = []
        self._proposed_as_of = as_of
        self._op: _RunOp | None = None
        self._generation = 0

        self.date_edit = QDateEdit(QDate(as_of), self)
        self.date_edit.setObjectName("asOfEdit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.level_combo = QComboBox(self)
        self.level_combo.setObjectName("levelCombo")
        self.level_combo.addItem(self.tr("Any level"), None)
        for level in range(1, 6):
            self.level_combo.addItem(self.tr("Level %1").replace("%1", str(level)), level)
        self.propose_button = self._button(self.tr("&Propose"), "proposeButton")
        self.propose_button.clicked.connect(self.propose)
        top = QHBoxLayout()
        as_of_label = QLabel(self.tr("&As of"), self)
        as_of_label.setBuddy(self.date_edit)
        level_label = QLabel(self.tr("&Level"), self)
        level_label.setBuddy(self.level_combo)
        for w in (as_of_label, self.date_edit, level_label, self.level_combo, self.propose_button):
            top.addWidget(w)
        top.addStretch(1)

        # Translators: column titles separated by "|" (keep the nine parts).
        columns = self.tr("Code|Customer|Level|Currency|Overdue|Interest|Fee|Total due|Items")
        self.table = self._table("proposalsTable", columns.split("|"))
        # Translators: column titles separated by "|" (keep the six parts).
        columns = self.tr("Invoice|Due|Currency|Days overdue|Outstanding|Interest")
        self.items_table = self._table("itemsTable", columns.split("|"))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_items(row))
        self.table.itemChanged.connect(lambda _item: self._update_buttons())
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.items_table)
        splitter.setSizes([450, 150])

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        note = self.tr("Your role (%1) may review the run but not issue notices.")
        self.note.setText(note.replace("%1", ctx.role))
        self.note.setVisible(not self.may_issue)
        self.info_label = QLabel(self)
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.info_label.setOpenExternalLinks(True)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.hide()
        self.preview_button = self._button(self.tr("Pre&view letter…"), "previewButton")
        self.preview_button.clicked.connect(self.preview)
        self.issue_button = self._button(self.tr("&Issue…"), "issueButton")
        self.issue_button.clicked.connect(self.issue)
        self.cancel_button = self._button(self.tr("Cancel"), "cancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = self._button(self.tr("Close"), "closeButton")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress_bar, 1)
        buttons.addStretch(1)
        for b in (self.preview_button, self.issue_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.info_label)
        layout.addLayout(buttons)
        self.resize(1000, 640)
        geometry = app_settings().value(_GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._update_buttons()
        self.date_edit.setFocus()

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        return button

    def _table(self, name: str, columns: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(columns), self)
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(columns)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    # ---- proposing ---------------------------------------------------------------------------

    def propose(self) -> None:
        """List the letters the run proposes (on the database thread)."""
        if self._op is not None:
            return
        ctx, as_of = self.ctx, self.date_edit.date().toPython()
        level: int | None = self.level_combo.currentData()
        self._generation = generation = self._generation + 1
        self.info_label.setText(self.tr("Proposing…"))
        self.propose_button.setEnabled(False)

        def fetch() -> tuple[list[Proposal], list[DunningLevelDTO]]:
            return propose_run(ctx, as_of, level=level), list_levels(ctx)

        def shown(result: tuple[list[Proposal], list[DunningLevelDTO]]) -> None:
            if generation == self._generation:
                self._show(as_of, *result)

        def failed(exc: BaseException) -> None:
            self.propose_button.setEnabled(True)
            self.info_label.setText(error_text(exc))

        QueryOp(self, fetch).success(shown).failure(failed).run()

    def level_name(self, level: int) -> str:
        dto = next((lv for lv in self.levels if lv.level == level), None)
        name = dto.name(QLocale().name()[:2]) if dto is not None else ""
        return f"{level} {name}".strip()

    def _show(self, as_of: date, proposals: list[Proposal], levels: list | None = None) -> None:
        self.proposals, self._proposed_as_of = proposals, as_of
        self.levels = self.levels if levels is None else levels
        self.table.blockSignals(True)
        self.table.setRowCount(len(proposals))
        for row, p in enumerate(proposals):
            sections = p.letter.sections
            code = _item(p.customer_code)
            code.setFlags(code.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            code.setCheckState(Qt.CheckState.Checked)
            name = _item(p.customer_name)
            name.setToolTip(p.customer_name)
            cells = [
                code,
                name,
                _item(self.level_name(p.level)),
                _item("\n".join(s.currency for s in sections)),
                *(
                    _item("\n".join(format_money(getattr(s, f)) for s in sections), right=True)
                    for f in ("overdue_total", "interest_total", "fee", "total_due")
                ),
                _item(str(sum(len(s.items) for s in sections)), right=True),
            ]
            for col, cell in enumerate(cells):
                self.table.setItem(row, col, cell)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        if proposals:
            self.table.setCurrentCell(0, 0)
            self.table.setFocus()
        else:
            self._show_items(-1)
        text = self.tr("%n letter(s) proposed as of %1.", "", len(proposals))
        text = text if proposals else self.tr("Nothing to dun as of %1.")
        self.info_label.setText(text.replace("%1", as_of.isoformat()))
        self._update_buttons()
        self.proposed.emit(len(proposals))

    def _show_items(self, row: int) -> None:
        p = self.proposals[row] if 0 <= row < len(self.proposals) else None
        lines = [(s, i) for s in p.letter.sections for i in s.items] if p is not None else []
        self.items_table.setRowCount(len(lines))
        for r, (s, i) in enumerate(lines):
            cells = [
                _item(i.invoice_number),
                _item(i.due_date.isoformat()),
                _item(s.currency),
                _item(str(i.days_overdue), right=True),
                _item(format_money(i.outstanding), right=True),
                _item(format_money(i.interest), right=True),
            ]
            for col, cell in enumerate(cells):
                self.items_table.setItem(r, col, cell)
        self.items_table.resizeRowsToContents()
        self._update_buttons()

    def checked(self) -> list[Proposal]:
        """The proposals whose box is checked."""
        on = Qt.CheckState.Checked
        return [p for r, p in enumerate(self.proposals) if self.table.item(r, 0).checkState() == on]

    def current(self) -> Proposal | None:
        row = self.table.currentRow()
        return self.proposals[row] if 0 <= row < len(self.proposals) else None

    def _update_buttons(self) -> None:
        idle = self._op is None
        self.propose_button.setEnabled(idle)
        self.preview_button.setEnabled(idle and self.current() is not None)
        self.issue_button.setEnabled(idle and self.may_issue and bool(self.checked()))
        self.cancel_button.setVisible(not idle)
        self.progress_bar.setVisible(not idle)

    # ---- preview -----------------------------------------------------------------------------

    def preview(self) -> None:
        """Render the selected customer's letter (database thread), then show the preview."""
        p = self.current()
        if p is None or self._op is not None:
            return
        ctx, opts = self.ctx, DocOptions(as_of=self._proposed_as_of, level=p.level)
        title = f"{p.customer_code} {p.customer_name}"

        def render() -> bytes:
            targets = find_targets(ctx, "dunning", opts, customer_id=p.customer_id)
            return pdf_bytes(ctx, targets, opts)

        def failed(exc: BaseException) -> None:
            self.info_label.setText(error_text(exc))

        shown = QueryOp(self, render).success(lambda pdf: printing.print_preview(self, pdf, title))
        shown.failure(failed).run()

    # ---- issuing -----------------------------------------------------------------------------

    def _folder(self) -> str:
        documents = QStandardPaths.StandardLocation.DocumentsLocation
        return str(app_settings().value(_FOLDER_KEY, "") or "") or (
            QStandardPaths.writableLocation(documents)
        )

    def issue(self) -> bool:
        """Ask for a folder, then issue the checked customers' notices; False when not started."""
        chosen_props = self.checked()
        if self._op is not None or not self.may_issue or not chosen_props:
            return False
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Issue dunning notices into"), self._folder()
        )
        if not chosen:
            return False
        folder = Path(chosen)
        app_settings().setValue(_FOLDER_KEY, str(folder))
        ctx, as_of = self.ctx, self._proposed_as_of

        def run(progress: Progress) -> Any:  # on the database thread
            try:
                return issue_run(ctx, as_of, chosen_props, folder, progress=progress)
            except Cancelled:
                return _CANCELLED

        self._on_progress(0, len(chosen_props), "")
        op = _RunOp(self, run)
        op.report = self._on_progress
        op.success(lambda result: self._on_issued(result, folder)).failure(self._on_failed)
        self._op = op
        self.info_label.clear()
        self._update_buttons()
        self.cancel_button.setFocus()
        op.run()
        return True

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progress_bar.setRange(0, max(total, 0))
        self.progress_bar.setValue(min(done, total))
        self.progress_bar.setFormat(f"%v / %m  {text}" if text else "%v / %m")

    def _on_issued(self, result: Any, folder: Path) -> None:
        self._op = None
        self._update_buttons()
        if result is _CANCELLED:
            self.info_label.setText(self.tr("Cancelled; no notice was issued and no file written."))
            self.completed.emit(None)
            return
        issued: list[IssuedNotice] = result
        ids = {n.proposal.customer_id for n in issued}
        # The issued customers drop out of the run (their interval starts again).
        self._show(self._proposed_as_of, [p for p in self.proposals if p.customer_id not in ids])
        missing = sum(1 for n in issued if n.note)
        text = self.tr("%n letter(s) and .eml draft(s) written to %1.", "", len(issued))
        link = (
            f'<a href="{QUrl.fromLocalFile(str(folder)).toString()}">{html.escape(str(folder))}</a>'
        )
        text = html.escape(text).replace("%1", link)
        text += " " + self.tr("Open the folder to send the drafts from your mail program.")
        if missing:
            text += " " + self.tr("%n draft(s) have no recipient: fill it in.", "", missing)
        self.info_label.setText(text)
        forward_changes(self, Changes(customers=ids))
        self.completed.emit(issued)

    def _on_failed(self, exc: BaseException) -> None:
        self._op = None
        self._update_buttons()
        self.info_label.setText(error_text(exc))

    def cancel(self) -> None:
        """Ask the issue run to stop: nothing is recorded and no file is left."""
        if self._op is not None:
            self._op.progress.cancel()
            self.progress_bar.setFormat(self.tr("Cancelling…"))

    def is_running(self) -> bool:
        return self._op is not None

    def reject(self) -> None:
        if self._op is not None:  # Esc while issuing cancels the run, not the dialog
            self.cancel()
            return
        super().reject()

    def done(self, result: int) -> None:
        app_settings().setValue(_GEOMETRY, self.saveGeometry())
        super().done(result)
