"""The right-hand customer panel: who the customer is, what they owe, and their invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.services import lists
from desktop_ar.services.customers import CustomerDetail, customer_detail
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.ui.formatting import format_money, format_pct
from desktop_ar.ui.models.cells import code_label, status_label
from desktop_ar.ui.models.columns import CUSTOMER_INVOICE_COLUMNS
from desktop_ar.ui.models.lazy_table import NEGATIVE_COLOR, LazyTableModel
from desktop_ar.ui.tasks import QueryOp
from desktop_ar.ui.widgets.table_view import make_table_view

if TYPE_CHECKING:
    from desktop_ar.domain.money import Money
    from desktop_ar.services.context import ServiceContext

_RED_BAR = "QProgressBar::chunk { background-color: %s; }" % NEGATIVE_COLOR.name()  # noqa: UP031


def _money(m: Money) -> str:
    return f"{format_money(m)} {m.currency}"


def _value_label(parent: QWidget, *, amount: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if amount:
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = QFont(label.font())
        font.setFeature(QFont.Tag.fromString("tnum"), 1)
        label.setFont(font)
    else:
        label.setWordWrap(True)
    return label


class CustomerPanel(QWidget):
    """Details, balances, credit use, contacts and invoices of the selected customer."""

    open_invoices_for = Signal(int)
    loaded = Signal(object)  # the CustomerDetail shown (tests, status)

    def __init__(self, ctx: ServiceContext, *, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._as_of = as_of
        self._customer_id: int | None = None
        self._token = 0  # drops results of loads that a newer selection overtook
        self.detail: CustomerDetail | None = None

        self.name_label = QLabel(self)
        self.name_label.setObjectName("customerName")
        self.name_label.setWordWrap(True)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.name_label.setFont(font)
        self.sub_label = _value_label(self)
        self.empty_label = QLabel(self.tr("Select a customer to see the details."), self)
        self.empty_label.setWordWrap(True)

        info = QGroupBox(self.tr("Customer"), self)
        form = QFormLayout(info)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        for key, text in (
            ("customer_type", self.tr("Type")),
            ("industry", self.tr("Industry")),
            ("region", self.tr("Region")),
            ("collector", self.tr("Collector")),
            ("payment_terms", self.tr("Terms")),
            ("currency", self.tr("Currency")),
        ):
            self.fields[key] = _value_label(info)
            form.addRow(text, self.fields[key])

        money = QGroupBox(self.tr("Balance"), self)
        mform = QFormLayout(money)
        mform.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, text in (
            ("balance", self.tr("Open balance")),
            ("overdue", self.tr("Overdue")),
            ("unallocated_credit", self.tr("Unallocated credit")),
            ("credit_limit", self.tr("Credit limit")),
        ):
            self.fields[key] = _value_label(money, amount=True)
            mform.addRow(text, self.fields[key])
        self.credit_bar = QProgressBar(money)
        self.credit_bar.setObjectName("creditUsed")
        self.credit_bar.setRange(0, 1000)
        self.credit_bar.setTextVisible(True)
        self.credit_bar.setAlignment(Qt.AlignmentFlag.AlignCenter)
        mform.addRow(self.tr("Credit used"), self.credit_bar)

        contacts = QGroupBox(self.tr("Contacts"), self)
        self.contacts_label = QLabel(contacts)
        self.contacts_label.setWordWrap(True)
        self.contacts_label.setTextFormat(Qt.TextFormat.RichText)
        self.contacts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(contacts).addWidget(self.contacts_label)

        self.invoices_box = QGroupBox(self.tr("Invoices"), self)
        self.invoices = LazyTableModel(
            ctx, lists.invoices, CUSTOMER_INVOICE_COLUMNS, as_of=as_of, parent=self
        )
        self.invoice_view = make_table_view(self.invoices, self.invoices_box)
        self.invoice_view.setObjectName("customerInvoices")
        header = self.invoice_view.horizontalHeader()
        header.setSortIndicatorShown(False)
        # A handful of columns in a narrow panel: share the width instead of scrolling.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.invoice_view.setMinimumHeight(160)
        self.all_button = QPushButton(self.tr("Show in Invoices"), self.invoices_box)
        self.all_button.clicked.connect(self._on_all_button_clicked)
        ibox = QVBoxLayout(self.invoices_box)
        ibox.addWidget(self.invoice_view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.all_button)
        ibox.addLayout(row)

        content = QWidget(self)
        col = QVBoxLayout(content)
        col.addWidget(self.name_label)
        col.addWidget(self.sub_label)
        col.addWidget(self.empty_label)
        col.addWidget(info)
        col.addWidget(money)
        col.addWidget(contacts)
        col.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.invoices_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)
        self._details = [info, money, contacts, self.invoices_box, self.sub_label]
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._show_empty()

    # ---- public ------------------------------------------------------------------------------

    def customer_id(self) -> int | None:
        return self._customer_id

    def show_customer(self, customer_id: int | None) -> None:
        """Load and show a customer (None clears the panel); the load runs off the GUI thread."""
        self._customer_id = customer_id
        self._token += 1
        if customer_id is None:
            self._show_empty()
            return
        token, as_of, ctx = self._token, self._as_of, self.ctx
        QueryOp(self, lambda: customer_detail(ctx, customer_id, as_of)).success(
            lambda detail: self._on_loaded(token, detail)
        ).failure(lambda exc: self._on_failed(token, exc)).run()
        self.invoices.set_query(ListSpec(customer_id=customer_id), SortSpec("due_date", True))

    def reload(self) -> None:
        self.show_customer(self._customer_id)

    def set_as_of(self, as_of: date) -> None:
        self._as_of = as_of
        self.invoices.set_as_of(as_of)
        if self._customer_id is not None:
            self.reload()

    # ---- internals ---------------------------------------------------------------------------

    def _show_empty(self) -> None:
        self.detail = None
        self.name_label.setText("")
        self.empty_label.show()
        for w in self._details:
            w.hide()

    def _on_failed(self, token: int, exc: BaseException) -> None:
        if token != self._token:
            return
        self._show_empty()
        self.empty_label.setText(str(exc))

    def _on_loaded(self, token: int, d: CustomerDetail) -> None:
        if token != self._token:
            return
        self.detail = d
        self.empty_label.hide()
        for w in self._details:
            w.show()
        self.name_label.setText(d.name)
        flags = [d.code, status_label(d.status)]
        if d.credit_hold:
            flags.append(self.tr("On credit hold"))
        self.sub_label.setText(" · ".join(flags))
        for key in ("industry", "region", "collector", "payment_terms"):
            self.fields[key].setText(str(getattr(d, key) or "—"))
        self.fields["customer_type"].setText(code_label(d.customer_type))
        self.fields["currency"].setText(d.currency)
        for key in ("balance", "overdue", "unallocated_credit", "credit_limit"):
            m = getattr(d, key)
            label = self.fields[key]
            label.setText(_money(m))
            red = (key == "overdue" and m.minor > 0) or m.minor < 0
            label.setStyleSheet(f"color: {NEGATIVE_COLOR.name()};" if red else "")
        if d.credit_limit.minor <= 0:
            self.fields["credit_limit"].setText(self.tr("No limit"))
        self._show_credit(d.credit_used_pct)
        self.contacts_label.setText(self._contacts_html(d))
        self.loaded.emit(d)

    def _show_credit(self, pct: Decimal | None) -> None:
        bar = self.credit_bar
        if pct is None:
            bar.setValue(0)
            bar.setFormat(self.tr("No limit"))
            bar.setStyleSheet("")
            return
        bar.setValue(max(0, min(1000, int(pct * 10))))
        bar.setFormat(format_pct(pct))
        bar.setStyleSheet(_RED_BAR if pct > 100 else "")
        bar.setToolTip(self.tr("Open balance as a share of the credit limit"))

    def _contacts_html(self, d: CustomerDetail) -> str:
        if not d.contacts:
            return f"<i>{escape(self.tr('No contacts'))}</i>"
        parts = []
        for c in d.contacts:
            head = f"<b>{escape(c.name)}</b>"
            if c.title:
                head += f" · {escape(c.title)}"
            if c.is_primary:
                head += f" ({escape(self.tr('primary'))})"
            lines = [head] + [escape(v) for v in (c.phone, c.mobile, c.email) if v]
            parts.append("<br>".join(lines))
        return "<br><br>".join(parts)

    def _on_all_button_clicked(self) -> None:
        if self._customer_id is not None:
            self.open_invoices_for.emit(self._customer_id)
