"""Dunning run… driven like a user: propose, review, uncheck, issue, cancel, roles, the menu."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog

import desktop_ar.ui.dialogs.dunning_run_dialog as module
from desktop_ar.services.dunning_notices import list_notices
from desktop_ar.services.dunning_run import issue_run
from desktop_ar.ui.dialogs.dunning_run_dialog import DunningRunDialog
from desktop_ar.ui.main_window import MainWindow
from desktop_ar.ui.tasks import wait_for_idle
from tests.services.helpers import make_customer, make_invoice

AS_OF = date(2026, 6, 30)


@pytest.fixture
def run_book(ctx: object, tmp_path: Path) -> dict[str, int]:
    """C1 (zh) 150 days overdue, already sent a level-1 notice on 05-01; C2 (en) 5 days overdue."""
    a = make_customer(ctx, "明远贸易有限公司", code="C1", language="zh", email="a@c1.example")
    make_invoice(ctx, a, "2026-01-01", "1000.00", number="INV-1")  # due 01-31
    issue_run(ctx, date(2026, 5, 1), [a], tmp_path / "earlier")
    b = make_customer(ctx, "Beta Ltd", code="C2", language="en")
    make_invoice(ctx, b, "2026-05-26", "80.00", number="INV-8")  # due 06-25
    return {"A": a, "B": b}


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *_a, **_k: str(out))
    )
    return out


def proposed(qtbot, ctx, level_index: int = 0) -> DunningRunDialog:
    dialog = DunningRunDialog(ctx=ctx, as_of=AS_OF)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.level_combo.setCurrentIndex(level_index)
    with qtbot.waitSignal(dialog.proposed, timeout=10000):
        qtbot.mouseClick(dialog.propose_button, Qt.MouseButton.LeftButton)
    return dialog


def row_texts(dialog: DunningRunDialog, row: int) -> list[str]:
    table = dialog.table
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_propose_lists_each_customer_at_its_level(qtbot, ctx, run_book) -> None:
    dialog = proposed(qtbot, ctx)
    assert dialog.table.rowCount() == 2
    c1, c2 = row_texts(dialog, 0), row_texts(dialog, 1)
    assert c1[:4] == ["C1", "明远贸易有限公司", "2 First notice", "CNY"]
    assert c1[4] == "1,000.00" and c1[8] == "1"
    assert c2[:3] == ["C2", "Beta Ltd", "1 Payment reminder"] and c2[7] == "80.00"
    assert dialog.table.item(0, 4).textAlignment() & Qt.AlignmentFlag.AlignRight
    assert all(dialog.table.item(r, 0).checkState() == Qt.CheckState.Checked for r in (0, 1))
    assert dialog.items_table.rowCount() == 1  # C1's one item, selected first
    assert dialog.items_table.item(0, 0).text() == "INV-1"
    assert dialog.items_table.item(0, 3).text() == "150"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.items_table.item(0, 0).text() == "INV-8"
    assert "2 letter(s) proposed" in dialog.info_label.text()
    only_2 = proposed(qtbot, ctx, level_index=2)
    assert only_2.table.rowCount() == 1 and row_texts(only_2, 0)[0] == "C1"


def test_unchecking_one_issues_only_the_other(qtbot, ctx, run_book, folder: Path) -> None:
    dialog = proposed(qtbot, ctx)
    dialog.table.setCurrentCell(0, 0)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)  # uncheck C1
    assert [p.customer_code for p in dialog.checked()] == ["C2"]
    with qtbot.waitSignal(dialog.completed, timeout=10000) as done:
        qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert [n.proposal.customer_code for n in done.args[0]] == ["C2"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "C2-L1-2026-06-30.eml",
        "C2-L1-2026-06-30.pdf",
    ]
    notices = list_notices(ctx, customer_id=run_book["B"])
    assert [(n.level, n.as_of) for n in notices] == [(1, AS_OF)]
    assert [n.as_of for n in list_notices(ctx, customer_id=run_book["A"])] == [date(2026, 5, 1)]
    assert "1 letter(s) and .eml draft(s) written to" in dialog.info_label.text()
    assert str(folder) in dialog.info_label.text()
    assert [row_texts(dialog, r)[0] for r in range(dialog.table.rowCount())] == ["C1"]
    assert module.app_settings().value("dunning_run/folder") == str(folder)


def test_cancel_leaves_nothing(qtbot, ctx, run_book, folder: Path, monkeypatch) -> None:
    gate = threading.Event()

    def held(*args, **kwargs):
        gate.wait(5)
        return issue_run(*args, **kwargs)

    monkeypatch.setattr(module, "issue_run", held)
    dialog = proposed(qtbot, ctx)
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert dialog.is_running() and dialog.cancel_button.isVisible()
    assert not dialog.issue_button.isEnabled() and not dialog.propose_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.completed, timeout=10000) as done:
        gate.set()
    assert done.args[0] is None and not dialog.is_running() and dialog.isVisible()
    assert "no notice was issued" in dialog.info_label.text()
    assert not folder.exists() or list(folder.iterdir()) == []
    assert [n.as_of for n in list_notices(ctx)] == [date(2026, 5, 1)]
    assert dialog.issue_button.isEnabled() and dialog.table.rowCount() == 2


def test_a_read_only_role_cannot_issue(qtbot, ctx, run_book, folder: Path) -> None:
    viewer = dataclasses.replace(ctx, role="viewer")
    dialog = proposed(qtbot, viewer)
    assert dialog.table.rowCount() == 2 and dialog.preview_button.isEnabled()
    assert not dialog.issue_button.isEnabled() and dialog.note.isVisible()
    assert "viewer" in dialog.note.text()
    assert dialog.issue() is False
    assert not folder.exists() and len(list_notices(ctx)) == 1


def test_preview_shows_the_selected_letter(qtbot, ctx, run_book, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QPrintPreviewDialog, "exec", lambda self: shown.append(self.windowTitle()))
    dialog = proposed(qtbot, ctx)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown[0].startswith("C2 Beta Ltd")


def test_the_file_menu_entry(qtbot, ctx, run_book) -> None:
    window = MainWindow(ctx, as_of=AS_OF)
    qtbot.addWidget(window)
    actions = window.print_action.associatedObjects()[-1].actions()
    after = actions[actions.index(window.print_action) + 1]
    assert after is window.dunning_run_action and after.shortcut() == QKeySequence()
    window.dunning_run_action.trigger()
    dialogs = window.findChildren(DunningRunDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].close()
    assert wait_for_idle()


def test_screenshot_over_the_demo_book(qtbot, ctx) -> None:
    from desktop_ar.services.demo import seed_demo

    seed_demo(ctx, customers=40, invoices=400, seed=3, as_of=AS_OF)
    dialog = proposed(qtbot, ctx)
    assert dialog.table.rowCount() > 0
    dialog.resize(1100, 700)
    qtbot.wait(50)
    dialog.grab().save("/tmp/dunning_run_dialog.png")
