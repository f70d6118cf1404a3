"""The fields of one dunning level (names, days overdue, fee, annual interest, active).

Used by ``DunningLevelsDialog`` under its table of levels. The form reads and checks what was
typed; the dialog saves it. The fee is decimal text with at most two decimals; the rate is
typed in percent (``10``, ``10%``, ``８.５％``) and handed on as the fraction
``Decimal("0.10")`` — exact Decimal arithmetic, never float. A bad field is named in the
error line under the form, outlined in red and given the focus.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.parsing import parse_decimal
from desktop_ar.ui.errors import error_text

if TYPE_CHECKING:
    from desktop_ar.services.dunning_levels import DunningLevelDTO

CENT = Decimal("0.01")
ERROR_STYLE = "color: #c62828;"
FIELD_ERROR_STYLE = "border: 1px solid #c62828;"
FIELDS = ("name_en", "name_zh", "days_overdue", "fee", "interest_rate", "active")


def format_fee(fee: Decimal) -> str:
    """The fee as decimal text with two decimals (``25.00``)."""
    return f"{fee.quantize(CENT):f}"


def format_rate(rate: Decimal) -> str:
    """An annual rate fraction as percent text (``Decimal("0.10")`` → ``10%``)."""
    return f"{rate.scaleb(2).normalize():f}%"


class DunningLevelForm(QWidget):
    """Editable fields of the selected level, an inline error line and Save level."""

    save_requested = Signal()  # Enter in a field or the Save level button

    def __init__(self, *, may_edit: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dunningLevelForm")
        self.may_edit = may_edit
        self.shown: DunningLevelDTO | None = None
        self.name_en_edit = QLineEdit(self)
        self.name_en_edit.setObjectName("nameEnEdit")
        self.name_en_edit.setMaxLength(60)
        self.name_zh_edit = QLineEdit(self)
        self.name_zh_edit.setObjectName("nameZhEdit")
        self.name_zh_edit.setMaxLength(60)
        self.days_spin = QSpinBox(self)
        self.days_spin.setObjectName("daysSpin")
        self.days_spin.setRange(0, 3650)
        self.days_spin.setSuffix(self.tr(" days"))
        self.fee_edit = QLineEdit(self)
        self.fee_edit.setObjectName("feeEdit")
        self.fee_edit.setPlaceholderText("0.00")
        self.fee_edit.setToolTip(self.tr("Charged once per letter, in the letter's currency"))
        self.rate_edit = QLineEdit(self)
        self.rate_edit.setObjectName("rateEdit")
        self.rate_edit.setPlaceholderText(self.tr("e.g. 10%"))
        self.rate_edit.setToolTip(self.tr("Simple interest per year on the overdue amount"))
        self.active_check = QCheckBox(self.tr("&Active: letters are sent at this level"), self)
        self.active_check.setObjectName("activeCheck")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("levelError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.save_button = QPushButton(self.tr("Save &level"), self)
        self.save_button.setObjectName("saveLevelButton")
        self.save_button.setAutoDefault(False)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("&English name"), self.name_en_edit)
        form.addRow(self.tr("C&hinese name"), self.name_zh_edit)
        form.addRow(self.tr("&Days overdue"), self.days_spin)
        form.addRow(self.tr("&Fee"), self.fee_edit)
        form.addRow(self.tr("Annual &interest"), self.rate_edit)
        form.addRow("", self.active_check)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        # Service errors name the field in English; these find the widget to point at.
        self._widgets: dict[str, QWidget] = {
            "English name": self.name_en_edit,
            "Chinese name": self.name_zh_edit,
            "days overdue": self.days_spin,
            "fee": self.fee_edit,
            "interest rate": self.rate_edit,
        }
        for edit in (self.name_en_edit, self.name_zh_edit, self.fee_edit, self.rate_edit):
            edit.returnPressed.connect(self.save_requested)
            edit.textEdited.connect(self._on_field_edited)
        line = self.days_spin.lineEdit()
        if line is not None:
            line.returnPressed.connect(self.save_requested)
        self.days_spin.valueChanged.connect(self._on_field_edited)
        self.active_check.toggled.connect(self._on_field_edited)
        self.save_button.clicked.connect(self.save_requested)
        self.set_enabled(False)

    def fields(self) -> tuple[QWidget, ...]:
        """The input widgets, in tab order."""
        return (
            self.name_en_edit,
            self.name_zh_edit,
            self.days_spin,
            self.fee_edit,
            self.rate_edit,
            self.active_check,
        )

    def set_enabled(self, enabled: bool, *, busy: bool = False) -> None:
        """Enable the fields (never for a read-only role) and Save level (not while saving)."""
        for widget in self.fields():
            widget.setEnabled(enabled and self.may_edit)
        self.save_button.setEnabled(enabled and self.may_edit and not busy)

    def show_level(self, dto: DunningLevelDTO) -> None:
        """Fill the fields with the stored level and clear any error."""
        self.shown = dto
        for widget in self.fields():
            widget.blockSignals(True)
        self.name_en_edit.setText(dto.name_en)
        self.name_zh_edit.setText(dto.name_zh)
        self.days_spin.setValue(dto.days_overdue)
        self.fee_edit.setText(format_fee(dto.fee))
        self.rate_edit.setText(format_rate(dto.interest_rate))
        self.active_check.setChecked(dto.active)
        for widget in self.fields():
            widget.blockSignals(False)
        self.clear_error()
        self.set_enabled(True)

    # ---- reading the fields ------------------------------------------------------------------

    def is_dirty(self) -> bool:
        """True when the fields differ from the stored level (unreadable text counts)."""
        dto = self.shown
        if dto is None or not self.may_edit:
            return False
        try:
            values = self.values()
        except DomainError:
            return True
        return values != {name: getattr(dto, name) for name in FIELDS}

    def values(self) -> dict[str, Any]:
        """The fields as ``update_level`` arguments; ``DomainError`` names a bad field."""
        name_en = self.name_en_edit.text().strip()
        if not name_en:
            raise self._invalid(self.name_en_edit, self.tr("English name"), self.tr("enter a name"))
        return {
            "name_en": name_en,
            "name_zh": self.name_zh_edit.text().strip(),
            "days_overdue": self.days_spin.value(),
            "fee": self._fee(),
            "interest_rate": self._rate(),
            "active": self.active_check.isChecked(),
        }

    def _invalid(self, widget: QWidget, field: str, reason: str) -> DomainError:
        exc = DomainError("invalid", field=field, reason=reason)
        exc.widget = widget  # type: ignore[attr-defined]
        return exc

    def _fee(self) -> Decimal:
        field = self.tr("Fee")
        try:
            fee = parse_decimal(self.fee_edit.text().strip() or "0")
        except DomainError:
            reason = self.tr("write an amount like 25.00")
            raise self._invalid(self.fee_edit, field, reason) from None
        if fee < 0:
            raise self._invalid(self.fee_edit, field, self.tr("it cannot be negative"))
        if fee != fee.quantize(CENT):
            raise self._invalid(self.fee_edit, field, self.tr("use at most two decimals"))
        return fee.quantize(CENT)

    def _rate(self) -> Decimal:
        field = self.tr("Annual interest")
        text = self.rate_edit.text().strip().rstrip("%％").strip() or "0"
        reason = self.tr("write a percentage from 0 to 100, like 10 or 10%")
        try:
            pct = parse_decimal(text)
        except DomainError:
            raise self._invalid(self.rate_edit, field, reason) from None
        if not 0 <= pct <= 100:
            raise self._invalid(self.rate_edit, field, reason)
        if pct != pct.quantize(Decimal("0.0001")):
            raise self._invalid(self.rate_edit, field, self.tr("use at most four decimals"))
        return pct.scaleb(-2)  # exact: 10 → 0.10, 8.5 → 0.085

    # ---- errors ------------------------------------------------------------------------------

    def show_error(self, exc: BaseException) -> None:
        """Show the error under the fields, outline the field it names and focus it."""
        self.clear_error()
        self.error_label.setText(error_text(exc))
        self.error_label.show()
        widget = getattr(exc, "widget", None)
        if widget is None and isinstance(exc, DomainError):
            widget = self._widgets.get(str(exc.params.get("field", "")))
        if isinstance(widget, QWidget):
            widget.setStyleSheet(FIELD_ERROR_STYLE)
            widget.setFocus()

    def clear_error(self) -> None:
        """Hide the error line and the red outline."""
        self.error_label.hide()
        self.error_label.clear()
        for widget in self._widgets.values():
            widget.setStyleSheet("")

    def _on_field_edited(self, *_args: object) -> None:
        if self.error_label.isVisible():
            self.clear_error()
