"""The letter/email template of one dunning level: language, channel, subject, body, placeholders.

Used by ``DunningLevelsDialog``. The editor reads and saves its template itself (off the GUI
thread); the dialog tells it which level to show and asks it whether it has unsaved changes
before the level changes or the dialog closes. Switching language or channel with unsaved
changes asks Save / Discard / Cancel here.

Placeholders are checked as the user types with ``domain.dunning.check_template``: unknown
names are listed under the body (and painted red in it) and Save refuses them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.dunning import check_template
from desktop_ar.domain.errors import DomainError
from desktop_ar.services import dunning_levels
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.tasks import BackgroundOp, QueryOp
from desktop_ar.ui.widgets.dunning_placeholders import (
    PlaceholderHighlighter,
    PlaceholderList,
    ask_unsaved,
    placeholder_text,
)

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.dunning_levels import DunningTemplateDTO

ERROR_STYLE = "color: #c62828;"
NOTE_STYLE = "color: palette(placeholder-text);"


class DunningTemplateEditor(QWidget):
    """Language and channel selectors, subject, body, placeholder list and Save template."""

    saved = Signal(object)  # the Changes of a saved template
    LANGS = (("en", "English"), ("zh", "中文"))

    def __init__(self, *, ctx: ServiceContext, may_edit: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dunningTemplateEditor")
        self.ctx = ctx
        self.may_edit = may_edit
        self.level: int | None = None
        self.loaded: DunningTemplateDTO | None = None
        self.busy = False
        self._generation = 0
        self._shown_key: tuple[str, str] = ("en", "letter")
        self._last_editor: QLineEdit | QPlainTextEdit | None = None

        self.lang_combo = QComboBox(self)
        self.lang_combo.setObjectName("langCombo")
        for code, label in self.LANGS:
            self.lang_combo.addItem(label, code)
        self.channel_combo = QComboBox(self)
        self.channel_combo.setObjectName("channelCombo")
        self.channel_combo.addItem(self.tr("Letter"), "letter")
        self.channel_combo.addItem(self.tr("Email"), "email")
        self.subject_edit = QLineEdit(self)
        self.subject_edit.setObjectName("subjectEdit")
        self.subject_edit.setMaxLength(200)
        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setObjectName("bodyEdit")
        self.body_edit.setTabChangesFocus(True)  # keyboard users leave the body with Tab
        self.body_edit.setMinimumHeight(160)
        self.highlighter = PlaceholderHighlighter(self.body_edit.document())
        self.placeholder_list = PlaceholderList(self)
        self.check_label = QLabel(self)
        self.check_label.setObjectName("placeholderCheck")
        self.check_label.setWordWrap(True)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("templateStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(NOTE_STYLE)
        self.save_button = QPushButton(self.tr("Save &template"), self)
        self.save_button.setObjectName("saveTemplateButton")
        self.save_button.setAutoDefault(False)

        selectors = QHBoxLayout()
        lang_label = QLabel(self.tr("Lan&guage"), self)
        lang_label.setBuddy(self.lang_combo)
        channel_label = QLabel(self.tr("Cha&nnel"), self)
        channel_label.setBuddy(self.channel_combo)
        selectors.addWidget(lang_label)
        selectors.addWidget(self.lang_combo)
        selectors.addSpacing(12)
        selectors.addWidget(channel_label)
        selectors.addWidget(self.channel_combo)
        selectors.addStretch(1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("S&ubject"), self.subject_edit)
        body_label = QLabel(self.tr("&Body"), self)
        body_label.setBuddy(self.body_edit)
        places_label = QLabel(self.tr("&Placeholders"), self)
        places_label.setBuddy(self.placeholder_list)
        grid = QGridLayout()
        grid.addWidget(body_label, 0, 0)
        grid.addWidget(places_label, 0, 1)
        grid.addWidget(self.body_edit, 1, 0)
        grid.addWidget(self.placeholder_list, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(selectors)
        layout.addLayout(form)
        layout.addLayout(grid, 1)
        layout.addWidget(self.check_label)
        layout.addLayout(bottom)

        self.lang_combo.currentIndexChanged.connect(self._on_selector_changed)
        self.channel_combo.currentIndexChanged.connect(self._on_selector_changed)
        self.subject_edit.textChanged.connect(self._on_text_changed)
        self.subject_edit.returnPressed.connect(self._on_save_button_clicked)
        self.body_edit.textChanged.connect(self._on_text_changed)
        self.placeholder_list.chosen.connect(self._on_placeholder_list_chosen)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.subject_edit.installEventFilter(self)
        self.body_edit.installEventFilter(self)
        self.subject_edit.setReadOnly(not may_edit)
        self.body_edit.setReadOnly(not may_edit)
        self._set_enabled(False)

    # ---- state -------------------------------------------------------------------------------

    def key(self) -> tuple[str, str]:
        """The selected (language, channel)."""
        return str(self.lang_combo.currentData()), str(self.channel_combo.currentData())

    def is_dirty(self) -> bool:
        """True when the subject or body differ from the stored template."""
        loaded = self.loaded
        if loaded is None or not self.may_edit:
            return False
        return (
            self.subject_edit.text() != loaded.subject
            or self.body_edit.toPlainText() != loaded.body
        )

    def unknown_placeholders(self) -> list[str]:
        """Unknown ``{names}`` in the subject and body, as ``check_template`` finds them."""
        found = check_template(self.subject_edit.text()) + check_template(
            self.body_edit.toPlainText()
        )
        return list(dict.fromkeys(found))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Remember which text field had the focus last: a placeholder goes there.
        if event.type() == QEvent.Type.FocusIn:
            if watched is self.subject_edit:
                self._last_editor = self.subject_edit
            elif watched is self.body_edit:
                self._last_editor = self.body_edit
        return False

    def _set_enabled(self, loaded: bool) -> None:
        self.subject_edit.setEnabled(loaded)
        self.body_edit.setEnabled(loaded)
        self.placeholder_list.setEnabled(loaded and self.may_edit)
        self.save_button.setEnabled(loaded and self.may_edit and not self.busy)

    # ---- loading -----------------------------------------------------------------------------

    def show_level(self, level: int | None) -> None:
        """Load the template of ``level`` in the selected language and channel (None clears)."""
        self.level = level
        self.load()

    def load(self) -> None:
        """(Re)read the selected template off the GUI thread."""
        self._generation += 1
        generation = self._generation
        self.loaded = None
        self._shown_key = self.key()
        self._set_enabled(False)
        if self.level is None:
            return
        self.status_label.setText(self.tr("Loading…"))
        ctx, level, (lang, channel) = self.ctx, self.level, self.key()

        def done(dto: DunningTemplateDTO) -> None:
            if generation == self._generation:
                self._on_loaded(dto)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.status_label.setText(error_text(exc))
                self.status_label.setStyleSheet(ERROR_STYLE)

        QueryOp(self, lambda: dunning_levels.get_template(ctx, level, lang, channel)).success(
            done
        ).failure(failed).run()

    def _on_loaded(self, dto: DunningTemplateDTO) -> None:
        self._show_text(dto)
        self.loaded = dto
        self._set_enabled(True)
        self._show_saved_state(dto)
        self._on_text_changed()

    def _show_text(self, dto: DunningTemplateDTO) -> None:
        """Put the stored subject and body on screen (the cursor stays where it was)."""
        if self.subject_edit.text() != dto.subject:
            self.subject_edit.blockSignals(True)
            self.subject_edit.setText(dto.subject)
            self.subject_edit.blockSignals(False)
        if self.body_edit.toPlainText() != dto.body:
            position = self.body_edit.textCursor().position()
            self.body_edit.blockSignals(True)
            self.body_edit.setPlainText(dto.body)
            self.body_edit.blockSignals(False)
            cursor = self.body_edit.textCursor()
            cursor.setPosition(min(position, self.body_edit.document().characterCount() - 1))
            self.body_edit.setTextCursor(cursor)

    def _show_saved_state(self, dto: DunningTemplateDTO) -> None:
        self.status_label.setStyleSheet(NOTE_STYLE)
        if dto.updated_at is None:
            self.status_label.setText(self.tr("Default text, not changed yet"))
        else:
            when = dto.updated_at.strftime("%Y-%m-%d %H:%M")
            who = dto.updated_by or "—"
            self.status_label.setText(
                self.tr("Last changed {when} by {who}").format(when=when, who=who)
            )

    # ---- editing -----------------------------------------------------------------------------

    def _on_text_changed(self) -> None:
        unknown = self.unknown_placeholders()
        if unknown:
            names = ", ".join(placeholder_text(n) for n in unknown)
            self.check_label.setText(
                self.tr("Unknown placeholder: {names} — use one from the list").format(names=names)
            )
            self.check_label.setStyleSheet(ERROR_STYLE)
        elif self.is_dirty():
            self.check_label.setText(self.tr("Unsaved changes"))
            self.check_label.setStyleSheet(NOTE_STYLE)
        else:
            self.check_label.setText("")
            self.check_label.setStyleSheet("")

    def _on_placeholder_list_chosen(self, name: str) -> None:
        if self.may_edit and self.loaded is not None:
            self.insert_placeholder(name)

    def insert_placeholder(self, name: str) -> None:
        """Insert ``{name}`` at the cursor of the subject or body (the one focused last)."""
        text = f"{{{name}}}"
        if self._last_editor is self.subject_edit:
            self.subject_edit.insert(text)
            self.subject_edit.setFocus()
        else:
            self.body_edit.insertPlainText(text)
            self.body_edit.setFocus()

    def _on_selector_changed(self, _index: int) -> None:
        if self.key() == self._shown_key:
            return
        if not self.is_dirty():
            self.load()
            return
        answer = ask_unsaved(self, self.tr("Save the changes to this template first?"))
        if answer == "discard":
            self.load()
        elif answer == "save":
            wanted = self.key()
            self._select(self._shown_key)  # save what is on screen, then move on

            def then(ok: bool) -> None:
                if ok:
                    self._select(wanted)
                    self.load()

            self.save(then)
        else:
            self._select(self._shown_key)

    def _select(self, key: tuple[str, str]) -> None:
        for combo, value in ((self.lang_combo, key[0]), (self.channel_combo, key[1])):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(value))
            combo.blockSignals(False)

    # ---- saving ------------------------------------------------------------------------------

    def _on_save_button_clicked(self) -> None:
        self.save()

    def save(self, then: Callable[[bool], None] | None = None) -> None:
        """Save the template off the GUI thread; ``then(ok)`` runs after success or failure."""
        after = then or (lambda _ok: None)
        if self.loaded is None or self.level is None or not self.may_edit or self.busy:
            after(False)
            return
        try:
            self._check()
        except DomainError as exc:
            self.check_label.setText(error_text(exc))
            self.check_label.setStyleSheet(ERROR_STYLE)
            after(False)
            return
        ctx, level, (lang, channel) = self.ctx, self.level, self._shown_key
        subject, body = self.subject_edit.text(), self.body_edit.toPlainText()
        self.busy = True
        self._set_enabled(True)

        def work(_progress: object) -> tuple[DunningTemplateDTO, Changes]:
            # The Changes ride in the result so BackgroundOp hands them to the window.
            changes = dunning_levels.save_template(
                ctx, level, lang, channel, subject=subject, body=body
            )
            return dunning_levels.get_template(ctx, level, lang, channel), changes

        def done(result: tuple[DunningTemplateDTO, Changes]) -> None:
            dto, changes = result
            self.busy = False
            self._show_text(dto)  # the service trims blank lines at the ends
            self.loaded = dto
            self._set_enabled(True)
            self._show_saved_state(dto)
            self._on_text_changed()
            self.saved.emit(changes)
            after(True)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._set_enabled(True)
            self.check_label.setText(error_text(exc))
            self.check_label.setStyleSheet(ERROR_STYLE)
            after(False)

        BackgroundOp(self, work).success(done).failure(failed).run()

    def _check(self) -> None:
        unknown = self.unknown_placeholders()
        if unknown:
            self.body_edit.setFocus()
            names = ", ".join(placeholder_text(n) for n in unknown)
            raise DomainError(
                "invalid",
                field=self.tr("Template"),
                reason=self.tr("unknown placeholder {names}; use one from the list").format(
                    names=names
                ),
            )
        if not self.body_edit.toPlainText().strip():
            self.body_edit.setFocus()
            raise DomainError("invalid", field=self.tr("Body"), reason=self.tr("it is empty"))
