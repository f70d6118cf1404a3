"""The import wizard's preview step: problems, rejected rows, cancel, files imported before.

Driven like a user over files made with openpyxl in tmp_path; the database is checked afterwards.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton, QWizard
from sqlalchemy import select

from desktop_ar.db.models import Customer, ImportBatch, Invoice
from desktop_ar.services.imports import commit_import, plan_import
from desktop_ar.services.progress import CallbackProgress
from desktop_ar.services.uow import reader
from desktop_ar.ui.tasks import wait_for_idle
from desktop_ar.ui.wizards.import_flow import Step
from tests.ui.import_wizard_helpers import (
    CUSTOMER_HEADERS,
    CUSTOMERS,
    Window,
    count,
    customers_in_book,
    fake_open_file,
    invoices_with_problems,
    make_window,
    press,
    start,
    to_preview,
    xlsx,
)


@pytest.fixture
def window(qtbot) -> Window:
    return make_window(qtbot)


@pytest.fixture
def open_file(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    return fake_open_file(monkeypatch)


def test_problems_listed_rejects_saved_valid_rows_imported(
    qtbot, ctx, tmp_path, window, open_file, monkeypatch
) -> None:
    customers_in_book(ctx, tmp_path)
    wizard = start(qtbot, ctx, window, "invoices", invoices_with_problems(tmp_path), open_file)
    to_preview(qtbot, wizard)
    page = wizard.preview_page
    assert (page.counts["create"].text(), page.counts["rejected"].text()) == ("2", "2")
    model = page.problems
    problems = [[model.index(r, c).data() for c in range(5)] for r in range(model.rowCount())]
    assert [p[:3] for p in problems] == [["数据", "5", "B"], ["数据", "6", "C"]]
    assert problems[0][3] == "无此客户" and "customer" in problems[0][4]
    assert "not a date" in problems[1][4]
    notes = [page.notes.index(r, 0).data() for r in range(page.notes.rowCount())]
    assert any("rounds half-up to 2087.03" in n for n in notes), notes
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert "Skip invalid rows" in page.banner.text()

    saved_to = tmp_path / "out" / "发票-rejected"
    saved_to.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a: (str(saved_to), ""))
    )
    qtbot.mouseClick(page.rejects_button, Qt.MouseButton.LeftButton)
    assert wait_for_idle()
    ws = openpyxl.load_workbook(saved_to.with_suffix(".xlsx")).active
    table = list(ws.iter_rows(values_only=True))
    assert table[0][-1] == "Reason" and [r[0] for r in table[1:]] == [5, 6]
    assert "Saved 2 rejected row(s)" in page.message.text()

    page.skip_check.setChecked(True)
    press(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert wizard.currentId() == Step.DONE
    assert "2 created" in wizard.result_page.headline.text()
    with reader(ctx) as s:
        assert sorted(s.scalars(select(Invoice.number))) == ["INV-1", "INV-4"]
        assert s.scalar(select(Invoice.amount_minor).where(Invoice.number == "INV-1")) == 208_703


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The commit stops at its first progress report until the test opens the gate."""
    opened = threading.Event()
    report = CallbackProgress.report

    def waiting(self: CallbackProgress, done: int, total: int, text: str = "") -> None:
        opened.wait(10)
        report(self, done, total, text)

    monkeypatch.setattr(CallbackProgress, "report", waiting)
    return opened


@pytest.mark.parametrize("how", ["escape", "progress dialog"])
def test_cancel_while_importing_writes_nothing(
    qtbot, ctx, tmp_path, window, open_file, gate, how
) -> None:
    path = xlsx(tmp_path / "客户.xlsx", CUSTOMER_HEADERS, CUSTOMERS)
    wizard = start(qtbot, ctx, window, "customers", path, open_file)
    to_preview(qtbot, wizard)
    page = wizard.preview_page
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    assert page.committing is not None and not page.isComplete()
    if how == "escape":
        qtbot.keyClick(wizard, Qt.Key.Key_Escape)  # asks the commit to stop; the window stays
    else:
        qtbot.waitUntil(lambda: bool(wizard.findChildren(QProgressDialog)), timeout=5000)
        [dialog] = wizard.findChildren(QProgressDialog)
        [cancel] = dialog.findChildren(QPushButton)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    gate.set()
    assert wait_for_idle()
    assert wizard.isVisible() and wizard.currentId() == Step.PREVIEW
    assert page.message.text() == "Cancelled: nothing was imported."
    assert count(ctx, Customer) == 0 and count(ctx, ImportBatch) == 0
    assert window.changes == []
    # The same plan can still be imported.
    press(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert wizard.currentId() == Step.DONE and count(ctx, Customer) == 3


def test_file_imported_before_is_refused(qtbot, ctx, tmp_path, window, open_file) -> None:
    path = xlsx(tmp_path / "客户.xlsx", CUSTOMER_HEADERS, CUSTOMERS)
    commit_import(ctx, plan_import(ctx, path, "customers"))
    wizard = start(qtbot, ctx, window, "customers", path, open_file)
    to_preview(qtbot, wizard)
    banner = wizard.preview_page.banner.text()
    assert "already imported on 2026-" in banner and "by tester" in banner
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert not wizard.preview_page.skip_check.isEnabled()
    assert count(ctx, ImportBatch) == 1


def test_read_only_role_can_check_but_not_import(qtbot, ctx, tmp_path, window, open_file):
    path = xlsx(tmp_path / "客户.xlsx", CUSTOMER_HEADERS, CUSTOMERS)
    wizard = start(qtbot, replace(ctx, role="read_only"), window, "customers", path, open_file)
    to_preview(qtbot, wizard)
    assert wizard.preview_page.counts["create"].text() == "3"
    assert "does not allow" in wizard.preview_page.banner.text()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_screenshot_screens_show_columns_and_preview(qtbot, book, window) -> None:
    from desktop_ar.ui.wizards.import_demo import wizard_screens

    shots = []
    for name, wizard in wizard_screens(window, book.ctx, lambda _w: wait_for_idle()):
        shots.append((name, wizard.currentId()))
        if name == "import_preview":
            page = wizard.preview_page
            assert page.problems.rowCount() == 3 and page.counts["create"].text() == "6"
            assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
        wizard.reject()
    assert shots == [("import_mapping", Step.MAPPING), ("import_preview", Step.PREVIEW)]


def test_file_fixed_in_excel_is_checked_again(qtbot, ctx, tmp_path, window, open_file) -> None:
    customers_in_book(ctx, tmp_path)
    path = invoices_with_problems(tmp_path)
    wizard = start(qtbot, ctx, window, "invoices", path, open_file)
    to_preview(qtbot, wizard)
    assert wizard.preview_page.counts["rejected"].text() == "2"
    fixed = [
        ["INV-2", "C001", date(2026, 6, 2), 100],
        ["INV-3", "C002", date(2026, 6, 3), 200],
    ]
    xlsx(path, ["发票号", "客户", "开票日期", "金额"], fixed, title="6月发票")
    press(qtbot, wizard, QWizard.WizardButton.BackButton)
    press(qtbot, wizard)
    page = wizard.preview_page
    assert (page.counts["create"].text(), page.counts["rejected"].text()) == ("2", "0")
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
