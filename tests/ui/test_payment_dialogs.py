"""Receipts, allocation and reversal, driven like a user over a real book."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from desktop_ar.domain.money import Money
from desktop_ar.services.payments import PaymentInput, record_payment
from desktop_ar.ui.dialogs.allocation_dialog import AllocationDialog
from desktop_ar.ui.dialogs.allocation_table import APPLY, DISCOUNT
from desktop_ar.ui.dialogs.payment_dialog import PaymentDialog
from desktop_ar.ui.pages.payments import PaymentsPage
from desktop_ar.ui.tasks import wait_for_idle
from desktop_ar.ui.widgets.date_field import DateField
from desktop_ar.ui.widgets.money_edit import MoneyEdit
from tests.services.helpers import invoice_state, payment_unallocated, row, scalar, signature

AS_OF = date(2026, 6, 30)


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


def open_payment(book, amount: str, reference: str = "") -> int:
    result, _ = record_payment(
        book.ctx,
        PaymentInput(book.shmy, date(2026, 6, 20), cny(amount), reference=reference),
        allocate="none",
    )
    return result.payment_id


def type_text(widget, text: str) -> None:
    """Key presses carrying any text (QTest asserts on characters outside Latin-1, as an IME
    sends them: full-width digits, 年月日, Chinese names)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    wait_for_idle()
    return widget


def allocation_dialog(qtbot, book, payment_id: int) -> AllocationDialog:
    dialog = show(qtbot, AllocationDialog(ctx=book.ctx, payment_id=payment_id))
    qtbot.waitUntil(dialog.is_loaded)
    return dialog


def type_in_cell(qtbot, table, row_: int, text: str) -> None:
    table.setFocus()
    table.setCurrentCell(row_, APPLY)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, MoneyEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # commits the edit, like leaving the cell


def test_money_edit_shows_what_it_understood(qtbot) -> None:
    edit = show(qtbot, MoneyEdit("CNY"))
    qtbot.keyClicks(edit, "¥1,234.50")
    assert edit.value() == cny("1234.50")
    assert edit.feedback.text() == "= 1,234.50 CNY"
    edit.clear()
    type_text(edit, "１２３４．５")  # full-width digits from a Chinese IME
    assert edit.value() == cny("1234.50")
    edit.clear()
    qtbot.keyClicks(edit, "12,34.5")
    assert edit.value() is None and "not an amount" in edit.feedback.text()
    edit.set_currency("USD")
    edit.setText("US$5")
    assert edit.value() == Money.of("5", "USD")


def test_date_field_reads_typed_dates(qtbot) -> None:
    field = show(qtbot, DateField())
    type_text(field, "2026年6月5日")
    assert field.value() == date(2026, 6, 5)
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "2026-06-06"
    field.setText("2026-02-30")
    assert field.value() is None and field.error()


def test_record_a_receipt_typed_like_a_user(qtbot, book) -> None:
    dialog = show(qtbot, PaymentDialog(ctx=book.ctx))
    type_text(dialog.customer.lineEdit(), "贸易")
    qtbot.waitUntil(lambda: not dialog.customer.is_busy())
    assert dialog.customer.customer().id == book.shmy
    qtbot.keyClicks(dialog.amount, "¥1,234.50")
    assert dialog.amount.feedback.text() == "= 1,234.50 CNY"
    dialog.date.clear()
    qtbot.keyClicks(dialog.date, "2026/6/25")
    type_text(dialog.reference, "货款")
    qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)  # Enter saves
    wait_for_idle()
    assert dialog.result is not None and not dialog.isVisible()
    amount, unallocated, day = row(
        book.ctx,
        "SELECT amount_minor, unallocated_minor, payment_date FROM payments WHERE id = :i",
        i=dialog.result.payment_id,
    )
    assert (amount, unallocated, day) == (123450, 0, "2026-06-25")  # oldest first


def test_foreign_currency_without_rate_is_refused(qtbot, book) -> None:
    before = signature(book.ctx)
    dialog = show(qtbot, PaymentDialog(ctx=book.ctx, customer_id=book.acme))
    dialog.unidentified.setChecked(True)
    qtbot.keyClicks(dialog.payer, "ACME TRADING")
    dialog.currency.setCurrentText("USD")
    qtbot.keyClicks(dialog.amount, "500")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    wait_for_idle()
    assert "exchange rate" in dialog.error_label.text()
    assert dialog.isVisible() and signature(book.ctx) == before
    qtbot.keyClicks(dialog.rate, "7.1")
    assert dialog.rate_note.text() == "1 USD = 7.1 CNY"
    qtbot.keyClick(dialog.rate, Qt.Key.Key_Return)
    wait_for_idle()
    assert scalar(book.ctx, "SELECT exchange_rate FROM payments WHERE currency = 'USD'") == "7.1"


