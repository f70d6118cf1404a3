"""Credit grades… (信用等级): every customer's grade, its score's components, store it, hold.

The grades are computed on the database thread (``services.credit_grades.compute_grades``);
selecting a customer shows the score's components below. "Save grades" stores them and
"Apply credit holds" holds and releases customers by the overdue rule; both need the
``change_credit`` permission — other roles see a note and the buttons disabled.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.services.credit_grades import compute_grades, recompute_grades
from desktop_ar.services.credit_policy import apply_credit_holds
from desktop_ar.services.permissions import can
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.formatting import format_date, format_money
from desktop_ar.ui.models.bank_models import reasons_language
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp

if TYPE_CHECKING:
    from desktop_ar.domain.money import Money
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.credit_grades import GradeView, RecomputeResult
    from desktop_ar.services.credit_policy import HoldRun

_GEOMETRY = "dialogs/credit_grades/geometry"
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
NOTE_STYLE = "color: palette(mid);"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _cell(text: str, sort: Any = None, *, right: bool = False) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    item.setData(text if sort is None else sort, SORT_ROLE)
    if right:
        item.setTextAlignment(_RIGHT)
    return item


def _money_cell(m: Money) -> QStandardItem:
    return _cell(format_money(m), m.minor, right=True)


class CreditGradesDialog(QDialog):
    """Customers' credit grades with their score's components; save grades, apply holds."""

    loaded = Signal(int)  # customers listed
    saved = Signal(object)  # RecomputeResult
    holds_applied = Signal(object)  # HoldRun

    def __init__(self, *, ctx: ServiceContext, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("creditGradesDialog")
        self.setWindowTitle(self.tr("Credit grades"))
        self.ctx = ctx
        self.as_of = as_of
        self.may_change = can(ctx, "change_credit")
        self.grades: list[GradeView] = []
        self._busy = False
        self._message = ""  # shown once the grades are listed again (after saving)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setPlaceholderText(self.tr("Code or name"))
        self.filter_edit.setClearButtonEnabled(True)
        filter_label = QLabel(self.tr("&Filter"), self)
        filter_label.setBuddy(self.filter_edit)
        as_of_label = QLabel(self.tr("As of %1").replace("%1", format_date(as_of)), self)
        top = QHBoxLayout()
        top.addWidget(filter_label)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(as_of_label)

        self.model = QStandardItemModel(0, 8, self)
        # Translators: column titles separated by "|" (keep the eight parts).
        columns = self.tr(
            "Code|Customer|Grade|Score|Current grade|Credit limit|Suggested limit|Exposure"
        )
        self.model.setHorizontalHeaderLabels(columns.split("|"))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView(self)
        self.table.setObjectName("gradesTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_components())
        self.filter_edit.textChanged.connect(self._filter)

        self.detail_label = QLabel(self)
        self.detail_label.setObjectName("detailLabel")
        self.detail_label.setWordWrap(True)
        # Translators: column titles separated by "|" (keep the three parts).
        columns = self.tr("Component|Value|Points")
        self.components = QTableWidget(0, 3, self)
        self.components.setObjectName("componentsTable")
        self.components.setHorizontalHeaderLabels(columns.split("|"))
        self.components.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.components.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.components.verticalHeader().setVisible(False)
        c_header = self.components.horizontalHeader()
        c_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        c_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_label)
        detail_layout.addWidget(self.components, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setSizes([420, 200])

        self.note = QLabel(self)
        self.note.setObjectName("roleNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        note = self.tr("Your role (%1) may review the grades but not save them or apply holds.")
        self.note.setText(note.replace("%1", ctx.role))
        self.note.setVisible(not self.may_change)
        self.info_label = QLabel(self)
        self.info_label.setObjectName("infoLabel")
        self.info_label.setWordWrap(True)
        self.save_button = self._button(self.tr("&Save grades"), "saveGradesButton")
        self.save_button.clicked.connect(self.save_grades)
        self.holds_button = self._button(self.tr("Apply credit &holds"), "applyHoldsButton")
        self.holds_button.clicked.connect(self.apply_holds)
        self.close_button = self._button(self.tr("Close"), "closeButton")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.info_label, 1)
        for b in (self.save_button, self.holds_button, self.close_button):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.resize(1000, 660)
        geometry = app_settings().value(_GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._update_buttons()
        self.filter_edit.setFocus()
        self.refresh()

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        return button

    def _update_buttons(self) -> None:
        enabled = self.may_change and not self._busy
        self.save_button.setEnabled(enabled and bool(self.grades))
        self.holds_button.setEnabled(enabled)

    # ---- reading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Compute every customer's grade (on the database thread)."""
        ctx, as_of = self.ctx, self.as_of
        self.info_label.setText(self.tr("Computing grades…"))
        QueryOp(self, lambda: compute_grades(ctx, as_of)).success(self._on_loaded).failure(
            self._on_failed
        ).run()

    def _on_failed(self, exc: BaseException) -> None:
        from desktop_ar.ui.errors import error_text

        self._busy = False
        self.info_label.setText(error_text(exc))
        self._update_buttons()

    def _on_loaded(self, grades: list[GradeView]) -> None:
        current = self.current_grade()
        keep = current.customer_id if current is not None else None
        self.grades = grades
        self.model.removeRows(0, self.model.rowCount())
        for row, g in enumerate(grades):
            first = _cell(g.customer_code)
            first.setData(row, Qt.ItemDataRole.UserRole)
            self.model.appendRow(
                [
                    first,
                    _cell(g.customer_name),
                    _cell(g.grade),
                    _cell(str(g.score), g.score, right=True),
                    _cell(g.current_grade or "—", g.current_grade),
                    _money_cell(g.credit_limit),
                    _money_cell(g.suggested_limit),
                    _money_cell(g.exposure),
                ]
            )
        listed = self.tr("%1 customer(s) graded.").replace("%1", str(len(grades)))
        self.info_label.setText(self._message or listed)
        self._message = ""
        self._select(keep)
        self._update_buttons()
        self.loaded.emit(len(grades))

    def _select(self, customer_id: int | None) -> None:
        for r in range(self.proxy.rowCount()):
            g = self._grade_at(r)
            if customer_id is None or (g is not None and g.customer_id == customer_id):
                self.table.setCurrentIndex(self.proxy.index(r, 0))
                return
        self._show_components()

    def _grade_at(self, proxy_row: int) -> GradeView | None:
        index = self.proxy.index(proxy_row, 0)
        row = index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
        return self.grades[row] if row is not None and row < len(self.grades) else None

    def current_grade(self) -> GradeView | None:
        """The selected customer's grade, None when nothing is selected."""
        index = self.table.currentIndex()
        return self._grade_at(index.row()) if index.isValid() else None

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        self._show_components()

    def _show_components(self) -> None:
        g = self.current_grade()
        self.components.setRowCount(0)
        if g is None:
            self.detail_label.setText(self.tr("Select a customer to see its score's components."))
            return
        text = self.tr("%1  %2 — grade %3, score %4 of 100")
        for i, value in enumerate((g.customer_code, g.customer_name, g.grade, str(g.score)), 1):
            text = text.replace(f"%{i}", value)
        self.detail_label.setText(text)
        lang = reasons_language()
        self.components.setRowCount(len(g.components))
        for r, c in enumerate(g.components):
            cells = (c.label(lang), c.value, f"{c.points} / {c.max_points}")
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if col:
                    item.setTextAlignment(_RIGHT)
                self.components.setItem(r, col, item)

    # ---- writing ------------------------------------------------------------------------------

    def save_grades(self) -> None:
        """Store every customer's grade and score (on the database thread)."""
        if self._busy or not self.may_change:
            return
        ctx, as_of = self.ctx, self.as_of
        self._start(self.tr("Saving grades…"))
        BackgroundOp(self, lambda _p: recompute_grades(ctx, as_of)).success(self._on_saved).failure(
            self._on_failed
        ).with_progress(self.tr("Saving grades…")).run()

    def _on_saved(self, outcome: tuple[RecomputeResult, Any]) -> None:
        result = outcome[0]
        self._busy = False
        text = self.tr("Grades saved: %1 customer(s) scored, %2 changed.")
        text = text.replace("%1", str(result.scored)).replace("%2", str(result.changed))
        self.refresh()
        self._message = text
        self.saved.emit(result)

    def apply_holds(self) -> None:
        """Hold and release customers by the overdue rule (on the database thread)."""
        if self._busy or not self.may_change:
            return
        ctx, as_of = self.ctx, self.as_of
        self._start(self.tr("Applying credit holds…"))
        BackgroundOp(self, lambda _p: apply_credit_holds(ctx, as_of)).success(
            self._on_holds
        ).failure(self._on_failed).with_progress(self.tr("Applying credit holds…")).run()

    def _on_holds(self, outcome: tuple[HoldRun, Any]) -> None:
        run = outcome[0]
        self._busy = False
        self._update_buttons()
        text = self.tr("Credit holds applied: %1 customer(s) held, %2 released.")
        text = text.replace("%1", str(len(run.held))).replace("%2", str(len(run.released)))
        held = ", ".join(t.customer_code for t in run.held)
        if held:
            text += " " + self.tr("Held: %1.").replace("%1", held)
        self.info_label.setText(text)
        self.holds_applied.emit(run)

    def _start(self, text: str) -> None:
        self._busy = True
        self.info_label.setText(text)
        self._update_buttons()

    def on_changes(self, changes: Changes) -> None:
        """Pass the saved changes on to the window that opened the dialog."""
        forward_changes(self, changes)

    def done(self, result: int) -> None:
        app_settings().setValue(_GEOMETRY, self.saveGeometry())
        super().done(result)
