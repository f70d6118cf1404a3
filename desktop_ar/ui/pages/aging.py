"""The Aging page (账龄分析): buckets per customer as of any date, with drill-down to the items.

The report runs on the database thread (≈0.5 s for a million invoices); the page keeps only the
per-customer rows and asks for one customer's items when the user drills down.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.aging import AgingReport, Buckets, CurrencyAging
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.services import reports
from desktop_ar.services.settings import get_settings
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.export_action import make_export_action, start_export
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.models.aging_model import (
    AgingCustomerModel,
    AgingFilterProxy,
    AgingItemsModel,
    bucket_header,
    tabular_font,
)
from desktop_ar.ui.models.roles import Role
from desktop_ar.ui.tasks import BackgroundOp, QueryOp
from desktop_ar.ui.widgets.bucket_chart import BucketChart

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.exports import ExportResult

NEGATIVE = "#c62828"
_INVALID_STYLE = f"QLineEdit {{ border: 1px solid {NEGATIVE}; border-radius: 2px; }}"
RELOAD_DELAY_MS = 300  # typing in the date or bucket boxes reloads once the user pauses
_CHANGES = ("everything", "settings", "invoices", "payments", "credit_notes", "customers")


def _fill(template: str, *args: object) -> str:
    """Put arguments into a translated ``%1 … %n`` template in one pass (names may hold ``%2``)."""
    return re.sub(r"%(\d)", lambda m: str(args[int(m[1]) - 1]), template)


def _slim(report: AgingReport) -> AgingReport:
    # The page never shows the book-wide by_item list (1M rows on a big book); dropping it on the
    # worker thread keeps that memory from living as long as the page.
    slim = [dataclasses.replace(c, by_item=[]) for c in report.currencies]
    return dataclasses.replace(report, currencies=slim)


class AgingPage(QWidget):
    """Aging by customer as of a date, with bucket totals and the open items of one customer."""

    loaded = Signal()  # a report is on screen (tests and screenshots wait for it)
    items_loaded = Signal()  # the drill-down items are on screen
    count_changed = Signal(int)

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._report: AgingReport | None = None  # per-customer rows only (see _slim)
        self._items: AgingReport | None = None  # the drilled-down customer's items
        self._detail_customer: int | None = None
        self._buckets: Buckets | None = None
        self._generation = 0  # a slower, older query must not overwrite a newer result
        self._stale = True
        self.summary_values: list[str] = []  # bucket totals then the total, as shown
        settings = get_settings(ctx)
        self._base_currency = settings.base_currency
        self._timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._build(as_of)
        self.buckets_edit.setText(settings.aging_buckets)
        self._on_buckets_edit_textChanged(settings.aging_buckets)
        self.basis_combo.setCurrentIndex(max(0, self.basis_combo.findData(settings.aging_basis)))
        self.as_of_edit.dateChanged.connect(self._schedule)
        self.basis_combo.currentIndexChanged.connect(self._schedule)
        self.buckets_edit.textChanged.connect(self._on_buckets_edit_textChanged)
        self.currency_combo.currentIndexChanged.connect(self._on_currency_combo_changed)
        self.filter_edit.textChanged.connect(self._on_filter_edit_textChanged)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.activated.connect(self._on_table_activated)
        self.export_action = make_export_action(self, self.export_to_excel)

    def _build(self, as_of: date) -> None:
        self.as_of_edit = QDateEdit(QDate(as_of), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.basis_combo = QComboBox()
        self.basis_combo.addItem(self.tr("By due date"), "due")
        self.basis_combo.addItem(self.tr("By invoice date"), "invoice")
        self.buckets_edit = QLineEdit(placeholderText="30,60,90", maximumWidth=120)
        self.currency_combo = QComboBox()
        self.filter_edit = QLineEdit(clearButtonEnabled=True, minimumWidth=240)
        self.filter_edit.setPlaceholderText(self.tr("Filter by customer code or name"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        bar = QHBoxLayout()
        self.currency_label = QLabel(self.tr("Currency"))  # hidden unless several currencies
        for label, widget in (
            (QLabel(self.tr("As of")), self.as_of_edit),
            (QLabel(self.tr("Basis")), self.basis_combo),
            (QLabel(self.tr("Buckets (days)")), self.buckets_edit),
            (self.currency_label, self.currency_combo),
        ):
            bar.addWidget(label)
            bar.addWidget(widget)
            bar.addSpacing(6)
        bar.addStretch(1)
        bar.addWidget(self.filter_edit)
        bar.addWidget(self.refresh_button)

        self.summary = QFrame(frameShape=QFrame.Shape.StyledPanel)
        self.summary_label = QLabel(textFormat=Qt.TextFormat.RichText)
        self.summary_label.setFont(tabular_font(self.font()))
        self.base_label = QLabel()
        self.status_label = QLabel(wordWrap=True)
        self.chart = BucketChart()
        left = QVBoxLayout()
        for widget in (self.summary_label, self.base_label, self.status_label):
            left.addWidget(widget)
        left.addStretch(1)
        strip = QHBoxLayout(self.summary)
        strip.addLayout(left, 1)
        strip.addWidget(self.chart)

        self.model = AgingCustomerModel(self)
        self.proxy = AgingFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = _table_view(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.items_model = AgingItemsModel(self)
        self.items_table = _table_view(self.items_model)
        self.detail_title = QLabel(self.tr("Double-click a customer to see its open items."))
        detail_layout = QVBoxLayout(detail := QWidget())
        detail_layout.setContentsMargins(0, 4, 0, 0)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.items_table)
        self.splitter = QSplitter(Qt.Orientation.Vertical, childrenCollapsible=False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        for col, width in enumerate((140, 150, 100, 100, 70, 90, 130, 130)):
            self.items_table.setColumnWidth(col, width)

    def _size_columns(self) -> None:
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        amount = self.table.fontMetrics().horizontalAdvance("-000,000,000.00") + 16
        for col in range(self.model.columnCount()):
            if col != 1:
                self.table.setColumnWidth(col, {0: 90, 2: 150}.get(col, amount))

    def title(self) -> str:
        return self.tr("Aging")

    def as_of(self) -> date:
        return self.as_of_edit.date().toPython()  # type: ignore[no-any-return]

    def set_as_of(self, d: date) -> None:
        """Change the as-of date; the report reloads now if visible, else when shown."""
        self.as_of_edit.setDate(QDate(d))

    def row_count(self) -> int:
        return self.proxy.rowCount()

    def currency(self) -> CurrencyAging | None:
        code = self.currency_combo.currentText()
        return self._report.currency(code) if self._report is not None and code else None

    def on_changes(self, changes: Changes) -> None:
        """Reload after a mutation if visible, otherwise when next shown."""
        if any(getattr(changes, name) for name in _CHANGES):
            self._stale = True
            if self.isVisible():
                self.refresh()

    def refresh(self) -> None:
        """Run the aging query for the current as-of date, basis and buckets."""
        self._timer.stop()
        if self._buckets is None:
            return  # invalid buckets text: keep the last report on screen
        self._stale = False
        self._generation += 1
        self.status_label.setText(self.tr("Loading…"))
        self._query(None)
        if self._detail_customer is not None:
            self.show_customer(self._detail_customer)

    def export_to_excel(self) -> BackgroundOp[ExportResult] | None:
        """Export the report on screen (every currency, by customer) to an ``.xlsx`` file."""
        from desktop_ar.services.list_exports import export_aging_file

        ctx, report = self._ctx, self._report
        if report is None:
            return None
        name = f"aging-{report.as_of.isoformat()}.xlsx"
        return start_export(self, name, lambda path, _: export_aging_file(ctx, report, path))

    def show_customer(self, customer_id: int) -> None:
        """Drill down: load and show the open items of one customer below the table."""
        if self._buckets is not None:
            self._detail_customer = customer_id
            self._query(customer_id)

    def _query(self, cid: int | None) -> None:
        # The op gets no parent and only a weak reference to the page: the database thread may
        # drop the op's last reference, and a page freed there (off the GUI thread) crashes Qt.
        ctx, as_of, buckets = self._ctx, self.as_of(), self._buckets
        basis, token, ref = str(self.basis_combo.currentData()), self._generation, weakref.ref(self)

        def work() -> AgingReport:
            r = reports.aging(ctx, as_of=as_of, buckets=buckets, basis=basis, customer_id=cid)
            return r if cid is not None else _slim(r)

        def deliver(result: AgingReport | BaseException) -> None:
            page = ref()
            if page is not None and shiboken6.isValid(page):
                page._on_result(token, cid, result)

        QueryOp(None, work).success(deliver).failure(deliver).run()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _schedule(self, *_: Any) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def _on_buckets_edit_textChanged(self, text: str) -> None:
        try:
            self._buckets = Buckets.parse(text)
        except DomainError as exc:
            self._buckets = None
            self.buckets_edit.setStyleSheet(_INVALID_STYLE)
            self.buckets_edit.setToolTip(error_text(exc))
            return
        self.buckets_edit.setStyleSheet("")
        self.buckets_edit.setToolTip(self.tr("Upper limits of the buckets in days, e.g. 30,60,90"))
        self._schedule()

    def _on_filter_edit_textChanged(self, text: str) -> None:
        self.proxy.set_text(text)
        self.count_changed.emit(self.proxy.rowCount())

    def _on_table_activated(self, index: QModelIndex) -> None:
        if (customer_id := index.data(Role.Id)) is not None:
            self.show_customer(int(customer_id))

    def _on_currency_combo_changed(self, _: int) -> None:
        self._show_currency()
        self._show_items()

    def _on_result(self, token: int, cid: int | None, report: AgingReport | BaseException) -> None:
        if isinstance(report, BaseException):
            text = _fill(self.tr("Could not load the aging: %1"), error_text(report))
            self.status_label.setText(text)
            self.status_label.setStyleSheet(f"color: {NEGATIVE}")
            return
        if token != self._generation:
            return  # an older query finished after a newer one started
        if cid is not None:
            if cid == self._detail_customer:
                self._items = report
                self._show_items()
                self.items_loaded.emit()
            return
        self._report = report
        self.status_label.setStyleSheet("")
        codes = [c.currency for c in report.currencies]
        wanted = (self.currency_combo.currentText(), self._base_currency, *codes[:1])
        chosen = next((c for c in wanted if c in codes), None)
        self.currency_combo.blockSignals(True)  # the currency is shown once, below
        self.currency_combo.clear()
        self.currency_combo.addItems(codes)
        self.currency_combo.setCurrentIndex(codes.index(chosen) if chosen else -1)
        self.currency_combo.blockSignals(False)
        self.currency_combo.setVisible(len(codes) > 1)
        self.currency_label.setVisible(len(codes) > 1)
        self._show_currency()
        self.loaded.emit()

    def _show_currency(self) -> None:
        report = self._report
        if report is None:
            return
        aging = self.currency()
        ccy = aging.currency if aging else report.base_currency
        totals = aging.totals if aging else [Money.zero(ccy)] * len(report.buckets)
        rows = aging.by_customer if aging else []
        self.model.set_rows(rows, report.buckets)
        self._fill_summary(report.buckets, [*totals, Money.sum(totals, ccy)], ccy)
        self.chart.set_values(report.buckets, totals)
        self.base_label.setVisible(len(report.currencies) > 1 or ccy != report.base_currency)
        base = (report.base_currency, format_money(report.base_total))
        self.base_label.setText(_fill(self.tr("All currencies in %1: %2"), *base))
        as_of, count = report.as_of.isoformat(), len({r.customer_id for r in rows})
        empty = _fill(self.tr("Nothing is open as of %1."), as_of)
        some = _fill(self.tr("%n customer(s) with open items as of %1", "", count), as_of)
        self.status_label.setText(some if aging else empty)
        self.count_changed.emit(self.proxy.rowCount())
        self._size_columns()

    def _fill_summary(self, labels: list[str], amounts: list[Money], ccy: str) -> None:
        # One rich-text label: a two-row table of captions over right-aligned amounts.
        headers = [*(bucket_header(label) for label in labels), _fill(self.tr("Total (%1)"), ccy)]
        self.summary_values = [format_money(m) for m in amounts]
        pad = "align='right' style='padding: 1px 0 1px 28px;"
        cells = "".join(f"<td {pad} color:gray'>{escape(h)}</td>" for h in headers)
        values = "".join(
            f"<td {pad} color:{NEGATIVE if m.minor < 0 else 'inherit'}'><b>{text}</b></td>"
            for m, text in zip(amounts, self.summary_values, strict=True)
        )
        self.summary_label.setText(
            f"<table cellspacing='0' cellpadding='0'><tr>{cells}</tr><tr>{values}</tr></table>"
        )

    def _show_items(self) -> None:
        report, code = self._items, self.currency_combo.currentText()
        if report is None:
            return
        aging = report.currency(code) if code else None
        aging = aging or (report.currencies[0] if report.currencies else None)
        rows = aging.by_item if aging else []
        self.items_model.set_rows(rows, report.buckets)
        if aging is None or not rows:
            self.detail_title.setText(self.tr("This customer has nothing open."))
            return
        text = self.tr("Open items of %1 %2 (%3): %4, %5 open")
        head, count = rows[0], self.tr("%n item(s)", "", len(rows))
        args = (head.customer_code, head.customer_name, aging.currency, count)
        self.detail_title.setText(_fill(text, *args, format_money(aging.total)))


def _table_view(model: Any) -> QTableView:
    table = QTableView(alternatingRowColors=True, wordWrap=False)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setHighlightSections(False)
    return table
