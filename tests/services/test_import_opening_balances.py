"""Importing opening balances: invoices for what is owed, unallocated receipts for credits."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_ar.db.models import AuditEntry, ImportRow, Invoice, Payment, ScheduleLine
from desktop_ar.domain.errors import PermissionDenied
from desktop_ar.services.customers import customer_detail
from desktop_ar.services.imports import commit_import, plan_import
from desktop_ar.services.uow import reader
from tests.services.helpers import make_invoice
from tests.services.test_imports import count, customers_file, import_file, xlsx

HEADERS = ["客户", "单据号", "单据日期", "到期日", "金额"]


@pytest.fixture
def book(ctx: Any, tmp_path: Path) -> Any:
    import_file(ctx, customers_file(tmp_path), "customers")
    return ctx


def test_positive_and_negative_balances(book: Any, tmp_path: Path) -> None:
    rows = [
        ["C001", "QC-001", date(2025, 11, 20), date(2026, 1, 31), "12,000.00"],
        ["北京乙公司", "QC-002", date(2026, 4, 15), None, 3000],
        ["C002", "YS-003", date(2026, 5, 1), None, "-800.00"],
        ["C003", "QC-004", date(2026, 5, 1), None, 0],
    ]
    path = xlsx(tmp_path / "qc.xlsx", HEADERS, rows, title="期初余额 2026-06-30")
    plan, result = import_file(book, path, "opening_balances")
    assert not plan.errors and [r for _, r in plan.skipped] == [
        "zero balance: nothing to carry over"
    ]
    assert (result.created, result.skipped) == (3, 1)
    with reader(book) as s:
        invoices = {i.number: i for i in s.scalars(select(Invoice))}
        payment = s.execute(select(Payment)).scalar_one()
        entities = dict(s.execute(select(ImportRow.row_number, ImportRow.entity)).all())
        schedule = s.scalars(
            select(ScheduleLine.due_date).where(ScheduleLine.invoice_id == invoices["QC-002"].id)
        ).all()
        actions = list(s.scalars(select(AuditEntry.action)))
    qc1, qc2 = invoices["QC-001"], invoices["QC-002"]
    assert qc1.opening_balance and qc2.opening_balance
    # The mark is part of the invoice as created: in its audit row, no second version.
    assert qc1.version_id == 1
    with reader(book) as s:
        created = s.scalars(
            select(AuditEntry.after).where(
                AuditEntry.action == "create_invoice", AuditEntry.entity_id == str(qc1.id)
            )
        ).one()
    assert '"opening_balance": true' in created
    assert (qc1.net_minor, qc1.tax_minor, qc1.open_minor) == (1_200_000, 0, 1_200_000)
    assert qc1.issue_date == date(2025, 11, 20) and qc1.due_date == date(2026, 1, 31)
    # No due date: C002's terms (NET60) from the document date.
    assert qc2.due_date == date(2026, 6, 14) and schedule == [date(2026, 6, 14)]
    assert qc1.notes == "Opening balance"
    assert payment.amount_minor == payment.unallocated_minor == 80_000
    assert payment.method == "other" and payment.reference == "Opening balance YS-003"
    assert payment.payment_date == date(2026, 5, 1)
    assert entities[3] == "invoice" and entities[5] == "payment"
    assert actions.count("create_invoice") == 2 and actions.count("record_payment") == 1
    detail = customer_detail(book, qc2.customer_id, date(2026, 6, 30))
    assert detail.balance.minor == 300_000 - 80_000


def test_number_clash_and_bad_due_date(book: Any, tmp_path: Path) -> None:
    with reader(book) as s:
        from desktop_ar.db.models import Customer

        cid = s.scalar(select(Customer.id).where(Customer.code == "C001"))
    make_invoice(book, cid, "2026-01-01", "100", number="INV-7")
    rows = [
        ["C001", "INV-7", date(2025, 12, 1), None, 500],
        ["C001", "QC-8", date(2025, 12, 1), date(2025, 11, 1), 500],
        ["nobody", "QC-9", date(2025, 12, 1), None, 500],
        ["C001", "QC-10", date(2025, 12, 1), None, 500],
    ]
    plan = plan_import(book, xlsx(tmp_path / "qc.xlsx", HEADERS, rows), "opening_balances")
    reasons = {(e.row, e.column): e.message for e in plan.errors}
    assert "invoice number already used" in reasons[(2, "B")]
    assert "before the document date" in reasons[(3, "D")]
    assert (4, "A") in reasons
    assert [r.row_number for r in plan.to_create] == [5]


def test_credit_balance_carried_over_once(book: Any, tmp_path: Path) -> None:
    rows = [["C002", "YS-1", date(2026, 5, 1), None, -100]]
    import_file(book, xlsx(tmp_path / "a.xlsx", HEADERS, rows), "opening_balances")
    again = [["C002", "YS-1", date(2026, 5, 2), None, -120]]
    plan = plan_import(book, xlsx(tmp_path / "b.xlsx", HEADERS, again), "opening_balances")
    assert "already carried over" in plan.errors[0].message
    assert count(book, Payment) == 1


def test_read_only_denied(book: Any, tmp_path: Path) -> None:
    rows = [["C001", "QC-1", date(2026, 1, 1), None, 100]]
    plan = plan_import(book, xlsx(tmp_path / "qc.xlsx", HEADERS, rows), "opening_balances")
    with pytest.raises(PermissionDenied):
        commit_import(dataclasses.replace(book, role="read_only"), plan)
    assert count(book, Invoice) == 0
