"""Print documents… driven like a user: count, save as PDF, one file per customer, cancel, print,
preview, and the menu entries that reach it."""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu

import desktop_ar.services.docs as docs
from desktop_ar.services.docs import DocOptions, find_targets, pdf_bytes
from desktop_ar.ui.dialogs.print_documents_dialog import PrintDocumentsDialog
from desktop_ar.ui.main_window import MainWindow
from desktop_ar.ui.print_preview import PdfPrinter, print_pdf, print_preview
from desktop_ar.ui.tasks import wait_for_idle
from tests.services.helpers import audit_count

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pages_of(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def open_dialog(qtbot, ctx, **kw) -> PrintDocumentsDialog:
    dialog = PrintDocumentsDialog(ctx=ctx, as_of=AS_OF, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    assert wait_for_idle()
    return dialog


@pytest.fixture
def save_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The save dialog offers names into ``offered`` and answers tmp_path/<offered name>."""
    offered: list[str] = []

    def fake(_parent, _title, start, _filter):
        offered.append(Path(start).name)
        return str(tmp_path / Path(start).name), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return offered


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *_a, **_k: str(out))
    )
    return out


def test_one_customers_statement_saved_as_pdf(qtbot, book, tmp_path: Path, save_to) -> None:
    dialog = open_dialog(
        qtbot, book.ctx, customer_id=book.shmy, customer_label="C001  上海明远贸易有限公司"
    )
    assert dialog.form.scope() == "customer" and dialog.count == 1
    assert "1 document" in dialog.count_label.text()
    with qtbot.waitSignal(dialog.completed, timeout=10000) as done:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert save_to == ["statement-C001-2026-06-30.pdf"]
    path = tmp_path / "statement-C001-2026-06-30.pdf"
    assert done.args[0] == [path]
    text = text_of(path)
    assert "上海明远贸易有限公司" in text and "C001" in text
    assert str(path) in dialog.info_label.text() and dialog.isVisible()
    assert audit_count(book.ctx, "print_documents") == 1


def test_all_customers_one_file_each(qtbot, book, folder: Path) -> None:
    dialog = open_dialog(qtbot, book.ctx)
    assert dialog.form.scope() == "all" and not dialog.form.scope_customer.isEnabled()
    assert dialog.count == 4
    with qtbot.waitSignal(dialog.completed, timeout=20000):
        qtbot.mouseClick(dialog.per_file_button, Qt.MouseButton.LeftButton)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"statement-C00{i}.pdf" for i in range(1, 5)]
    assert "Acme Trading Ltd" in text_of(folder / "statement-C004.pdf")
    assert "4 file(s) saved" in dialog.info_label.text()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Rendering waits for this event (so the test can press Cancel while it runs)."""
    event = threading.Event()
    real = docs.render_documents

    def held(*args, **kwargs):
        event.wait(5)
        yield from real(*args, **kwargs)

    monkeypatch.setattr(docs, "render_documents", held)
    return event


@pytest.mark.parametrize("per_file", [False, True])
def test_cancel_during_the_run_leaves_no_file(
    qtbot, book, tmp_path: Path, save_to, folder: Path, gate: threading.Event, per_file: bool
) -> None:
    dialog = open_dialog(qtbot, book.ctx)
    button = dialog.per_file_button if per_file else dialog.save_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.is_running() and dialog.cancel_button.isVisible()
    assert not dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.completed, timeout=10000) as done:
        gate.set()
    assert done.args[0] is None and not dialog.is_running()
    assert "nothing was written" in dialog.info_label.text()
    assert not (tmp_path / "statement-2026-06-30.pdf").exists()
    assert not folder.exists() or list(folder.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".tmp")] == []
    assert dialog.save_button.isEnabled() and dialog.isVisible()
    assert audit_count(book.ctx, "print_documents") == 0


def test_escape_while_running_cancels_and_keeps_the_dialog(
    qtbot, book, save_to, gate: threading.Event
) -> None:
    dialog = open_dialog(qtbot, book.ctx)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    with qtbot.waitSignal(dialog.completed, timeout=10000) as done:
        gate.set()
    assert done.args[0] is None and dialog.isVisible()


