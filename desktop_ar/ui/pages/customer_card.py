"""The customer card: everything about one customer in one window.

Header: balance, overdue, credit used against the limit, value tier (the rule in its tooltip)
and payment behaviour. Tabs: invoices and payments (lazy SQL lists limited to the customer),
orders, the contact log and disputes, with the actions that belong to each.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.customer_value import describe_rule
from desktop_ar.domain.money import Money
from desktop_ar.services import lists
from desktop_ar.services.customers import CustomerDetail
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.ui.dialogs.changes_relay import forward_changes, touches_customer
from desktop_ar.ui.dialogs.contact_log_dialog import ContactLogDialog
from desktop_ar.ui.dialogs.dispute_dialog import OpenDisputeDialog, ResolveDisputeDialog
from desktop_ar.ui.dialogs.overdue_reason_dialog import OverdueReasonDialog
from desktop_ar.ui.dialogs.statement_dialog import StatementDialog
from desktop_ar.ui.errors import error_text
from desktop_ar.ui.formatting import format_money, format_pct
from desktop_ar.ui.models.cells import code_label, status_label
from desktop_ar.ui.models.columns import (
    CUSTOMER_CARD_INVOICE_COLUMNS,
    CUSTOMER_CARD_PAYMENT_COLUMNS,
)
from desktop_ar.ui.models.lazy_table import NEGATIVE_COLOR, LazyTableModel
from desktop_ar.ui.pages.customer_card_data import CardData, load_card
from desktop_ar.ui.prefs import app_settings
from desktop_ar.ui.print_actions import card_print_button
from desktop_ar.ui.tasks import QueryOp
from desktop_ar.ui.widgets.customer_activity import (
    SmallTable,
    contact_log_table,
    disputes_table,
    orders_table,
)
from desktop_ar.ui.widgets.reconciliation_tabs import ReconciliationTabs
from desktop_ar.ui.widgets.table_view import make_table_view

if TYPE_CHECKING:
    from desktop_ar.services.changes import Changes
    from desktop_ar.services.context import ServiceContext

_GEOMETRY = "dialogs/customer_card/geometry"
_RED = f"color: {NEGATIVE_COLOR.name()};"
_RED_BAR = f"QProgressBar::chunk {{ background-color: {NEGATIVE_COLOR.name()}; }}"


def _money(m: Money) -> str:
    return f"{format_money(m)} {m.currency}"


def _days(value: Decimal | int | None) -> str:
    return "—" if value is None else f"{value}"


class CustomerCardDialog(QDialog):
    """One customer's record, balances, behaviour, documents and activity (non-modal)."""

    loaded = Signal(object)  # CardData

    def __init__(
        self, *, ctx: ServiceContext, customer_id: int, as_of: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerCard")
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.ctx = ctx
        self.customer_id = customer_id
        self.as_of = as_of
        self.data: CardData | None = None
        self._own: Changes | None = None  # the last changes made from this card
        self.setWindowTitle(self.tr("Customer card"))

        self.name_label = QLabel(self)
        self.name_label.setObjectName("cardName")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.name_label.setFont(font)
        self.sub_label = QLabel(self)
        self.sub_label.setWordWrap(True)
        self.tier_label = QLabel(self)
        self.tier_label.setObjectName("tierBadge")
        self.tier_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tier_label.setMinimumWidth(64)
        self.tier_label.setStyleSheet(
            "QLabel { border: 1px solid palette(mid); border-radius: 4px; padding: 4px 10px;"
            " font-weight: bold; }"
        )
        self.edit_button = QPushButton(self.tr("&Edit customer…"), self)
        self.edit_button.setAutoDefault(False)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.statement_button = QPushButton(self.tr("&Statement of account…"), self)
        self.statement_button.setObjectName("statementButton")
        self.statement_button.setAutoDefault(False)
        self.statement_button.setEnabled(False)  # until the card knows the customer's code
        self.statement_button.clicked.connect(lambda _checked=False: self.statement_of_account())
        head = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.name_label)
        names.addWidget(self.sub_label)
        head.addLayout(names, 1)
        head.addWidget(self.tier_label)
        head.addWidget(self.statement_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(card_print_button(self), 0, Qt.AlignmentFlag.AlignTop)  # PDF, printer
        head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)

        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        cells = [
            ("balance", self.tr("Open balance")),
            ("overdue", self.tr("Overdue")),
            ("credit_limit", self.tr("Credit limit")),
            ("revenue", self.tr("Revenue, 12 months")),
            ("avg_days", self.tr("Average days to pay")),
            ("on_time", self.tr("Paid on time")),
            ("longest", self.tr("Longest overdue (days)")),
            ("late", self.tr("Weighted days late")),
        ]
        for i, (key, text) in enumerate(cells):
            label = QLabel(self)
            label.setObjectName(f"fig_{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.figures[key] = label
            row, col = divmod(i, 4)
            caption = QLabel(text, self)
            caption.setStyleSheet("color: palette(placeholder-text);")
            grid.addWidget(caption, row * 2, col)
            grid.addWidget(label, row * 2 + 1, col)
        self.credit_bar = QProgressBar(self)
        self.credit_bar.setObjectName("creditUsed")
        self.credit_bar.setRange(0, 1000)
        self.credit_bar.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.credit_bar.setToolTip(self.tr("Open balance as a share of the credit limit"))
        grid.addWidget(QLabel(self.tr("Credit used"), self), 4, 0)
        grid.addWidget(self.credit_bar, 4, 1, 1, 3)

        self.tabs = QTabWidget(self)
        self._build_lists()
        self.orders = orders_table(self)
        self.log = contact_log_table(self)
        self.log.add_button(self.tr("&Log a call/email/visit…"), self.log_contact, "logButton")
        self.disputes = disputes_table(self)
        self.disputes.add_button(self.tr("O&pen dispute…"), self.open_dispute, "openDispute")
        self.resolve_button = self.disputes.add_button(
            self.tr("&Resolve…"), self.resolve_dispute, "resolveDispute"
        )
        self.disputes.current_changed.connect(self._on_disputes_current_changed)
        self.tabs.addTab(self.orders, self.tr("&Orders"))
        self.tabs.addTab(self.log, self.tr("&Contact log"))
        self.tabs.addTab(self.disputes, self.tr("&Disputes"))
        self.reconciliation = ReconciliationTabs.install(self)  # past 对账 and 余额确认
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet(_RED)
        self.error_label.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(grid)
        layout.addWidget(self.error_label)
        layout.addWidget(self.tabs, 1)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh_all)
        geometry = app_settings().value(_GEOMETRY)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(1000, 680)
        self.reload()

    def _build_lists(self) -> None:
        spec = ListSpec(customer_id=self.customer_id, as_of=self.as_of)
        self.invoices = LazyTableModel(
            self.ctx, lists.invoices, CUSTOMER_CARD_INVOICE_COLUMNS, as_of=self.as_of, parent=self
        )
        self.invoices.set_query(spec, SortSpec("due_date", True))
        self.invoice_view = make_table_view(self.invoices, self)
        self.invoice_view.setObjectName("cardInvoices")
        self.invoice_view.horizontalHeader().setSortIndicatorShown(False)
        self.payments = LazyTableModel(
            self.ctx, lists.payments, CUSTOMER_CARD_PAYMENT_COLUMNS, as_of=self.as_of, parent=self
        )
        self.payments.set_query(spec, SortSpec("payment_date", True))
        self.payment_view = make_table_view(self.payments, self)
        self.payment_view.setObjectName("cardPayments")
        self.payment_view.horizontalHeader().setSortIndicatorShown(False)
        inv_tab = SmallTable([], self)
        inv_tab.table.hide()
        inv_tab.layout().insertWidget(0, self.invoice_view, 1)
        inv_tab.add_button(self.tr("Overdue &reason…"), self.set_overdue_reason, "reasonButton")
        inv_tab.add_button(self.tr("Dispute this &invoice…"), self.dispute_invoice, "disputeInv")
        self.invoice_view.activated.connect(lambda _i: self.set_overdue_reason())
        self.tabs.addTab(inv_tab, self.tr("&Invoices"))
        self.tabs.addTab(self.payment_view, self.tr("&Payments"))

    # ---- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        ctx, cid, as_of = self.ctx, self.customer_id, self.as_of
        QueryOp(self, lambda: load_card(ctx, cid, as_of)).success(self._on_loaded).failure(
            self._on_failed
        ).run()

    def on_changes(self, changes: Changes) -> None:
        """Changes made from this card: refresh it, then tell the main window."""
        self._own = changes  # the fan-out brings them back (on_book_changes): done already
        self.refresh_all()
        forward_changes(self, changes)

    def on_book_changes(self, changes: Changes) -> None:
        """Changes made anywhere (the main window's fan-out): reload if they concern this card."""
        rows = {"invoice_row": self.invoices.row_of_id, "payment_row": self.payments.row_of_id}
        if changes is not self._own and touches_customer(changes, self.customer_id, **rows):
            self.refresh_all()

    def refresh_all(self) -> None:
        self.payments.refresh()
        self.invoices.refresh()
        self.reload()

    def _on_failed(self, exc: BaseException) -> None:
        self.error_label.setText(error_text(exc))
        self.error_label.show()

    def _on_loaded(self, data: CardData) -> None:
        self.data = data
        d = data.detail
        self.error_label.hide()
        self.statement_button.setEnabled(True)
        self.setWindowTitle(self.tr("Customer card — %1").replace("%1", f"{d.code} {d.name}"))
        self.name_label.setText(d.name)
        bits = [d.code, status_label(d.status), code_label(d.customer_type)]
        bits += [v for v in (d.industry, d.region, d.tags) if v]
        bits.append(self.tr("collector %1").replace("%1", d.collector or "—"))
        bits.append(self.tr("terms %1").replace("%1", d.payment_terms))
        if d.credit_hold:
            bits.append(self.tr("ON CREDIT HOLD"))
        self.sub_label.setText(" · ".join(bits))
        self._show_tier(data)
        self._show_money(d)
        b = data.behaviour
        self.figures["avg_days"].setText(_days(b.avg_days_to_pay))
        self.figures["on_time"].setText(format_pct(b.on_time_share) or "—")
        self.figures["longest"].setText(str(b.longest_overdue_days))
        self.figures["late"].setText(_days(b.weighted_days_late))
        self.figures["longest"].setStyleSheet(_RED if b.oldest_open_overdue_days > 0 else "")
        self.orders.set_rows(data.orders)
        self.log.set_rows(data.log)
        self.disputes.set_rows(data.disputes)
        open_disputes = sum(1 for x in data.disputes if x.status == "open")
        label = self.tr("&Disputes")
        self.tabs.setTabText(
            self.tabs.indexOf(self.disputes),
            f"{label} ({open_disputes})" if open_disputes else label,
        )
        self.loaded.emit(data)

    def _show_tier(self, data: CardData) -> None:
        d, t = data.detail, data.tier
        self.tier_label.setText(self.tr("Tier %1").replace("%1", d.value_tier or "—"))
        lang = QLocale().name()
        rule = describe_rule(lang, currency=t.revenue.currency)
        now = self.tr("Last 12 months: %1, %2 order(s) → tier %3 by the rule.")
        now = now.replace("%1", _money(t.revenue)).replace("%2", str(t.orders))
        self.tier_label.setToolTip(f"{rule}\n\n{now.replace('%3', t.tier)}")
        self.figures["revenue"].setText(
            self.tr("%1 · %2 orders").replace("%1", _money(t.revenue)).replace("%2", str(t.orders))
        )

    def _show_money(self, d: CustomerDetail) -> None:
        self.figures["balance"].setText(_money(d.balance))
        self.figures["overdue"].setText(_money(d.overdue))
        self.figures["overdue"].setStyleSheet(_RED if d.overdue.minor > 0 else "")
        no_limit = d.credit_limit.minor <= 0
        self.figures["credit_limit"].setText(
            self.tr("No limit") if no_limit else _money(d.credit_limit)
        )
        pct = d.credit_used_pct
        if pct is None:
            self.credit_bar.setValue(0)
            self.credit_bar.setFormat(self.tr("No limit"))
            self.credit_bar.setStyleSheet("")
        else:
            self.credit_bar.setValue(max(0, min(1000, int(pct * 10))))
            self.credit_bar.setFormat(format_pct(pct))
            self.credit_bar.setStyleSheet(_RED_BAR if pct > 100 else "")

    # ---- actions -----------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def current_invoice_id(self) -> int | None:
        index = self.invoice_view.currentIndex()
        return self.invoices.row_id(index.row()) if index.isValid() else None

    def set_overdue_reason(self) -> QDialog | None:
        iid = self.current_invoice_id()
        if iid is None:
            return None
        return self._open(OverdueReasonDialog(ctx=self.ctx, invoice_id=iid, parent=self))

    def log_contact(self, kind: str = "call") -> QDialog:
        d = self.data.detail if self.data is not None else None
        names = [c.name for c in d.contacts] if d is not None else []
        return self._open(
            ContactLogDialog(
                ctx=self.ctx,
                customer_id=self.customer_id,
                kind=kind,
                customer_label=d.name if d else "",
                contact_names=names,
                parent=self,
            )
        )

    def dispute_invoice(self) -> QDialog:
        return self.open_dispute(self.current_invoice_id())

    def open_dispute(self, invoice_id: int | None = None) -> QDialog:
        currency = self.data.detail.currency if self.data is not None else "CNY"
        choices = list(self.data.open_invoices) if self.data is not None else []
        if invoice_id is not None and all(c[0] != invoice_id for c in choices):
            row = self.invoices.row_of_id(invoice_id)
            obj = self.invoices.row_object(row) if row is not None else None
            if obj is not None:  # a paid invoice can be disputed too
                choices.insert(0, (obj.id, obj.number, obj.open))
        return self._open(
            OpenDisputeDialog(
                ctx=self.ctx,
                customer_id=self.customer_id,
                currency=currency,
                invoices=choices,
                invoice_id=invoice_id,
                parent=self,
            )
        )

    def resolve_dispute(self) -> QDialog | None:
        current = self.disputes.current()
        if current is None or current.status != "open":
            return None
        return self._open(ResolveDisputeDialog(ctx=self.ctx, dispute=current, parent=self))

    def _on_disputes_current_changed(self, current: Any) -> None:
        self.resolve_button.setEnabled(current is not None and current.status == "open")

    def statement_of_account(self) -> QDialog:
        """Ask for a period and write this customer's statement of account to Excel."""
        d = self.data.detail if self.data is not None else None
        dialog = StatementDialog(
            ctx=self.ctx,
            customer_id=self.customer_id,
            customer_code=d.code if d is not None else "",
            customer_name=d.name if d is not None else "",
            as_of=self.as_of,
            parent=self,
        )
        return self._open(dialog)

    def _on_edit_button_clicked(self) -> None:
        from desktop_ar.ui.dialogs.customer_dialog import CustomerDialog

        self._open(CustomerDialog(ctx=self.ctx, customer_id=self.customer_id, parent=self))

    def done(self, result: int) -> None:
        app_settings().setValue(_GEOMETRY, self.saveGeometry())
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        app_settings().setValue(_GEOMETRY, self.saveGeometry())
        super().closeEvent(event)
