"""Balance confirmation… (余额确认): record that a customer was asked, confirmed or disputed.

The as-of date shows our balance at the end of that day (the statement of account's closing
balance, read off the GUI thread and again when the date changes). Status: sent (asked, no
reply yet), confirmed or disputed; their balance defaults to ours when they confirm, and the
difference is shown as it is typed. Save records it through ``record_balance_confirmation``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.dialogs.recon_common import (
    ERROR_STYLE,
    NOTE_STYLE,
    OK_STYLE,
    money_text,
    service,
)
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.tasks import QueryOp
from desktop_ar.ui.widgets.date_field import DateField
from desktop_ar.ui.widgets.money_edit import MoneyEdit

if TYPE_CHECKING:
    from desktop_ar.domain.money import Money
    from desktop_ar.services.context import ServiceContext

STATUSES = ("sent", "confirmed", "disputed")


def our_balances(ctx: ServiceContext, customer_id: int, as_of: date) -> list[Money]:
    """Our balance of the customer at the end of ``as_of``, one per currency (own first)."""
    from desktop_ar.services.statements import statement_of_account

    statement = statement_of_account(ctx, customer_id, as_of, as_of)
    return [section.closing for section in statement.sections]


class BalanceConfirmationDialog(FormDialog):
    """As-of date, our balance, the customer's answer; Save records the confirmation."""

    geometry_key = "dialogs/balance_confirmation/geometry"

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        customer_id: int,
        customer_label: str,
        as_of: date,
        currency: str = "CNY",
        contact_names: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("balanceConfirmationDialog")
        self.setWindowTitle(self.tr("Balance confirmation"))
        self.ctx = ctx
        self.customer_id = customer_id
        self.ours: Money | None = None
        self._generation = 0
        who = QLabel(customer_label, self)
        self.as_of_field = DateField(as_of, self)
        self.as_of_field.setObjectName("asOfField")
        self.ours_label = QLabel("…", self)
        self.ours_label.setObjectName("ourBalance")
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("statusCombo")
        labels = {
            "sent": self.tr("Sent — waiting for the reply"),
            "confirmed": self.tr("Confirmed by the customer"),
            "disputed": self.tr("Disputed by the customer"),
        }
        for status in STATUSES:
            self.status_combo.addItem(labels[status], status)
        self.their_edit = MoneyEdit(currency, self, allow_negative=True)
        self.their_edit.setObjectName("theirBalance")
        self.their_edit.setPlaceholderText(self.tr("what the customer says it owes"))
        self.difference_label = QLabel(self)
        self.difference_label.setObjectName("differenceLabel")
        self.reply_field = DateField(None, self)
        self.reply_field.setObjectName("replyDate")
        self.contact_combo = QComboBox(self)
        self.contact_combo.setObjectName("contactCombo")
        self.contact_combo.setEditable(True)
        self.contact_combo.addItems(["", *(contact_names or [])])
        self.contact_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(80)
        self.note_edit.setPlaceholderText(self.tr("e.g. confirmation letter sent by email"))
        self.form.addRow(self.tr("Customer"), who)
        self.form.addRow(self.tr("Balance &as of"), self.as_of_field)
        self.form.addRow(self.tr("Our balance"), self.ours_label)
        self.form.addRow(self.tr("&Status"), self.status_combo)
        self.form.addRow(self.tr("&Their balance"), self.their_edit.with_feedback(self))
        self.form.addRow(self.tr("Difference"), self.difference_label)
        self.form.addRow(self.tr("&Reply date"), self.reply_field)
        self.form.addRow(self.tr("&Contact person"), self.contact_combo)
        self.form.addRow(self.tr("&Note"), self.note_edit)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._load_balance)
        self.as_of_field.date_changed.connect(lambda _d: self._debounce.start())
        self.status_combo.currentIndexChanged.connect(self._on_status_combo_changed)
        self.their_edit.value_changed.connect(lambda _v: self._show_difference())
        if not self.restored_geometry:
            self.resize(520, self.sizeHint().height())
        self._on_status_combo_changed(0)
        self._load_balance()
        self.as_of_field.setFocus()

    # ---- our balance -------------------------------------------------------------------------

    def _load_balance(self) -> None:
        when = self.as_of_field.value()
        self._generation += 1
        generation = self._generation
        if when is None:
            self.ours = None
            self.ours_label.setText("—")
            self._show_difference()
            return
        ctx, cid = self.ctx, self.customer_id

        def done(balances: list[Money]) -> None:
            if generation == self._generation:
                self._on_balance(balances)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.ours_label.setText(error_text(exc))
                self.ours_label.setStyleSheet(ERROR_STYLE)

        QueryOp(self, lambda: our_balances(ctx, cid, when)).success(done).failure(failed).run()

    def _on_balance(self, balances: list[Money]) -> None:
        self.ours = balances[0] if balances else None
        self.ours_label.setStyleSheet("")
        self.ours_label.setText("; ".join(money_text(b) for b in balances) or "—")
        if self.ours is not None:
            self.their_edit.set_currency(self.ours.currency)
            if self.status() == "confirmed" and not self.their_edit.text().strip():
                self.their_edit.set_value(self.ours)
        self._show_difference()

    def _show_difference(self) -> None:
        theirs, ours = self.their_edit.value(), self.ours
        if theirs is None or ours is None or theirs.currency != ours.currency:
            self.difference_label.setText("—")
            self.difference_label.setStyleSheet(NOTE_STYLE)
            return
        diff = ours - theirs
        self.difference_label.setText(money_text(diff))
        self.difference_label.setStyleSheet(OK_STYLE if diff.minor == 0 else ERROR_STYLE)

    # ---- status ------------------------------------------------------------------------------

    def status(self) -> str:
        return str(self.status_combo.currentData())

    def _on_status_combo_changed(self, _index: int) -> None:
        answered = self.status() != "sent"
        self.reply_field.setEnabled(answered)
        if answered and self.reply_field.value() is None:
            self.reply_field.set_value(self.ctx.clock.today())
        confirmed = self.status() == "confirmed" and self.ours is not None
        if confirmed and not self.their_edit.text().strip():
            self.their_edit.set_value(self.ours)
        self._show_difference()

    # ---- saving ------------------------------------------------------------------------------

    def save_fn(self) -> Callable[[], Any]:
        as_of = self.as_of_field.value()
        if as_of is None:
            self.as_of_field.setFocus()
            reason = self.as_of_field.error() or self.tr("enter the date as YYYY-MM-DD")
            raise DomainError("invalid", field=self.tr("Balance as of"), reason=reason)
        if self.their_edit.error():
            self.their_edit.setFocus()
            raise DomainError(
                "invalid", field=self.tr("Their balance"), reason=self.their_edit.error()
            )
        status = self.status()
        reply = self.reply_field.value() if status != "sent" else None
        if status != "sent" and reply is None and self.reply_field.text().strip():
            self.reply_field.setFocus()
            reason = self.reply_field.error() or self.tr("enter the date as YYYY-MM-DD")
            raise DomainError("invalid", field=self.tr("Reply date"), reason=reason)
        note = self.note_edit.toPlainText().strip()
        if status == "disputed" and self.their_edit.value() is None and not note:
            self.their_edit.setFocus()
            raise DomainError(
                "invalid",
                field=self.tr("Their balance"),
                reason=self.tr("give the balance the customer states, or say in the note why"),
            )
        theirs = self.their_edit.value()
        ours = self.ours
        if status == "confirmed" and theirs is not None and ours is not None and theirs != ours:
            self.status_combo.setFocus()
            raise DomainError(
                "invalid",
                field=self.tr("Their balance"),
                reason=self.tr("it differs from ours: record the reply as disputed"),
            )
        ctx, cid = self.ctx, self.customer_id
        kwargs = {
            "status": status,
            "their_balance": self.their_edit.value(),
            "reply_date": reply,
            "contact_person": self.contact_combo.currentText().strip(),
            "note": note,
        }
        return lambda: service().record_balance_confirmation(ctx, cid, as_of, **kwargs)


def contact_field(dialog: BalanceConfirmationDialog) -> QLineEdit:
    """The editable contact combo's line edit (tests type into it)."""
    edit = dialog.contact_combo.lineEdit()
    assert edit is not None
    return edit
