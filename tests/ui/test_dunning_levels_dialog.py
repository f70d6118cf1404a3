"""Dunning levels and letters… (催款级别与模板), driven like a user over a fresh book."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_ar.services.dunning_levels import get_template, list_levels
from desktop_ar.ui.dialogs.dunning_levels_dialog import DunningLevelsDialog
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import wait_for_idle
from desktop_ar.ui.widgets.dunning_level_form import format_rate
from tests.services.helpers import audit_count

Button = QMessageBox.StandardButton


def _dialog(qtbot, ctx) -> DunningLevelsDialog:
    dialog = DunningLevelsDialog(ctx=ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.editor.loaded is not None, timeout=5000)
    return dialog


def _level(ctx, level: int):
    return next(lv for lv in list_levels(ctx) if lv.level == level)


def _click_row(qtbot, dialog: DunningLevelsDialog, row: int) -> None:
    table = dialog.table
    rect = table.visualItemRect(table.item(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wait_for_idle()


def _retype(qtbot, field, text: str) -> None:
    field.selectAll()
    qtbot.keyClicks(field, text)


def _answer(monkeypatch, *answers: Button) -> list[str]:
    """Answer the next unsaved-changes prompts in order; returns the questions asked."""
    asked: list[str] = []
    queue = list(answers)

    def fake_exec(box: QMessageBox) -> int:
        asked.append(box.text())
        return queue.pop(0).value

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return asked


def _row_texts(dialog: DunningLevelsDialog, row: int) -> list[str]:
    return [dialog.table.item(row, c).text() for c in range(6)]


def test_change_level_4_fee_and_rate_from_the_keyboard(qtbot, ctx) -> None:
    dialog = _dialog(qtbot, ctx)
    assert dialog.table.rowCount() == 5
    assert dialog.focusWidget() is dialog.table  # keyboard-first: the table has the focus
    for _ in range(3):  # row 1 → row 4
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    wait_for_idle()
    assert dialog.current is not None and dialog.current.level == 4
    form = dialog.form
    _retype(qtbot, form.fee_edit, "75.5")
    _retype(qtbot, form.rate_edit, "12.5%")
    assert dialog.is_dirty()
    qtbot.keyClick(form.rate_edit, Qt.Key.Key_Return)  # Enter saves the level
    wait_for_idle()
    level = _level(ctx, 4)
    assert level.fee == Decimal("75.50")
    assert level.interest_rate == Decimal("0.125") and isinstance(level.interest_rate, Decimal)
    assert _row_texts(dialog, 3)[4:] == ["75.50", "12.5%"]
    assert form.fee_edit.text() == "75.50" and form.rate_edit.text() == "12.5%"
    assert not dialog.is_dirty() and form.error_label.isHidden()
    assert audit_count(ctx, "update_dunning_level") == 1
    assert dialog.isVisible()  # Enter in a field never closes the dialog


def test_rate_150_percent_is_refused_inline_and_nothing_is_saved(qtbot, ctx) -> None:
    dialog = _dialog(qtbot, ctx)
    _click_row(qtbot, dialog, 3)
    before = list_levels(ctx)
    form = dialog.form
    _retype(qtbot, form.rate_edit, "150%")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert form.error_label.isVisible()
    assert form.error_label.text().startswith("Annual interest:")
    assert "0 to 100" in form.error_label.text()
    assert form.rate_edit.hasFocus() and "c62828" in form.rate_edit.styleSheet()
    _retype(qtbot, form.fee_edit, "12.345")  # a third decimal: refused as well
    _retype(qtbot, form.rate_edit, "10")
    qtbot.keyClick(form.fee_edit, Qt.Key.Key_Return)
    assert form.error_label.text().startswith("Fee:") and "two decimals" in form.error_label.text()
    wait_for_idle()
    assert list_levels(ctx) == before
    assert audit_count(ctx, "update_dunning_level") == 0


def test_the_service_refusal_names_the_field(qtbot, ctx) -> None:
    dialog = _dialog(qtbot, ctx)
    _click_row(qtbot, dialog, 1)  # level 2 may not start after level 3
    days_2, days_3 = _level(ctx, 2).days_overdue, _level(ctx, 3).days_overdue
    form = dialog.form
    form.days_spin.selectAll()
    qtbot.keyClicks(form.days_spin, str(days_3 + 10))
    qtbot.keyClick(form.days_spin, Qt.Key.Key_Return)
    wait_for_idle()
    assert form.error_label.isVisible() and "days overdue" in form.error_label.text()
    assert form.days_spin.hasFocus()
    assert _level(ctx, 2).days_overdue == days_2


def test_edit_the_zh_letter_with_a_placeholder_from_the_list(qtbot, ctx) -> None:
    dialog = _dialog(qtbot, ctx)
    _click_row(qtbot, dialog, 3)
    editor = dialog.editor
    editor.lang_combo.setFocus()
    editor.lang_combo.setCurrentIndex(editor.lang_combo.findData("zh"))
    qtbot.waitUntil(lambda: editor.loaded is not None and editor.loaded.lang == "zh", timeout=5000)
    assert editor.key() == ("zh", "letter")
    body = editor.body_edit
    cursor = body.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    body.setTextCursor(cursor)
    body.setFocus()
    qtbot.keyClick(body, Qt.Key.Key_Return)
    body.insertPlainText("最早到期日：")  # Chinese arrives through the input method, not keys
    places = editor.placeholder_list
    row = places.names().index("oldest_due_date")
    item = places.item(row)
    places.scrollToItem(item)
    rect = places.visualItemRect(item)
    qtbot.mouseClick(places.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(places.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert body.toPlainText().endswith("最早到期日：{oldest_due_date}")
    assert body.hasFocus()  # back in the body to go on typing
    assert editor.check_label.text() == "Unsaved changes"
    qtbot.keyClick(body, Qt.Key.Key_Return)  # a blank line at the end: the service trims it
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    stored = get_template(ctx, 4, "zh", "letter")
    assert stored.body.endswith("最早到期日：{oldest_due_date}")
    assert stored.updated_by == "tester" and not editor.is_dirty()
    assert body.toPlainText() == stored.body and editor.check_label.text() == ""
    assert "tester" in editor.status_label.text()
    dialog.reject()
    wait_for_idle()

    again = _dialog(qtbot, ctx)  # reload: the stored text comes back
    _click_row(qtbot, again, 3)
    again.editor.lang_combo.setCurrentIndex(again.editor.lang_combo.findData("zh"))
    qtbot.waitUntil(lambda: again.editor.key() == ("zh", "letter"), timeout=5000)
    qtbot.waitUntil(lambda: again.editor.loaded is not None, timeout=5000)
    assert again.editor.body_edit.toPlainText() == stored.body


def test_an_unknown_placeholder_is_flagged_and_refused(qtbot, ctx) -> None:
    dialog = _dialog(qtbot, ctx)
    editor = dialog.editor
    before = get_template(ctx, 1, "en", "letter")
    editor.body_edit.setFocus()
    qtbot.keyClicks(editor.body_edit, "Dear {foo} ")
    assert (
        "{foo}" in editor.check_label.text() and "Unknown placeholder" in editor.check_label.text()
    )
    qtbot.keyClicks(editor.subject_edit, " {bar")  # a stray brace is flagged too
    assert "{" in editor.check_label.text()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    wait_for_idle()
    assert "unknown placeholder" in editor.check_label.text()
    assert get_template(ctx, 1, "en", "letter") == before
    assert audit_count(ctx, "save_dunning_template") == 0


def test_unsaved_template_prompts_when_switching(qtbot, ctx, monkeypatch) -> None:
    dialog = _dialog(qtbot, ctx)
    editor = dialog.editor
    english = editor.body_edit.toPlainText()
    qtbot.keyClicks(editor.subject_edit, " (draft)")
    asked = _answer(monkeypatch, Button.Cancel, Button.Discard, Button.Save)

    editor.channel_combo.setCurrentIndex(editor.channel_combo.findData("email"))  # Cancel
    assert len(asked) == 1 and "template" in asked[0]
    assert editor.key() == ("en", "letter") and editor.subject_edit.text().endswith("(draft)")

    _click_row(qtbot, dialog, 2)  # another level: Discard
    assert len(asked) == 2 and dialog.current.level == 3
    qtbot.waitUntil(lambda: editor.loaded is not None and editor.loaded.level == 3, timeout=5000)
    assert not editor.subject_edit.text().endswith("(draft)")
    assert audit_count(ctx, "save_dunning_template") == 0

    qtbot.keyClicks(editor.subject_edit, " (v2)")
    editor.lang_combo.setCurrentIndex(editor.lang_combo.findData("zh"))  # Save, then switch
    wait_for_idle()
    qtbot.waitUntil(lambda: editor.loaded is not None and editor.loaded.lang == "zh", timeout=5000)
    assert len(asked) == 3
    assert get_template(ctx, 3, "en", "letter").subject.endswith("(v2)")
    assert editor.body_edit.toPlainText() != english


def test_unsaved_level_prompts_on_switch_and_close(qtbot, ctx, monkeypatch) -> None:
    dialog = _dialog(qtbot, ctx)
    name_2 = _level(ctx, 2).name_en
    _retype(qtbot, dialog.form.fee_edit, "9.90")
    asked = _answer(monkeypatch, Button.Save, Button.Cancel, Button.Discard)
    _click_row(qtbot, dialog, 1)  # Save level 1, then show level 2
    qtbot.waitUntil(lambda: dialog.current is not None and dialog.current.level == 2)
    assert _level(ctx, 1).fee == Decimal("9.90") and len(asked) == 1

    _retype(qtbot, dialog.form.name_en_edit, "Second reminder")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Cancel: stays open with the text
    assert len(asked) == 2 and "closing" in asked[1] and dialog.isVisible()
    assert dialog.form.name_en_edit.text() == "Second reminder"
    dialog.close()  # Discard: closes without saving
    wait_for_idle()
    assert len(asked) == 3 and not dialog.isVisible()
    assert _level(ctx, 2).name_en == name_2 != "Second reminder"
    assert app_settings().value(DunningLevelsDialog.geometry_key)  # geometry remembered


def test_ctrl_s_saves_the_level_and_its_template(qtbot, ctx) -> None:
    dialog = _dialog(qtbot, ctx)
    _click_row(qtbot, dialog, 4)
    qtbot.waitUntil(lambda: dialog.editor.loaded is not None, timeout=5000)
    _retype(qtbot, dialog.form.fee_edit, "200")
    editor = dialog.editor
    editor.subject_edit.setFocus()
    editor.subject_edit.end(False)
    qtbot.keyClicks(editor.subject_edit, " - ")
    editor.placeholder_list.setFocus()  # keyboard: Tab to the list, arrow, Enter
    editor.placeholder_list.setCurrentRow(0)
    qtbot.keyClick(editor.placeholder_list, Qt.Key.Key_Down)
    qtbot.keyClick(editor.placeholder_list, Qt.Key.Key_Return)
    assert editor.subject_edit.text().endswith(" - {customer_name}")  # into the subject
    qtbot.keyClick(editor.subject_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for_idle()
    assert _level(ctx, 5).fee == Decimal("200.00")
    assert get_template(ctx, 5, "en", "letter").subject.endswith("- {customer_name}")
    assert not dialog.is_dirty()


def test_a_read_only_role_cannot_edit(qtbot, ctx) -> None:
    viewer = dataclasses.replace(ctx, role="collector")
    dialog = _dialog(qtbot, viewer)
    assert dialog.note.isVisible() and "collector" in dialog.note.text()
    form, editor = dialog.form, dialog.editor
    assert not any(w.isEnabled() for w in form.fields())
    assert not form.save_button.isEnabled() and not editor.save_button.isEnabled()
    assert editor.body_edit.isReadOnly() and editor.subject_edit.isReadOnly()
    assert not editor.placeholder_list.isEnabled()
    before = editor.body_edit.toPlainText()
    editor.body_edit.setFocus()
    qtbot.keyClicks(editor.body_edit, "x")
    assert editor.body_edit.toPlainText() == before and not dialog.is_dirty()
    _click_row(qtbot, dialog, 4)  # reading still works
    qtbot.waitUntil(lambda: editor.loaded is not None and editor.loaded.level == 5, timeout=5000)
    dialog.save_all()
    wait_for_idle()
    assert audit_count(ctx, "update_dunning_level") == 0


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (Decimal("0.10"), "10%"),
        (Decimal("0.085"), "8.5%"),
        (Decimal(0), "0%"),
        (Decimal(1), "100%"),
    ],
)
def test_rates_show_as_percent(rate: Decimal, text: str) -> None:
    assert format_rate(rate) == text


def test_full_width_percent_is_read_exactly(qtbot, ctx) -> None:
    dialog = _dialog(qtbot, ctx)
    dialog.form.rate_edit.setText("８．２５％")  # full-width, as a Chinese input method types it
    assert dialog.form.values()["interest_rate"] == Decimal("0.0825")


def test_screenshot_of_a_fresh_book(qtbot, ctx, tmp_path) -> None:
    dialog = _dialog(qtbot, ctx)
    _click_row(qtbot, dialog, 3)
    qtbot.waitUntil(lambda: dialog.editor.loaded is not None, timeout=5000)
    image = dialog.grab()
    assert not image.isNull() and image.width() >= 1000
    assert image.save(str(tmp_path / "dunning_levels.png"))
    header = dialog.table.horizontalHeader()
    for width in (1240, 800):  # nothing squeezed out of sight, even in a small window
        dialog.resize(width, 560)
        qtbot.wait(10)
        for column in range(dialog.table.columnCount()):
            wanted = max(header.sectionSizeHint(column), dialog.table.sizeHintForColumn(column))
            assert header.sectionSize(column) >= wanted - 1, (width, column)
