"""The "Export to Excel…" action (Ctrl+Shift+E) on the list pages and the aging page.

The file dialog is replaced by a function returning a path; the export runs as a BackgroundOp
and the test reads the workbook back.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop_ar.ui.pages.aging import AgingPage
from desktop_ar.ui.pages.customers import CustomersPage
from desktop_ar.ui.pages.exceptions import ExceptionsPage
from desktop_ar.ui.pages.invoices import InvoicesPage
from desktop_ar.ui.pages.orders import OrdersPage
from desktop_ar.ui.pages.payments import PaymentsPage
from desktop_ar.ui.tasks import wait_for_idle

AS_OF = date(2026, 6, 30)


@pytest.fixture
def save_as(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The save dialog "returns" tmp_path/<offered name> and records what it offered."""
    offered: list[str] = []

    def fake(_parent: object, _title: str, start: str, _filter: str) -> tuple[str, str]:
        offered.append(Path(start).name)
        return str(tmp_path / Path(start).stem), "Excel workbook (*.xlsx)"  # no suffix typed

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return offered


def show(qtbot, page):
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.mark.parametrize(
    ("page_class", "name", "rows"),
    [
        (CustomersPage, "customers", 4),
        (InvoicesPage, "invoices", 5),
        (PaymentsPage, "payments", 1),
        (OrdersPage, "orders", 0),
        (ExceptionsPage, "exceptions", 2),
    ],
)
def test_shortcut_exports_the_list_as_shown(
    qtbot, book, tmp_path: Path, save_as: list[str], page_class, name: str, rows: int
) -> None:
    page = show(qtbot, page_class(book.ctx, as_of=AS_OF))
    assert page.export_action.shortcut().toString() == "Ctrl+Shift+E"
    with qtbot.waitActive(page):  # shortcuts only fire in the active window
        page.activateWindow()
    page.view.setFocus()
    qtbot.keyClick(
        page.view,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert wait_for_idle()
    assert save_as == [f"{name}-2026-06-30.xlsx"]
    path = tmp_path / f"{name}-2026-06-30.xlsx"
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value.endswith("as of 2026-06-30")
    data = [
        r for r in ws.iter_rows(min_row=3, values_only=True) if not str(r[0]).startswith("Total")
    ]
    assert len(data) == rows


def test_export_follows_the_filter_and_sort(qtbot, book, tmp_path: Path, save_as) -> None:
    page = show(qtbot, InvoicesPage(book.ctx, as_of=AS_OF))
    page.filter_bar.edit.setText("明远")
    qtbot.waitUntil(lambda: page.row_count() == 3, timeout=5000)
    page.export_action.trigger()
    assert wait_for_idle()
    ws = openpyxl.load_workbook(tmp_path / "invoices-2026-06-30.xlsx").active
    names = [r[2] for r in ws.iter_rows(min_row=3, max_row=5, values_only=True)]
    assert set(names) == {"上海明远贸易有限公司", "上海明远物流有限公司"}


def test_cancelled_file_dialog_exports_nothing(qtbot, book, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a: ("", "")))
    page = show(qtbot, CustomersPage(book.ctx, as_of=AS_OF))
    assert page.export_to_excel() is None
    assert not list(tmp_path.glob("*.xlsx"))


def test_aging_page_exports_the_current_report(qtbot, book, tmp_path: Path, save_as) -> None:
    page = AgingPage(book.ctx, as_of=AS_OF)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        show(qtbot, page)
    page.export_action.trigger()
    assert wait_for_idle()
    assert save_as == ["aging-2026-06-30.xlsx"]
    ws = openpyxl.load_workbook(tmp_path / "aging-2026-06-30.xlsx")["CNY"]
    codes = {r[0] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert {"C001", "C002", "C003", "C004", "Total"} <= codes
