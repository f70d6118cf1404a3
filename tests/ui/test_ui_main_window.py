"""The main window: navigation, shortcuts, status bar, as-of date, remembered geometry."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings, Qt

from desktop_ar.services.changes import Changes
from desktop_ar.ui.main_window import MainWindow
from desktop_ar.ui.tasks import wait_for_idle

AS_OF = date(2026, 6, 30)


def window(qtbot, ctx) -> MainWindow:
    w = MainWindow(ctx, as_of=AS_OF)
    qtbot.addWidget(w)
    with qtbot.waitActive(w):  # shortcuts only fire in the active window
        w.show()
        w.activateWindow()
    return w


def test_navigation_by_shortcut_and_list(qtbot, book) -> None:
    w = window(qtbot, book.ctx)
    assert w.current_key() == "customers"
    assert w.rows_label.text() == "4 row(s)"
    qtbot.keyClick(w, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert w.current_key() == "invoices"
    assert w.current_page().objectName() == "invoicesPage"
    assert w.rows_label.text() == "5 row(s)"
    qtbot.keyClick(w, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert w.current_key() == "payments"
    qtbot.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert w.current_key() == "orders"
    w.nav.setCurrentRow(0)
    assert w.current_key() == "customers"
    wait_for_idle()


def test_status_bar_shows_book_and_as_of(qtbot, book) -> None:
    w = window(qtbot, book.ctx)
    assert w.db_label.text() == book.ctx.db_label
    assert w.company_label.text() == "测试公司 Test Co"
    assert "2026-06-30" in w.as_of_label.text()
    w.set_as_of(date(2026, 12, 31))
    assert "2026-12-31" in w.as_of_label.text()
    assert w.page("customers").model.as_of == date(2026, 12, 31)


def test_changes_fan_out_to_built_pages(qtbot, book) -> None:
    w = window(qtbot, book.ctx)
    w.show_page("invoices")
    received: list[Changes] = []
    w.page("customers").on_changes = received.append
    w.on_changes(Changes(payments={1}))
    assert received == [Changes(payments={1})]


def test_geometry_and_page_remembered(qtbot, book, ui_settings) -> None:
    w = window(qtbot, book.ctx)
    w.show_page("payments")
    # A size the window accepts (at least its minimum) within the offscreen screen (800×600).
    size = (max(700, w.minimumSizeHint().width(), w.minimumWidth()), 510)
    assert size[0] <= 800, "the main window has grown wider than a small screen"
    w.resize(*size)
    w.close()
    settings = QSettings(str(ui_settings), QSettings.Format.IniFormat)
    assert settings.value("window/page") == "payments"
    assert settings.value("window/geometry")
    again = window(qtbot, book.ctx)
    assert again.current_key() == "payments"
    assert (again.width(), again.height()) == (w.width(), w.height()) == size


def test_about_and_refresh(qtbot, book, shown_messages) -> None:
    w = window(qtbot, book.ctx)
    from desktop_ar import __version__

    assert __version__ in w.about_text()
    before = w.page("customers").model.stats["count"]
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert w.page("customers").model.stats["count"] == before + 1
    wait_for_idle()


def test_open_other_callback(qtbot, book) -> None:
    calls: list[int] = []
    w = MainWindow(book.ctx, as_of=AS_OF, open_other=lambda: calls.append(1))
    qtbot.addWidget(w)
    w.open_action.trigger()
    assert calls == [1]
    assert not window(qtbot, book.ctx).open_action.isEnabled()
