"""Small table models of the bank screens: statements, statement lines, match candidates.

A statement holds a few hundred (at most a few thousand) lines and the service returns them all
at once, so these are plain list models; the lines model filters in Python on the list it holds
(no proxy). Display text comes from ``ui/formatting.py``; amounts are right-aligned in tabular
figures, negatives (money out) in red.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTranslator,
)
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_ar.domain.money import Money
from desktop_ar.ui.formatting import format_date, format_money, plain_money
from desktop_ar.ui.models.roles import Role

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
NEGATIVE = QColor("#c62828")
WARNING = QColor("#c62828")

# Line statuses → label and colour (the lines table and the filter buttons).
LINE_STATUS = {
    "open": (QT_TRANSLATE_NOOP("bank", "Open"), QColor("#9a6700")),
    "matched": (QT_TRANSLATE_NOOP("bank", "Matched"), QColor("#2e7d32")),
    "exception": (QT_TRANSLATE_NOOP("bank", "Exception"), QColor("#c62828")),
    "ignored": (QT_TRANSLATE_NOOP("bank", "Ignored"), QColor("#6b6b6b")),
}
# The lines filter: key → which statuses it shows.
LINE_FILTERS: dict[str, tuple[str, ...]] = {
    "open": ("open",),
    "all": ("open", "matched", "exception", "ignored"),
    "matched": ("matched",),
    "exceptions": ("exception",),
    "ignored": ("ignored",),
}
CANDIDATE_KINDS = {
    "payment": QT_TRANSLATE_NOOP("bank", "Recorded receipt"),
    "invoice": QT_TRANSLATE_NOOP("bank", "Invoice"),
    "invoices": QT_TRANSLATE_NOOP("bank", "Invoices (sum)"),
    "new_payment": QT_TRANSLATE_NOOP("bank", "New receipt"),
    "exception": QT_TRANSLATE_NOOP("bank", "Exception"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate("bank", text)


def status_text(status: str) -> str:
    label = LINE_STATUS.get(status)
    return tr(label[0]) if label else status


def kind_text(kind: str) -> str:
    label = CANDIDATE_KINDS.get(kind)
    return tr(label) if label else kind


def money_text(m: Money | None) -> str:
    """``1,234.50 EUR`` (currency decimals), ``—`` for None."""
    return f"{format_money(m)} {m.currency}" if m is not None else "—"


def reasons_language() -> str:
    """``"zh"`` when the UI shows Chinese, i.e. our Chinese translation is loaded, else ``"en"``.

    Qt's own translation (qtbase) does not count: without ours the screens are in English.
    """
    app = QCoreApplication.instance()
    if app is not None:
        for translator in app.findChildren(QTranslator):
            ours = "desktop_ar" in Path(translator.filePath()).name
            if ours and translator.language().lower().startswith("zh"):
                return "zh"
    return "en"


def reasons_text(candidate: Any) -> str:
    """The candidate's reasons in words, in the UI language."""
    if reasons_language() == "zh":
        return str(getattr(candidate, "reasons_text_zh", "") or candidate.reasons_text_en)
    return str(candidate.reasons_text_en)


def _tabular_font() -> QFont:
    font = QFont()
    font.setFeature(QFont.Tag.fromString("tnum"), 1)
    return font


