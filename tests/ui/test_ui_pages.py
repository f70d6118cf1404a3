"""Customers, Invoices and Payments pages over a real book, driven like a user."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt

from desktop_ar.services.changes import Changes
from desktop_ar.services.customers import CustomerInput, create_customer
from desktop_ar.ui.models.roles import Role
from desktop_ar.ui.pages.customers import CustomersPage
from desktop_ar.ui.pages.invoices import InvoicesPage
from desktop_ar.ui.pages.payments import PaymentsPage
from desktop_ar.ui.tasks import wait_for_idle

AS_OF = date(2026, 6, 30)


def column_values(page, key: str) -> list[str]:
    col = next(i for i, c in enumerate(page.model.columns) if c.key == key)
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def click_header(qtbot, page, key: str) -> None:
    col = next(i for i, c in enumerate(page.model.columns) if c.key == key)
    header = page.view.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def customers_page(qtbot, book) -> CustomersPage:
    page = CustomersPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_customers_listed_with_balances(qtbot, book) -> None:
    page = customers_page(qtbot, book)
    assert page.row_count() == 4
    assert column_values(page, "code") == ["C001", "C002", "C003", "C004"]
    assert column_values(page, "name")[0] == "上海明远贸易有限公司"
    # 11,300.00 + 5,650.50 − 1,000.00 received
    assert column_values(page, "balance")[0] == "15,950.50"
    bal_col = next(i for i, c in enumerate(page.model.columns) if c.key == "balance")
    assert page.model.index(0, bal_col).data(Role.Clipboard) == "15950.50"


def test_typing_pinyin_initials_filters(qtbot, book) -> None:
    page = customers_page(qtbot, book)
    qtbot.keyClicks(page.filter_bar.edit, "shmy")
    qtbot.waitUntil(lambda: page.row_count() == 2, timeout=2000)
    names = column_values(page, "name")
    assert all(n.startswith("上海明远") for n in names)
    page.filter_bar.edit.clear()
    qtbot.keyClicks(page.filter_bar.edit, "C003")
    qtbot.waitUntil(lambda: page.row_count() == 1, timeout=2000)
    assert column_values(page, "name") == ["北京华北科技有限公司"]
    qtbot.keyClick(page.filter_bar.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.row_count() == 4, timeout=2000)


def test_status_filter(qtbot, book) -> None:
    page = customers_page(qtbot, book)
    combo = page.filter_bar.status
    combo.setCurrentIndex(combo.findData("overdue"))
    # C001's first invoice was due 2026-05-01; C003's 2026-03-31
    assert sorted(column_values(page, "code")) == ["C001", "C003"]


def test_header_click_sorts_in_sql(qtbot, book) -> None:
    page = customers_page(qtbot, book)
    calls_before = page.model.stats["count"]
    click_header(qtbot, page, "balance")
    codes_asc = column_values(page, "code")
    click_header(qtbot, page, "balance")
    codes_desc = column_values(page, "code")
    assert page.model.stats["count"] == calls_before + 2  # each click re-queried
    assert codes_desc == codes_asc[::-1]
    assert codes_desc[0] == "C001"  # the biggest balance first
    assert page.model.sort_spec.key == "balance" and page.model.sort_spec.descending


def test_selecting_a_customer_fills_the_panel(qtbot, book) -> None:
    page = customers_page(qtbot, book)
    panel = page.panel
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        page.select_row(0)
    assert panel.name_label.text() == "上海明远贸易有限公司"
    assert panel.fields["balance"].text() == "15,950.50 CNY"
    assert panel.fields["credit_limit"].text() == "20,000.00 CNY"
    assert panel.credit_bar.text() == "79.8 %"
    assert panel.invoices.rowCount() == 2
    # C002 owes 6,000 against a 5,000 limit: the bar is full and red
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        page.select_row(1)
    assert panel.credit_bar.text() == "120.0 %"
    assert panel.credit_bar.value() == panel.credit_bar.maximum()
    assert "background-color" in panel.credit_bar.styleSheet()


def test_hidden_page_refreshes_when_shown(qtbot, book) -> None:
    page = customers_page(qtbot, book)
    page.hide()
    _cid, changes = create_customer(book.ctx, CustomerInput(name="广州新客户", code="C005"))
    page.on_changes(changes)
    assert page.row_count() == 4  # deferred while hidden
    page.show()
    qtbot.waitUntil(lambda: page.row_count() == 5, timeout=2000)
    wait_for_idle()


def test_visible_page_marks_rows_stale_on_other_changes(qtbot, book) -> None:
    page = customers_page(qtbot, book)
    rows_before = page.model.stats["rows"]
    count_before = page.model.stats["count"]
    page.on_changes(Changes(invoices={1}))
    page.model.index(0, 0).data()
    assert page.model.stats["rows"] == rows_before + 1
    assert page.model.stats["count"] == count_before  # no re-count for a balance change
    wait_for_idle()


def test_invoices_page_filters(qtbot, book) -> None:
    page = InvoicesPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.show()
    assert page.row_count() == 5
    combo = page.filter_bar.status
    combo.setCurrentIndex(combo.findData("overdue"))
    assert page.row_count() == 2
    days_col = next(i for i, c in enumerate(page.model.columns) if c.key == "days_overdue")
    assert all(page.model.index(r, days_col).data(Role.Raw) > 0 for r in range(2))
    combo.setCurrentIndex(combo.findData("all"))
    page.show_customer(book.shmy, "C001")
    assert page.row_count() == 2
    assert page.customer_chip.isVisible()
    qtbot.mouseClick(page.customer_chip, Qt.MouseButton.LeftButton)
    assert page.row_count() == 5


def test_payments_page(qtbot, book) -> None:
    page = PaymentsPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.show()
    assert page.row_count() == 1
    assert column_values(page, "amount") == ["1,000.00"]
    statuses = [page.filter_bar.status.itemData(i) for i in range(page.filter_bar.status.count())]
    assert statuses == ["all", "posted", "unallocated", "reversed", "unidentified"]


def test_header_layout_remembered(qtbot, book, ui_settings) -> None:
    page = customers_page(qtbot, book)
    page.view.setColumnWidth(1, 333)
    click_header(qtbot, page, "overdue")
    page.save_state()
    page.close()
    again = customers_page(qtbot, book)
    assert again.view.columnWidth(1) == 333
    assert again.model.sort_spec.key == "overdue"
    assert ui_settings.exists()
