"""Statement of account… : ask for the period, then write the customer's statement to ``.xlsx``.

The dialog offers the month up to the as-of date (the command line's default too). "Export…"
checks the dates, asks for the file name (the last export folder is offered) and writes the
file on the database thread with the shared export machinery (``ui/export_action.py``); the
dialog closes when the file is written and shows a failure inline, staying open to try again.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.services.statements import default_period
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.export_action import start_export
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.widgets.date_field import DateField

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.exports import ExportResult
    from desktop_ar.services.progress import Progress
    from desktop_ar.ui.tasks import BackgroundOp

_GEOMETRY = "dialogs/statement/geometry"


def _export(
    ctx: ServiceContext, customer_id: int, start: date, end: date, path: Path
) -> ExportResult:
    # Runs on the database thread: read the statement, then write it.
    from desktop_ar.services.statement_export import export_statement
    from desktop_ar.services.statements import statement_of_account

    return export_statement(ctx, statement_of_account(ctx, customer_id, start, end), path)


class StatementDialog(QDialog):
    """The period of a customer's statement of account, and its export to Excel."""

    exported = Signal(object)  # ExportResult

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        customer_id: int,
        customer_code: str,
        customer_name: str,
        as_of: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statementDialog")
        self.setWindowTitle(self.tr("Statement of account"))
        self.ctx = ctx
        self.customer_id = customer_id
        self.customer_code = customer_code
        self.op: BackgroundOp[ExportResult] | None = None
        start, end = default_period(as_of)
        self.who = QLabel(f"{customer_code}  {customer_name}", self)
        self.who.setObjectName("statementCustomer")
        self.who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.date_from = DateField(start, self)
        self.date_from.setObjectName("statementFrom")
        self.date_to = DateField(end, self)
        self.date_to.setObjectName("statementTo")
        note = QLabel(
            self.tr(
                "The opening balance is everything before the first day. The open items and "
                "their aging are shown as of the last day."
            ),
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.buttons.addButton(
            self.tr("&Export to Excel…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Customer"), self.who)
        form.addRow(self.tr("&From"), self.date_from)
        form.addRow(self.tr("&To"), self.date_to)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.date_from, self.date_to)
        self.setTabOrder(self.date_to, self.export_button)
        geometry = app_settings().value(_GEOMETRY)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(440, self.sizeHint().height())
        self.date_from.setFocus()
        self.date_from.selectAll()

    def period(self) -> tuple[date, date] | None:
        """The period typed, or None (the reason shown inline) when it is not a valid one."""
        start, end = self.date_from.value(), self.date_to.value()
        for field, value in ((self.date_from, start), (self.date_to, end)):
            if value is None:
                text = field.error() or self.tr("Enter the date as YYYY-MM-DD.")
                self.show_error(text)
                field.setFocus()
                return None
        assert start is not None and end is not None
        if start > end:
            self.show_error(self.tr("The first day is after the last day."))
            self.date_from.setFocus()
            return None
        return start, end

    def show_error(self, exc: BaseException | str) -> None:
        self.error_label.setText(exc if isinstance(exc, str) else error_text(exc))
        self.error_label.show()

    def accept(self) -> None:
        period = self.period()
        if period is None:
            return
        self.error_label.hide()
        start, end = period
        ctx, cid = self.ctx, self.customer_id
        name = f"statement-{self.customer_code}-{end.isoformat()}.xlsx"

        def work(path: Path, _progress: Progress) -> ExportResult:
            return _export(ctx, cid, start, end, path)

        op = start_export(self, name, work, self._on_exported)
        if op is None:  # the file dialog was cancelled: stay, the period is kept
            return
        # The outcome comes back through a queued signal, after this returns.
        op.failure(self._on_failed)
        self.op = op
        self.export_button.setEnabled(False)

    def _on_exported(self, result: ExportResult) -> None:
        self.export_button.setEnabled(True)
        self.exported.emit(result)
        window = self.parentWidget().window() if self.parentWidget() is not None else None
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            text = self.tr("Statement of account written to %1").replace("%1", str(result.path))
            bar().showMessage(text, 8000)
        super().accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.show_error(exc)

    def done(self, result: int) -> None:
        app_settings().setValue(_GEOMETRY, self.saveGeometry())
        super().done(result)
