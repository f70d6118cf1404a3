"""The customer archive driven like a user: dialog, card, contact log, disputes, reasons."""

from __future__ import annotations

import dataclasses
from datetime import date

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from desktop_ar.domain.money import Money
from desktop_ar.services.customers import customer_detail, customer_input, update_customer
from desktop_ar.services.payments import PaymentInput, record_payment
from desktop_ar.ui.dialogs.customer_dialog import CustomerDialog
from desktop_ar.ui.main_window import MainWindow
from desktop_ar.ui.pages.customer_card import CustomerCardDialog
from desktop_ar.ui.pages.customers import CustomersPage
from desktop_ar.ui.pages.invoices import InvoicesPage
from desktop_ar.ui.tasks import BackgroundOp, wait_for_idle
from tests.services.helpers import audit_count, row, scalar

AS_OF = date(2026, 6, 30)


def type_text(widget, text: str) -> None:
    """Type like a user, one key event per character (QTest.keyClicks is ASCII-only)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def _page(qtbot, book) -> CustomersPage:
    page = CustomersPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def _card(qtbot, book, customer_id: int) -> CustomerCardDialog:
    card = CustomerCardDialog(ctx=book.ctx, customer_id=customer_id, as_of=AS_OF)
    qtbot.addWidget(card)
    card.show()
    qtbot.waitUntil(lambda: card.data is not None, timeout=3000)
    return card


def test_create_a_customer_by_typing_and_pressing_enter(qtbot, book) -> None:
    page = _page(qtbot, book)
    dialog = page.actions_.new_customer()
    qtbot.waitUntil(lambda: dialog.terms_combo.currentText() == "NET30", timeout=3000)
    type_text(dialog.name_edit, "广州新客户贸易有限公司")
    type_text(dialog.region_edit, "华南")
    dialog.tabs.setCurrentIndex(1)
    dialog.terms_combo.setCurrentText("")
    type_text(dialog.terms_combo.lineEdit(), "eom 30")
    type_text(dialog.limit_edit, "¥12,345.5")
    assert dialog.limit_edit.feedback.text() == "= 12,345.50 CNY"
    with qtbot.waitSignal(dialog.saved, timeout=3000) as saved:
        qtbot.keyClick(dialog.limit_edit, Qt.Key.Key_Return)
    cid = saved.args[0]
    name, region, terms, limit = row(
        book.ctx,
        "SELECT name, region, payment_terms, credit_limit_minor FROM customers WHERE id = :i",
        i=cid,
    )
    assert (name, region, terms, limit) == ("广州新客户贸易有限公司", "华南", "EOM30", 1234550)
    qtbot.waitUntil(lambda: page.row_count() == 5, timeout=3000)
    assert page.current_id() == cid


def test_bad_input_is_shown_in_the_dialog_and_nothing_is_written(qtbot, book) -> None:
    dialog = CustomerDialog(ctx=book.ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # no name
    assert dialog.error_label.isVisible() and "name" in dialog.error_label.text().lower()
    type_text(dialog.name_edit, "X")
    dialog.terms_combo.setCurrentText("net thirty")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert "not understood" in dialog.error_label.text()
    assert scalar(book.ctx, "SELECT count(*) FROM customers") == 4


def test_edit_the_credit_limit_and_contacts(qtbot, book) -> None:
    dialog = CustomerDialog(ctx=book.ctx, customer_id=book.shmy)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "上海明远贸易有限公司", timeout=3000)
    assert dialog.limit_edit.text() == "20,000.00"
    dialog.limit_edit.clear()
    type_text(dialog.limit_edit, "３００００")  # full-width digits
    dialog.contacts.add_row(None, _contact("张伟"))
    with qtbot.waitSignal(dialog.saved, timeout=3000):
        qtbot.keyClick(dialog.limit_edit, Qt.Key.Key_Enter)
    detail = customer_detail(book.ctx, book.shmy, AS_OF)
    assert detail.credit_limit == Money.of("30000", "CNY")
    assert [c.name for c in detail.contacts] == ["张伟"]


def _contact(name: str):
    from desktop_ar.services.customer_archive import ContactInput

    return ContactInput(name, "财务", mobile="13800000000", is_primary=True)


def test_a_stale_edit_asks_to_reload(qtbot, book) -> None:
    dialog = CustomerDialog(ctx=book.ctx, customer_id=book.beijing)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.name_edit.text()), timeout=3000)
    detail = customer_detail(book.ctx, book.beijing, AS_OF)
    changed = dataclasses.replace(customer_input(detail), region="华北二区")
    update_customer(book.ctx, book.beijing, changed, expected_version=detail.version)
    type_text(dialog.region_edit, "北")
    dialog.accept()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=3000)
    assert "changed by someone else" in dialog.error_label.text()
    assert dialog.reload_button.isVisible()
    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.reload_button.isVisible(), timeout=3000)
    wait_for_idle()
    assert dialog.region_edit.text() == "华北二区"


def test_deactivate_and_reactivate(qtbot, book) -> None:
    page = _page(qtbot, book)
    page.select_id(book.acme)
    assert page.actions_.status_action.text() == "&Deactivate"
    page.actions_.status_action.trigger()
    wait_for_idle()
    assert scalar(book.ctx, "SELECT status FROM customers WHERE id=:i", i=book.acme) == "inactive"
    qtbot.waitUntil(lambda: page.actions_.status_action.text() == "&Reactivate", timeout=3000)
    page.actions_.toggle_status()
    wait_for_idle()
    assert scalar(book.ctx, "SELECT status FROM customers WHERE id=:i", i=book.acme) == "active"


def test_a_customer_with_documents_cannot_be_deleted(qtbot, book, shown_messages) -> None:
    page = _page(qtbot, book)
    page.select_id(book.shmy)
    page.actions_.delete_current(confirm=False)
    wait_for_idle()
    assert any("has documents" in text for text in shown_messages)
    assert scalar(book.ctx, "SELECT count(*) FROM customers") == 4
    page.actions_.new_action.trigger()  # a customer typed by mistake can be deleted
    dialog = page.actions_.dialog
    type_text(dialog.name_edit, "typo")
    with qtbot.waitSignal(dialog.saved, timeout=3000):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.row_count() == 5, timeout=3000)
    page.actions_.delete_current(confirm=False)
    wait_for_idle()
    assert scalar(book.ctx, "SELECT count(*) FROM customers") == 4


def test_log_a_call_with_a_follow_up_date(qtbot, book) -> None:
    card = _card(qtbot, book, book.shmy)
    dialog = card.log_contact("call")
    type_text(dialog.summary_edit, "催款：答应7月5日前付5000")
    type_text(dialog.follow_up_edit, "2026/7/5")
    with qtbot.waitSignal(card.loaded, timeout=3000):
        qtbot.keyClick(dialog.follow_up_edit, Qt.Key.Key_Return)
    kind, summary, follow_up, staff = row(
        book.ctx, "SELECT kind, summary, next_follow_up, staff FROM contact_log"
    )
    assert (kind, summary, follow_up, staff) == (
        "call",
        "催款：答应7月5日前付5000",
        "2026-07-05",
        "tester",
    )
    assert len(card.log.rows()) == 1
    assert card.log.table.item(0, 6).text() == "2026-07-05"


def test_open_and_resolve_a_dispute(qtbot, book) -> None:
    card = _card(qtbot, book, book.shmy)
    first = book.invoices[0]
    dialog = card.open_dispute(first)
    assert dialog.invoice_combo.currentData() == first
    type_text(dialog.reason_edit, "数量不符")
    type_text(dialog.amount_edit, "300")
    with qtbot.waitSignal(card.loaded, timeout=3000):
        qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return)
    assert scalar(book.ctx, "SELECT disputed FROM invoices WHERE id=:i", i=first) == 1
    assert scalar(book.ctx, "SELECT amount_minor FROM disputes") == 30000
    card.disputes.table.setCurrentCell(0, 0)
    resolve = card.resolve_dispute()
    type_text(resolve.resolution_edit, "补发20件")
    with qtbot.waitSignal(card.loaded, timeout=3000):
        resolve.accept()
    assert scalar(book.ctx, "SELECT disputed FROM invoices WHERE id=:i", i=first) == 0
    assert card.disputes.rows()[0].status == "resolved"


def test_overdue_reason_with_an_extended_due_date(qtbot, book) -> None:
    page = InvoicesPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.show()
    first = book.invoices[0]  # due 2026-05-01
    page.select_id(first)
    dialog = page.edit_overdue_reason()
    qtbot.waitUntil(lambda: "INV" in dialog.info_label.text(), timeout=3000)
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("funds_tight"))
    dialog.measure_combo.setCurrentIndex(dialog.measure_combo.findData("extended_due_date"))
    type_text(dialog.due_edit, "2026-07-31")
    type_text(dialog.measure_note_edit, "王总同意")
    audits = audit_count(book.ctx, "set_overdue_reason")
    with qtbot.waitSignal(dialog.saved, timeout=3000):
        qtbot.keyClick(dialog.measure_note_edit, Qt.Key.Key_Return)
    wait_for_idle()
    due = scalar(
        book.ctx, "SELECT due_date FROM invoice_schedule_lines WHERE invoice_id=:i", i=first
    )
    assert due == "2026-07-31"
    assert audit_count(book.ctx, "set_overdue_reason") == audits + 1
    reason_col = next(i for i, c in enumerate(page.model.columns) if c.key == "overdue_reason_code")
    row_index = page.model.row_of_id(first)
    qtbot.waitUntil(
        lambda: page.model.index(row_index, reason_col).data() == "Funds tight", timeout=3000
    )


def test_an_open_card_follows_changes_made_elsewhere(qtbot, book) -> None:
    window = MainWindow(book.ctx, as_of=AS_OF)
    qtbot.addWidget(window)
    window.show()
    window.show_page("customers")
    card = window.page("customers").actions_.open_card(book.shmy)
    qtbot.waitUntil(lambda: card.data is not None, timeout=3000)
    wait_for_idle()
    balance = card.data.detail.balance
    loads: list[object] = []
    card.loaded.connect(loads.append)

    def receipt(customer_id: int, amount: str):
        data = PaymentInput(customer_id, date(2026, 6, 29), Money.of(amount, "CNY"))
        return lambda _progress: record_payment(book.ctx, data)

    # A receipt for someone else, posted on the Payments page: the card stays as it is.
    window.show_page("payments")
    BackgroundOp(window.page("payments"), receipt(book.acme, "10.00")).run()
    wait_for_idle()
    qtbot.wait(50)
    assert loads == []
    # One for this customer: the open card reloads its figures and its payments list.
    with qtbot.waitSignal(card.loaded, timeout=3000):
        BackgroundOp(window.page("payments"), receipt(book.shmy, "500.00")).run()
    assert card.data.detail.balance == balance - Money.of("500.00", "CNY")
    qtbot.waitUntil(lambda: card.payments.rowCount() == 2, timeout=3000)
    # Changes made from the card itself come back through the fan-out: loaded once, not twice.
    loads.clear()
    dialog = card.log_contact("call")
    type_text(dialog.summary_edit, "催款")
    type_text(dialog.follow_up_edit, "2026/7/5")
    with qtbot.waitSignal(card.loaded, timeout=3000):
        qtbot.keyClick(dialog.follow_up_edit, Qt.Key.Key_Return)
    wait_for_idle()
    qtbot.wait(50)
    assert len(loads) == 1
