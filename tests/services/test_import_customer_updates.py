"""Importing customers whose codes exist: the fields given are updated, the rest stay."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_ar.db.models import AuditEntry, Customer
from desktop_ar.domain.errors import ConcurrentEditError, PermissionDenied
from desktop_ar.services.customers import CustomerInput, create_customer
from desktop_ar.services.imports import commit_import, plan_import
from desktop_ar.services.uow import reader
from tests.services.helpers import make_invoice
from tests.services.test_imports import customers_file, import_file, xlsx


def customer(ctx: Any, code: str) -> Customer:
    with reader(ctx) as s:
        return s.execute(select(Customer).where(Customer.code == code)).scalar_one()


@pytest.fixture
def book(ctx: Any, tmp_path: Path) -> Any:
    import_file(ctx, customers_file(tmp_path), "customers")
    return ctx


def test_given_fields_updated_others_kept(book: Any, tmp_path: Path) -> None:
    before = customer(book, "C001")
    headers = ["客户编号", "客户名称", "信用额度", "地区", "电话"]
    rows = [
        ["C001", "上海甲公司", "20,000", "华东", None],
        ["C002", "北京乙公司", None, None, None],
        ["C020", "深圳丁公司", 100, None, "0755-1234"],
    ]
    plan, result = import_file(book, xlsx(tmp_path / "upd.xlsx", headers, rows), "customers")
    assert [r.row_number for r in plan.to_update] == [2]
    assert [r.row_number for r in plan.to_create] == [4]
    assert [(r.row_number, why) for r, why in plan.skipped] == [(3, "already up to date")]
    assert plan.inputs[2].prepared.changed == ("region", "credit_limit_minor")
    assert (result.created, result.updated, result.skipped) == (1, 1, 1)
    after = customer(book, "C001")
    assert after.credit_limit_minor == 2_000_000 and after.region == "华东"
    assert after.payment_terms == before.payment_terms == "NET30"
    assert after.name == before.name and after.version_id == before.version_id + 1
    with reader(book) as s:
        audit = s.execute(
            select(AuditEntry).where(AuditEntry.action == "update_customer")
        ).scalar_one()
    assert audit.entity_id == str(after.id)
    old, new = json.loads(audit.before), json.loads(audit.after)
    assert (old["credit_limit_minor"], new["credit_limit_minor"]) == (1_000_000, 2_000_000)
    assert (old["region"], new["region"]) == ("", "华东")
    assert old["payment_terms"] == new["payment_terms"]


def test_limit_in_the_customers_currency(book: Any, tmp_path: Path) -> None:
    create_customer(book, CustomerInput(name="Harbor GmbH", code="E01", currency="EUR"))
    headers = ["客户编号", "客户名称", "信用额度"]
    rows = [["E01", "Harbor GmbH", "5,000.00"]]
    import_file(book, xlsx(tmp_path / "upd.xlsx", headers, rows), "customers")
    assert customer(book, "E01").credit_limit_minor == 500_000


def test_currency_change_refused_once_there_are_documents(book: Any, tmp_path: Path) -> None:
    make_invoice(book, customer(book, "C001").id, "2026-01-01", "100")
    headers = ["客户编号", "客户名称", "币种"]
    rows = [["C001", "上海甲公司", "USD"]]
    plan = plan_import(book, xlsx(tmp_path / "upd.xlsx", headers, rows), "customers")
    assert plan.rejected_rows == [2] and "already has documents" in plan.errors[0].message


def test_edit_in_between_is_refused(book: Any, tmp_path: Path) -> None:
    headers = ["客户编号", "客户名称", "地区"]
    path = xlsx(tmp_path / "upd.xlsx", headers, [["C001", "上海甲公司", "华东"]])
    plan = plan_import(book, path, "customers")
    other = xlsx(tmp_path / "other.xlsx", headers, [["C001", "上海甲公司", "华北"]])
    import_file(book, other, "customers")
    with pytest.raises(ConcurrentEditError):
        commit_import(book, plan)
    assert customer(book, "C001").region == "华北"


def test_read_only_denied(book: Any, tmp_path: Path) -> None:
    headers = ["客户编号", "客户名称", "地区"]
    path = xlsx(tmp_path / "upd.xlsx", headers, [["C001", "上海甲公司", "华东"]])
    plan = plan_import(book, path, "customers")
    with pytest.raises(PermissionDenied):
        commit_import(dataclasses.replace(book, role="read_only"), plan)
    assert customer(book, "C001").region == ""
