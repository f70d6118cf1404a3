"""The allocation dialog's table: one row per open instalment, an editable Apply column."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_ar.ui.dialogs.allocation_draft import AllocationDraft
from desktop_ar.ui.formatting import format_date, format_money
from desktop_ar.ui.widgets.money_edit import MoneyEdit

COLUMNS = (
    QT_TRANSLATE_NOOP("AllocationTable", "Invoice"),
    QT_TRANSLATE_NOOP("AllocationTable", "Instalment"),
    QT_TRANSLATE_NOOP("AllocationTable", "Issued"),
    QT_TRANSLATE_NOOP("AllocationTable", "Due"),
    QT_TRANSLATE_NOOP("AllocationTable", "Open"),
    QT_TRANSLATE_NOOP("AllocationTable", "Discount if paid by"),
    QT_TRANSLATE_NOOP("AllocationTable", "Disputed"),
    QT_TRANSLATE_NOOP("AllocationTable", "Apply"),
)
OPEN, DISCOUNT, DISPUTED, APPLY = 4, 5, 6, 7
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class MoneyDelegate(QStyledItemDelegate):
    """Edits a column with a ``MoneyEdit`` (the typed amount is explained while typing)."""

    def __init__(self, currency: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.currency = currency

    def createEditor(self, parent, _option, _index):
        return MoneyEdit(self.currency, parent)

    def setEditorData(self, editor, index) -> None:
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.selectAll()

    def setModelData(self, editor, model, index) -> None:
        value = editor.value()
        model.setData(index, format_money(value) if value is not None else editor.text())


class AllocationTable(QTableWidget):
    """A few dozen rows of one customer: a small table widget, not a lazy model."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("allocationTable")
        self.filling = False  # True while the table is written from the draft, not the user
        self.delegate = MoneyDelegate("CNY", self)
        self.setItemDelegateForColumn(APPLY, self.delegate)
        self.setHorizontalHeaderLabels(
            [QCoreApplication.translate("AllocationTable", c) for c in COLUMNS]
        )
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    def fill(self, draft: AllocationDraft) -> None:
        """One row per open line of the draft."""
        self.delegate.currency = draft.currency
        self.filling = True
        self.setRowCount(len(draft.lines))
        plain = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for row, ln in enumerate(draft.lines):
            discount = ""
            if ln.discount.minor:
                discount = f"{format_money(ln.discount)} · {format_date(ln.discount_until)}"
            disputed = QCoreApplication.translate("AllocationTable", "Disputed")
            cells = [
                ln.invoice_number,
                f"{ln.seq}/{ln.instalments}",
                format_date(ln.issue_date),
                format_date(ln.due_date),
                format_money(ln.open),
                discount,
                disputed if ln.disputed else "",
                "",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(plain)
                if col in (OPEN, APPLY):
                    item.setTextAlignment(_RIGHT)
                if col == APPLY:
                    item.setFlags(plain | Qt.ItemFlag.ItemIsEditable)
                if col == DISCOUNT and ln.discount.minor:
                    item.setFlags(plain | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Unchecked)
                if col == DISPUTED and ln.disputed:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.setItem(row, col, item)
        self.filling = False
        self.resizeColumnsToContents()

    def sync(self, draft: AllocationDraft) -> None:
        """Show the draft's amounts and discount ticks."""
        self.filling = True
        for row, ln in enumerate(draft.lines):
            value = draft.apply.get(ln.line_id)
            self.item(row, APPLY).setText(format_money(value) if value else "")
            if ln.discount.minor:
                on = ln.line_id in draft.discounts
                state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                self.item(row, DISCOUNT).setCheckState(state)
        self.filling = False

    def apply_item(self, row: int) -> QTableWidgetItem:
        return self.item(row, APPLY)
