"""The right-hand side of the reconciliation screen: candidates of the selected line, or its match.

An open line shows its ranked candidates (kind, numbers, customer, amount, a confidence bar and
the reasons in words); the first one is selected, so Enter accepts the best. A line that is
already explained shows what explains it (the receipt, the exception or the ignore note).
Rejected candidates are hidden for this session only: nothing is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.ui.formatting import format_date
from desktop_ar.ui.models.bank_models import (
    CandidatesModel,
    kind_text,
    money_text,
    reasons_text,
    status_text,
)
from desktop_ar.ui.models.roles import Role

if TYPE_CHECKING:
    from collections.abc import Sequence

_HIGH, _MID, _LOW = QColor("#43a047"), QColor("#f9a825"), QColor("#e57373")


def candidate_key(candidate: Any) -> tuple[str, tuple[int, ...]]:
    """What identifies a candidate across reloads (for "reject for this session")."""
    return (str(candidate.kind), tuple(candidate.target_ids))


class ConfidenceDelegate(QStyledItemDelegate):
    """Paints the confidence as a bar with the percentage on it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        value = index.data(Role.Raw)
        if not isinstance(value, float):
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        rect = option.rect.adjusted(3, 4, -3, -4)
        height = min(rect.height(), option.fontMetrics.height() + 6)  # a bar, not a block
        rect.setTop(rect.top() + (rect.height() - height) // 2)
        rect.setHeight(height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(option.palette.mid())
        painter.drawRoundedRect(rect, 3, 3)
        colour = _HIGH if value >= 0.9 else _MID if value >= 0.6 else _LOW
        painter.setBrush(colour)
        filled = QRect(rect.left(), rect.top(), int(rect.width() * max(0.0, min(1.0, value))), 0)
        filled.setHeight(rect.height())
        painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(option.palette.color(option.palette.ColorRole.Text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{round(value * 100)} %")
        painter.restore()


class CandidatesPanel(QWidget):
    """Candidates of one open line, or the match of an explained one."""

    accept_requested = Signal()  # Enter / double-click on a candidate
    current_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._line: Any = None
        self._all: list[Any] = []
        self.rejected: dict[int, set[tuple[str, tuple[int, ...]]]] = {}
        self.loading = False

        self.title = QLabel(self)
        self.title.setObjectName("candidatesTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.model = CandidatesModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("candidatesView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        # The reasons wrap onto a second line rather than run off the right edge.
        self.view.setWordWrap(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setMinimumSectionSize(self.fontMetrics().height() + 10)
        self.view.setItemDelegateForColumn(CandidatesModel.CONFIDENCE, ConfidenceDelegate(self))
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((88, 100, 136, 92, 72)):
            self.view.setColumnWidth(col, width)
        self.view.doubleClicked.connect(lambda _index: self.accept_requested.emit())
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

        self.reasons = QLabel(self)
        self.reasons.setObjectName("reasonsLabel")
        self.reasons.setWordWrap(True)
        self.reasons.setStyleSheet(
            "QLabel#reasonsLabel { background: palette(base); border: 1px solid palette(mid);"
            " padding: 6px; }"
        )
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel(self)
        self.detail.setObjectName("matchDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view)
        layout.addWidget(self.reasons)
        layout.addWidget(self.detail)
        self.show_line(None)

    # ---- what is shown -----------------------------------------------------------------------

    def line(self) -> Any:
        return self._line

    def show_line(self, line: Any, candidates: Sequence[Any] | None = None) -> None:
        """Show a line: its candidates (None = still loading) or, when explained, its match."""
        self._line = line
        self.loading = line is not None and line.status == "open" and candidates is None
        self._all = list(candidates or [])
        if line is None:
            self.title.setText(self.tr("Select a statement line."))
            self._fill([])
            self.detail.setText("")
            self.detail.setVisible(False)
            self.view.setVisible(True)
            return
        is_open = line.status == "open"
        self.view.setVisible(is_open)
        self.reasons.setVisible(is_open)
        self.detail.setVisible(not is_open)
        self.detail.setText("" if is_open else self._match_text(line))
        if not is_open:
            self.title.setText(
                self.tr("<b>Line %1</b> · %2")
                .replace("%1", str(line.seq))
                .replace("%2", status_text(line.status))
            )
            self._fill([])
            return
        self._fill(self._visible())
        self._update_title()

    def set_candidates(self, line_id: int, candidates: Sequence[Any]) -> None:
        """Candidates arrived for a line (ignored when another line is shown by now)."""
        if self._line is not None and self._line.id == line_id and self._line.status == "open":
            self.show_line(self._line, candidates)

    def _visible(self) -> list[Any]:
        rejected = self.rejected.get(self._line.id, set()) if self._line is not None else set()
        return [c for c in self._all if candidate_key(c) not in rejected]

    def _fill(self, candidates: list[Any]) -> None:
        self.model.set_rows(candidates)
        self.view.resizeRowsToContents()
        # As tall as its rows (at least a few), so the reasons sit right under the candidates.
        rows = sum(self.view.rowHeight(r) for r in range(self.model.rowCount()))
        rows = max(rows, 3 * self.view.verticalHeader().minimumSectionSize())
        frame = 2 * self.view.frameWidth() + self.view.horizontalHeader().sizeHint().height()
        self.view.setFixedHeight(rows + frame + 2)
        if candidates:
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.view.selectionModel().setCurrentIndex(self.model.index(0, 0), flags)
        self._on_current_row_changed(self.view.currentIndex(), QModelIndex())

    def _update_title(self) -> None:
        line = self._line
        hidden = len(self._all) - self.model.rowCount()
        if self.loading:
            text = self.tr("Looking for candidates…")
        elif self.model.rowCount() == 0:
            text = self.tr("No candidates. Create a receipt, record an exception or ignore it.")
            if line.amount.minor < 0:
                text = self.tr("Money out: no invoice candidates. Ignore it with a reason.")
        else:
            text = self.tr("%n candidate(s), best first", "", self.model.rowCount())
        if hidden:
            text += " " + self.tr("(%n rejected)", "", hidden)
        self.title.setText(
            self.tr("<b>Line %1</b> · %2").replace("%1", str(line.seq)).replace("%2", text)
        )

    def _match_text(self, line: Any) -> str:
        parts = []
        live = [m for m in line.matches if getattr(m, "undone_at", None) is None]
        for m in live:
            who = " ".join(p for p in (m.customer_code, m.customer_name) if p)
            what = kind_text(m.kind)
            if m.payment_number:
                what += f" {m.payment_number}"
            text = self.tr("%1 · %2 · %3 · confidence %4 %").replace("%1", what)
            text = text.replace("%2", who or "—").replace("%3", money_text(m.amount))
            text = text.replace("%4", str(m.confidence))
            if m.auto:
                text += " · " + self.tr("auto-accepted")
            by = self.tr("by %1 on %2").replace("%1", m.matched_by)
            on = m.matched_at.date() if isinstance(m.matched_at, datetime) else m.matched_at
            by = by.replace("%2", format_date(on))
            parts.append(
                f"<p><b>{_escape(text)}</b><br>{_escape(m.reasons_text)}<br>{_escape(by)}</p>"
            )
        if line.explanation:
            parts.append(
                "<p>" + self.tr("Explanation: %1").replace("%1", _escape(line.explanation)) + "</p>"
            )
        return "".join(parts)

    # ---- selection ---------------------------------------------------------------------------

    def current(self) -> Any:
        """The selected candidate (the best one unless the user picked another)."""
        index = self.view.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def candidates(self) -> list[Any]:
        return self.model.rows()

    def reject_current(self) -> bool:
        """Hide the selected candidate of this line for the rest of the session."""
        c = self.current()
        if c is None or self._line is None:
            return False
        row = self.view.currentIndex().row()
        self.rejected.setdefault(self._line.id, set()).add(candidate_key(c))
        self._fill(self._visible())
        if self.model.rowCount():
            self.view.selectRow(min(row, self.model.rowCount() - 1))
        self._update_title()
        return True

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        c = self.model.row(current.row()) if current.isValid() else None
        self.reasons.setText(reasons_text(c) if c is not None else "")
        self.reasons.setVisible(c is not None)
        self.current_changed.emit()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
