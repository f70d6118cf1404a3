"""Log a call, email, visit, feedback or complaint with a customer (沟通记录)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from desktop_ar.domain.errors import DomainError
from desktop_ar.services.activity import LogInput, log_contact
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.models.cells import code_label
from desktop_ar.ui.widgets.date_field import DateField

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

KINDS = ("call", "email", "visit", "feedback", "complaint")


class ContactLogDialog(FormDialog):
    """Date, kind, who, what was said, the outcome and the next follow-up date."""

    geometry_key = "dialogs/contact_log/geometry"

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        customer_id: int,
        customer_label: str = "",
        kind: str = "call",
        contact_names: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contactLogDialog")
        self.ctx = ctx
        self.customer_id = customer_id
        title = self.tr("Log a contact")
        self.setWindowTitle(f"{title} — {customer_label}" if customer_label else title)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("kindCombo")
        for value in KINDS:
            self.kind_combo.addItem(code_label(value), value)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.date_edit = DateField(ctx.clock.today(), self)
        self.date_edit.setObjectName("logDateEdit")
        self.person_combo = QComboBox(self)
        self.person_combo.setObjectName("personCombo")
        self.person_combo.setEditable(True)
        self.person_combo.addItems(contact_names or [])
        self.person_combo.setCurrentText((contact_names or [""])[0])
        self.summary_edit = QPlainTextEdit(self)
        self.summary_edit.setObjectName("summaryEdit")
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setPlaceholderText(self.tr("What was discussed"))
        self.summary_edit.setMinimumHeight(70)
        self.outcome_edit = QLineEdit(self)
        self.outcome_edit.setObjectName("outcomeEdit")
        self.outcome_edit.setPlaceholderText(self.tr("e.g. promised to pay half by the 15th"))
        self.follow_up_edit = DateField(None, self)
        self.follow_up_edit.setObjectName("followUpEdit")
        self.follow_up_edit.setPlaceholderText(self.tr("YYYY-MM-DD (optional)"))
        self.form.addRow(self.tr("&Kind"), self.kind_combo)
        self.form.addRow(self.tr("&Date"), self.date_edit)
        self.form.addRow(self.tr("&With"), self.person_combo)
        self.form.addRow(self.tr("&Summary"), self.summary_edit)
        self.form.addRow(self.tr("&Outcome"), self.outcome_edit)
        self.form.addRow(self.tr("Next &follow-up"), self.follow_up_edit)
        if not self.restored_geometry:
            self.resize(460, 340)
        self.summary_edit.setFocus()

    def save_fn(self) -> Callable[[], Any]:
        for field, label in (
            (self.date_edit, self.tr("Date")),
            (self.follow_up_edit, self.tr("Next follow-up")),
        ):
            if field.error():
                raise DomainError("invalid", field=label, reason=field.error())
        if self.date_edit.value() is None:
            raise DomainError("invalid", field=self.tr("Date"), reason=self.tr("enter the date"))
        summary = self.summary_edit.toPlainText().strip()
        if not summary:
            self.summary_edit.setFocus()
            raise DomainError(
                "invalid", field=self.tr("Summary"), reason=self.tr("say what was discussed")
            )
        data = LogInput(
            kind=str(self.kind_combo.currentData()),
            summary=summary,
            log_date=self.date_edit.value(),
            contact_person=self.person_combo.currentText(),
            outcome=self.outcome_edit.text(),
            next_follow_up=self.follow_up_edit.value(),
        )
        ctx, cid = self.ctx, self.customer_id
        return lambda: log_contact(ctx, cid, data)
