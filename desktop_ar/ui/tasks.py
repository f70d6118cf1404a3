"""Running service calls off the GUI thread, in Anki's call shape.

    BackgroundOp(self, lambda progress: payments.record_payment(ctx, ..., progress=progress))
        .success(self._on_saved).with_progress(self.tr("Saving…")).run()

All database work runs on ONE worker thread (Anki's ``_collection_executor``): SQLite writes are
serialised and no connection is shared between threads. Results come back to the GUI thread
through a queued Qt signal. When a result holds a ``Changes``, the parent's window receives it in
``on_changes(changes)`` so pages refresh what changed. ``Cancelled`` is never shown as an error.

Threading rule kept here: the worker never holds the *last* reference to anything the GUI made.
The work item it receives is a plain integer token; the callable, its closure (which often
captures a widget) and the outcome live in dicts that only the GUI thread empties. Dropping the
last reference to a widget's wrapper on the worker would destroy a QObject on the wrong thread
(a segfault seen in tests when a page closed while its query was still running).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, Self, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_ar.domain.errors import Cancelled
from desktop_ar.services.changes import Changes
from desktop_ar.services.progress import CallbackProgress, Progress

log = logging.getLogger(__name__)
T = TypeVar("T")

PROGRESS_DELAY_MS = 500

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desktop-ar-db")
_tokens = itertools.count(1)
_work: dict[int, Callable[[], Any]] = {}  # token → callable (GUI thread adds and removes)
_outcomes: dict[int, tuple[Any, BaseException | None]] = {}  # filled by the worker
_ops: dict[int, _Op[Any]] = {}  # token → the operation waiting for its outcome
_relay: _Relay | None = None


class _Relay(QObject):
    """One object on the GUI thread; the worker emits its signals with plain ints and text."""

    done = Signal(int)
    progressed = Signal(int, int, int, str)

    def __init__(self) -> None:
        super().__init__()
        self.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self.progressed.connect(self._on_progressed, Qt.ConnectionType.QueuedConnection)

    @Slot(int)
    def _on_done(self, token: int) -> None:
        _work.pop(token, None)
        result, exc = _outcomes.pop(token, (None, None))
        op = _ops.pop(token, None)
        if op is not None:
            op._complete(result, exc)

    @Slot(int, int, int, str)
    def _on_progressed(self, token: int, done: int, total: int, text: str) -> None:
        op = _ops.get(token)
        if isinstance(op, BackgroundOp):
            op._on_progress(done, total, text)


def _get_relay() -> _Relay:
    global _relay  # noqa: PLW0603 - one relay per process, made on the GUI thread
    if _relay is None or not shiboken6.isValid(_relay):
        _relay = _Relay()
    return _relay


def _run_on_worker(token: int) -> None:
    fn = _work.get(token)
    try:
        if fn is None:
            raise RuntimeError("operation vanished before it ran")
        outcome: tuple[Any, BaseException | None] = (fn(), None)
    except BaseException as e:  # handed to the GUI thread, never lost
        outcome = (None, e)
    fn = None
    _outcomes[token] = outcome
    outcome = (None, None)  # the dict now holds the only reference; the GUI thread drops it
    relay = _relay
    if relay is not None:
        try:
            relay.done.emit(token)
        except RuntimeError:  # the application is closing
            log.warning("result of a background operation dropped")


def _alive(obj: QObject | None) -> bool:
    return obj is not None and shiboken6.isValid(obj)


def find_changes(result: object) -> Changes | None:
    """The ``Changes`` in a service result: the result itself or an item of a result tuple."""
    if isinstance(result, Changes):
        return result
    if isinstance(result, tuple):
        for item in result:
            if isinstance(item, Changes):
                return item
    return None


class _Op(Generic[T]):
    def __init__(self, parent: QWidget | None) -> None:
        self._parent = parent
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None

    def success(self, cb: Callable[[T], None]) -> Self:
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> Self:
        self._failure = cb
        return self

    def _submit(self, work: Callable[[], Any]) -> int:
        _get_relay()
        token = next(_tokens)
        _work[token] = work
        _ops[token] = self
        _executor.submit(_run_on_worker, token)
        return token

    def _complete(self, result: Any, exc: BaseException | None) -> None:
        if self._parent is not None and not _alive(self._parent):
            log.debug("outcome dropped: its widget was closed while the work ran")
            return
        if exc is not None:
            if isinstance(exc, Cancelled):
                log.info("operation cancelled")
                return
            if self._failure is not None:
                self._failure(exc)
            elif _alive(self._parent):
                from desktop_ar.ui.errors import show_error

                show_error(self._parent, exc)
            else:
                log.error("operation failed", exc_info=exc)
            return
        if self._success is not None:
            self._success(result)


class BackgroundOp(_Op[T]):
    """A (usually mutating) service call on the database thread, with optional progress."""

    def __init__(self, parent: QWidget | None, fn: Callable[[Progress], T]) -> None:
        super().__init__(parent)
        self._fn = fn
        self._title: str | None = None
        self.progress = CallbackProgress()
        self._dialog: QProgressDialog | None = None
        self._done = False

    def with_progress(self, title: str) -> Self:
        self._title = title
        return self

    def run(self) -> None:
        token_box: list[int] = []

        def report(done: int, total: int, text: str) -> None:
            relay = _relay
            if relay is not None and token_box:
                relay.progressed.emit(token_box[0], done, total, text)

        progress = CallbackProgress(report)
        self.progress = progress
        fn = self._fn
        token_box.append(self._submit(lambda: fn(progress)))
        if self._title is not None:
            QTimer.singleShot(PROGRESS_DELAY_MS, self._show_dialog)

    def _show_dialog(self) -> None:
        if self._done or self._title is None:
            return
        parent = self._parent if _alive(self._parent) else None
        dialog = QProgressDialog(
            self._title, QCoreApplication.translate("tasks", "Cancel"), 0, 0, parent
        )
        dialog.setWindowTitle(self._title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        # Cancel, Escape or closing the dialog only *asks* the work to stop (Anki progress.py):
        # the service raises Cancelled at its next check and its transaction rolls back.
        dialog.canceled.connect(self.progress.cancel)
        dialog.show()
        self._dialog = dialog

    def _on_progress(self, done: int, total: int, text: str) -> None:
        dialog = self._dialog
        if dialog is None or not _alive(dialog):
            return
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if text:
            dialog.setLabelText(text)

    def _complete(self, result: Any, exc: BaseException | None) -> None:
        self._done = True
        if self._dialog is not None and _alive(self._dialog):
            self._dialog.canceled.disconnect(self.progress.cancel)
            self._dialog.close()
            self._dialog.deleteLater()
        self._dialog = None
        changes = find_changes(result) if exc is None else None
        super()._complete(result, exc)
        if changes and _alive(self._parent):
            window = self._parent.window()  # type: ignore[union-attr]
            handler = getattr(window, "on_changes", None)
            if callable(handler):
                handler(changes)


class QueryOp(_Op[T]):
    """A read off the GUI thread; ``fn()`` takes no arguments and its result goes to success."""

    def __init__(self, parent: QWidget | None, fn: Callable[[], T]) -> None:
        super().__init__(parent)
        self._fn = fn

    def run(self) -> None:
        self._submit(self._fn)


def is_idle() -> bool:
    """True when no operation is waiting for its result to reach the GUI thread."""
    return not _ops


def wait_for_idle(timeout: float = 10.0) -> bool:
    """Process events until every operation has finished (tests); False on timeout."""
    deadline = time.monotonic() + timeout
    while _ops and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.002)
    QCoreApplication.processEvents()
    return not _ops
