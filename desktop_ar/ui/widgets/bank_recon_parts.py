"""Pieces of the reconciliation screen: the statement header, the line filter, the action bar.

They hold layout and the enabled/disabled state only; ``pages/bank_reconcile.py`` wires them
to the services.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.money import Money
from desktop_ar.ui.formatting import format_date
from desktop_ar.ui.models.bank_models import LinesModel, money_text

_RED = "color: #c62828;"
_BANNER = (
    "QFrame#closedBanner { background: #e8f0fe; border: 1px solid #90a4c8; border-radius: 3px; }"
)


def make_lines_view(model: LinesModel, parent: QWidget) -> QTableView:
    """The statement lines table: one selected row, fixed row height, no editing."""
    view = QTableView(parent)
    view.setObjectName("bankLinesView")
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    for col, width in enumerate((36, 80, 96, 140, 200, 76)):
        view.setColumnWidth(col, width)
    header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
    return view


class StatementHeader(QWidget):
    """Account, period, opening → closing, the balance problem in red, the closed banner."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back_button = QPushButton(self.tr("← Statements"), self)
        self.back_button.setObjectName("backButton")
        self.back_button.setToolTip(self.tr("Back to the list of statements (Esc)"))
        self.back_button.setAutoDefault(False)
        self.title = QLabel(self)
        self.title.setObjectName("statementTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # account names come from the file
        self.balances = QLabel(self)
        self.balances.setObjectName("statementBalances")
        self.problem = QLabel(self)
        self.problem.setObjectName("balanceProblem")
        self.problem.setStyleSheet(_RED)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.banner = QFrame(self)
        self.banner.setObjectName("closedBanner")
        self.banner.setStyleSheet(_BANNER)
        self.banner_label = QLabel(
            self.tr("This statement is closed. It is kept as a record and cannot be changed."),
            self.banner,
        )
        self.banner_label.setObjectName("closedBannerLabel")
        self.reopen_button = QPushButton(self.tr("Re&open"), self.banner)
        self.reopen_button.setObjectName("reopenButton")
        self.reopen_button.setAutoDefault(False)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.banner_label, 1)
        row.addWidget(self.reopen_button)
        self.banner.hide()

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.balances)
        layout.addWidget(self.problem)
        layout.addWidget(self.banner)

    def show_statement(self, s: Any, lines: list[Any]) -> None:
        account = " · ".join(p for p in (s.account, s.account_name, s.bank) if p)
        period = f"{format_date(s.period_start)} – {format_date(s.period_end)}"
        self.title.setText(
            self.tr("%1 · %2 · %3")
            .replace("%1", account or self.tr("Account not stated"))
            .replace("%2", period)
            .replace("%3", s.currency)
        )
        total = Money.sum((x.amount for x in lines), s.currency)
        text = self.tr("Opening %1 → closing %2 · %n line(s) totalling %3", "", len(lines))
        self.balances.setText(
            text.replace("%1", money_text(s.opening))
            .replace("%2", money_text(s.closing))
            .replace("%3", money_text(total))
        )
        problems = []
        if s.balance_problem:
            if s.opening is not None and s.closing is not None:
                expected = s.opening + total
                if expected != s.closing:
                    problems.append(
                        self.tr(
                            "The lines do not add up: opening + lines = %1, closing %2 (off by %3)."
                        )
                        .replace("%1", money_text(expected))
                        .replace("%2", money_text(s.closing))
                        .replace("%3", money_text(abs(s.closing - expected)))
                    )
            problems.append(s.balance_problem)
        if s.duplicate_of_id is not None:
            problems.append(self.tr("This file (or this account and period) was imported before."))
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))

    def set_closed(self, closed: bool) -> None:
        self.banner.setVisible(closed)


class FilterButtons(QWidget):
    """Open / All / Matched / Exceptions / Ignored, each with its count."""

    changed = Signal(str)
    KEYS = ("open", "all", "matched", "exceptions", "ignored")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels = {
            "open": self.tr("O&pen"),
            "all": self.tr("Al&l"),
            "matched": self.tr("&Matched"),
            "exceptions": self.tr("E&xceptions"),
            "ignored": self.tr("I&gnored"),
        }
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Show:"), self))
        for key in self.KEYS:
            button = QToolButton(self)
            button.setObjectName(f"filter_{key}")
            button.setCheckable(True)
            button.setAutoRaise(False)
            button.setText(self._labels[key])
            button.clicked.connect(lambda _checked=False, k=key: self.changed.emit(k))
            self.group.addButton(button)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        self.buttons["open"].setChecked(True)

    def current(self) -> str:
        return next(k for k, b in self.buttons.items() if b.isChecked())

    def set_current(self, key: str) -> None:
        self.buttons[key].setChecked(True)

    def set_counts(self, counts: dict[str, int]) -> None:
        for key, button in self.buttons.items():
            button.setText(f"{self._labels[key]} ({counts.get(key, 0):,})")


