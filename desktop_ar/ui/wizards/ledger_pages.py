"""The reconcile wizard's pages: their file, sheet and header row, columns, period and side.

The sheet and column pages are the import wizard's own (``ImportSheetPage``,
``ImportMappingPage``) over a :class:`~desktop_ar.ui.wizards.ledger_flow.LedgerFlow`; they only
read the file and keep templates through the customer-reconciliation service instead of the
import services. The first and last pages are the ledger's: the file, then the period, their
side and their lines as read, with their closing balance.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.ui.dialogs.recon_common import LEDGER_SUFFIXES, NOTE_STYLE, OK_STYLE, service
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.import_mapping_page import ImportMappingPage
from desktop_ar.ui.wizards.import_page_base import ImportPage, failure_text
from desktop_ar.ui.wizards.import_sheet_page import ImportSheetPage

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.customer_ledger_reading import LedgerPreview
    from desktop_ar.ui.wizards.ledger_flow import LedgerFlow

FOLDER_KEY = "reconcile/folder"


def read_ledger(ctx: ServiceContext, flow: LedgerFlow, **kw: Any) -> Any:
    """The work function of a ledger read: ``preview_customer_ledger`` for the flow's customer."""
    path, cid, date_to = flow.path, flow.customer_id, flow.date_to
    return lambda: service().preview_customer_ledger(
        ctx, path, customer_id=cid, date_to=date_to, **kw
    )


class LedgerSourcePage(ImportPage):
    """The customer and the file of their ledger."""

    step = Step.SOURCE
    flow: LedgerFlow

    def __init__(
        self, *, ctx: ServiceContext, flow: LedgerFlow, customer_label: str, parent: QWidget
    ) -> None:
        super().__init__(ctx=ctx, flow=flow, parent=parent)
        self.setTitle(self.tr("The customer's ledger"))
        self.setSubTitle(
            self.tr(
                "Choose the file the customer sent: their ledger of what they owe us (应付账款 "
                "明细账), as Excel, OpenDocument or CSV."
            )
        )
        who = QLabel(self.tr("Customer: %1").replace("%1", customer_label), self)
        who.setObjectName("customerLabel")
        who.setStyleSheet("font-weight: bold;")
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("pathEdit")
        self.path_edit.setPlaceholderText(self.tr("Type a path and press Enter, or browse"))
        self.path_edit.setClearButtonEnabled(True)
        file_label = QLabel(self.tr("&File:"), self)
        file_label.setBuddy(self.path_edit)
        self.browse_button = QPushButton(self.tr("&Browse…"), self)
        self.browse_button.setObjectName("browseButton")
        row = QHBoxLayout()
        row.addWidget(file_label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        formats = QLabel(" ".join(s.lstrip("*") for s in LEDGER_SUFFIXES), self)
        formats.setStyleSheet(NOTE_STYLE)
        self.found_label = QLabel(self)
        self.found_label.setObjectName("foundLabel")
        self.found_label.setWordWrap(True)
        how = QLabel(
            self.tr(
                "Next: the sheet and its header row, the columns, then the period. Their lines "
                "are paired with ours by document number, then by amount and date; what is only "
                "ours, only theirs, of another amount or still in transit is listed for you to "
                "resolve with a note, a credit note, a payment or a dispute."
            ),
            self,
        )
        how.setWordWrap(True)
        how.setStyleSheet(NOTE_STYLE)
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addWidget(formats)
        layout.addSpacing(8)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.found_label)
        layout.addWidget(self.message)
        layout.addSpacing(16)
        layout.addWidget(how)
        layout.addStretch(1)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.path_edit.editingFinished.connect(self._on_path_edit_editing_finished)

    def _on_browse_button_clicked(self) -> None:
        folder = str(app_settings().value(FOLDER_KEY, "") or "")
        if not folder:
            location = QStandardPaths.StandardLocation.DocumentsLocation
            folder = QStandardPaths.writableLocation(location)
        filters = ";;".join(
            [
                self.tr("Spreadsheets and CSV (%1)").replace("%1", " ".join(LEDGER_SUFFIXES)),
                self.tr("All files (*)"),
            ]
        )
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("The customer's ledger"), folder, filters
        )
        if name:
            app_settings().setValue(FOLDER_KEY, str(Path(name).parent))
            self.choose_file(name)

    def _on_path_edit_editing_finished(self) -> None:
        text = self.path_edit.text().strip().strip('"')
        if not text:
            self.flow.set_path(None)
            self._show_found()
        elif self.flow.path is None or Path(text) != self.flow.path or self.flow.file_error:
            self.choose_file(text)

    def choose_file(self, path: str | Path) -> None:
        """Use this file: show its path and read it (off the GUI thread)."""
        self.path_edit.setText(str(path))
        self.flow.set_path(path)
        if self.flow.path is None:
            return
        self.found_label.setStyleSheet(NOTE_STYLE)
        self.found_label.setText(self.tr("Reading %1…").replace("%1", self.flow.path.name))
        self.show_message("")
        self.run_query(read_ledger(self.ctx, self.flow), self._on_read, self._on_failed)

    def _on_read(self, ledger: LedgerPreview) -> None:
        self.flow.set_ledger(ledger)
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
        parts = [
            self.tr("%1 file").replace("%1", preview.file_kind.upper()),
            self.tr("%n sheet(s)", "", len(preview.sheets)),
        ]
        if preview.header_row is not None:
            parts.append(self.tr("header found on row %1").replace("%1", str(preview.header_row)))
        else:
            parts.append(self.tr("no header row found: choose it on the next page"))
        if flow.ledger is not None and flow.ledger.header_row is not None:
            parts.append(self.tr("%n line(s) read", "", len(flow.ledger.lines)))
            if flow.ledger.template:
                text = self.tr("saved template “%1” fits")
                parts.append(text.replace("%1", flow.ledger.template))
        self.found_label.setStyleSheet(OK_STYLE)
        self.found_label.setText(" · ".join(parts))
        self.refresh_complete()


