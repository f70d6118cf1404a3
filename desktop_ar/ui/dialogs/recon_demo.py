"""Customer reconciliation on a realistic file, for screenshots (``desktop-ar screenshots``).

``demo_ledger`` picks the customer with the most documents this year and writes the ledger that
customer would send (an accounts-payable 明细账 as CSV: title row, 日期 / 凭证号 / 摘要 / 借方 /
贷方 / 余额, an opening row) from our statement — with three differences: an invoice they have
not booked, one booked 5 % lower, and a payment made three days before the end that has not
reached us. ``reconciliation_screens`` shows the latest saved reconciliation of the book when
there is one, the wizard's last page over the demo file, and the balance confirmation dialog;
nothing is written to the book.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop_ar.services.context import ServiceContext

_DEBIT = {"payment", "credit_note", "write_off"}  # on their payables: what lowers their debt
_TEXTS = {"invoice": "采购货款", "payment": "银行付款", "credit_note": "折让"}  # their 摘要
_CANDIDATES = 12  # customers looked at for the demo (the first by code)


@dataclass(frozen=True, slots=True)
class DemoLedger:
    customer_id: int
    label: str
    currency: str
    date_from: date
    date_to: date
    path: Path


def _busiest(ctx: ServiceContext, start: date, end: date) -> tuple[int, str] | None:
    from desktop_ar.services.pickers import customer_choices
    from desktop_ar.services.statements import statement_of_account

    best: tuple[int, int, str] | None = None
    for choice in customer_choices(ctx, limit=_CANDIDATES):
        section = statement_of_account(ctx, choice.id, start, end).sections[0]
        kinds = {x.kind for x in section.lines}
        size = len(section.lines) if {"invoice", "payment"} <= kinds else 0
        if size and (best is None or size > best[0]):
            best = (size, choice.id, f"{choice.code}  {choice.name}")
    return None if best is None else (best[1], best[2])


def demo_ledger(ctx: ServiceContext, folder: Path, *, as_of: date) -> DemoLedger | None:
    """Write the busiest customer's own ledger for this year into ``folder`` (None: no such)."""
    from desktop_ar.services.statements import statement_of_account

    start = date(as_of.year, 1, 1)
    found = _busiest(ctx, start, as_of)
    if found is None:
        return None
    cid, label = found
    section = statement_of_account(ctx, cid, start, as_of).sections[0]
    invoices = [x for x in section.lines if x.kind == "invoice" and (as_of - x.on).days > 10]
    missing = invoices[-1].number if invoices else ""
    lower = invoices[0].number if len(invoices) > 1 else ""
    rows: list[tuple[date, str, str, Decimal, Decimal]] = []
    for x in section.lines:
        amount = (x.debit - x.credit).to_decimal()
        if x.number == missing and x.kind == "invoice":
            continue
        if x.number == lower and x.kind == "invoice":
            amount = (amount * Decimal("0.95")).quantize(Decimal("0.01"))
        text = {"invoice": "采购货款", "payment": "银行付款", "credit_note": "折让"}.get(
            x.kind, "调整"
        )
        if x.kind in _DEBIT:
            rows.append((x.on, x.number, text, -amount, Decimal(0)))
        else:
            rows.append((x.on, x.number, text, Decimal(0), amount))
    transit = max(Decimal(100), (section.closing.to_decimal() / 5).quantize(Decimal(100)))
    rows.append((as_of - timedelta(days=3), "付-在途", "银行付款（在途）", transit, Decimal(0)))
    rows.sort(key=lambda r: r[0])
    path = folder / f"{label.split()[0]}-应付账款明细账-{as_of.year}.csv"
    balance = section.opening.to_decimal()
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([f"应付账款明细账 {as_of.year}年 — {label.split(maxsplit=1)[-1]}"])
        out.writerow(["日期", "凭证号", "摘要", "借方", "贷方", "余额"])
        out.writerow([start.isoformat(), "", "期初余额", "", "", f"{balance:.2f}"])
        for on, number, text, debit, credit in rows:
            balance += credit - debit
            cells = [f"{v:,.2f}" if v else "" for v in (debit, credit)]
            out.writerow([on.isoformat(), number, text, *cells, f"{balance:,.2f}"])
    return DemoLedger(cid, label, section.currency, start, as_of, path)


def reconciliation_screens(
    parent: QWidget, ctx: ServiceContext, settle: Callable[[QWidget], None], *, as_of: date
) -> Iterator[tuple[str, QWidget]]:
    """The latest reconciliation (if any), the wizard's period page, the confirmation dialog."""
    from desktop_ar.services.customer_reconciliation import list_reconciliations
    from desktop_ar.ui.dialogs.balance_confirmation_dialog import BalanceConfirmationDialog
    from desktop_ar.ui.dialogs.reconciliation_view import ReconciliationDialog
    from desktop_ar.ui.wizards.ledger_wizard import LedgerWizard

    saved = list_reconciliations(ctx)
    if saved:
        view = ReconciliationDialog(ctx=ctx, recon_id=saved[0].id, parent=parent)
        view.resize(1360, 760)
        view.show()
        settle(view)
        yield "customer_reconciliation", view
    with tempfile.TemporaryDirectory(prefix="desktop-ar-ledger-") as folder:
        demo = demo_ledger(ctx, Path(folder), as_of=as_of)
        if demo is None:
            return
        wizard = LedgerWizard(
            ctx=ctx, customer_id=demo.customer_id, customer_label=demo.label, as_of=as_of,
            path=demo.path, parent=parent,
        )  # fmt: skip
        wizard.show()
        settle(wizard)
        for _ in range(3):
            wizard.next()
            settle(wizard)
        yield "reconcile_wizard", wizard
        dialog = BalanceConfirmationDialog(
            ctx=ctx, customer_id=demo.customer_id, customer_label=demo.label, as_of=as_of,
            currency=demo.currency, parent=parent,
        )  # fmt: skip
        dialog.show()
        settle(dialog)
        yield "balance_confirmation", dialog
