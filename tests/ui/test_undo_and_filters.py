"""Edit > Undo after a receipt, the date range above the lists, and the column chooser."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_ar.ui.main_window import MainWindow
from desktop_ar.ui.pages.invoices import InvoicesPage
from desktop_ar.ui.pages.payments import PaymentsPage
from desktop_ar.ui.tasks import wait_for_idle
from desktop_ar.ui.widgets.filter_bar import preset_range
from desktop_ar.ui.widgets.table_view import column_menu
from tests.services.helpers import invoice_state, row
from tests.ui.test_payment_dialogs import type_text

AS_OF = date(2026, 6, 30)


@pytest.fixture
def answer_yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        asked.append(box.text())
        return QMessageBox.StandardButton.Yes.value

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return asked


def window(qtbot, ctx) -> MainWindow:
    w = MainWindow(ctx, as_of=AS_OF)
    qtbot.addWidget(w)
    with qtbot.waitActive(w):  # shortcuts only fire in the active window
        w.show()
        w.activateWindow()
    return w


def test_ctrl_z_after_a_receipt_puts_the_open_amounts_back(qtbot, book, answer_yes) -> None:
    w = window(qtbot, book.ctx)
    assert not w.undo_action.isEnabled()
    w.show_page("payments")
    page = w.page("payments")
    assert isinstance(page, PaymentsPage)
    before = [invoice_state(book.ctx, i) for i in book.invoices]
    dialog = page.new_receipt()
    type_text(dialog.customer.lineEdit(), "贸易")
    qtbot.waitUntil(lambda: not dialog.customer.is_busy())
    qtbot.keyClicks(dialog.amount, "5,000")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    wait_for_idle()
    wait_for_idle()  # the undo step is read back after the save
    assert dialog.result is not None
    pid = dialog.result.payment_id
    assert invoice_state(book.ctx, book.invoices[0])[0] < before[0][0]
    assert w.undo_action.isEnabled()
    assert dialog.result.number in w.undo_action.text()

    with qtbot.waitActive(w):
        w.activateWindow()
    qtbot.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_for_idle()
    assert answer_yes and dialog.result.number in answer_yes[0]
    assert [invoice_state(book.ctx, i) for i in book.invoices] == before
    assert row(book.ctx, "SELECT status FROM payments WHERE id = :i", i=pid) == ("reversed",)
    assert row(book.ctx, "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1") == (
        "undo_payment",
    )
    assert not w.undo_action.isEnabled()
    assert w.undo_action.text() == "&Undo"


def test_a_refused_undo_is_explained_and_dropped(qtbot, book, answer_yes, shown_messages):
    from desktop_ar.services.payments import reverse_payment
    from desktop_ar.services.undo import last_undo_step

    w = window(qtbot, book.ctx)
    pid = int(row(book.ctx, "SELECT max(id) FROM payments")[0])
    step = last_undo_step(book.ctx, "record_payment", pid)
    assert step is not None
    w.undo_stack.push(step)
    reverse_payment(book.ctx, pid, AS_OF, "bounced")
    assert w.undo_action.isEnabled()
    w.undo_action.trigger()
    wait_for_idle()
    assert not w.undo_action.isEnabled()  # it can never succeed: gone from the stack


def test_presets_count_from_the_as_of_date() -> None:
    assert preset_range("this_month", AS_OF) == (date(2026, 6, 1), date(2026, 6, 30))
    assert preset_range("last_month", date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert preset_range("this_year", AS_OF) == (date(2026, 1, 1), date(2026, 12, 31))
    assert preset_range("last_90", AS_OF) == (date(2026, 4, 2), AS_OF)
    assert preset_range("all", AS_OF) == (None, None)


def test_a_from_date_shrinks_the_invoices_list(qtbot, book) -> None:
    page = InvoicesPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.show()
    dates = page.filter_bar.dates
    assert dates is not None and page.row_count() == 5
    qtbot.keyClicks(dates.date_from, "2026/4/15")
    qtbot.keyClick(dates.date_from, Qt.Key.Key_Return)
    assert dates.date_from.text() == "2026-04-15"
    assert dates.preset.currentData() == "custom"
    assert page.row_count() == 3  # issued 06-01, 06-15 and 06-20
    # Due dates instead (NET30): the April invoice, due 05-01, comes in as well.
    dates.field.setCurrentIndex(dates.field.findData("due"))
    assert page.row_count() == 4
    dates.date_from.clear()
    dates.flush()
    assert page.row_count() == 5
    dates.set_preset("last_month")  # May 2026 from the as-of date
    assert (dates.date_from.value(), dates.date_to.value()) == (date(2026, 5, 1), date(2026, 5, 31))
    assert page.row_count() == 1  # the April invoice, due 2026-05-01
    dates.set_preset("all")
    assert page.row_count() == 5
    # The status filter and a customer still combine with the dates.
    dates.set_preset("this_month")
    assert page.model.spec.date_from == date(2026, 6, 1)


def test_hidden_column_stays_hidden_in_a_new_page(qtbot, book) -> None:
    page = InvoicesPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    header = page.view.horizontalHeader()
    menu = column_menu(page.view, page.save_state)
    titles = [a.text() for a in menu.actions() if a.isCheckable()]
    assert len(titles) == header.count()
    target = next(a for a in menu.actions() if a.isCheckable() and a.text() == titles[1])
    target.trigger()  # unchecks: hides the column, and the page saves its layout at once
    assert header.isSectionHidden(header.logicalIndex(1))
    hidden = header.logicalIndex(1)

    again = InvoicesPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(again)
    assert again.view.horizontalHeader().isSectionHidden(hidden)
    menu = column_menu(again.view, again.save_state)
    checks = {a.text(): a.isChecked() for a in menu.actions() if a.isCheckable()}
    assert checks[titles[1]] is False and checks[titles[0]] is True
    show_all = next(a for a in menu.actions() if not a.isCheckable() and a.text())
    show_all.trigger()
    assert not again.view.horizontalHeader().isSectionHidden(hidden)


def test_the_last_visible_column_cannot_be_hidden(qtbot, book) -> None:
    page = InvoicesPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    header = page.view.horizontalHeader()
    for i in range(1, header.count()):
        header.setSectionHidden(i, True)
    menu = column_menu(page.view)
    first = next(a for a in menu.actions() if a.isCheckable() and a.isChecked())
    assert not first.isEnabled()
