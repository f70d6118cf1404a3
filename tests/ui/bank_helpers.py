"""Helpers of the bank reconciliation UI tests: a demo book with a statement paying its invoices.

The services live in ``desktop_ar.services.bank_statements``; a test that needs a function the
module does not have (yet) is skipped with the function's name, never failed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import text

from desktop_ar.services.progress import NullProgress
from desktop_ar.services.uow import reader
from desktop_ar.ui.pages.bank_demo import DemoStatement, demo_bank_csv
from desktop_ar.ui.tasks import wait_for_idle

AS_OF = date(2026, 6, 30)


def service(*names: str) -> ModuleType:
    """``services.bank_statements``, or a skip naming what is missing (module or functions)."""
    try:
        module = importlib.import_module("desktop_ar.services.bank_statements")
    except ImportError as exc:
        pytest.skip(f"desktop_ar.services.bank_statements cannot be imported yet: {exc}")
    missing = [n for n in names if not hasattr(module, n)]
    if missing:
        pytest.skip(f"bank_statements has no {', '.join(missing)} yet")
    return module


@dataclass
class BankBook:
    ctx: Any
    demo: DemoStatement
    statement_id: int


def make_bank_book(ctx: Any, folder: Path) -> BankBook:
    """The demo book (40 customers, 400 invoices) with the demo statement imported."""
    bank = service("import_bank_file")
    from desktop_ar.services.demo import seed_demo

    seed_demo(ctx, customers=40, invoices=400, seed=3, as_of=AS_OF, progress=NullProgress())
    demo = demo_bank_csv(ctx, folder, as_of=AS_OF)
    (summary,) = bank.import_bank_file(ctx, demo.path)
    return BankBook(ctx, demo, summary.id)


def rows(ctx: Any, sql: str, **params: Any) -> list[Any]:
    with reader(ctx) as s:
        return list(s.execute(text(sql), params))


def line_ids(ctx: Any, statement_id: int) -> dict[str, int]:
    """Line ids by what the demo line is: exact0.., pair, unknown, fee, interest."""
    out: dict[str, int] = {}
    exact = 0
    for line_id, amount, memo in rows(
        ctx,
        "SELECT id, amount_minor, memo FROM bank_lines WHERE statement_id = :s ORDER BY seq",
        s=statement_id,
    ):
        if amount < 0:
            out["fee"] = line_id
        elif "利息" in memo:
            out["interest"] = line_id
        elif memo == "转账":
            out["unknown"] = line_id
        elif memo.startswith("支付货款"):
            out["pair"] = line_id
        else:
            out[f"exact{exact}"] = line_id
            exact += 1
    return out


def line_status(ctx: Any, line_id: int) -> tuple[str, str]:
    ((status, explanation),) = rows(
        ctx, "SELECT status, explanation FROM bank_lines WHERE id = :i", i=line_id
    )
    return status, explanation


def invoice_open(ctx: Any, invoice_id: int) -> int:
    ((value,),) = rows(ctx, "SELECT open_minor FROM invoices WHERE id = :i", i=invoice_id)
    return int(value)


def settle(qtbot: Any) -> None:
    """Let queued queries, reloads and suggestions finish."""
    for _ in range(3):
        wait_for_idle()
        qtbot.wait(20)
    wait_for_idle()


def open_bank_page(qtbot: Any, ctx: Any) -> Any:
    from desktop_ar.ui.pages.bank import BankPage

    page = BankPage(ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1400, 820)
    page.show()
    qtbot.waitExposed(page)
    settle(qtbot)
    return page


def select_line(qtbot: Any, view: Any, line_id: int) -> None:
    """Select a line (switching the filter to All when needed) and wait for its candidates."""
    if view.lines.row_of(line_id) is None:
        view.filters.buttons["all"].click()
    assert view.select_line(line_id)
    qtbot.waitUntil(lambda: not view.panel.loading, timeout=5000)
    settle(qtbot)


def wait_done(qtbot: Any, view: Any, before: int) -> None:
    """Wait until an action finished and the screen was reloaded."""
    qtbot.waitUntil(lambda: view.done_count > before and not view.busy(), timeout=8000)
    settle(qtbot)
