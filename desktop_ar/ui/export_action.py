"""The "Export to Excel…" action (Ctrl+Shift+E) shared by every list page and the aging page.

The action asks for a file name, then runs the export on the database thread as a
``BackgroundOp`` with a progress dialog and Cancel (a cancelled export leaves no file). The
page supplies the work as ``fn(path, progress) -> ExportResult``, built from what it shows now.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp

if TYPE_CHECKING:
    from desktop_ar.services.exports import ExportResult
    from desktop_ar.services.progress import Progress

SHORTCUT = "Ctrl+Shift+E"
_FOLDER_KEY = "export/folder"

ExportWork = Callable[[Path, "Progress"], "ExportResult"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("export", text)


def ask_xlsx_path(parent: QWidget, default_name: str) -> Path | None:
    """Ask where to save an ``.xlsx`` file (the last folder used is offered); None if cancelled."""
    folder = str(app_settings().value(_FOLDER_KEY, "") or "")
    if not folder:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    start = str(Path(folder) / default_name) if folder else default_name
    name, _ = QFileDialog.getSaveFileName(
        parent, _tr("Export to Excel"), start, _tr("Excel workbook (*.xlsx)")
    )
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    app_settings().setValue(_FOLDER_KEY, str(path.parent))
    return path


def start_export(
    parent: QWidget,
    default_name: str,
    work: ExportWork,
    done: Callable[[ExportResult], None] | None = None,
) -> BackgroundOp[ExportResult] | None:
    """Ask for the file, then run ``work(path, progress)`` in the background with progress.

    Args:
        parent: the page (errors are shown over it).
        default_name: the file name offered, e.g. ``invoices-2026-06-30.xlsx``.
        work: the export, run on the database thread.
        done: called with the result on success (the page may show it in the status bar).

    Returns:
        The running operation, or None when the user cancelled the file dialog.
    """
    path = ask_xlsx_path(parent, default_name)
    if path is None:
        return None
    op = BackgroundOp(parent, lambda progress: work(path, progress))
    if done is not None:
        op.success(done)
    op.with_progress(_tr("Exporting to %1…").replace("%1", path.name)).run()
    return op


def make_export_action(parent: QWidget, trigger: Callable[[], object]) -> QAction:
    """The "Export to Excel…" action with Ctrl+Shift+E, active while ``parent`` is shown."""
    action = QAction(_tr("E&xport to Excel…"), parent)
    action.setObjectName("exportAction")
    action.setShortcut(QKeySequence(SHORTCUT))
    # Only the visible page answers the shortcut: hidden pages do not compete for it.
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(lambda _checked=False: trigger())
    parent.addAction(action)
    return action
