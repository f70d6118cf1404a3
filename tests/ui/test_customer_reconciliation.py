"""Reconciling with a customer's ledger from the customer card, driven like a user.

The customer's ledger (tests/ui/recon_helpers.py) misses an invoice, books another 500 lower and
has a payment in transit. The user runs the wizard, sees the three differences, resolves one
with a note, turns one into a credit note and records the payment in transit; closing is refused
until then and allowed after.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from desktop_ar.ui.dialogs.reconciliation_view import ReconciliationDialog
from desktop_ar.ui.pages.customer_card import CustomerCardDialog
from desktop_ar.ui.tasks import wait_for_idle
from tests.services.helpers import audit_count, row, scalar
from tests.ui.recon_helpers import AS_OF, Scenario, make_scenario

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def scenario(ctx, tmp_path: Path) -> Scenario:
    return make_scenario(ctx, tmp_path)


def _card(qtbot, scenario: Scenario) -> CustomerCardDialog:
    card = CustomerCardDialog(ctx=scenario.ctx, customer_id=scenario.customer_id, as_of=AS_OF)
    qtbot.addWidget(card)
    card.show()
    qtbot.waitExposed(card)
    qtbot.waitUntil(lambda: card.data is not None, timeout=5000)
    wait_for_idle()
    return card


def _click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _next(qtbot, wizard: QWizard) -> None:
    wait_for_idle()
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=5000)
    _click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    wait_for_idle()


def run_wizard(qtbot, card: CustomerCardDialog, scenario: Scenario) -> ReconciliationDialog:
    """Reconcile… on the card: type the file, accept the sheet and the columns, set the period."""
    tabs = card.reconciliation
    card.tabs.setCurrentWidget(tabs.recons)
    _click(qtbot, tabs.recons.findChild(type(tabs.open_button), "reconcileButton"))
    wizard = tabs.dialog
    assert isinstance(wizard, QWizard)
    source = wizard.source_page
    source.path_edit.setText(str(scenario.ledger))  # QtTest types ASCII only: a paste
    qtbot.keyClick(source.path_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.flow.preview is not None, timeout=5000)
    assert "header found on row 2" in source.found_label.text()
    _next(qtbot, wizard)
    assert wizard.sheet_page.header_spin.value() == 2  # the title row above is skipped
    _next(qtbot, wizard)
    mapping = wizard.mapping_page
    qtbot.waitUntil(lambda: mapping.combos["credit"].currentData() == 4, timeout=5000)
    assert mapping.combos["debit"].currentData() == 3
    _next(qtbot, wizard)
    period = wizard.period_page
    assert period.date_to.value() == AS_OF
    qtbot.keyClicks(period.date_from, "2026/1/1")
    qtbot.waitUntil(lambda: wizard.flow.ledger is not None and period.isComplete(), timeout=5000)
    assert period.model.rowCount() == 4
    assert "5,500.00 CNY" in period.summary.text()
    assert "payable" in period.notes.text()  # the side found automatically
    with qtbot.waitSignal(wizard.reconciled, timeout=5000):
        _click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    wait_for_idle()
    views = [d for d in card.findChildren(ReconciliationDialog) if d.isVisible()]
    assert len(views) == 1
    view = views[0]
    qtbot.waitUntil(lambda: view.view is not None, timeout=5000)
    return view


def _item(view: ReconciliationDialog, result: str):
    return next(i for i in view.model.items() if i.result == result)


def _act(qtbot, view: ReconciliationDialog, result: str, button, text: str | None) -> None:
    view.show_filter("open")
    assert view.select_item(_item(view, result).id)
    _click(qtbot, button)
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    if text is not None:
        dialog.text_edit.insertPlainText(text)  # Chinese comes through the input method
        qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    else:
        qtbot.keyClick(dialog.date_field, Qt.Key.Key_Return)
    wait_for_idle()
    qtbot.waitUntil(lambda: _item(view, result).resolved, timeout=5000)


def test_reconcile_resolve_credit_note_payment_then_close(qtbot, scenario: Scenario) -> None:
    ctx = scenario.ctx
    card = _card(qtbot, scenario)
    view = run_wizard(qtbot, card, scenario)
    f = view.figures
    assert f["our_closing"].text() == "11,000.00 CNY"
    assert f["their_closing"].text() == "5,500.00 CNY"
    assert f["difference"].text() == "5,500.00 CNY"
    assert f["unexplained"].text() == "0.00 CNY"
    assert view.tabs.tabText(0) == "To resolve (3)"
    assert view.model.rowCount() == 3  # opens on what is left to do
    results = sorted(view.model.item(r).result for r in range(3))
    assert results == ["amount_difference", "only_ours", "timing"]
    view.show_filter("matched")
    assert view.model.rowCount() == 2

    # Closing is refused while differences are open, and the window says why.
    assert not view.close_recon_button.isEnabled()
    assert "3 difference(s) still to resolve" in view.state_label.text()
    assert view.close_reconciliation() is False
    assert view.error_label.isVisible()
    assert scalar(ctx, "SELECT status FROM customer_reconciliations") == "open"

    # The invoice they never booked: resolved with a note.
    missing = _item(view, "only_ours")
    assert not view.payment_button.isEnabled() or view.current_item().id != missing.id
    _act(qtbot, view, "only_ours", view.resolve_button, "发票已寄出，客户下月入账")
    r = row(ctx, "SELECT resolved, action, note FROM reconciliation_items WHERE id = :i",
            i=missing.id)  # fmt: skip
    assert tuple(r) == (1, "note", "发票已寄出，客户下月入账")

    # The invoice they booked 500 lower: a credit note of 500 against it.
    _act(qtbot, view, "amount_difference", view.credit_button, "价格差异，电话确认")
    assert scalar(ctx, "SELECT amount_minor FROM credit_notes") == 50000
    item = _item(view, "amount_difference")
    assert item.action == "credit_note" and item.action_ref
    assert view.model.rowCount() == 1  # only the payment in transit is left to do
    # The credit note reached the card through the Changes fan-out: its balance is lower.
    qtbot.waitUntil(lambda: card.figures["balance"].text() == "10,500.00 CNY", timeout=5000)

    # The payment in transit: a receipt on their date.
    _act(qtbot, view, "timing", view.payment_button, None)
    payment = row(ctx, "SELECT amount_minor, payment_date FROM payments ORDER BY id DESC")
    assert payment[0] == 200000 and str(payment[1]) == "2026-06-27"
    qtbot.waitUntil(lambda: card.figures["balance"].text() == "8,500.00 CNY", timeout=5000)

    # Everything is resolved: closing is allowed and the list on the card follows.
    assert view.tabs.tabText(0) == "To resolve (0)"
    assert view.close_recon_button.isEnabled()
    _click(qtbot, view.close_recon_button)
    wait_for_idle()
    qtbot.waitUntil(lambda: view.view.status == "closed", timeout=5000)
    assert scalar(ctx, "SELECT status FROM customer_reconciliations") == "closed"
    assert not view.close_recon_button.isEnabled()
    assert not view.resolve_button.isEnabled()
    assert "closed" in view.state_label.text()
    assert audit_count(ctx, "close_customer_reconciliation") == 1
    wait_for_idle()
    rows = card.reconciliation.recons.rows()
    assert [(r.status, r.date_to) for r in rows] == [("closed", AS_OF)]
    assert card.reconciliation.recons.table.item(0, 8).text() == "Closed"


def test_past_reconciliations_open_from_the_card(qtbot, scenario: Scenario) -> None:
    from tests.ui.recon_helpers import recon

    recon.reconcile_customer(
        scenario.ctx, scenario.customer_id, scenario.ledger, date_to=AS_OF,
        date_from=date(2026, 1, 1),
    )  # fmt: skip
    card = _card(qtbot, scenario)
    tabs = card.reconciliation
    qtbot.waitUntil(lambda: len(tabs.recons.rows()) == 1, timeout=5000)
    assert card.tabs.tabText(card.tabs.indexOf(tabs.recons)) == "Reco&nciliations (1)"
    tabs.recons.table.selectRow(0)
    dialog = tabs.open_current()
    assert isinstance(dialog, ReconciliationDialog)
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=5000)
    assert dialog.figures["difference"].text() == "5,500.00 CNY"
    assert tabs.open(dialog.recon_id) is dialog  # raised, not opened twice
    export = dialog.export_statement()  # our statement of account for the same period
    assert export is not None
    assert (export.date_from.value(), export.date_to.value()) == (date(2026, 1, 1), AS_OF)
    export.reject()
    # Actions that do not fit a line stay disabled: no dispute on a payment of theirs.
    dialog.show_filter("open")
    dialog.select_item(_item(dialog, "timing").id)
    assert dialog.payment_button.isEnabled() and not dialog.dispute_button.isEnabled()
    assert not dialog.credit_button.isEnabled()
    dialog.select_item(_item(dialog, "amount_difference").id)
    assert dialog.credit_button.isEnabled() and dialog.dispute_button.isEnabled()
    assert not dialog.payment_button.isEnabled()
    # A dispute opened from the view.
    _act(qtbot, dialog, "amount_difference", dialog.dispute_button, "客户称单价应为95元")
    assert scalar(scenario.ctx, "SELECT count(*) FROM disputes") == 1


def test_a_note_is_required_and_a_refusal_is_shown_inline(qtbot, scenario: Scenario) -> None:
    from tests.ui.recon_helpers import recon

    view_dto = recon.reconcile_customer(
        scenario.ctx, scenario.customer_id, scenario.ledger, date_to=AS_OF,
        date_from=date(2026, 1, 1),
    )  # fmt: skip
    dialog = ReconciliationDialog(ctx=scenario.ctx, recon_id=view_dto.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=5000)
    dialog.select_item(_item(dialog, "only_ours").id)
    note = dialog.act("note")
    assert note is not None
    qtbot.keyClick(note.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert note.isVisible() and "Note" in note.error_label.text()
    # Meanwhile someone resolved it elsewhere: the service refuses, the dialog says so.
    item_id = _item(dialog, "only_ours").id
    recon.resolve_item(scenario.ctx, item_id, "done by a colleague")
    qtbot.keyClicks(note.text_edit, "again")
    qtbot.keyClick(note.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for_idle()
    assert note.isVisible() and "already resolved" in note.error_label.text()
    qtbot.keyClick(note, Qt.Key.Key_Escape)
    dialog.reload()
    wait_for_idle()
    assert _item(dialog, "only_ours").resolved
