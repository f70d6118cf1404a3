"""The right-hand panel of the exceptions queue: one exception, its notes, and what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.services.exceptions_queue import (
    WORK_ACTION,
    ExceptionDetail,
    add_note,
    assign,
    exception_detail,
    set_status,
)
from desktop_ar.services.permissions import can
from desktop_ar.ui.dialogs.exception_dialogs import AssignCustomerDialog, ResolveDialog
from desktop_ar.ui.formatting import format_date, format_money
from desktop_ar.ui.models.cells import code_label, status_label
from desktop_ar.ui.tasks import BackgroundOp, QueryOp

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_ar.domain.money import Money
    from desktop_ar.services.context import ServiceContext


def _money(m: Money | None) -> str:
    return f"{format_money(m)} {m.currency}" if m is not None else "—"


def _value(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ExceptionPanel(QWidget):
    """Details, owner, status buttons and notes of the selected exception."""

    loaded = Signal(object)  # the ExceptionDetail shown (tests, status)

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._id: int | None = None
        self._token = 0  # drops results of loads that a newer selection overtook
        self.detail: ExceptionDetail | None = None
        may_work = can(ctx, WORK_ACTION)

        self.title = QLabel(self)
        self.title.setObjectName("exceptionTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.sub_label = _value(self)
        self.cause_label = _value(self)
        self.cause_label.setObjectName("causeLabel")
        self.empty_label = QLabel(self.tr("Select an exception to work on it."), self)
        self.empty_label.setWordWrap(True)

        info = QGroupBox(self.tr("Exception"), self)
        form = QFormLayout(info)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields: dict[str, QLabel] = {}
        for key, text in (
            ("amount", self.tr("Amount")),
            ("payment", self.tr("Payment")),
            ("payer", self.tr("Payer / reference")),
            ("invoice", self.tr("Invoice")),
            ("customer", self.tr("Customer")),
            ("resolution", self.tr("Resolution")),
        ):
            self.fields[key] = _value(info)
            form.addRow(text, self.fields[key])
        self.owner_edit = QLineEdit(info)
        self.owner_edit.setObjectName("ownerEdit")
        self.owner_edit.setPlaceholderText(self.tr("Nobody yet — type a name, Enter saves"))
        self.owner_edit.setEnabled(may_work)
        self.owner_edit.editingFinished.connect(self._on_owner_edit_editing_finished)
        form.addRow(self.tr("&Owner"), self.owner_edit)

        self.start_button = QPushButton(self.tr("&Start"), self)
        self.start_button.setToolTip(self.tr("Mark as in progress"))
        self.resolve_button = QPushButton(self.tr("&Resolve…"), self)
        self.reopen_button = QPushButton(self.tr("Re&open"), self)
        self.assign_button = QPushButton(self.tr("Assign to &customer…"), self)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.resolve_button.clicked.connect(self._on_resolve_button_clicked)
        self.reopen_button.clicked.connect(self._on_reopen_button_clicked)
        self.assign_button.clicked.connect(self._on_assign_button_clicked)
        actions = QHBoxLayout()
        for button in (
            self.start_button,
            self.resolve_button,
            self.reopen_button,
            self.assign_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)

        notes = QGroupBox(self.tr("Notes"), self)
        self.notes_list = QListWidget(notes)
        self.notes_list.setObjectName("notesList")
        self.notes_list.setWordWrap(True)
        self.notes_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.notes_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.note_edit = QLineEdit(notes)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setPlaceholderText(self.tr("What was done or agreed — Enter adds it"))
        self.note_edit.returnPressed.connect(self._on_note_button_clicked)
        self.note_button = QPushButton(self.tr("Add &note"), notes)
        self.note_button.clicked.connect(self._on_note_button_clicked)
        self.note_edit.setEnabled(may_work)
        self.note_button.setEnabled(may_work)
        add_row = QHBoxLayout()
        add_row.addWidget(self.note_edit, 1)
        add_row.addWidget(self.note_button)
        nbox = QVBoxLayout(notes)
        nbox.addWidget(self.notes_list, 1)
        nbox.addLayout(add_row)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 0, 0, 0)
        outer.addWidget(self.title)
        outer.addWidget(self.sub_label)
        outer.addWidget(self.cause_label)
        outer.addWidget(self.empty_label)
        outer.addWidget(info)
        outer.addLayout(actions)
        outer.addWidget(notes, 1)
        self._details: list[QWidget] = [self.sub_label, self.cause_label, info, notes]
        self._buttons = [
            self.start_button,
            self.resolve_button,
            self.reopen_button,
            self.assign_button,
        ]
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setTabOrder(self.owner_edit, self.start_button)
        self._show_empty()

    # ---- public ------------------------------------------------------------------------------

    def exception_id(self) -> int | None:
        return self._id

    def show_exception(self, exception_id: int | None) -> None:
        """Load and show an exception (None clears the panel); the load runs off the GUI thread."""
        self._id = exception_id
        self._token += 1
        if exception_id is None:
            self._show_empty()
            return
        token, ctx = self._token, self.ctx
        QueryOp(self, lambda: exception_detail(ctx, exception_id)).success(
            lambda d: self._on_loaded(token, d)
        ).failure(lambda exc: self._on_failed(token, exc)).run()

    def reload(self) -> None:
        self.show_exception(self._id)

    # ---- internals ---------------------------------------------------------------------------

    def _show_empty(self) -> None:
        self.detail = None
        self.title.setText("")
        self.empty_label.show()
        for w in self._details + self._buttons:
            w.hide()

    def _on_failed(self, token: int, exc: BaseException) -> None:
        if token != self._token:
            return
        self._show_empty()
        self.empty_label.setText(str(exc))

    def _on_loaded(self, token: int, d: ExceptionDetail) -> None:
        if token != self._token:
            return
        self.detail = d
        self.empty_label.hide()
        for w in self._details:
            w.show()
        self.title.setText(code_label(d.kind))
        detected = self.tr("detected %1").replace("%1", format_date(d.detected_on))
        parts = [status_label(d.status), detected]
        if d.resolved_on is not None:
            parts.append(self.tr("resolved %1").replace("%1", format_date(d.resolved_on)))
        self.sub_label.setText(" · ".join(parts))
        self.cause_label.setText(d.cause)
        self.fields["amount"].setText(_money(d.amount))
        payment = [d.payment_number, format_date(d.payment_date), _money(d.payment_amount)]
        if d.payment_unallocated is not None and d.payment_unallocated.minor:
            unallocated = self.tr("%1 unallocated").replace("%1", _money(d.payment_unallocated))
            payment.append(unallocated)
        self.fields["payment"].setText(" · ".join(p for p in payment if p))
        payer = " · ".join(p for p in (d.payer_name, d.reference) if p)
        self.fields["payer"].setText(payer or "—")
        self.fields["invoice"].setText(d.invoice_number or "—")
        customer = f"{d.customer_code}  {d.customer_name}".strip()
        self.fields["customer"].setText(customer or self.tr("Not identified yet"))
        self.fields["resolution"].setText(d.resolution or "—")
        if not self.owner_edit.hasFocus():
            self.owner_edit.setText(d.owner)
        self.notes_list.clear()
        for note in d.notes:
            head = f"{note.at:%Y-%m-%d %H:%M} · {note.author}"
            item = QListWidgetItem(f"{head}\n{note.text}", self.notes_list)
            item.setToolTip(note.text)
        if not d.notes:
            QListWidgetItem(self.tr("No notes yet."), self.notes_list)
        self._update_buttons(d)
        self.loaded.emit(d)

    def _update_buttons(self, d: ExceptionDetail) -> None:
        may_work = can(self.ctx, WORK_ACTION)
        resolved = d.status == "resolved"
        self.start_button.setVisible(d.status == "open")
        self.resolve_button.setVisible(not resolved)
        self.reopen_button.setVisible(resolved)
        for button in (self.start_button, self.resolve_button, self.reopen_button):
            button.setEnabled(may_work)
        unplaced = d.kind == "unidentified" and d.customer_id is None and not resolved
        self.assign_button.setVisible(unplaced)
        self.assign_button.setEnabled(can(self.ctx, "post_payments"))

    def _run(self, fn: Callable[[], Any], then: Callable[[], None] | None = None) -> None:
        def done(_result: object) -> None:
            if then is not None:
                then()
            self.reload()

        BackgroundOp(self, lambda _progress: fn()).success(done).run()

    def _on_owner_edit_editing_finished(self) -> None:
        d = self.detail
        owner = self.owner_edit.text().strip()
        if d is None or owner == d.owner:
            return
        ctx, eid = self.ctx, d.id
        self._run(lambda: assign(ctx, eid, owner))

    def _on_start_button_clicked(self) -> None:
        if self.detail is not None:
            ctx, eid = self.ctx, self.detail.id
            self._run(lambda: set_status(ctx, eid, "in_progress"))

    def _on_reopen_button_clicked(self) -> None:
        if self.detail is not None:
            ctx, eid = self.ctx, self.detail.id
            self._run(lambda: set_status(ctx, eid, "open"))

    def _on_resolve_button_clicked(self) -> None:
        d = self.detail
        if d is None:
            return
        dialog = ResolveDialog(ctx=self.ctx, exception_id=d.id, cause=d.cause, parent=self)
        dialog.saved.connect(lambda _r: self.reload())
        dialog.open()

    def _on_assign_button_clicked(self) -> None:
        d = self.detail
        if d is None or d.payment_id is None:
            return
        summary = QCoreApplication.translate(
            "exceptions", "%1 of %2 received on %3 from %4."
        )  # the payment, its amount, date and payer
        summary = (
            summary.replace("%1", d.payment_number)
            .replace("%2", _money(d.payment_amount))
            .replace("%3", format_date(d.payment_date))
            .replace("%4", d.payer_name or "—")
        )
        dialog = AssignCustomerDialog(
            ctx=self.ctx, payment_id=d.payment_id, summary=summary, parent=self
        )
        dialog.saved.connect(lambda _r: self.reload())
        dialog.open()

    def _on_note_button_clicked(self) -> None:
        d = self.detail
        text = self.note_edit.text().strip()
        if d is None or not text:
            return
        ctx, eid = self.ctx, d.id
        self._run(lambda: add_note(ctx, eid, text), then=self.note_edit.clear)
