"""A small form dialog: fields, an inline error line, Save/Cancel, and a save off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.services.changes import Changes
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp


class FormDialog(QDialog):
    """Subclasses add rows to ``form`` and implement ``save_fn``; Enter saves, Esc cancels."""

    saved = Signal(object)  # the service's result
    geometry_key = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        geometry = app_settings().value(self.geometry_key) if self.geometry_key else None
        self.restored_geometry = bool(geometry) and self.restoreGeometry(geometry)

    def save_fn(self) -> Callable[[], Any]:
        """Validate the fields and return the service call to run (``DomainError`` refuses)."""
        raise NotImplementedError

    def show_error(self, exc: BaseException | str) -> None:
        self.error_label.setText(exc if isinstance(exc, str) else error_text(exc))
        self.error_label.show()

    def accept(self) -> None:
        try:
            fn = self.save_fn()
        except DomainError as exc:  # validation: shown inline, nothing runs
            self.show_error(exc)
            return
        self.save_button.setEnabled(False)
        BackgroundOp(self, lambda _progress: fn()).success(self._on_saved).failure(
            self._on_failed
        ).run()

    def _on_saved(self, result: object) -> None:
        self.saved.emit(result)
        super().accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.show_error(exc)

    def on_changes(self, changes: Changes) -> None:
        forward_changes(self, changes)

    def done(self, result: int) -> None:
        if self.geometry_key:
            app_settings().setValue(self.geometry_key, self.saveGeometry())
        super().done(result)
