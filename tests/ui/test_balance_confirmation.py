"""Balance confirmation (余额确认) and reconcile… from the customers page, driven like a user."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from desktop_ar.ui.dialogs.balance_confirmation_dialog import (
    BalanceConfirmationDialog,
    contact_field,
)
from desktop_ar.ui.pages.customer_card import CustomerCardDialog
from desktop_ar.ui.pages.customers import CustomersPage
from desktop_ar.ui.tasks import wait_for_idle
from desktop_ar.ui.wizards.ledger_wizard import LedgerWizard
from tests.services.helpers import audit_count, row, scalar
from tests.ui.recon_helpers import AS_OF, Scenario, make_scenario


@pytest.fixture
def scenario(ctx, tmp_path: Path) -> Scenario:
    return make_scenario(ctx, tmp_path)


def _page(qtbot, ctx) -> CustomersPage:
    page = CustomersPage(ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.row_count() == 1, timeout=3000)
    return page


def _retype(qtbot, field, text: str) -> None:
    field.selectAll()
    qtbot.keyClicks(field, text)


def _confirmation_dialog(qtbot, scenario: Scenario) -> BalanceConfirmationDialog:
    page = _page(qtbot, scenario.ctx)
    page.select_id(scenario.customer_id)
    actions = page.actions_
    assert actions.confirm_action.isEnabled() and actions.confirm_action in page.view.actions()
    dialog = actions.confirm_balance_current()
    assert isinstance(dialog, BalanceConfirmationDialog)
    qtbot.waitUntil(lambda: dialog.ours is not None, timeout=5000)
    return dialog


def test_a_disputed_balance_is_recorded_and_listed_on_the_card(qtbot, scenario: Scenario) -> None:
    dialog = _confirmation_dialog(qtbot, scenario)
    assert dialog.ours_label.text() == "11,000.00 CNY"
    assert not dialog.reply_field.isEnabled()  # sent: no reply yet
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("disputed"))
    assert dialog.reply_field.value() == AS_OF  # today offered once they answered
    _retype(qtbot, dialog.their_edit, "5500")
    assert dialog.difference_label.text() == "5,500.00 CNY"
    qtbot.keyClicks(contact_field(dialog), "Zhang Wei")
    dialog.note_edit.setPlainText("客户未入账发票 INV-000003")
    qtbot.keyClick(dialog.their_edit, Qt.Key.Key_Return)
    wait_for_idle()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed (and deleted)
    r = row(
        scenario.ctx,
        "SELECT status, our_balance_minor, their_balance_minor, reply_date, contact_person, note"
        " FROM balance_confirmations",
    )
    assert tuple(r[:3]) == ("disputed", 1100000, 550000)
    assert str(r[3]) == "2026-06-30" and r[4] == "Zhang Wei" and "INV-000003" in r[5]
    assert audit_count(scenario.ctx, "record_balance_confirmation") == 1

    card = CustomerCardDialog(ctx=scenario.ctx, customer_id=scenario.customer_id, as_of=AS_OF)
    qtbot.addWidget(card)
    card.show()
    tab = card.reconciliation.confirmations
    qtbot.waitUntil(lambda: len(tab.rows()) == 1, timeout=5000)
    texts = [tab.table.item(0, c).text() for c in range(6)]
    assert texts == ["2026-06-30", "Disputed", "11,000.00", "5,500.00", "2026-06-30", "Zhang Wei"]


def test_confirm_from_the_card_prefills_our_balance(qtbot, scenario: Scenario) -> None:
    card = CustomerCardDialog(ctx=scenario.ctx, customer_id=scenario.customer_id, as_of=AS_OF)
    qtbot.addWidget(card)
    card.show()
    qtbot.waitUntil(lambda: card.data is not None, timeout=5000)
    tabs = card.reconciliation
    card.tabs.setCurrentWidget(tabs.confirmations)
    button = tabs.confirmations.findChild(type(tabs.open_button), "confirmButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = tabs.dialog
    assert isinstance(dialog, BalanceConfirmationDialog)
    qtbot.waitUntil(lambda: dialog.ours is not None, timeout=5000)
    _retype(qtbot, dialog.as_of_field, "2026-05-31")  # after the last document: 11,000 too
    qtbot.waitUntil(lambda: dialog.ours_label.text() == "11,000.00 CNY", timeout=5000)
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("confirmed"))
    assert dialog.their_edit.value() == dialog.ours  # confirmed: their balance is ours
    assert dialog.difference_label.text() == "0.00 CNY"
    _retype(qtbot, dialog.their_edit, "10,000")  # not what they confirm: refused inline
    qtbot.keyClick(dialog.their_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and "disputed" in dialog.error_label.text()
    _retype(qtbot, dialog.their_edit, "11000")
    qtbot.keyClick(dialog.their_edit, Qt.Key.Key_Return)
    wait_for_idle()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed (and deleted)
    assert scalar(scenario.ctx, "SELECT status FROM balance_confirmations") == "confirmed"
    assert str(scalar(scenario.ctx, "SELECT as_of FROM balance_confirmations")) == "2026-05-31"
    qtbot.waitUntil(lambda: len(tabs.confirmations.rows()) == 1, timeout=5000)


def test_a_reply_before_the_balance_date_is_refused_by_the_service(
    qtbot, scenario: Scenario
) -> None:
    dialog = _confirmation_dialog(qtbot, scenario)
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("confirmed"))
    _retype(qtbot, dialog.reply_field, "2026-06-01")
    qtbot.keyClick(dialog.reply_field, Qt.Key.Key_Return)
    wait_for_idle()
    assert dialog.isVisible() and "before the balance date" in dialog.error_label.text()
    assert scalar(scenario.ctx, "SELECT count(*) FROM balance_confirmations") == 0


def test_reconcile_from_the_customers_page_and_read_only_roles(qtbot, scenario: Scenario) -> None:
    page = _page(qtbot, scenario.ctx)
    page.select_id(scenario.customer_id)
    actions = page.actions_
    assert actions.reconcile_action in page.view.actions()  # in the context menu
    wizard = actions.reconcile_current()
    assert isinstance(wizard, LedgerWizard)
    assert wizard.flow.may_write and wizard.flow.customer_id == scenario.customer_id
    wizard.reject()
    wait_for_idle()

    # A read-only user may look at the ledger but the Reconcile button stays off, saying why.
    ctx = dataclasses.replace(scenario.ctx, role="read_only")
    wizard = LedgerWizard(
        ctx=ctx, customer_id=scenario.customer_id, customer_label="C100", as_of=AS_OF,
        path=scenario.ledger,
    )  # fmt: skip
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.flow.preview is not None, timeout=5000)
    for _ in range(3):
        wait_for_idle()
        qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=5000)
        wizard.next()
    wait_for_idle()
    qtbot.waitUntil(lambda: wizard.flow.ledger is not None, timeout=5000)
    assert not wizard.period_page.isComplete()
    assert "may look at the ledger" in wizard.period_page.message.text()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert scalar(scenario.ctx, "SELECT count(*) FROM customer_reconciliations") == 0
