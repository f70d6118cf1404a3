"""Importing a bank statement file: pick it, read it off the GUI thread, ask only when needed.

The format is found from the content. When the service cannot go on without a choice (a CSV or
Excel export that does not say its currency, a file that is not the format asked for) the user
sees the reason with a format and a currency choice and can try again; any other problem is
shown as it is, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.currency import known_currencies
from desktop_ar.domain.errors import DomainError
from desktop_ar.services import bank_statements as bank
from desktop_ar.ui.errors import error_text, show_error
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

FORMATS = {
    "auto": QT_TRANSLATE_NOOP("bank", "Find out from the content"),
    "mt940": "MT940 (.sta, .mt940)",
    "camt053": "CAMT.053 (.xml)",
    "ofx": "OFX / QFX",
    "csv": QT_TRANSLATE_NOOP("bank", "CSV export of a bank"),
    "xlsx": QT_TRANSLATE_NOOP("bank", "Excel export of a bank (.xlsx, .xls)"),
}
PATTERNS = "*.sta *.txt *.mt940 *.ofx *.qfx *.xml *.csv *.xlsx *.xls"


def file_filter() -> str:
    return QCoreApplication.translate("bank", "Bank statements (%1);;All files (*)").replace(
        "%1", PATTERNS
    )


def asks_for_choice(exc: BaseException) -> bool:
    """True when the service refused for want of a format or currency the user can give."""
    if not isinstance(exc, DomainError):
        return False
    words = " ".join([exc.code, *(str(v) for v in exc.params.values())]).lower()
    return "currency" in words or "format" in words


def choose_file(parent: QWidget) -> Path | None:
    """The file dialog (remembers the folder); None when cancelled."""
    settings = app_settings()
    folder = str(settings.value("bank/import_folder", ""))
    path, _ = QFileDialog.getOpenFileName(
        parent, QCoreApplication.translate("bank", "Import bank statement"), folder, file_filter()
    )
    if not path:
        return None
    settings.setValue("bank/import_folder", str(Path(path).parent))
    return Path(path)


class ImportOptionsDialog(QDialog):
    """Why the file could not be read as it is, and a format and currency to try again with."""

    def __init__(
        self,
        *,
        path: Path,
        reason: str,
        format: str = "auto",
        currency: str | None = None,
        default_currency: str = "CNY",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bankImportOptions")
        self.setWindowTitle(self.tr("Import bank statement"))
        message = QLabel(reason, self)
        message.setObjectName("reasonLabel")
        message.setWordWrap(True)
        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("formatCombo")
        for key, label in FORMATS.items():
            self.format_combo.addItem(QCoreApplication.translate("bank", label), key)
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(format)))
        self.currency_combo = QComboBox(self)
        self.currency_combo.setObjectName("currencyCombo")
        self.currency_combo.addItem(self.tr("As the file says"), None)
        for code in known_currencies():
            self.currency_combo.addItem(code, code)
        wanted = currency or default_currency
        self.currency_combo.setCurrentIndex(max(0, self.currency_combo.findData(wanted)))
        form = QFormLayout()
        form.addRow(self.tr("File"), QLabel(path.name, self))
        form.addRow(self.tr("&Format"), self.format_combo)
        form.addRow(self.tr("&Currency"), self.currency_combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Try again"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 220)

    def choice(self) -> tuple[str, str | None]:
        return str(self.format_combo.currentData()), self.currency_combo.currentData()


class BankImport:
    """One import: runs the service, asks for a format/currency when needed, reports back."""

    def __init__(
        self,
        parent: QWidget,
        ctx: ServiceContext,
        path: Path,
        *,
        on_done: Callable[[list[Any]], None],
        default_currency: str = "CNY",
        ask: Callable[[ImportOptionsDialog], bool] | None = None,
    ) -> None:
        self.parent = parent
        self.ctx = ctx
        self.path = path
        self.on_done = on_done
        self.default_currency = default_currency
        # How the options dialog is shown (tests answer it without a modal loop).
        self.ask = ask or (lambda dialog: dialog.exec() == QDialog.DialogCode.Accepted)
        self.op: BackgroundOp[Any] | None = None

    def run(self, format: str = "auto", currency: str | None = None) -> None:
        ctx, path = self.ctx, self.path
        self.op = (
            BackgroundOp(
                self.parent,
                lambda progress: bank.import_bank_file(
                    ctx, path, format=format, currency=currency, progress=progress
                ),
            )
            .success(self.on_done)
            .failure(lambda exc: self._on_failed(exc, format, currency))
            .with_progress(QCoreApplication.translate("bank", "Importing bank statement…"))
        )
        self.op.run()

    def _on_failed(self, exc: BaseException, format: str, currency: str | None) -> None:
        if not asks_for_choice(exc):
            show_error(self.parent, exc)
            return
        dialog = ImportOptionsDialog(
            path=self.path,
            reason=error_text(exc),
            format=format,
            currency=currency,
            default_currency=self.default_currency,
            parent=self.parent,
        )
        try:
            if self.ask(dialog):
                self.run(*dialog.choice())
        finally:
            dialog.deleteLater()
