"""A realistic bank export built from the open book, for screenshots and the UI tests.

``demo_bank_csv`` writes the kind of CSV a Chinese bank's online banking exports (a title and an
account line above 交易日期 / 收入金额 / 支出金额 / 余额 / 对方户名 / 摘要 headers, a totals row)
whose lines pay real open invoices of the book: two paid exactly with the number in the memo,
one paying two invoices of one customer at once, one by a payer nobody knows, a bank fee and
interest. Nothing is written to the book. ``bank_screens`` shows the reconciliation screen of the
newest statement for ``desktop-ar screenshots``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from desktop_ar.domain.money import Money
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.services.lists import invoices as invoice_list

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from PySide6.QtWidgets import QWidget

    from desktop_ar.services.context import ServiceContext

HEADERS = ["交易日期", "收入金额", "支出金额", "余额", "币种", "对方户名", "对方账号", "摘要"]
ACCOUNT = "31050161373600001234"


@dataclass
class DemoStatement:
    """The written file and which invoices its lines pay (the tests check the matches)."""

    path: Path
    opening: Money
    exact: list[Any] = field(default_factory=list)  # invoice rows paid one line each
    pair: list[Any] = field(default_factory=list)  # two invoices of one customer, one line
    unknown: Money | None = None
    fee: Money | None = None
    interest: Money | None = None


def _open_invoices(ctx: ServiceContext, currency: str, as_of: date) -> list[Any]:
    spec = ListSpec(status="open", as_of=as_of)
    _count, ids = invoice_list.first_page(ctx, spec, SortSpec("due_date", descending=True), 2000)
    rows = invoice_list.rows(ctx, list(ids), as_of)
    return [r for r in rows if r.open.currency == currency and r.open.minor >= 10_000]


def _pick(rows: list[Any], exact: int) -> tuple[list[Any], list[Any]]:
    """``exact`` invoices of different customers, and two of one further customer."""
    by_customer: dict[int, list[Any]] = {}
    for r in rows:
        by_customer.setdefault(r.customer_id, []).append(r)
    pair: list[Any] = next((v[:2] for v in by_customer.values() if len(v) >= 2), [])
    taken = {r.customer_id for r in pair}
    singles: list[Any] = []
    for r in rows:
        if r.customer_id not in taken and len(singles) < exact:
            singles.append(r)
            taken.add(r.customer_id)
    return singles, pair


def demo_bank_csv(
    ctx: ServiceContext,
    folder: Path,
    *,
    as_of: date,
    currency: str = "CNY",
    exact: int = 3,
    name: str = "招商银行-交易明细-2026-06.csv",
) -> DemoStatement:
    """Write a bank CSV export paying open invoices of the book; see the module docstring."""
    singles, pair = _pick(_open_invoices(ctx, currency, as_of), exact)
    opening = Money(1_250_000_00, currency)
    out = DemoStatement(folder / name, opening, exact=singles, pair=pair)
    day = as_of - timedelta(days=20)
    lines: list[tuple[date, Money, str, str, str]] = []
    for i, inv in enumerate(singles):
        memo = f"货款 {inv.number}" if i % 2 == 0 else f"付{inv.number}发票款"
        lines.append((day + timedelta(days=2 * i), inv.open, inv.customer_name, "", memo))
    if pair:
        total = Money.sum((r.open for r in pair), currency)
        memo = "支付货款 " + " ".join(r.number for r in pair)
        lines.append((day + timedelta(days=7), total, pair[0].customer_name, "", memo))
    out.unknown = Money(8_888_00, currency)
    lines.append((day + timedelta(days=9), out.unknown, "张伟", "6222020200112233", "转账"))
    out.fee = Money(-35_00, currency)
    lines.append((day + timedelta(days=10), out.fee, "", "", "汇款手续费"))
    out.interest = Money(12_34, currency)
    lines.append((as_of, out.interest, "", "", "结息 利息"))
    lines.sort(key=lambda x: x[0])
    balance = opening
    with out.path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["招商银行 账户交易明细"])
        writer.writerow([f"账号：{ACCOUNT}", "户名：演示贸易有限公司", f"币种：{currency}"])
        writer.writerow(HEADERS)
        for booked, amount, who, account, memo in lines:
            balance = balance + amount
            credit = amount.amount_str() if amount.minor > 0 else ""
            debit = (-amount).amount_str() if amount.minor < 0 else ""
            writer.writerow(
                [booked.isoformat(), credit, debit, balance.amount_str(), currency, who, account,
                 memo]
            )  # fmt: skip
        writer.writerow(["合计", "", "", "", "", "", "", f"共 {len(lines)} 笔"])
    return out


def bank_screens(
    parent: QWidget, ctx: ServiceContext, settle: Callable[[QWidget], None]
) -> Iterator[tuple[str, QWidget]]:
    """A second main window on the Bank page, reconciling the newest statement.

    It opens on a line that pays several invoices at once when there is one (the richest
    picture). Yields nothing when the book has no statement: nothing is imported or written.
    """
    from desktop_ar.services.bank_statements import list_statements
    from desktop_ar.ui.main_window import MainWindow

    statements = list_statements(ctx)
    if not statements:
        return
    as_of = getattr(parent, "as_of", ctx.clock.today)()
    window = MainWindow(ctx, as_of=as_of)
    window.resize(parent.size())
    window.show()
    window.show_page("bank")
    page = window.page("bank")
    settle(window)
    page.open_statement(statements[0].id)  # type: ignore[attr-defined]
    settle(window)
    view = page.reconcile  # type: ignore[attr-defined]
    lines = [view.lines.row(r) for r in range(view.lines.rowCount())]
    pick = next((i for i, ln in enumerate(lines) if len(ln.memo.split("INV-")) > 2), 0)
    if lines:
        view.select_row(pick)
        view.suggest_now()
        settle(window)
    yield "bank_reconciliation", window
