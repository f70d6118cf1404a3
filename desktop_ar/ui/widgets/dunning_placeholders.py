"""Helpers of the dunning template editor: the placeholder list, highlighting, unsaved prompt.

The placeholders and their descriptions come from ``domain.dunning.PLACEHOLDERS``; the list
shows the description in the interface language, and activating an entry (double-click or
Enter) asks the editor to insert ``{name}`` at its cursor.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMessageBox, QWidget

from desktop_ar.domain.dunning import PLACEHOLDERS
from desktop_ar.ui.models.bank_models import reasons_language

if TYPE_CHECKING:
    from PySide6.QtGui import QTextDocument

# The tokens of ``domain.dunning``: ``{{``/``}}`` escapes, ``{name}`` fields, stray braces.
_TOKEN_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def placeholder_text(name: str) -> str:
    """``{name}`` for a placeholder name; a stray brace as itself."""
    return name if name in ("{", "}", "{}") else f"{{{name}}}"


def ask_unsaved(parent: QWidget, what: str) -> str:
    """Ask what to do with unsaved changes: ``"save"``, ``"discard"`` or ``"cancel"``."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("DunningLevelsDialog", "Unsaved changes"))
    box.setText(what)
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
    box.setDefaultButton(buttons.Save)
    box.setEscapeButton(buttons.Cancel)
    answer = box.exec()
    if answer == buttons.Save.value:
        return "save"
    if answer == buttons.Discard.value:
        return "discard"
    return "cancel"  # Cancel, Escape, or the box closed


class PlaceholderHighlighter(QSyntaxHighlighter):
    """Known ``{placeholders}`` in blue, unknown ones in red with a wavy underline."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.known = QTextCharFormat()
        self.known.setForeground(QColor("#1565c0"))
        self.known.setFontWeight(QFont.Weight.Bold)
        self.unknown = QTextCharFormat()
        self.unknown.setForeground(QColor("#c62828"))
        self.unknown.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.unknown.setUnderlineColor(QColor("#c62828"))

    def highlightBlock(self, text: str) -> None:
        for match in _TOKEN_RE.finditer(text):
            if match.group(0) in ("{{", "}}"):
                continue  # a literal brace
            name = match.group(1)
            known = name is not None and name.strip() in PLACEHOLDERS
            fmt = self.known if known else self.unknown
            self.setFormat(match.start(), match.end() - match.start(), fmt)


class PlaceholderList(QListWidget):
    """``{name} — description`` per placeholder; double-click or Enter emits ``chosen(name)``."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeholderList")
        # Long descriptions (and Chinese ones) wrap instead of scrolling sideways.
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setToolTip(self.tr("Double-click or press Enter to insert it at the cursor"))
        zh = reasons_language() == "zh"
        for name, (en_text, zh_text) in PLACEHOLDERS.items():
            description = zh_text if zh else en_text
            item = QListWidgetItem(f"{placeholder_text(name)} — {description}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.addItem(item)
        self.itemActivated.connect(self._on_item_activated)

    def names(self) -> list[str]:
        """The placeholder names, in list order."""
        return [str(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())]

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self.chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
