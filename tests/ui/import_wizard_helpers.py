"""Files, a stand-in main window and button presses for the import wizard tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget, QWizard
from sqlalchemy import func, select

from desktop_ar.services.changes import Changes
from desktop_ar.services.imports import commit_import, plan_import
from desktop_ar.services.uow import reader
from desktop_ar.ui.tasks import wait_for_idle
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.import_wizard import ImportWizard

CUSTOMER_HEADERS = ["客户编号", "客户名称", "账期", "信用额度", "业务员"]
CUSTOMERS = [
    ["C001", "上海甲公司", "NET30", "¥10,000.00", "王芳"],
    ["C002", "北京乙公司", "NET60", 5000, "李娜"],
    ["C003", "Acme Ltd", "NET15", None, "Tom"],
]


def xlsx(
    path: Path, headers: list[Any], rows: list[list[Any]], *, title: str = "", before=()
) -> Path:
    """A workbook: an optional title and blank row (or the rows ``before``), headers, rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    for row in before or ([[title], []] if title else []):
        ws.append(row)
    ws.append(headers)
    for row in rows:
        ws.append(row)
    hidden = wb.create_sheet("旧表")
    hidden.sheet_state = "hidden"
    hidden.append(["old"])
    wb.save(path)
    return path


def count(ctx: Any, model: Any) -> int:
    with reader(ctx) as s:
        return s.scalar(select(func.count()).select_from(model))


class Window(QWidget):
    """Stands in for the main window: records the Changes the wizard passes on."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[Changes] = []

    def on_changes(self, changes: Changes) -> None:
        self.changes.append(changes)


def make_window(qtbot) -> Window:
    w = Window()
    qtbot.addWidget(w)
    return w


def fake_open_file(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Browse… returns the next path of this list."""
    paths: list[Path] = []

    def fake(*_args: object) -> tuple[str, str]:
        return str(paths.pop(0)), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake))
    return paths


def start(qtbot, ctx, window: QWidget, kind: str, path: Path, open_file: list[Path]):
    wizard = ImportWizard(ctx=ctx, parent=window)
    wizard.show()
    qtbot.waitExposed(wizard)
    page = wizard.source_page
    qtbot.mouseClick(page.kind_buttons[kind], Qt.MouseButton.LeftButton)
    open_file.append(path)
    qtbot.mouseClick(page.browse_button, Qt.MouseButton.LeftButton)
    assert wait_for_idle()
    return wizard


def press(qtbot, wizard: ImportWizard, which=QWizard.WizardButton.NextButton) -> None:
    button = wizard.button(which)
    assert button.isVisible() and button.isEnabled(), f"{which} is disabled on {wizard.currentId()}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert wait_for_idle()


def invoices_with_problems(tmp_path: Path) -> Path:
    headers = ["发票号", "客户", "开票日期", "金额"]
    rows = [
        ["INV-1", "C001", date(2026, 6, 1), 2087.0249999999996],
        ["INV-2", "无此客户", date(2026, 6, 2), 100],
        ["INV-3", "C002", "6月31日", 200],
        ["INV-4", "北京乙公司", date(2026, 6, 4), "1,234.50元"],
    ]
    return xlsx(tmp_path / "发票.xlsx", headers, rows, title="6月发票")


def customers_in_book(ctx, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "base.xlsx", CUSTOMER_HEADERS, CUSTOMERS)
    commit_import(ctx, plan_import(ctx, path, "customers"))


def to_preview(qtbot, wizard: ImportWizard) -> None:
    for _ in range(3):
        press(qtbot, wizard)
    assert wizard.currentId() == Step.PREVIEW
