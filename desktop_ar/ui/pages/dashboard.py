"""The Dashboard page (数据看板): key figures, aging and monthly charts, the top debtors.

The figures come from ``services.analysis.dashboard`` on the database thread. The balances are
at the window's as-of date; the period figures and the monthly chart use the period chosen here
(by default the 12 months up to the as-of date).
"""

from __future__ import annotations

import re
import weakref
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.money import Money
from desktop_ar.services.analysis.dashboard import Dashboard, Figure, dashboard, default_period
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_money, format_pct
from desktop_ar.ui.i18n import interface_is_chinese
from desktop_ar.ui.models.aging_model import bucket_header, tabular_font
from desktop_ar.ui.tasks import QueryOp
from desktop_ar.ui.widgets.dashboard_charts import (
    COLLECTED_COLOUR,
    INVOICED_COLOUR,
    BarChartView,
)
from desktop_ar.ui.widgets.date_field import DateField

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext

__all__ = ["TILE_KEYS", "DashboardPage", "interface_is_chinese"]

NEGATIVE = "#c62828"
RELOAD_DELAY_MS = 300
_CHANGES = ("everything", "settings", "invoices", "payments", "credit_notes", "customers")
TILE_KEYS = (
    "receivable",
    "overdue_share",
    "dso",
    "cei",
    "average_days_to_pay",
    "collection_rate",
    "unpaid_orders_share",
)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _fill(template: str, *args: object) -> str:
    """Put arguments into a translated ``%1 … %n`` template in one pass."""
    return re.sub(r"%(\d)", lambda m: str(args[int(m[1]) - 1]), template)


