"""The Bank page: importing statements, the statements list with its flags, opening one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from desktop_ar.domain.money import Money
from desktop_ar.ui.models.bank_models import LinesModel, StatementsModel
from tests.ui.bank_helpers import (
    AS_OF,
    make_bank_book,
    open_bank_page,
    rows,
    service,
    settle,
)


@dataclass(frozen=True)
class _Line:
    id: int
    seq: int
    status: str
    amount: Money = field(default_factory=lambda: Money(100, "EUR"))
    booking_date: date = AS_OF
    value_date: date | None = None
    counterparty_name: str = "Acme"
    counterparty_account: str = ""
    reference: str = ""
    memo: str = "INV-1"
    explanation: str = ""
    matches: list = field(default_factory=list)


def test_lines_model_filters_and_counts_without_a_database(qapp) -> None:
    model = LinesModel()
    statuses = ["open", "open", "matched", "exception", "ignored", "open"]
    model.set_lines([_Line(i, i, s) for i, s in enumerate(statuses, start=1)])
    assert model.rowCount() == 3  # the screen starts on the open lines
    assert model.counts() == {"open": 3, "all": 6, "matched": 1, "exceptions": 1, "ignored": 1}
    model.set_filter("ignored")
    assert [model.row(r).id for r in range(model.rowCount())] == [5]
    model.set_filter("all")
    index = model.index(0, 2)
    assert index.data() == "1.00"
    assert index.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    debit = _Line(9, 9, "open", amount=Money(-123456, "JPY"))
    model.set_lines([debit])
    assert model.index(0, 2).data() == "-123,456"  # the currency's own decimals (none for JPY)
    assert model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is not None


def _write_mt940(path: Path, closing: str) -> Path:
    path.write_text(
        ":20:TEST\n:25:NL81ASNB9999999999\n:28C:1/1\n:60F:C260601EUR1000,00\n"
        ":61:2606030603C250,00NTRFNONREF\n:86:Payment INV-1\n"
        f":62F:C260630EUR{closing}\n-\n",
        encoding="utf-8",
    )
    return path


def test_import_statement_lists_it_with_its_flags(qtbot, ctx, tmp_path, monkeypatch) -> None:
    bank = service("import_bank_file", "list_statements")
    page = open_bank_page(qtbot, ctx)
    assert page.row_count() == 0 and not page.open_button.isEnabled()
    path = _write_mt940(tmp_path / "june.sta", "1200,00")  # 1,000 + 250 ≠ 1,200: off by 50
    monkeypatch.setattr("desktop_ar.ui.pages.bank.choose_file", lambda _parent: path)
    with qtbot.waitSignal(page.imported, timeout=8000):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert page.row_count() == 1
    flags = page.model.index(0, StatementsModel.FLAGS).data()
    assert "Balance problem" in flags
    assert page.model.index(0, 1).data() == "2026-06-01 – 2026-06-30"
    assert "1 statement" in page.summary_label.text()
    (summary,) = bank.list_statements(ctx)
    assert summary.balance_problem and summary.lines_count == 1

    # The same file again: imported, and flagged as imported before.
    with qtbot.waitSignal(page.imported, timeout=8000):
        page.import_file(path)
    settle(qtbot)
    assert page.row_count() == 2
    assert "Imported before" in page.model.index(0, StatementsModel.FLAGS).data()
    assert page.current_id() == bank.list_statements(ctx)[0].id  # the new one is selected

    # Enter opens the reconciliation screen; its header shows the balance problem in red.
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    settle(qtbot)
    assert page.is_reconciling()
    problem = page.reconcile.header.problem
    assert problem.isVisible() and "off by 50.00 EUR" in problem.text()
    assert "c62828" in problem.styleSheet()
    qtbot.keyClick(page.reconcile.lines_view, Qt.Key.Key_Escape)
    assert not page.is_reconciling()


def test_broken_file_is_refused_with_a_message_and_nothing_written(
    qtbot, ctx, tmp_path, shown_messages
) -> None:
    service("import_bank_file")
    page = open_bank_page(qtbot, ctx)
    path = tmp_path / "report.csv"
    path.write_text("this is not a bank statement\n", encoding="utf-8")
    page.import_file(path)
    settle(qtbot)
    assert shown_messages and "report.csv" in shown_messages[-1]
    assert rows(ctx, "SELECT count(*) FROM bank_statements")[0][0] == 0


def test_export_without_currency_asks_for_one(qtbot, ctx, tmp_path) -> None:
    service("import_bank_file")
    path = tmp_path / "export.csv"
    path.write_text(
        "Date,Description,Amount\n2026-06-03,Payment INV-1,250.00\n2026-06-04,Fee,-5.00\n",
        encoding="utf-8",
    )
    page = open_bank_page(qtbot, ctx)
    asked = []

    def answer(dialog) -> bool:
        asked.append(dialog.findChild(type(dialog.format_combo), "currencyCombo") is not None)
        dialog.currency_combo.setCurrentIndex(dialog.currency_combo.findData("USD"))
        return True

    with qtbot.waitSignal(page.imported, timeout=8000):
        page.import_file(path, ask=answer)
    settle(qtbot)
    assert asked == [True]
    ((currency, count),) = rows(ctx, "SELECT currency, lines_count FROM bank_statements")
    assert (currency, count) == ("USD", 2)


def test_read_only_role_cannot_import(qtbot, ctx) -> None:
    import dataclasses

    service("list_statements")
    page = open_bank_page(qtbot, dataclasses.replace(ctx, role="read_only"))
    assert not page.import_button.isEnabled()


def test_demo_statement_is_listed_with_open_lines(qtbot, ctx, tmp_path) -> None:
    book = make_bank_book(ctx, tmp_path)
    page = open_bank_page(qtbot, ctx)
    assert page.row_count() == 1
    assert page.model.index(0, 6).data() == "7"  # open lines
    assert page.model.index(0, StatementsModel.FLAGS).data() == ""
    where = page.view.visualRect(page.model.index(0, 0)).center()
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    settle(qtbot)
    assert page.is_reconciling() and page.reconcile.statement_id == book.statement_id
    assert page.reconcile.lines.rowCount() == 7


def test_bank_page_in_the_main_window_ctrl_7_and_changes_fan_out(qtbot, ctx, tmp_path) -> None:
    """Ctrl+7 opens the page; an accepted match refreshes the other pages; Ctrl+Z undoes it."""
    service("accept_candidate", "undo_match")
    from desktop_ar.ui.main_window import MainWindow
    from tests.ui.bank_helpers import line_ids, line_status, select_line, wait_done

    book = make_bank_book(ctx, tmp_path)
    w = MainWindow(ctx, as_of=AS_OF)
    qtbot.addWidget(w)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    payments = w.page("payments")
    seen = []
    payments.on_changes = seen.append  # type: ignore[method-assign]
    qtbot.keyClick(w, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert w.current_key() == "bank"
    page = w.current_page()
    settle(qtbot)
    assert w.rows_label.text() == "1 row(s)"
    page.open_statement(book.statement_id)
    settle(qtbot)
    view = page.reconcile
    line_id = line_ids(ctx, book.statement_id)["exact0"]
    select_line(qtbot, view, line_id)
    view.lines_view.setFocus()
    before = view.done_count
    qtbot.keyClick(view.lines_view, Qt.Key.Key_Return)
    wait_done(qtbot, view, before)
    assert line_status(ctx, line_id)[0] == "matched"
    assert seen and seen[-1].payments  # the receipt reached the payments page
    select_line(qtbot, view, line_id)
    view.lines_view.setFocus()
    before = view.done_count
    # Ctrl+Z is also Edit ▸ Undo: with the focus on the lines it undoes the line's match.
    qtbot.keyClick(view.lines_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_done(qtbot, view, before)
    assert line_status(ctx, line_id)[0] == "open"


def test_screenshot_of_the_reconciliation_screen(qtbot, ctx, tmp_path) -> None:
    """``desktop-ar screenshots`` adds the newest statement's reconciliation screen."""
    service("suggest")
    from desktop_ar.ui.pages.bank_demo import bank_screens
    from desktop_ar.ui.screenshots import _settle

    parent = open_bank_page(qtbot, ctx)
    assert list(bank_screens(parent, ctx, _settle)) == []  # no statement: no picture
    make_bank_book(ctx, tmp_path)
    ((name, window),) = list(bank_screens(parent, ctx, _settle))
    qtbot.addWidget(window)
    view = window.page("bank").reconcile
    assert name == "bank_reconciliation" and view.isVisible()
    assert view.current_line().memo.startswith("支付货款")  # the line paying two invoices
    assert view.panel.current().kind == "invoices"
    assert not window.grab().isNull()
