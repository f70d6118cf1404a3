"""The reconciliation screen driven like a user over a demo book and a statement paying it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_ar.ui.tasks import wait_for_idle
from tests.ui.bank_helpers import (
    invoice_open,
    line_ids,
    line_status,
    make_bank_book,
    open_bank_page,
    rows,
    select_line,
    service,
    settle,
    wait_done,
)

ACTIONS = ("accept_candidate", "undo_match", "statement_lines", "suggest")


@pytest.fixture
def screen(qtbot, ctx, tmp_path):
    """The Bank page with the demo statement open on its reconciliation screen."""
    service(*ACTIONS)
    book = make_bank_book(ctx, tmp_path)
    page = open_bank_page(qtbot, ctx)
    page.open_statement(book.statement_id)
    settle(qtbot)
    view = page.reconcile
    view.ids = line_ids(ctx, book.statement_id)  # type: ignore[attr-defined]
    view.book = book  # type: ignore[attr-defined]
    return view


def _dialog(qtbot, view, name: str) -> QDialog:
    qtbot.waitUntil(lambda: view.findChild(QDialog, name) is not None, timeout=3000)
    dialog = view.findChild(QDialog, name)
    qtbot.waitExposed(dialog)
    settle(qtbot)
    return dialog


def test_open_select_accept_with_enter_then_undo_with_ctrl_z(qtbot, screen) -> None:
    view, ctx = screen, screen.ctx
    invoice = view.book.demo.exact[0]
    line_id = view.ids["exact0"]
    assert view.lines.rowCount() == 7 and view.filters.current() == "open"
    assert "7 line(s) are still open" in view.actions.close_reason.text()
    assert not view.actions.close_button.isEnabled()

    select_line(qtbot, view, line_id)
    best = view.panel.current()
    assert best is not None and invoice.number in best.numbers
    assert best.kind == "invoice" and best.confidence >= 0.9
    assert invoice.number in view.panel.reasons.text()  # "invoice INV-… in memo"
    assert view.panel.model.index(0, 4).data() == f"{round(best.confidence * 100)} %"

    view.lines_view.setFocus()
    before = view.done_count
    qtbot.keyClick(view.lines_view, Qt.Key.Key_Return)  # Enter accepts the best candidate
    wait_done(qtbot, view, before)
    assert line_status(ctx, line_id)[0] == "matched"
    assert invoice_open(ctx, invoice.id) == 0
    assert view.lines.row_of(line_id) is None  # left the "open" filter …
    assert view.lines.rowCount() == 6 and view.current_line() is not None  # … next line selected
    ((payment_id,),) = rows(
        ctx,
        "SELECT payment_id FROM bank_matches WHERE line_id = :l AND undone_at IS NULL",
        l=line_id,
    )

    select_line(qtbot, view, line_id)  # under "All"
    assert "Matched" in view.panel.title.text()
    assert view.actions.undo_button.isEnabled() and not view.actions.accept_button.isEnabled()
    before = view.done_count
    qtbot.keyClick(view.lines_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_done(qtbot, view, before)
    assert line_status(ctx, line_id)[0] == "open"
    assert invoice_open(ctx, invoice.id) == invoice.open.minor
    ((status,),) = rows(ctx, "SELECT status FROM payments WHERE id = :p", p=payment_id)
    assert status == "reversed"
    # The line is open again and shows its candidates again.
    select_line(qtbot, view, line_id)
    assert view.panel.current() is not None


def test_a_reconciled_line_cannot_be_reconciled_again(qtbot, screen) -> None:
    bank = service("accept_candidate")
    view, ctx = screen, screen.ctx
    select_line(qtbot, view, view.ids["exact1"])
    candidate = view.panel.current()
    before = view.done_count
    qtbot.mouseClick(view.actions.accept_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, view, before)
    with pytest.raises(Exception, match=r"(?i)already|reconciled|matched|open"):
        bank.accept_candidate(ctx, view.ids["exact1"], candidate)


def test_reject_hides_the_candidate_for_this_session(qtbot, screen) -> None:
    view = screen
    select_line(qtbot, view, view.ids["exact0"])
    count = view.panel.model.rowCount()
    first = view.panel.current()
    qtbot.mouseClick(view.actions.reject_button, Qt.MouseButton.LeftButton)
    assert view.panel.model.rowCount() == count - 1
    assert first not in view.panel.candidates()
    assert "rejected" in view.panel.title.text()
    # Walking away and back keeps it hidden; nothing was written.
    select_line(qtbot, view, view.ids["unknown"])
    select_line(qtbot, view, view.ids["exact0"])
    assert first not in view.panel.candidates()
    assert line_status(view.ctx, view.ids["exact0"])[0] == "open"


def test_split_a_line_across_two_invoices(qtbot, screen) -> None:
    service("accept_invoices")
    view, ctx = screen, screen.ctx
    first, second = view.book.demo.pair
    select_line(qtbot, view, view.ids["pair"])
    qtbot.mouseClick(view.actions.split_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, view, "splitLineDialog")
    qtbot.waitUntil(dialog.is_loaded, timeout=5000)
    numbers = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert first.number in numbers and second.number in numbers
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert not dialog.save_button.isEnabled()
    row_a, row_b = numbers.index(first.number), numbers.index(second.number)
    too_much = view.current_line().amount.amount_str()
    dialog.set_amount(row_a, too_much)
    dialog.set_amount(row_b, "1.00")
    assert not dialog.save_button.isEnabled()  # more than the line, or than an invoice's open
    assert dialog.error_label.text()
    dialog.set_amount(row_a, first.open.amount_str())
    dialog.set_amount(row_b, second.open.amount_str())
    assert dialog.problem() is None and dialog.save_button.isEnabled()
    assert "left on account <b>0.00</b>" in dialog.sum_label.text()
    before = view.done_count
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, view, before)
    assert line_status(ctx, view.ids["pair"])[0] == "matched"
    assert invoice_open(ctx, first.id) == 0 and invoice_open(ctx, second.id) == 0


def test_ignore_needs_an_explanation(qtbot, screen) -> None:
    service("ignore_line")
    view, ctx = screen, screen.ctx
    select_line(qtbot, view, view.ids["fee"])
    assert "Money out" in view.panel.title.text()
    assert not view.actions.split_button.isEnabled()  # no receipt for money going out
    qtbot.mouseClick(view.actions.ignore_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, view, "ignoreLineDialog")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert dialog.isVisible() and "Explanation" in dialog.error_label.text()
    assert line_status(ctx, view.ids["fee"]) == ("open", "")
    qtbot.keyClicks(dialog.explanation.lineEdit(), "Bank fee for the June transfer")
    before = view.done_count
    qtbot.keyClick(dialog.explanation.lineEdit(), Qt.Key.Key_Return)
    wait_done(qtbot, view, before)
    assert line_status(ctx, view.ids["fee"]) == ("ignored", "Bank fee for the June transfer")
    view.filters.buttons["ignored"].click()
    assert view.lines.rowCount() == 1 and "Ignored (1)" in view.filters.buttons[
        "ignored"
    ].text().replace("&", "")


def test_unidentified_payment_becomes_an_exception(qtbot, screen) -> None:
    service("create_exception")
    view, ctx = screen, screen.ctx
    select_line(qtbot, view, view.ids["unknown"])
    qtbot.mouseClick(view.actions.exception_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, view, "exceptionLineDialog")
    assert "张伟" in dialog.cause.toPlainText()
    before = view.done_count
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, view, before)
    assert line_status(ctx, view.ids["unknown"])[0] == "exception"
    ((kind,),) = rows(
        ctx,
        "SELECT e.kind FROM payment_exceptions e JOIN bank_matches m ON m.exception_id = e.id "
        "WHERE m.line_id = :l AND m.undone_at IS NULL",
        l=view.ids["unknown"],
    )
    assert kind == "unidentified"


def test_receipt_on_account_for_a_chosen_customer(qtbot, screen) -> None:
    service("create_unallocated_payment")
    view, ctx = screen, screen.ctx
    customer = view.book.demo.exact[2]
    select_line(qtbot, view, view.ids["unknown"])
    qtbot.mouseClick(view.actions.receipt_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, view, "receiptOnAccountDialog")
    dialog.picker.setEditText(customer.customer_code)
    dialog.picker.search(customer.customer_code)
    qtbot.waitUntil(lambda: dialog.picker.customer() is not None, timeout=3000)
    before = view.done_count
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, view, before)
    assert line_status(ctx, view.ids["unknown"])[0] == "matched"
    ((cid, amount, unallocated),) = rows(
        ctx,
        "SELECT p.customer_id, p.amount_minor, p.unallocated_minor FROM payments p "
        "JOIN bank_matches m ON m.payment_id = p.id WHERE m.line_id = :l AND m.undone_at IS NULL",
        l=view.ids["unknown"],
    )
    assert (cid, amount, unallocated) == (customer.customer_id, 888800, 888800)


def test_auto_accept_takes_the_sure_matches_only(qtbot, screen) -> None:
    service("auto_accept")
    view, ctx = screen, screen.ctx
    view.actions.threshold.setValue(95)
    before = view.done_count
    qtbot.mouseClick(view.actions.auto_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, view, before)
    matched = [k for k, i in view.ids.items() if line_status(ctx, i)[0] == "matched"]
    assert "exact0" in matched
    assert not {"unknown", "fee", "interest"} & set(matched)
    assert "accepted automatically" in view.actions.message.text()
    assert str(len(matched)) in view.actions.message.text()


def test_close_is_refused_until_every_line_is_explained_then_read_only(qtbot, screen) -> None:
    bank = service("close_statement", "ignore_line", "create_exception")
    view, ctx = screen, screen.ctx
    sid = view.statement_id
    with pytest.raises(Exception, match=r"(?i)open|explain"):
        bank.close_statement(ctx, sid)
    assert not view.actions.close_button.isEnabled()
    for key, line_id in view.ids.items():  # explain every line but one through the services
        if key != "interest":
            bank.ignore_line(ctx, line_id, f"test: {key}")
    view.reload()
    settle(qtbot)
    assert "1 line(s) are still open" in view.actions.close_reason.text()
    assert not view.actions.close_button.isEnabled()
    select_line(qtbot, view, view.ids["interest"])
    qtbot.mouseClick(view.actions.ignore_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, view, "ignoreLineDialog")
    dialog.explanation.setCurrentIndex(2)  # Interest
    before = view.done_count
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, view, before)
    assert view.actions.close_button.isEnabled()
    assert view.actions.close_reason.text() == "Every line is explained"

    before = view.done_count
    qtbot.mouseClick(view.actions.close_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, view, before)
    ((status,),) = rows(ctx, "SELECT status FROM bank_statements WHERE id = :s", s=sid)
    assert status == "closed"
    assert view.header.banner.isVisible()
    a = view.actions
    for button in (a.accept_button, a.split_button, a.receipt_button, a.exception_button,
                   a.ignore_button, a.undo_button, a.auto_button, a.close_button):  # fmt: skip
        assert not button.isEnabled(), button.objectName()
    select_line(qtbot, view, view.ids["exact0"])
    qtbot.keyClick(view.lines_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert line_status(ctx, view.ids["exact0"])[0] == "ignored"  # nothing changed
    assert view.ignore_line() is None  # no dialog on a closed statement
    # An admin may reopen it (the banner's button); then it can be worked on again.
    assert view.header.reopen_button.isVisible()
    before = view.done_count
    qtbot.mouseClick(view.header.reopen_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, view, before)
    assert not view.header.banner.isVisible()
    assert view.actions.undo_button.isEnabled()


def test_read_only_role_sees_the_statement_but_cannot_act(qtbot, ctx, tmp_path) -> None:
    import dataclasses

    service(*ACTIONS)
    book = make_bank_book(ctx, tmp_path)
    page = open_bank_page(qtbot, dataclasses.replace(ctx, role="read_only"))
    page.open_statement(book.statement_id)
    settle(qtbot)
    view = page.reconcile
    line_id = line_ids(ctx, book.statement_id)["exact0"]
    select_line(qtbot, view, line_id)
    assert view.panel.current() is not None  # candidates are shown …
    a = view.actions
    for button in (a.accept_button, a.split_button, a.ignore_button, a.auto_button):
        assert not button.isEnabled(), button.objectName()  # … but nothing can be done
    assert not view.header.reopen_button.isVisible()
    qtbot.keyClick(view.lines_view, Qt.Key.Key_Return)
    settle(qtbot)
    assert line_status(ctx, line_id)[0] == "open"


def test_reasons_follow_the_ui_language(qtbot, screen, monkeypatch) -> None:
    view = screen
    select_line(qtbot, view, view.ids["exact0"])
    best = view.panel.current()
    assert view.panel.reasons.text() == best.reasons_text_en
    monkeypatch.setattr("desktop_ar.ui.models.bank_models.reasons_language", lambda: "zh")
    select_line(qtbot, view, view.ids["exact1"])
    select_line(qtbot, view, view.ids["exact0"])
    assert view.panel.reasons.text() == best.reasons_text_zh
    assert "金额" in view.panel.model.index(0, 5).data()


def test_candidates_of_every_open_line_come_from_one_suggest_call(
    qtbot, screen, monkeypatch
) -> None:
    """Building the matcher is the costly part on a large book: moving between lines must not
    build it again (regression: one suggest() call per selected line)."""
    from desktop_ar.services import bank_statements

    calls = []
    real = bank_statements.suggest

    def counting(*args, **kwargs):
        calls.append(kwargs.get("line_ids"))
        return real(*args, **kwargs)

    monkeypatch.setattr(bank_statements, "suggest", counting)
    view = screen
    view._candidates.clear()
    select_line(qtbot, view, view.ids["exact0"])
    qtbot.waitUntil(lambda: view.ids["exact0"] in view._candidates, timeout=5000)
    select_line(qtbot, view, view.ids["exact1"])
    settle(qtbot)
    assert view.panel.current() is not None
    assert calls == [None]
    assert wait_for_idle()