class ActionBar(QObject):
    """The line actions (under the candidates) and the statement actions (at the bottom)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        tr = self.tr
        self.line_actions = QWidget(parent)
        self.statement_actions = QWidget(parent)
        la, sa = self.line_actions, self.statement_actions

        def button(text: str, name: str, tip: str, owner: QWidget) -> QPushButton:
            b = QPushButton(text, owner)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.setAutoDefault(False)
            return b

        self.accept_button = button(
            tr("&Accept"), "acceptButton", tr("Accept the selected candidate (Enter)"), la
        )
        self.reject_button = button(
            tr("&Reject"), "rejectButton", tr("Hide this candidate for this session"), la
        )
        self.split_button = button(
            tr("&Split across invoices…"), "splitButton", tr("One receipt, several invoices"), la
        )
        self.receipt_button = button(
            tr("Receipt on a&ccount…"),
            "receiptButton",
            tr("Record the receipt for a customer without allocating it"),
            la,
        )
        self.exception_button = button(
            tr("&Unidentified (exception)…"),
            "exceptionButton",
            tr("Send the line to the exceptions queue"),
            la,
        )
        self.ignore_button = button(
            tr("&Ignore…"), "ignoreButton", tr("No receipt needed (bank fee, own transfer…)"), la
        )
        self.undo_button = button(
            tr("U&ndo match"), "undoButton", tr("Undo the selected line's match (Ctrl+Z)"), la
        )
        self.accept_button.setStyleSheet("font-weight: bold;")
        grid = QVBoxLayout(la)
        grid.setContentsMargins(0, 4, 0, 0)
        first, second = QHBoxLayout(), QHBoxLayout()
        for b in (self.accept_button, self.reject_button, self.split_button):
            first.addWidget(b)
        first.addStretch(1)
        for b in (self.receipt_button, self.exception_button, self.ignore_button):
            second.addWidget(b)
        second.addStretch(1)
        second.addWidget(self.undo_button)
        grid.addLayout(first)
        grid.addLayout(second)

        self.threshold = QSpinBox(sa)
        self.threshold.setObjectName("autoThreshold")
        self.threshold.setRange(50, 100)
        self.threshold.setSuffix(" %")
        self.auto_button = button(
            tr("Auto-accept a&bove"),
            "autoAcceptButton",
            tr("Accept every open line whose best candidate is at least this sure"),
            sa,
        )
        self.message = QLabel(sa)
        self.message.setObjectName("actionMessage")
        self.close_reason = QLabel(sa)
        self.close_reason.setObjectName("closeReason")
        self.close_button = button(
            tr("Close s&tatement"),
            "closeStatementButton",
            tr("Possible when every line is matched, an exception or ignored"),
            sa,
        )
        row = QHBoxLayout(sa)
        row.setContentsMargins(0, 4, 0, 0)
        row.addWidget(self.auto_button)
        row.addWidget(self.threshold)
        row.addSpacing(12)
        row.addWidget(self.message, 1)
        row.addWidget(self.close_reason)
        row.addWidget(self.close_button)

    def update_for(
        self,
        *,
        line: Any,
        candidate: Any,
        has_lines: bool,
        open_lines: int,
        can_act: bool,
        closed: bool,
    ) -> None:
        is_open = line is not None and line.status == "open"
        self.accept_button.setEnabled(can_act and is_open and candidate is not None)
        self.reject_button.setEnabled(is_open and candidate is not None and not closed)
        incoming = is_open and line.amount.minor > 0
        for b in (self.split_button, self.receipt_button):
            b.setEnabled(can_act and incoming)
        for b in (self.exception_button, self.ignore_button):
            b.setEnabled(can_act and is_open)
        self.undo_button.setEnabled(can_act and line is not None and not is_open)
        self.auto_button.setEnabled(can_act and open_lines > 0)
        self.threshold.setEnabled(can_act and open_lines > 0)
        self.close_button.setEnabled(can_act and has_lines and open_lines == 0)
        if closed:
            reason = ""
        elif open_lines:
            reason = self.tr("%n line(s) are still open", "", open_lines)
        else:
            reason = self.tr("Every line is explained")
        self.close_reason.setText(reason)
        self.close_reason.setStyleSheet(_RED if open_lines and not closed else "")
