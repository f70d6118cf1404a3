"""Import statement… for a bank CSV whose headers are not guessable: map, save, reuse."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QWizard

from desktop_ar.ui.tasks import wait_for_idle
from tests.services.bank_odd_files import odd_csv
from tests.ui.bank_helpers import open_bank_page, rows, service, settle
from tests.ui.import_wizard_helpers import press

COLUMNS = {"date": 0, "amount": 2, "direction": 3, "counterparty_name": 4, "balance": 6}


def open_wizard(qtbot, page, path: Path, monkeypatch):
    monkeypatch.setattr("desktop_ar.ui.pages.bank.choose_file", lambda _parent: path)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.import_wizard is not None, timeout=8000)
    wizard = page.import_wizard
    qtbot.waitExposed(wizard)
    settle(qtbot)
    return wizard


def test_user_maps_columns_saves_a_template_and_next_file_uses_it(
    qtbot, ctx, tmp_path, monkeypatch, shown_messages
) -> None:
    bank = service("preview_bank_table", "list_bank_templates")
    page = open_bank_page(qtbot, ctx)
    wizard = open_wizard(qtbot, page, odd_csv(tmp_path / "juni.csv"), monkeypatch)
    sheet = wizard.sheet_page
    assert wizard.currentId() == int(sheet.step)
    # Nothing looks like a bank header: the user clicks row 4, "Tag;Vorgang;Wert;…".
    sheet.header_spin.setValue(4)
    assert wizard.flow.header_row == 4
    press(qtbot, wizard)
    mapping = wizard.mapping_page
    assert "Transaction date" in mapping.message.text()  # the date is missing
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    for key, column in COLUMNS.items():
        combo = mapping.combos[key]
        combo.setCurrentIndex(combo.findData(column))
        combo.activated.emit(combo.currentIndex())
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a: ("Musterbank", True)))
    qtbot.mouseClick(mapping.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_idle()
    settle(qtbot)
    assert "Saved the template “Musterbank”" in mapping.message.text()
    (saved,) = bank.list_bank_templates(ctx)
    assert saved.header_row == 4 and saved.mapping.columns == COLUMNS
    wizard.mapping_page.grab().save(str(tmp_path / "columns.png"))

    press(qtbot, wizard)
    summary = wizard.summary_page
    settle(qtbot)
    assert summary.table.rowCount() == 1
    assert summary.table.item(0, 1).text() == "EUR"
    assert summary.table.item(0, 6).text() == "Adds up"
    assert "3" in summary.table.item(0, 5).text()
    with qtbot.waitSignal(page.imported, timeout=8000):
        press(qtbot, wizard, QWizard.WizardButton.FinishButton)
    settle(qtbot)
    amounts = [r[0] for r in rows(ctx, "SELECT amount_minor FROM bank_lines ORDER BY id")]
    assert amounts == [120000, -550, 30000]
    assert page.row_count() == 1 and shown_messages == []

    # Next month's export, same headers: the template is used without asking.
    page.import_wizard = None
    wizard = open_wizard(
        qtbot, page, odd_csv(tmp_path / "juli.csv", shift=500, month=7), monkeypatch
    )
    assert wizard.flow.header_row == 4
    assert "Musterbank" in wizard.sheet_page.reasons_label.text()
    press(qtbot, wizard)
    mapping = wizard.mapping_page
    assert mapping.template_combo.currentText() == "Musterbank"
    assert "Using the saved template “Musterbank”" in mapping.template_note.text()
    assert mapping.combos["direction"].currentData() == 3
    press(qtbot, wizard)
    settle(qtbot)
    assert "columns mapped with the saved template 'Musterbank'" in (
        wizard.summary_page.notes_label.text()
    )
    with qtbot.waitSignal(page.imported, timeout=8000):
        press(qtbot, wizard, QWizard.WizardButton.FinishButton)
    settle(qtbot)
    ((count, notes),) = rows(ctx, "SELECT count(*), max(notes) FROM bank_statements WHERE id = 2")
    assert count == 1 and "saved template 'Musterbank'" in notes


def test_mt940_still_imports_straight_away(qtbot, ctx, tmp_path, monkeypatch) -> None:
    service("preview_bank_table")
    page = open_bank_page(qtbot, ctx)
    path = tmp_path / "june.sta"
    path.write_text(
        ":20:TEST\n:25:NL81ASNB9999999999\n:28C:1/1\n:60F:C260601EUR1000,00\n"
        ":61:2606030603C250,00NTRFNONREF\n:86:Payment INV-1\n:62F:C260630EUR1250,00\n-\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("desktop_ar.ui.pages.bank.choose_file", lambda _parent: path)
    with qtbot.waitSignal(page.imported, timeout=8000):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert page.import_wizard is None and page.row_count() == 1
