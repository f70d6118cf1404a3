"""Orders, the credit check, shipments and invoicing from orders, driven like a user."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop_ar.domain.money import Money
from desktop_ar.services.orders import (
    OrderInput,
    OrderLineInput,
    confirm_order,
    create_order,
    get_order,
    record_shipment,
)
from desktop_ar.services.payments import PaymentInput, record_payment
from desktop_ar.ui.dialogs.credit_check_dialog import CreditCheckDialog
from desktop_ar.ui.dialogs.invoice_order_dialog import InvoiceOrderDialog, ShipmentDialog
from desktop_ar.ui.dialogs.order_dialog import OrderDialog
from desktop_ar.ui.pages.invoices import InvoicesPage
from desktop_ar.ui.pages.orders import OrdersPage
from desktop_ar.ui.tasks import wait_for_idle
from tests.services.helpers import row, scalar
from tests.ui.test_payment_dialogs import show, type_text

AS_OF = date(2026, 6, 30)


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


def make_order(ctx, customer_id: int, qty: str = "10", price: str = "100.00") -> int:
    line = OrderLineInput(
        item="螺丝 M8", quantity=Decimal(qty), unit_price=cny(price), tax_rate=Decimal("0.13")
    )
    oid, _ = create_order(
        ctx, OrderInput(customer_id=customer_id, order_date=date(2026, 6, 20), lines=[line])
    )
    return oid


def type_cell(qtbot, table, r: int, c: int, text: str) -> None:
    table.setFocus()
    table.setCurrentCell(r, c)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    type_text(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # commits, like leaving the cell


def test_type_an_order_with_two_lines_and_equal_instalments(qtbot, book) -> None:
    dialog = show(qtbot, OrderDialog(ctx=book.ctx))
    dialog.customer.lineEdit().selectAll()
    qtbot.keyClicks(dialog.customer.lineEdit(), "C003")
    qtbot.waitUntil(lambda: not dialog.customer.is_busy())
    assert dialog.customer.customer().id == book.beijing
    qtbot.keyClicks(dialog.contract, "HT-2026-0042")
    table = dialog.lines
    type_cell(qtbot, table, 0, 0, "螺丝 M8")
    type_cell(qtbot, table, 0, 1, "10")
    type_cell(qtbot, table, 0, 2, "¥99.50")
    qtbot.mouseClick(dialog.add_line, Qt.MouseButton.LeftButton)
    type_cell(qtbot, table, 1, 0, "垫片")
    type_cell(qtbot, table, 1, 1, "１.5")  # a full-width digit from a Chinese IME
    type_cell(qtbot, table, 1, 2, "10.01")
    type_cell(qtbot, table, 1, 3, "0%")
    assert [table.item(0, c).text() for c in (5, 6, 7)] == ["995.00", "129.35", "1,124.35"]
    assert table.item(1, 7).text() == "15.02"
    assert "Total 1,139.37 CNY" in dialog.totals.text()
    assert "Margin 1,010.02" in dialog.totals.text()  # no costs typed
    # A bad cell says what is wrong and the totals leave the plan undefined.
    type_cell(qtbot, table, 1, 1, "abc")
    assert "is not an amount" in table.item(1, 1).toolTip()
    type_cell(qtbot, table, 1, 1, "1.5")
    # Equal instalments: three, a month apart, from 2026-07-31.
    plan = dialog.plan
    plan.mode.setCurrentIndex(plan.mode.findData("equal"))
    plan.first_due.clear()
    qtbot.keyClicks(plan.first_due, "2026-07-31")
    assert plan.preview.text() == ("2026-07-31 379.79, 2026-08-31 379.79, 2026-09-30 379.79")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert dialog.saved_id is not None and not dialog.isVisible()
    detail = get_order(book.ctx, dialog.saved_id)
    assert detail.customer_id == book.beijing and detail.contract_ref == "HT-2026-0042"
    assert detail.total == cny("1139.37") and len(detail.lines) == 2
    assert detail.lines[1].quantity == Decimal("1.5") and detail.lines[1].tax_rate == 0
    assert [a for _d, a in detail.instalments] == [cny("379.79")] * 3
    assert detail.status == "draft"


def test_custom_instalments_must_add_up_before_saving(qtbot, book) -> None:
    oid = make_order(book.ctx, book.beijing)  # 1,130.00
    dialog = show(qtbot, OrderDialog(ctx=book.ctx, order_id=oid))
    qtbot.waitUntil(lambda: dialog.isEnabled() and dialog.lines.rowCount() == 1)
    qtbot.waitUntil(lambda: dialog.customer.customer() is not None)
    plan = dialog.plan
    plan.mode.setCurrentIndex(plan.mode.findData("custom"))
    qtbot.mouseClick(plan.add_row, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(plan.add_row, Qt.MouseButton.LeftButton)
    type_cell(qtbot, plan.rows, 0, 0, "2026-07-31")
    type_cell(qtbot, plan.rows, 0, 1, "500")
    type_cell(qtbot, plan.rows, 1, 0, "2026-08-31")
    type_cell(qtbot, plan.rows, 1, 1, "600")
    assert "difference +30.00" in plan.status.text()
    assert not dialog.save_button.isEnabled()
    type_cell(qtbot, plan.rows, 1, 1, "630")
    assert "difference 0.00" in plan.status.text()
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert [str(d) for d, _a in get_order(book.ctx, oid).instalments] == [
        "2026-07-31",
        "2026-08-31",
    ]


def test_confirm_blocked_shows_reasons_and_admin_overrides(qtbot, book) -> None:
    oid = make_order(book.ctx, book.shmy2)  # the 6,000 open is already over the 5,000 limit
    dialog = show(qtbot, CreditCheckDialog(ctx=book.ctx, order_id=oid, number="SO-000001"))
    qtbot.waitUntil(lambda: dialog.result_ is not None)
    assert "Blocked" in dialog.outcome.text()
    reasons = [dialog.reasons.item(i).text() for i in range(dialog.reasons.count())]
    assert reasons == [
        "Exposure of 7,130.00 CNY is over the credit limit of 5,000.00 CNY by 2,130.00 CNY."
    ]
    assert dialog.exposure.text() == "7,130.00 CNY" and dialog.headroom.text() == "-2,130.00 CNY"
    assert not dialog.confirm_button.isEnabled()
    qtbot.mouseClick(dialog.override_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)  # no reason yet
    assert "reason" in dialog.error_label.text()
    type_text(dialog.reason_edit, "老客户，总经理批准")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert dialog.confirmed and not dialog.isVisible()
    status, by, reason = row(
        book.ctx,
        "SELECT status, credit_override_by, credit_override_reason FROM orders WHERE id = :i",
        i=oid,
    )
    assert (status, by, reason) == ("confirmed", "tester", "老客户，总经理批准")


def test_bookkeeper_cannot_override(qtbot, book) -> None:
    oid = make_order(book.ctx, book.shmy2)
    ctx = dataclasses.replace(book.ctx, role="bookkeeper")
    dialog = show(qtbot, CreditCheckDialog(ctx=ctx, order_id=oid))
    qtbot.waitUntil(lambda: dialog.result_ is not None)
    assert not dialog.override_button.isEnabled()
    assert "Only an administrator" in dialog.override_note.text()
    assert not dialog.confirm_button.isEnabled()


def test_confirm_passes_for_a_customer_within_limits(qtbot, book) -> None:
    oid = make_order(book.ctx, book.shmy, qty="1")
    dialog = show(qtbot, CreditCheckDialog(ctx=book.ctx, order_id=oid))
    qtbot.waitUntil(lambda: dialog.result_ is not None)
    assert "passed" in dialog.outcome.text() and dialog.override_button.isHidden()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter confirms
    wait_for_idle()
    assert scalar(book.ctx, "SELECT status FROM orders WHERE id = :i", i=oid) == "confirmed"


def test_shipment_then_invoice_a_partial_delivery(qtbot, book) -> None:
    oid = make_order(book.ctx, book.beijing)
    confirm_order(book.ctx, oid, override_reason="预付款已到")
    ship = show(qtbot, ShipmentDialog(ctx=book.ctx, order_id=oid))
    qtbot.waitUntil(lambda: ship.detail is not None)
    assert ship.table.item(0, 4).text() == "10"  # defaults to everything ordered
    type_cell(qtbot, ship.table, 0, 4, "4")
    qtbot.keyClicks(ship.reference, "SF1234567")
    qtbot.mouseClick(ship.ok_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    detail = get_order(book.ctx, oid)
    assert detail.lines[0].delivered == 4 and detail.shipment_ref == "SF1234567"

    dialog = show(qtbot, InvoiceOrderDialog(ctx=book.ctx, order_id=oid))
    qtbot.waitUntil(lambda: dialog.detail is not None)
    assert dialog.table.item(0, 4).text() == "4"  # delivered − invoiced
    assert "About 452.00 CNY" in dialog.summary.text()
    type_cell(qtbot, dialog.table, 0, 4, "5")  # more than delivered: refused by the service
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert "only 4 is delivered" in dialog.error_label.text()
    type_cell(qtbot, dialog.table, 0, 4, "4")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert not dialog.isVisible()
    amount, order_id = row(
        book.ctx, "SELECT amount_minor, order_id FROM invoices ORDER BY id DESC LIMIT 1"
    )
    assert (amount, order_id) == (45200, oid)
    assert get_order(book.ctx, oid).lines[0].invoiced == 4


def test_orders_page_lists_and_opens_dialogs(qtbot, book) -> None:
    draft = make_order(book.ctx, book.shmy)
    confirmed = make_order(book.ctx, book.beijing)
    confirm_order(book.ctx, confirmed, override_reason="ok")
    record_shipment(
        book.ctx, confirmed, AS_OF, "", {get_order(book.ctx, confirmed).lines[0].id: Decimal(2)}
    )
    page = show(qtbot, OrdersPage(book.ctx, as_of=AS_OF))
    qtbot.waitUntil(lambda: page.row_count() == 2)
    statuses = [page.filter_bar.status.itemText(i) for i in range(page.filter_bar.status.count())]
    assert "Delivered, not invoiced" in statuses
    page.filter_bar.status.setCurrentIndex(page.filter_bar.status.findData("uninvoiced"))
    qtbot.waitUntil(lambda: page.row_count() == 1)
    page.select_row(0)
    assert page.current_id() == confirmed
    assert page.invoice_action.isEnabled() and not page.confirm_action.isEnabled()
    assert isinstance(page.invoice_current(), InvoiceOrderDialog)
    page.dialog.reject()
    page.filter_bar.status.setCurrentIndex(page.filter_bar.status.findData("draft"))
    qtbot.waitUntil(lambda: page.row_count() == 1)
    page.select_row(0)
    assert page.current_id() == draft and page.model.row_object(0).status == "draft"
    assert isinstance(page.confirm_current(), CreditCheckDialog)
    page.dialog.reject()
    cancel = page.cancel_current()
    cancel.setTextValue("客户取消")
    cancel.accept()
    wait_for_idle()
    assert scalar(book.ctx, "SELECT status FROM orders WHERE id = :i", i=draft) == "cancelled"
    page.new_action.trigger()
    assert isinstance(page.dialog, OrderDialog)
    page.dialog.reject()


def test_invoices_page_fapiao_credit_note_and_refund(qtbot, book) -> None:
    page = show(qtbot, InvoicesPage(book.ctx, as_of=AS_OF))
    combo = page.filter_bar.status
    combo.setCurrentIndex(combo.findData("no_fapiao"))
    assert combo.currentText() == "Without fapiao"
    qtbot.waitUntil(lambda: page.row_count() == 5)
    page.select_id(book.invoices[0])
    fapiao = page.edit_fapiao()
    qtbot.keyClicks(fapiao.number, "24000001")
    qtbot.keyClick(fapiao.number, Qt.Key.Key_Return)
    wait_for_idle()
    assert (
        scalar(book.ctx, "SELECT fapiao_number FROM invoices WHERE id = :i", i=book.invoices[0])
        == "24000001"
    )
    qtbot.waitUntil(lambda: page.row_count() == 4)

    page.select_id(book.invoices[1])
    note = page.credit_note()
    qtbot.keyClicks(note.amount, "650.50")
    type_text(note.reason, "退货")
    note.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    wait_for_idle()
    assert (
        scalar(book.ctx, "SELECT open_minor FROM invoices WHERE id = :i", i=book.invoices[1])
        == 565050 - 65050
    )

    record_payment(book.ctx, PaymentInput(book.shmy, AS_OF, cny("300")), allocate="none")
    refund = page.refund()
    qtbot.waitUntil(refund.save_button.isEnabled)
    assert refund.available.text() == "300.00 CNY"
    refund.save_button.click()
    wait_for_idle()
    assert scalar(book.ctx, "SELECT sum(amount_minor) FROM refunds") == 30000
