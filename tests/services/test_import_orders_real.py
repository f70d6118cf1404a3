"""Importing orders from the real UCI Online Retail sample: lines scattered over the sheet."""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop_ar.db.models import Customer, Order
from desktop_ar.db.models.orders import OrderLine
from desktop_ar.io.excel.reader import open_workbook
from desktop_ar.services.customers import CustomerInput, create_customer
from desktop_ar.services.imports import commit_import, plan_import
from desktop_ar.services.uow import reader

FILE = "invoices_ar/online_retail_uci_40k_sample.xlsx"


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _clean(row: list[Any]) -> bool:
    number, _, item, qty, _, price, customer, _ = row[:8]
    exact = Decimal(repr(price)) if isinstance(price, float) else None
    return (
        bool(customer)
        and bool(item and str(item).strip())
        and isinstance(qty, float)
        and qty > 0
        and exact is not None
        and exact >= 0
        and -exact.normalize().as_tuple().exponent <= 2  # type: ignore[operator]
        and not _text(number).startswith("C")
    )


def test_scattered_lines_grouped_per_invoice_number(ctx: Any, shared_data: Path) -> None:
    path = shared_data / FILE
    with open_workbook(path) as book:
        rows = list(book.rows(0))[1:]
    by_customer: dict[str, list[list[Any]]] = defaultdict(list)
    for row in rows:
        if row[6]:
            by_customer[_text(row[6])].append(row)
    wanted = sorted(
        (c for c, rs in by_customer.items() if all(_clean(r) for r in rs)),
        key=lambda c: -len({_text(r[0]) for r in by_customer[c]}),
    )[:3]
    expected: dict[str, tuple[int, int]] = {}  # number → (lines, net in pence)
    for code in wanted:
        create_customer(ctx, CustomerInput(name=f"Online retail {code}", code=code, currency="GBP"))
        for row in by_customer[code]:
            lines, net = expected.get(_text(row[0]), (0, 0))
            pence = (Decimal(repr(row[3])) * Decimal(repr(row[5])) * 100).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            expected[_text(row[0])] = (lines + 1, net + int(pence))
    scattered = [n for n, (lines, _) in expected.items() if lines > 1]
    assert scattered, "the sample should have orders with several lines"

    started = time.perf_counter()
    plan = plan_import(ctx, path, "orders")
    planned = time.perf_counter() - started
    assert plan.mapping.columns.keys() >= {"order_number", "customer", "item", "unit_price"}
    assert len(plan.to_create) == sum(lines for lines, _ in expected.values())
    # Credit notes (negative quantities) and rows of unknown customers are rejected.
    assert any("must be more than zero" in e.message for e in plan.errors)
    rows_of = {r.row_number for r in plan.to_create}
    assert max(rows_of) - min(rows_of) > len(rows_of)  # the lines are far apart in the sheet
    result = commit_import(ctx, plan, skip_invalid=True)
    assert result.created == len(plan.to_create)
    with reader(ctx) as s:
        orders = {
            number: (net, cid)
            for number, net, cid in s.execute(
                select(Order.number, Order.net_minor, Order.customer_id)
            )
        }
        counts = dict(
            s.execute(
                select(Order.number, OrderLine.line_no)
                .join(Order, Order.id == OrderLine.order_id)
                .order_by(OrderLine.line_no)
            ).all()
        )
        currencies = set(s.scalars(select(Order.currency)))
        codes = set(s.scalars(select(Customer.code)))
    assert {n: (counts[n], net) for n, (net, _) in orders.items()} == expected
    assert currencies == {"GBP"} and set(wanted) <= codes
    assert planned < 30
