"""Step 1 of the import wizard: what to import, and from which file.

Choosing a file (Browse…, or typing a path and pressing Enter) reads its first rows on the
database thread; a file that cannot be read — password-protected, damaged, of a type not
supported — shows the service's sentence on the page, and Next stays disabled.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.services.import_templates import list_templates
from desktop_ar.services.imports import preview_sheet
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.wizards import import_labels
from desktop_ar.ui.wizards.import_flow import SUPPORTED_SUFFIXES, Step
from desktop_ar.ui.wizards.import_page_base import NOTE_STYLE, OK_STYLE, ImportPage, failure_text

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.import_reading import SheetPreview
    from desktop_ar.services.import_templates import TemplateInfo
    from desktop_ar.ui.wizards.import_flow import ImportFlow

FOLDER_KEY = "import/folder"


class ImportSourcePage(ImportPage):
    """Kind radio buttons, the file field and what was found in the file."""

    step = Step.SOURCE

    def __init__(self, *, ctx: ServiceContext, flow: ImportFlow, parent: QWidget | None = None):
        super().__init__(ctx=ctx, flow=flow, parent=parent)
        self.setTitle(self.tr("What do you want to import?"))
        self.setSubTitle(
            self.tr("Choose the kind of records and the Excel, OpenDocument or CSV file.")
        )
        box = QGroupBox(self.tr("Records"), self)
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        for row, kind in enumerate(flow.kinds):
            button = QRadioButton(import_labels.kind_label(kind), box)
            button.setObjectName(f"kind_{kind}")
            hint = QLabel(import_labels.kind_hint(kind), box)
            hint.setStyleSheet(NOTE_STYLE)
            hint.setWordWrap(True)
            self.kind_group.addButton(button, row)
            self.kind_buttons[kind] = button
            grid.addWidget(button, row, 0)
            grid.addWidget(hint, row, 1)
        if flow.kind in self.kind_buttons:
            self.kind_buttons[flow.kind].setChecked(True)

        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("pathEdit")
        self.path_edit.setPlaceholderText(self.tr("Type a path and press Enter, or browse"))
        self.path_edit.setClearButtonEnabled(True)
        file_label = QLabel(self.tr("&File:"), self)
        file_label.setBuddy(self.path_edit)
        self.browse_button = QPushButton(self.tr("&Browse…"), self)
        self.browse_button.setObjectName("browseButton")
        file_row = QHBoxLayout()
        file_row.addWidget(file_label)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        formats = QLabel(
            self.tr("Excel (.xlsx .xlsm .xls .xlsb), OpenDocument (.ods), CSV or text (.csv .txt)")
        )
        formats.setStyleSheet(NOTE_STYLE)
        self.found_label = QLabel(self)
        self.found_label.setObjectName("foundLabel")
        self.found_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addSpacing(12)
        layout.addLayout(file_row)
        layout.addWidget(formats)
        layout.addSpacing(8)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.found_label)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.kind_group.idToggled.connect(self._on_kind_group_id_toggled)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.path_edit.editingFinished.connect(self._on_path_edit_editing_finished)

    def initializePage(self) -> None:
        button = self.kind_buttons.get(self.flow.kind or "")
        if button is not None and not self.path_edit.text():
            button.setFocus()  # arrow keys choose the kind, Tab moves on to the file

    # ---- slots -------------------------------------------------------------------------------

    def _on_kind_group_id_toggled(self, button_id: int, checked: bool) -> None:
        if not checked:
            return
        kind = self.flow.kinds[button_id]
        if kind != self.flow.kind:
            self.flow.set_kind(kind)
            self.load()

    def _on_browse_button_clicked(self) -> None:
        folder = str(app_settings().value(FOLDER_KEY, "") or "")
        if self.flow.path is not None:
            folder = str(self.flow.path.parent)
        if not folder:
            location = QStandardPaths.StandardLocation.DocumentsLocation
            folder = QStandardPaths.writableLocation(location)
        patterns = " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES)
        filters = ";;".join(
            [self.tr("Spreadsheets and CSV (%1)").replace("%1", patterns), self.tr("All files (*)")]
        )
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a file to import"), folder, filters
        )
        if name:
            app_settings().setValue(FOLDER_KEY, str(Path(name).parent))
            self.choose_file(name)

    def _on_path_edit_editing_finished(self) -> None:
        text = self.path_edit.text().strip().strip('"')
        if not text:
            self.flow.set_path(None)
            self._show_found()
            return
        if self.flow.path is None or Path(text) != self.flow.path or self.flow.file_error:
            self.choose_file(text)

    # ---- reading the file ------------------------------------------------------------------------

    def choose_file(self, path: str | Path) -> None:
        """Use this file: show its path and read its first rows."""
        self.path_edit.setText(str(path))
        self.flow.set_path(path)
        self.load()

    def load(self) -> None:
        """Read the chosen file's first rows for the chosen kind (off the GUI thread)."""
        flow, ctx = self.flow, self.ctx
        path, kind = flow.path, flow.kind
        self._show_found()
        if path is None or kind is None:
            return
        self.found_label.setStyleSheet(NOTE_STYLE)
        self.found_label.setText(self.tr("Reading %1…").replace("%1", path.name))
        self.run_query(
            lambda: (preview_sheet(ctx, path, kind), list_templates(ctx, kind)),
            self._on_read,
            self._on_failed,
        )

    def _on_read(self, answer: tuple[SheetPreview, list[TemplateInfo]]) -> None:
        self.flow.set_preview(*answer)
        self._show_found()

    def _on_failed(self, exc: BaseException) -> None:
        self.flow.set_file_error(failure_text(exc))
        self._show_found()

    def _show_found(self) -> None:
        flow = self.flow
        self.show_message(flow.file_error or "")
        preview = flow.preview
        if preview is None:
            self.found_label.setText("")
            self.refresh_complete()
            return
        sheets = len(preview.sheets)
        hidden = sum(1 for s in preview.sheets if not s.visible)
        parts = [
            self.tr("%1 file").replace("%1", preview.file_kind.upper()),
            self.tr("%n sheet(s)", "", sheets),
        ]
        if hidden:
            parts.append(self.tr("%n hidden", "", hidden))
        if flow.header_template is not None:
            text = self.tr("header on row %1, as the template “%2” says")
            parts.append(
                text.replace("%1", str(flow.header_row)).replace("%2", flow.header_template)
            )
        elif preview.header_row is not None:
            parts.append(self.tr("header found on row %1").replace("%1", str(preview.header_row)))
        else:
            parts.append(self.tr("no header row found: choose it on the next page"))
        if preview.template is not None:
            parts.append(self.tr("saved template “%1” fits").replace("%1", preview.template.name))
        self.found_label.setStyleSheet(OK_STYLE)
        self.found_label.setText(" · ".join(parts))
        self.refresh_complete()
