"""Print documents… : what to print, for whom, then preview, print or save as PDF.

Every kind of document goes through the registry of ``services.docs`` (``find_targets``,
``pdf_bytes``, ``write_pdf``, ``DocOptions``); this dialog imports no kind module. The line
under the options says how many documents the choice produces (counted off the GUI thread and
recounted shortly after an option changes). Rendering runs on the database thread with the
dialog's own progress bar and Cancel button; a cancelled save leaves no file behind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.errors import Cancelled, DomainError, UserFacingError
from desktop_ar.services.docs import (
    DocOptions,
    Target,
    find_targets,
    pdf_bytes,
    safe_stem,
    write_pdf,
)
from desktop_ar.services.settings import get_settings
from desktop_ar.ui import print_preview as printing
from desktop_ar.ui.dialogs.print_options import NUMBER_KINDS, PrintOptions
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.progress import Progress

_GEOMETRY = "dialogs/print_documents/geometry"
_FOLDER_KEY = "print/folder"
_CANCELLED = object()  # what a cancelled run returns (Cancelled itself is never reported)
_Work = Callable[["ServiceContext", list[Target], DocOptions, "Progress"], Any]


def _available(kind: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn``; a kind whose module is not installed becomes a message, not a traceback."""
    try:
        return fn()
    except ModuleNotFoundError as exc:
        reason = "this kind of document is not available in this version"
        raise UserFacingError("invalid", field=kind, reason=reason) from exc


def _render(ctx: ServiceContext, targets: list[Target], opts: DocOptions, p: Progress) -> bytes:
    return pdf_bytes(ctx, targets, opts, progress=p)


class _RunOp(BackgroundOp[Any]):
    """A background run whose progress goes to the dialog's own bar (no progress window)."""

    report: Callable[[int, int, str], None] | None = None

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.report is not None:
            self.report(done, total, text)


