"""Confirming an order (确认订单): the credit check with its reasons, and a permitted override."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.credit import Reason, describe
from desktop_ar.domain.money import Money
from desktop_ar.services import orders as order_service
from desktop_ar.services.permissions import can
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp

if TYPE_CHECKING:
    from desktop_ar.domain.credit import CreditCheckResult
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext


def _amount(m: Money) -> str:
    return f"{format_money(m)} {m.currency}"


class CreditCheckDialog(QDialog):
    """Shows the check for one draft order; Confirm when it passes, Override… when blocked."""

    def __init__(
        self, *, ctx: ServiceContext, order_id: int, number: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("creditCheckDialog")
        self.ctx = ctx
        self.order_id = order_id
        self.result_: CreditCheckResult | None = None
        self.confirmed = False
        self.setWindowTitle(self.tr("Confirm order %1").replace("%1", number).strip())

        self.outcome = QLabel(self.tr("Checking credit…"), self)
        self.outcome.setObjectName("creditOutcome")
        font = self.outcome.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.outcome.setFont(font)
        self.limit = QLabel(self)
        self.exposure = QLabel(self)
        self.headroom = QLabel(self)
        for label in (self.limit, self.exposure, self.headroom):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.reasons = QListWidget(self)
        self.reasons.setObjectName("creditReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setMinimumHeight(90)
        self.override_note = QLabel(self)
        self.override_note.setWordWrap(True)
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setObjectName("overrideReason")
        self.reason_edit.setPlaceholderText(self.tr("Why the order goes ahead (required)"))
        self.reason_edit.setMaximumHeight(70)
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.hide()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.confirm_button = self.buttons.addButton(
            self.tr("&Confirm order"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.override_button = self.buttons.addButton(
            self.tr("&Override…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button.setEnabled(False)
        self.override_button.hide()
        self.override_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.override_button.clicked.connect(self._on_override_button_clicked)

        figures = QFormLayout()
        figures.addRow(self.tr("Credit limit"), self.limit)
        figures.addRow(self.tr("Exposure (open + confirmed orders + this order)"), self.exposure)
        figures.addRow(self.tr("Headroom"), self.headroom)
        layout = QVBoxLayout(self)
        layout.addWidget(self.outcome)
        layout.addLayout(figures)
        layout.addWidget(QLabel(self.tr("Reasons"), self))
        layout.addWidget(self.reasons, 1)
        layout.addWidget(self.override_note)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        geometry = app_settings().value("dialogs/credit_check/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        QueryOp(self, lambda: order_service.check_credit(ctx, order_id)).success(
            self._on_checked
        ).failure(self._on_failed).run()

    # ---- showing the check -------------------------------------------------------------------

    def reason_text(self, reason: Reason) -> str:
        """The reason in the interface language (Chinese when the translation is Chinese)."""
        lang = self.tr("en", "language code of this translation (zh for Chinese)")
        return describe(reason, lang)

    def _on_checked(self, result: CreditCheckResult) -> None:
        self.result_ = result
        limit = result.exposure + result.headroom
        self.limit.setText(_amount(limit))
        self.exposure.setText(_amount(result.exposure))
        self.headroom.setText(_amount(result.headroom))
        if result.headroom.minor < 0:
            self.headroom.setStyleSheet("color: #c62828;")
        self.reasons.clear()
        for reason in result.reasons:
            self.reasons.addItem(self.reason_text(reason))
        if not result.blocked:
            self.outcome.setText(self.tr("✓ Credit check passed"))
            self.outcome.setStyleSheet("color: #2e7d32;")
            self.reasons.addItem(self.tr("Within the limit, nothing overdue too long, no hold."))
            self.confirm_button.setEnabled(True)
            self.confirm_button.setDefault(True)
            return
        self.outcome.setText(self.tr("✗ Blocked by the credit check"))
        self.outcome.setStyleSheet("color: #c62828;")
        self.override_button.show()
        if can(self.ctx, "override_credit"):
            self.override_note.setText(
                self.tr("You may override the block with a reason; the override is audited.")
            )
        else:
            self.override_button.setEnabled(False)
            self.override_button.setToolTip(self.tr("Only an administrator may override"))
            self.override_note.setText(
                self.tr("Only an administrator may override this block (your role: %1).").replace(
                    "%1", self.ctx.role
                )
            )

    def _on_failed(self, exc: BaseException) -> None:
        self.outcome.setText(self.tr("The credit check could not run"))
        self._show_error(error_text(exc))

    def _on_override_button_clicked(self) -> None:
        self.reason_edit.show()
        self.reason_edit.setFocus()
        self.override_button.hide()
        self.confirm_button.setText(self.tr("&Confirm with override"))
        self.confirm_button.setEnabled(True)
        self.confirm_button.setDefault(True)

    # ---- confirming --------------------------------------------------------------------------

    def accept(self) -> None:
        result = self.result_
        if result is None:
            return
        override: str | None = None
        if result.blocked:
            override = self.reason_edit.toPlainText().strip()
            if self.reason_edit.isHidden() or not override:
                self._show_error(self.tr("Enter the reason for overriding the credit check."))
                self.reason_edit.setFocus()
                return
        ctx, order_id = self.ctx, self.order_id
        self.confirm_button.setEnabled(False)
        BackgroundOp(
            self,
            lambda _p: order_service.confirm_order(ctx, order_id, override_reason=override),
        ).success(self._on_confirmed).failure(self._on_confirm_failed).run()

    def _on_confirmed(self, _result: object) -> None:
        self.confirmed = True
        super().accept()

    def _on_confirm_failed(self, exc: BaseException) -> None:
        self.confirm_button.setEnabled(True)
        self._show_error(error_text(exc))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def on_changes(self, changes: Changes) -> None:
        forward_changes(self, changes)

    def done(self, result: int) -> None:
        app_settings().setValue("dialogs/credit_check/geometry", self.saveGeometry())
        super().done(result)
