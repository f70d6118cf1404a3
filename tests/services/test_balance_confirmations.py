"""Balance confirmations (余额确认) and saved customer-ledger templates."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.domain.errors import NotFound, PermissionDenied, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.ledger_columns import LedgerMapping
from desktop_ar.services.customer_reconciliation import (
    delete_ledger_template,
    list_balance_confirmations,
    list_ledger_templates,
    load_ledger_template,
    preview_customer_ledger,
    reconcile_customer,
    record_balance_confirmation,
    save_ledger_template,
)
from tests.services.helpers import audit_count, d, m, make_customer, make_invoice, pay, scalar


@pytest.fixture
def customer(ctx: Any) -> int:
    cid = make_customer(ctx, code="C001")
    make_invoice(ctx, cid, "2026-05-01", "1000", number="INV-1")
    make_invoice(ctx, cid, "2026-06-20", "500", number="INV-2")
    pay(ctx, cid, "2026-06-10", "300")
    return cid


def test_confirmed_and_disputed_balances_are_recorded_with_ours(ctx: Any, customer: int) -> None:
    record_balance_confirmation(
        ctx, customer, d("2026-05-31"), status="confirmed", their_balance=m("1000"),
        reply_date=d("2026-06-05"), contact_person="王经理",
    )  # fmt: skip
    record_balance_confirmation(
        ctx, customer, d("2026-06-30"), status="disputed", their_balance=m("700"),
        note="INV-2 not received",
    )  # fmt: skip
    record_balance_confirmation(ctx, customer, d("2026-06-30"), status="sent")
    rows = list_balance_confirmations(ctx, customer)
    assert [(r.as_of, r.status, r.our_balance, r.their_balance, r.difference) for r in rows] == [
        (d("2026-06-30"), "sent", m("1200"), None, None),
        (d("2026-06-30"), "disputed", m("1200"), m("700"), m("500")),
        (d("2026-05-31"), "confirmed", m("1000"), m("1000"), m("0")),
    ]
    assert rows[2].contact_person == "王经理" and rows[2].recorded_by == "tester"
    assert audit_count(ctx, "record_balance_confirmation") == 3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"status": "agreed"}, "status"),
        ({"status": "confirmed", "their_balance": m("999")}, "record it as disputed"),
        ({"status": "disputed"}, "say what the customer disputes"),
        ({"status": "sent", "reply_date": d("2026-07-01")}, "no reply yet"),
        ({"status": "confirmed", "reply_date": d("2026-05-01")}, "before the balance date"),
        ({"status": "confirmed", "their_balance": Money.of("1", "USD"), "currency": "CNY"}, "CNY"),
    ],
)
def test_confirmation_mistakes_are_refused(
    ctx: Any, customer: int, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(UserFacingError, match=match):
        record_balance_confirmation(ctx, customer, d("2026-06-30"), **kwargs)
    assert scalar(ctx, "SELECT count(*) FROM balance_confirmations") == 0


def test_confirmation_needs_the_reconcile_permission(ctx: Any, customer: int) -> None:
    viewer = dataclasses.replace(ctx, role="read_only")
    with pytest.raises(PermissionDenied):
        record_balance_confirmation(viewer, customer, d("2026-06-30"), status="sent")
    assert scalar(ctx, "SELECT count(*) FROM balance_confirmations") == 0
    assert list_balance_confirmations(viewer, customer) == []


def _ledger(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["记账日期", "单号", "内容", "金额(元)", "结余"])
    ws.append([date(2026, 5, 2), "INV-1", "货款", -1000, -1000])
    ws.append([date(2026, 6, 11), "记-5", "付款", 300, -700])
    ws.append([date(2026, 6, 21), "INV-2", "货款", -500, -1200])
    wb.save(path)
    return path


def test_ledger_templates_save_list_load_and_are_used(
    ctx: Any, customer: int, tmp_path: Path
) -> None:
    path = _ledger(tmp_path / "ledger.xlsx")
    headers, mapping, *_ = preview_customer_ledger(ctx, path, customer_id=customer)
    assert isinstance(mapping, LedgerMapping)
    assert mapping.columns == {"date": 0, "number": 1, "description": 2, "amount": 3, "balance": 4}
    mapping = dataclasses.replace(mapping, their_side="payable")
    template_id = save_ledger_template(ctx, "  明远 AP  ledger ", mapping, headers, header_row=1)
    (info,) = list_ledger_templates(ctx)
    assert (info.id, info.name, info.header_row) == (template_id, "明远 AP ledger", 1)
    assert load_ledger_template(ctx, "明远 AP ledger").mapping == info.mapping
    assert audit_count(ctx, "save_import_template") == 1
    # A file with the same header row gets the template without being asked.
    preview = preview_customer_ledger(ctx, path, customer_id=customer)
    assert preview.template == "明远 AP ledger" and preview.their_side == "payable"
    view = reconcile_customer(ctx, customer, path, date_to=d("2026-06-30"), template=info.name)
    assert view.their_side == "payable"
    assert view.counts["matched"] == 3 and view.difference.minor == 0
    with pytest.raises(PermissionDenied):
        save_ledger_template(dataclasses.replace(ctx, role="read_only"), "x", mapping, headers)
    with pytest.raises(UserFacingError, match="enter a name"):
        save_ledger_template(ctx, " ", mapping, headers)
    delete_ledger_template(ctx, "明远 AP ledger")
    with pytest.raises(NotFound):
        load_ledger_template(ctx, "明远 AP ledger")


def test_a_small_book_reconciles_with_a_signed_amount_ledger(
    ctx: Any, customer: int, tmp_path: Path
) -> None:
    path = _ledger(tmp_path / "ledger.xlsx")
    view = reconcile_customer(ctx, customer, path, date_to=d("2026-06-30"))
    assert view.their_side == "payable"  # −1000 on their AP is our invoice of 1000
    assert view.date_from == d("2026-05-01") and view.our_closing == m("1200")
    assert view.their_closing == m("1200") and view.counts["matched"] == 3
    assert [i.result for i in view.items] == ["matched"] * 3
