"""Step 3 of the import wizard: which column of the file holds which field.

One line per field of the kind (English and Chinese label, required ones marked) with a combo of
the sheet's columns — letter, header label and a sample value. The columns are guessed from the
header labels, or taken from the saved template made for the same headers (named on the page);
the user can pick another template, correct any column and save the result as a template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.services.import_templates import list_templates, save_template
from desktop_ar.ui.tasks import BackgroundOp
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.import_labels import field_label
from desktop_ar.ui.wizards.import_page_base import (
    ERROR_STYLE,
    NOTE_STYLE,
    OK_STYLE,
    ImportPage,
    failure_text,
)

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.import_templates import TemplateInfo
    from desktop_ar.ui.wizards.import_flow import FieldRow, ImportFlow

WARN_STYLE = "color: #a15c00;"


class ImportMappingPage(ImportPage):
    """Template picker, one column combo per field, and what is still missing."""

    step = Step.MAPPING

    def __init__(self, *, ctx: ServiceContext, flow: ImportFlow, parent: QWidget | None = None):
        super().__init__(ctx=ctx, flow=flow, parent=parent)
        self.setTitle(self.tr("Columns"))
        self.setSubTitle(
            self.tr("Check which column holds each field. Fields marked * are required.")
        )
        self.templates: list[TemplateInfo] = []
        self.template_combo = QComboBox(self)
        self.template_combo.setObjectName("templateCombo")
        self.template_combo.setMinimumContentsLength(24)
        self.template_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        template_label = QLabel(self.tr("Saved &templates:"), self)
        template_label.setBuddy(self.template_combo)
        self.save_button = QPushButton(self.tr("Sa&ve as template…"), self)
        self.save_button.setObjectName("saveTemplateButton")
        top = QHBoxLayout()
        top.addWidget(template_label)
        top.addWidget(self.template_combo)
        top.addWidget(self.save_button)
        top.addStretch(1)
        self.template_note = QLabel(self)
        self.template_note.setObjectName("templateNote")
        self.template_note.setWordWrap(True)

        self.fields_widget = QWidget(self)
        self.fields_grid = QGridLayout(self.fields_widget)
        self.fields_grid.setHorizontalSpacing(16)
        self.fields_grid.setColumnStretch(2, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.fields_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.combos: dict[str, QComboBox] = {}
        self.match_labels: dict[str, QLabel] = {}
        self._built_for: str | None = None

        self.unmapped_label = QLabel(self)
        self.unmapped_label.setObjectName("unmappedLabel")
        self.unmapped_label.setWordWrap(True)
        self.unmapped_label.setStyleSheet(NOTE_STYLE)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.template_note)
        layout.addWidget(self.busy_bar)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.unmapped_label)
        layout.addWidget(self.message)

        self.template_combo.activated.connect(self._on_template_combo_activated)
        self.save_button.clicked.connect(self._on_save_button_clicked)

    def initializePage(self) -> None:
        self._build_fields()
        ctx, kind = self.ctx, self.flow.kind
        self.run_query(lambda: list_templates(ctx, kind), self._on_templates_listed)

    def cleanupPage(self) -> None:
        self.forget_pending()

    # ---- building ----------------------------------------------------------------------------

    def _build_fields(self) -> None:
        """One line per field of the kind (rebuilt only when the kind changes)."""
        kind = self.flow.kind
        if kind == self._built_for:
            return
        while self.fields_grid.count():
            item = self.fields_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.combos.clear()
        self.match_labels.clear()
        titles = (self.tr("Field"), "中文", self.tr("Column in the file"), self.tr("Match"))
        for column, title in enumerate(titles):
            label = QLabel(f"<b>{title}</b>", self.fields_widget)
            self.fields_grid.addWidget(label, 0, column)
        for row, field in enumerate(self.flow.field_rows(), start=1):
            spec = field.spec
            name = QLabel(spec.label_en + (" *" if spec.required else ""), self.fields_widget)
            chinese = QLabel(spec.label_zh, self.fields_widget)
            if spec.required:
                name.setStyleSheet("font-weight: bold;")
                name.setToolTip(self.tr("Required"))
            combo = QComboBox(self.fields_widget)
            combo.setObjectName(f"column_{spec.key}")
            combo.setMinimumContentsLength(30)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            name.setBuddy(combo)
            combo.activated.connect(
                lambda index, key=spec.key: self._on_column_activated(key, index)
            )
            match = QLabel(self.fields_widget)
            match.setMinimumWidth(150)
            self.fields_grid.addWidget(name, row, 0)
            self.fields_grid.addWidget(chinese, row, 1)
            self.fields_grid.addWidget(combo, row, 2)
            self.fields_grid.addWidget(match, row, 3)
            self.combos[spec.key] = combo
            self.match_labels[spec.key] = match
        self.fields_grid.setRowStretch(len(self.combos) + 1, 1)
        self._built_for = kind

    def _fill_templates(self) -> None:
        combo = self.template_combo
        combo.clear()
        combo.addItem(self.tr("None (columns guessed)"), None)
        for info in self.templates:
            combo.addItem(info.name, info.name)
        combo.setCurrentIndex(max(0, combo.findData(self.flow.template)))

    def show_mapping(self) -> None:
        """Put the flow's mapping into the combos and the match labels."""
        choices = self.flow.column_choices()
        for field in self.flow.field_rows():
            combo = self.combos.get(field.spec.key)
            if combo is None:
                continue
            combo.clear()
            combo.addItem(self.tr("— not imported —"), None)
            for choice in choices:
                label = choice.label or self.tr("(no name)")
                sample = f" — {choice.sample}" if choice.sample else ""
                combo.addItem(f"{choice.letter} · {label}{sample}", choice.index)
            combo.setCurrentIndex(max(0, combo.findData(field.column)))
            self._show_match(field)
        self._show_state()

    def _show_match(self, field: FieldRow) -> None:
        label = self.match_labels[field.spec.key]
        if field.column is None:
            required = self.tr("Required: choose a column")
            text, style = (required, ERROR_STYLE) if field.missing else ("", NOTE_STYLE)
        elif field.by_user:
            text, style = self.tr("Chosen by you"), OK_STYLE
        elif self.flow.template is not None:
            text, style = self.tr("From the template"), OK_STYLE
        else:
            percent = round((field.confidence or 0) * 100)
            if percent >= 100:
                text, style = self.tr("Name matches (100 %)"), OK_STYLE
            else:
                text, style = self.tr("Guessed (%1 %)").replace("%1", str(percent)), WARN_STYLE
        label.setText(text)
        label.setStyleSheet(style)

    def _show_state(self) -> None:
        flow = self.flow
        template = next((t for t in self.templates if t.name == flow.template), None)
        if template is None:
            self.template_note.setText(self.tr("Columns guessed from the header labels."))
            self.template_note.setStyleSheet(NOTE_STYLE)
        elif flow.template_fits(template):
            text = self.tr("Using the saved template “%1”, made for these headers.")
            self.template_note.setText(text.replace("%1", template.name))
            self.template_note.setStyleSheet(OK_STYLE)
        else:
            text = self.tr("The template “%1” was saved for other headers: check the columns.")
            self.template_note.setText(text.replace("%1", template.name))
            self.template_note.setStyleSheet(WARN_STYLE)
        missing = flow.missing_required()
        if missing:
            names = ", ".join(field_label(s) for s in missing)
            self.show_message(self.tr("Choose a column for: %1").replace("%1", names))
        else:
            self.show_message("")
        unmapped = flow.mapping.unmapped_headers if flow.mapping is not None else []
        text = self.tr("Columns not imported: %1").replace("%1", ", ".join(unmapped))
        self.unmapped_label.setText(text if unmapped else "")
        self.save_button.setEnabled(flow.mapping is not None and flow.may_write)
        self.refresh_complete()

    # ---- slots -------------------------------------------------------------------------------

    def _on_templates_listed(self, templates: list[TemplateInfo]) -> None:
        self.templates = list(templates)
        self.flow.prepare_mapping(self.templates)
        self._fill_templates()
        self.show_mapping()

    def _on_template_combo_activated(self, index: int) -> None:
        name = self.template_combo.itemData(index)
        info = next((t for t in self.templates if t.name == name), None)
        if info is None:
            self.flow.guess()
        else:
            self.flow.apply_template(info)
        self.show_mapping()

    def _on_column_activated(self, key: str, index: int) -> None:
        combo = self.combos[key]
        self.flow.assign(key, combo.itemData(index))
        self.show_mapping()  # a column taken from another field empties that field's combo

    def _on_save_button_clicked(self) -> None:
        flow = self.flow
        if flow.mapping is None:
            return
        default = flow.template or (flow.path.stem if flow.path is not None else "")
        name, ok = QInputDialog.getText(
            self,
            self.tr("Save as template"),
            self.tr("Template name (offered again for files with these headers):"),
            QLineEdit.EchoMode.Normal,
            default,
        )
        if not ok or not name.strip():
            return
        ctx, mapping, headers = self.ctx, flow.mapping, flow.headers
        header_row = flow.template_header_row()
        self.save_button.setEnabled(False)
        BackgroundOp(
            self,
            lambda _progress: save_template(ctx, name, mapping, headers, header_row=header_row),
        ).success(lambda _id: self._on_template_saved(name)).failure(self._on_save_failed).run()

    def _on_template_saved(self, name: str) -> None:
        self.flow.template = " ".join(name.split())
        ctx, kind = self.ctx, self.flow.kind
        self.run_query(lambda: list_templates(ctx, kind), self._on_templates_relisted)

    def _on_templates_relisted(self, templates: list[TemplateInfo]) -> None:
        self.templates = list(templates)
        self._fill_templates()
        for field in self.flow.field_rows():
            self._show_match(field)
        self._show_state()
        saved = self.tr("Saved the template “%1”.").replace("%1", self.flow.template or "")
        self.show_message(saved, OK_STYLE)

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.show_message(failure_text(exc))
