"""Splitting one bank line across several open invoices of a customer.

The customer's open invoices in the line's currency are listed with an Apply column (the
allocation dialog's ``MoneyDelegate``); the sum is shown under the table and may not exceed the
line's amount. What is not applied stays on the receipt as the customer's credit. Saving calls
``bank_statements.accept_invoices``: one receipt for the line, allocated as typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import parse_amount
from desktop_ar.services import bank_statements as bank
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.services.lists import invoices as invoice_list
from desktop_ar.ui.dialogs.allocation_table import MoneyDelegate
from desktop_ar.ui.dialogs.bank_line_dialogs import line_summary
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_date, format_money
from desktop_ar.ui.models.bank_models import money_text
from desktop_ar.ui.tasks import QueryOp
from desktop_ar.ui.widgets.customer_picker import CustomerPicker

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

COLUMNS = (
    QT_TRANSLATE_NOOP("bank", "Invoice"),
    QT_TRANSLATE_NOOP("bank", "Issued"),
    QT_TRANSLATE_NOOP("bank", "Due"),
    QT_TRANSLATE_NOOP("bank", "Open"),
    QT_TRANSLATE_NOOP("bank", "Apply"),
)
OPEN, APPLY = 3, 4
MAX_INVOICES = 500
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def open_invoices(ctx: ServiceContext, customer_id: int, currency: str, as_of: Any) -> list[Any]:
    """The customer's open invoices in ``currency``, oldest due first (database thread)."""
    spec = ListSpec(status="open", customer_id=customer_id, as_of=as_of)
    _count, ids = invoice_list.first_page(ctx, spec, SortSpec("due_date"), MAX_INVOICES)
    rows = invoice_list.rows(ctx, list(ids), as_of)
    return [r for r in rows if r.open.currency == currency and r.open.minor > 0]


