"""The import wizard driven like a user: file, sheet and header row, columns, import.

Files are made with openpyxl in tmp_path (title rows, Chinese headers); the file dialogs and the
template-name prompt are replaced by functions; the database is checked afterwards. The preview
step (problems, rejects, cancel, files imported before) is in test_import_preview.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog, QWizard
from sqlalchemy import select

from desktop_ar.db.models import Customer
from desktop_ar.services.import_templates import list_templates
from desktop_ar.services.uow import reader
from desktop_ar.ui.tasks import wait_for_idle
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.import_wizard import ImportWizard
from tests.ui.import_wizard_helpers import (
    CUSTOMER_HEADERS,
    CUSTOMERS,
    Window,
    count,
    fake_open_file,
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


def test_customers_imported_step_by_step(
    qtbot, ctx, tmp_path, window, open_file, shown_messages
) -> None:
    path = xlsx(tmp_path / "客户.xlsx", CUSTOMER_HEADERS, CUSTOMERS, title="客户清单 2026")
    wizard = start(qtbot, ctx, window, "customers", path, open_file)
    assert wizard.minimumWidth() >= 900 and wizard.minimumHeight() >= 600
    assert wizard.source_page.path_edit.text() == str(path)
    assert "header found on row 3" in wizard.source_page.found_label.text()

    press(qtbot, wizard)  # → sheet: the title rows are skipped, row 3 is the header
    sheet = wizard.sheet_page
    assert wizard.currentId() == Step.SHEET
    assert [sheet.sheet_combo.itemText(i) for i in range(2)] == ["数据", "旧表 (hidden)"]
    assert sheet.header_spin.value() == 3
    assert sheet.model.index(2, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "Found automatically" in sheet.reasons_label.text()

    press(qtbot, wizard)  # → columns guessed from the Chinese labels
    mapping = wizard.mapping_page
    combo = mapping.combos["collector"]
    assert combo.currentText() == "E · 业务员 — 王芳"
    assert mapping.match_labels["collector"].text() == "Name matches (100 %)"
    assert mapping.combos["name"].currentText().startswith("B · 客户名称")
    # The user reads the salesperson into Notes instead (keyboard: Down on the Notes combo).
    notes = mapping.combos["notes"]
    notes.setFocus()
    for _ in range(5):
        qtbot.keyClick(notes, Qt.Key.Key_Down)
    assert notes.currentData() == 4
    assert combo.currentData() is None  # one column feeds one field
    assert mapping.match_labels["notes"].text() == "Chosen by you"

    press(qtbot, wizard)  # → preview
    preview = wizard.preview_page
    assert wizard.currentId() == Step.PREVIEW
    assert preview.counts["create"].text() == "3" and preview.counts["rejected"].text() == "0"
    assert "Ready to import" in preview.banner.text()
    assert count(ctx, Customer) == 0  # nothing written yet

    press(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert wizard.currentId() == Step.DONE
    assert "3 created" in wizard.result_page.headline.text()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    with reader(ctx) as s:
        columns = (Customer.code, Customer.notes, Customer.collector, Customer.credit_limit_minor)
        rows = sorted(tuple(r) for r in s.execute(select(*columns)))
    assert rows == [
        ("C001", "王芳", "", 1_000_000),
        ("C002", "李娜", "", 500_000),
        ("C003", "Tom", "", 0),
    ]
    assert window.changes and window.changes[-1].everything  # the lists refresh
    press(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert not wizard.isVisible()
    assert shown_messages == []  # no error box on the way


def test_header_row_corrected_and_template_offered_next_time(
    qtbot, ctx, tmp_path, window, open_file, monkeypatch
) -> None:
    # An ERP export whose labels mean nothing to the guesser, under a preamble row that looks
    # more like a header than they do: the automatic guess is row 2, the preamble.
    headers = ["甲", "乙", "丙"]
    before = [["ERP 导出"], ["部门", "销售部", "期间", "2026-06"]]
    rows = [["K1", "上海甲公司", "NET30"], ["K2", "北京乙公司", "NET60"]]
    first = xlsx(tmp_path / "erp-1.xlsx", headers, rows, before=before)
    wizard = start(qtbot, ctx, window, "customers", first, open_file)
    press(qtbot, wizard)
    sheet = wizard.sheet_page
    assert sheet.header_spin.value() == 2
    # The user clicks row 3 of the grid: it becomes the header row.
    rect = sheet.grid.visualRect(sheet.model.index(2, 1))
    qtbot.mouseClick(sheet.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sheet.header_spin.value() == 3 and wizard.flow.header_row == 3
    assert "as you chose" in sheet.reasons_label.text()

    press(qtbot, wizard)
    mapping = wizard.mapping_page
    assert "Customer name (客户名称)" in mapping.message.text()  # the required field is missing
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    for key, column in (("code", 0), ("name", 1), ("payment_terms", 2)):
        combo = mapping.combos[key]
        combo.setCurrentIndex(combo.findData(column))
        combo.activated.emit(combo.currentIndex())
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a: ("ERP 客户", True)))
    qtbot.mouseClick(mapping.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_idle()
    assert "Saved the template “ERP 客户”" in mapping.message.text()
    assert mapping.template_combo.currentText() == "ERP 客户"
    [saved] = list_templates(ctx, "customers")
    assert saved.header_row == 3 and saved.mapping.columns == {
        "code": 0,
        "name": 1,
        "payment_terms": 2,
    }
    wizard.reject()

    # Next month's export: the template finds the header row and maps the columns.
    second = xlsx(tmp_path / "erp-2.xlsx", headers, [["K3", "广州丙公司", "NET15"]], before=before)
    wizard = start(qtbot, ctx, window, "customers", second, open_file)
    assert "as the template “ERP 客户” says" in wizard.source_page.found_label.text()
    press(qtbot, wizard)
    assert wizard.sheet_page.header_spin.value() == 3
    press(qtbot, wizard)
    mapping = wizard.mapping_page
    assert mapping.template_combo.currentText() == "ERP 客户"
    assert "Using the saved template “ERP 客户”" in mapping.template_note.text()
    assert mapping.combos["name"].currentData() == 1
    assert mapping.match_labels["name"].text() == "From the template"
    press(qtbot, wizard)
    press(qtbot, wizard, QWizard.WizardButton.CommitButton)
    with reader(ctx) as s:
        assert s.scalar(select(Customer.payment_terms).where(Customer.code == "K3")) == "NET15"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.docx", b"PK\x03\x04 not a workbook", "not supported"),
        ("renamed.xlsx", "客户编号,客户名称\nC1,甲\n".encode(), "xlsx"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_unreadable_file_explained_on_the_page(
    qtbot, ctx, tmp_path, window, open_file, name, content, expected
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    wizard = start(qtbot, ctx, window, "customers", path, open_file)
    page = wizard.source_page
    assert page.message.isVisible() and expected in page.message.text().lower()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_password_protected_workbook_explained(qtbot, ctx, window, open_file, shared_data):
    path = shared_data / "excel_quirks" / "calamine__pass_protected.xlsx"
    wizard = start(qtbot, ctx, window, "customers", path, open_file)
    assert "password" in wizard.source_page.message.text().lower()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_geometry_is_remembered(qtbot, ctx) -> None:
    wizard = ImportWizard(ctx=ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.resize(1000, 650)
    wizard.reject()
    again = ImportWizard(ctx=ctx)
    qtbot.addWidget(again)
    # The offscreen screen is 800 pixels wide: Qt fits the width, the height is kept.
    assert again.height() == 650 and again.width() >= 900


def test_file_import_opens_the_wizard_and_the_lists_refresh(
    qtbot, ctx, tmp_path, open_file
) -> None:
    from desktop_ar.ui.main_window import MainWindow

    w = MainWindow(ctx, as_of=date(2026, 6, 30))
    qtbot.addWidget(w)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    file_menu = w.menuBar().actions()[0].menu()
    assert w.import_action in file_menu.actions()
    assert w.import_action.shortcut().toString() == "Ctrl+I"
    assert w.current_key() == "customers" and w.current_page().row_count() == 0
    qtbot.keyClick(w, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    wizard = w.import_wizard
    assert wizard.isVisible() and wizard.parentWidget() is w
    open_file.append(xlsx(tmp_path / "客户.xlsx", CUSTOMER_HEADERS, CUSTOMERS))
    qtbot.mouseClick(wizard.source_page.browse_button, Qt.MouseButton.LeftButton)
    assert wait_for_idle()
    to_preview(qtbot, wizard)
    press(qtbot, wizard, QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(lambda: w.current_page().row_count() == 3, timeout=5000)


def test_no_page_takes_ctrl_i(qtbot, ctx) -> None:
    """Two actions with one shortcut make Qt fire neither: Ctrl+I is the import's alone."""
    from PySide6.QtGui import QAction, QKeySequence

    from desktop_ar.ui.main_window import MainWindow

    w = MainWindow(ctx, as_of=date(2026, 6, 30))
    qtbot.addWidget(w)
    for entry in w._entries:  # pages are built on first use: build them all
        w.page(entry.key)
    wanted = QKeySequence("Ctrl+I")
    owners = [a for a in w.findChildren(QAction) if a.shortcut() == wanted]
    assert owners == [w.import_action]
    assert w.page("invoices").fapiao_action.shortcut().toString() == "Ctrl+T"
    assert wait_for_idle()


