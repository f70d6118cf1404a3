"""Payment exceptions (付款异常): the queue on the left, the selected exception on the right."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QSplitter, QWidget

from desktop_ar.services.lists import ListSource
from desktop_ar.services.lists.exceptions import exceptions as exception_list
from desktop_ar.ui.models.cells import ColumnSpec
from desktop_ar.ui.pages.base import ListPage
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.widgets.exception_panel import ExceptionPanel

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

EXCEPTION_COLUMNS: list[ColumnSpec] = [
    ColumnSpec("detected_on", QT_TRANSLATE_NOOP("columns", "Detected"), "date", "detected_on", 88),
    ColumnSpec("kind", QT_TRANSLATE_NOOP("columns", "Exception"), "label", "kind", 140),
    ColumnSpec("status", QT_TRANSLATE_NOOP("columns", "Status"), "status", "status", 80),
    ColumnSpec("party", QT_TRANSLATE_NOOP("columns", "Customer / payer"), "text", "customer", 180),
    ColumnSpec("amount.currency", QT_TRANSLATE_NOOP("columns", "Ccy"), "text", None, 40),
    ColumnSpec("amount", QT_TRANSLATE_NOOP("columns", "Amount"), "money", "amount", 100),
    ColumnSpec("owner", QT_TRANSLATE_NOOP("columns", "Owner"), "text", "owner", 84),
    ColumnSpec("payment_number", QT_TRANSLATE_NOOP("columns", "Payment"), "text", None, 92),
    ColumnSpec("invoice_number", QT_TRANSLATE_NOOP("columns", "Invoice"), "text", None, 92),
    ColumnSpec("cause", QT_TRANSLATE_NOOP("columns", "Cause"), "text", None, 360),
    ColumnSpec("customer_code", QT_TRANSLATE_NOOP("columns", "Customer"), "text", None, 76),
]


class ExceptionsPage(ListPage):
    """The exceptions queue: short, over, late, unidentified, duplicate, on disputed invoices."""

    name = "exceptions"
    default_sort = ("detected_on", True)
    columns = EXCEPTION_COLUMNS
    # Postings raise exceptions and working one changes its payment's row: both re-query.
    refreshed_by = frozenset({"payments"})

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(ctx, as_of=as_of, parent=parent)
        self.filter_bar.edit.setPlaceholderText(self.tr("Search cause, customer or payment…"))
        self.panel = ExceptionPanel(ctx, parent=self)
        self.panel.setObjectName("exceptionPanel")
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        layout = self.layout()
        layout.removeWidget(self.view)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([820, 420])
        layout.addWidget(self.splitter, 1)
        state = app_settings().value(f"pages/{self.name}/splitter")
        if state:
            self.splitter.restoreState(state)
        self.current_changed.connect(self._on_current_changed)
        self.activated.connect(self._on_activated)

    def list_source(self) -> ListSource:
        return exception_list

    def title(self) -> str:
        return self.tr("Exceptions")

    def refresh(self) -> None:
        index = self.view.currentIndex()
        row = index.row() if index.isValid() else -1
        super().refresh()
        if self.current_id() is not None or self.panel.exception_id() is None:
            return
        # The worked exception left the list (resolved, filtered out): go on with the one that
        # took its place, so the queue is worked through from top to bottom.
        if row >= 0 and self.row_count():
            self.select_row(min(row, self.row_count() - 1))
        else:
            self.panel.show_exception(None)

    def _apply(self, kind: str) -> None:
        super()._apply(kind)
        if self.panel.exception_id() is not None:
            self.panel.reload()

    def save_state(self) -> None:
        super().save_state()
        app_settings().setValue(f"pages/{self.name}/splitter", self.splitter.saveState())

    def _on_current_changed(self, exception_id: int | None) -> None:
        if exception_id != self.panel.exception_id():
            self.panel.show_exception(exception_id)

    def _on_activated(self, _exception_id: int) -> None:
        # Enter on a row: straight to the next thing to do, the owner or the note box.
        self.panel.note_edit.setFocus()
