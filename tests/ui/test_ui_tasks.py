"""Background operations: one worker thread, results on the GUI thread, errors, cancel."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from desktop_ar.domain.errors import Cancelled, UserFacingError
from desktop_ar.services.changes import Changes
from desktop_ar.ui import tasks
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.tasks import BackgroundOp, QueryOp, find_changes, wait_for_idle


class Window(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.changes: list[Changes] = []

    def on_changes(self, changes: Changes) -> None:
        self.changes.append(changes)


def test_result_arrives_on_gui_thread_and_changes_reach_window(qtbot) -> None:
    window = Window()
    qtbot.addWidget(window)
    seen: list[tuple[object, bool]] = []
    workers: list[str] = []

    def work(progress):
        workers.append(threading.current_thread().name)
        return 42, Changes(invoices={1})

    op = BackgroundOp(window, work).success(
        lambda r: seen.append((r[0], threading.current_thread() is threading.main_thread()))
    )
    op.run()
    assert wait_for_idle()
    assert seen == [(42, True)]
    assert workers[0].startswith("desktop-ar-db")
    assert window.changes == [Changes(invoices={1})]


def test_all_work_runs_on_one_thread_in_order(qtbot) -> None:
    order: list[int] = []
    names: set[str] = set()

    def work(i: int):
        def fn() -> int:
            names.add(threading.current_thread().name)
            time.sleep(0.001)
            order.append(i)
            return i

        return fn

    for i in range(5):
        QueryOp(None, work(i)).run()
    assert wait_for_idle()
    assert order == [0, 1, 2, 3, 4]
    assert len(names) == 1


def test_domain_error_goes_to_show_error(qtbot, shown_messages) -> None:
    window = Window()
    qtbot.addWidget(window)

    def fail(progress):
        raise UserFacingError("not_found", entity="Invoice", key="INV-9")

    BackgroundOp(window, fail).run()
    assert wait_for_idle()
    assert shown_messages == ["Invoice 'INV-9' does not exist."]


def test_unexpected_error_shows_something_went_wrong(qtbot, shown_messages) -> None:
    window = Window()
    qtbot.addWidget(window)
    BackgroundOp(window, lambda p: 1 / 0).run()
    assert wait_for_idle()
    assert shown_messages == ["Something went wrong."]


def test_failure_callback_replaces_dialog(qtbot, shown_messages) -> None:
    errors: list[BaseException] = []
    BackgroundOp(None, lambda p: 1 / 0).failure(errors.append).run()
    assert wait_for_idle()
    assert isinstance(errors[0], ZeroDivisionError)
    assert shown_messages == []


def test_cancel_from_progress_dialog_is_silent(qtbot, shown_messages, monkeypatch) -> None:
    monkeypatch.setattr(tasks, "PROGRESS_DELAY_MS", 10)
    window = Window()
    qtbot.addWidget(window)
    started = threading.Event()
    results: list[object] = []

    def slow(progress):
        started.set()
        for i in range(500):
            progress.report(i, 500, f"row {i}")
            progress.check()
            time.sleep(0.01)
        return "finished"

    op = BackgroundOp(window, slow).success(results.append).with_progress("Importing")
    op.run()
    qtbot.waitUntil(lambda: window.findChild(QProgressDialog) is not None, timeout=3000)
    dialog = window.findChild(QProgressDialog)
    assert dialog.labelText().startswith("row") or dialog.labelText() == "Importing"
    cancel = dialog.findChild(QPushButton)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert wait_for_idle()
    assert results == []
    assert shown_messages == []  # Cancelled is never an error
    assert op.progress.cancelled


def test_cancelled_exception_not_shown(qtbot, shown_messages) -> None:
    def cancelled(progress):
        raise Cancelled

    BackgroundOp(None, cancelled).run()
    assert wait_for_idle()
    assert shown_messages == []


def test_find_changes() -> None:
    c = Changes(customers={1})
    assert find_changes(c) is c
    assert find_changes((1, c)) is c
    assert find_changes(3) is None


def test_error_text_formats_translated_template() -> None:
    exc = UserFacingError("over_allocation", amount="10.00", available="5.00")
    assert error_text(exc) == "Cannot allocate 10.00: only 5.00 is open."
    assert error_text(ValueError("x")) == "x"
