"""New and edited orders (销售订单): header, lines with live amounts, and the instalment plan."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
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

from desktop_ar.domain import orders as calc
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import parse_amount, parse_decimal
from desktop_ar.domain.terms import COMMON_TERMS
from desktop_ar.services import orders as order_service
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp
from desktop_ar.ui.widgets.customer_picker import CustomerPicker
from desktop_ar.ui.widgets.date_field import DateField
from desktop_ar.ui.widgets.instalment_editor import InstalmentEditor

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.order_views import OrderDetail
    from desktop_ar.services.pickers import CustomerChoice

CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP")
# Lines table: what the user types, then what the system computed from it.
COLUMNS = (
    QT_TRANSLATE_NOOP("OrderDialog", "Item"),
    QT_TRANSLATE_NOOP("OrderDialog", "Quantity"),
    QT_TRANSLATE_NOOP("OrderDialog", "Unit price"),
    QT_TRANSLATE_NOOP("OrderDialog", "Tax %"),
    QT_TRANSLATE_NOOP("OrderDialog", "Unit cost"),
    QT_TRANSLATE_NOOP("OrderDialog", "Net"),
    QT_TRANSLATE_NOOP("OrderDialog", "Tax"),
    QT_TRANSLATE_NOOP("OrderDialog", "Total"),
)
ITEM, QTY, PRICE, RATE, COST, NET, TAX, TOTAL = range(8)
_WIDTHS = (200, 70, 90, 56, 84, 96, 84, 100)
_RED = QBrush(QColor("#c62828"))
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class OrderDialog(QDialog):
    """Type an order; totals and instalments follow the lines as they are typed."""

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        order_id: int | None = None,
        customer_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("orderDialog")
        self.ctx = ctx
        self.order_id = order_id
        self.saved_id: int | None = None
        self._version = 1
        self._wanted_customer = customer_id
        self._updating = False
        self.setWindowTitle(self.tr("New order") if order_id is None else self.tr("Edit order"))

        self.customer = CustomerPicker(ctx, self)
        self.order_date = DateField(ctx.clock.today(), self)
        self.delivery_date = DateField(None, self)
        self.currency = QComboBox(self)
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.rate = QLineEdit("1", self)
        self.terms = QComboBox(self)
        self.terms.setEditable(True)
        self.terms.addItem("")
        self.terms.addItems(COMMON_TERMS)
        self.terms.lineEdit().setPlaceholderText(self.tr("The customer's terms"))
        self.contract = QLineEdit(self)
        self.contract.setPlaceholderText(self.tr("e.g. HT-2026-0001"))
        self.notes = QLineEdit(self)

        self.lines = QTableWidget(0, len(COLUMNS), self)
        self.lines.setObjectName("orderLines")
        self.lines.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        for col, width in enumerate(_WIDTHS):
            self.lines.setColumnWidth(col, width)
        self.lines.horizontalHeader().setSectionResizeMode(ITEM, QHeaderView.ResizeMode.Stretch)
        self.lines.verticalHeader().setDefaultSectionSize(24)
        self.lines.setMinimumHeight(140)
        self.add_line = QPushButton(self.tr("&Add line"), self)
        self.remove_line = QPushButton(self.tr("&Remove line"), self)
        for button in (self.add_line, self.remove_line):
            button.setAutoDefault(False)
        self.totals = QLabel(self)
        self.totals.setObjectName("orderTotals")
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.plan = InstalmentEditor(self)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        self._layout()
        self.lines.itemChanged.connect(self._on_lines_item_changed)
        self.add_line.clicked.connect(self._on_add_line_clicked)
        self.remove_line.clicked.connect(self._on_remove_line_clicked)
        self.currency.currentTextChanged.connect(self._recompute)
        self.order_date.date_changed.connect(self._on_order_date_changed)
        self.customer.customer_changed.connect(self._on_customer_changed)
        self.plan.changed.connect(self._update_save_button)
        shortcut = QShortcut(QKeySequence("Ctrl+Shift+N"), self)
        shortcut.activated.connect(self._on_add_line_clicked)
        geometry = app_settings().value("dialogs/order/geometry")
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(920, 760)

        if order_id is None:
            self._append_line()
            self._on_order_date_changed(self.order_date.value())
            self._recompute()
        else:
            self.setEnabled(False)
            QueryOp(self, lambda: order_service.get_order(ctx, order_id)).success(
                self._on_loaded
            ).run()

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        # A form row whose field is a layout has no buddy: set it so Alt+letter still works.
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def _layout(self) -> None:
        header = QFormLayout()
        header.addRow(self.tr("&Customer"), self.customer)
        dates = QHBoxLayout()
        dates.addWidget(self.order_date, 1)
        dates.addWidget(QLabel(self.tr("Delivery"), self))
        dates.addWidget(self.delivery_date, 1)
        header.addRow(self._label(self.tr("Order &date"), self.order_date), dates)
        money = QHBoxLayout()
        money.addWidget(self.currency)
        money.addWidget(QLabel(self.tr("Rate"), self))
        money.addWidget(self.rate, 1)
        money.addWidget(QLabel(self.tr("Terms"), self))
        money.addWidget(self.terms, 2)
        header.addRow(self._label(self.tr("C&urrency"), self.currency), money)
        header.addRow(self.tr("Co&ntract"), self.contract)
        header.addRow(self.tr("N&otes"), self.notes)
        line_buttons = QHBoxLayout()
        line_buttons.addWidget(self.add_line)
        line_buttons.addWidget(self.remove_line)
        line_buttons.addStretch(1)
        line_buttons.addWidget(self.totals)
        plan_box = QGroupBox(self.tr("Payment plan"), self)
        box = QVBoxLayout(plan_box)
        box.addWidget(self.plan)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.lines, 3)
        layout.addLayout(line_buttons)
        layout.addWidget(plan_box, 0)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.error_label.hide()

    # ---- loading -----------------------------------------------------------------------------

    def _on_loaded(self, detail: OrderDetail) -> None:
        self.setEnabled(True)
        self._version = detail.version
        self._wanted_customer = detail.customer_id
        self.customer.setEditText(detail.customer_code)
        self.customer.search(detail.customer_code)
        self.order_date.set_value(detail.order_date)
        self.delivery_date.set_value(detail.delivery_date)
        self.currency.setCurrentText(detail.currency)
        self.rate.setText(str(detail.exchange_rate))
        self.terms.setCurrentText(detail.payment_terms)
        self.contract.setText(detail.contract_ref)
        self.notes.setText(detail.notes)
        self._updating = True
        for ln in detail.lines:
            pct = format((ln.tax_rate * 100).normalize(), "f")  # 0.13 → "13": people type percent
            cost = format_money(ln.unit_cost)
            self._append_line(ln.item, str(ln.quantity), format_money(ln.unit_price), pct, cost)
        self._updating = False
        self._recompute()
        self.plan.set_plan(detail.instalments)
        self.setWindowTitle(self.tr("Edit order %1").replace("%1", detail.number))

    def _on_customer_changed(self, choice: CustomerChoice | None) -> None:
        wanted = self._wanted_customer
        if wanted is not None and any(c.id == wanted for c in self.customer.choices()):
            self._wanted_customer = None
            self.customer.set_customer(wanted)  # shows "code  name"; emits again
            return
        if choice is not None and self.order_id is None:
            self.currency.setCurrentText(choice.currency)

    # ---- lines -------------------------------------------------------------------------------

    def _append_line(self, *values: str) -> None:
        row = self.lines.rowCount()
        was = self._updating
        self._updating = True
        self.lines.insertRow(row)
        defaults = ("", "", "", "13", "")
        for col in range(len(COLUMNS)):
            text = values[col] if col < len(values) else (defaults[col] if col < 5 else "")
            item = QTableWidgetItem(text)
            if col >= QTY:
                item.setTextAlignment(_RIGHT)
            if col >= NET:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.lines.setItem(row, col, item)
        self._updating = was

    def _text(self, row: int, col: int) -> str:
        item = self.lines.item(row, col)
        return item.text().strip() if item is not None else ""

    def _line(self, row: int, ccy: str) -> order_service.OrderLineInput | None:
        """The typed line, None for an empty row; ``DomainError`` names the bad cell."""
        texts = [self._text(row, c) for c in range(NET)]
        if not any(texts[i] for i in (ITEM, QTY, PRICE)):
            return None
        quantity = parse_decimal(texts[QTY]) if texts[QTY] else Decimal(0)
        rate = parse_decimal(texts[RATE].rstrip("%")) if texts[RATE] else Decimal(0)
        return order_service.OrderLineInput(
            item=texts[ITEM],
            quantity=quantity,
            unit_price=parse_amount(texts[PRICE] or "0", ccy),
            tax_rate=rate / 100,
            unit_cost=parse_amount(texts[COST], ccy) if texts[COST] else None,
        )

    def _recompute(self, *_args: object) -> None:
        """Work out every line, the totals and the plan's total from what is typed now."""
        if self._updating:
            return
        self._updating = True
        ccy = self.currency.currentText().strip().upper() or "CNY"
        net = tax = cost = Money.zero(ccy)
        complete = True
        for row in range(self.lines.rowCount()):
            cells = [self.lines.item(row, c) for c in (NET, TAX, TOTAL)]
            try:
                line = self._line(row, ccy)
                if line is None:
                    texts = ("", "", "")
                else:
                    amounts = calc.line_amounts(line.quantity, line.unit_price, line.tax_rate)
                    net, tax = net + amounts.net, tax + amounts.tax
                    if line.unit_cost is not None:
                        cost = cost + line.unit_cost.scale(line.quantity, rounding="ROUND_HALF_UP")
                    texts = tuple(
                        format_money(a) for a in (amounts.net, amounts.tax, amounts.total)
                    )
                tip, brush = "", QBrush()
            except DomainError as exc:
                complete = False
                texts, tip, brush = ("", "", ""), error_text(exc), _RED
            for cell, text in zip(cells, texts, strict=True):
                if cell is not None:
                    cell.setText(text)
            for col in range(NET):
                item = self.lines.item(row, col)
                if item is not None:
                    item.setToolTip(tip)
                    item.setForeground(brush)
        total = net + tax
        text = self.tr("Net %1 · Tax %2 · Total %3 %4 · Margin %5")
        for mark, value in (("%1", net), ("%2", tax), ("%3", total), ("%5", net - cost)):
            text = text.replace(mark, format_money(value))
        self.totals.setText(text.replace("%4", ccy))
        self.plan.set_total(total if complete and total.minor > 0 else None)
        self._updating = False
        self._update_save_button()

    def _on_lines_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() < NET:
            self._recompute()

    def _on_add_line_clicked(self) -> None:
        self._append_line()
        row = self.lines.rowCount() - 1
        self.lines.setCurrentCell(row, ITEM)
        self.lines.setFocus()

    def _on_remove_line_clicked(self) -> None:
        row = self.lines.currentRow()
        if row >= 0:
            self.lines.removeRow(row)
            self._recompute()

    def _on_order_date_changed(self, value: object) -> None:
        if value is not None:
            self.plan.set_default_first_due(value + timedelta(days=30))  # type: ignore[operator]

    def _update_save_button(self) -> None:
        # Custom instalments that do not add up to the total cannot be saved: the difference
        # is shown under the rows until it is zero.
        self.save_button.setEnabled(self.plan.current_mode() == "terms" or self.plan.is_valid())

    # ---- saving ------------------------------------------------------------------------------

    def order_input(self) -> order_service.OrderInput:
        """The order as typed; ``DomainError`` says what to fix."""
        choice = self.customer.customer()
        if choice is None:
            raise DomainError("invalid", field=self.tr("Customer"), reason=self.tr("choose one"))
        ordered = self.order_date.value()
        if ordered is None:
            raise DomainError("bad_date", value=self.order_date.text())
        if self.delivery_date.text().strip() and self.delivery_date.value() is None:
            raise DomainError("bad_date", value=self.delivery_date.text())
        ccy = self.currency.currentText().strip().upper()
        lines = []
        for row in range(self.lines.rowCount()):
            try:
                line = self._line(row, ccy)
            except DomainError as exc:
                reason = error_text(exc)
                raise DomainError(
                    "invalid",
                    field=self.tr("Line %1").replace("%1", str(row + 1)),
                    reason=reason.rstrip("."),
                ) from exc
            if line is not None:
                lines.append(line)
        return order_service.OrderInput(
            customer_id=choice.id,
            order_date=ordered,
            delivery_date=self.delivery_date.value(),
            currency=ccy,
            exchange_rate=parse_decimal(self.rate.text() or "1"),
            payment_terms=self.terms.currentText().strip() or None,
            contract_ref=self.contract.text(),
            notes=self.notes.text(),
            lines=lines,
            instalments=self.plan.plan(),
        )

    def accept(self) -> None:
        try:
            data = self.order_input()
        except DomainError as exc:
            self._show_error(error_text(exc))
            return
        ctx, order_id, version = self.ctx, self.order_id, self._version
        self.save_button.setEnabled(False)
        if order_id is None:
            op = BackgroundOp(self, lambda _p: order_service.create_order(ctx, data))
        else:
            op = BackgroundOp(
                self,
                lambda _p: (
                    order_id,
                    order_service.update_order(ctx, order_id, data, expected_version=version),
                ),
            )
        op.success(self._on_saved).failure(self._on_failed).run()

    def _on_saved(self, result: tuple[int, Changes]) -> None:
        self.saved_id = result[0]
        super().accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._update_save_button()
        self._show_error(error_text(exc))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def on_changes(self, changes: Changes) -> None:
        forward_changes(self, changes)

    def done(self, result: int) -> None:
        app_settings().setValue("dialogs/order/geometry", self.saveGeometry())
        super().done(result)
