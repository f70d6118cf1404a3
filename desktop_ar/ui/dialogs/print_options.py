"""The options of Print documents… : kind, for whom, period, as-of date, language, paper.

A form widget of ``PrintDocumentsDialog``; ``options()`` turns it into ``services.docs``'
``DocOptions`` and ``target_args()`` into ``find_targets``' customer/number arguments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from desktop_ar.services.docs import DocOptions
from desktop_ar.services.settings import PAPERS
from desktop_ar.services.statements import default_period
from desktop_ar.ui.widgets.date_field import DateField

KINDS = ("statement", "invoice", "receipt", "dunning", "confirmation", "aging")
PERIOD_KINDS = frozenset({"statement", "invoice", "receipt"})
NUMBER_KINDS = frozenset({"invoice", "receipt"})


class PrintOptions(QWidget):
    """What to print and how; ``changed`` after every change, ``kind_changed`` with the kind."""

    changed = Signal()
    kind_changed = Signal(str)

    def __init__(
        self,
        *,
        as_of: date,
        kind: str,
        customer_id: int | None,
        customer_label: str,
        number: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.customer_id = customer_id
        self.customer_label = customer_label
        self.number = number
        self._number_kind = kind if number else None
        self.paper_touched = False  # the user chose a paper: the company default stays out
        self._build(as_of)
        self.kind_combo.setCurrentIndex(KINDS.index(kind) if kind in KINDS else 0)
        self._on_kind_changed()
        if number and self.scope_document.isEnabled():
            self.scope_document.setChecked(True)
        elif customer_id is not None:
            self.scope_customer.setChecked(True)
        self._connect()

    def _build(self, as_of: date) -> None:
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("printKind")
        labels = {
            "statement": self.tr("Statement of account"),
            "invoice": self.tr("Invoice"),
            "receipt": self.tr("Payment receipt"),
            "dunning": self.tr("Dunning letter"),
            "confirmation": self.tr("Balance confirmation"),
            "aging": self.tr("Aging report"),
        }
        for key in KINDS:
            self.kind_combo.addItem(labels[key], key)
        who = self.customer_label or self.tr("(none chosen)")
        self.scope_customer = QRadioButton(self.tr("This customer: %1").replace("%1", who), self)
        self.scope_customer.setEnabled(self.customer_id is not None)
        self.scope_document = QRadioButton(
            self.tr("This document: %1").replace("%1", self.number or "—"), self
        )
        self.scope_all = QRadioButton(self)
        self.scope_level = QRadioButton(self.tr("Customers at dunning level"), self)
        self.level_spin = QSpinBox(self)
        self.level_spin.setObjectName("dunningLevel")
        self.level_spin.setRange(0, 5)
        self.level_spin.setSpecialValueText(self.tr("any level"))
        self.scopes = QButtonGroup(self)
        scope_box = QGridLayout()
        scope_box.setContentsMargins(0, 0, 0, 0)
        radios = (
            ("customer", self.scope_customer),
            ("document", self.scope_document),
            ("all", self.scope_all),
            ("level", self.scope_level),
        )
        for row, (key, radio) in enumerate(radios):
            radio.setProperty("scope", key)
            self.scopes.addButton(radio)
            scope_box.addWidget(radio, row, 0)
        scope_box.addWidget(self.level_spin, 3, 1)
        scope_box.setColumnStretch(2, 1)
        start, end = default_period(as_of)
        self.date_from = DateField(start, self)
        self.date_from.setObjectName("printFrom")
        self.date_to = DateField(end, self)
        self.date_to.setObjectName("printTo")
        period = QHBoxLayout()
        period.addWidget(self.date_from)
        period.addWidget(QLabel("–", self))
        period.addWidget(self.date_to)
        self.period_label = QLabel(self.tr("&Period"), self)
        self.period_label.setBuddy(self.date_from)
        self.as_of_field = DateField(as_of, self)
        self.as_of_field.setObjectName("printAsOf")
        self.lang_combo = QComboBox(self)
        self.lang_combo.setObjectName("printLanguage")
        self.lang_combo.addItem(self.tr("Each customer's language"), None)
        self.lang_combo.addItem("English", "en")
        self.lang_combo.addItem("中文", "zh")
        self.paper_combo = QComboBox(self)
        self.paper_combo.setObjectName("printPaper")
        for paper in PAPERS:
            self.paper_combo.addItem(paper, paper)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("&Document"), self.kind_combo)
        form.addRow(self.tr("For"), scope_box)
        form.addRow(self.period_label, period)
        form.addRow(self.tr("&As of"), self.as_of_field)
        form.addRow(self.tr("&Language"), self.lang_combo)
        form.addRow(self.tr("Pa&per"), self.paper_combo)

    def _connect(self) -> None:
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._on_kind_changed())
        self.scopes.buttonToggled.connect(lambda _b, on: on and self.changed.emit())
        for field in (self.date_from, self.date_to, self.as_of_field):
            field.date_changed.connect(lambda _d: self.changed.emit())
        self.level_spin.valueChanged.connect(lambda _v: self.changed.emit())
        self.lang_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.paper_combo.activated.connect(lambda _i: setattr(self, "paper_touched", True))

    def set_paper(self, paper: str) -> None:
        """The company's default paper, unless the user chose one already."""
        if not self.paper_touched and paper in PAPERS:
            self.paper_combo.setCurrentIndex(PAPERS.index(paper))

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def scope(self) -> str:
        """``customer``, ``document``, ``all`` or ``level`` (dunning)."""
        button = self.scopes.checkedButton()
        return str(button.property("scope")) if button is not None else "all"

    def _on_kind_changed(self) -> None:
        kind = self.kind()
        all_text = {
            "statement": self.tr("All customers with a balance or activity in the period"),
            "invoice": self.tr("All invoices issued in the period"),
            "receipt": self.tr("All receipts in the period"),
            "confirmation": self.tr("All customers with a balance"),
            "aging": self.tr("The whole book"),
        }
        self.scope_all.setText(all_text.get(kind, ""))
        self.scope_all.setVisible(kind != "dunning")
        for widget in (self.scope_level, self.level_spin):
            widget.setVisible(kind == "dunning")
        self.scope_document.setVisible(self._number_kind is not None)
        self.scope_document.setEnabled(kind == self._number_kind and kind in NUMBER_KINDS)
        checked = self.scopes.checkedButton()
        if checked is None or checked.isHidden() or not checked.isEnabled():
            if self.customer_id is not None:
                self.scope_customer.setChecked(True)
            else:
                (self.scope_level if kind == "dunning" else self.scope_all).setChecked(True)
        for widget in (self.period_label, self.date_from, self.date_to):
            widget.setEnabled(kind in PERIOD_KINDS)
        self.kind_changed.emit(kind)
        self.changed.emit()

    def options(self) -> DocOptions | str:
        """The options chosen, or why they are not valid (a sentence for the user)."""
        kind = self.kind()
        uses_period = kind in PERIOD_KINDS
        fields = [self.as_of_field, *((self.date_from, self.date_to) if uses_period else ())]
        for field in fields:
            if field.value() is None:
                return field.error() or self.tr("Enter the date as YYYY-MM-DD.")
        as_of = self.as_of_field.value()
        assert as_of is not None
        start = self.date_from.value() if uses_period else None
        end = self.date_to.value() if uses_period else None
        if start is not None and end is not None and start > end:
            return self.tr("The first day is after the last day.")
        level = (self.level_spin.value() or None) if self.scope() == "level" else None
        return DocOptions(
            as_of=as_of,
            date_from=start,
            date_to=end,
            lang=self.lang_combo.currentData(),
            paper=self.paper_combo.currentData(),
            level=level,
        )

    def target_args(self) -> dict[str, Any]:
        """``find_targets``' keyword arguments for the scope chosen."""
        scope = self.scope()
        if scope == "customer":
            return {"customer_id": self.customer_id}
        if scope == "document":
            return {"number": self.number}
        return {}

    def title(self) -> str:
        """What the preview and the print job are called."""
        kind = self.kind_combo.currentText()
        scope = self.scope()
        if scope == "customer" and self.customer_label:
            return f"{kind} — {self.customer_label}"
        if scope == "document" and self.number:
            return f"{kind} {self.number}"
        return kind

    def file_stem(self, fallback: date) -> str:
        """The parts of a default file name: kind, customer code or number, date."""
        scope = self.scope()
        who = ""
        if scope == "document":
            who = self.number or ""
        elif scope == "customer" and self.customer_label:
            who = self.customer_label.split()[0]
        day = self.as_of_field.value() or fallback
        return "-".join(p for p in (self.kind(), who, day.isoformat()) if p)

    def set_enabled_while_running(self, running: bool) -> None:
        for widget in (self.kind_combo, self.paper_combo, self.lang_combo, self.as_of_field):
            widget.setEnabled(not running)
