"""Customer reconciliation (与客户对账): our statement of account against the customer's ledger.

``reconcile_customer`` reads the customer's own ledger (their Excel, the usual wizard steps —
see ``customer_ledger_reading``), takes our side from the statement of account of the same
period and currency (the opening balance as a line, then every document with its amount as the
customer owes us), compares the two line by line (``domain.ledger_compare``) and saves the
result: one item per pair or single line, each with its difference. The closing difference is
explained line by line: ``our closing − their closing = Σ item differences``; whatever is left
(``unexplained``) means their balance column does not agree with their own lines.

Their side: the customer's ledger is usually their accounts *payable*, where our invoice is a
credit and their payment a debit. With ``their_side="auto"`` both readings are compared with
our lines and the one that matches more lines wins (a tie goes to "payable"); ``"payable"`` or
``"receivable"`` forces it. The choice is in the view's ``their_side`` and notes.

A matched item needs nothing; every other item is resolved with a note or turned into an action
(``customer_reconciliation_actions``). A reconciliation closes only when every item is resolved
and the difference is fully explained; a closed one is read-only. Balance confirmations live in
``balance_confirmations``. All writes need the ``reconcile`` permission and are audited.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from desktop_ar.db.models import Customer
from desktop_ar.db.models.reconciliation import CustomerReconciliation, ReconciliationItem
from desktop_ar.domain.currency import is_known
from desktop_ar.domain.errors import CellError, UserFacingError
from desktop_ar.domain.ledger_compare import ComparedItem
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.ledger_columns import SIDES, LedgerMapping, orient
from desktop_ar.services import audit
from desktop_ar.services.balance_confirmations import (
    BalanceConfirmationView,
    list_balance_confirmations,
    record_balance_confirmation,
)
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.customer_ledger_compare import (
    choose_side,
    in_date_order,
    ledger_period,
    our_ledger_lines,
    stated_closing,
)
from desktop_ar.services.customer_ledger_reading import (
    PREVIEW_ROWS,
    LedgerLine,
    LedgerPreview,
    LedgerTemplate,
    delete_ledger_template,
    list_ledger_templates,
    load_ledger_template,
    read_ledger_file,
    save_ledger_template,
)
from desktop_ar.services.customer_reconciliation_actions import (
    item_to_credit_note,
    item_to_dispute,
    item_to_payment,
    resolve_item,
)
from desktop_ar.services.customer_reconciliation_views import (
    CREATED,
    ReconciliationView,
    ReconItemView,
    reconciliation_view,
)
from desktop_ar.services.ledger import get_row, invalid
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "BalanceConfirmationView",
    "LedgerLine",
    "LedgerMapping",
    "LedgerPreview",
    "LedgerTemplate",
    "ReconItemView",
    "ReconciliationView",
    "close_reconciliation",
    "delete_ledger_template",
    "get_reconciliation",
    "item_to_credit_note",
    "item_to_dispute",
    "item_to_payment",
    "list_balance_confirmations",
    "list_ledger_templates",
    "list_reconciliations",
    "load_ledger_template",
    "our_ledger_lines",
    "preview_customer_ledger",
    "reconcile_customer",
    "record_balance_confirmation",
    "resolve_item",
    "save_ledger_template",
]

_THEIR_SIDES = ("auto", *SIDES)
_NOTES_KEPT = 40


def _customer(ctx: ServiceContext, customer_id: int) -> Customer:
    with reader(ctx) as s:
        return get_row(s, Customer, customer_id, "Customer")


def _check_options(their_side: str, currency: str | None) -> None:
    if their_side not in _THEIR_SIDES:
        raise invalid("their side", f"use one of {', '.join(_THEIR_SIDES)}")
    if currency is not None and not is_known(currency):
        raise invalid("currency", f"unknown currency {currency!r}; use an ISO code such as CNY")


def _side(their_side: str, mapping: LedgerMapping | None) -> str:
    if their_side == "auto" and mapping is not None and mapping.their_side in SIDES:
        return mapping.their_side
    return their_side


def preview_customer_ledger(
    ctx: ServiceContext,
    path: str | Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: LedgerMapping | None = None,
    template: str | None = None,
    customer_id: int | None = None,
    date_to: date | None = None,
    date_from: date | None = None,
    currency: str | None = None,
    their_side: str = "auto",
) -> LedgerPreview:
    """Read the customer's ledger as the wizard shows it; nothing is written.

    Args:
        ctx: the service context.
        path: the file.
        sheet: the sheet (default: the first visible one).
        header_row: the 1-based header row (default: found).
        mapping: the columns (default: template, matching template or guess).
        template: a saved ``customer_ledger`` template.
        customer_id: the customer; with it, ``their_side="auto"`` compares both readings with
            our lines. Without it, an automatic side is "payable" (the usual).
        date_to: the period's end (default today), for the automatic side and the closing.
        date_from: the period's start (default: the 1st of the month of their first line).
        currency: the ledger's currency (default: the customer's, else the book's).
        their_side: ``auto``, ``payable`` or ``receivable``.

    Returns:
        The preview; it unpacks as ``(headers, mapping, lines, problems, notes)``.
    """
    _check_options(their_side, currency)
    end = date_to or ctx.clock.today()
    ccy = currency or _default_currency(ctx, customer_id)
    found = read_ledger_file(
        ctx, path, currency=ccy, sheet=sheet, header_row=header_row, mapping=mapping,
        template=template,
    )  # fmt: skip
    notes = [*found.notes, *found.read.notes]
    rows = in_date_order(found.read.rows)
    side = _side(their_side, found.mapping)
    if customer_id is not None and rows:
        period = ledger_period(rows, date_from, end)
        ours = our_ledger_lines(ctx, customer_id, ccy, *period)
        oriented, _, _, note = choose_side(ours, rows, side, ccy, period)
        notes.append(note)
    else:
        oriented = orient(rows, side if side in SIDES else SIDES[0], ccy)
        notes.append(f"their side: {oriented.side}" + (", as chosen" if side in SIDES else ""))
    notes.extend(oriented.notes)
    stated = stated_closing(oriented, rows, end)
    total = Money.sum((x.amount for x in oriented.lines if x.on <= end), ccy)
    lines = [
        LedgerLine(x.row, x.on, x.number, x.description, x.amount, x.opening)
        for x in oriented.lines
    ]
    return LedgerPreview(
        headers=found.headers,
        mapping=found.mapping,
        lines=lines,
        problems=list(found.read.errors),
        notes=notes,
        sheet=found.sheet,
        sheets=found.sheets,
        header_row=found.header_row,
        rows=found.rows[:PREVIEW_ROWS],
        their_side=oriented.side,
        their_closing=stated if stated is not None else total,
        template=found.template,
    )


def _default_currency(ctx: ServiceContext, customer_id: int | None) -> str:
    if customer_id is not None:
        return _customer(ctx, customer_id).currency
    from desktop_ar.services.settings import get_settings

    return get_settings(ctx).base_currency


def _refuse_problems(name: str, problems: list[CellError]) -> None:
    if problems:
        count = len(problems)
        reason = (
            f"{count} cell{'s' if count != 1 else ''} cannot be read, the first: "
            f"{problems[0].message}; fix the file or the columns and try again"
        )
        raise UserFacingError("invalid", field=name, reason=reason)


def _item(recon_id: int, item: ComparedItem) -> ReconciliationItem:
    our, their = item.ours, item.theirs
    return ReconciliationItem(
        reconciliation_id=recon_id,
        result=item.result,
        our_date=our.on if our else None,
        our_type=our.kind if our else "",
        our_number=(our.number if our else "")[:60],
        our_amount_minor=our.amount.minor if our else None,
        their_row=(their.row or None) if their else None,
        their_date=their.on if their else None,
        their_number=(their.number if their else "")[:60],
        their_description=their.description if their else "",
        their_amount_minor=their.amount.minor if their else None,
        difference_minor=item.difference.minor,
        resolved=item.result == "matched",
        action="",
        action_ref="",
        note="",
    )


def reconcile_customer(
    ctx: ServiceContext,
    customer_id: int,
    path: str | Path,
    *,
    date_to: date,
    date_from: date | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: LedgerMapping | None = None,
    template: str | None = None,
    currency: str | None = None,
    their_side: str = "auto",
) -> ReconciliationView:
    """Compare the customer's ledger with ours for a period and save the reconciliation.

    Args:
        ctx: the service context.
        customer_id: the customer.
        path: their ledger file.
        date_to: the last day compared (their later lines count only when they pair).
        date_from: the first day (default: the first day of the month of their first line);
            earlier lines of theirs and their opening row fold into their opening balance.
        sheet: the sheet of their file.
        header_row: its 1-based header row.
        mapping: its columns.
        template: a saved ``customer_ledger`` template.
        currency: the currency reconciled (default: the customer's).
        their_side: ``auto`` (the reading that matches better), ``payable`` or ``receivable``.

    Returns:
        The saved reconciliation with its items.

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: a file that cannot be read, cells that cannot be read (nothing is
            saved then), a bad period or side.
    """
    require(ctx, "reconcile")
    _check_options(their_side, currency)
    customer = _customer(ctx, customer_id)
    ccy = currency or customer.currency
    found = read_ledger_file(
        ctx, path, currency=ccy, sheet=sheet, header_row=header_row, mapping=mapping,
        template=template,
    )  # fmt: skip
    _refuse_problems(found.path.name, found.read.errors)
    rows = in_date_order(found.read.rows)
    if not rows:
        raise invalid(found.path.name, "no ledger lines were found in the sheet")
    period = ledger_period(rows, date_from, date_to)
    side = _side(their_side, found.mapping)
    ours = our_ledger_lines(ctx, customer_id, ccy, *period)
    oriented, _theirs, result, side_note = choose_side(ours, rows, side, ccy, period)
    stated = stated_closing(oriented, rows, date_to)
    notes = [*found.notes, *found.read.notes, side_note, *oriented.notes]
    if result.left_out:
        notes.append(f"{len(result.left_out)} of their lines after {date_to.isoformat()} left out")
    their_closing = stated if stated is not None else result.their_closing
    with uow(ctx) as s:
        get_row(s, Customer, customer_id, "Customer")
        recon = CustomerReconciliation(
            customer_id=customer_id,
            currency=ccy,
            date_from=period[0],
            date_to=date_to,
            file_name=found.path.name[:260],
            file_hash=found.file_hash,
            our_closing_minor=result.our_closing.minor,
            their_closing_minor=their_closing.minor,
            status="open",
            created_at=ctx.clock.now(),
            created_by=ctx.user,
        )
        s.add(recon)
        s.flush()
        s.add_all(_item(recon.id, item) for item in result.items)
        s.flush()
        after = {
            "customer_id": customer_id,
            "currency": ccy,
            "date_from": period[0],
            "date_to": date_to,
            "file_name": recon.file_name,
            "file_hash": recon.file_hash,
            "our_closing_minor": recon.our_closing_minor,
            "their_closing_minor": recon.their_closing_minor,
            "their_side": oriented.side,
            "counts": result.counts(),
            "notes": notes[:_NOTES_KEPT],
        }
        audit.record(s, ctx, CREATED, "customer_reconciliation", recon.id, after=after)
        recon_id = recon.id
    return get_reconciliation(ctx, recon_id)


def get_reconciliation(ctx: ServiceContext, recon_id: int) -> ReconciliationView:
    """A saved reconciliation with its items.

    Raises:
        NotFound: no such reconciliation.
    """
    with reader(ctx) as s:
        recon = get_row(s, CustomerReconciliation, recon_id, "Reconciliation")
        return reconciliation_view(s, recon)


def list_reconciliations(
    ctx: ServiceContext, customer_id: int | None = None
) -> list[ReconciliationView]:
    """Saved reconciliations (of one customer, or all), newest period first, without items."""
    query = select(CustomerReconciliation).order_by(
        CustomerReconciliation.date_to.desc(), CustomerReconciliation.id.desc()
    )
    if customer_id is not None:
        query = query.where(CustomerReconciliation.customer_id == customer_id)
    with reader(ctx) as s:
        return [reconciliation_view(s, r, with_items=False) for r in s.scalars(query).all()]


def close_reconciliation(ctx: ServiceContext, recon_id: int) -> Changes:
    """Close a reconciliation whose every difference is resolved and explained.

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: already closed, items not resolved, or part of the difference not
            explained by the lines.
    """
    require(ctx, "reconcile")
    with uow(ctx) as s:
        recon = get_row(s, CustomerReconciliation, recon_id, "Reconciliation")
        if recon.status == "closed":
            raise invalid("reconciliation", f"#{recon_id} is already closed")
        view = reconciliation_view(s, recon, with_items=False)
        open_items = view.counts["unresolved"]
        if open_items:
            reason = (
                f"{open_items} difference{'s are' if open_items != 1 else ' is'} not resolved; "
                "resolve each with a note or an action first"
            )
            raise invalid("reconciliation", reason)
        if view.unexplained.minor:
            reason = (
                f"{view.unexplained} of the difference is not explained by their lines (their "
                "balance column does not agree with them); reconcile a corrected file"
            )
            raise invalid("reconciliation", reason)
        recon.status = "closed"
        recon.closed_at = ctx.clock.now()
        s.flush()
        before, after = {"status": "open"}, {"status": "closed", "closed_at": recon.closed_at}
        audit.record(s, ctx, "close_customer_reconciliation", "customer_reconciliation",
                     recon_id, before=before, after=after)  # fmt: skip
        return Changes(customers={recon.customer_id})
