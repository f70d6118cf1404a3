"""One customer reconciliation (与客户对账): the closing balances, the differences, the actions.

The header compares our closing balance with the customer's, and shows how much of the
difference the lines explain (unexplained in red until it is zero). Tabs filter the lines by
result; the buttons act on the selected difference (a note, a credit note, a payment, a
dispute). "Close reconciliation" is enabled once every difference is resolved, and the line
under the buttons says what still stops it. The window loads the reconciliation off the GUI
thread and reloads it after each action.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.ui.dialogs.changes_relay import forward_changes
from desktop_ar.ui.dialogs.recon_common import (
    ERROR_STYLE,
    NOTE_STYLE,
    OK_STYLE,
    money_text,
    service,
)
from desktop_ar.ui.dialogs.recon_item_dialog import ReconItemDialog
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_date
from desktop_ar.ui.models.recon_items import (
    FILTERS,
    SIDE_LABELS,
    ReconItemsModel,
    count,
    recon_text,
)
from desktop_ar.ui.models.roles import Role
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.tasks import BackgroundOp, QueryOp
from desktop_ar.ui.widgets.recon_table import can_act, items_table

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext

_GEOMETRY = "dialogs/reconciliation/geometry"
_HEADER = "dialogs/reconciliation/columns"


class ReconciliationDialog(QDialog):
    """A saved reconciliation of one customer; non-modal, one window per reconciliation."""

    loaded = Signal(object)  # ReconciliationView
    changed = Signal()  # an action or the close went through (the lists of it reload)

    def __init__(
        self, *, ctx: ServiceContext, recon_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reconciliationDialog")
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle(self.tr("Reconciliation with the customer"))
        self.ctx = ctx
        self.recon_id = recon_id
        self.view: Any = None
        self.dialog: QDialog | None = None  # the action dialog opened last (tests drive it)

        self.title_label = QLabel(self)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.sub_label = QLabel(self)
        self.sub_label.setStyleSheet(NOTE_STYLE)
        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        cells = (
            ("our_closing", self.tr("Our closing balance")),
            ("their_closing", self.tr("Their closing balance")),
            ("difference", self.tr("Difference")),
            ("explained", self.tr("Explained by the lines")),
            ("unexplained", self.tr("Unexplained")),
        )
        for column, (key, text) in enumerate(cells):
            caption = QLabel(text, self)
            caption.setStyleSheet(NOTE_STYLE)
            value = QLabel(self)
            value.setObjectName(f"fig_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setFont(font)
            self.figures[key] = value
            grid.addWidget(caption, 0, column)
            grid.addWidget(value, 1, column)
        grid.setColumnStretch(len(cells), 1)

        self.tabs = QTabBar(self)
        self.tabs.setObjectName("resultTabs")
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        for key, _label in FILTERS:
            self.tabs.setTabData(self.tabs.addTab(""), key)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.model = ReconItemsModel(self)
        self.model.set_filter(FILTERS[0][0])  # opens on what is left to resolve
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(int(Role.SortKey))
        self.table = self._make_table()

        self.resolve_button = self._button(self.tr("Resolve with &note…"), "note")
        self.credit_button = self._button(self.tr("Create &credit note…"), "credit_note")
        self.payment_button = self._button(self.tr("Record &payment…"), "payment")
        self.dispute_button = self._button(self.tr("Open &dispute…"), "dispute")
        self.close_recon_button = QPushButton(self.tr("C&lose reconciliation"), self)
        self.close_recon_button.setObjectName("closeReconciliation")
        self.close_recon_button.setAutoDefault(False)
        self.close_recon_button.clicked.connect(self._on_close_recon_button_clicked)
        self.export_button = QPushButton(self.tr("&Export statement…"), self)
        self.export_button.setObjectName("exportStatement")
        self.export_button.setAutoDefault(False)
        self.export_button.setToolTip(self.tr("Our statement of account for the same period"))
        self.export_button.clicked.connect(lambda _c=False: self.export_statement())
        buttons = QHBoxLayout()
        for button in (
            self.resolve_button, self.credit_button, self.payment_button, self.dispute_button,
        ):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_recon_button)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("stateLabel")
        self.state_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.sub_label)
        layout.addLayout(grid)
        layout.addWidget(self.tabs)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.state_label)
        layout.addWidget(self.error_label)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)
        geometry = app_settings().value(_GEOMETRY)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(1240, 720)
        self._update_buttons()
        self.reload()

    def _make_table(self) -> QTableView:
        table = items_table(self.proxy, self, app_settings().value(_HEADER))
        table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        table.activated.connect(lambda _index: self.act("note"))
        return table

    def _button(self, text: str, mode: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(f"act_{mode}")
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: self.act(mode))
        return button

    # ---- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        ctx, rid = self.ctx, self.recon_id
        QueryOp(self, lambda: service().get_reconciliation(ctx, rid)).success(
            self._on_loaded
        ).failure(self._show_error).run()

    def _on_loaded(self, view: Any) -> None:
        current = self.current_item()
        self.view = view
        self.error_label.hide()
        who = f"{view.customer_code} {view.customer_name}"
        self.setWindowTitle(self.tr("Reconciliation — %1").replace("%1", who))
        self.title_label.setText(who)
        period = f"{format_date(view.date_from) or '…'} – {format_date(view.date_to)}"
        status = self.tr("closed") if view.status == "closed" else self.tr("open")
        bits = [
            self.tr("Period %1").replace("%1", period),
            self.tr("currency %1").replace("%1", view.currency),
            self.tr("reconciliation #%1, %2").replace("%1", str(view.id)).replace("%2", status),
        ]
        if getattr(view, "file_name", ""):
            bits.append(self.tr("their file %1").replace("%1", view.file_name))
        side = getattr(view, "their_side", "")
        if side in SIDE_LABELS:
            bits.append(recon_text(SIDE_LABELS[side]))
        self.sub_label.setText(" · ".join(bits))
        self.sub_label.setToolTip("\n".join(getattr(view, "notes", ()) or ()))
        self._show_figures(view)
        items = list(view.items)
        self.model.set_items(items)
        for index, (key, label) in enumerate(FILTERS):
            self.tabs.setTabText(index, f"{recon_text(label)} ({count(items, key)})")
        if self.tabs.currentIndex() < 0:
            self.tabs.setCurrentIndex(0)
        if current is None or not self.select_item(current.id):
            self.table.selectRow(0)  # the first line to look at, so the buttons say what fits
        self._update_buttons()
        self.loaded.emit(view)

    def _show_figures(self, view: Any) -> None:
        f = self.figures
        f["our_closing"].setText(money_text(view.our_closing))
        f["their_closing"].setText(money_text(view.their_closing))
        f["difference"].setText(money_text(view.difference))
        f["explained"].setText(money_text(view.explained))
        f["unexplained"].setText(money_text(view.unexplained))
        zero = view.unexplained is None or view.unexplained.minor == 0
        f["unexplained"].setStyleSheet(OK_STYLE if zero else ERROR_STYLE)
        f["difference"].setStyleSheet("" if view.difference.minor == 0 else ERROR_STYLE)

    def _show_error(self, exc: BaseException) -> None:
        self.error_label.setText(error_text(exc))
        self.error_label.show()

    # ---- selection and state -----------------------------------------------------------------

    def current_item(self) -> Any | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.item(self.proxy.mapToSource(index).row())

    def select_item(self, item_id: int) -> bool:
        row = self.model.row_of_id(item_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.selectRow(index.row())
        return True

    def show_filter(self, key: str) -> None:
        index = next(n for n, (k, _l) in enumerate(FILTERS) if k == key)
        self.tabs.setCurrentIndex(index)

    def _on_tabs_current_changed(self, index: int) -> None:
        key = self.tabs.tabData(index)
        if key is not None:
            self.model.set_filter(key)
            if self.proxy.rowCount():
                self.table.selectRow(0)
        self._update_buttons()

    def close_blocker(self) -> str:
        """Why the reconciliation cannot be closed ("" when it can)."""
        view = self.view
        if view is None:
            return self.tr("Loading…")
        if view.status == "closed":
            return self.tr("This reconciliation is closed: it is kept as a record.")
        left = count(view.items, "open")
        if left:
            text = self.tr("%1 difference(s) still to resolve before the reconciliation can close.")
            return text.replace("%1", str(left))
        if view.unexplained.minor:
            text = self.tr(
                "%1 of the difference is not explained by their lines (their balance column "
                "disagrees with them): reconcile a corrected file."
            )
            return text.replace("%1", money_text(view.unexplained))
        return ""

    def _update_buttons(self) -> None:
        item = self.current_item()
        writable = self.view is not None and self.view.status != "closed"
        for button, mode in (
            (self.resolve_button, "note"),
            (self.credit_button, "credit_note"),
            (self.payment_button, "payment"),
            (self.dispute_button, "dispute"),
        ):
            button.setEnabled(writable and can_act(item, mode))
        blocker = self.close_blocker()
        self.close_recon_button.setEnabled(self.view is not None and not blocker)
        self.close_recon_button.setToolTip(blocker)
        if blocker:
            self.state_label.setText(blocker)
            self.state_label.setStyleSheet(NOTE_STYLE)
        else:
            self.state_label.setText(
                self.tr("Every difference is explained: the reconciliation can be closed.")
            )
            self.state_label.setStyleSheet(OK_STYLE)
        self.export_button.setEnabled(self.view is not None)

    # ---- actions -----------------------------------------------------------------------------

    def act(self, mode: str) -> QDialog | None:
        """Open the dialog of an action on the selected difference (None when it does not fit)."""
        item = self.current_item()
        if self.view is None or self.view.status == "closed" or not can_act(item, mode):
            return None
        dialog = ReconItemDialog(ctx=self.ctx, item=item, mode=mode, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _result: self._after_action())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _after_action(self) -> None:
        self.reload()
        self.changed.emit()

    def close_reconciliation(self) -> bool:
        """Close it when nothing is left to resolve; False (and the reason shown) otherwise."""
        blocker = self.close_blocker()
        if blocker:
            self._show_error_text(blocker)
            return False
        ctx, rid = self.ctx, self.recon_id
        self.close_recon_button.setEnabled(False)
        BackgroundOp(self, lambda _p: service().close_reconciliation(ctx, rid)).success(
            lambda _changes: self._after_action()
        ).failure(self._on_close_failed).run()
        return True

    def _on_close_recon_button_clicked(self) -> None:
        self.close_reconciliation()

    def _on_close_failed(self, exc: BaseException) -> None:
        self._show_error(exc)
        self._update_buttons()

    def _show_error_text(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def export_statement(self) -> QDialog | None:
        """Our statement of account for the reconciliation's period, to Excel."""
        from desktop_ar.ui.dialogs.statement_dialog import StatementDialog

        view = self.view
        if view is None:
            return None
        dialog = StatementDialog(
            ctx=self.ctx,
            customer_id=view.customer_id,
            customer_code=view.customer_code,
            customer_name=view.customer_name,
            as_of=view.date_to,
            parent=self,
        )
        if view.date_from is not None:
            dialog.date_from.set_value(view.date_from)
        else:
            dialog.date_from.set_value(date(view.date_to.year, 1, 1))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def on_changes(self, changes: Changes) -> None:
        """Changes made from this window (its close, its action dialogs): pass them on."""
        forward_changes(self, changes)

    def _save_layout(self) -> None:
        app_settings().setValue(_GEOMETRY, self.saveGeometry())
        app_settings().setValue(_HEADER, self.table.horizontalHeader().saveState())

    def done(self, result: int) -> None:
        self._save_layout()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_layout()
        super().closeEvent(event)