def test_allocate_oldest_first_edit_a_cell_preview_and_apply(qtbot, book) -> None:
    pid = open_payment(book, "12000")
    dialog = allocation_dialog(qtbot, book, pid)
    assert dialog.table.rowCount() == 2  # 10,300.00 left on the April invoice, 5,650.50
    qtbot.mouseClick(dialog.oldest_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert dialog.table.item(0, APPLY).text() == "10,300.00"
    assert dialog.table.item(1, APPLY).text() == "1,700.00"
    type_in_cell(qtbot, dialog.table, 1, "1,000")
    assert dialog.table.item(1, APPLY).text() == "1,000.00"
    preview = dialog.preview.toPlainText()
    assert "10,300.00 → 0.00" in preview and "5,650.50 → 4,650.50" in preview
    assert "Left as customer credit: 700.00 CNY" in preview
    assert "remaining → customer credit <b>700.00</b>" in dialog.totals.text()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert not dialog.isVisible()
    assert invoice_state(book.ctx, book.invoices[0]) == (0, "paid")
    assert invoice_state(book.ctx, book.invoices[1]) == (465050, "partial")
    assert payment_unallocated(book.ctx, pid) == 70000
    live = "SELECT COUNT(*) FROM allocations WHERE payment_id = :p AND reversed_on IS NULL"
    assert scalar(book.ctx, live, p=pid) == 2


def test_over_allocation_shows_a_message_and_writes_nothing(qtbot, book) -> None:
    pid = open_payment(book, "500")
    dialog = allocation_dialog(qtbot, book, pid)
    before = signature(book.ctx)
    type_in_cell(qtbot, dialog.table, 0, "800")
    assert "more than the 500.00 left" in dialog.error_label.text()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert dialog.isVisible() and signature(book.ctx) == before
    type_in_cell(qtbot, dialog.table, 1, "6000")
    assert "only 5,650.50 is open" in dialog.error_label.text()


def test_small_difference_written_off_with_a_reason(qtbot, book) -> None:
    pid = open_payment(book, "10299.40")
    dialog = allocation_dialog(qtbot, book, pid)
    assert dialog.table.item(0, DISCOUNT).text() == ""
    type_in_cell(qtbot, dialog.table, 0, "10299.40")
    assert "0.60 left on INV-" in dialog.write_off_box.title()
    dialog.write_off_box.setChecked(True)
    assert dialog.write_off_amount.value() == cny("0.60")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert "Say why" in dialog.error_label.text()
    qtbot.keyClicks(dialog.write_off_reason, "bank charge")
    assert "0.60 written off" in dialog.preview.toPlainText()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert invoice_state(book.ctx, book.invoices[0]) == (0, "paid")
    assert row(book.ctx, "SELECT kind, amount_minor, reason FROM write_offs") == (
        "small_difference",
        60,
        "bank charge",
    )


def payments_page(qtbot, book) -> PaymentsPage:
    page = PaymentsPage(book.ctx, as_of=AS_OF)
    page.resize(1100, 600)
    return show(qtbot, page)


def test_page_new_receipt_then_allocate(qtbot, book) -> None:
    page = payments_page(qtbot, book)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N
    dialog = page.dialog
    assert isinstance(dialog, PaymentDialog)
    wait_for_idle()
    dialog.customer.lineEdit().selectAll()  # as tabbing into the field does
    qtbot.keyClicks(dialog.customer.lineEdit(), "C003")
    qtbot.waitUntil(lambda: not dialog.customer.is_busy())
    qtbot.keyClicks(dialog.amount, "300")
    qtbot.mouseClick(dialog.save_allocate_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    allocation = page.dialog
    assert isinstance(allocation, AllocationDialog), dialog.error_label.text()
    qtbot.waitUntil(allocation.is_loaded)
    assert page.row_count() == 2  # the page heard of the new payment
    qtbot.mouseClick(allocation.oldest_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    qtbot.keyClick(allocation.table, Qt.Key.Key_Return)  # Enter applies
    wait_for_idle()
    assert invoice_state(book.ctx, book.invoices[3]) == (50000, "partial")


def test_reverse_restores_the_open_amounts(qtbot, book) -> None:
    page = payments_page(qtbot, book)
    assert invoice_state(book.ctx, book.invoices[0]) == (1030000, "partial")
    page.select_row(0)
    assert page.reverse_action.isEnabled() and not page.allocate_action.isEnabled()
    page.reverse_action.trigger()
    dialog = page.dialog
    qtbot.mouseClick(dialog.reverse_button, Qt.MouseButton.LeftButton)
    assert "Say why" in dialog.error_label.text()
    qtbot.keyClicks(dialog.reason, "cheque bounced")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    wait_for_idle()
    assert invoice_state(book.ctx, book.invoices[0]) == (1130000, "open")
    assert scalar(book.ctx, "SELECT status FROM payments") == "reversed"
    assert not page.reverse_action.isEnabled()
