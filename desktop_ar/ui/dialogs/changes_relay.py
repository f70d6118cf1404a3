"""Passing a dialog's ``Changes`` on to the window that opened it.

``BackgroundOp`` hands a result's ``Changes`` to ``parent.window().on_changes``; for a dialog that
window is the dialog itself, so a dialog's ``on_changes`` calls ``forward_changes`` to reach the
main window (which fans them out to its pages) or, without one, the opening page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop_ar.services.changes import Changes


def forward_changes(dialog: QWidget, changes: Changes) -> None:
    """Call ``on_changes`` of the window that owns ``dialog`` (not the dialog itself)."""
    parent = dialog.parentWidget()
    if parent is None:
        return
    window = parent.window()
    handler = getattr(window, "on_changes", None)
    if window is not dialog and callable(handler):
        handler(changes)
