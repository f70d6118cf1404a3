"""The exceptions queue driven like a user: filter, select, note, start, resolve, assign."""

from __future__ import annotations

import dataclasses
from datetime import date

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from desktop_ar.services.changes import Changes
from desktop_ar.services.uow import reader
from desktop_ar.ui.dialogs.exception_dialogs import AssignCustomerDialog, ResolveDialog
from desktop_ar.ui.pages.exceptions import ExceptionsPage
from desktop_ar.ui.tasks import wait_for_idle
from tests.services.helpers import pay, row, scalar

AS_OF = date(2026, 6, 30)


def rows(ctx, sql: str, **params) -> list:
    with reader(ctx) as s:
        return list(s.execute(text(sql), params))


def type_text(widget, text: str) -> None:
    """Type like a user, one key event per character (QTest.keyClicks is ASCII-only)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def column_values(page, key: str) -> list[str]:
    col = next(i for i, c in enumerate(page.model.columns) if c.key == key)
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def _queue(book) -> dict[str, int]:
    """The small book's late, short payment (C001), plus an unidentified one and an overpayment."""
    ctx = book.ctx
    pay(ctx, None, "2026-06-20", "321.00")
    pay(ctx, book.acme, "2026-06-25", "150.00")  # 99.99 open: 50.01 left as credit
    ids = {}
    for kind in ("late_payment", "short_payment", "unidentified", "overpayment"):
        ids[kind] = scalar(ctx, "SELECT id FROM payment_exceptions WHERE kind = :k", k=kind)
    return ids


