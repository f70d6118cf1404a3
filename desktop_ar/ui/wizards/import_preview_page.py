"""Step 4 of the import wizard: what the import would do, every problem, and the commit.

Entering the page checks the whole file on the database thread (``plan_import``; a busy bar
shows meanwhile). The page lists the counts, every problem by sheet, row, column and value with
what to fix, the skipped rows with their reasons and the notes (rounded amounts…). Rejected rows
can be saved as an ``.xlsx`` with a Reason column. "Import" commits in one transaction with a
progress dialog and Cancel: a cancelled import writes nothing and says so here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from desktop_ar.domain.errors import Cancelled, DomainError
from desktop_ar.services.changes import Changes
from desktop_ar.services.imports import commit_import, plan_import, write_rejects
from desktop_ar.ui.errors import error_text, show_error
from desktop_ar.ui.tasks import BackgroundOp
from desktop_ar.ui.wizards import import_labels
from desktop_ar.ui.wizards.import_cells import changes_after_import, record_text
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.import_page_base import (
    ERROR_STYLE,
    NOTE_STYLE,
    OK_STYLE,
    ImportPage,
)
from desktop_ar.ui.wizards.import_tables import RowsModel

if TYPE_CHECKING:
    from desktop_ar.domain.errors import CellError
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.import_plan import ImportPlan, ImportResult
    from desktop_ar.services.progress import Progress
    from desktop_ar.ui.wizards.import_flow import ImportFlow

WARN_STYLE = "color: #a15c00;"


@dataclass(frozen=True)
class CommitOutcome:
    """What the commit did: a result, or cancelled (nothing written)."""

    result: ImportResult | None
    cancelled: bool = False


def what_to_fix(error: CellError) -> str:
    return error_text(DomainError(error.code, **error.params))


def _table(model: RowsModel, parent: QWidget, widths: tuple[int, ...]) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setDefaultAlignment(
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    )
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    return view


class ImportPreviewPage(ImportPage):
    """Counts, problems, skipped rows and notes of the plan; pressing Import commits it."""

    step = Step.PREVIEW

    def __init__(self, *, ctx: ServiceContext, flow: ImportFlow, parent: QWidget | None = None):
        super().__init__(ctx=ctx, flow=flow, parent=parent)
        self.setTitle(self.tr("Preview"))
        self.setSubTitle(self.tr("Nothing is written until you press Import."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Import"))
        self.committing: BackgroundOp[Any] | None = None

        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusLabel")
        self.banner = QLabel(self)
        self.banner.setObjectName("bannerLabel")
        self.banner.setWordWrap(True)
        self.counts: dict[str, QLabel] = {}
        counts = QGridLayout()
        titles = (
            ("create", self.tr("To create")),
            ("update", self.tr("To update")),
            ("skipped", self.tr("Skipped")),
            ("rejected", self.tr("Rejected rows")),
        )
        for column, (key, title) in enumerate(titles):
            number = QLabel("–", self)
            number.setObjectName(f"count_{key}")
            number.setStyleSheet("font-size: 20px; font-weight: bold;")
            counts.addWidget(number, 0, column)
            counts.addWidget(QLabel(title, self), 1, column)
            counts.setColumnStretch(column, 1)
            self.counts[key] = number

        self.problems = RowsModel(
            [
                (self.tr("Sheet"), lambda e: e.sheet),
                (self.tr("Row"), lambda e: e.row or ""),
                (self.tr("Column"), lambda e: e.column),
                (self.tr("Value"), lambda e: e.value),
                (self.tr("What to fix"), what_to_fix),
            ],
            self,
        )
        self.skipped = RowsModel(
            [
                (self.tr("Row"), lambda item: item[0].row_number),
                (self.tr("Reason"), lambda item: item[1]),
                (self.tr("Values"), lambda item: record_text(item[0].values)),
            ],
            self,
        )
        self.notes = RowsModel([(self.tr("Note"), lambda note: note)], self)
        self.tabs = QTabWidget(self)
        self.problems_view = _table(self.problems, self, (110, 60, 70, 180))
        self.skipped_view = _table(self.skipped, self, (60, 200))
        self.notes_view = _table(self.notes, self, ())
        self.tabs.addTab(self.problems_view, "")
        self.tabs.addTab(self.skipped_view, "")
        self.tabs.addTab(self.notes_view, "")

        self.skip_check = QCheckBox(self.tr("S&kip invalid rows (import the others)"), self)
        self.skip_check.setObjectName("skipInvalid")
        self.rejects_button = QPushButton(self.tr("Save &rejected rows…"), self)
        self.rejects_button.setObjectName("saveRejectsButton")
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_check)
        bottom.addStretch(1)
        bottom.addWidget(self.rejects_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.status_label)
        layout.addLayout(counts)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.message)

        self.skip_check.toggled.connect(self._on_skip_check_toggled)
        self.rejects_button.clicked.connect(self._on_rejects_button_clicked)

    # ---- planning ----------------------------------------------------------------------------

    def initializePage(self) -> None:
        # Always read the file again: the user may have fixed it in Excel (Back, then Next).
        flow = self.flow
        flow.clear_plan()
        self.skip_check.setChecked(flow.skip_invalid)
        self.show_message("")
        self.status_label.setText(self.tr("Checking every row of the file…"))
        self.show_plan()
        ctx, arguments = self.ctx, flow.plan_arguments()
        self.run_query(lambda: plan_import(ctx, **arguments), self._on_planned, self._on_unplanned)

    def cleanupPage(self) -> None:
        self.forget_pending()

    def _on_planned(self, plan: ImportPlan) -> None:
        self.flow.set_plan(plan)
        self.show_plan()

    def _on_unplanned(self, exc: BaseException) -> None:
        self.status_label.setText("")
        self._on_failed(exc)

    def show_plan(self) -> None:
        flow, plan = self.flow, self.flow.plan
        summary = flow.summary()
        if plan is not None:
            text = self.tr("%1 · sheet “%2” · %n data row(s)", "", plan.rows_total)
            self.status_label.setText(text.replace("%1", plan.file.name).replace("%2", plan.sheet))
        values = (summary.to_create, summary.to_update, summary.skipped, summary.rejected_rows)
        for key, value in zip(self.counts, values, strict=True):
            self.counts[key].setText("–" if plan is None else str(value))
        self.counts["rejected"].setStyleSheet(
            "font-size: 20px; font-weight: bold;" + (ERROR_STYLE if summary.rejected_rows else "")
        )
        errors = sorted(plan.errors, key=lambda e: (e.row, len(e.column), e.column)) if plan else []
        self.problems.set_rows(errors)
        self.skipped.set_rows(list(plan.skipped) if plan is not None else [])
        self.notes.set_rows(list(plan.notes) if plan is not None else [])
        self.tabs.setTabText(0, self.tr("Problems (%1)").replace("%1", str(summary.problems)))
        self.tabs.setTabText(1, self.tr("Skipped rows (%1)").replace("%1", str(summary.skipped)))
        self.tabs.setTabText(2, self.tr("Notes (%1)").replace("%1", str(self.notes.rowCount())))
        if plan is not None and plan.errors:
            self.tabs.setCurrentIndex(0)
        elif plan is not None and plan.skipped:
            self.tabs.setCurrentIndex(1)
        self._show_banner()
        fresh = plan is not None and plan.already_imported is None
        self.skip_check.setEnabled(fresh and flow.can_skip_invalid())
        self.rejects_button.setEnabled(flow.can_save_rejects())
        self.refresh_complete()

    def _show_banner(self) -> None:
        summary = self.flow.summary()
        if self.flow.plan is None:
            self.banner.setText("")
            return
        if summary.can_commit:
            parts = [self.tr("Ready to import.")]
            if summary.rejected_rows:
                left_out = self.tr(
                    "%n row(s) with problems will be left out.", "", summary.rejected_rows
                )
                parts.append(left_out)
            self.banner.setText(" ".join(parts))
            self.banner.setStyleSheet(OK_STYLE)
            return
        self.banner.setText(import_labels.blocker_text(summary.blocker, summary.already_imported))
        self.banner.setStyleSheet(WARN_STYLE if summary.blocker else NOTE_STYLE)

    # ---- slots -------------------------------------------------------------------------------

    def _on_skip_check_toggled(self, checked: bool) -> None:
        self.flow.set_skip_invalid(checked)
        self._show_banner()
        self.refresh_complete()

    def _on_rejects_button_clicked(self) -> None:
        plan = self.flow.plan
        if plan is None:
            return
        start = str(plan.file.with_name(f"{plan.file.stem}-rejected.xlsx"))
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save rejected rows"), start, self.tr("Excel workbook (*.xlsx)")
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        rows = len(plan.rejected_cells)
        BackgroundOp(self, lambda _progress: write_rejects(plan, path)).success(
            lambda written: self.show_message(
                self.tr("Saved %n rejected row(s) to %1.", "", rows).replace("%1", str(written)),
                OK_STYLE,
            )
        ).failure(self._on_failed).run()

    # ---- commit ------------------------------------------------------------------------------

    def isComplete(self) -> bool:
        return self.committing is None and super().isComplete()

    def validatePage(self) -> bool:
        """Import pressed: commit in the background; the wizard moves on when it is done."""
        if self.flow.result is not None:
            return True
        if self.committing is None and self.flow.summary().can_commit:
            self.start_commit()
        return False

    def start_commit(self) -> None:
        flow, ctx = self.flow, self.ctx
        plan, skip = flow.plan, flow.skip_invalid
        assert plan is not None

        def work(progress: Progress) -> tuple[CommitOutcome, Changes]:
            try:
                result = commit_import(ctx, plan, progress=progress, skip_invalid=skip)
            except Cancelled:  # the transaction rolled back: nothing was written
                return CommitOutcome(None, cancelled=True), Changes()
            return CommitOutcome(result), changes_after_import(result)

        self.show_message("")
        self.status_label.setText(self.tr("Importing…"))
        self.busy_bar.show()
        title = self.tr("Importing %1…").replace("%1", plan.file.name)
        self.committing = BackgroundOp(self, work).success(self._on_committed)
        self.committing.failure(self._on_commit_failed).with_progress(title).run()
        self.refresh_complete()

    def cancel_commit(self) -> None:
        """Ask a running commit to stop (Escape or closing the wizard)."""
        if self.committing is not None:
            self.committing.progress.cancel()

    def _finish_commit(self) -> None:
        self.committing = None
        self.busy_bar.setVisible(self.busy)
        self.show_plan()

    def _on_committed(self, outcome: tuple[CommitOutcome, Changes]) -> None:
        done = outcome[0]
        self._finish_commit()
        if done.cancelled or done.result is None:
            self.flow.set_cancelled()
            self.show_message(self.tr("Cancelled: nothing was imported."), WARN_STYLE)
            return
        self.flow.set_result(done.result)
        self.wizard().next()

    def _on_commit_failed(self, exc: BaseException) -> None:
        self._finish_commit()
        self._on_failed(exc)

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            self.show_message(error_text(exc))
        else:  # a bug: the "something went wrong" dialog with the traceback
            show_error(self, exc)
