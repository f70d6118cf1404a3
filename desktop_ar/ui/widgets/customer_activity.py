"""The small tabs of the customer card: orders, contact log, disputes (a few hundred rows each)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.money import Money
from desktop_ar.ui.formatting import format_date, format_money
from desktop_ar.ui.models.cells import code_label, status_label

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

# (header, how to get the cell text from a row, stretch)
Column = tuple[str, Callable[[Any], object], bool]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return format_money(value)
    if hasattr(value, "isoformat"):
        return format_date(value)  # type: ignore[arg-type]
    return str(value)


class SmallTable(QWidget):
    """A read-only table over a list of DTOs, with action buttons underneath."""

    current_changed = Signal(object)  # the selected DTO or None

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []
        self.table = QTableWidget(0, len(self._columns), self)
        self.table.setHorizontalHeaderLabels([c[0] for c in self._columns])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for i, (_h, _get, stretch) in enumerate(self._columns):
            mode = QHeaderView.ResizeMode.Stretch if stretch else QHeaderView.ResizeMode.Interactive
            header.setSectionResizeMode(i, mode)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)
        self.button_row = QHBoxLayout()
        self.button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.button_row)

    def add_button(self, text: str, slot: Callable[[], None], name: str = "") -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        self.button_row.insertWidget(self.button_row.count() - 1, button)
        return button

    def set_rows(self, rows: Sequence[Any]) -> None:
        self._rows = list(rows)
        self.table.setRowCount(len(self._rows))
        for r, obj in enumerate(self._rows):
            for c, (_h, get, _s) in enumerate(self._columns):
                value = get(obj)
                item = QTableWidgetItem(_text(value))
                if isinstance(value, Money):
                    item.setTextAlignment(_RIGHT)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.current_changed.emit(self.current())

    def rows(self) -> list[Any]:
        return list(self._rows)

    def current(self) -> Any | None:
        row = self.table.currentRow()
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def _on_table_current_cell_changed(self, *_args: int) -> None:
        self.current_changed.emit(self.current())


def orders_table(parent: QWidget) -> SmallTable:
    tr = parent.tr
    return SmallTable(
        [
            (tr("Number"), lambda o: o.number, False),
            (tr("Date"), lambda o: o.order_date, False),
            (tr("Delivery"), lambda o: o.delivery_date, False),
            (tr("Ccy"), lambda o: o.total.currency, False),
            (tr("Total"), lambda o: o.total, False),
            (tr("Status"), lambda o: status_label(o.status), False),
            (tr("Contract"), lambda o: o.contract_ref, True),
        ],
        parent,
    )


def contact_log_table(parent: QWidget) -> SmallTable:
    tr = parent.tr
    return SmallTable(
        [
            (tr("Date"), lambda e: e.log_date, False),
            (tr("Kind"), lambda e: code_label(e.kind), False),
            (tr("With"), lambda e: e.contact_person, False),
            (tr("By"), lambda e: e.staff, False),
            (tr("Summary"), lambda e: e.summary, True),
            (tr("Outcome"), lambda e: e.outcome, False),
            (tr("Follow-up"), lambda e: e.next_follow_up, False),
        ],
        parent,
    )


def disputes_table(parent: QWidget) -> SmallTable:
    tr = parent.tr
    return SmallTable(
        [
            (tr("Opened"), lambda d: d.opened_on, False),
            (tr("Invoice"), lambda d: d.invoice_number or tr("account"), False),
            (tr("Amount"), lambda d: d.amount, False),
            (tr("Reason"), lambda d: d.reason, True),
            (tr("Status"), lambda d: status_label(d.status), False),
            (tr("Resolution"), lambda d: d.resolution, True),
            (tr("Resolved"), lambda d: d.resolved_on, False),
        ],
        parent,
    )
