"""Import statement… for a bank's CSV/Excel export: sheet and header row → columns → statements.

The file was read once before the wizard opens (``preview_bank_table``: the sheet, the header
row, the columns of a saved template made for these headers, else the guess). The pages share
one :class:`~desktop_ar.ui.wizards.bank_flow.BankFlow`. MT940, OFX and CAMT files have no
columns: the wizard starts on the statements page. Pressing Import runs ``import_bank_file``
with the chosen columns on the database thread (with a progress dialog); on success the wizard
emits ``imported`` with the statements and closes, on failure it stays with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from desktop_ar.services import bank_statements as bank
from desktop_ar.services.permissions import can
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp
from desktop_ar.ui.wizards.bank_flow import BankFlow
from desktop_ar.ui.wizards.bank_pages import BankMappingPage, BankSheetPage, BankSummaryPage
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.import_page_base import failure_text

if TYPE_CHECKING:
    from desktop_ar.services.bank_statements import BankTablePreview
    from desktop_ar.services.context import ServiceContext

GEOMETRY_KEY = "bankImportWizard/geometry"
MIN_SIZE = (860, 560)
DEFAULT_SIZE = (1000, 660)


class BankImportWizard(QWizard):
    """Choose the columns of a bank export (or check any bank file) and import it."""

    imported = Signal(object)  # list of StatementSummary

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        path: str | Path,
        table: BankTablePreview,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bankImportWizard")
        self.setWindowTitle(self.tr("Import bank statement — %1").replace("%1", Path(path).name))
        self.ctx = ctx
        may_write = can(ctx, "reconcile") and not ctx.read_only
        self.flow = BankFlow(path=Path(path), may_write=may_write)
        self.flow.set_table(table)
        self.running: BackgroundOp[Any] | None = None
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoDefaultButton, False)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Import"))
        flow = self.flow
        self.summary_page = BankSummaryPage(ctx=ctx, flow=flow, parent=self)
        if table.is_table:
            self.sheet_page = BankSheetPage(ctx=ctx, flow=flow, parent=self)
            self.mapping_page = BankMappingPage(ctx=ctx, flow=flow, parent=self)
            for page in (self.sheet_page, self.mapping_page):
                self.setPage(int(page.step), page)
        self.setPage(int(Step.PREVIEW), self.summary_page)
        self.setStartId(int(Step.SHEET if table.is_table else Step.PREVIEW))
        self.setMinimumSize(*MIN_SIZE)
        geometry = app_settings().value(GEOMETRY_KEY)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(*DEFAULT_SIZE)

    def accept(self) -> None:
        """Import pressed: write the statements off the GUI thread; close when they are in."""
        flow = self.flow
        if self.running is not None or not flow.can_leave(Step.PREVIEW) or flow.path is None:
            return
        ctx, path, kw = self.ctx, flow.path, flow.read_arguments()
        op: BackgroundOp[Any] = BackgroundOp(
            self, lambda progress: bank.import_bank_file(ctx, path, progress=progress, **kw)
        )
        op.success(self._on_imported).failure(self._on_failed)
        op.with_progress(self.tr("Importing bank statement…")).run()
        self.running = op
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)

    def _on_imported(self, statements: list[Any]) -> None:
        self.running = None
        self.imported.emit(statements)
        super().accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.running = None
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        self.summary_page.show_message(failure_text(exc))

    def done(self, result: int) -> None:
        app_settings().setValue(GEOMETRY_KEY, self.saveGeometry())
        super().done(result)