def test_the_count_line_follows_the_choice(qtbot, book) -> None:
    dialog = open_dialog(qtbot, book.ctx, customer_id=book.acme, customer_label="C004  Acme")
    assert dialog.count == 1
    with qtbot.waitSignal(dialog.count_changed, timeout=5000) as counted:
        dialog.form.scope_all.setChecked(True)
    assert counted.args == [4] and "4 document(s)" in dialog.count_label.text()
    # A period in which nobody has anything: nothing to print, the buttons are off.
    with qtbot.waitSignal(dialog.count_changed, timeout=5000) as counted:
        dialog.form.date_from.setText("2020-01-01")
        dialog.form.date_to.setText("2020-01-31")
        dialog.form.as_of_field.setText("2020-01-31")
    assert counted.args == [0] and "Nothing to print" in dialog.count_label.text()
    assert not dialog.save_button.isEnabled() and not dialog.preview_button.isEnabled()
    with qtbot.waitSignal(dialog.count_changed, timeout=5000) as counted:
        dialog.form.as_of_field.setText("not a date")
    assert counted.args == [-1] and dialog.error_label.isVisible()
    assert "not a date" in dialog.error_label.text()
    with qtbot.waitSignal(dialog.count_changed, timeout=5000):
        dialog.form.date_from.setText("2026-06-01")
        dialog.form.date_to.setText("2026-05-01")
        dialog.form.as_of_field.setText("2026-06-30")
    assert "after the last day" in dialog.error_label.text()


def test_kinds_and_scopes(qtbot, book) -> None:
    dialog = open_dialog(
        qtbot, book.ctx, kind="invoice", number="INV-X", customer_id=book.acme, customer_label="C4"
    )
    form = dialog.form
    assert form.scope() == "document" and form.target_args() == {"number": "INV-X"}
    assert "document" in dialog.per_file_button.text()
    form.kind_combo.setCurrentIndex(form.kind_combo.findData("dunning"))
    assert form.scope_level.isVisibleTo(dialog) and not form.scope_all.isVisibleTo(dialog)
    assert not form.scope_document.isEnabled() and form.scope() == "customer"
    form.scope_level.setChecked(True)
    form.level_spin.setValue(2)
    opts = form.options()
    assert isinstance(opts, DocOptions) and opts.level == 2 and opts.date_from is None
    form.level_spin.setValue(0)
    assert form.level_spin.text() == "any level" and form.options().level is None
    form.kind_combo.setCurrentIndex(form.kind_combo.findData("statement"))
    assert form.scope() == "customer" and form.options().date_from == date(2026, 6, 1)
    form.lang_combo.setCurrentIndex(2)
    assert form.options().lang == "zh"
    dialog.close()
    wait_for_idle()


def test_paper_defaults_to_the_company_setting(qtbot, book) -> None:
    from desktop_ar.services.settings import update_settings

    update_settings(book.ctx, paper="Letter")
    dialog = open_dialog(qtbot, book.ctx)
    assert wait_for_idle()
    assert dialog.form.options().paper == "Letter"


def test_printing_to_a_pdf_printer_prints_every_page(qtbot, book, tmp_path: Path) -> None:
    opts = DocOptions(as_of=AS_OF)
    pdf = pdf_bytes(book.ctx, find_targets(book.ctx, "statement", opts), opts)
    pages = PdfPrinter(pdf).page_count()
    assert pages >= 4
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    PdfPrinter(pdf, "Statements").setup(printer)
    assert print_pdf(None, pdf, "Statements", printer=printer) == pages
    assert pages_of(tmp_path / "printed.pdf") == pages
    # The page range chosen in the print dialog is honoured.
    printer.setOutputFileName(str(tmp_path / "two.pdf"))
    printer.setFromTo(2, 3)
    assert print_pdf(None, pdf, "Statements", printer=printer) == 2
    assert pages_of(tmp_path / "two.pdf") == 2


