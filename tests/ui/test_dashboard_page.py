"""The Dashboard page over the small seeded book (tests/ui/conftest.py): a user's view of it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from desktop_ar.domain import metrics
from desktop_ar.domain.money import Money
from desktop_ar.services.analysis.dashboard import dashboard, default_period
from desktop_ar.services.changes import Changes
from desktop_ar.ui.formatting import format_money, format_pct
from desktop_ar.ui.pages.dashboard import TILE_KEYS, DashboardPage

AS_OF = date(2026, 6, 30)


@pytest.fixture
def page(qtbot, book):
    page = DashboardPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    return page


def test_tiles_show_the_service_figures(page: DashboardPage, book) -> None:
    expected = dashboard(book.ctx, AS_OF)
    assert page.title() == "Dashboard"
    assert page.period() == default_period(AS_OF) == (date(2025, 7, 1), AS_OF)
    receivable = expected.figure("receivable").value
    assert isinstance(receivable, Money) and receivable.minor > 0
    assert page.tiles["receivable"].value_label.text() == format_money(receivable)
    assert "CNY" in page.tiles["receivable"].caption_label.text()
    for key in ("overdue_share", "cei", "collection_rate", "unpaid_orders_share"):
        value = expected.figure(key).value
        text = page.tiles[key].value_label.text()
        assert text == (format_pct(value) if value is not None else "Not available"), key
    for key in ("dso", "average_days_to_pay"):
        value = expected.figure(key).value
        text = page.tiles[key].value_label.text()
        assert text == (f"{value:.1f} d" if value is not None else "Not available"), key
    assert page.tiles["overdue_share"].value_label.text() != "Not available"


def test_tooltips_hold_the_definitions(page: DashboardPage) -> None:
    for key in TILE_KEYS:
        assert page.tiles[key].toolTip() == metrics.DEFINITIONS[key][0], key
        assert page.tiles[key].caption_label.text()


def test_undefined_figures_show_not_available(qtbot, ctx) -> None:
    page = DashboardPage(ctx, as_of=AS_OF)  # an empty book: shares over zero are undefined
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    data = dashboard(ctx, AS_OF)
    for key in TILE_KEYS:
        if data.figure(key).value is None:
            assert page.tiles[key].value_label.text() == "Not available", key
    assert page.tiles["overdue_share"].value_label.text() == "Not available"
    assert page.row_count() == 0


def test_charts_have_one_bar_per_bucket_and_month(page: DashboardPage) -> None:
    data = page.data
    assert data is not None
    assert page.aging_chart.bar_counts() == [len(data.bucket_labels)]
    assert len(page.aging_chart.categories()) == len(data.bucket_labels) == 5
    assert page.monthly_chart.bar_counts() == [12, 12]
    assert len(page.monthly_chart.categories()) == 12
    values = [page.aging_chart.sets[0].at(i) for i in range(len(data.bucket_totals))]
    assert values == [float(m.to_decimal()) for m in data.bucket_totals]
    june = page.monthly_chart.sets[0].at(11)
    assert june == float(data.months[-1].invoiced.to_decimal()) > 0


def test_top_debtors_table(page: DashboardPage) -> None:
    data = page.data
    assert data is not None and page.row_count() == len(data.top_debtors) == 4
    table = page.debtors
    headers = [table.horizontalHeaderItem(c).text() for c in range(4)]
    assert headers == ["Code", "Customer", "Balance", "Overdue"]
    first = data.top_debtors[0]
    assert table.item(0, 0).text() == first.code
    assert table.item(0, 1).text() == first.name
    assert table.item(0, 2).text() == format_money(first.balance)
    assert table.item(0, 3).text() == format_money(first.overdue)
    assert table.item(0, 2).textAlignment() & Qt.AlignmentFlag.AlignRight
    # Chinese names are not clipped: the name column is as wide as the longest name.
    width = max(table.fontMetrics().horizontalAdvance(d.name) for d in data.top_debtors)
    assert table.columnWidth(1) >= width


def test_changing_the_period_requeries(qtbot, page: DashboardPage) -> None:
    before = page.queries
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.from_field.setText("2026-04-01")
    assert page.queries == before + 1
    assert page.data is not None and page.data.date_from == date(2026, 4, 1)
    assert page.monthly_chart.bar_counts() == [3, 3]
    expected = dashboard(page._ctx, AS_OF, date(2026, 4, 1), AS_OF)
    dso = expected.figure("dso").value
    assert page.tiles["dso"].value_label.text() == f"{dso:.1f} d"


def test_an_inverted_period_is_refused(qtbot, page: DashboardPage) -> None:
    before = page.queries
    page.from_field.setText("2026-07-01")
    page.refresh()
    assert page.queries == before
    assert "period" in page.status_label.text()


def test_as_of_and_changes_reload(qtbot, page: DashboardPage) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.set_as_of(date(2026, 5, 31))
    assert page.data is not None and page.data.as_of == date(2026, 5, 31)
    assert page.period() == default_period(date(2026, 5, 31))
    before = page.queries
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.on_changes(Changes(payments={1}))
    assert page.queries == before + 1


def test_a_chosen_period_stays_when_the_as_of_date_moves(qtbot, page: DashboardPage) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.from_field.setText("2026-01-01")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.set_as_of(date(2026, 6, 15))
    assert page.period() == (date(2026, 1, 1), AS_OF)


def test_tooltips_follow_a_chinese_interface(qtbot, page: DashboardPage, monkeypatch) -> None:
    import desktop_ar.ui.pages.dashboard as module

    monkeypatch.setattr(module, "interface_is_chinese", lambda: True)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.refresh()
    assert page.tiles["cei"].toolTip() == metrics.DEFINITIONS["cei"][1]
