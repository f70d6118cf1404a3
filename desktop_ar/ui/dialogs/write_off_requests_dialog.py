"""Write-off approvals… (坏账核销审批): the bad-debt write-off requests, pending first.

A user with the ``approve_write_off`` role approves the selected waiting request (which writes
the write-off) or rejects it with a note. The requester cannot approve their own request: the
refusal is shown in the dialog. Other roles see the list and a note.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.services.permissions import can
from desktop_ar.services.write_off_requests import (
    approve_write_off,
    list_write_off_requests,
    reject_write_off,
)
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.write_off_requests import WriteOffRequestView

_GEOMETRY = "dialogs/write_off_requests/geometry"
NOTE_STYLE = "color: palette(mid);"
ERROR_STYLE = "color: #b00020;"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at is not None else ""


class WriteOffRequestsDialog(QDialog):
    """The write-off requests with Approve / Reject for the roles that may decide."""

    loaded = Signal(int)  # requests listed
    decided = Signal(int, str)  # request id, "approved" / "rejected"
    refused = Signal(str)  # the message shown when a decision was refused

    def __init__(self, *, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("writeOffRequestsDialog")
        self.setWindowTitle(self.tr("Write-off approvals"))
        self.ctx = ctx
        self.may_decide = can(ctx, "approve_write_off")
        self.requests: list[WriteOffRequestView] = []
        self._busy = False

        # Translators: column titles separated by "|" (keep the ten parts).
        columns = self.tr(
            "Status|Requested|Invoice|Code|Customer|Amount|Currency|Reason|Requested by|Decision"
        )
        self.table = QTableWidget(0, 10, self)
        self.table.setObjectName("requestsTable")
        self.table.setHorizontalHeaderLabels(columns.split("|"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())

        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("decisionNoteEdit")
        self.note_edit.setPlaceholderText(self.tr("Why (required to reject)"))
        note_label = QLabel(self.tr("Decision &note"), self)
        note_label.setBuddy(self.note_edit)
        self.approve_button = self._button(self.tr("&Approve…"), "approveButton")
        self.approve_button.clicked.connect(self.approve)
        self.reject_button = self._button(self.tr("Re&ject…"), "rejectButton")
        self.reject_button.clicked.connect(self.reject_request)
        decide = QHBoxLayout()
        decide.addWidget(note_label)
        decide.addWidget(self.note_edit, 1)
        decide.addWidget(self.approve_button)
        decide.addWidget(self.reject_button)

        self.role_note = QLabel(self)
        self.role_note.setObjectName("roleNote")
        self.role_note.setWordWrap(True)
        self.role_note.setStyleSheet(NOTE_STYLE)
        text = self.tr("Your role (%1) may see the requests but not approve or reject them.")
        self.role_note.setText(text.replace("%1", ctx.role))
        self.role_note.setVisible(not self.may_decide)
        self.message = QLabel(self)
        self.message.setObjectName("messageLabel")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = self._button(self.tr("Close"), "closeButton")
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(decide)
        layout.addWidget(self.role_note)
        layout.addLayout(bottom)
        self.resize(1000, 520)
        geometry = app_settings().value(_GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._update_buttons()
        self.table.setFocus()
        self.refresh()

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        return button

    def _status_text(self, status: str) -> str:
        texts = {
            "pending": self.tr("Waiting"),
            "approved": self.tr("Approved"),
            "rejected": self.tr("Rejected"),
        }
        return texts.get(status, status)

    # ---- reading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """List the requests (on the database thread), pending first."""
        ctx = self.ctx
        QueryOp(self, lambda: list_write_off_requests(ctx)).success(self._on_loaded).failure(
            self._show_refusal
        ).run()

    def _on_loaded(self, requests: list[WriteOffRequestView]) -> None:
        current = self.current_request()
        keep = current.id if current is not None else None
        self.requests = sorted(requests, key=lambda r: r.status != "pending")
        self.table.setRowCount(len(self.requests))
        select = 0
        for row, r in enumerate(self.requests):
            decision = " ".join(p for p in (r.decided_by, _when(r.decided_at)) if p)
            if r.decision_note:
                decision = f"{decision}: {r.decision_note}" if decision else r.decision_note
            cells = (
                self._status_text(r.status),
                _when(r.requested_at),
                r.invoice_number,
                r.customer_code,
                r.customer_name,
                format_money(r.amount),
                r.amount.currency,
                r.reason,
                r.requested_by,
                decision,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text if col in (7, 9) else "")
                if col == 5:
                    item.setTextAlignment(_RIGHT)
                self.table.setItem(row, col, item)
            if r.id == keep:
                select = row
        if self.requests:
            self.table.setCurrentCell(select, 0)
        self._update_buttons()
        self.loaded.emit(len(self.requests))

    def current_request(self) -> WriteOffRequestView | None:
        """The selected request, None when nothing is selected."""
        row = self.table.currentRow()
        return self.requests[row] if 0 <= row < len(self.requests) else None

    def _update_buttons(self) -> None:
        r = self.current_request()
        waiting = r is not None and r.status == "pending"
        enabled = self.may_decide and waiting and not self._busy
        self.approve_button.setEnabled(enabled)
        self.reject_button.setEnabled(enabled)

    # ---- deciding -----------------------------------------------------------------------------

    def approve(self) -> None:
        """Approve the selected waiting request: the write-off is written."""
        self._decide("approved")

    def reject_request(self) -> None:
        """Reject the selected waiting request with the note."""
        self._decide("rejected")

    def _decide(self, outcome: str) -> None:
        r = self.current_request()
        if self._busy or not self.may_decide or r is None or r.status != "pending":
            return
        ctx, rid, note = self.ctx, r.id, self.note_edit.text()
        if outcome == "rejected" and not note.strip():
            self._show_message(self.tr("Enter a note saying why the write-off is rejected."))
            self.note_edit.setFocus()
            return
        self._busy = True
        self._update_buttons()
        self._show_message("", error=False)

        def work(_progress: object) -> object:
            if outcome == "approved":
                return approve_write_off(ctx, rid, note)
            return reject_write_off(ctx, rid, note)

        BackgroundOp(self, work).success(lambda _c: self._on_decided(rid, outcome)).failure(
            self._show_refusal
        ).run()

    def _on_decided(self, request_id: int, outcome: str) -> None:
        self._busy = False
        self.note_edit.clear()
        text = self.tr("Write-off approved and posted.")
        if outcome == "rejected":
            text = self.tr("Write-off request rejected.")
        self._show_message(text, error=False)
        self.decided.emit(request_id, outcome)
        self.refresh()

    def _show_refusal(self, exc: BaseException) -> None:
        self._busy = False
        self._show_message(error_text(exc))
        self._update_buttons()

    def _show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)
        if error and text:
            self.refused.emit(text)

    def on_changes(self, changes: Changes) -> None:
        """Pass the saved changes on to the window that opened the dialog."""
        forward_changes(self, changes)

    def done(self, result: int) -> None:
        app_settings().setValue(_GEOMETRY, self.saveGeometry())
        super().done(result)
