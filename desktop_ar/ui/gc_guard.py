"""Run Python's cyclic garbage collector on the GUI thread only.

Left automatic, a collection can start on the database worker thread and free a Qt object
there, which crashes Qt. Automatic collection is switched off and a timer on the GUI thread
collects when the allocation counters pass the usual thresholds (pyqtgraph's
``GarbageCollector`` does the same for the same reason).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    """Collects garbage from a GUI-thread timer instead of whichever thread allocates."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(interval_ms)

    def _on_timer_timeout(self) -> None:
        counts = gc.get_count()
        if counts[0] > self._threshold[0]:
            generation = 0
            if counts[1] > self._threshold[1]:
                generation = 2 if counts[2] > self._threshold[2] else 1
            gc.collect(generation)

    def stop(self) -> None:
        """Give collection back to Python."""
        self._timer.stop()
        gc.enable()
