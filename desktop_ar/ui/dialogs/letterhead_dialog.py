"""Company letterhead… : the name, address, tax id, bank details and logo printed on documents.

The values are the company settings (``services.settings``): Save sends the changed text fields
to ``update_settings`` and a new or removed logo to ``set_logo``, both on the database thread.
The logo file is read here (PNG or JPEG, checked at once so a wrong file is refused inline).
Roles that may not change settings see the values read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.errors import DomainError, PermissionDenied
from desktop_ar.services.permissions import can
from desktop_ar.services.settings import (
    PAPERS,
    SettingsDTO,
    get_settings,
    logo_kind,
    set_logo,
    update_settings,
)
from desktop_ar.ui.dialogs.form_dialog import FormDialog
from desktop_ar.ui.tasks import QueryOp

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

_TEXT_FIELDS = ("name", "name_en", "tax_id", "phone", "email")
_LONG_FIELDS = ("address", "bank_details")
_THUMB_W, _THUMB_H = 200, 80
_UNCHANGED = object()


class LetterheadDialog(FormDialog):
    """The company's letterhead, edited by those who may change settings."""

    geometry_key = "dialogs/letterhead/geometry"

    def __init__(self, *, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("letterheadDialog")
        self.setWindowTitle(self.tr("Company letterhead"))
        self.ctx = ctx
        self.settings: SettingsDTO | None = None
        self.logo: bytes | None = None
        self._logo_new: Any = _UNCHANGED  # bytes (chosen), None (removed) or unchanged
        self.editable = can(ctx, "change_settings") and not ctx.read_only
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        captions = {
            "name": self.tr("Company &name (Chinese)"),
            "name_en": self.tr("&English name"),
            "address": self.tr("&Address"),
            "tax_id": self.tr("&Tax id"),
            "phone": self.tr("P&hone"),
            "email": self.tr("E-&mail"),
            "bank_details": self.tr("&Bank details"),
        }
        for key in ("name", "name_en", "address", "tax_id", "phone", "email", "bank_details"):
            if key in _LONG_FIELDS:
                field: QLineEdit | QPlainTextEdit = QPlainTextEdit(self)
                field.setTabChangesFocus(True)
                field.setFixedHeight(field.fontMetrics().lineSpacing() * 4 + 12)
            else:
                field = QLineEdit(self)
            field.setObjectName(f"letterhead_{key}")
            field.setReadOnly(not self.editable)
            self.fields[key] = field
            label = QLabel(captions[key], self)
            label.setBuddy(field)
            self.form.addRow(label, field)
        self.fields["name"].setPlaceholderText(self.tr("e.g. 上海明远贸易有限公司"))
        self.fields["bank_details"].setPlaceholderText(
            self.tr("Bank, account name and number, as printed on statements")
        )
        self._build_logo()
        self.paper_combo = QComboBox(self)
        self.paper_combo.setObjectName("letterheadPaper")
        for paper in PAPERS:
            self.paper_combo.addItem(paper, paper)
        self.paper_combo.setEnabled(self.editable)
        self.form.addRow(self.tr("Default &paper"), self.paper_combo)
        if not self.editable:
            note = QLabel(self.tr("Only an administrator can change the letterhead."), self)
            note.setObjectName("readOnlyNote")
            note.setWordWrap(True)
            self.form.addRow(note)
        self.save_button.setEnabled(False)  # until the current values are loaded
        if not self.restored_geometry:
            self.resize(620, self.sizeHint().height())
        QueryOp(self, lambda: get_settings(ctx)).success(self._on_loaded).failure(
            self.show_error
        ).run()

    def _build_logo(self) -> None:
        self.logo_preview = QLabel(self)
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setFixedSize(_THUMB_W, _THUMB_H)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("QLabel { border: 1px solid palette(mid); }")
        self.choose_logo_button = QPushButton(self.tr("&Choose…"), self)
        self.choose_logo_button.setObjectName("chooseLogo")
        self.choose_logo_button.setAutoDefault(False)
        self.choose_logo_button.clicked.connect(lambda _c=False: self.choose_logo())
        self.remove_logo_button = QPushButton(self.tr("&Remove"), self)
        self.remove_logo_button.setObjectName("removeLogo")
        self.remove_logo_button.setAutoDefault(False)
        self.remove_logo_button.clicked.connect(lambda _c=False: self.remove_logo())
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_logo_button)
        buttons.addWidget(self.remove_logo_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.logo_preview)
        row.addLayout(buttons)
        row.addStretch(1)
        hint = QLabel(self.tr("PNG or JPEG, printed at the top right of every document."), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        box = QVBoxLayout()
        box.addLayout(row)
        box.addWidget(hint)
        label = QLabel(self.tr("&Logo"), self)
        label.setBuddy(self.choose_logo_button)
        self.form.addRow(label, box)
        for button in (self.choose_logo_button, self.remove_logo_button):
            button.setEnabled(self.editable)
        self._show_logo(None)

    # ---- values ------------------------------------------------------------------------------

    def _text(self, key: str) -> str:
        field = self.fields[key]
        text = field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()
        return text.strip()

    def _on_loaded(self, settings: SettingsDTO) -> None:
        self.settings = settings
        for key, field in self.fields.items():
            value = getattr(settings, key) or ""
            if isinstance(field, QPlainTextEdit):
                field.setPlainText(value)
            else:
                field.setText(value)
        if settings.paper in PAPERS:
            self.paper_combo.setCurrentIndex(PAPERS.index(settings.paper))
        self.logo = settings.logo
        self._show_logo(settings.logo)
        self.save_button.setEnabled(self.editable)

    def _show_logo(self, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(QByteArray(data)):
            self.logo_preview.setPixmap(
                pixmap.scaled(
                    _THUMB_W - 4,
                    _THUMB_H - 4,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(self.tr("No logo") if not data else self.tr("(no preview)"))
        self.remove_logo_button.setEnabled(self.editable and data is not None)

    def choose_logo(self, path: str | Path | None = None) -> bool:
        """Ask for an image file (or take ``path``), read it and show it; False if refused."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self, self.tr("Choose the logo"), "", self.tr("Images (*.png *.jpg *.jpeg)")
            )
            if not name:
                return False
            path = name
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self.show_error(
                self.tr("The file cannot be read: %1").replace("%1", exc.strerror or str(exc))
            )
            return False
        try:
            logo_kind(data)
        except DomainError as exc:
            self.show_error(exc)
            return False
        if not QPixmap().loadFromData(QByteArray(data)):
            self.show_error(self.tr("The image cannot be read; save it again as PNG."))
            return False
        self.error_label.hide()
        self._logo_new = data
        self._show_logo(data)
        return True

    def remove_logo(self) -> None:
        self._logo_new = None
        self._show_logo(None)

    def save_fn(self) -> Callable[[], Any]:
        if not self.editable:
            raise PermissionDenied(self.ctx.role, "change_settings")
        current = self.settings
        values: dict[str, Any] = {}
        for key in self.fields:
            text = self._text(key)
            if current is None or text != (getattr(current, key) or ""):
                values[key] = text
        paper = self.paper_combo.currentData()
        if current is None or paper != current.paper:
            values["paper"] = paper
        logo, ctx = self._logo_new, self.ctx

        def save() -> Any:  # on the database thread: the logo first (it may be refused)
            result: Any = None
            if logo is not _UNCHANGED:
                result = set_logo(ctx, logo)
            if values:
                result = update_settings(ctx, **values)
            return result

        return save