class PrintDocumentsDialog(QDialog):
    """Statements, invoices, receipts, dunning letters, confirmations and the aging report."""

    count_changed = Signal(int)  # documents the current choice produces (-1: unknown)
    completed = Signal(object)  # bytes (preview/print) or list[Path] (saved); None: cancelled

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        as_of: date,
        kind: str = "statement",
        customer_id: int | None = None,
        customer_label: str = "",
        number: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("printDocumentsDialog")
        self.setWindowTitle(self.tr("Print documents"))
        self.ctx = ctx
        self.count: int | None = None
        self._generation = 0
        self._op: _RunOp | None = None
        self._recount = QTimer(self)  # a recount shortly after the last change
        self._recount.setSingleShot(True)
        self._recount.setInterval(150)
        self._recount.timeout.connect(self.refresh_count)
        self.form = PrintOptions(
            as_of=as_of,
            kind=kind,
            customer_id=customer_id,
            customer_label=customer_label,
            number=number,
            parent=self,
        )
        self._build()
        self.form.changed.connect(self._on_form_changed)
        self.form.kind_changed.connect(self._on_kind_changed)
        self._on_kind_changed(self.form.kind())
        geometry = app_settings().value(_GEOMETRY)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(max(640, self.sizeHint().width()), self.sizeHint().height())
        QueryOp(self, lambda: get_settings(ctx).paper).success(self.form.set_paper).failure(
            lambda _e: None
        ).run()
        self.refresh_count()
        self.form.kind_combo.setFocus()

    def _build(self) -> None:
        self.count_label = QLabel(self.tr("Counting the documents…"), self)
        self.count_label.setObjectName("printCount")
        self.count_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()
        self.info_label = QLabel(self)
        self.info_label.setObjectName("printInfo")
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label.hide()
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("printProgress")
        self.cancel_button = self._button(self.tr("Cancel"), "printCancel")
        self.cancel_button.clicked.connect(self.cancel)
        run_row = QHBoxLayout()
        run_row.addWidget(self.progress_bar, 1)
        run_row.addWidget(self.cancel_button)
        self.run_widgets = (self.progress_bar, self.cancel_button)
        for widget in self.run_widgets:
            widget.hide()
        self.preview_button = self._button(self.tr("Pre&view…"), "printPreviewButton")
        self.preview_button.clicked.connect(lambda _c=False: self.preview())
        self.print_button = self._button(self.tr("&Print…"), "printButton")
        self.print_button.clicked.connect(lambda _c=False: self.print_documents())
        self.save_button = self._button(self.tr("&Save as PDF…"), "savePdfButton")
        self.save_button.clicked.connect(lambda _c=False: self.save_pdf())
        self.per_file_button = self._button("", "savePerFileButton")
        self.per_file_button.clicked.connect(lambda _c=False: self.save_per_file())
        self.close_button = self._button(self.tr("Close"), "closeButton")
        self.close_button.clicked.connect(self.reject)
        self.preview_button.setDefault(True)
        self.action_buttons = (
            self.preview_button,
            self.print_button,
            self.save_button,
            self.per_file_button,
        )
        buttons = QHBoxLayout()
        for button in self.action_buttons:
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.count_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        layout.addLayout(run_row)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        return button

    # ---- the count ---------------------------------------------------------------------------

    def _on_kind_changed(self, kind: str) -> None:
        self.per_file_button.setText(
            self.tr("Save one &file per document…")
            if kind in NUMBER_KINDS
            else self.tr("Save one &file per customer…")
        )

    def _on_form_changed(self) -> None:
        self.info_label.hide()
        self._recount.start()

    def options(self) -> DocOptions | None:
        """The options chosen, or None (the reason shown inline) when a date is not valid."""
        opts = self.form.options()
        if isinstance(opts, str):
            self.show_error(opts)
            return None
        return opts

    def refresh_count(self) -> None:
        """Count the documents of the current choice (off the GUI thread)."""
        self._recount.stop()
        self._generation += 1
        generation = self._generation
        opts = self.options()
        if opts is None:
            self._on_counted(generation, None)
            return
        self.error_label.hide()
        ctx, kind, args = self.ctx, self.form.kind(), self.form.target_args()
        QueryOp(
            self, lambda: _available(kind, lambda: len(find_targets(ctx, kind, opts, **args)))
        ).success(lambda n: self._on_counted(generation, n)).failure(
            lambda exc: self._on_count_failed(generation, exc)
        ).run()

    def _on_counted(self, generation: int, count: int | None) -> None:
        if generation != self._generation:
            return  # an older count; a newer one is on its way
        self.count = count
        if count is None:
            self.count_label.setText("")
        elif count == 0:
            self.count_label.setText(self.tr("Nothing to print for this choice."))
        else:
            self.count_label.setText(self.tr("%n document(s) will be produced.", "", count))
        self._set_running(self._op is not None)
        self.count_changed.emit(-1 if count is None else count)

    def _on_count_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._on_counted(generation, None)
            self.show_error(exc)

    def show_error(self, exc: BaseException | str) -> None:
        self.error_label.setText(exc if isinstance(exc, str) else error_text(exc))
        self.error_label.show()
        self.info_label.hide()

    # ---- running -----------------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        for widget in self.run_widgets:
            widget.setVisible(running)
        ready = not running and bool(self.count)
        for button in self.action_buttons:
            button.setEnabled(ready)
        self.form.set_enabled_while_running(running)

    def _run(self, work: _Work, done: Callable[[Any], None]) -> bool:
        opts = self.options()
        if opts is None or self._op is not None:
            return False
        self.error_label.hide()
        self.info_label.hide()
        ctx, kind, args = self.ctx, self.form.kind(), self.form.target_args()

        def run(progress: Progress) -> Any:  # on the database thread
            try:
                targets = _available(kind, lambda: find_targets(ctx, kind, opts, **args))
                return work(ctx, targets, opts, progress)
            except Cancelled:
                return _CANCELLED

        self.progress_bar.setRange(0, 0)
        self.progress_bar.setFormat(self.tr("Preparing…"))
        op = _RunOp(self, run)
        op.report = self._on_progress
        op.success(lambda result: self._on_done(result, done)).failure(self._on_failed)
        self._op = op
        self._set_running(True)
        self.cancel_button.setFocus()
        op.run()
        return True

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progress_bar.setRange(0, max(total, 0))
        self.progress_bar.setValue(min(done, total))
        self.progress_bar.setFormat(f"%v / %m  {text}" if text else "%v / %m")

    def _on_done(self, result: Any, done: Callable[[Any], None]) -> None:
        self._op = None
        self._set_running(False)
        if result is _CANCELLED:
            self.info_label.setText(self.tr("Cancelled; nothing was written."))
            self.info_label.show()
            self.completed.emit(None)
            return
        try:
            done(result)  # the preview, the printer, the saved files' line
        except DomainError as exc:
            self.show_error(exc)
            return
        self.completed.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._op = None
        self._set_running(False)
        self.show_error(exc)

    def cancel(self) -> None:
        """Ask the running work to stop (it stops before the next document)."""
        if self._op is not None:
            self._op.progress.cancel()
            self.progress_bar.setFormat(self.tr("Cancelling…"))

    def is_running(self) -> bool:
        return self._op is not None

    def preview(self) -> None:
        """Render on the database thread, then show the print preview."""
        title = self.form.title()
        self._run(_render, lambda pdf: printing.print_preview(self, pdf, title))

    def print_documents(self) -> None:
        """Render on the database thread, then ask for a printer and print."""
        title = self.form.title()
        self._run(_render, lambda pdf: printing.print_pdf(self, pdf, title))

    def _folder(self) -> str:
        folder = str(app_settings().value(_FOLDER_KEY, "") or "")
        return folder or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )

    def save_pdf(self) -> Path | None:
        """Ask for a file name, then write one combined PDF; None when the dialog is cancelled."""
        if self._op is not None:
            return None
        name = f"{safe_stem(self.form.file_stem(self.ctx.clock.today()))}.pdf"
        folder = self._folder()
        start = str(Path(folder) / name) if folder else name
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save as PDF"), start, self.tr("PDF document (*.pdf)")
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        app_settings().setValue(_FOLDER_KEY, str(path.parent))

        def work(ctx: ServiceContext, targets: list[Target], opts: DocOptions, p: Progress) -> Any:
            return write_pdf(ctx, targets, opts, path, progress=p)

        return path if self._run(work, self._on_saved) else None

    def save_per_file(self) -> Path | None:
        """Ask for a folder, then write one PDF per document into it."""
        if self._op is not None:
            return None
        title = self.per_file_button.text().replace("&", "").rstrip("…")
        chosen = QFileDialog.getExistingDirectory(self, title, self._folder())
        if not chosen:
            return None
        folder = Path(chosen)
        app_settings().setValue(_FOLDER_KEY, str(folder))

        def work(ctx: ServiceContext, targets: list[Target], opts: DocOptions, p: Progress) -> Any:
            return write_pdf(ctx, targets, opts, folder, per_file=True, progress=p)

        return folder if self._run(work, self._on_saved) else None

    def _on_saved(self, paths: list[Path]) -> None:
        if len(paths) == 1:
            text = self.tr("Saved %1").replace("%1", str(paths[0]))
        else:
            text = self.tr("%n file(s) saved in %1", "", len(paths))
            text = text.replace("%1", str(paths[0].parent))
        self.info_label.setText(text)
        self.info_label.show()
        window = self.parentWidget().window() if self.parentWidget() is not None else None
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 8000)

    # ---- closing -----------------------------------------------------------------------------

    def reject(self) -> None:
        if self._op is not None:  # Esc while rendering cancels the work, not the dialog
            self.cancel()
            return
        super().reject()

    def done(self, result: int) -> None:
        app_settings().setValue(_GEOMETRY, self.saveGeometry())
        super().done(result)
