"""The File ▸ Import… action (Ctrl+I) that opens the import wizard.

The wizard's modules (and the spreadsheet readers behind them) load on first use, not at start.
No page may use Ctrl+I for itself: two actions with one shortcut make Qt fire neither (a test in
tests/ui/test_import_wizard.py checks every page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop_ar.services.context import ServiceContext

SHORTCUT = "Ctrl+I"


def make_import_action(window: QWidget, ctx: ServiceContext) -> QAction:
    """The "Import…" action of ``window``."""
    action = QAction(QCoreApplication.translate("ImportWizard", "&Import…"), window)
    action.setObjectName("importAction")
    action.setShortcut(QKeySequence(SHORTCUT))

    def trigger() -> None:
        from desktop_ar.ui.wizards.import_wizard import open_import_wizard

        window.import_wizard = open_import_wizard(window, ctx)  # type: ignore[attr-defined]

    action.triggered.connect(lambda _checked=False: trigger())
    return action