def _page(qtbot, ctx) -> ExceptionsPage:
    page = ExceptionsPage(ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitExposed(page)
    return page


def _select(qtbot, page, exception_id: int) -> None:
    assert page.select_id(exception_id)
    qtbot.waitUntil(
        lambda: page.panel.detail is not None and page.panel.detail.id == exception_id,
        timeout=3000,
    )


def test_queue_lists_filters_and_shows_labels(qtbot, book) -> None:
    ids = _queue(book)
    page = _page(qtbot, book.ctx)
    assert page.row_count() == 4
    kinds = set(column_values(page, "kind"))
    assert kinds == {"Late payment", "Short payment", "Unidentified payment", "Overpayment"}
    assert page.filter_bar.status.currentText() == "To do"
    qtbot.keyClicks(page.filter_bar.edit, "acme")
    qtbot.waitUntil(lambda: page.row_count() == 1, timeout=2000)
    assert column_values(page, "party") == ["Acme Trading Ltd"]
    page.filter_bar.edit.clear()
    type_text(page.filter_bar.edit, "明远")
    qtbot.waitUntil(lambda: page.row_count() == 2, timeout=2000)
    assert {page.model.row_id(0), page.model.row_id(1)} == {
        ids["late_payment"],
        ids["short_payment"],
    }
    page.filter_bar.edit.clear()
    qtbot.keyClicks(page.filter_bar.edit, "days after")
    qtbot.waitUntil(lambda: page.row_count() == 1, timeout=2000)
    page.filter_bar.edit.clear()
    qtbot.waitUntil(lambda: page.row_count() == 4, timeout=2000)
    resolved = page.filter_bar.status.findData("resolved")
    page.filter_bar.status.setCurrentIndex(resolved)
    qtbot.waitUntil(lambda: page.row_count() == 0, timeout=2000)


def test_select_note_start_and_resolve_through_the_ui(qtbot, book) -> None:
    ids = _queue(book)
    page = _page(qtbot, book.ctx)
    eid = ids["late_payment"]
    _select(qtbot, page, eid)
    panel = page.panel
    assert panel.cause_label.text().startswith("Paid 40 days after the due date 2026-05-01")
    assert panel.owner_edit.text() == "王芳"
    assert not panel.assign_button.isVisible()

    type_text(panel.note_edit, "已致电王经理，月底前付清")
    qtbot.keyClick(panel.note_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.detail is not None and len(panel.detail.notes) == 1, timeout=3000)
    note = row(book.ctx, "SELECT text, author FROM exception_notes WHERE exception_id = :i", i=eid)
    assert tuple(note) == ("已致电王经理，月底前付清", "tester")
    assert panel.note_edit.text() == ""
    assert "已致电王经理" in panel.notes_list.item(0).text()

    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.detail.status == "in_progress", timeout=3000)
    assert not panel.start_button.isVisible()

    panel.owner_edit.clear()
    type_text(panel.owner_edit, "李娜")
    qtbot.keyClick(panel.owner_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.detail.owner == "李娜", timeout=3000)

    qtbot.mouseClick(panel.resolve_button, Qt.MouseButton.LeftButton)
    dialog = panel.findChild(ResolveDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.accept()  # nothing typed: refused inline
    assert dialog.error_label.isVisible() and dialog.isVisible()
    type_text(dialog.resolution, "客户承诺按时付款 / Promised to pay on time")
    with qtbot.waitSignal(dialog.saved, timeout=3000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    # The default "To do" list no longer shows it: the panel goes on with the next one.
    qtbot.waitUntil(lambda: page.row_count() == 3, timeout=3000)
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.id != eid, timeout=3000)
    assert panel.detail.id == page.current_id()
    status, resolution, resolved_on, owner = row(
        book.ctx,
        "SELECT status, resolution, resolved_on, owner FROM payment_exceptions WHERE id = :i",
        i=eid,
    )
    assert (status, resolved_on, owner) == ("resolved", "2026-06-30", "李娜")
    assert resolution == "客户承诺按时付款 / Promised to pay on time"
    wait_for_idle()


def test_assign_customer_to_unidentified_payment(qtbot, book) -> None:
    ids = _queue(book)
    page = _page(qtbot, book.ctx)
    _select(qtbot, page, ids["unidentified"])
    panel = page.panel
    assert panel.assign_button.isVisible()
    assert panel.fields["customer"].text() == "Not identified yet"
    qtbot.mouseClick(panel.assign_button, Qt.MouseButton.LeftButton)
    dialog = panel.findChild(AssignCustomerDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.picker.is_busy(), timeout=3000)
    type_text(dialog.picker.lineEdit(), "C003")
    qtbot.waitUntil(
        lambda: not dialog.picker.is_busy() and dialog.picker.customer() is not None, timeout=3000
    )
    with qtbot.waitSignal(dialog.saved, timeout=3000):
        qtbot.keyClick(dialog.picker.lineEdit(), Qt.Key.Key_Return)
    customer, unallocated = row(
        book.ctx,
        "SELECT customer_id, unallocated_minor FROM payments WHERE payer_name = '' "
        "AND amount_minor = 32100",
    )
    assert customer == book.beijing and unallocated == 0  # 800.00 open, 321.00 allocated
    assert (
        scalar(
            book.ctx, "SELECT status FROM payment_exceptions WHERE id = :i", i=ids["unidentified"]
        )
        == "resolved"
    )
    # Checked again once placed: paid 81 days late and 479.00 short on C003's invoice.
    kinds = "SELECT kind FROM payment_exceptions WHERE customer_id = :c ORDER BY id"
    with_customer = [r[0] for r in rows(book.ctx, kinds, c=book.beijing)]
    assert with_customer == ["unidentified", "late_payment", "short_payment"]
    qtbot.waitUntil(lambda: page.row_count() == 5, timeout=3000)
    qtbot.waitUntil(
        lambda: panel.detail is not None and panel.detail.kind != "unidentified", timeout=3000
    )


def test_read_only_role_sees_but_cannot_work(qtbot, book) -> None:
    ids = _queue(book)
    page = _page(qtbot, dataclasses.replace(book.ctx, role="read_only"))
    _select(qtbot, page, ids["unidentified"])
    panel = page.panel
    assert not panel.note_edit.isEnabled() and not panel.owner_edit.isEnabled()
    assert not panel.resolve_button.isEnabled() and not panel.assign_button.isEnabled()


def test_new_postings_appear_through_on_changes(qtbot, book) -> None:
    page = _page(qtbot, book.ctx)
    assert page.row_count() == 2
    paid = pay(book.ctx, None, "2026-06-29", "5.00")
    page.on_changes(Changes(payments={paid.payment_id}))
    qtbot.waitUntil(lambda: page.row_count() == 3, timeout=3000)
