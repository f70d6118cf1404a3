"""Render every page and the main dialogs to PNG files (README images, visual checks, CI).

Used by ``desktop-ar --db PATH screenshots --out DIR``. Works without a display: when neither
``DISPLAY`` nor ``WAYLAND_DISPLAY`` is set, Qt's ``offscreen`` platform is used. Column layouts
and window geometry come from a throw-away settings file, so the images do not depend on (or
change) the user's saved layout.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.ui.main_window import MainWindow

log = logging.getLogger(__name__)
WINDOW_SIZE = (1400, 860)
SETTLE_TIMEOUT_S = 30.0


def render_all(
    ctx: ServiceContext, out_dir: Path, *, as_of: date, lang: str | None = None
) -> list[Path]:
    """Render each page (and the About and as-of dialogs) of a book to ``out_dir/<name>.png``.

    Args:
        ctx: the open book.
        out_dir: folder for the PNG files (created if missing).
        as_of: the as-of date the window shows.
        lang: UI language such as ``"zh_CN"``; None keeps the system language.

    Returns:
        The written files, pages first, then the dialogs.
    """
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out_dir.mkdir(parents=True, exist_ok=True)
    with _application(lang), _scratch_settings():
        from desktop_ar.ui.main_window import MainWindow

        window = MainWindow(ctx, as_of=as_of)
        try:
            return _render_window(window, ctx, out_dir, as_of)
        finally:
            # Delete the window here, on the GUI thread, not whenever Python collects it.
            window.hide()
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _render_window(
    window: MainWindow, ctx: ServiceContext, out_dir: Path, as_of: date
) -> list[Path]:
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(*WINDOW_SIZE)
    window.show()
    paths = []
    for key in window.page_keys():
        window.show_page(key)
        _prepare(key, window.page(key))
        _settle(window)
        paths.append(_save(window, out_dir / f"{key}.png"))
    for name, dialog in _dialogs(window, ctx, as_of):
        dialog.show()
        _settle(dialog)
        paths.append(_save(dialog, out_dir / f"{name}.png"))
        dialog.hide()
        dialog.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return paths


def _prepare(key: str, page: QWidget) -> None:
    """Fill the parts of a page that stay empty until the user clicks something."""
    if key in ("customers", "exceptions") and getattr(page, "row_count", lambda: 0)() > 0:
        page.select_row(0)  # type: ignore[attr-defined]  # fills the detail panel
    elif key == "aging":
        _settle(page)  # the report loads on the database thread
        table, model = page.table, page.model  # type: ignore[attr-defined]
        if model.rowCount() == 0:
            return
        # Drill into the biggest debtor, as a user looking at the aging would.
        table.sortByColumn(model.total_column(), Qt.SortOrder.DescendingOrder)
        table.selectRow(0)
        customer_id = table.model().index(0, 0).data(_id_role())
        if customer_id is not None:
            page.show_customer(int(customer_id))  # type: ignore[attr-defined]


def _id_role() -> int:
    from desktop_ar.ui.models.roles import Role

    return int(Role.Id)


def _dialogs(window: MainWindow, ctx: ServiceContext, as_of: date) -> Iterator[tuple[str, QWidget]]:
    about_text = getattr(window, "about_text", None)
    if callable(about_text):
        box = QMessageBox(window)
        box.setWindowTitle(window.tr("About Desktop AR"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(about_text())
        box.setIconPixmap(window.windowIcon().pixmap(64, 64))
        yield "about", box
    try:
        from desktop_ar.ui.dialogs.as_of import AsOfDialog
    except ImportError:  # pragma: no cover - the dialog ships with the main window
        return
    yield "as_of", AsOfDialog(as_of=as_of, today=ctx.clock.today(), parent=window)
    from desktop_ar.ui.wizards.import_demo import wizard_screens

    yield from wizard_screens(window, ctx, _settle)  # File ▸ Import… on a realistic file
    from desktop_ar.ui.pages.bank_demo import bank_screens

    yield from bank_screens(window, ctx, _settle)  # the newest bank statement, reconciling
    from desktop_ar.ui.dialogs.recon_demo import reconciliation_screens

    # 与客户对账: the latest reconciliation, the wizard on a demo ledger, 余额确认 (nothing saved)
    yield from reconciliation_screens(window, ctx, _settle, as_of=as_of)


def _settle(widget: QWidget) -> None:
    """Process events until background queries are done and a paint fetched no more rows."""
    from desktop_ar.ui import tasks

    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    quiet = 0
    while quiet < 2 and time.monotonic() < deadline:
        tasks.wait_for_idle(max(0.1, deadline - time.monotonic()))
        widget.grab()  # painting makes the lazy models fetch the visible rows
        QCoreApplication.processEvents()
        quiet = quiet + 1 if tasks.is_idle() else 0
    if not tasks.is_idle():
        log.warning("screenshot taken while a query was still running")


def _save(widget: QWidget, path: Path) -> Path:
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


@contextlib.contextmanager
def _application(lang: str | None) -> Iterator[Any]:
    """The QApplication with a CJK font (and ``lang``); an existing app is put back afterwards."""
    from desktop_ar.ui.app import get_app
    from desktop_ar.ui.i18n import ensure_cjk_font, install_translator

    existing = QApplication.instance()
    if existing is None:
        yield get_app(lang)
        return
    assert isinstance(existing, QApplication)
    font = existing.font()
    before = set(existing.findChildren(QTranslator))
    if lang:
        install_translator(existing, lang)
    ensure_cjk_font(existing)
    try:
        yield existing
    finally:
        existing.setFont(font)
        for translator in existing.findChildren(QTranslator):
            if translator not in before:
                existing.removeTranslator(translator)
                translator.deleteLater()


@contextlib.contextmanager
def _scratch_settings() -> Iterator[None]:
    from desktop_ar.ui.prefs import ENV_PATH

    previous = os.environ.get(ENV_PATH)
    with tempfile.TemporaryDirectory(prefix="desktop-ar-shots-") as folder:
        os.environ[ENV_PATH] = str(Path(folder) / "settings.ini")
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop(ENV_PATH, None)
            else:
                os.environ[ENV_PATH] = previous