class LedgerSheetPage(ImportSheetPage):
    """The import wizard's sheet page; another sheet is read as a ledger."""

    flow: LedgerFlow

    def _on_sheet_combo_current_index_changed(self, index: int) -> None:
        name = self.sheet_combo.itemData(index)
        if name is None or self.flow.path is None or name == self.flow.sheet:
            return
        self.run_query(read_ledger(self.ctx, self.flow, sheet=name), self._on_ledger_read)

    def _on_ledger_read(self, ledger: LedgerPreview) -> None:
        self.flow.set_ledger(ledger)
        self._show_preview()


class LedgerMappingPage(ImportMappingPage):
    """The import wizard's columns page over the ledger fields and the ledger templates."""

    flow: LedgerFlow

    def __init__(self, *, ctx: ServiceContext, flow: LedgerFlow, parent: QWidget) -> None:
        super().__init__(ctx=ctx, flow=flow, parent=parent)
        self.setSubTitle(
            self.tr(
                "Check which column holds each field: the date and either debit and credit or "
                "one signed amount are needed."
            )
        )

    def initializePage(self) -> None:
        self._build_fields()
        ctx = self.ctx
        self.run_query(lambda: service().list_ledger_templates(ctx), self._on_templates_listed)

    def _on_save_button_clicked(self) -> None:
        flow = self.flow
        if flow.mapping is None:
            return
        default = flow.template or (flow.path.stem if flow.path is not None else "")
        name, ok = QInputDialog.getText(
            self,
            self.tr("Save as template"),
            self.tr("Template name (offered again for ledgers with these headers):"),
            QLineEdit.EchoMode.Normal,
            default,
        )
        if not ok or not name.strip():
            return
        ctx, mapping, headers = self.ctx, flow.template_mapping(), flow.headers
        header_row = flow.template_header_row()
        self.save_button.setEnabled(False)
        BackgroundOp(
            self,
            lambda _progress: service().save_ledger_template(
                ctx, name, mapping, headers, header_row=header_row
            ),
        ).success(lambda _id: self._on_template_saved(name)).failure(self._on_save_failed).run()

    def _on_template_saved(self, name: str) -> None:
        self.flow.template = " ".join(name.split())
        ctx = self.ctx
        self.run_query(lambda: service().list_ledger_templates(ctx), self._on_templates_relisted)
