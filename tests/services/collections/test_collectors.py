"""Collector performance per month: collections, overdue reduction, promises, contacts.

The book, period April–June 2026 (base CNY):
* 王芳's customer X: 1,000.00 invoiced 2026-02-01 (overdue since March), 500.00 invoiced
  2026-04-10 (due 2026-05-10); receipts 600.00 on 2026-04-15 and 400.00 on 2026-05-20 (oldest
  first), a receipt of 100.00 on 2026-06-02 reversed the same month (it collected nothing);
  promises and contacts below.
* unassigned customer Y: 300.00 invoiced 2026-05-01, due 2026-05-31 (overdue from June).
* 李雷's customer Z: 100.00 USD at 7 invoiced 2026-03-01 (due 2026-03-31), paid 2026-06-10.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services.activity import LogInput, log_contact
from desktop_ar.services.analysis_collectors import (
    CollectorMonth,
    collector_performance,
    month_windows,
)
from desktop_ar.services.invoicing import InvoiceInput, create_invoice
from desktop_ar.services.payments import reverse_payment
from desktop_ar.services.uow import uow
from tests.services.helpers import d, m, make_customer, make_invoice, pay

FROM, TO = d("2026-04-01"), d("2026-06-30")


def _promise(ctx, customer: int, made: str, promised: str, status: str) -> None:
    with uow(ctx) as s:
        s.execute(
            text(
                "INSERT INTO promises_to_pay (customer_id, made_on, promised_date, currency,"
                " amount_minor, paid_minor, status, note, created_by, created_at, version_id)"
                " VALUES (:c, :made, :promised, 'CNY', 10000, 0, :status, '', '', :at, 1)"
            ),
            {
                "c": customer,
                "made": made,
                "promised": promised,
                "status": status,
                "at": datetime(2026, 6, 30, tzinfo=UTC).isoformat(),
            },
        )


@pytest.fixture
def book(ctx) -> None:
    x = make_customer(ctx, "甲公司", code="X", collector="王芳")
    y = make_customer(ctx, "乙公司", code="Y")
    z = make_customer(ctx, "丙公司", code="Z", collector="李雷", currency="USD")
    make_invoice(ctx, x, "2026-02-01", "1000.00")
    make_invoice(ctx, x, "2026-04-10", "500.00")
    pay(ctx, x, "2026-04-15", "600.00")
    pay(ctx, x, "2026-05-20", "400.00")
    undone = pay(ctx, x, "2026-06-02", "100.00")
    reverse_payment(ctx, undone.payment_id, d("2026-06-03"), "bounced")
    make_invoice(ctx, y, "2026-05-01", "300.00")
    create_invoice(
        ctx,
        InvoiceInput(
            customer_id=z,
            issue_date=d("2026-03-01"),
            net=m("100.00", "USD"),
            exchange_rate=Decimal(7),
        ),
    )
    pay(ctx, z, "2026-06-10", "100.00", currency="USD")
    _promise(ctx, x, "2026-03-20", "2026-04-02", "kept")  # made before the period
    _promise(ctx, x, "2026-04-05", "2026-04-15", "kept")
    _promise(ctx, x, "2026-05-01", "2026-05-10", "broken")
    _promise(ctx, x, "2026-05-02", "2026-06-05", "partly_kept")
    _promise(ctx, x, "2026-05-03", "2026-05-30", "cancelled")
    for kind, on in (("call", "04-03"), ("email", "04-20"), ("complaint", "04-21")):
        log_contact(ctx, x, LogInput(kind=kind, summary="s", log_date=d(f"2026-{on}")))
    log_contact(ctx, x, LogInput(kind="visit", summary="s", log_date=d("2026-06-01")))


def _table(rows: list[CollectorMonth]) -> dict[tuple[str, str], tuple[object, ...]]:
    return {
        (r.collector, r.month): (
            r.collected.amount_str(),
            r.overdue_start.amount_str(),
            r.overdue_end.amount_str(),
            r.overdue_reduced.amount_str(),
            (r.promises_made, r.promises_kept, r.promises_partly_kept, r.promises_broken),
            r.contacts,
        )
        for r in rows
    }


def test_per_collector_per_month(ctx, book) -> None:
    rows = collector_performance(ctx, FROM, TO)
    assert [(r.collector, r.month) for r in rows][:3] == [
        ("", "2026-04"),
        ("", "2026-05"),
        ("", "2026-06"),
    ]
    none = (0, 0, 0, 0)
    assert _table(rows) == {
        ("王芳", "2026-04"): ("600.00", "1000.00", "400.00", "600.00", (1, 2, 0, 0), 2),
        ("王芳", "2026-05"): ("400.00", "400.00", "500.00", "-100.00", (2, 0, 0, 1), 0),
        ("王芳", "2026-06"): ("0.00", "500.00", "500.00", "0.00", (0, 0, 1, 0), 1),
        ("", "2026-04"): ("0.00", "0.00", "0.00", "0.00", none, 0),
        ("", "2026-05"): ("0.00", "0.00", "0.00", "0.00", none, 0),
        ("", "2026-06"): ("0.00", "0.00", "300.00", "-300.00", none, 0),
        ("李雷", "2026-04"): ("0.00", "0.00", "700.00", "-700.00", none, 0),
        ("李雷", "2026-05"): ("0.00", "700.00", "700.00", "0.00", none, 0),
        ("李雷", "2026-06"): ("700.00", "700.00", "0.00", "700.00", none, 0),
    }
    assert rows[0].start == FROM and rows[-1].end == TO


def test_part_months_and_history(ctx, book) -> None:
    # Mid-month bounds cut the first and last windows; overdue comes from dated allocations.
    rows = collector_performance(ctx, d("2026-04-16"), d("2026-05-19"))
    table = _table(rows)
    assert table[("王芳", "2026-04")][:4] == ("0.00", "400.00", "400.00", "0.00")
    assert table[("王芳", "2026-05")][:4] == ("0.00", "400.00", "900.00", "-500.00")
    x = [r for r in rows if r.collector == "王芳"]
    assert (x[0].start, x[0].end, x[1].start, x[1].end) == (
        d("2026-04-16"), d("2026-04-30"), d("2026-05-01"), d("2026-05-19"))  # fmt: skip


def test_windows_and_errors(ctx) -> None:
    assert month_windows(d("2026-01-31"), d("2026-03-01")) == [
        ("2026-01", d("2026-01-31"), d("2026-01-31")),
        ("2026-02", d("2026-02-01"), d("2026-02-28")),
        ("2026-03", d("2026-03-01"), d("2026-03-01")),
    ]
    assert collector_performance(ctx, FROM, TO) == []
    with pytest.raises(UserFacingError):
        collector_performance(ctx, TO, FROM)
