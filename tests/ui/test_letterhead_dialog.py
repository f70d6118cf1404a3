"""Settings ▸ Company letterhead…: the fields, the logo, and who may change them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog

from desktop_ar.services.settings import get_settings, set_logo, update_settings
from desktop_ar.ui.dialogs.letterhead_dialog import LetterheadDialog
from desktop_ar.ui.tasks import wait_for_idle
from tests.services.helpers import audit_count


def tiny_png() -> bytes:
    """A 4 x 2 pixel red PNG, made by Qt (so Qt can show it again)."""
    image = QImage(4, 2, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


@pytest.fixture
def png(qapp) -> bytes:
    return tiny_png()


def open_dialog(qtbot, ctx) -> LetterheadDialog:
    dialog = LetterheadDialog(ctx=ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert wait_for_idle()
    return dialog


def retype(qtbot, field, text: str) -> None:
    field.selectAll()
    qtbot.keyClicks(field, text)


def test_fields_and_logo_are_saved(qtbot, ctx, tmp_path: Path, monkeypatch, png: bytes) -> None:
    dialog = open_dialog(qtbot, ctx)
    assert dialog.fields["name"].text() == "测试公司 Test Co" and dialog.save_button.isEnabled()
    assert dialog.logo_preview.text() == "No logo" and not dialog.remove_logo_button.isEnabled()
    dialog.fields["name"].setText("上海明远贸易有限公司")  # QTest types ASCII only
    retype(qtbot, dialog.fields["name_en"], "A <B> & Co")
    dialog.fields["address"].setPlainText("上海市浦东新区\n世纪大道 100 号")
    retype(qtbot, dialog.fields["tax_id"], "91310000MA1FL0XX1X")
    dialog.fields["bank_details"].setPlainText("ICBC Shanghai\n1001 2345")
    dialog.paper_combo.setCurrentIndex(dialog.paper_combo.findData("Letter"))
    logo = tmp_path / "logo.png"
    logo.write_bytes(png)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(logo), ""))
    )
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    assert not dialog.logo_preview.pixmap().isNull() and dialog.remove_logo_button.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    s = get_settings(ctx)
    assert (s.name, s.name_en, s.tax_id, s.paper) == (
        "上海明远贸易有限公司", "A <B> & Co", "91310000MA1FL0XX1X", "Letter",
    )  # fmt: skip
    assert s.address == "上海市浦东新区\n世纪大道 100 号" and s.bank_details.startswith("ICBC")
    assert s.logo == png
    assert audit_count(ctx, "set_logo") == 1 and audit_count(ctx, "update_settings") == 1


def test_an_unchanged_dialog_writes_nothing_and_remove_clears_the_logo(
    qtbot, ctx, png: bytes
) -> None:
    set_logo(ctx, png)
    update_settings(ctx, email="ar@example.com")
    dialog = open_dialog(qtbot, ctx)
    assert dialog.fields["email"].text() == "ar@example.com"
    assert not dialog.logo_preview.pixmap().isNull()
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert audit_count(ctx, "update_settings") == 1 and audit_count(ctx, "set_logo") == 1
    dialog = open_dialog(qtbot, ctx)
    qtbot.mouseClick(dialog.remove_logo_button, Qt.MouseButton.LeftButton)
    assert dialog.logo_preview.text() == "No logo"
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.keyClick(dialog.fields["phone"], Qt.Key.Key_Return)
    assert get_settings(ctx).logo is None and get_settings(ctx).email == "ar@example.com"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"not an image at all", "PNG or JPEG"), (b"", "empty")],
)
def test_a_file_that_is_no_logo_is_refused_inline(
    qtbot, ctx, tmp_path: Path, content: bytes, reason: str
) -> None:
    dialog = open_dialog(qtbot, ctx)
    bad = tmp_path / "logo.png"
    bad.write_bytes(content)
    assert dialog.choose_logo(bad) is False
    assert dialog.error_label.isVisible() and reason in dialog.error_label.text()
    assert dialog.choose_logo(tmp_path / "missing.png") is False
    assert "cannot be read" in dialog.error_label.text()
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert get_settings(ctx).logo is None


def test_a_role_that_cannot_change_settings_sees_it_read_only(qtbot, ctx) -> None:
    viewer = dataclasses.replace(ctx, role="bookkeeper")
    dialog = open_dialog(qtbot, viewer)
    assert dialog.fields["name"].text() == "测试公司 Test Co"
    assert dialog.fields["name"].isReadOnly() and dialog.fields["address"].isReadOnly()
    assert not dialog.save_button.isEnabled() and not dialog.choose_logo_button.isEnabled()
    assert dialog.findChild(type(dialog.error_label), "readOnlyNote").isVisible()
    dialog.accept()  # Enter in a field: refused inline, nothing written
    assert "permission" in dialog.error_label.text().lower() or dialog.error_label.isVisible()
    assert audit_count(ctx, "update_settings") == 0
