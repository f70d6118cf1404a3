"""Importing customers, invoices and payments: plan, commit, duplicates, cancel, rejects."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop_ar.db.models import (
    AuditEntry,
    Customer,
    ImportBatch,
    ImportRow,
    Invoice,
    Payment,
)
from desktop_ar.domain.errors import Cancelled, PermissionDenied, UserFacingError
from desktop_ar.services.imports import commit_import, plan_import, write_rejects
from desktop_ar.services.progress import CallbackProgress
from desktop_ar.services.uow import reader

CUSTOMER_HEADERS = ["客户编号", "客户名称", "付款条件", "信用额度"]
INVOICE_HEADERS = ["发票号", "客户", "开票日期", "金额"]
PAYMENT_HEADERS = ["收款日期", "客户", "金额", "发票号"]


def xlsx(path: Path, headers: list[str], rows: list[list[Any]], title: str = "") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def count(ctx: Any, model: Any) -> int:
    with reader(ctx) as s:
        return s.scalar(select(func.count()).select_from(model))


def customers_file(tmp_path: Path) -> Path:
    rows = [
        ["C001", "上海甲公司", "NET30", "¥10,000.00"],
        ["C002", "北京乙公司", "NET60", "5000"],
        ["C003", "Acme Ltd", "NET15", None],
    ]
    return xlsx(tmp_path / "customers.xlsx", CUSTOMER_HEADERS, rows, title="客户清单")


def import_file(ctx: Any, path: Path, kind: str, **kw: Any) -> Any:
    plan = plan_import(ctx, path, kind)
    return plan, commit_import(ctx, plan, **kw)


def test_customers_created_with_chinese_headers(ctx: Any, tmp_path: Path) -> None:
    plan, result = import_file(ctx, customers_file(tmp_path), "customers")
    assert plan.sheet == "数据" and not plan.errors
    assert (result.created, result.skipped, result.rejected) == (3, 0, 0)
    with reader(ctx) as s:
        c1 = s.execute(select(Customer).where(Customer.code == "C001")).scalar_one()
        assert c1.name == "上海甲公司" and c1.credit_limit_minor == 1_000_000
        assert s.scalar(select(func.count()).select_from(ImportRow)) == 3
        actions = list(s.scalars(select(AuditEntry.action)))
    assert "import_customers" in actions and actions.count("create_customer") == 3


def test_gb18030_csv_and_existing_code_updated(ctx: Any, tmp_path: Path) -> None:
    import_file(ctx, customers_file(tmp_path), "customers")
    csv = tmp_path / "more.csv"
    text = (
        '客户编号,客户名称,信用额度\nC001,上海甲公司,100\nC010,广州丙公司,"1,234.50"\n'
        "C002,北京乙公司,5000\n"
    )
    csv.write_bytes(text.encode("gb18030"))
    plan, result = import_file(ctx, csv, "customers")
    assert [reason for _, reason in plan.skipped] == ["already up to date"]
    assert (result.created, result.updated) == (1, 1)
    with reader(ctx) as s:
        c = s.execute(select(Customer).where(Customer.code == "C010")).scalar_one()
    assert c.name == "广州丙公司" and c.credit_limit_minor == 123_450


def invoices_file(tmp_path: Path, name: str = "invoices.xlsx") -> Path:
    rows = [
        ["INV-1", "C001", date(2026, 3, 1), 1000],
        ["INV-2", "北京乙公司", date(2026, 4, 1), "2,000.00"],
        ["INV-3", "acme ltd", date(2026, 5, 1), 300],
    ]
    return xlsx(tmp_path / name, INVOICE_HEADERS, rows)


def test_invoices_due_dates_from_terms(ctx: Any, tmp_path: Path) -> None:
    import_file(ctx, customers_file(tmp_path), "customers")
    _, result = import_file(ctx, invoices_file(tmp_path), "invoices")
    assert result.created == 3
    with reader(ctx) as s:
        due = dict(s.execute(select(Invoice.number, Invoice.due_date)).all())
    assert due == {
        "INV-1": date(2026, 3, 31),
        "INV-2": date(2026, 5, 31),
        "INV-3": date(2026, 5, 16),
    }


def test_payments_by_invoice_number_and_oldest_first(ctx: Any, tmp_path: Path) -> None:
    import_file(ctx, customers_file(tmp_path), "customers")
    rows = [
        ["INV-A", "C001", date(2026, 1, 1), 100],
        ["INV-B", "C001", date(2026, 2, 1), 100],
        ["INV-C", "C001", date(2026, 3, 1), 100],
    ]
    import_file(ctx, xlsx(tmp_path / "inv.xlsx", INVOICE_HEADERS, rows), "invoices")
    pays = [[date(2026, 6, 1), "C001", 100, "INV-C"], [date(2026, 6, 2), "上海甲公司", 150, None]]
    _, result = import_file(ctx, xlsx(tmp_path / "pay.xlsx", PAYMENT_HEADERS, pays), "payments")
    assert result.created == 2
    with reader(ctx) as s:
        open_ = dict(s.execute(select(Invoice.number, Invoice.open_minor)).all())
        assert s.scalar(select(func.sum(Payment.unallocated_minor))) == 0
    assert open_ == {"INV-A": 0, "INV-B": 5000, "INV-C": 0}


def bad_invoices(tmp_path: Path) -> Path:
    rows = [["INV-OK", "C001", date(2026, 3, 1), 100]]
    rows += [[f"INV-{i}", "C001", "not a date", 100] for i in range(5)]
    rows += [[f"INV-X{i}", "nobody", date(2026, 3, 1), 100] for i in range(5)]
    return xlsx(tmp_path / "bad.xlsx", INVOICE_HEADERS, rows)


def test_bad_rows_all_reported_nothing_written(ctx: Any, tmp_path: Path) -> None:
    import_file(ctx, customers_file(tmp_path), "customers")
    plan = plan_import(ctx, bad_invoices(tmp_path), "invoices")
    assert len(plan.rejected_rows) == 10 and len(plan.to_create) == 1
    assert all(e.sheet == "数据" and e.column for e in plan.errors)
    with pytest.raises(UserFacingError):
        commit_import(ctx, plan)
    assert count(ctx, Invoice) == 0 and count(ctx, ImportBatch) == 1  # the customers' batch

    result = commit_import(ctx, plan, skip_invalid=True)
    assert (result.created, result.rejected) == (1, 10)
    assert count(ctx, Invoice) == 1


def test_rejects_file_has_reason_column(ctx: Any, tmp_path: Path) -> None:
    import_file(ctx, customers_file(tmp_path), "customers")
    plan = plan_import(ctx, bad_invoices(tmp_path), "invoices")
    out = write_rejects(plan, tmp_path / "rejects.xlsx")
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and "Reason" in r)
    assert "发票号" in header
    data = rows[rows.index(header) + 1 :]
    assert len([r for r in data if r[0] is not None]) == 10
    assert all(r[header.index("Reason")] for r in data if r[0] is not None)


def test_same_file_twice_detected(ctx: Any, tmp_path: Path) -> None:
    path = customers_file(tmp_path)
    import_file(ctx, path, "customers")
    before = (count(ctx, Customer), count(ctx, ImportRow), count(ctx, AuditEntry))
    plan, result = import_file(ctx, path, "customers")
    assert plan.already_imported is not None and plan.already_imported[1] == "tester"
    assert result.created == 0 and result.batch_id is None
    assert (count(ctx, Customer), count(ctx, ImportRow), count(ctx, AuditEntry)) == before


def test_same_rows_in_another_file_skipped(ctx: Any, tmp_path: Path) -> None:
    import_file(ctx, customers_file(tmp_path), "customers")
    path = invoices_file(tmp_path)
    import_file(ctx, path, "invoices")
    again = xlsx(tmp_path / "again.xlsx", INVOICE_HEADERS, [], title="发票清单 (copy)")
    wb = openpyxl.load_workbook(path)
    wb2 = openpyxl.load_workbook(again)
    for row in list(wb.active.iter_rows(min_row=2, values_only=True)):
        wb2.active.append(row)
    wb2.save(again)
    plan, result = import_file(ctx, again, "invoices")
    assert plan.already_imported is None
    assert [r for _, r in plan.skipped] == ["already imported"] * 3
    assert result.created == 0 and count(ctx, Invoice) == 3


def test_cancelled_commit_writes_nothing(ctx: Any, tmp_path: Path) -> None:
    plan = plan_import(ctx, customers_file(tmp_path), "customers")
    progress = CallbackProgress(lambda done, total, text: progress.cancel() if done == 2 else None)
    with pytest.raises(Cancelled):
        commit_import(ctx, plan, progress=progress)
    assert count(ctx, Customer) == 0 and count(ctx, ImportBatch) == 0


def test_read_only_role_denied(ctx: Any, tmp_path: Path) -> None:
    plan = plan_import(ctx, customers_file(tmp_path), "customers")
    viewer = dataclasses.replace(ctx, role="read_only")
    with pytest.raises(PermissionDenied):
        commit_import(viewer, plan)
    assert count(ctx, Customer) == 0


def test_unknown_kind_refused(ctx: Any, tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match="use one of customers, orders"):
        plan_import(ctx, customers_file(tmp_path), "contacts")
