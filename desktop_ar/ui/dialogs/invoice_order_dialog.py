"""Quantities per order line: invoicing a delivery (开票) and recording a shipment (发货)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain import orders as calc
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import parse_decimal
from desktop_ar.services import invoicing
from desktop_ar.services import orders as order_service
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp
from desktop_ar.ui.widgets.date_field import DateField

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.order_views import OrderDetail, OrderLineDTO

COLUMNS = (
    QT_TRANSLATE_NOOP("LineQuantitiesDialog", "Item"),
    QT_TRANSLATE_NOOP("LineQuantitiesDialog", "Ordered"),
    QT_TRANSLATE_NOOP("LineQuantitiesDialog", "Delivered"),
    QT_TRANSLATE_NOOP("LineQuantitiesDialog", "Invoiced"),
)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _qty(q: Decimal) -> str:
    return format(q.normalize(), "f") if q else "0"


class LineQuantitiesDialog(QDialog):
    """An order's lines with one editable quantity column, a date and a summary line."""

    quantity_header = ""
    geometry_key = ""

    def __init__(self, *, ctx: ServiceContext, order_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.order_id = order_id
        self.detail: OrderDetail | None = None
        self.result_: Any = None
        self.date = DateField(ctx.clock.today(), self)
        self.form = QFormLayout()
        self.form.addRow(self.tr("&Date"), self.date)
        self.table = QTableWidget(0, len(COLUMNS) + 1, self)
        self.table.setObjectName("lineQuantities")
        headers = [self.tr(c) for c in COLUMNS] + [self.tr(self.quantity_header)]
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(headers)):
            self.table.setColumnWidth(col, 90)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.summary = QLabel(self)
        self.summary.setObjectName("quantitiesSummary")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        geometry = app_settings().value(self.geometry_key)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(680, 360)
        self.table.itemChanged.connect(self._on_table_item_changed)
        QueryOp(self, lambda: order_service.get_order(ctx, order_id)).success(self._on_loaded).run()

    def default_quantity(self, line: OrderLineDTO) -> Decimal:
        raise NotImplementedError

    def _on_loaded(self, detail: OrderDetail) -> None:
        self.detail = detail
        self.setWindowTitle(self.windowTitle().replace("%1", detail.number))
        self.table.blockSignals(True)
        self.table.setRowCount(len(detail.lines))
        last = len(COLUMNS)
        for row, line in enumerate(detail.lines):
            values = (line.item, _qty(line.quantity), _qty(line.delivered), _qty(line.invoiced))
            for col, text in enumerate((*values, _qty(self.default_quantity(line)))):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(_RIGHT)
                if col != last:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        self.ok_button.setEnabled(True)
        self._update_summary()
        if detail.lines:
            self.table.setCurrentCell(0, last)

    def quantities(self) -> dict[int, Decimal]:
        """The typed quantity per order line id; ``DomainError`` names the bad row."""
        out: dict[int, Decimal] = {}
        if self.detail is None:
            return out
        for row, line in enumerate(self.detail.lines):
            item = self.table.item(row, len(COLUMNS))
            text = item.text().strip() if item is not None else ""
            try:
                out[line.id] = parse_decimal(text or "0")
            except DomainError as exc:
                field = self.tr("Line %1").replace("%1", str(line.line_no))
                raise DomainError("invalid", field=field, reason=error_text(exc)) from exc
        return out

    def _on_table_item_changed(self, _item: QTableWidgetItem) -> None:
        self._update_summary()

    def _update_summary(self) -> None:
        pass

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def run_service(self, fn: Any) -> None:
        self.ok_button.setEnabled(False)
        BackgroundOp(self, lambda _p: fn()).success(self._on_done).failure(self._on_failed).run()

    def _on_done(self, result: object) -> None:
        self.result_ = result
        super().accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self._show_error(error_text(exc))

    def on_changes(self, changes: Changes) -> None:
        forward_changes(self, changes)

    def done(self, result: int) -> None:
        app_settings().setValue(self.geometry_key, self.saveGeometry())
        super().done(result)


class InvoiceOrderDialog(LineQuantitiesDialog):
    """Invoice an order's deliveries; each line defaults to delivered − invoiced."""

    quantity_header = QT_TRANSLATE_NOOP("LineQuantitiesDialog", "To invoice")
    geometry_key = "dialogs/invoice_order/geometry"

    def __init__(self, *, ctx: ServiceContext, order_id: int, parent: QWidget | None = None):
        super().__init__(ctx=ctx, order_id=order_id, parent=parent)
        self.setObjectName("invoiceOrderDialog")
        self.setWindowTitle(self.tr("Create invoice from order %1"))
        self.ok_button.setText(self.tr("Create &invoice"))

    def default_quantity(self, line: OrderLineDTO) -> Decimal:
        return line.invoiceable

    def _update_summary(self) -> None:
        if self.detail is None:
            return
        ccy = self.detail.currency
        total = Money.zero(ccy)
        try:
            for line in self.detail.lines:
                q = self.quantities()[line.id]
                if q > 0:
                    total = total + calc.line_amounts(q, line.unit_price, line.tax_rate).total
        except DomainError as exc:
            self.summary.setText(error_text(exc))
            return
        text = self.tr("About %1 %2 with tax (the last part of a line takes its exact rest)")
        self.summary.setText(text.replace("%1", format_money(total)).replace("%2", ccy))

    def accept(self) -> None:
        try:
            wanted = {k: v for k, v in self.quantities().items() if v}
            issue = self.date.value()
            if issue is None:
                raise DomainError("bad_date", value=self.date.text())
        except DomainError as exc:
            self._show_error(error_text(exc))
            return
        ctx, order_id = self.ctx, self.order_id
        self.run_service(
            lambda: invoicing.invoice_order(ctx, order_id, issue_date=issue, quantities=wanted)
        )


class ShipmentDialog(LineQuantitiesDialog):
    """Record what is delivered so far per line (defaults to everything ordered)."""

    quantity_header = QT_TRANSLATE_NOOP("LineQuantitiesDialog", "Delivered so far")
    geometry_key = "dialogs/shipment/geometry"

    def __init__(self, *, ctx: ServiceContext, order_id: int, parent: QWidget | None = None):
        super().__init__(ctx=ctx, order_id=order_id, parent=parent)
        self.setObjectName("shipmentDialog")
        self.setWindowTitle(self.tr("Record shipment of order %1"))
        self.reference = QLineEdit(self)
        self.reference.setPlaceholderText(self.tr("Delivery note or waybill number"))
        self.form.addRow(self.tr("&Reference"), self.reference)
        self.summary.setText(self.tr("Enter the total delivered so far for each line."))
        self.ok_button.setText(self.tr("Record &shipment"))

    def default_quantity(self, line: OrderLineDTO) -> Decimal:
        return line.quantity

    def _on_loaded(self, detail: OrderDetail) -> None:
        super()._on_loaded(detail)
        self.reference.setText(detail.shipment_ref)

    def accept(self) -> None:
        try:
            delivered = self.quantities()
            shipped = self.date.value()
            if shipped is None:
                raise DomainError("bad_date", value=self.date.text())
        except DomainError as exc:
            self._show_error(error_text(exc))
            return
        ctx, order_id, ref = self.ctx, self.order_id, self.reference.text()
        self.run_service(
            lambda: order_service.record_shipment(ctx, order_id, shipped, ref, delivered)
        )
