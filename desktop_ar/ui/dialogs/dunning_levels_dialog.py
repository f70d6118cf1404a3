"""Dunning levels and letters… (催款级别与模板): the levels' terms and their letter/email texts.

Left: the levels (days overdue, fee, annual interest, active) in a table; the selected level is
edited in the fields below it and saved with ``update_level``. The fee is decimal text with two
decimals; the rate is typed in percent (``10`` or ``10%``) and stored as the fraction
``Decimal("0.10")`` — never through float. Right: the selected level's template
(``DunningTemplateEditor``). Switching level or closing with unsaved changes asks
Save / Discard / Cancel. Roles that may not change settings see everything read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.errors import DomainError
from desktop_ar.services import dunning_levels
from desktop_ar.services.permissions import can
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp
from desktop_ar.ui.widgets.dunning_level_form import DunningLevelForm, format_fee, format_rate
from desktop_ar.ui.widgets.dunning_placeholders import ask_unsaved
from desktop_ar.ui.widgets.dunning_template_editor import NOTE_STYLE, DunningTemplateEditor

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.dunning_levels import DunningLevelDTO

COLUMNS = 7  # level, English name, Chinese name, days overdue, fee, interest, active


class DunningLevelsDialog(QDialog):
    """The dunning levels with their fee and interest, and each level's letter and email text."""

    geometry_key = "dialogs/dunning_levels/geometry"
    splitter_key = "dialogs/dunning_levels/splitter"

    def __init__(self, *, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dunningLevelsDialog")
        self.setWindowTitle(self.tr("Dunning levels and letters"))
        self.ctx = ctx
        self.may_edit = can(ctx, "change_settings")
        self.levels: list[DunningLevelDTO] = []
        self.current: DunningLevelDTO | None = None
        self.busy = False
        self._moving = False  # set while the dialog itself moves the table's current row

        self.note = QLabel(self)
        self.note.setObjectName("readOnlyNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setText(
            self.tr(
                "Your role ({role}) may read the dunning levels and letters but not change "
                "them; ask an administrator."
            ).format(role=ctx.role)
        )
        self.note.setVisible(not self.may_edit)
        self.table = QTableWidget(0, COLUMNS, self)
        self.table.setObjectName("levelsTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Level"),
                self.tr("English name"),
                self.tr("Chinese name"),
                self.tr("Days overdue"),
                self.tr("Fee"),
                self.tr("Annual interest"),
                self.tr("Active"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(170)
        self.form = DunningLevelForm(may_edit=self.may_edit, parent=self)
        self.editor = DunningTemplateEditor(ctx=ctx, may_edit=self.may_edit, parent=self)

        levels_box = QGroupBox(self.tr("Le&vels"), self)
        levels_layout = QVBoxLayout(levels_box)
        levels_layout.addWidget(self.table, 1)
        levels_layout.addWidget(self.form)
        self.template_box = QGroupBox(self.tr("Letter and email text"), self)
        QVBoxLayout(self.template_box).addWidget(self.editor)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(levels_box)
        self.splitter.addWidget(self.template_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)  # Enter in a field saves that field's part, never closes
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.buttons)

        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_all)
        self.form.save_requested.connect(self.save_level)
        settings = app_settings()
        geometry = settings.value(self.geometry_key)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(1240, 680)
        state = settings.value(self.splitter_key)
        if not (state and self.splitter.restoreState(state)):
            self.splitter.setSizes([600, 640])
        self.table.setFocus()
        self.load()

    # ---- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        """Read the levels off the GUI thread and show them (keeping the selected level)."""
        ctx = self.ctx
        QueryOp(self, lambda: dunning_levels.list_levels(ctx)).success(self._on_loaded).failure(
            self.form.show_error
        ).run()

    def _on_loaded(self, levels: list[DunningLevelDTO]) -> None:
        keep = self.current.level if self.current is not None else None
        self.levels = list(levels)
        self._moving = True
        self.table.setRowCount(len(self.levels))
        for row, dto in enumerate(self.levels):
            self._fill_row(row, dto)
        self._fit_table_width()
        rows = [r for r, dto in enumerate(self.levels) if dto.level == keep] or [0]
        if self.levels:
            self.table.setCurrentCell(rows[0], 0)
        self._moving = False
        if self.levels:
            self._show_level(self.levels[rows[0]])

    def _fit_table_width(self) -> None:
        # The name column stretches; this keeps every column readable when the window or the
        # splitter is made narrow (the splitter stops at the table's minimum width).
        table, header = self.table, self.table.horizontalHeader()
        width = sum(
            max(table.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(COLUMNS)
        )
        scrollbar = table.verticalScrollBar().sizeHint().width()
        table.setMinimumWidth(width + 2 * table.frameWidth() + scrollbar)

    def _fill_row(self, row: int, dto: DunningLevelDTO) -> None:
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        texts = (
            str(dto.level),
            dto.name_en,
            dto.name_zh,
            str(dto.days_overdue),
            format_fee(dto.fee),
            format_rate(dto.interest_rate),
        )
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if column in (0, 3, 4, 5):
                item.setTextAlignment(right)
            self.table.setItem(row, column, item)
        active = QTableWidgetItem()
        active.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        active.setCheckState(Qt.CheckState.Checked if dto.active else Qt.CheckState.Unchecked)
        active.setToolTip(self.tr("Active") if dto.active else self.tr("Not active"))
        self.table.setItem(row, COLUMNS - 1, active)

    def _show_level(self, dto: DunningLevelDTO, *, template: bool = True) -> None:
        self.current = dto
        self.form.show_level(dto)
        self.form.set_enabled(True, busy=self.busy)
        self.template_box.setTitle(
            self.tr("Letter and email text: level {level}, {name}").format(
                level=dto.level, name=dto.name_en
            )
        )
        if template:
            self.editor.show_level(dto.level)

    # ---- switching level ---------------------------------------------------------------------

    def is_dirty(self) -> bool:
        """True when the level's fields or its template have unsaved changes."""
        return self.level_dirty() or self.editor.is_dirty()

    def level_dirty(self) -> bool:
        """True when the level's fields differ from the stored level."""
        return self.form.is_dirty()

    def _on_table_current_cell_changed(self, row: int, _c: int, old_row: int, _oc: int) -> None:
        if self._moving or row == old_row or not 0 <= row < len(self.levels):
            return
        wanted = self.levels[row]
        if not self.is_dirty():
            self._show_level(wanted)
            return
        answer = ask_unsaved(self, self.tr("Save the changes to this level first?"))
        if answer == "discard":
            self._show_level(wanted)
            return
        self._move_to(old_row)
        if answer == "save":

            def then(ok: bool) -> None:
                if ok:
                    self._move_to(self.levels.index(wanted))
                    self._show_level(wanted)

            self.save_all(then)

    def _move_to(self, row: int) -> None:
        self._moving = True
        self.table.setCurrentCell(row, 0)
        self._moving = False

    def select_level(self, level: int) -> None:
        """Make ``level`` the current row, as a click on it would (prompting when unsaved)."""
        for row, dto in enumerate(self.levels):
            if dto.level == level:
                self.table.setCurrentCell(row, 0)

    # ---- saving the level --------------------------------------------------------------------

    def save_level(self, then: Callable[[bool], None] | None = None) -> None:
        """Check the fields and save them with ``update_level``; ``then(ok)`` runs after."""
        after = then if callable(then) else (lambda _ok: None)
        dto = self.current
        if dto is None or not self.may_edit or self.busy:
            after(False)
            return
        try:
            values = self.form.values()
        except DomainError as exc:
            self.form.show_error(exc)
            after(False)
            return
        self.form.clear_error()
        ctx, level = self.ctx, dto.level
        self.busy = True
        self.form.set_enabled(True, busy=True)

        def done(result: tuple[DunningLevelDTO, Changes]) -> None:
            self.busy = False
            self._on_level_saved(result[0])
            after(True)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.form.set_enabled(True)
            self.form.show_error(exc)
            after(False)

        BackgroundOp(self, lambda _p: dunning_levels.update_level(ctx, level, **values)).success(
            done
        ).failure(failed).run()

    def _on_level_saved(self, dto: DunningLevelDTO) -> None:
        for row, old in enumerate(self.levels):
            if old.level == dto.level:
                self.levels[row] = dto
                self._fill_row(row, dto)
        if self.current is not None and self.current.level == dto.level:
            self._show_level(dto, template=False)  # the editor may hold unsaved text

    # ---- saving everything, closing ----------------------------------------------------------

    def save_all(self, then: Callable[[bool], None] | None = None) -> None:
        """Save the level (if changed), then the template (if changed); ``then(ok)`` after."""
        after = then if callable(then) else (lambda _ok: None)
        save_template = self.editor.is_dirty()

        def template_step(ok: bool) -> None:
            if not ok:
                after(False)
            elif save_template:
                self.editor.save(after)
            else:
                after(True)

        if self.level_dirty():
            self.save_level(template_step)
        else:
            template_step(True)

    def reject(self) -> None:
        if not self.is_dirty():
            super().reject()
            return
        answer = ask_unsaved(self, self.tr("Save your changes before closing?"))
        if answer == "discard":
            super().reject()
        elif answer == "save":
            self.save_all(lambda ok: super(DunningLevelsDialog, self).reject() if ok else None)

    def done(self, result: int) -> None:
        settings = app_settings()
        settings.setValue(self.geometry_key, self.saveGeometry())
        settings.setValue(self.splitter_key, self.splitter.saveState())
        super().done(result)

    def on_changes(self, changes: Changes) -> None:
        """Pass saved changes on to the window that opened the dialog."""
        forward_changes(self, changes)
