"""What every import wizard page shares: the flow, a busy bar, a message line, stale answers.

A page is ``complete`` (Next enabled) when the flow lets its step go on and no background work
runs. Each background call carries a generation number, so an answer that arrives after the
user changed something again is dropped instead of overwriting the newer state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget, QWizardPage

from desktop_ar.domain.errors import DomainError
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.tasks import QueryOp

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.ui.wizards.import_flow import ImportFlow, Step

log = logging.getLogger(__name__)
ERROR_STYLE = "color: #c62828;"
OK_STYLE = "color: #2e7d32;"
NOTE_STYLE = "color: palette(placeholder-text);"


def failure_text(exc: BaseException) -> str:
    """A user-facing sentence for a failed call; unexpected errors are logged, not raised."""
    if isinstance(exc, DomainError):
        return error_text(exc)
    log.error("import wizard: unexpected error", exc_info=exc)
    text = QCoreApplication.translate("ImportWizard", "The file could not be read: %1")
    return text.replace("%1", str(exc) or type(exc).__name__)


class ImportPage(QWizardPage):
    """A page over the shared ``ImportFlow``; subclasses set ``step``."""

    step: Step

    def __init__(self, *, ctx: ServiceContext, flow: ImportFlow, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.flow = flow
        self._busy = 0
        self._generation = 0
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setObjectName("busyBar")
        self.busy_bar.setRange(0, 0)  # indeterminate: the services do not report these reads
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(8)
        self.busy_bar.hide()
        self.message = QLabel(self)
        self.message.setObjectName("messageLabel")
        self.message.setWordWrap(True)
        self.message.hide()

    # ---- state shown to QWizard ------------------------------------------------------------------

    def isComplete(self) -> bool:
        return not self._busy and self.flow.can_leave(self.step)

    @property
    def busy(self) -> bool:
        return bool(self._busy)

    def refresh_complete(self) -> None:
        self.completeChanged.emit()

    def show_message(self, text: str, style: str = ERROR_STYLE) -> None:
        self.message.setStyleSheet(style)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # ---- background reads --------------------------------------------------------------------

    def run_query(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run a read on the database thread; only the newest answer reaches ``done``."""
        self._generation += 1
        generation = self._generation
        self._set_busy(+1)

        def on_done(result: Any) -> None:
            self._set_busy(-1)
            if generation == self._generation:
                done(result)

        def on_failed(exc: BaseException) -> None:
            self._set_busy(-1)
            if generation != self._generation:
                return
            if failed is not None:
                failed(exc)
            else:
                self.show_message(failure_text(exc))

        QueryOp(self, fn).success(on_done).failure(on_failed).run()

    def forget_pending(self) -> None:
        """Drop the answers of reads still running (the user went back)."""
        self._generation += 1

    def _set_busy(self, delta: int) -> None:
        self._busy = max(0, self._busy + delta)
        self.busy_bar.setVisible(bool(self._busy))
        self.refresh_complete()