def test_print_button_asks_for_a_printer_then_prints(
    qtbot, book, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "printer.pdf"
    asked: list[str] = []

    def fake_exec(self: QPrintDialog) -> int:
        asked.append(self.windowTitle())
        self.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer().setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    dialog = open_dialog(qtbot, book.ctx, customer_id=book.beijing, customer_label="C003  北京")
    with qtbot.waitSignal(dialog.completed, timeout=10000):
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert asked and "C003" in asked[0] and "1 page" in asked[0]
    assert pages_of(out) == 1
    images = subprocess.run(
        ["pdfimages", "-list", str(out)], check=True, capture_output=True, text=True
    )
    assert len(images.stdout.splitlines()) == 3  # two header lines, the page's image


def test_preview_shows_every_page(qtbot, book, monkeypatch) -> None:
    shown: list[object] = []

    def fake_exec(self) -> int:
        shown.append(self)
        return 0

    monkeypatch.setattr("desktop_ar.ui.print_preview.QPrintPreviewDialog.exec", fake_exec)
    dialog = open_dialog(qtbot, book.ctx)
    with qtbot.waitSignal(dialog.completed, timeout=20000) as done:
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    pages = PdfPrinter(done.args[0]).page_count()
    assert len(shown) == 1
    preview = print_preview(None, done.args[0], "Statements", exec_=False)
    qtbot.addWidget(preview)
    preview.show()
    widget = preview.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: widget.pageCount() == pages, timeout=5000)
    assert f"{pages} page(s)" in preview.windowTitle()


def test_menus_and_page_actions(qtbot, book) -> None:
    window = MainWindow(book.ctx, as_of=AS_OF)
    qtbot.addWidget(window)
    for entry in window._entries:  # pages are built on first use: build them all
        window.page(entry.key)
    assert window.print_action.shortcut() == QKeySequence("Ctrl+P")
    titles = [m.title() for m in window.menuBar().findChildren(type(window.settings_menu))]
    assert "&Settings" in titles
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus.index("&Settings") == menus.index("&Help") - 1
    actions = window.findChildren(QAction)
    assert [a for a in actions if a.shortcut() == QKeySequence("Ctrl+P")] == [window.print_action]
    own = [a.shortcut().toString() for a in window.actions() + window.menuBar().actions()]
    own += [
        a.shortcut().toString() for m in window.menuBar().findChildren(QMenu) for a in m.actions()
    ]
    own = [s for s in own if s]
    assert sorted(own) == sorted(set(own)), "a menu shortcut is bound twice"
    printing = [a for a in actions if a.objectName().startswith("print_")]
    assert printing and all(a.shortcut().isEmpty() for a in printing)
    page = window.page("customers")
    window.show_page("customers")
    qtbot.waitUntil(lambda: page.row_count() == 4, timeout=3000)
    page.select_id(book.shmy2)
    texts = [a.text() for a in page.view.actions()]
    assert "Print &statement…" in texts and "Print d&unning letter…" in texts
    dialog = page.actions_.print_current("confirmation")
    assert dialog.form.kind() == "confirmation" and dialog.form.customer_id == book.shmy2
    dialog.close()
    window.print_action.trigger()  # Ctrl+P presets to the selected customer
    opened = [d for d in window.findChildren(PrintDocumentsDialog) if d.isVisible()]
    assert opened[-1].form.scope() == "customer" and "C002" in opened[-1].form.customer_label
    opened[-1].close()
    invoices = window.page("invoices")
    assert invoices.print_action in invoices.view.actions()
    assert window.page("payments").print_action in window.page("payments").view.actions()
    assert wait_for_idle()


def test_dunning_levels_menu_entry(qtbot, book) -> None:
    pytest.importorskip("desktop_ar.ui.dialogs.dunning_levels_dialog")
    window = MainWindow(book.ctx, as_of=AS_OF)
    qtbot.addWidget(window)
    window.dunning_levels_action.trigger()
    assert wait_for_idle()
