"""The reconciliation window's table of lines, and which action fits a line."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop_ar.ui.models.recon_items import WIDTHS, is_open


def can_act(item: Any, mode: str) -> bool:
    """Whether an action fits the selected line (the service still has the last word).

    A credit note brings our balance down to theirs (ours higher, not merely in transit); a
    receipt records a payment on their side that we lack; a dispute needs an invoice of ours.
    """
    if item is None or not is_open(item):
        return False
    if mode == "note":
        return True
    ours_higher = item.difference.minor > 0
    if mode == "credit_note":
        return ours_higher and item.result != "timing"
    if mode == "dispute":
        return item.our_type == "invoice" and bool(item.our_number)
    their_payment = item.their_amount is not None and item.their_amount.minor < 0
    return ours_higher and their_payment


def items_table(proxy: QSortFilterProxyModel, parent: QWidget, state: Any = None) -> QTableView:
    """A read-only, row-selecting table over the (sorting) proxy; ``state``: a saved header."""
    table = QTableView(parent)
    table.setObjectName("reconItems")
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order until a click
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    for column, width in enumerate(WIDTHS):
        table.setColumnWidth(column, width)
    if state:
        header.restoreState(state)
    return table
