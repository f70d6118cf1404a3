"""The instalment plan editor (分期付款): by the terms, equal instalments, or custom rows."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.dates import add_months
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import parse_amount, parse_date
from desktop_ar.domain.terms import equal_instalments
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.widgets.date_field import DateField

MODES = ("terms", "equal", "custom")
_RED = "color: #c62828;"
_GREEN = "color: #2e7d32;"


class InstalmentEditor(QWidget):
    """Choose how the order is paid; ``plan()`` gives the instalments, None for the terms.

    Equal instalments are computed from the order total as it changes. Custom rows must add up
    to the total: the difference is shown live and ``is_valid()`` stays False until it is zero.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._total: Money | None = None
        self.mode = QComboBox(self)
        self.mode.setObjectName("planMode")
        self.mode.addItem(self.tr("By the payment terms"), "terms")
        self.mode.addItem(self.tr("Equal instalments"), "equal")
        self.mode.addItem(self.tr("Custom instalments"), "custom")

        # Equal: N instalments every M months from the first due date.
        self.count = QSpinBox(self)
        self.count.setObjectName("planCount")
        self.count.setRange(2, 60)
        self.count.setValue(3)
        self.every = QSpinBox(self)
        self.every.setRange(1, 12)
        self.every.setSuffix(self.tr(" month(s)"))
        self.first_due = DateField(None, self)
        self.first_due.setObjectName("planFirstDue")
        equal = QWidget(self)
        row = QHBoxLayout(equal)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.count)
        row.addWidget(QLabel(self.tr("instalments, every"), equal))
        row.addWidget(self.every)
        row.addWidget(QLabel(self.tr("first due"), equal))
        row.addWidget(self.first_due, 1)

        # Custom rows.
        self.rows = QTableWidget(0, 2, self)
        self.rows.setObjectName("planRows")
        self.rows.setHorizontalHeaderLabels([self.tr("Due date"), self.tr("Amount")])
        self.rows.horizontalHeader().setStretchLastSection(True)
        self.rows.setColumnWidth(0, 130)
        self.rows.verticalHeader().setDefaultSectionSize(24)
        self.rows.setMinimumHeight(128)  # four instalments without scrolling
        self.add_row = QPushButton(self.tr("Add instalment"), self)
        self.remove_row = QPushButton(self.tr("Remove"), self)
        self.fill = QPushButton(self.tr("Copy equal plan"), self)
        self.fill.setToolTip(self.tr("Start the custom rows from the equal instalments"))
        custom = QWidget(self)
        col = QVBoxLayout(custom)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.rows, 1)
        buttons = QHBoxLayout()
        for button in (self.add_row, self.remove_row, self.fill):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        col.addLayout(buttons)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(QWidget(self))
        self.pages.addWidget(equal)
        self.pages.addWidget(custom)
        self.preview = QLabel(self)
        self.preview.setObjectName("planPreview")
        self.preview.setWordWrap(True)
        self.preview.hide()
        self.status = QLabel(self)
        self.status.setObjectName("planStatus")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.mode)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.status)

        self.mode.currentIndexChanged.connect(self._on_mode_current_index_changed)
        self.count.valueChanged.connect(self._refresh)
        self.every.valueChanged.connect(self._refresh)
        self.first_due.date_changed.connect(self._refresh)
        self.rows.itemChanged.connect(self._refresh)
        self.add_row.clicked.connect(self._on_add_row_clicked)
        self.remove_row.clicked.connect(self._on_remove_row_clicked)
        self.fill.clicked.connect(self._on_fill_clicked)
        self._on_mode_current_index_changed(0)

    # ---- API ---------------------------------------------------------------------------------

    def current_mode(self) -> str:
        return str(self.mode.currentData())

    def set_total(self, total: Money | None) -> None:
        """The order total the plan must add up to (None while the lines are incomplete)."""
        self._total = total
        self._refresh()

    def set_default_first_due(self, value: date) -> None:
        if self.first_due.value() is None:
            self.first_due.set_value(value)

    def set_plan(self, plan: list[tuple[date, Money]]) -> None:
        """Show a saved plan as custom rows."""
        self.rows.blockSignals(True)
        self.rows.setRowCount(0)
        for due, amount in plan:
            self._append(due.isoformat(), format_money(amount))
        self.rows.blockSignals(False)
        self.mode.setCurrentIndex(MODES.index("custom") if plan else 0)
        self._refresh()

    def plan(self) -> list[tuple[date, Money]] | None:
        """The instalments, or None to pay by the terms.

        Raises:
            DomainError: ``invalid`` when the plan cannot be used (it says why).
        """
        mode = self.current_mode()
        if mode == "terms":
            return None
        if self._total is None:
            raise DomainError("invalid", field=self.tr("Instalments"), reason=self.tr("no total"))
        if mode == "equal":
            first = self.first_due.value()
            if first is None:
                reason = self.tr("enter the first due date")
                raise DomainError("invalid", field=self.tr("Instalments"), reason=reason)
            lines = equal_instalments(self._total, first, self.count.value(), self.every.value())
            return [(ln.due_date, ln.amount) for ln in lines]
        parts = self._custom_rows()
        total = Money.sum((a for _d, a in parts), self._total.currency)
        if total != self._total:
            reason = self.tr("the instalments must add up to the total")
            raise DomainError("invalid", field=self.tr("Instalments"), reason=reason)
        return parts

    def is_valid(self) -> bool:
        try:
            self.plan()
        except DomainError:
            return False
        return True

    # ---- internals ---------------------------------------------------------------------------

    def _append(self, due: str = "", amount: str = "") -> None:
        row = self.rows.rowCount()
        self.rows.insertRow(row)
        self.rows.setItem(row, 0, QTableWidgetItem(due))
        self.rows.setItem(row, 1, QTableWidgetItem(amount))

    def _custom_rows(self) -> list[tuple[date, Money]]:
        ccy = self._total.currency if self._total is not None else "CNY"
        parts = []
        for r in range(self.rows.rowCount()):
            due_text = (self.rows.item(r, 0) or QTableWidgetItem()).text().strip()
            amount_text = (self.rows.item(r, 1) or QTableWidgetItem()).text().strip()
            if not due_text and not amount_text:
                continue
            parts.append((parse_date(due_text), parse_amount(amount_text, ccy)))
        return parts

    def _refresh(self, *_args: object) -> None:
        mode = self.current_mode()
        self.preview.clear()
        self.preview.setVisible(mode == "equal")
        self.status.clear()
        self.status.setStyleSheet("")
        if mode == "equal" and self._total is not None:
            try:
                plan = self.plan() or []
                text = ", ".join(f"{d.isoformat()} {format_money(a)}" for d, a in plan)
                self.preview.setText(text)
            except DomainError as exc:
                self.preview.setText(error_text(exc))
        elif mode == "custom" and self._total is not None:
            try:
                parts = self._custom_rows()
            except DomainError as exc:
                self.status.setText(error_text(exc))
                self.status.setStyleSheet(_RED)
            else:
                entered = Money.sum((a for _d, a in parts), self._total.currency)
                diff = self._total - entered
                text = self.tr("Entered %1 of %2 — difference %3").replace(
                    "%1", format_money(entered)
                )
                text = text.replace("%2", format_money(self._total))
                self.status.setText(text.replace("%3", format_money(diff, sign=True)))
                self.status.setStyleSheet(_GREEN if diff.is_zero() else _RED)
        self.changed.emit()

    def _on_mode_current_index_changed(self, index: int) -> None:
        self.pages.setCurrentIndex(max(index, 0))
        self.pages.setVisible(self.current_mode() != "terms")
        self._refresh()

    def _on_add_row_clicked(self) -> None:
        try:
            rows = self._custom_rows()
        except DomainError:
            rows = []
        last = rows[-1][0] if rows else self.first_due.value()
        due = add_months(last, self.every.value()) if last is not None else None
        self._append(due.isoformat() if due else "", "")
        self.rows.setCurrentCell(self.rows.rowCount() - 1, 1)
        self._refresh()

    def _on_remove_row_clicked(self) -> None:
        row = self.rows.currentRow()
        if row >= 0:
            self.rows.removeRow(row)
            self._refresh()

    def _on_fill_clicked(self) -> None:
        mode = self.mode.currentIndex()
        self.mode.blockSignals(True)
        self.mode.setCurrentIndex(MODES.index("equal"))
        try:
            plan = self.plan() or []
        except DomainError as exc:
            self.status.setText(error_text(exc))
            plan = []
        finally:
            self.mode.setCurrentIndex(mode)
            self.mode.blockSignals(False)
        if plan:
            self.set_plan(plan)
