"""UI test fixtures: settings in a temp INI file, no modal dialogs, a small seeded book."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_ar.domain.money import Money


@pytest.fixture(autouse=True)
def gc_on_gui_thread() -> Iterator[None]:
    """Run Python's cyclic GC only on the GUI thread, after the test's work has finished.

    Left automatic, a collection can start on the database thread and free a widget there,
    which crashes Qt (rare segfaults seen here); the app does the same with GuiThreadCollector.
    """
    from desktop_ar.ui.tasks import wait_for_idle

    gc.disable()
    yield
    wait_for_idle()
    gc.collect()
    gc.enable()


@pytest.fixture(autouse=True)
def ui_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Window geometry and column layouts go to a temporary INI file, never the user's."""
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("DESKTOP_AR_SETTINGS", str(path))
    return path


@pytest.fixture(autouse=True)
def shown_messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes record their text instead of blocking the test."""
    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


@dataclass
class Book:
    ctx: object
    shmy: int  # 上海明远贸易有限公司
    shmy2: int  # 上海明远物流有限公司
    beijing: int
    acme: int
    invoices: list[int]


def seed_small_book(ctx: object) -> Book:
    """Four customers, five invoices, one payment — enough to check filters, sorts, balances."""
    from desktop_ar.services.customers import CustomerInput, create_customer
    from desktop_ar.services.invoicing import InvoiceInput, create_invoice
    from desktop_ar.services.payments import PaymentInput, record_payment

    def customer(code: str, name: str, limit: str, **kw: str) -> int:
        cid, _ = create_customer(
            ctx, CustomerInput(name=name, code=code, credit_limit=Money.of(limit, "CNY"), **kw)
        )
        return cid

    shmy = customer("C001", "上海明远贸易有限公司", "20000", region="华东", collector="王芳")
    shmy2 = customer("C002", "上海明远物流有限公司", "5000", region="华东", collector="李娜")
    beijing = customer("C003", "北京华北科技有限公司", "100000", region="华北", collector="王芳")
    acme = customer("C004", "Acme Trading Ltd", "0", region="Export", collector="Tom")

    def invoice(cid: int, issued: date, net: str) -> int:
        iid, _ = create_invoice(
            ctx, InvoiceInput(customer_id=cid, issue_date=issued, net=Money.of(net, "CNY"))
        )
        return iid

    invoices = [
        invoice(shmy, date(2026, 4, 1), "11300.00"),  # due 2026-05-01: overdue on 06-30
        invoice(shmy, date(2026, 6, 15), "5650.50"),
        invoice(shmy2, date(2026, 6, 20), "6000.00"),  # over the 5,000 limit
        invoice(beijing, date(2026, 3, 1), "800.00"),
        invoice(acme, date(2026, 6, 1), "99.99"),
    ]
    record_payment(
        ctx,
        PaymentInput(
            customer_id=shmy, payment_date=date(2026, 6, 10), amount=Money.of("1000", "CNY")
        ),
    )
    return Book(ctx, shmy, shmy2, beijing, acme, invoices)


@pytest.fixture
def book(ctx: object) -> Book:
    return seed_small_book(ctx)
