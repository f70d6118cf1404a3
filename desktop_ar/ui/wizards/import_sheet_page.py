"""Step 2 of the import wizard: the sheet, and the row that holds the column names.

The grid shows the sheet's first rows as Excel does (A, B, C… / 1, 2, 3…). The header row found
automatically is highlighted; clicking another row, or the spin box, moves it. Rows above the
header (titles, banners) are greyed: they are not imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.services.import_templates import list_templates
from desktop_ar.services.imports import preview_sheet
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.import_page_base import ERROR_STYLE, NOTE_STYLE, ImportPage
from desktop_ar.ui.wizards.import_tables import SheetGridModel

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.import_reading import SheetPreview
    from desktop_ar.services.import_templates import TemplateInfo
    from desktop_ar.ui.wizards.import_flow import ImportFlow


class ImportSheetPage(ImportPage):
    """Sheet combo, header-row spin box and the preview grid."""

    step = Step.SHEET

    def __init__(self, *, ctx: ServiceContext, flow: ImportFlow, parent: QWidget | None = None):
        super().__init__(ctx=ctx, flow=flow, parent=parent)
        self.setTitle(self.tr("Sheet and header row"))
        self.setSubTitle(
            self.tr(
                "The highlighted row holds the column names. If it is the wrong one, click the "
                "right row or change the number."
            )
        )
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.setObjectName("sheetCombo")
        self.sheet_combo.setMinimumContentsLength(20)
        sheet_label = QLabel(self.tr("&Sheet:"), self)
        sheet_label.setBuddy(self.sheet_combo)
        self.header_spin = QSpinBox(self)
        self.header_spin.setObjectName("headerSpin")
        self.header_spin.setMinimum(0)
        self.header_spin.setSpecialValueText("—")  # 0: no header row chosen yet
        header_label = QLabel(self.tr("&Header row:"), self)
        header_label.setBuddy(self.header_spin)
        top = QHBoxLayout()
        top.addWidget(sheet_label)
        top.addWidget(self.sheet_combo)
        top.addSpacing(24)
        top.addWidget(header_label)
        top.addWidget(self.header_spin)
        top.addStretch(1)

        self.model = SheetGridModel(self)
        self.grid = QTableView(self)
        self.grid.setObjectName("sheetGrid")
        self.grid.setModel(self.model)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setWordWrap(False)
        self.grid.horizontalHeader().setDefaultSectionSize(120)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        rows = self.grid.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.grid.fontMetrics().height() + 8)
        self.grid.setToolTip(self.tr("Click the row that holds the column names"))

        self.reasons_label = QLabel(self)
        self.reasons_label.setObjectName("reasonsLabel")
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setStyleSheet(NOTE_STYLE)
        self.reasons_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.reasons_label)
        layout.addWidget(self.message)

        self.sheet_combo.currentIndexChanged.connect(self._on_sheet_combo_current_index_changed)
        self.header_spin.valueChanged.connect(self._on_header_spin_value_changed)
        # Clicking a row, or moving to it with the arrow keys, makes it the header row.
        self._syncing = False
        self.grid.selectionModel().currentRowChanged.connect(self._on_grid_current_row_changed)

    def initializePage(self) -> None:
        self._show_preview()
        # After QWizard has focused the page's first field: arrows then move the header row.
        QTimer.singleShot(0, self.grid.setFocus)

    def cleanupPage(self) -> None:
        self.forget_pending()  # a sheet still loading must not land after going back

    # ---- showing ---------------------------------------------------------------------------------

    def _show_preview(self) -> None:
        preview = self.flow.preview
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        if preview is not None:
            for info in preview.sheets:
                text = (
                    info.name if info.visible else self.tr("%1 (hidden)").replace("%1", info.name)
                )
                self.sheet_combo.addItem(text, info.name)
            self.sheet_combo.setCurrentIndex(max(0, self.sheet_combo.findData(preview.sheet)))
        self.sheet_combo.setEnabled(self.sheet_combo.count() > 1)
        self.sheet_combo.blockSignals(False)
        rows = self.flow.rows
        self._syncing = True
        try:
            self.model.set_rows(rows, self.flow.header_row)
        finally:
            self._syncing = False
        self.header_spin.blockSignals(True)
        self.header_spin.setMaximum(max(1, len(rows)))
        self.header_spin.setValue(self.flow.header_row or 0)
        self.header_spin.blockSignals(False)
        self._show_header()

    def _show_header(self) -> None:
        flow = self.flow
        self.model.set_header_row(flow.header_row)
        if flow.header_row is not None:
            index = self.model.index(flow.header_row - 1, 0)
            self._syncing = True
            try:
                self.grid.selectRow(flow.header_row - 1)
            finally:
                self._syncing = False
            self.grid.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        preview = flow.preview
        lines = []
        if flow.header_template is not None:
            text = self.tr("Row %1, as the saved template “%2” says.")
            lines.append(
                text.replace("%1", str(flow.header_row)).replace("%2", flow.header_template)
            )
        elif preview is not None and flow.header_row == preview.header_row:
            lines.append(self.tr("Found automatically:") + " " + "; ".join(preview.reasons))
        elif flow.header_row is not None:
            lines.append(self.tr("Row %1, as you chose.").replace("%1", str(flow.header_row)))
        elif preview is not None:
            lines.append("; ".join(preview.reasons))
        if preview is not None and preview.notes:
            lines.extend(preview.notes)
        self.reasons_label.setText("\n".join(lines))
        if flow.header_row is None:
            self.show_message(self.tr("No header row was found: click the row with the names."))
        elif not flow.header_ok():
            text = self.tr("Row %1 is empty: choose the row with the column names.")
            self.show_message(text.replace("%1", str(flow.header_row)), ERROR_STYLE)
        else:
            self.show_message("")
        self.refresh_complete()

    # ---- slots -------------------------------------------------------------------------------

    def _on_sheet_combo_current_index_changed(self, index: int) -> None:
        name = self.sheet_combo.itemData(index)
        flow, ctx = self.flow, self.ctx
        if name is None or flow.path is None or flow.kind is None or name == flow.sheet:
            return
        path, kind = flow.path, flow.kind
        self.run_query(
            lambda: (preview_sheet(ctx, path, kind, sheet=name), list_templates(ctx, kind)),
            self._on_sheet_read,
        )

    def _on_sheet_read(self, answer: tuple[SheetPreview, list[TemplateInfo]]) -> None:
        self.flow.set_preview(*answer)
        self._show_preview()

    def _on_header_spin_value_changed(self, value: int) -> None:
        self.flow.set_header_row(value or None)
        self._show_header()

    def _on_grid_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        self.header_spin.setValue(current.row() + 1)  # → _on_header_spin_value_changed
