"""Starting the GUI: the QApplication, translations, a CJK-capable font and the main window."""

from __future__ import annotations

import logging
import os
import sys
import time
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop_ar.ui.errors import show_error
from desktop_ar.ui.gc_guard import GuiThreadCollector
from desktop_ar.ui.i18n import ensure_cjk_font, install_translator

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.ui.main_window import MainWindow

log = logging.getLogger(__name__)

_windows: list[MainWindow] = []  # open windows (File ▸ Open replaces the current one)
_STARTED = time.perf_counter()
EXIT_AFTER_FIRST_PAINT = "DESKTOP_AR_EXIT_AFTER_FIRST_PAINT"  # benchmarks: cold start time


class _FirstPaint(QObject):
    """Prints ``first-paint-ms=…`` after the first paint pass, then quits (benchmarks)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._seen = False

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            QTimer.singleShot(0, self._finish)  # after the whole paint pass
        return False

    def _finish(self) -> None:
        ms = (time.perf_counter() - _STARTED) * 1000
        sys.stdout.write(f"first-paint-ms={ms:.1f}\n")
        sys.stdout.flush()
        self._app.quit()


def get_app(lang: str | None = None) -> QApplication:
    """The QApplication, created once with our names, translator and font."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("DesktopAR")
        app.setOrganizationName("DesktopAR")
        app.setApplicationDisplayName("Desktop AR")
        install_translator(app, lang)
        ensure_cjk_font(app)
        GuiThreadCollector(app)
    assert isinstance(app, QApplication)
    return app


def open_window(ctx: ServiceContext, *, as_of: date, show: bool = True) -> MainWindow:
    """Build (and show) a main window over a book."""
    from desktop_ar.ui.main_window import MainWindow

    window: MainWindow | None = None

    def open_other() -> None:
        assert window is not None
        _open_other_book(window, as_of_default=None)

    window = MainWindow(ctx, as_of=as_of, open_other=open_other)
    _windows.append(window)
    if show:
        window.show()
    return window


def _open_other_book(current: MainWindow, *, as_of_default: date | None) -> None:
    """File ▸ Open: pick another database and re-open the window on it."""
    from desktop_ar.services.book import open_book

    path, _ = QFileDialog.getOpenFileName(
        current,
        current.tr("Open database"),
        str(current.ctx.db_path.parent) if current.ctx.db_path else "",
        current.tr("Desktop AR books (*.db *.sqlite *.ar);;All files (*)"),
    )
    if not path:
        return
    try:
        ctx = open_book(path, user=current.ctx.user, role=current.ctx.role)
    except Exception as exc:
        show_error(current, exc)
        return
    window = open_window(ctx, as_of=as_of_default or ctx.clock.today())
    window.setGeometry(current.geometry())
    current.close()
    if current in _windows:
        _windows.remove(current)
    current.deleteLater()


def run_app(
    ctx: ServiceContext,
    *,
    as_of: date | None = None,
    lang: str | None = None,
    show: bool = True,
) -> int:
    """Run the desktop application over an open book; returns the exit code.

    With ``show=False`` the window is built but not shown and the event loop is not entered
    (smoke tests, screenshots): the return value is then 0.
    """
    app = get_app(lang)
    if show and os.environ.get(EXIT_AFTER_FIRST_PAINT):
        app.installEventFilter(_FirstPaint(app))
    window = open_window(ctx, as_of=as_of or ctx.clock.today(), show=show)
    if not show:
        window.close()
        return 0
    return app.exec()
