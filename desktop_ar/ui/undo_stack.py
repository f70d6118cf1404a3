"""The steps this window can undo (Edit > Undo, Ctrl+Z), newest last, in memory only.

Dialogs call ``record_undo(self, action, entity_id)`` once their service call succeeded. The
step is read back from the audit row that call wrote (``services.undo.last_undo_step``) in a
``QueryOp``: the database thread runs work in order, so that row is the one just written. The
stack belongs to the main window (``window.undo_stack``); a dialog opened without one (tests,
the customer card on its own) records nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services.undo import UndoStep, last_undo_step, undo
from desktop_ar.ui.errors import show_error
from desktop_ar.ui.tasks import BackgroundOp, QueryOp

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext

log = logging.getLogger(__name__)

# What "Undo …" names, per kind of step; %1 is the payment number or customer code.
_TEXTS = {
    "payment": "receipt %1",
    "allocation": "allocation of %1",
    "customer_edit": "edit of customer %1",
}


def step_text(step: UndoStep) -> str:
    """The translated name of a step, e.g. "receipt PAY-000012"."""
    template = _TEXTS.get(step.kind)
    if template is None:
        return step.label
    text = QCoreApplication.translate("UndoStack", template)
    return text.replace("%1", str(step.data.get("ref", "")))


class UndoStack(QObject):
    """Undoable steps performed in this window session (the newest is undone first)."""

    LIMIT = 50

    changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._steps: list[UndoStep] = []
        self.busy = False  # an undo is running: Ctrl+Z again must not undo the same step twice

    def __len__(self) -> int:
        return len(self._steps)

    def top(self) -> UndoStep | None:
        return self._steps[-1] if self._steps else None

    def can_undo(self) -> bool:
        return bool(self._steps) and not self.busy

    def undo_text(self) -> str:
        """The Edit menu's text: "&Undo receipt PAY-000012", or "&Undo" when empty."""
        step = self.top()
        if step is None:
            return self.tr("&Undo")
        return self.tr("&Undo %1").replace("%1", step_text(step))

    def undo_last(self, window: QWidget, *, confirm: bool = True) -> bool:
        """Undo the newest step after asking; the window receives the ``Changes``.

        Returns:
            True when the undo was started.
        """
        step = self.top()
        if step is None or self.busy:
            return False
        if confirm and not self._confirm(window, step):
            return False
        ctx = self.ctx
        self.busy = True
        self.changed.emit()
        BackgroundOp(window, lambda _p: undo(ctx, step)).success(
            lambda changes: self._on_undone(window, step, changes)
        ).failure(lambda exc: self._on_failed(window, step, exc)).run()
        return True

    def _confirm(self, window: QWidget, step: UndoStep) -> bool:
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Undo"))
        box.setText(self.tr("Undo the %1?").replace("%1", step_text(step)))
        box.setInformativeText(
            self.tr(
                "Nothing is deleted: the undo is recorded in the audit log as a compensating "
                "entry (a receipt is reversed, allocations are marked undone)."
            )
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        answer = box.exec()
        box.deleteLater()
        return int(answer) == QMessageBox.StandardButton.Yes.value

    def _on_undone(self, window: QWidget, step: UndoStep, _changes: Changes) -> None:
        self.busy = False
        self.discard(step)
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            bar().showMessage(self.tr("Undone: %1").replace("%1", step_text(step)), 5000)

    def _on_failed(self, window: QWidget, step: UndoStep, exc: BaseException) -> None:
        self.busy = False
        # Refused for good (changed since, undone already): it would fail again, drop it.
        if isinstance(exc, UserFacingError) and exc.code != "database_busy" and step in self._steps:
            self._steps.remove(step)
        self.changed.emit()
        show_error(window, exc)

    def push(self, step: UndoStep) -> None:
        if step in self._steps:  # the same action reported twice (a repeated save)
            return
        self._steps.append(step)
        del self._steps[: -self.LIMIT]
        self.changed.emit()

    def discard(self, step: UndoStep) -> None:
        """Forget a step (undone, or refused for good)."""
        if step in self._steps:
            self._steps.remove(step)
            self.changed.emit()

    def clear(self) -> None:
        self._steps.clear()
        self.changed.emit()

    def record(self, parent: QWidget | None, action: str, entity_id: int) -> None:
        """Push the step for this user's latest ``action`` on ``entity_id`` (read in the back)."""
        ctx = self.ctx
        QueryOp(parent, lambda: last_undo_step(ctx, action, entity_id)).success(
            self._on_step_loaded
        ).failure(lambda exc: log.warning("undo step not recorded: %s", exc)).run()

    def _on_step_loaded(self, step: UndoStep | None) -> None:
        if step is not None:
            self.push(step)


def record_undo(dialog: QWidget, action: str, entity_id: int) -> None:
    """Offer Edit > Undo for what ``dialog`` just did (when its main window has a stack)."""
    parent = dialog.parentWidget()
    window = parent.window() if parent is not None else None
    stack = getattr(window, "undo_stack", None)
    if isinstance(stack, UndoStack):
        stack.record(window, action, entity_id)