def test_keyboard_only(qtbot, ctx, tmp_path, window) -> None:
    # An ASCII path: QTest types ASCII only (the Chinese file names above come from Browse…).
    path = xlsx(tmp_path / "customers.xlsx", CUSTOMER_HEADERS, CUSTOMERS, title="客户清单")
    wizard = ImportWizard(ctx=ctx, parent=window)
    with qtbot.waitActive(wizard):
        wizard.show()
        wizard.activateWindow()
    edit = wizard.source_page.path_edit
    edit.setFocus()
    qtbot.keyClicks(edit, str(path))
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # reads the file
    assert wait_for_idle() and wizard.flow.preview is not None
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Next
    assert wait_for_idle() and wizard.currentId() == Step.SHEET
    grid = wizard.sheet_page.grid
    assert grid.hasFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Down)  # the arrow keys move the header row
    assert wizard.sheet_page.header_spin.value() == 4
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert wizard.flow.header_row == 3
    qtbot.keyClick(grid, Qt.Key.Key_Return)  # Next
    assert wait_for_idle() and wizard.currentId() == Step.MAPPING
    focused = QApplication.focusWidget()
    assert isinstance(focused, QComboBox)  # the columns are chosen with the arrow keys
    qtbot.keyClick(focused, Qt.Key.Key_Return)  # Next
    assert wait_for_idle() and wizard.currentId() == Step.PREVIEW
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Import (the default button)
    assert wait_for_idle() and wizard.currentId() == Step.DONE
    assert count(ctx, Customer) == 3


def test_real_sales_export_opens_on_its_columns(qtbot, ctx, window, open_file, shared_data):
    from desktop_ar.services import import_plan

    if "orders" not in import_plan.IMPORT_KINDS:
        pytest.skip("orders cannot be imported yet")
    path = shared_data / "invoices_ar" / "online_retail_uci_40k_sample.xlsx"
    wizard = start(qtbot, ctx, window, "orders", path, open_file)
    press(qtbot, wizard)
    assert wizard.sheet_page.header_spin.value() == 1
    assert wizard.sheet_page.model.index(1, 4).data() == "2011-10-30 16:17:00"
    press(qtbot, wizard)
    combos = wizard.mapping_page.combos
    assert combos["order_number"].currentText() == "A · InvoiceNo — 573415"
    assert combos["unit_price"].currentText().startswith("F · UnitPrice")
    assert wizard.mapping_page.template_combo.currentIndex() == 0
