"""Qt page measurements (offscreen): list first paint, filter box, header sort, app start."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from _common import AS_OF, STARTED, fragments, ms, now, open_book_ctx

PAINT_TIMEOUT_S = 30.0


def _qt_app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([sys.argv[0]])


def _make_probe(view: Any, model: Any) -> Any:
    """An event filter on the view's viewport that notes when a paint has real rows in it."""
    from PySide6.QtCore import QEvent, QObject

    class PaintProbe(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.ready: Callable[[], bool] = lambda: model.rowCount() > 0
            self.painted_at: float | None = None
            self.rows_calls = 0
            self.paints = 0

        def arm(self, ready: Callable[[], bool]) -> None:
            self.ready = ready
            self.painted_at = None

        def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
            if event.type() != QEvent.Type.Paint or self.painted_at is not None:
                return False
            self.paints += 1
            if not self.ready():
                return False
            before = model.stats["rows"]
            # Paint now (what the scroll area's own filter would do next) so that the clock
            # stops after the rows were fetched and drawn, not before.
            view.viewportEvent(event)
            self.painted_at = now()
            self.rows_calls = model.stats["rows"] - before
            return True

    probe = PaintProbe()
    view.viewport().installEventFilter(probe)
    return probe


def _wait_paint(app: Any, probe: Any) -> float:
    from PySide6.QtCore import QEventLoop

    deadline = now() + PAINT_TIMEOUT_S
    while probe.painted_at is None:
        if now() > deadline:
            raise TimeoutError(f"no paint with data within {PAINT_TIMEOUT_S:.0f} s")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return probe.painted_at


def _page_class(which: str) -> Any:
    if which == "customers":
        from desktop_ar.ui.pages.customers import CustomersPage

        return CustomersPage
    from desktop_ar.ui.pages.invoices import InvoicesPage

    return InvoicesPage


def _warm_up_qt(app: Any) -> float:
    """Show and paint a throwaway table once (font database, style, offscreen backing store).

    Also configures the SQLAlchemy mappers (done by the first query of any kind). The
    application pays both once at start-up (the cold start figure includes them); a list page
    opened in a running app does not, so the first paint figure leaves them out. The list's own
    SQL statements are still compiled for the first time inside the measure.
    """
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView
    from sqlalchemy.orm import configure_mappers

    t0 = now()
    configure_mappers()
    model = QStandardItemModel(3, 3)
    view = QTableView()
    view.setModel(model)
    model.setData(model.index(0, 0), "1,234.50")
    probe = _make_probe(view, _StatsAdapter(model))
    view.resize(400, 300)
    view.show()
    _wait_paint(app, probe)
    view.close()
    return now() - t0


class _StatsAdapter:
    """Gives a plain Qt model the ``stats`` / ``rowCount`` the paint probe reads."""

    def __init__(self, model: Any) -> None:
        self.stats = {"rows": 0}
        self.rowCount = model.rowCount


def _first_paint(db: Path, which: str) -> dict[str, Any]:
    app = _qt_app()
    ctx, import_s, open_s = open_book_ctx(db)
    t_imp = now()
    page_cls = _page_class(which)
    ui_import_s = now() - t_imp
    warm_s = _warm_up_qt(app)
    t0 = now()
    page = page_cls(ctx, as_of=AS_OF)
    t1 = now()
    probe = _make_probe(page.view, page.model)
    page.resize(1280, 800)
    page.show()
    t2 = _wait_paint(app, probe)
    sort = page.model.sort_spec
    # The first row must hold a real row, not a failed fetch or a placeholder.
    rows_ok = page.model.row_object(0) is not None
    return {
        "app": app,
        "page": page,
        "probe": probe,
        "result": {
            "first_paint_ms": ms(t2 - t0),
            "construct_ms": ms(t1 - t0),
            "show_to_paint_ms": ms(t2 - t1),
            "rows_calls_in_paint": probe.rows_calls,
            "rows_ok": rows_ok,
            "qt_warm_up_ms": ms(warm_s),
            "rows": page.model.rowCount(),
            "sort": f"{sort.key}:{'desc' if sort.descending else 'asc'}",
            "import_ms": ms(import_s),
            "ui_import_ms": ms(ui_import_s),
            "open_ms": ms(open_s),
        },
    }


def measure_paint(db: Path, opts: argparse.Namespace) -> dict[str, Any]:
    state = _first_paint(db, opts.page)
    state["page"].close()
    return state["result"]


def measure_filter_page(db: Path, opts: argparse.Namespace) -> dict[str, Any]:
    state = _first_paint(db, "invoices")
    app, page, probe = state["app"], state["page"], state["probe"]
    texts = {"given": opts.text} if opts.text else fragments(db)
    bar = page.filter_bar
    timer = getattr(bar, "_timer", None)
    if timer is not None:
        timer.setInterval(0)  # measure the query and repaint, not the typing debounce
    cases: dict[str, Any] = {}
    for label, text in texts.items():
        if bar.edit.text():  # back to the full list first
            probe.arm(lambda: page.model.spec.text == "")
            bar.edit.setText("")
            _wait_paint(app, probe)
        probe.arm(lambda v=text: page.model.spec.text == v)
        t0 = now()
        bar.edit.setText(text)
        t1 = _wait_paint(app, probe)
        cases[label] = {"text": text, "matches": page.model.rowCount(), "ms": ms(t1 - t0)}
    page.close()
    worst = max(cases.values(), key=lambda c: c["ms"])
    return {
        "ms": worst["ms"],
        "worst_case": worst["text"],
        "cases": cases,
        "debounce_ms_skipped": getattr(bar, "DEBOUNCE_MS", None),
        "first_paint": state["result"],
    }


def measure_sort_page(db: Path, _opts: argparse.Namespace) -> dict[str, Any]:
    from PySide6.QtCore import Qt

    state = _first_paint(db, "invoices")
    app, page, probe = state["app"], state["page"], state["probe"]
    column = next(i for i, c in enumerate(page.model.columns) if c.sort_key == "amount")
    probe.arm(lambda: page.model.sort_spec.key == "amount")
    t0 = now()
    page.view.horizontalHeader().setSortIndicator(column, Qt.SortOrder.DescendingOrder)
    t1 = _wait_paint(app, probe)
    page.close()
    return {"ms": ms(t1 - t0), "first_paint": state["result"]}


def measure_app_shim(db: Path, _opts: argparse.Namespace) -> dict[str, Any]:
    """Stand-in for the app's own first-paint hook: run the real CLI, stop after first paint.

    Prints ``first-paint-ms=<ms since this interpreter started>`` once the main window's first
    paint pass is done, then quits, like ``DESKTOP_AR_EXIT_AFTER_FIRST_PAINT=1`` does.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    import desktop_ar.ui.app as app_module
    from desktop_ar.cli.main import main as cli_main

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, _obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint and not self.done:
                self.done = True
                QTimer.singleShot(0, self.finish)  # after the whole paint pass
            return False

        def finish(self) -> None:
            print(f"first-paint-ms={(now() - STARTED) * 1000:.1f}", flush=True)
            QApplication.instance().quit()

    probe = FirstPaint()
    original = app_module.open_window

    def open_window(ctx: Any, *, as_of: date, show: bool = True) -> Any:
        QApplication.instance().installEventFilter(probe)
        return original(ctx, as_of=as_of, show=show)

    app_module.open_window = open_window  # type: ignore[assignment]
    code = cli_main(["--db", str(db), "--as-of", AS_OF.isoformat()])
    return {"exit_code": code}
