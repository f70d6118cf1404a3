"""The customer card's "Reconciliations" and "Balance confirmations" tabs, and their openers.

``ReconciliationTabs.install(card)`` adds both tabs to a customer card: the past
reconciliations with the customer's ledger (each opens its view) and the balance confirmations
(余额确认), with the buttons that start a new one. The lists reload with the card and after
anything done in a reconciliation window. The ``open_*`` functions are shared with the
customers page's actions.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt
from PySide6.QtWidgets import QDialog, QWidget

from desktop_ar.ui.dialogs.balance_confirmation_dialog import BalanceConfirmationDialog
from desktop_ar.ui.dialogs.recon_common import service
from desktop_ar.ui.dialogs.reconciliation_view import ReconciliationDialog
from desktop_ar.ui.models.recon_items import recon_text
from desktop_ar.ui.tasks import QueryOp
from desktop_ar.ui.widgets.customer_activity import SmallTable
from desktop_ar.ui.wizards.ledger_wizard import LedgerWizard

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.ui.pages.customer_card import CustomerCardDialog

CONFIRMATION_LABELS = {
    "sent": QT_TRANSLATE_NOOP("recon", "Sent"),
    "confirmed": QT_TRANSLATE_NOOP("recon", "Confirmed"),
    "disputed": QT_TRANSLATE_NOOP("recon", "Disputed"),
    "open": QT_TRANSLATE_NOOP("recon", "Open"),
    "closed": QT_TRANSLATE_NOOP("recon", "Closed"),
}


def _label(status: str) -> str:
    return recon_text(CONFIRMATION_LABELS.get(status, status))


def open_reconcile_wizard(
    parent: QWidget,
    ctx: ServiceContext,
    *,
    customer_id: int,
    customer_label: str,
    as_of: date,
    on_done: Any = None,
) -> LedgerWizard:
    """Start "Reconcile with customer's ledger…"; the result opens in its own window."""
    wizard = LedgerWizard(
        ctx=ctx, customer_id=customer_id, customer_label=customer_label, as_of=as_of, parent=parent
    )
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def show(view: Any) -> None:
        dialog = open_reconciliation(parent, ctx, view.id)
        if on_done is not None:
            on_done(dialog)

    wizard.reconciled.connect(show)
    wizard.open()
    return wizard


def open_reconciliation(
    parent: QWidget, ctx: ServiceContext, recon_id: int
) -> ReconciliationDialog:
    """The window of one reconciliation (raised when it is open already)."""
    for dialog in parent.findChildren(ReconciliationDialog):
        if dialog.recon_id == recon_id and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return dialog
    dialog = ReconciliationDialog(ctx=ctx, recon_id=recon_id, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def open_balance_confirmation(
    parent: QWidget,
    ctx: ServiceContext,
    *,
    customer_id: int,
    customer_label: str,
    as_of: date,
    currency: str = "CNY",
    contact_names: list[str] | None = None,
) -> BalanceConfirmationDialog:
    dialog = BalanceConfirmationDialog(
        ctx=ctx,
        customer_id=customer_id,
        customer_label=customer_label,
        as_of=as_of,
        currency=currency,
        contact_names=contact_names,
        parent=parent,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class ReconciliationTabs(QObject):
    """The two tabs on a customer card and what their buttons open."""

    def __init__(self, card: CustomerCardDialog) -> None:
        super().__init__(card)
        self.card = card
        self.dialog: QDialog | None = None  # opened last (tests drive it)
        tr = self.tr
        self.recons = SmallTable(
            [
                (tr("To"), lambda r: r.date_to, False),
                (tr("From"), lambda r: r.date_from, False),
                (tr("Ccy"), lambda r: r.currency, False),
                (tr("Our closing"), lambda r: r.our_closing, False),
                (tr("Their closing"), lambda r: r.their_closing, False),
                (tr("Difference"), lambda r: r.difference, False),
                (tr("Unexplained"), lambda r: r.unexplained, False),
                (tr("To resolve"), _open_count, False),
                (tr("Status"), lambda r: _label(r.status), True),
            ],
            card,
        )
        self.recons.setObjectName("reconciliationsTab")
        self.recons.add_button(
            tr("Reconcile with customer's &ledger…"), self.reconcile, "reconcileButton"
        )
        self.open_button = self.recons.add_button(tr("&Open…"), self.open_current, "openRecon")
        self.recons.table.doubleClicked.connect(lambda _i: self.open_current())
        self.recons.current_changed.connect(lambda r: self.open_button.setEnabled(r is not None))
        self.confirmations = SmallTable(
            [
                (tr("As of"), lambda c: c.as_of, False),
                (tr("Status"), lambda c: _label(c.status), False),
                (tr("Our balance"), lambda c: c.our_balance, False),
                (tr("Their balance"), lambda c: c.their_balance, False),
                (tr("Reply"), lambda c: c.reply_date, False),
                (tr("Contact"), lambda c: c.contact_person, False),
                (tr("Difference"), lambda c: c.difference, False),
                (tr("Note"), lambda c: c.note, True),
            ],
            card,
        )
        self.confirmations.setObjectName("confirmationsTab")
        self.confirmations.add_button(
            tr("&Balance confirmation…"), self.confirm_balance, "confirmButton"
        )
        card.tabs.addTab(self.recons, tr("Reco&nciliations"))
        card.tabs.addTab(self.confirmations, tr("Balance con&firmations"))
        card.loaded.connect(lambda _data: self.reload())
        self.open_button.setEnabled(False)

    @classmethod
    def install(cls, card: CustomerCardDialog) -> ReconciliationTabs:
        return cls(card)

    # ---- lists -------------------------------------------------------------------------------

    def reload(self) -> None:
        ctx, cid = self.card.ctx, self.card.customer_id

        def read() -> tuple[list[Any], list[Any]]:
            recon = service()
            return recon.list_reconciliations(ctx, cid), recon.list_balance_confirmations(ctx, cid)

        QueryOp(self.card, read).success(self._on_loaded).failure(self._on_failed).run()

    def _on_loaded(self, lists: tuple[list[Any], list[Any]]) -> None:
        recons, confirmations = lists
        self.recons.set_rows(sorted(recons, key=lambda r: (r.date_to, r.id), reverse=True))
        self.confirmations.set_rows(confirmations)
        for table in (self.recons, self.confirmations):
            if table.rows() and table.current() is None:
                table.table.selectRow(0)  # the latest, so Open… works at once
        self.open_button.setEnabled(self.recons.current() is not None)
        tabs = self.card.tabs
        label = self.tr("Reco&nciliations")
        left = sum(1 for r in recons if r.status == "open")
        tabs.setTabText(tabs.indexOf(self.recons), f"{label} ({left})" if left else label)

    def _on_failed(self, exc: BaseException) -> None:
        # The card shows its own errors; a missing list must not stop the rest of the card.
        self.recons.setToolTip(str(exc))

    # ---- actions -----------------------------------------------------------------------------

    def _who(self) -> tuple[str, str, list[str]]:
        data = self.card.data
        if data is None:
            return "", "CNY", []
        d = data.detail
        return f"{d.code}  {d.name}", d.currency, [c.name for c in d.contacts]

    def reconcile(self) -> QDialog:
        label, _currency, _contacts = self._who()
        card = self.card
        wizard = open_reconcile_wizard(
            card,
            card.ctx,
            customer_id=card.customer_id,
            customer_label=label,
            as_of=card.as_of,
            on_done=self._watch,
        )
        self.dialog = wizard
        return wizard

    def open_current(self) -> QDialog | None:
        row = self.recons.current()
        return self.open(row.id) if row is not None else None

    def open(self, recon_id: int) -> ReconciliationDialog:
        dialog = open_reconciliation(self.card, self.card.ctx, recon_id)
        self._watch(dialog)
        self.dialog = dialog
        return dialog

    def _watch(self, dialog: ReconciliationDialog) -> None:
        # Actions inside the window may write nothing the card lists (a note): reload anyway.
        if not dialog.property("watchedByCard"):
            dialog.setProperty("watchedByCard", True)
            dialog.changed.connect(self.reload)
        self.reload()

    def confirm_balance(self) -> QDialog:
        label, currency, contacts = self._who()
        card = self.card
        dialog = open_balance_confirmation(
            card,
            card.ctx,
            customer_id=card.customer_id,
            customer_label=label,
            as_of=card.as_of,
            currency=currency,
            contact_names=contacts,
        )
        dialog.saved.connect(lambda _r: self.reload())
        self.dialog = dialog
        return dialog


def _open_count(row: Any) -> str:
    counts = getattr(row, "counts", None) or {}
    value = counts.get("open", counts.get("unresolved"))
    return "" if value is None else str(value)
