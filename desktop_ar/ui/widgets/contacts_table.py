"""An editable table of a customer's contact people (name, title, phone, mobile, email, primary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
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

from desktop_ar.services.customer_archive import ContactInput

if TYPE_CHECKING:
    from desktop_ar.services.customer_archive import ContactRow

_TEXT_FIELDS = ("name", "title", "phone", "mobile", "email")
_ID_ROLE = Qt.ItemDataRole.UserRole


class ContactsTable(QWidget):
    """Contacts as rows; new rows have no id, removed rows disappear. Small: a QTableWidget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(_TEXT_FIELDS) + 1, self)
        self.table.setObjectName("contactsTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Title"),
                self.tr("Phone"),
                self.tr("Mobile"),
                self.tr("Email"),
                self.tr("Primary"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(len(_TEXT_FIELDS), QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(_TEXT_FIELDS.index("email"), QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(self.tr("&Add contact"), self)
        self.add_button.setAutoDefault(False)
        self.remove_button = QPushButton(self.tr("&Remove contact"), self)
        self.remove_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_contacts(self, rows: list[ContactRow]) -> None:
        self.table.setRowCount(0)
        for c in rows:
            self.add_row(
                c.id,
                ContactInput(c.name, c.title, c.phone, c.mobile, c.email, c.is_primary, c.notes),
            )
        self._fit()

    def _fit(self) -> None:
        for col in range(len(_TEXT_FIELDS) - 1):
            self.table.resizeColumnToContents(col)
            self.table.setColumnWidth(col, max(90, self.table.columnWidth(col) + 12))

    def add_row(self, contact_id: int | None, data: ContactInput) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, key in enumerate(_TEXT_FIELDS):
            item = QTableWidgetItem(str(getattr(data, key)))
            if col == 0:
                item.setData(_ID_ROLE, contact_id)
                item.setData(Qt.ItemDataRole.UserRole + 1, data.notes)
            self.table.setItem(row, col, item)
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        check.setCheckState(Qt.CheckState.Checked if data.is_primary else Qt.CheckState.Unchecked)
        self.table.setItem(row, len(_TEXT_FIELDS), check)
        return row

    def contacts(self) -> list[tuple[int | None, ContactInput]]:
        """Every non-empty row as (id or None for a new one, input)."""
        out = []
        for row in range(self.table.rowCount()):
            texts = {
                key: (self.table.item(row, col).text() if self.table.item(row, col) else "")
                for col, key in enumerate(_TEXT_FIELDS)
            }
            if not any(v.strip() for v in texts.values()):
                continue
            first = self.table.item(row, 0)
            contact_id = first.data(_ID_ROLE) if first is not None else None
            notes = (first.data(Qt.ItemDataRole.UserRole + 1) if first is not None else "") or ""
            primary = self.table.item(row, len(_TEXT_FIELDS)).checkState() == Qt.CheckState.Checked
            out.append((contact_id, ContactInput(**texts, is_primary=primary, notes=notes)))
        return out

    def _on_add_button_clicked(self) -> None:
        row = self.add_row(None, ContactInput(""))
        self.table.setCurrentCell(row, 0)
        self.table.editItem(self.table.item(row, 0))

    def _on_remove_button_clicked(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
