"""The navigation pages of the main window, in the order of the work.

Each entry: a key, its label (translated in the "nav" context), an icon and the page class.
Ctrl+1 … Ctrl+9 follow this order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QStyle, QWidget

__all__ = ["PageEntry", "default_pages"]

_SP = QStyle.StandardPixmap


@dataclass(frozen=True)
class PageEntry:
    """One navigation entry: a key, its label, an icon and how to build the page."""

    key: str
    label: str  # marked with QT_TRANSLATE_NOOP("nav", …)
    icon: QStyle.StandardPixmap
    factory: Callable[..., QWidget]


def default_pages() -> list[PageEntry]:
    """The pages in the order of the work: customer, order, invoice, receipt, exceptions, aging.

    Then the bank statements (reconciliation). Ctrl+1 … Ctrl+7 follow this order.
    """
    from desktop_ar.ui.pages.aging import AgingPage
    from desktop_ar.ui.pages.bank import BankPage
    from desktop_ar.ui.pages.collections import CollectionsPage
    from desktop_ar.ui.pages.customers import CustomersPage
    from desktop_ar.ui.pages.dashboard import DashboardPage
    from desktop_ar.ui.pages.exceptions import ExceptionsPage
    from desktop_ar.ui.pages.invoices import InvoicesPage
    from desktop_ar.ui.pages.orders import OrdersPage
    from desktop_ar.ui.pages.payments import PaymentsPage

    nav = "nav"
    return [
        PageEntry(
            "customers",
            QCoreApplication.translate(nav, "Customers"),
            _SP.SP_DirHomeIcon,
            CustomersPage,
        ),
        PageEntry(
            "orders",
            QCoreApplication.translate(nav, "Orders"),
            _SP.SP_FileDialogListView,
            OrdersPage,
        ),
        PageEntry(
            "invoices",
            QCoreApplication.translate(nav, "Invoices"),
            _SP.SP_FileDialogDetailedView,
            InvoicesPage,
        ),
        PageEntry(
            "payments",
            QCoreApplication.translate(nav, "Payments"),
            _SP.SP_DialogApplyButton,
            PaymentsPage,
        ),
        PageEntry(
            "exceptions",
            QCoreApplication.translate(nav, "Exceptions"),
            _SP.SP_MessageBoxWarning,
            ExceptionsPage,
        ),
        PageEntry(
            "aging",
            QCoreApplication.translate(nav, "Aging"),
            _SP.SP_FileDialogInfoView,
            AgingPage,
        ),
        PageEntry(
            "bank",
            QCoreApplication.translate(nav, "Bank"),
            _SP.SP_DriveNetIcon,
            BankPage,
        ),
        PageEntry(
            "collections",
            QCoreApplication.translate(nav, "Collections"),
            _SP.SP_MessageBoxInformation,
            CollectionsPage,
        ),
        PageEntry(
            "dashboard",
            QCoreApplication.translate(nav, "Dashboard"),
            _SP.SP_ComputerIcon,
            DashboardPage,
        ),
    ]
