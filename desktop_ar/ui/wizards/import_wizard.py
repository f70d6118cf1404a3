"""The import wizard (File ▸ Import…, Ctrl+I): kind and file → sheet → columns → preview → done.

The pages share one :class:`~desktop_ar.ui.wizards.import_flow.ImportFlow`; this module only
assembles them, remembers the window's size and passes the commit's ``Changes`` on to the main
window so that its lists refresh. Escape while the import is being written asks it to stop (it
rolls back) instead of closing the window under it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizard

from desktop_ar.services import import_plan
from desktop_ar.services.permissions import can
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.wizards import import_labels
from desktop_ar.ui.wizards.import_flow import ImportFlow, Step
from desktop_ar.ui.wizards.import_mapping_page import ImportMappingPage
from desktop_ar.ui.wizards.import_page_base import ImportPage
from desktop_ar.ui.wizards.import_preview_page import ImportPreviewPage
from desktop_ar.ui.wizards.import_sheet_page import ImportSheetPage
from desktop_ar.ui.wizards.import_source_page import ImportSourcePage

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext

GEOMETRY_KEY = "importWizard/geometry"
MIN_SIZE = (900, 600)
DEFAULT_SIZE = (1080, 720)


class ImportResultPage(ImportPage):
    """What the commit wrote."""

    step = Step.DONE

    def __init__(self, *, ctx: ServiceContext, flow: ImportFlow, parent: QWidget | None = None):
        super().__init__(ctx=ctx, flow=flow, parent=parent)
        self.setTitle(self.tr("Imported"))
        self.setFinalPage(True)
        self.headline = QLabel(self)
        self.headline.setObjectName("headline")
        self.headline.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.details = QLabel(self)
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.details)
        layout.addStretch(1)

    def initializePage(self) -> None:
        result, flow = self.flow.result, self.flow
        if result is None or flow.kind is None:
            return
        self.setSubTitle(flow.path.name if flow.path is not None else "")
        headline = self.tr("%1: %2 created, %3 updated")
        for marker, value in (
            ("%1", import_labels.kind_label(flow.kind)),
            ("%2", str(result.created)),
            ("%3", str(result.updated)),
        ):
            headline = headline.replace(marker, value)
        self.headline.setText(headline)
        lines = [
            self.tr("Skipped (already there): %1").replace("%1", str(result.skipped)),
            self.tr("Rows with problems left out: %1").replace("%1", str(result.rejected)),
        ]
        if result.batch_id is not None:
            lines.append(self.tr("Import batch %1.").replace("%1", str(result.batch_id)))
        lines.append(self.tr("The lists show the new records now."))
        self.details.setText("\n".join(lines))

    def isComplete(self) -> bool:
        return True


class ImportWizard(QWizard):
    """Import customers, invoices, payments… from a spreadsheet, one step at a time."""

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        kind: str | None = None,
        path: str | Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle(self.tr("Import"))
        self.ctx = ctx
        # The kinds are read now, not at import time: new kinds appear without touching the UI.
        may_write = can(ctx, "import_data") and not ctx.read_only
        self.flow = ImportFlow(import_plan.IMPORT_KINDS, may_write=may_write)
        if kind is not None:
            self.flow.set_kind(kind)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoDefaultButton, False)
        self.source_page = ImportSourcePage(ctx=ctx, flow=self.flow, parent=self)
        self.sheet_page = ImportSheetPage(ctx=ctx, flow=self.flow, parent=self)
        self.mapping_page = ImportMappingPage(ctx=ctx, flow=self.flow, parent=self)
        self.preview_page = ImportPreviewPage(ctx=ctx, flow=self.flow, parent=self)
        self.result_page = ImportResultPage(ctx=ctx, flow=self.flow, parent=self)
        for page in (
            self.source_page,
            self.sheet_page,
            self.mapping_page,
            self.preview_page,
            self.result_page,
        ):
            self.setPage(int(page.step), page)
        self.setStartId(int(Step.SOURCE))
        self.setMinimumSize(*MIN_SIZE)
        geometry = app_settings().value(GEOMETRY_KEY)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(*DEFAULT_SIZE)
        if path is not None:
            self.source_page.choose_file(path)

    def on_changes(self, changes: Changes) -> None:
        forward_changes(self, changes)

    def reject(self) -> None:
        if self.preview_page.committing is not None:
            self.preview_page.cancel_commit()  # the commit rolls back, then the page says so
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.preview_page.committing is not None:
            self.preview_page.cancel_commit()
            event.ignore()
            return
        super().closeEvent(event)

    def done(self, result: int) -> None:
        app_settings().setValue(GEOMETRY_KEY, self.saveGeometry())
        super().done(result)


def open_import_wizard(parent: QWidget, ctx: ServiceContext) -> ImportWizard:
    """Open the wizard over ``parent`` (window-modal) and return it."""
    wizard = ImportWizard(ctx=ctx, parent=parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard
