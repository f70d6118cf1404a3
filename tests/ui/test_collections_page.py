"""The Collections page (催收工作台) over the small seeded book plus a promise and a follow-up."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_ar.domain.money import Money
from desktop_ar.services.activity import LogInput, log_contact
from desktop_ar.services.promises import list_promises, record_promise
from desktop_ar.ui.main_window import MainWindow
from desktop_ar.ui.models.worklist_model import COLUMNS
from desktop_ar.ui.pages.collections import CollectionsPage
from desktop_ar.ui.pages.customer_card import CustomerCardDialog
from desktop_ar.ui.tasks import wait_for_idle

AS_OF = date(2026, 6, 30)


@pytest.fixture
def work_book(book):
    # C002 (李娜) promised 1,000 for today; C004 (Tom) asked to be called back yesterday.
    record_promise(book.ctx, book.shmy2, Money.of("1000", "CNY"), AS_OF, made_on=date(2026, 6, 25))
    log_contact(
        book.ctx,
        book.acme,
        LogInput(
            "call",
            "Asked for a copy of the invoice",
            date(2026, 6, 20),
            next_follow_up=date(2026, 6, 29),
        ),
    )
    return book


@pytest.fixture
def page(qtbot, work_book):
    page = CollectionsPage(work_book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1300, 600)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    return page


def column(page: CollectionsPage, name: str, role: int = Qt.ItemDataRole.DisplayRole) -> list:
    col = COLUMNS.index(name)
    return [page.proxy.index(r, col).data(role) for r in range(page.proxy.rowCount())]


def row_of(page: CollectionsPage, kind: str, code: str) -> int:
    pairs = list(zip(column(page, "kind"), column(page, "code"), strict=True))
    return pairs.index((kind, code))


def test_the_page_lists_the_kinds_most_urgent_first(page: CollectionsPage) -> None:
    assert page.title() == "Collections"
    kinds = column(page, "kind")
    assert kinds[0] == "Promise due"
    assert {"Promise due", "Overdue", "Follow-up"} <= set(kinds)
    assert ("Promise due", "C002") in zip(kinds, column(page, "code"), strict=True)
    assert ("Follow-up", "C004") in zip(kinds, column(page, "code"), strict=True)
    overdue = {c for k, c in zip(kinds, column(page, "code"), strict=True) if k == "Overdue"}
    assert {"C001", "C003"} <= overdue
    row = row_of(page, "Overdue", "C001")
    amount_col = COLUMNS.index("amount")
    index = page.proxy.index(row, amount_col)
    assert index.data().startswith("CNY ") and index.data().endswith(".00")
    align = Qt.AlignmentFlag(index.data(Qt.ItemDataRole.TextAlignmentRole))
    assert align & Qt.AlignmentFlag.AlignRight
    assert column(page, "name")[row] == "上海明远贸易有限公司"
    assert column(page, "collector")[row] == "王芳"
    assert page.row_count() == len(kinds)
    assert page.count_label.text() == f"{len(kinds)} item(s) to chase"


def test_the_collector_filter_narrows_the_rows(qtbot, page: CollectionsPage) -> None:
    combo = page.collector_combo
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names[0] == "All collectors"
    assert set(names[1:]) == {"王芳", "李娜", "Tom"}
    total = page.row_count()
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("李娜"))
    assert set(column(page, "collector")) == {"李娜"}
    assert set(column(page, "code")) == {"C002"}
    assert page.row_count() < total
    assert page.count_label.text() == f"{page.row_count()} item(s) to chase"
    combo.setCurrentIndex(combo.findData("Tom"))
    assert column(page, "kind") == ["Follow-up", "Due soon"]  # Acme's invoice falls due 07-01
    assert set(column(page, "code")) == {"C004"}
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.refresh()  # the chosen collector survives a reload
    assert combo.currentData() == "Tom" and page.row_count() == 2
    combo.setCurrentIndex(0)
    assert page.row_count() == total


def test_double_click_opens_the_customer_card(qtbot, page: CollectionsPage, work_book) -> None:
    index = page.proxy.index(row_of(page, "Overdue", "C001"), COLUMNS.index("name"))
    rect = page.table.visualRect(index)
    viewport = page.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.customer_opened, timeout=3000) as opened:
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [work_book.shmy]
    cards = page.findChildren(CustomerCardDialog)
    assert [c.customer_id for c in cards] == [work_book.shmy]
    qtbot.waitUntil(lambda: cards[0].data is not None, timeout=5000)
    cards[0].close()
    wait_for_idle()


def test_enter_in_the_main_window_uses_the_customers_page_route(qtbot, work_book) -> None:
    window = MainWindow(work_book.ctx, as_of=AS_OF)
    qtbot.addWidget(window)
    window.show()
    page = window.page("collections")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        window.show_page("collections")
    assert window.current_key() == "collections"
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(row_of(page, "Follow-up", "C004"), 0))
    with qtbot.waitSignal(page.customer_opened, timeout=3000):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    cards = window.page("customers").actions_.cards
    assert list(cards) == [work_book.acme]
    qtbot.waitUntil(lambda: cards[work_book.acme].data is not None, timeout=5000)
    cards[work_book.acme].close()
    wait_for_idle()


def test_the_promise_dialog_records_a_promise(qtbot, page: CollectionsPage, work_book) -> None:
    assert not page.promise_button.isEnabled()  # nothing selected yet
    page.table.setCurrentIndex(page.proxy.index(row_of(page, "Overdue", "C001"), 0))
    assert page.promise_button.isEnabled()
    qtbot.mouseClick(page.promise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=5000)
    dialog = page.dialog
    assert "上海明远贸易有限公司" in dialog.findChild(object, "customerLabel").text()
    assert dialog.amount_edit.value() is not None  # the overdue total is offered
    numbers = [dialog.invoice_combo.itemText(i) for i in range(dialog.invoice_combo.count())]
    assert numbers[0] == "No particular invoice" and len(numbers) >= 2
    dialog.amount_edit.clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible() and "Amount" in dialog.error_label.text()
    dialog.date_field.setText("2026-06-01")  # before the day the promise is made
    qtbot.keyClicks(dialog.amount_edit, "2000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "before" in dialog.error_label.text(), timeout=5000)
    assert dialog.save_button.isEnabled()
    assert dialog.isVisible()
    dialog.date_field.setText("2026-07-10")
    dialog.invoice_combo.setCurrentIndex(1)
    dialog.note_edit.setText("财务说月初付款")
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    [promise] = list_promises(work_book.ctx, customer_id=work_book.shmy)
    assert promise.amount == Money.of("2000", "CNY")
    assert promise.promised_date == date(2026, 7, 10)
    assert promise.made_on == AS_OF
    assert promise.invoice_id is not None and promise.note == "财务说月初付款"
    wait_for_idle()
