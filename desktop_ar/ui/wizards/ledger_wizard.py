"""Reconcile with customer's ledger… : their file → sheet and header row → columns → period.

The pages share one :class:`~desktop_ar.ui.wizards.ledger_flow.LedgerFlow`. Pressing Reconcile
on the last page runs ``reconcile_customer`` on the database thread (a progress dialog shows if
it takes long); on success the wizard emits ``reconciled`` with the saved reconciliation and
closes, on failure it stays on the page with the reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from desktop_ar.services.permissions import can
from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.dialogs.recon_common import service
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.import_page_base import failure_text
from desktop_ar.ui.wizards.ledger_flow import LedgerFlow
from desktop_ar.ui.wizards.ledger_pages import (
    LedgerMappingPage,
    LedgerSheetPage,
    LedgerSourcePage,
)
from desktop_ar.ui.wizards.ledger_period_page import LedgerPeriodPage

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext

GEOMETRY_KEY = "reconcileWizard/geometry"
MIN_SIZE = (860, 580)
DEFAULT_SIZE = (1040, 700)


class LedgerWizard(QWizard):
    """Compare a customer's own ledger with ours and save the reconciliation."""

    reconciled = Signal(object)  # ReconciliationView

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        customer_id: int,
        customer_label: str,
        as_of: date,
        path: str | Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ledgerWizard")
        self.setWindowTitle(self.tr("Reconcile with the customer's ledger — %1").replace(
            "%1", customer_label
        ))  # fmt: skip
        self.ctx = ctx
        may_write = can(ctx, "reconcile") and not ctx.read_only
        self.flow = LedgerFlow(customer_id=customer_id, date_to=as_of, may_write=may_write)
        self.running: BackgroundOp[Any] | None = None
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoDefaultButton, False)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Reconcile"))
        flow = self.flow
        self.source_page = LedgerSourcePage(
            ctx=ctx, flow=flow, customer_label=customer_label, parent=self
        )
        self.sheet_page = LedgerSheetPage(ctx=ctx, flow=flow, parent=self)
        self.mapping_page = LedgerMappingPage(ctx=ctx, flow=flow, parent=self)
        self.period_page = LedgerPeriodPage(ctx=ctx, flow=flow, parent=self)
        for page in (self.source_page, self.sheet_page, self.mapping_page, self.period_page):
            self.setPage(int(page.step), page)
        self.setStartId(int(Step.SOURCE))
        self.setMinimumSize(*MIN_SIZE)
        geometry = app_settings().value(GEOMETRY_KEY)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(*DEFAULT_SIZE)
        if path is not None:
            self.source_page.choose_file(path)

    def accept(self) -> None:
        """Reconcile pressed: compare and save off the GUI thread; close when it is saved."""
        flow = self.flow
        if self.running is not None or not flow.can_leave(Step.PREVIEW) or flow.path is None:
            return
        ctx, cid, path = self.ctx, flow.customer_id, flow.path
        kw = flow.read_arguments()
        op: BackgroundOp[Any] = BackgroundOp(
            self, lambda _progress: service().reconcile_customer(ctx, cid, path, **kw)
        )
        op.success(self._on_reconciled).failure(self._on_failed)
        op.with_progress(self.tr("Comparing the ledgers…")).run()
        self.running = op
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)

    def _on_reconciled(self, view: Any) -> None:
        self.running = None
        self.reconciled.emit(view)
        super().accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.running = None
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        self.period_page.show_message(failure_text(exc))

    def on_changes(self, changes: Changes) -> None:
        forward_changes(self, changes)

    def done(self, result: int) -> None:
        app_settings().setValue(GEOMETRY_KEY, self.saveGeometry())
        super().done(result)
