"""The one place errors reach the user (Anki's ``show_exception``).

A ``DomainError`` becomes a translated sentence that says what to fix; anything else becomes a
"Something went wrong" dialog with the traceback in the details (copyable) and in the log.
``Cancelled`` is never shown.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_ar.domain.errors import MESSAGES, Cancelled, DomainError

log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    """The translated message of a domain error (English template → ``errors`` context)."""
    if isinstance(exc, DomainError):
        template = MESSAGES.get(exc.code)
        if template is None:
            return exc.message
        translated = QCoreApplication.translate("errors", template)
        try:
            return translated.format(**exc.params)
        except (KeyError, IndexError, ValueError):  # a broken translation must not hide the error
            return exc.message
    return str(exc) or type(exc).__name__


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox | None:
    """Show an error to the user; returns the (already closed) message box, None if not shown."""
    if isinstance(exc, Cancelled):
        return None
    box = QMessageBox(parent)
    box.setWindowTitle(QCoreApplication.translate("errors", "Desktop AR"))
    if isinstance(exc, DomainError):
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(error_text(exc))
    else:
        log.error("unexpected error", exc_info=exc)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setText(QCoreApplication.translate("errors", "Something went wrong."))
        box.setInformativeText(
            QCoreApplication.translate(
                "errors", "Nothing was saved. The details below help to report the problem."
            )
        )
        box.setDetailedText("".join(traceback.format_exception(exc)))
    box.exec()
    return box
