"""The Collections page (催收工作台): what to chase today, most urgent first.

Shows ``services.collections_worklist.worklist`` for the window's as-of date. On a writable book
the promise statuses are judged first (``refresh_promises``) in the same background read, so
kept and broken promises are current. A collector filter narrows the list; Enter or a
double-click opens the customer's card through the customers page's own route.
"""

from __future__ import annotations

import contextlib
import weakref
from datetime import date
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.errors import PermissionDenied
from desktop_ar.services import collections_worklist, promises
from desktop_ar.services.collections_worklist import WorkItem
from desktop_ar.ui.dialogs.promise_dialog import PromiseDialog, open_invoices
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_date
from desktop_ar.ui.models.roles import Role
from desktop_ar.ui.models.worklist_model import COLUMNS, NEGATIVE, CollectorFilter, WorklistModel
from desktop_ar.ui.tasks import QueryOp

_CHANGES = ("everything", "settings", "invoices", "payments", "credit_notes", "customers")

if TYPE_CHECKING:
    from desktop_ar.domain.money import Money
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext


class CollectionsPage(QWidget):
    """Today's collection work: promises, overdue customers, follow-ups, disputes, due soon."""

    loaded = Signal()  # a worklist is on screen (tests and screenshots wait for it)
    count_changed = Signal(int)
    customer_opened = Signal(int)  # Enter / double-click on a row

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._as_of = as_of
        self._generation = 0
        self._stale = True
        self._cards: dict[int, QWidget] = {}  # cards opened without a main window
        self._build()
        self.collector_combo.currentIndexChanged.connect(self._on_collector_combo_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)
        self.dialog: QWidget | None = None  # the last dialog opened (tests)

    def _build(self) -> None:
        self.collector_combo = QComboBox(minimumContentsLength=12)
        self.collector_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.collector_combo.addItem(self.tr("All collectors"), None)
        self.count_label = QLabel()
        self.status_label = QLabel(wordWrap=True)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.promise_button = QPushButton(self.tr("Record &promise…"))
        self.promise_button.setEnabled(False)
        collector_label = QLabel(self.tr("&Collector"))
        collector_label.setBuddy(self.collector_combo)
        bar = QHBoxLayout()
        bar.addWidget(collector_label)
        bar.addWidget(self.collector_combo)
        bar.addSpacing(12)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.promise_button)
        bar.addWidget(self.refresh_button)

        self.model = WorklistModel(self)
        self.proxy = CollectorFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(alternatingRowColors=False, wordWrap=False)
        self.table.setObjectName("worklistTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)
        self.open_action = QAction(self.tr("&Open customer"), self)
        self.open_action.triggered.connect(self.open_current)
        self.promise_action = QAction(self.tr("Record &promise…"), self)
        self.promise_action.setEnabled(False)
        self.promise_action.triggered.connect(self.record_promise)
        self.promise_button.clicked.connect(self.record_promise)
        self.table.addAction(self.open_action)
        self.table.addAction(self.promise_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        amount = metrics.horizontalAdvance("CNY -000,000,000.00") + 16
        self.table.setColumnWidth(COLUMNS.index("amount"), amount)
        name = COLUMNS.index("name")  # Chinese names are shown whole, up to a reasonable width
        self.table.setColumnWidth(name, min(max(self.table.columnWidth(name), 160), 360))

    # ---- the page protocol -------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("Collections")

    def as_of(self) -> date:
        return self._as_of

    def set_as_of(self, as_of: date) -> None:
        """Change the working day; the list reloads now if visible, else when shown."""
        if as_of != self._as_of:
            self._as_of = as_of
            self._mark_stale()

    def row_count(self) -> int:
        return self.proxy.rowCount()

    def on_changes(self, changes: Changes) -> None:
        """Reload after a mutation if visible, otherwise when next shown."""
        if any(getattr(changes, name) for name in _CHANGES):
            self._mark_stale()

    def refresh(self) -> None:
        """Judge the promises (writable books) and load the worklist, off the GUI thread."""
        self._stale = False
        self._generation += 1
        self.status_label.setStyleSheet("")
        self.status_label.setText(self.tr("Loading…"))
        ctx, as_of, token, ref = self.ctx, self._as_of, self._generation, weakref.ref(self)

        def work() -> list[WorkItem]:
            if not ctx.read_only:
                # A role that may not log contacts sees the stored statuses.
                with contextlib.suppress(PermissionDenied):
                    promises.refresh_promises(ctx, as_of)
            return collections_worklist.worklist(ctx, as_of)

        def deliver(result: list[WorkItem] | BaseException) -> None:
            page = ref()
            if page is not None and shiboken6.isValid(page):
                page._on_result(token, result)

        # No parent, a weak reference: the database thread must never free the page.
        QueryOp(None, work).success(deliver).failure(deliver).run()

    def selected_item(self) -> WorkItem | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.item(self.proxy.mapToSource(index).row())

    def open_current(self) -> QWidget | None:
        item = self.selected_item()
        return self.open_customer(item.customer_id) if item is not None else None

    def open_customer(self, customer_id: int) -> QWidget:
        """Open the customer's card the way the customers page does (one window per customer)."""
        self.customer_opened.emit(customer_id)
        window = self.window()
        page_of = getattr(window, "page", None)
        if callable(page_of) and "customers" in getattr(window, "page_keys", list)():
            actions = getattr(page_of("customers"), "actions_", None)
            if actions is not None:
                return actions.open_card(customer_id)  # type: ignore[no-any-return]
        return self._open_card(customer_id)

    def _open_card(self, customer_id: int) -> QWidget:
        from desktop_ar.ui.pages.customer_card import CustomerCardDialog

        card = self._cards.get(customer_id)
        if card is None or not shiboken6.isValid(card):
            card = CustomerCardDialog(
                ctx=self.ctx, customer_id=customer_id, as_of=self._as_of, parent=self
            )
            card.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            card.destroyed.connect(lambda _obj=None, cid=customer_id: self._cards.pop(cid, None))
            self._cards[customer_id] = card
        card.show()
        card.raise_()
        return card

    def record_promise(self) -> None:
        """Ask for a promise of the selected row's customer (its open invoices load first)."""
        item = self.selected_item()
        if item is None or self.ctx.read_only:
            return
        ctx, cid, as_of, ref = self.ctx, item.customer_id, self._as_of, weakref.ref(self)

        def deliver(result: list[tuple[int, str, Money]] | BaseException) -> None:
            page = ref()
            if page is None or not shiboken6.isValid(page):
                return
            if isinstance(result, BaseException):
                text = page.tr("Could not load the invoices: %1").replace("%1", error_text(result))
                page.status_label.setText(text)
                page.status_label.setStyleSheet(f"color: {NEGATIVE}")
                return
            page._open_promise_dialog(item, result)

        QueryOp(None, lambda: open_invoices(ctx, cid, as_of)).success(deliver).failure(
            deliver
        ).run()

    def _open_promise_dialog(self, item: WorkItem, invoices: list[tuple[int, str, Money]]) -> None:
        currency = item.amount.currency if item.amount is not None else self._base_currency()
        amount = item.amount if item.kind in ("overdue", "promise_broken") else None
        dialog = PromiseDialog(
            ctx=self.ctx,
            customer_id=item.customer_id,
            customer_label=f"{item.customer_code} {item.customer_name}",
            currency=currency,
            made_on=self._as_of,
            invoices=[i for i in invoices if i[2].currency == currency] or invoices,
            amount=amount,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def _base_currency(self) -> str:
        codes = {i.amount.currency for i in self.model.rows() if i.amount is not None}
        return next(iter(codes)) if len(codes) == 1 else "CNY"

    # ---- internals ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def _on_result(self, token: int, result: list[WorkItem] | BaseException) -> None:
        if token != self._generation:
            return  # an older query finished after a newer one started
        if isinstance(result, BaseException):
            text = self.tr("Could not load the worklist: %1").replace("%1", error_text(result))
            self.status_label.setText(text)
            self.status_label.setStyleSheet(f"color: {NEGATIVE}")
            return
        keep = self.collector_combo.currentData()
        self.model.set_rows(result)
        collectors = sorted({i.collector for i in result if i.collector})
        self.collector_combo.blockSignals(True)
        self.collector_combo.clear()
        self.collector_combo.addItem(self.tr("All collectors"), None)
        for name in collectors:
            self.collector_combo.addItem(name, name)
        found = self.collector_combo.findData(keep) if keep is not None else 0
        self.collector_combo.setCurrentIndex(max(found, 0))
        self.collector_combo.blockSignals(False)
        self.proxy.set_collector(self.collector_combo.currentData())
        self.status_label.setText(self.tr("Work for %1").replace("%1", format_date(self._as_of)))
        self._show_count()
        self._size_columns()
        self._update_actions()
        self.loaded.emit()

    def _show_count(self) -> None:
        count = self.proxy.rowCount()
        self.count_label.setText(self.tr("%n item(s) to chase", "", count))
        self.count_changed.emit(count)

    def _on_collector_combo_changed(self, _: int) -> None:
        self.proxy.set_collector(self.collector_combo.currentData())
        self._show_count()
        self._update_actions()

    def _update_actions(self, *_: Any) -> None:
        has = self.selected_item() is not None
        self.open_action.setEnabled(has)
        writable = has and not self.ctx.read_only
        self.promise_action.setEnabled(writable)
        self.promise_button.setEnabled(writable)

    def _on_table_activated(self, index: QModelIndex) -> None:
        if (customer_id := index.data(Role.Id)) is not None:
            self.open_customer(int(customer_id))