class _ListModel(QAbstractTableModel):
    """Rows of frozen DTOs; subclasses give headers and ``cell(row, column)``."""

    headers: tuple[str, ...] = ()
    money_columns: frozenset[int] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._font = _tabular_font()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(self.headers[section])
            if role == Qt.ItemDataRole.TextAlignmentRole and section in self.money_columns:
                return _RIGHT
        return None

    def row(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[Any]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_of(self, row_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if getattr(r, "id", None) == row_id:
                return i
        return None

    def cell(self, item: Any, column: int) -> Any:
        raise NotImplementedError

    def foreground(self, item: Any, column: int) -> QColor | None:
        value = self.cell(item, column)
        if isinstance(value, Money) and value.minor < 0:
            return NEGATIVE
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        item = self.row(index.row()) if index.isValid() else None
        if item is None:
            return None
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self.cell(item, col)
            if isinstance(value, Money):
                return format_money(value)
            return format_date(value) if hasattr(value, "isoformat") else value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col in self.money_columns else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self.foreground(item, col)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole and col in self.money_columns:
            return self._font
        if role == Role.Id:
            return getattr(item, "id", None)
        if role == Role.Raw:
            return self.cell(item, col)
        if role == Role.Clipboard:
            value = self.cell(item, col)
            return plain_money(value) if isinstance(value, Money) else str(value or "")
        return None


class StatementsModel(_ListModel):
    """Imported statements, newest first as the service lists them."""

    headers = (
        QT_TRANSLATE_NOOP("bank", "Account"),
        QT_TRANSLATE_NOOP("bank", "Period"),
        QT_TRANSLATE_NOOP("bank", "Ccy"),
        QT_TRANSLATE_NOOP("bank", "Opening"),
        QT_TRANSLATE_NOOP("bank", "Closing"),
        QT_TRANSLATE_NOOP("bank", "Lines"),
        QT_TRANSLATE_NOOP("bank", "Open lines"),
        QT_TRANSLATE_NOOP("bank", "Status"),
        QT_TRANSLATE_NOOP("bank", "Flags"),
        QT_TRANSLATE_NOOP("bank", "File"),
    )
    money_columns = frozenset({3, 4, 5, 6})
    FLAGS = 8

    def cell(self, s: Any, column: int) -> Any:
        if column == 0:
            return " · ".join(p for p in (s.account, s.account_name) if p) or "—"
        if column == 1:
            return f"{format_date(s.period_start)} – {format_date(s.period_end)}"
        if column == 2:
            return s.currency
        if column == 3:
            return s.opening if s.opening is not None else "—"
        if column == 4:
            return s.closing if s.closing is not None else "—"
        if column == 5:
            return f"{s.lines_count:,}"
        if column == 6:
            return f"{s.open_lines:,}" if s.open_lines else ""
        if column == 7:
            return tr("Closed") if s.status == "closed" else tr("Open")
        if column == self.FLAGS:
            return self.flags_text(s)
        return s.file_name

    @staticmethod
    def flags_text(s: Any) -> str:
        flags = []
        if s.balance_problem:
            flags.append(tr("Balance problem"))
        if s.duplicate_of_id is not None:
            flags.append(tr("Imported before"))
        return " · ".join(flags)

    def foreground(self, s: Any, column: int) -> QColor | None:
        if column == self.FLAGS:
            return WARNING
        if column == 7 and s.status == "closed":
            return LINE_STATUS["matched"][1]
        return super().foreground(s, column)

    def data(self, index: _Index, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.FLAGS:
            s = self.row(index.row())
            parts = [s.balance_problem] if s is not None and s.balance_problem else []
            return "\n".join(parts + list(getattr(s, "notes", []) or [])) or None
        return super().data(index, role)


class LinesModel(_ListModel):
    """The lines of one statement under a status filter."""

    headers = (
        QT_TRANSLATE_NOOP("bank", "#"),
        QT_TRANSLATE_NOOP("bank", "Date"),
        QT_TRANSLATE_NOOP("bank", "Amount"),
        QT_TRANSLATE_NOOP("bank", "Counterparty"),
        QT_TRANSLATE_NOOP("bank", "Memo / reference"),
        QT_TRANSLATE_NOOP("bank", "Status"),
    )
    money_columns = frozenset({0, 2})
    STATUS = 5

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[Any] = []
        self._counts: dict[str, int] = dict.fromkeys(LINE_FILTERS, 0)
        self._filter = "open"

    def set_lines(self, lines: Sequence[Any]) -> None:
        self._all = list(lines)
        self._counts = {
            key: sum(1 for x in self._all if x.status in statuses)
            for key, statuses in LINE_FILTERS.items()
        }
        self._apply()

    def all_lines(self) -> list[Any]:
        return list(self._all)

    def line_by_id(self, line_id: int) -> Any:
        return next((x for x in self._all if x.id == line_id), None)

    def filter(self) -> str:
        return self._filter

    def set_filter(self, key: str) -> None:
        self._filter = key if key in LINE_FILTERS else "all"
        self._apply()

    def counts(self) -> dict[str, int]:
        """Lines per filter key (the filter buttons show them)."""
        return dict(self._counts)

    def _apply(self) -> None:
        statuses = LINE_FILTERS[self._filter]
        self.set_rows([x for x in self._all if x.status in statuses])

    def cell(self, line: Any, column: int) -> Any:
        if column == 0:
            return str(line.seq)
        if column == 1:
            return line.booking_date
        if column == 2:
            return line.amount
        if column == 3:
            return line.counterparty_name or line.counterparty_account
        if column == 4:
            return " · ".join(p for p in (line.reference, line.memo) if p)
        return status_text(line.status)

    def foreground(self, line: Any, column: int) -> QColor | None:
        if column == self.STATUS:
            entry = LINE_STATUS.get(line.status)
            return entry[1] if entry else None
        return super().foreground(line, column)

    def data(self, index: _Index, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            line = self.row(index.row())
            if line is None:
                return None
            parts = [line.counterparty_name, line.counterparty_account, line.reference, line.memo]
            if line.explanation:
                parts.append(line.explanation)
            return "\n".join(p for p in parts if p)
        return super().data(index, role)


class CandidatesModel(_ListModel):
    """Suggested explanations of one line, best first."""

    headers = (
        QT_TRANSLATE_NOOP("bank", "Kind"),
        QT_TRANSLATE_NOOP("bank", "Number(s)"),
        QT_TRANSLATE_NOOP("bank", "Customer"),
        QT_TRANSLATE_NOOP("bank", "Amount"),
        QT_TRANSLATE_NOOP("bank", "Confidence"),
        QT_TRANSLATE_NOOP("bank", "Reasons"),
    )
    money_columns = frozenset({3})
    CONFIDENCE = 4

    def cell(self, c: Any, column: int) -> Any:
        if column == 0:
            return kind_text(c.kind)
        if column == 1:
            return ", ".join(c.numbers)
        if column == 2:
            return " ".join(p for p in (c.customer_code, c.customer_name) if p)
        if column == 3:
            return c.amount
        if column == self.CONFIDENCE:
            return f"{round(float(c.confidence) * 100)} %"
        return reasons_text(c)

    def data(self, index: _Index, role: int = 0) -> Any:
        if index.isValid() and index.column() == self.CONFIDENCE and role == Role.Raw:
            c = self.row(index.row())
            return float(c.confidence) if c is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            c = self.row(index.row())
            return reasons_text(c) if c is not None else None
        return super().data(index, role)
