"""Create or edit a customer record (客户档案): details, terms and credit, contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.customer_value import describe_rule
from desktop_ar.domain.errors import ConcurrentEditError, DomainError
from desktop_ar.domain.terms import COMMON_TERMS, describe_terms, parse_terms
from desktop_ar.services.customer_archive import contacts, save_customer, validate_contact
from desktop_ar.services.customers import CustomerInput, customer_detail
from desktop_ar.services.settings import get_settings
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.models.cells import code_label
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp
from desktop_ar.ui.undo_stack import record_undo
from desktop_ar.ui.widgets.contacts_table import ContactsTable
from desktop_ar.ui.widgets.money_edit import MoneyEdit

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.customer_archive import ContactRow
    from desktop_ar.services.customers import CustomerDetail

_CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP")
_GEOMETRY = "dialogs/customer/geometry"


def _ui_lang() -> str:
    return QLocale().name()


class CustomerDialog(QDialog):
    """All fields of a customer; Enter saves, Esc cancels, a stale edit asks to reload."""

    saved = Signal(int)  # the customer id
    loaded = Signal()

    def __init__(
        self, *, ctx: ServiceContext, customer_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerDialog")
        self.ctx = ctx
        self.customer_id = customer_id
        self._version: int | None = None
        self._value_tier: str | None = None
        self.setWindowTitle(
            self.tr("New customer") if customer_id is None else self.tr("Edit customer")
        )
        self.tabs = QTabWidget(self)
        self._build_general()
        self._build_credit()
        self._build_contact()
        self.contacts = ContactsTable(self)
        self.tabs.addTab(self.contacts, self.tr("C&ontacts"))

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
        self.reload_button = QPushButton(self.tr("&Reload"), self)
        self.reload_button.setAutoDefault(False)
        self.reload_button.hide()
        self.buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.reload_button.clicked.connect(self._load)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        geometry = app_settings().value(_GEOMETRY)
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(640, 520)
        self._load()

    # ---- building ----------------------------------------------------------------------------

    def _form_tab(self, title: str) -> QFormLayout:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.tabs.addTab(page, title)
        return form

    def _line(self, form: QFormLayout, label: str, name: str, max_len: int = 200) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setMaxLength(max_len)
        form.addRow(label, edit)
        return edit

    def _build_general(self) -> None:
        form = self._form_tab(self.tr("&General"))
        self.name_edit = self._line(form, self.tr("&Name"), "nameEdit")
        self.code_edit = self._line(form, self.tr("&Code"), "codeEdit", 40)
        self.code_edit.setPlaceholderText(self.tr("automatic (next number)"))
        self.short_name_edit = self._line(form, self.tr("S&hort name"), "shortNameEdit", 100)
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("typeCombo")
        for value in ("key_account", "sme", "individual"):
            self.type_combo.addItem(code_label(value), value)
        form.addRow(self.tr("&Type"), self.type_combo)
        self.industry_edit = self._line(form, self.tr("&Industry"), "industryEdit", 100)
        self.region_edit = self._line(form, self.tr("&Region"), "regionEdit", 100)
        self.tags_edit = self._line(form, self.tr("Ta&gs"), "tagsEdit", 500)
        self.tags_edit.setPlaceholderText(self.tr("comma separated, e.g. 华东, 重点"))
        self.collector_edit = self._line(form, self.tr("Co&llector"), "collectorEdit", 100)
        self.language_combo = QComboBox(self)
        self.language_combo.addItem("中文", "zh")
        self.language_combo.addItem("English", "en")
        form.addRow(self.tr("Document &language"), self.language_combo)
        self.tier_label = QLabel(self.tr("not computed yet"), self)
        self.tier_label.setObjectName("tierLabel")
        self.tier_label.setToolTip(describe_rule(_ui_lang()))
        form.addRow(self.tr("Value tier"), self.tier_label)

    def _build_credit(self) -> None:
        form = self._form_tab(self.tr("Terms && &credit"))
        self.terms_combo = QComboBox(self)
        self.terms_combo.setObjectName("termsCombo")
        self.terms_combo.setEditable(True)
        self.terms_combo.addItems(COMMON_TERMS)
        self.terms_feedback = QLabel(self)
        self.terms_feedback.setWordWrap(True)
        self.terms_combo.editTextChanged.connect(self._on_terms_combo_edit_text_changed)
        form.addRow(self.tr("Payment &terms"), self.terms_combo)
        form.addRow("", self.terms_feedback)
        self.currency_combo = QComboBox(self)
        self.currency_combo.setObjectName("currencyCombo")
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(_CURRENCIES)
        self.currency_combo.editTextChanged.connect(self._on_currency_combo_edit_text_changed)
        form.addRow(self.tr("C&urrency"), self.currency_combo)
        self.limit_edit = MoneyEdit("CNY", self)
        self.limit_edit.setObjectName("creditLimitEdit")
        self.limit_edit.setPlaceholderText(self.tr("0 = no limit"))
        form.addRow(self.tr("Credit &limit"), self.limit_edit.with_feedback(self))
        self.grade_edit = self._line(form, self.tr("Credit g&rade"), "gradeEdit", 5)
        self.hold_check = QCheckBox(self.tr("On credit &hold (stop shipments)"), self)
        form.addRow("", self.hold_check)

    def _build_contact(self) -> None:
        form = self._form_tab(self.tr("&Address && tax"))
        self.tax_id_edit = self._line(form, self.tr("Ta&x ID"), "taxIdEdit", 50)
        self.address_edit = self._line(form, self.tr("A&ddress"), "addressEdit", 500)
        self.phone_edit = self._line(form, self.tr("&Phone"), "phoneEdit", 50)
        self.email_edit = self._line(form, self.tr("&Email"), "emailEdit", 200)
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setTabChangesFocus(True)
        form.addRow(self.tr("N&otes"), self.notes_edit)

    # ---- loading -----------------------------------------------------------------------------

    def _load(self) -> None:
        self.error_label.hide()
        self.reload_button.hide()
        ctx, cid = self.ctx, self.customer_id
        if cid is None:
            QueryOp(self, lambda: get_settings(ctx).default_terms).success(
                self._on_defaults_loaded
            ).run()
            return
        self.setEnabled(False)
        today = ctx.clock.today()
        QueryOp(self, lambda: (customer_detail(ctx, cid, today), contacts(ctx, cid))).success(
            self._on_loaded
        ).failure(self._on_failed).run()

    def _on_defaults_loaded(self, terms: str) -> None:
        self.terms_combo.setCurrentText(terms)
        self.name_edit.setFocus()
        self.loaded.emit()

    def _on_loaded(self, result: tuple[CustomerDetail, list[ContactRow]]) -> None:
        d, people = result
        self.setEnabled(True)
        self._version = d.version
        self._value_tier = d.value_tier
        for edit, value in (
            (self.name_edit, d.name),
            (self.code_edit, d.code),
            (self.short_name_edit, d.short_name),
            (self.industry_edit, d.industry),
            (self.region_edit, d.region),
            (self.tags_edit, d.tags),
            (self.collector_edit, d.collector),
            (self.grade_edit, d.credit_grade),
            (self.tax_id_edit, d.tax_id),
            (self.address_edit, d.address),
            (self.phone_edit, d.phone),
            (self.email_edit, d.email),
        ):
            edit.setText(value)
        self.notes_edit.setPlainText(d.notes)
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(d.customer_type)))
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(d.language)))
        self.terms_combo.setCurrentText(d.payment_terms)
        self.currency_combo.setCurrentText(d.currency)
        self.limit_edit.set_value(d.credit_limit if d.credit_limit.minor else None)
        self.hold_check.setChecked(d.credit_hold)
        self.tier_label.setText(d.value_tier or self.tr("not computed yet"))
        self.contacts.set_contacts(people)
        self.name_edit.setFocus()
        self.loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        self._show_error(exc)

    # ---- saving ------------------------------------------------------------------------------

    def customer_input(self) -> CustomerInput:
        """The input the fields describe (raises ``DomainError`` naming what to fix)."""
        name = self.name_edit.text().strip()
        if not name:
            self.tabs.setCurrentIndex(0)
            self.name_edit.setFocus()
            raise DomainError("invalid", field=self.tr("Name"), reason=self.tr("enter the name"))
        terms = parse_terms(self.terms_combo.currentText()).spec
        if self.limit_edit.error():
            raise DomainError(
                "invalid", field=self.tr("Credit limit"), reason=self.limit_edit.error()
            )
        return CustomerInput(
            name=name,
            code=self.code_edit.text().strip(),
            short_name=self.short_name_edit.text(),
            customer_type=str(self.type_combo.currentData()),
            industry=self.industry_edit.text(),
            region=self.region_edit.text(),
            value_tier=self._value_tier,
            tags=self.tags_edit.text(),
            payment_terms=terms,
            currency=self.currency_combo.currentText().strip().upper(),
            credit_limit=self.limit_edit.value(),
            credit_grade=self.grade_edit.text(),
            collector=self.collector_edit.text(),
            credit_hold=self.hold_check.isChecked(),
            language=str(self.language_combo.currentData()),
            tax_id=self.tax_id_edit.text(),
            address=self.address_edit.text(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
            notes=self.notes_edit.toPlainText(),
        )

    def accept(self) -> None:
        try:
            data = self.customer_input()
            people = self.contacts.contacts()
            for _cid, person in people:
                validate_contact(person)
        except DomainError as exc:
            self._show_error(exc)
            return
        ctx, cid, version = self.ctx, self.customer_id, self._version
        self.save_button.setEnabled(False)
        BackgroundOp(self, lambda _p: _save(ctx, cid, version, data, people)).success(
            self._on_saved
        ).failure(self._on_save_failed).run()

    def _on_saved(self, result: tuple[int, Changes]) -> None:
        record_undo(self, "update_customer", result[0])  # Edit > Undo (edits, not new ones)
        self.customer_id = result[0]
        self.saved.emit(result[0])
        super().accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, ConcurrentEditError):
            text = self.tr("This customer was changed by someone else. Reload to see the changes.")
            self.reload_button.show()
        else:
            text = error_text(exc)
        self.error_label.setText(text)
        self.error_label.show()

    def on_changes(self, changes: Changes) -> None:
        forward_changes(self, changes)

    def done(self, result: int) -> None:
        app_settings().setValue(_GEOMETRY, self.saveGeometry())
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        app_settings().setValue(_GEOMETRY, self.saveGeometry())
        super().closeEvent(event)

    # ---- live feedback -----------------------------------------------------------------------

    def _on_terms_combo_edit_text_changed(self, text: str) -> None:
        try:
            self.terms_feedback.setText("= " + describe_terms(parse_terms(text), _ui_lang()))
            self.terms_feedback.setStyleSheet("color: palette(mid);")
        except DomainError as exc:
            self.terms_feedback.setText(error_text(exc))
            self.terms_feedback.setStyleSheet("color: #c62828;")

    def _on_currency_combo_edit_text_changed(self, text: str) -> None:
        code = text.strip().upper()
        if len(code) == 3 and code.isalpha():
            self.limit_edit.set_currency(code)


def _save(
    ctx: ServiceContext,
    customer_id: int | None,
    version: int | None,
    data: CustomerInput,
    people: list[tuple[int | None, Any]],
) -> tuple[int, Changes]:
    """Save the customer and its contacts in one transaction (runs on the database thread)."""
    return save_customer(ctx, customer_id, data, people, expected_version=version)
