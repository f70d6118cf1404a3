"""Statement of account… from the customers page and the customer card, driven like a user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop_ar.ui.dialogs.statement_dialog import StatementDialog
from desktop_ar.ui.main_window import MainWindow
from desktop_ar.ui.pages.customer_card import CustomerCardDialog
from desktop_ar.ui.pages.customers import CustomersPage
from desktop_ar.ui.tasks import wait_for_idle
from tests.services.helpers import audit_count

AS_OF = date(2026, 6, 30)


@dataclass
class SaveAs:
    """What the save dialog offered, and what it answers next ("" cancels; default: accept)."""

    offered: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)


@pytest.fixture
def save_as(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> SaveAs:
    """The save dialog answers with tmp_path/<offered name> unless told otherwise."""
    state = SaveAs()

    def fake(_parent: object, _title: str, start: str, _filter: str) -> tuple[str, str]:
        state.offered.append(Path(start).name)
        answer = state.answers.pop(0) if state.answers else str(tmp_path / Path(start).name)
        return answer, "Excel workbook (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return state


def retype(qtbot, field, text: str) -> None:
    field.selectAll()
    qtbot.keyClicks(field, text)


def _page(qtbot, book) -> CustomersPage:
    page = CustomersPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.row_count() == 4, timeout=3000)
    return page


def _closing(path: Path) -> list[object]:
    ws = openpyxl.load_workbook(path)["Statement CNY"]
    return next(list(r) for r in ws.iter_rows(values_only=True) if r[1] == "Closing balance")


def test_from_the_customers_page_type_a_period_and_press_enter(
    qtbot, book, tmp_path: Path, save_as: SaveAs
) -> None:
    page = _page(qtbot, book)
    page.select_id(book.shmy)
    assert page.actions_.statement_action.isEnabled()
    assert page.actions_.statement_action in page.view.actions()  # in the context menu
    dialog = page.actions_.statement_current()
    assert isinstance(dialog, StatementDialog)
    assert (dialog.date_from.value(), dialog.date_to.value()) == (date(2026, 6, 1), AS_OF)
    assert dialog.who.text() == "C001  上海明远贸易有限公司"
    retype(qtbot, dialog.date_from, "2026/4/1")
    retype(qtbot, dialog.date_to, "20260615")
    with qtbot.waitSignal(dialog.exported, timeout=5000) as done:
        qtbot.keyClick(dialog.date_to, Qt.Key.Key_Return)
    assert save_as.offered == ["statement-C001-2026-06-15.xlsx"]
    path = tmp_path / "statement-C001-2026-06-15.xlsx"
    assert done.args[0].path == path
    wait_for_idle()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed (and deleted)
    closing = _closing(path)
    # 11,300 (April) + 5,650.50 (06-15) − 1,000 (06-10), before tax
    assert closing[0] == datetime(2026, 6, 15) and closing[6] == pytest.approx(15950.5)
    assert audit_count(book.ctx, "export_statement") == 1


def test_a_period_that_ends_before_it_starts_is_shown_inline(qtbot, book, save_as: SaveAs) -> None:
    dialog = StatementDialog(
        ctx=book.ctx, customer_id=book.acme, customer_code="C004", customer_name="Acme",
        as_of=AS_OF,
    )  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    retype(qtbot, dialog.date_from, "2026-07-01")
    qtbot.keyClick(dialog.date_from, Qt.Key.Key_Return)
    assert dialog.error_label.isVisible() and "after" in dialog.error_label.text()
    retype(qtbot, dialog.date_from, "not a date")
    qtbot.keyClick(dialog.date_from, Qt.Key.Key_Return)
    assert "not a date" in dialog.error_label.text()
    assert save_as.offered == [] and dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_cancelling_the_file_dialog_keeps_the_period_dialog_open(
    qtbot, book, tmp_path: Path, save_as: SaveAs
) -> None:
    save_as.answers.extend(["", str(tmp_path / "missing" / "s.xlsx")])
    dialog = StatementDialog(
        ctx=book.ctx, customer_id=book.acme, customer_code="C004", customer_name="Acme",
        as_of=AS_OF,
    )  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)  # cancelled
    assert dialog.isVisible() and dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)  # a missing folder
    wait_for_idle()
    assert dialog.isVisible() and dialog.export_button.isEnabled()
    assert "cannot write the file" in dialog.error_label.text()
    assert audit_count(book.ctx, "export_statement") == 0


def test_from_the_customer_card(qtbot, book, tmp_path: Path, save_as: SaveAs) -> None:
    card = CustomerCardDialog(ctx=book.ctx, customer_id=book.beijing, as_of=AS_OF)
    qtbot.addWidget(card)
    card.show()
    qtbot.waitUntil(lambda: card.data is not None, timeout=3000)
    qtbot.mouseClick(card.statement_button, Qt.MouseButton.LeftButton)
    dialog = card.findChild(StatementDialog)
    assert dialog is not None and dialog.who.text().startswith("C003")
    with qtbot.waitSignal(dialog.exported, timeout=5000):
        qtbot.keyClick(dialog.date_from, Qt.Key.Key_Return)
    closing = _closing(tmp_path / "statement-C003-2026-06-30.xlsx")
    assert closing[6] == 800


def test_the_status_bar_says_where_the_file_went(
    qtbot, book, tmp_path: Path, save_as: SaveAs
) -> None:
    window = MainWindow(book.ctx, as_of=AS_OF)
    qtbot.addWidget(window)
    window.show()
    window.show_page("customers")
    page = window.page("customers")
    qtbot.waitUntil(lambda: page.row_count() == 4, timeout=3000)
    page.select_id(book.acme)
    dialog = page.actions_.statement_current()
    with qtbot.waitSignal(dialog.exported, timeout=5000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "statement-C004-2026-06-30.xlsx" in window.statusBar().currentMessage()
