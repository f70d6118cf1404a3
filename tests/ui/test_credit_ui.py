"""Credit grades… and Write-off approvals… driven like a user: grades, components, roles."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from PySide6.QtCore import Qt

from desktop_ar.services.credit_grades import compute_grades
from desktop_ar.services.settings import update_settings
from desktop_ar.services.write_off_requests import (
    approve_write_off,
    list_write_off_requests,
    request_write_off,
)
from desktop_ar.ui.dialogs.credit_grades_dialog import CreditGradesDialog
from desktop_ar.ui.dialogs.write_off_requests_dialog import WriteOffRequestsDialog
from desktop_ar.ui.tasks import wait_for_idle
from tests.services.helpers import invoice_state, m, make_customer, make_invoice, pay, scalar

AS_OF = date(2026, 6, 30)


def open_invoice_ids(ctx: object, count: int) -> list[int]:
    sql = (
        "SELECT id FROM invoices WHERE open_minor > 10000 AND currency = 'CNY'"
        " ORDER BY due_date, id LIMIT 1 OFFSET :k"
    )
    return [scalar(ctx, sql, k=k) for k in range(count)]


@pytest.fixture
def payers(ctx: object) -> dict[str, int]:
    """LATE pays 60 days late and has an invoice open 120 days overdue; GOOD pays on time."""
    late = make_customer(ctx, "上海迟付贸易有限公司", code="LATE")
    make_invoice(ctx, late, "2026-01-01", "1000")  # due 01-31
    pay(ctx, late, "2026-04-01", "1000")  # 60 days late
    make_invoice(ctx, late, "2026-02-01", "2000")  # due 03-03: open, 119 days overdue
    good = make_customer(ctx, "Good Payer Ltd", code="GOOD")
    make_invoice(ctx, good, "2026-03-01", "1000")  # due 03-31
    pay(ctx, good, "2026-03-20", "1000")
    return {"LATE": late, "GOOD": good}


def opened(qtbot, ctx) -> CreditGradesDialog:
    dialog = CreditGradesDialog(ctx=ctx, as_of=AS_OF)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.show()
    return dialog


def texts(dialog: CreditGradesDialog, row: int) -> list[str]:
    proxy = dialog.proxy
    return [proxy.index(row, c).data() for c in range(proxy.columnCount())]


def test_grades_listed_with_their_components(qtbot, ctx, payers) -> None:
    dialog = opened(qtbot, ctx)
    rows = {texts(dialog, r)[0]: texts(dialog, r) for r in range(dialog.proxy.rowCount())}
    assert set(rows) == {"LATE", "GOOD"}
    assert rows["LATE"][1] == "上海迟付贸易有限公司"
    assert rows["LATE"][2] != rows["GOOD"][2]  # different grades
    assert int(rows["GOOD"][3]) > int(rows["LATE"][3])
    assert rows["LATE"][4] == "—" and rows["LATE"][7] == "2,000.00"
    assert dialog.proxy.index(0, 7).data(Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight
    )
    # the selected customer's score's components
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.proxy.index(0, 0))
    first = dialog.current_grade()
    assert first is not None
    assert dialog.components.rowCount() == len(first.components) > 0
    part = first.components[0]
    assert dialog.components.item(0, 0).text() == part.label("en")
    assert dialog.components.item(0, 2).text() == f"{part.points} / {part.max_points}"
    assert first.customer_code in dialog.detail_label.text()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    second = dialog.current_grade()
    assert second is not None and second.customer_code != first.customer_code
    assert second.customer_code in dialog.detail_label.text()
    # the filter, typed like a user
    dialog.filter_edit.setFocus()
    qtbot.keyClicks(dialog.filter_edit, "good")
    assert dialog.proxy.rowCount() == 1 and texts(dialog, 0)[0] == "GOOD"
    assert dialog.current_grade().customer_code == "GOOD"
    dialog.filter_edit.setText("迟付")
    assert dialog.proxy.rowCount() == 1 and texts(dialog, 0)[0] == "LATE"
    dialog.filter_edit.clear()
    # sorting by score, highest first
    dialog.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert texts(dialog, 0)[0] == "GOOD"
    dialog.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert texts(dialog, 0)[0] == "LATE"


def test_save_grades_stores_them(qtbot, ctx, payers) -> None:
    dialog = opened(qtbot, ctx)
    assert dialog.save_button.isEnabled() and not dialog.note.isVisible()
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].scored == 2 and saved.args[0].changed == 2
    assert wait_for_idle()
    stored = {g.customer_code: g for g in compute_grades(ctx, AS_OF)}
    assert all(g.current_grade == g.grade and g.scored_on == AS_OF for g in stored.values())
    assert "2 customer(s) scored, 2 changed" in dialog.info_label.text()
    rows = {texts(dialog, r)[0]: texts(dialog, r) for r in range(dialog.proxy.rowCount())}
    assert rows["LATE"][4] == stored["LATE"].grade  # the list shows the stored grade now


def test_apply_holds_reports_counts(qtbot, ctx, payers) -> None:
    update_settings(ctx, credit_hold_overdue_days=30)
    dialog = opened(qtbot, ctx)
    with qtbot.waitSignal(dialog.holds_applied, timeout=10000) as applied:
        qtbot.mouseClick(dialog.holds_button, Qt.MouseButton.LeftButton)
    run = applied.args[0]
    assert [t.customer_code for t in run.held] == ["LATE"] and run.released == []
    assert "1 customer(s) held, 0 released" in dialog.info_label.text()
    assert "LATE" in dialog.info_label.text()
    assert dialog.holds_button.isEnabled()


def test_read_only_role_may_only_look(qtbot, ctx, payers) -> None:
    viewer = dataclasses.replace(ctx, user="viewer", role="read_only")
    dialog = opened(qtbot, viewer)
    assert dialog.proxy.rowCount() == 2
    assert not dialog.save_button.isEnabled() and not dialog.holds_button.isEnabled()
    assert dialog.note.isVisible() and "read_only" in dialog.note.text()
    dialog.save_grades()  # even called directly, nothing is stored
    assert wait_for_idle()
    assert all(g.current_grade == "" for g in compute_grades(ctx, AS_OF))


# ---- write-off approvals -----------------------------------------------------------------------


@pytest.fixture
def requested(ctx: object) -> dict[str, object]:
    """The bookkeeper "clerk" asked to write off 400.00 of an open invoice."""
    cid = make_customer(ctx, "北京坏账科技有限公司", code="BAD")
    iid = make_invoice(ctx, cid, "2026-01-01", "1000", number="INV-BAD")
    clerk = dataclasses.replace(ctx, user="clerk", role="bookkeeper")
    rid, _ = request_write_off(clerk, iid, m("400"), "customer bankrupt")
    return {"clerk": clerk, "invoice": iid, "request": rid}


def opened_requests(qtbot, ctx) -> WriteOffRequestsDialog:
    dialog = WriteOffRequestsDialog(ctx=ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.show()
    return dialog


def test_second_user_approves_and_the_write_off_is_written(qtbot, ctx, requested) -> None:
    boss = dataclasses.replace(ctx, user="boss", role="admin")
    dialog = opened_requests(qtbot, boss)
    assert dialog.table.rowCount() == 1
    cells = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert cells[:6] == ["Waiting", cells[1], "INV-BAD", "BAD", "北京坏账科技有限公司", "400.00"]
    assert cells[8] == "clerk"
    assert dialog.approve_button.isEnabled() and not dialog.role_note.isVisible()
    dialog.note_edit.setFocus()
    qtbot.keyClicks(dialog.note_edit, "court papers seen")
    with qtbot.waitSignal(dialog.decided, timeout=10000) as decided:
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    assert decided.args == [requested["request"], "approved"]
    assert wait_for_idle()
    view = list_write_off_requests(boss)[0]
    assert (view.status, view.decided_by, view.decision_note) == (
        "approved",
        "boss",
        "court papers seen",
    )
    assert view.write_off_id is not None
    assert invoice_state(boss, requested["invoice"]) == (60000, "partial")
    assert dialog.table.item(0, 0).text() == "Approved"
    assert not dialog.approve_button.isEnabled()
    assert "approved" in dialog.message.text()


def test_requester_cannot_approve_own_request(qtbot, ctx, requested, shown_messages) -> None:
    clerk_admin = dataclasses.replace(ctx, user="clerk", role="admin")
    dialog = opened_requests(qtbot, clerk_admin)
    with qtbot.waitSignal(dialog.refused, timeout=10000) as refused:
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    assert "clerk asked for this write-off and cannot approve it" in refused.args[0]
    assert dialog.message.text() == refused.args[0] and dialog.message.isVisible()
    assert shown_messages == []  # inline, not a message box
    assert wait_for_idle()
    assert list_write_off_requests(ctx)[0].status == "pending"
    assert dialog.approve_button.isEnabled()


def test_reject_needs_a_note_and_other_roles_only_look(qtbot, ctx, requested) -> None:
    boss = dataclasses.replace(ctx, user="boss", role="admin")
    dialog = opened_requests(qtbot, boss)
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    assert "note" in dialog.message.text()
    dialog.note_edit.setText("no proof")
    with qtbot.waitSignal(dialog.decided, timeout=10000):
        qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    assert wait_for_idle()
    assert list_write_off_requests(ctx)[0].status == "rejected"
    assert invoice_state(ctx, requested["invoice"]) == (100000, "open")
    clerk = opened_requests(qtbot, requested["clerk"])
    assert not clerk.approve_button.isEnabled() and clerk.role_note.isVisible()


def test_the_menu_entries(qtbot, ctx, payers) -> None:
    from PySide6.QtGui import QKeySequence

    from desktop_ar.ui.main_window import MainWindow

    window = MainWindow(ctx, as_of=AS_OF)
    qtbot.addWidget(window)
    assert window.credit_grades_action in window.settings_menu.actions()
    file_actions = window.print_action.associatedObjects()[-1].actions()
    assert window.write_off_action in file_actions
    for action in (window.credit_grades_action, window.write_off_action):
        assert action.shortcut() == QKeySequence()
    window.credit_grades_action.trigger()
    window.write_off_action.trigger()
    grades = window.findChildren(CreditGradesDialog)
    approvals = window.findChildren(WriteOffRequestsDialog)
    assert len(grades) == 1 and grades[0].isVisible()
    assert len(approvals) == 1 and approvals[0].isVisible()
    qtbot.waitUntil(lambda: grades[0].proxy.rowCount() == 2, timeout=10000)
    grades[0].close()
    approvals[0].close()
    assert wait_for_idle()


def test_screenshots_over_the_demo_book(qtbot, ctx) -> None:
    from desktop_ar.services.demo import seed_demo

    seed_demo(ctx, customers=40, invoices=400, seed=3, as_of=AS_OF)
    dialog = opened(qtbot, ctx)
    assert dialog.proxy.rowCount() >= 40
    dialog.table.setCurrentIndex(dialog.proxy.index(2, 0))
    dialog.resize(1100, 700)
    qtbot.wait(50)
    dialog.grab().save("/tmp/credit_grades_dialog.png")
    clerk = dataclasses.replace(ctx, user="clerk", role="bookkeeper")
    boss = dataclasses.replace(ctx, user="boss", role="admin")
    ids = open_invoice_ids(ctx, 3)
    rids = [request_write_off(clerk, i, m("100"), "客户已破产 / bankrupt")[0] for i in ids]
    approve_write_off(boss, rids[0], "court papers seen")
    approvals = opened_requests(qtbot, boss)
    assert approvals.table.rowCount() == 3
    assert approvals.table.item(0, 0).text() == "Waiting"
    approvals.resize(1100, 500)
    qtbot.wait(50)
    approvals.grab().save("/tmp/write_off_requests_dialog.png")
