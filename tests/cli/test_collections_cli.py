"""``desktop-ar collections --as-of DATE [--collector NAME] [--format table|json]``."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.cli import main as cli_main
from desktop_ar.cli.args import iso_date
from desktop_ar.cli.collections_command import add_collections_command

AS_OF = date(2026, 6, 30)


@contextlib.contextmanager
def _open(args: argparse.Namespace) -> Iterator[Any]:
    from desktop_ar.services.book import open_book

    ctx = open_book(args.db)
    try:
        yield ctx
    finally:
        ctx.engine.dispose()


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str]:
    """Run the command through a parser built like ``desktop-ar``'s (top-level --db/--as-of)."""
    parser = argparse.ArgumentParser(prog="desktop-ar")
    parser.add_argument("--db")
    parser.add_argument("--as-of", type=iso_date)
    sub = parser.add_subparsers()
    add_collections_command(sub, [cli_main._common()], _open)
    args = parser.parse_args([str(a) for a in argv])
    code = args.func(args)
    return code, capsys.readouterr().out


@pytest.fixture
def book(tmp_path: Path) -> Path:
    from desktop_ar.domain.money import Money
    from desktop_ar.services.book import create_book
    from desktop_ar.services.context import FixedClock
    from desktop_ar.services.customers import CustomerInput, create_customer
    from desktop_ar.services.invoicing import InvoiceInput, create_invoice
    from desktop_ar.services.promises import record_promise

    path = tmp_path / "book.db"
    ctx = create_book(path, clock=FixedClock(AS_OF))
    try:
        a, _ = create_customer(
            ctx, CustomerInput(name="张三有限公司", code="C001", collector="wang")
        )
        b, _ = create_customer(ctx, CustomerInput(name="Beta Ltd", code="C002", collector="li"))
        cny = Money.of("1000", "CNY")
        create_invoice(ctx, InvoiceInput(a, date(2026, 3, 1), cny, number="INV-1"))
        create_invoice(ctx, InvoiceInput(b, date(2026, 6, 1), cny, number="INV-2"))
        record_promise(ctx, b, Money.of("300", "CNY"), date(2026, 6, 10), made_on=date(2026, 6, 1))
    finally:
        ctx.engine.dispose()
    return path


def test_json_refreshes_promises_and_lists_the_items(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(
        capsys, "--db", book, "collections", "--as-of", "2026-06-30", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2026-06-30" and data["collector"] is None
    items = data["items"]
    assert [(i["kind"], i["customer_code"]) for i in items] == [
        ("promise_broken", "C002"),
        ("overdue", "C001"),
        ("due_soon", "C002"),
    ]
    assert set(items[0]) == {
        "kind",
        "customer_code",
        "customer_name",
        "collector",
        "date",
        "amount",
        "currency",
        "reference",
        "detail",
        "level",
    }
    overdue = items[1]
    assert overdue["amount"] == "1000.00" and overdue["currency"] == "CNY"
    assert overdue["date"] == "2026-03-31" and overdue["level"] == 5
    assert overdue["customer_name"] == "张三有限公司" and overdue["collector"] == "wang"
    assert items[0]["amount"] == "300.00" and items[0]["level"] is None
    assert items[2]["reference"] == "INV-2" and items[2]["date"] == "2026-07-01"


def test_collector_filter_and_as_of_after_the_command(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(
        capsys, "collections", "--db", book, "--as-of", "2026-06-30", "--collector", "wang",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["collector"] == "wang"
    assert [i["customer_code"] for i in data["items"]] == ["C001"]


def test_table(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--db", book, "--as-of", "2026-06-30", "collections")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Collections worklist as of 2026-06-30: 3 item(s)"
    assert lines[1].split()[:3] == ["Kind", "Date", "Customer"]
    assert lines[2].startswith("broken promise") and "C002 Beta Ltd" in lines[2]
    assert "overdue" in lines[3] and "1000.00 CNY" in lines[3] and "张三有限公司" in lines[3]
    assert "due in 1 day(s)" in lines[4]


def test_empty_worklist(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys, "--db", book, "collections", "--as-of", "2026-06-30", "--collector", "x"
    )
    assert code == 0
    assert out.strip() == "Collections worklist as of 2026-06-30, collector x: 0 item(s)"