class _Tile(QFrame):
    """One key figure: a big number over a small caption; the definition is the tooltip."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, frameShape=QFrame.Shape.StyledPanel)
        self.value_label = QLabel("–", alignment=Qt.AlignmentFlag.AlignCenter)
        font = tabular_font(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        self.value_label.setFont(font)
        self.caption_label = QLabel(caption, alignment=Qt.AlignmentFlag.AlignCenter)
        self.caption_label.setWordWrap(True)
        self.caption_label.setStyleSheet("color: gray")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        self.setMinimumWidth(self.value_label.fontMetrics().horizontalAdvance("000,000,000.00"))


class DashboardPage(QWidget):
    """Key figures at the as-of date, the aging and monthly charts and the top debtors."""

    loaded = Signal()  # a dashboard is on screen (tests and screenshots wait for it)
    count_changed = Signal(int)

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._as_of = as_of
        self._generation = 0  # a slower, older query must not overwrite a newer result
        self._stale = True
        self.data: Dashboard | None = None
        self.queries = 0  # how many queries were started (tests)
        self._timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._build(*default_period(as_of))
        self.from_field.date_changed.connect(self._schedule)
        self.to_field.date_changed.connect(self._schedule)
        self.refresh_button.clicked.connect(self.refresh)

    def _build(self, start: date, end: date) -> None:
        self.from_field = DateField(start)
        self.to_field = DateField(end)
        for field in (self.from_field, self.to_field):
            field.setMaximumWidth(field.fontMetrics().horizontalAdvance("0000-00-00") + 48)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.as_of_label = QLabel()
        bar = QHBoxLayout()
        period = QLabel(self.tr("&Period"))
        period.setBuddy(self.from_field)
        for widget in (period, self.from_field, QLabel(self.tr("to")), self.to_field):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.as_of_label)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)
        self.status_label = QLabel(wordWrap=True)

        captions = {
            "receivable": self.tr("Total receivable"),
            "overdue_share": self.tr("Overdue share"),
            "dso": self.tr("DSO (days)"),
            "cei": self.tr("CEI"),
            "average_days_to_pay": self.tr("Average days to pay"),
            "collection_rate": self.tr("Collection rate"),
            "unpaid_orders_share": self.tr("Unpaid orders"),
        }
        self.captions = captions
        self.tiles = {key: _Tile(captions[key]) for key in TILE_KEYS}
        tiles = QGridLayout()
        tiles.setSpacing(8)
        for col, key in enumerate(TILE_KEYS):
            tiles.addWidget(self.tiles[key], 0, col)
            tiles.setColumnStretch(col, 1)

        self.aging_chart = BarChartView(self.tr("Aging (base currency)"))
        self.monthly_chart = BarChartView(self.tr("Invoiced vs collected per month"))
        charts = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        charts.addWidget(self.aging_chart)
        charts.addWidget(self.monthly_chart)
        charts.setSizes([400, 700])

        self.debtors_title = QLabel(self.tr("Top 10 debtors"))
        self.debtors = QTableWidget(0, 4, alternatingRowColors=True, wordWrap=False)
        self.debtors.setHorizontalHeaderLabels(
            [self.tr("Code"), self.tr("Customer"), self.tr("Balance"), self.tr("Overdue")]
        )
        self.debtors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.debtors.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.debtors.verticalHeader().hide()
        self.debtors.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.debtors.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        amount = self.fontMetrics().horizontalAdvance("-000,000,000.00") + 24
        for col, width in ((0, 90), (2, amount), (3, amount)):
            self.debtors.setColumnWidth(col, width)
        for col in (2, 3):
            self.debtors.horizontalHeaderItem(col).setTextAlignment(_RIGHT)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.debtors_title)
        lower_layout.addWidget(self.debtors)
        split = QSplitter(Qt.Orientation.Vertical, childrenCollapsible=False)
        split.addWidget(charts)
        split.addWidget(lower)
        split.setSizes([420, 380])

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(tiles)
        layout.addWidget(self.status_label)
        layout.addWidget(split, 1)
        self._show_as_of()

    # -- page protocol -------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("Dashboard")

    def as_of(self) -> date:
        return self._as_of

    def period(self) -> tuple[date | None, date | None]:
        return self.from_field.value(), self.to_field.value()

    def set_as_of(self, as_of: date) -> None:
        """Follow the window's as-of date; a default period moves along with it."""
        moved = self.period() == default_period(self._as_of)
        self._as_of = as_of
        self._show_as_of()
        if moved:
            start, end = default_period(as_of)
            for field, value in ((self.from_field, start), (self.to_field, end)):
                field.set_value(value)  # schedules the reload, once, below
        self._schedule()

    def row_count(self) -> int:
        return self.debtors.rowCount()

    def on_changes(self, changes: Changes) -> None:
        """Reload after a mutation if visible, otherwise when next shown."""
        if any(getattr(changes, name, False) for name in _CHANGES):
            self._stale = True
            if self.isVisible():
                self.refresh()

    def refresh(self) -> None:
        """Query the dashboard for the as-of date and the period on screen."""
        self._timer.stop()
        start, end = self.period()
        if start is None or end is None or start > end:
            self._show_error(self.tr("Enter a period: a start date on or before the end date."))
            return
        self._stale = False
        self._generation += 1
        self.queries += 1
        self.status_label.setStyleSheet("")
        self.status_label.setText(self.tr("Loading…"))
        ctx, as_of, token, ref = self._ctx, self._as_of, self._generation, weakref.ref(self)

        def work() -> Dashboard:
            return dashboard(ctx, as_of, start, end)

        def deliver(result: Dashboard | BaseException) -> None:
            page = ref()
            if page is not None and shiboken6.isValid(page):
                page._on_result(token, result)

        # No parent and a weak reference: the page must never be freed on the database thread.
        QueryOp(None, work).success(deliver).failure(deliver).run()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # -- internals -----------------------------------------------------------------------------

    def _schedule(self, *_: Any) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def _show_as_of(self) -> None:
        self.as_of_label.setText(_fill(self.tr("Balances as of %1"), self._as_of.isoformat()))

    def _show_error(self, text: str) -> None:
        self.status_label.setStyleSheet(f"color: {NEGATIVE}")
        self.status_label.setText(text)

    def _on_result(self, token: int, result: Dashboard | BaseException) -> None:
        if token != self._generation:
            return  # an older query finished after a newer one started
        if isinstance(result, BaseException):
            self._show_error(_fill(self.tr("Could not load the dashboard: %1"), error_text(result)))
            return
        self.data = result
        self.status_label.setText(
            _fill(
                self.tr("Period %1 to %2; amounts in %3."),
                result.date_from.isoformat(),
                result.date_to.isoformat(),
                result.base_currency,
            )
        )
        self._show_tiles(result)
        self._show_charts(result)
        self._show_debtors(result)
        self.count_changed.emit(self.debtors.rowCount())
        self.loaded.emit()

    def figure_text(self, figure: Figure) -> str:
        """The tile text of a figure; "Not available" when it is undefined."""
        value = figure.value
        if value is None:
            return self.tr("Not available")
        if isinstance(value, Money):
            return format_money(value)
        if figure.unit == "percent":
            return format_pct(value)
        return _fill(self.tr("%1 d"), f"{Decimal(value).quantize(Decimal('0.1')):f}")

    def _show_tiles(self, data: Dashboard) -> None:
        chinese = interface_is_chinese()
        for key, tile in self.tiles.items():
            figure = data.figure(key)
            tile.value_label.setText(self.figure_text(figure))
            unavailable = figure.value is None
            tile.value_label.setStyleSheet("color: gray" if unavailable else "")
            definition = figure.definition_zh if chinese else figure.definition_en
            caption = self.captions[key]
            if key == "receivable":
                caption = f"{caption} ({data.base_currency})"
            elif key == "overdue_share":
                overdue = data.figure("overdue").value
                if isinstance(overdue, Money):
                    caption = _fill(self.tr("%1 (%2 overdue)"), caption, format_money(overdue))
            tile.caption_label.setText(caption)
            tile.setToolTip(definition)

    def _show_charts(self, data: Dashboard) -> None:
        labels = [bucket_header(label) for label in data.bucket_labels]
        self.aging_chart.set_data(
            labels, [(self.tr("Receivable"), "#fb8c00", data.bucket_totals)], legend=False
        )
        months = [
            p.month.strftime("%Y-%m") if len(data.months) <= 12 else _short(p.month)
            for p in data.months
        ]
        self.monthly_chart.set_data(
            months,
            [
                (self.tr("Invoiced"), INVOICED_COLOUR, [p.invoiced for p in data.months]),
                (self.tr("Collected"), COLLECTED_COLOUR, [p.collected for p in data.months]),
            ],
        )

    def _show_debtors(self, data: Dashboard) -> None:
        table = self.debtors
        table.setRowCount(len(data.top_debtors))
        font = tabular_font(self.font())
        for row, debtor in enumerate(data.top_debtors):
            cells = [debtor.code, debtor.name, format_money(debtor.balance)]
            cells.append(format_money(debtor.overdue))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col >= 2:
                    item.setTextAlignment(_RIGHT)
                    item.setFont(font)
                if col == 1:
                    item.setToolTip(text)
                table.setItem(row, col, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        names = [table.fontMetrics().horizontalAdvance(d.name) for d in data.top_debtors]
        header.setMinimumSectionSize(60)
        table.setMinimumWidth(90 + max(names, default=200) + 2 * table.columnWidth(2) + 24)


def _short(month: date) -> str:
    """A compact month label for a long period: ``25-07``."""
    return month.strftime("%y-%m")
