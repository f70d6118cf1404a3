"""The Aging page over the small seeded book (tests/ui/conftest.py): a user's view of it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QBrush

from desktop_ar.domain.aging import AgingRow
from desktop_ar.domain.money import Money
from desktop_ar.services.overdue_reasons import set_overdue_reason
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.models.aging_model import AgingCustomerModel, AgingFilterProxy
from desktop_ar.ui.models.roles import Role
from desktop_ar.ui.pages.aging import AgingPage

AS_OF = date(2026, 6, 30)


@pytest.fixture
def page(qtbot, book):
    page = AgingPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    return page


def headers(model) -> list[str]:
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def column(page: AgingPage, col: int, role: int = Role.SortKey) -> list:
    return [page.proxy.index(r, col).data(role) for r in range(page.proxy.rowCount())]


def row_of(page: AgingPage, code: str) -> int:
    return column(page, 0, Qt.ItemDataRole.DisplayRole).index(code)


def test_customer_rows_add_up_to_the_summary(page: AgingPage, book) -> None:
    aging = page.currency()
    assert aging is not None and aging.currency == "CNY"
    assert page.title() == "Aging"
    assert headers(page.model)[:3] == ["Code", "Customer", "Kind"]
    assert set(column(page, 0, Qt.ItemDataRole.DisplayRole)) == {"C001", "C002", "C003", "C004"}
    bucket_cols = list(page.model.bucket_columns())
    sums = [sum(column(page, c)) for c in bucket_cols]
    assert sums == [m.minor for m in aging.totals]
    assert sum(column(page, page.model.total_column())) == aging.total.minor > 0
    shown = [format_money(Money(s, "CNY")) for s in sums]
    assert page.summary_values == [*shown, format_money(aging.total)]
    assert page.row_count() == 4
    assert not page.currency_combo.isVisible()  # one currency: no picker


def test_changing_buckets_changes_the_columns(qtbot, page: AgingPage) -> None:
    page.buckets_edit.selectAll()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.keyClicks(page.buckets_edit, "15,45")
    assert headers(page.model)[3:] == ["Current", "1–15", "16–45", "45+", "Total"]
    assert len(page.summary_values) == 5
    assert page.currency().total.minor == sum(column(page, page.model.total_column()))


def test_invalid_buckets_are_marked_and_do_not_reload(qtbot, page: AgingPage) -> None:
    before = headers(page.model)
    page.buckets_edit.selectAll()
    with qtbot.assertNotEmitted(page.loaded, wait=700):
        qtbot.keyClicks(page.buckets_edit, "60,30")
    assert "border" in page.buckets_edit.styleSheet()
    assert "increasing" in page.buckets_edit.toolTip()
    assert headers(page.model) == before
    page.buckets_edit.setText("30,60")
    assert page.buckets_edit.styleSheet() == ""


def test_an_earlier_as_of_date_changes_the_totals(qtbot, page: AgingPage) -> None:
    total_now = page.currency().total
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.as_of_edit.setDate(QDate(2026, 5, 15))
    assert page.as_of() == date(2026, 5, 15)
    earlier = page.currency()
    assert earlier.total != total_now  # the June invoices did not exist yet
    assert earlier.total.minor == sum(column(page, page.model.total_column()))
    assert "2026-05-15" in page.status_label.text()


def test_double_click_shows_the_customers_invoices(qtbot, page: AgingPage, book) -> None:
    index = page.proxy.index(row_of(page, "C001"), 1)
    rect = page.table.visualRect(index)
    viewport = page.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.items_loaded, timeout=10_000):
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    items = page.items_model
    numbers = [items.index(r, 0).data() for r in range(items.rowCount())]
    assert numbers and all(n.startswith("INV") for n in numbers)
    assert "C001" in page.detail_title.text()
    opens = sum(
        items.index(r, items.columnCount() - 1).data(Role.SortKey) for r in range(len(numbers))
    )
    assert opens == page.proxy.index(row_of(page, "C001"), page.model.total_column()).data(
        Role.SortKey
    )


def test_enter_on_a_customer_drills_down(qtbot, page: AgingPage) -> None:
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(row_of(page, "C003"), 0))
    with qtbot.waitSignal(page.items_loaded, timeout=10_000):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.items_model.rowCount() == 1
    assert page.items_model.index(0, 5).data() == "90+"  # issued 2026-03-01, long overdue


def test_sort_by_total_descending_puts_the_biggest_debtor_first(qtbot, page: AgingPage) -> None:
    header = page.table.horizontalHeader()
    col = page.model.total_column()
    at = QPoint(header.sectionViewportPosition(col) + header.sectionSize(col) // 2, 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    if header.sortIndicatorOrder() != Qt.SortOrder.DescendingOrder:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert header.sortIndicatorSection() == col
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    totals = column(page, col)
    assert totals == sorted(totals, reverse=True)
    assert page.proxy.index(0, 0).data() == "C001"  # owes 15,950.50


def test_filter_matches_code_name_and_pinyin(qtbot, page: AgingPage) -> None:
    qtbot.keyClicks(page.filter_edit, "shmy")
    assert sorted(column(page, 0, Qt.ItemDataRole.DisplayRole)) == ["C001", "C002"]
    page.filter_edit.clear()
    qtbot.keyClicks(page.filter_edit, "acme")
    assert column(page, 0, Qt.ItemDataRole.DisplayRole) == ["C004"]
    page.filter_edit.clear()
    qtbot.keyClicks(page.filter_edit, "c003")
    assert column(page, 0, Qt.ItemDataRole.DisplayRole) == ["C003"]


def test_changes_reload_when_visible_and_wait_while_hidden(qtbot, page: AgingPage, book) -> None:
    from desktop_ar.services.payments import PaymentInput, record_payment

    before = page.currency().total
    page.hide()
    _, changes = record_payment(
        book.ctx,
        PaymentInput(customer_id=book.beijing, payment_date=AS_OF, amount=Money.of("800", "CNY")),
    )
    with qtbot.assertNotEmitted(page.loaded, wait=300):
        page.on_changes(changes)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    assert page.currency().total == before - Money.of("800", "CNY")


def test_credit_rows_are_negative_red_and_labelled() -> None:
    ccy = "CNY"
    zero = Money.zero(ccy)
    credit = Money.of("-120.00", ccy)
    rows = [
        AgingRow(1, "C9", "某公司", "credit_note", None, None, None, None, [credit, zero], credit),
        AgingRow(1, "C9", "某公司", "invoice", None, None, None, None, [zero, -credit], -credit),
    ]
    model = AgingCustomerModel()
    model.set_rows(rows, ["current", "30+"])
    assert headers(model) == ["Code", "Customer", "Kind", "Current", "30+", "Total"]
    assert model.index(0, 2).data() == "Credit note"
    assert model.index(1, 2).data() == ""  # invoices need no label
    cell = model.index(0, 3)
    assert cell.data() == "-120.00"
    assert isinstance(cell.data(Qt.ItemDataRole.ForegroundRole), QBrush)
    assert cell.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert cell.data(Role.Clipboard) == "-120.00"
    assert model.index(0, 4).data() == ""  # zero is blank
    assert model.index(1, 3).data(Qt.ItemDataRole.ForegroundRole) is None
    proxy = AgingFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(5, Qt.SortOrder.AscendingOrder)
    assert proxy.index(0, 5).data(Role.SortKey) == -12000


def test_empty_book_says_nothing_is_open(qtbot, ctx) -> None:
    page = AgingPage(ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    assert page.row_count() == 0
    assert page.currency() is None
    assert "Nothing is open" in page.status_label.text()
    assert page.summary_values[-1] == "0.00"


def test_set_as_of_while_hidden_waits_for_show(qtbot, page: AgingPage) -> None:
    page.hide()
    with qtbot.assertNotEmitted(page.loaded, wait=500):
        page.set_as_of(date(2026, 4, 30))
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    assert page.currency().total.minor == sum(column(page, page.model.total_column()))
    assert "2026-04-30" in page.status_label.text()


def test_drill_down_shows_overdue_reason_and_measure(qtbot, book) -> None:
    late = book.invoices[0]  # C001, due 2026-05-01
    set_overdue_reason(book.ctx, late, "quality_complaint", measure="extended_due_date")
    page = AgingPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    with qtbot.waitSignal(page.items_loaded, timeout=10_000):
        page.show_customer(book.shmy)
    items = page.items_model
    head = headers(items)
    reason, measure = head.index("Overdue reason"), head.index("Agreed measure")
    assert head[-1] == "Open" and measure == reason + 1
    shown = {
        items.index(r, 0).data(): (items.index(r, reason).data(), items.index(r, measure).data())
        for r in range(items.rowCount())
    }
    assert ("Quality complaint", "Extended due date") in shown.values()
    assert ("", "") in shown.values()  # the other invoice has none
