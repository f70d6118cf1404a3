"""Progress reporting and cancellation for long work, without any Qt."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Protocol, TextIO

from desktop_ar.domain.errors import Cancelled


class Progress(Protocol):
    """What long-running services report to, and ask whether to stop."""

    def report(self, done: int, total: int, text: str = "") -> None:
        """Tell how far the work is."""
        ...

    @property
    def cancelled(self) -> bool:
        """True once the user asked to stop."""
        ...

    def check(self) -> None:
        """Raise ``Cancelled`` if the user asked to stop."""
        ...


class NullProgress:
    """Progress that goes nowhere and is never cancelled."""

    def report(self, done: int, total: int, text: str = "") -> None:
        """Ignore."""

    @property
    def cancelled(self) -> bool:
        """Never cancelled."""
        return False

    def check(self) -> None:
        """Never raises."""


class CallbackProgress:
    """Progress forwarded to a callback, with a thread-safe cancel flag."""

    def __init__(self, callback: Callable[[int, int, str], None] | None = None) -> None:
        self._callback = callback
        self._cancel = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> None:
        """Forward to the callback."""
        if self._callback is not None:
            self._callback(done, total, text)

    def cancel(self) -> None:
        """Ask the work to stop."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled when cancel() was called."""
        if self._cancel.is_set():
            raise Cancelled


class StderrProgress(CallbackProgress):
    """A text progress bar on stderr for the command line (redrawn at most 10 times a second)."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        super().__init__(self._draw)
        self._stream = stream or sys.stderr
        self._width = width
        self._last = 0.0
        self._finished = False

    def _draw(self, done: int, total: int, text: str) -> None:
        now = time.monotonic()
        finished = done >= total
        if (not finished and now - self._last < 0.1) or (finished and self._finished):
            return
        self._last = now
        self._finished = finished
        frac = done / total if total else 1.0
        filled = int(frac * self._width)
        bar = "#" * filled + "-" * (self._width - filled)
        end = "\n" if done >= total else ""
        self._stream.write(f"\r[{bar}] {frac:6.1%} {text[:40]:<40}{end}")
        self._stream.flush()