class SplitLineDialog(FormDialog):
    """One receipt for the line, applied to the invoices the user fills in."""

    geometry_key = "dialogs/bank_split"
    loaded = Signal()

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        line: Any,
        customer: tuple[int, str] | None = None,
        invoice_ids: tuple[int, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("splitLineDialog")
        self.setWindowTitle(self.tr("Split across invoices"))
        self.ctx = ctx
        self.line = line
        self.currency = line.amount.currency
        self.invoices: list[Any] = []
        self.amounts: dict[int, Money] = {}
        self.bad: dict[int, str] = {}
        self._prefill = tuple(invoice_ids)
        self._customer_id: int | None = None
        self._filling = False

        intro = QLabel(line_summary(line), self)
        intro.setObjectName("lineSummary")
        intro.setWordWrap(True)
        self.picker = CustomerPicker(ctx, self)
        self.picker.setObjectName("customerPicker")
        self.picker.customer_changed.connect(self._on_picker_customer_changed)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("splitTable")
        self.table.setHorizontalHeaderLabels(
            [QCoreApplication.translate("bank", c) for c in COLUMNS]
        )
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setItemDelegateForColumn(APPLY, MoneyDelegate(self.currency, self))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setMinimumHeight(220)
        self.table.itemChanged.connect(self._on_table_item_changed)
        self.oldest_button = QPushButton(self.tr("&Oldest first"), self)
        self.clear_button = QPushButton(self.tr("C&lear"), self)
        for button in (self.oldest_button, self.clear_button):
            button.setAutoDefault(False)
        self.oldest_button.clicked.connect(self._on_oldest_button_clicked)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        tools = QHBoxLayout()
        tools.addWidget(self.oldest_button)
        tools.addWidget(self.clear_button)
        tools.addStretch(1)
        self.sum_label = QLabel(self)
        self.sum_label.setObjectName("splitSum")
        self.sum_label.setTextFormat(Qt.TextFormat.RichText)

        self.form.addRow(intro)
        self.form.addRow(self.tr("&Customer"), self.picker)
        self.form.addRow(tools)
        self.form.addRow(self.table)
        self.form.addRow(self.sum_label)
        self.save_button.setText(self.tr("&Create receipt"))
        if not self.restored_geometry:
            self.resize(720, 480)
        if customer is not None:
            self._customer_id = customer[0]
            self.picker.setEditText(customer[1])
            self.picker.search(customer[1])  # shows "code  name" once found
            self._load(customer[0])
        self._refresh()
        self.picker.setFocus()

    # ---- loading -----------------------------------------------------------------------------

    def is_loaded(self) -> bool:
        return bool(self.invoices) or self.table.property("loaded") is True

    def _on_picker_customer_changed(self, choice: Any) -> None:
        if choice is not None and choice.id == self._customer_id and self.picker.currentIndex() < 0:
            self.picker.set_customer(choice.id)  # the candidate's customer, found by its code
        if choice is not None and choice.id != self._customer_id:
            self._customer_id = choice.id
            self._prefill = ()
            self._load(choice.id)

    def _load(self, customer_id: int) -> None:
        ctx, ccy, as_of = self.ctx, self.currency, self.line.booking_date
        self.table.setProperty("loaded", False)
        QueryOp(self, lambda: open_invoices(ctx, customer_id, ccy, as_of)).success(
            lambda rows: self._on_loaded(customer_id, rows)
        ).failure(self.show_error).run()

    def _on_loaded(self, customer_id: int, rows: list[Any]) -> None:
        if customer_id != self._customer_id:
            return  # the user picked another customer meanwhile
        self.invoices = rows
        self.amounts.clear()
        self.bad.clear()
        left = self.line.amount
        for invoice in rows:  # a candidate's invoices, as much of each as the line covers
            if invoice.id in self._prefill and left.minor > 0:
                self.amounts[invoice.id] = min(invoice.open, left)
                left = left - self.amounts[invoice.id]
        self._fill()
        first = next((i for i, inv in enumerate(rows) if inv.id in self.amounts), None)
        if first is not None:
            self.table.scrollToItem(self.table.item(first, APPLY))
        self.table.setProperty("loaded", True)
        self._refresh()
        self.loaded.emit()

    def _fill(self) -> None:
        self._filling = True
        self.table.setRowCount(len(self.invoices))
        plain = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for row, inv in enumerate(self.invoices):
            value = self.amounts.get(inv.id)
            cells = (
                inv.number,
                format_date(inv.issue_date),
                format_date(inv.due_date),
                format_money(inv.open),
                format_money(value) if value else "",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(plain | Qt.ItemFlag.ItemIsEditable if col == APPLY else plain)
                if col in (OPEN, APPLY):
                    item.setTextAlignment(_RIGHT)
                self.table.setItem(row, col, item)
        self._filling = False

    # ---- editing -----------------------------------------------------------------------------

    def set_amount(self, row: int, text: str) -> None:
        """Type an amount into a row's Apply cell (as the delegate would)."""
        self.table.item(row, APPLY).setText(text)

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != APPLY:
            return
        inv = self.invoices[item.row()]
        self.amounts.pop(inv.id, None)
        self.bad.pop(inv.id, None)
        text = item.text().strip()
        if text:
            try:
                value = parse_amount(text, self.currency)
            except DomainError as exc:
                self.bad[inv.id] = error_text(exc)
            else:
                if value.minor:
                    self.amounts[inv.id] = value
        self._refresh()

    def _on_oldest_button_clicked(self) -> None:
        left = self.line.amount
        self.amounts.clear()
        self.bad.clear()
        for inv in self.invoices:
            if left.minor <= 0:
                break
            self.amounts[inv.id] = min(inv.open, left)
            left = left - self.amounts[inv.id]
        self._fill()
        self._refresh()

    def _on_clear_button_clicked(self) -> None:
        self.amounts.clear()
        self.bad.clear()
        self._fill()
        self._refresh()

    def total(self) -> Money:
        return Money.sum(self.amounts.values(), self.currency)

    def problem(self) -> str | None:
        """The first thing to fix, as a sentence; None when the split can be saved."""
        by_id = {inv.id: inv for inv in self.invoices}
        for invoice_id, reason in self.bad.items():
            return f"{by_id[invoice_id].number}: {reason}"
        for invoice_id, value in self.amounts.items():
            inv = by_id[invoice_id]
            if value.minor < 0 or value > inv.open:
                return (
                    self.tr("%1: apply between 0 and the open %2.")
                    .replace("%1", inv.number)
                    .replace("%2", format_money(inv.open))
                )
        if self.total() > self.line.amount:
            return (
                self.tr("The invoices add up to %1, more than the line's %2.")
                .replace("%1", money_text(self.total()))
                .replace("%2", money_text(self.line.amount))
            )
        if not self.amounts:
            return self.tr("Enter the amount paid on each invoice, or use Oldest first.")
        return None

    def _refresh(self) -> None:
        total, amount = self.total(), self.line.amount
        left = amount - total
        text = (
            self.tr("Line <b>%1</b> · applied <b>%2</b> · left on account <b>%3</b>")
            .replace("%1", money_text(amount))
            .replace("%2", format_money(total))
            .replace("%3", format_money(left))
        )
        over = left.minor < 0
        self.sum_label.setText(f'<span style="color:#c62828">{text}</span>' if over else text)
        problem = self.problem() if self.invoices or self.amounts else None
        self.save_button.setEnabled(problem is None and bool(self.amounts))
        self.error_label.setText(problem or "")
        self.error_label.setVisible(bool(problem) and bool(self.invoices))

    def save_fn(self) -> Callable[[], Any]:
        problem = self.problem()
        if problem is not None or self._customer_id is None:
            raise DomainError(
                "invalid",
                field=self.tr("Split"),
                reason=problem or self.tr("choose the customer who paid"),
            )
        allocations = [
            (inv.id, self.amounts[inv.id]) for inv in self.invoices if inv.id in self.amounts
        ]
        ctx, line_id, cid = self.ctx, self.line.id, self._customer_id
        return lambda: bank.accept_invoices(ctx, line_id, allocations, customer_id=cid)
