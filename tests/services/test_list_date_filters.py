"""Date filters of every list: a range on the list's date, open ended at either side."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services import lists
from desktop_ar.services.demo import seed_demo
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.services.lists.exceptions import exceptions as exception_list
from desktop_ar.services.lists.orders import orders as order_list
from desktop_ar.services.uow import reader
from tests.conftest import AS_OF

JAN, MAR = date(2026, 1, 1), date(2026, 3, 31)


@pytest.fixture
def seeded(ctx):
    seed_demo(ctx, customers=12, invoices=160, seed=3, as_of=AS_OF)
    return ctx


def sql_count(ctx, table: str, column: str, low: date | None, high: date | None) -> int:
    where = ["1 = 1"]
    if low is not None:
        where.append(f"{column} >= :low")
    if high is not None:
        where.append(f"{column} <= :high")
    sql = f"SELECT count(*) FROM {table} WHERE {' AND '.join(where)}"
    with reader(ctx) as s:
        return int(s.execute(text(sql), {"low": low, "high": high}).scalar_one())


CASES = [
    (lists.invoices, "", "invoices", "issue_date", "issue_date"),
    (lists.invoices, "issue", "invoices", "issue_date", "issue_date"),
    (lists.invoices, "due", "invoices", "due_date", "due_date"),
    (order_list, "", "orders", "order_date", "order_date"),
    (lists.payments, "", "payments", "payment_date", "payment_date"),
    (exception_list, "", "payment_exceptions", "detected_on", "detected_on"),
]


@pytest.mark.parametrize(("source", "field", "table", "column", "sort"), CASES)
@pytest.mark.parametrize(("low", "high"), [(JAN, MAR), (JAN, None), (None, MAR), (None, None)])
def test_each_list_keeps_the_rows_dated_in_the_range(
    seeded, source, field, table, column, sort, low, high
) -> None:
    status = "all"
    spec = ListSpec(status=status, date_from=low, date_to=high, date_field=field)
    expected = sql_count(seeded, table, column, low, high)
    assert source.count(seeded, spec) == expected
    total, first = source.first_page(seeded, spec, SortSpec(sort), 1000)
    assert total == expected and len(first) == expected
    if expected and source is not exception_list:
        days = [getattr(r, column) for r in source.rows(seeded, first, AS_OF)]
        assert all((low is None or d >= low) and (high is None or d <= high) for d in days)


def test_the_range_narrows_the_list(seeded) -> None:
    everything = lists.invoices.count(seeded, ListSpec())
    q1 = lists.invoices.count(seeded, ListSpec(date_from=JAN, date_to=MAR))
    assert 0 < q1 < everything
    # Ends are included: a one-day range holds that day's invoices.
    day = date.fromisoformat(
        str(_scalar(seeded, "SELECT issue_date FROM invoices ORDER BY issue_date DESC LIMIT 1"))
    )
    same_day = _scalar(seeded, "SELECT count(*) FROM invoices WHERE issue_date = :d", d=day)
    assert lists.invoices.count(seeded, ListSpec(date_from=day, date_to=day)) == same_day
    # Reversed ends: nothing, not an error.
    assert lists.invoices.count(seeded, ListSpec(date_from=MAR, date_to=JAN)) == 0


def test_date_and_text_and_status_combine(seeded) -> None:
    spec = ListSpec(status="open", date_from=JAN)
    ids = lists.invoices.ids(seeded, spec, SortSpec("due_date"))
    rows = lists.invoices.rows(seeded, ids, AS_OF)
    assert rows and all(r.issue_date >= JAN and r.open.minor > 0 for r in rows)
    code = rows[0].customer_code
    narrowed = lists.invoices.count(seeded, ListSpec(text=code, status="open", date_from=JAN))
    assert 0 < narrowed <= len(rows)


def test_customers_are_kept_when_invoiced_in_the_range(seeded) -> None:
    expected = _scalar(
        seeded,
        "SELECT count(DISTINCT customer_id) FROM invoices"
        " WHERE issue_date BETWEEN :a AND :b AND status != 'void'",
        a=JAN,
        b=MAR,
    )
    spec = ListSpec(date_from=JAN, date_to=MAR)
    assert lists.customers.count(seeded, spec) == expected
    assert 0 < expected < lists.customers.count(seeded, ListSpec())
    later = ListSpec(date_from=date(2030, 1, 1))
    assert lists.customers.count(seeded, later) == 0


def test_unknown_date_field_is_refused(seeded) -> None:
    with pytest.raises(UserFacingError, match="date"):
        lists.payments.count(seeded, ListSpec(date_from=JAN, date_field="due"))
    # Without a range the choice of date does not matter.
    assert lists.payments.count(seeded, ListSpec(date_field="due")) > 0


def _scalar(ctx, sql: str, **params):
    with reader(ctx) as s:
        return s.execute(text(sql), params).scalar_one()
