"""The ``statement-of-account`` and ``reconcile-customer`` commands (对账单, 与客户对账).

``desktop-ar --db PATH statement-of-account CUSTOMER --from DATE --to DATE
[--format table|json|xlsx] [-o FILE]`` prints (or writes) one customer's statement of account.
JSON: one object per currency —
``{"customer_code", "currency", "from", "to", "opening_balance", "lines": [{"date", "type",
"number", "description", "debit", "credit", "balance"}], "total_debit", "total_credit",
"closing_balance", "open_items": [{"type", "number", "date", "due_date", "days_overdue",
"bucket", "amount"}]}`` — the object itself when the customer has one currency, a JSON array of
them (the customer's own currency first) when it has several. Amounts are decimal strings
(``"1234.50"``), dates ``YYYY-MM-DD``; ``type`` is the line's kind (``invoice``,
``credit_note``, ``payment``, ``write_off``, ``refund``, ``payment_reversal``,
``write_off_reversal``). ``xlsx`` needs ``-o`` and writes the formatted statement.

``desktop-ar --db PATH reconcile-customer CUSTOMER FILE --to DATE [--from DATE] [--sheet NAME]
[--template NAME] [--their-side auto|payable|receivable] [--currency CCY]
[--format table|json]`` compares the customer's ledger with ours, saves the reconciliation and
prints it (see :func:`reconciliation_json` for the JSON).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from desktop_ar.cli.aging_output import clip, display_width, utf8_stdout
from desktop_ar.cli.args import iso_date
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import format_money

__all__ = [
    "add_reconcile_commands",
    "reconciliation_json",
    "run_reconcile_customer",
    "run_statement_of_account",
    "statement_json",
]

_DATE = "YYYY-MM-DD"
_TEXT_WIDTH = 40


def add_reconcile_commands(
    sub: Any,
    parents: list[argparse.ArgumentParser],
    statement: Callable[..., int],
    reconcile: Callable[..., int],
) -> None:
    """Add ``statement-of-account`` and ``reconcile-customer`` to ``sub``."""
    p = sub.add_parser(
        "statement-of-account", parents=parents, help="a customer's statement of account (对账单)"
    )
    p.add_argument("customer", metavar="CUSTOMER", help="the customer's code")
    p.add_argument("--from", dest="date_from", type=iso_date, required=True, metavar=_DATE)
    p.add_argument("--to", dest="date_to", type=iso_date, required=True, metavar=_DATE)
    p.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (needed for xlsx)")
    p.set_defaults(func=statement)

    p = sub.add_parser(
        "reconcile-customer",
        parents=parents,
        help="compare a customer's own ledger with ours (与客户对账) and save the result",
    )
    p.add_argument("customer", metavar="CUSTOMER", help="the customer's code")
    p.add_argument("file", metavar="FILE", help="the customer's ledger (.xlsx, .xls, .csv…)")
    p.add_argument("--to", dest="date_to", type=iso_date, required=True, metavar=_DATE)
    p.add_argument(
        "--from",
        dest="date_from",
        type=iso_date,
        metavar=_DATE,
        help="first day (default: the 1st of the month of their first line)",
    )
    p.add_argument("--sheet", help="the sheet of their file (default: the first visible one)")
    p.add_argument("--template", metavar="NAME", help="a saved customer-ledger template")
    p.add_argument(
        "--their-side",
        choices=("auto", "payable", "receivable"),
        default="auto",
        help="their ledger is their accounts payable (our invoice a credit) or kept like ours; "
        "default: the reading that matches more lines",
    )
    p.add_argument("--currency", metavar="CCY", help="default: the customer's currency")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=reconcile)


# ---- statement of account ---------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def statement_json(statement: Any) -> dict[str, Any] | list[dict[str, Any]]:
    """The statement as the documented JSON: one object, or a list when several currencies."""
    out = []
    for x in statement.sections:
        out.append(
            {
                "customer_code": statement.customer_code,
                "currency": x.currency,
                "from": statement.date_from.isoformat(),
                "to": statement.date_to.isoformat(),
                "opening_balance": x.opening.amount_str(),
                "lines": [
                    {
                        "date": line.on.isoformat(),
                        "type": line.kind,
                        "number": line.number,
                        "description": line.description,
                        "debit": line.debit.amount_str(),
                        "credit": line.credit.amount_str(),
                        "balance": line.balance.amount_str(),
                    }
                    for line in x.lines
                ],
                "total_debit": x.total_debit.amount_str(),
                "total_credit": x.total_credit.amount_str(),
                "closing_balance": x.closing.amount_str(),
                "open_items": [
                    {
                        "type": item.kind,
                        "number": item.number,
                        "date": item.document_date.isoformat(),
                        "due_date": _day(item.due_date),
                        "days_overdue": item.days_overdue,
                        "bucket": item.bucket,
                        "amount": item.amount.amount_str(),
                    }
                    for item in x.open_items
                ],
            }
        )
    return out[0] if len(out) == 1 else out


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [display_width(h) for h in header]
    for row in rows:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            gap = " " * (width - display_width(cell))
            out.append(gap + cell if i in right else cell + gap)
        return "  ".join(out).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _money(m: Money | None) -> str:
    return "" if m is None else format_money(m, blank_zero=True)


def render_statement(statement: Any) -> str:
    """The statement as aligned text, one block per currency."""
    out = [
        f"Statement of account {statement.customer_code} {statement.customer_name}, "
        f"{statement.date_from.isoformat()} to {statement.date_to.isoformat()}"
    ]
    for x in statement.sections:
        rows = [
            [
                statement.date_from.isoformat(),
                "opening",
                "",
                "Opening balance",
                "",
                "",
                format_money(x.opening),
            ]
        ]
        for line in x.lines:
            rows.append(
                [
                    line.on.isoformat(),
                    line.kind,
                    line.number,
                    clip(" ".join(line.description.split()), _TEXT_WIDTH),
                    _money(line.debit),
                    _money(line.credit),
                    format_money(line.balance),
                ]
            )
        rows.append(
            [
                statement.date_to.isoformat(),
                "closing",
                "",
                "Closing balance",
                format_money(x.total_debit),
                format_money(x.total_credit),
                format_money(x.closing),
            ]
        )
        header = ["Date", "Type", "Number", "Description", "Debit", "Credit", "Balance"]
        out += ["", x.currency, *_table(header, rows, {4, 5, 6})]
        if x.open_items:
            items = [
                [
                    i.kind,
                    i.number,
                    i.document_date.isoformat(),
                    _day(i.due_date) or "",
                    "" if i.days_overdue is None else str(i.days_overdue),
                    i.bucket,
                    format_money(i.amount),
                ]
                for i in x.open_items
            ]
            head = ["Open item", "Number", "Date", "Due", "Days", "Bucket", "Amount"]
            out += ["", *_table(head, items, {4, 6})]
    return "\n".join(out) + "\n"


def _emit(text: str, output: str | None) -> Path | None:
    if output in (None, "-"):
        with utf8_stdout() as out:
            out.write(text)
        return None
    from desktop_ar.services.exports import save_text

    return save_text(Path(output).expanduser(), text)


def run_statement_of_account(ctx: Any, args: argparse.Namespace) -> Path | None:
    """Print or write the statement of account asked for by ``args``; the file written."""
    from desktop_ar.cli.main import UsageError
    from desktop_ar.services.statements import customer_id_for_code, statement_of_account

    if args.format == "xlsx" and args.output in (None, "-"):
        raise UsageError("--format xlsx needs an output file: add -o FILE.xlsx")
    if args.date_from > args.date_to:
        raise UsageError(f"--from {args.date_from} is after --to {args.date_to}")
    statement = statement_of_account(
        ctx, customer_id_for_code(ctx, args.customer), args.date_from, args.date_to
    )
    if args.format == "xlsx":
        from desktop_ar.services.statement_export import export_statement

        return export_statement(ctx, statement, Path(args.output).expanduser()).path
    if args.format == "json":
        text = json.dumps(statement_json(statement), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_statement(statement)
    return _emit(text, args.output)


# ---- reconciliation ---------------------------------------------------------------------------


def _amount(m: Money | None) -> str | None:
    return None if m is None else m.amount_str()


def reconciliation_json(view: Any) -> dict[str, Any]:
    """A saved reconciliation as JSON.

    ``{"reconciliation_id", "customer_code", "currency", "from", "to", "their_side",
    "our_closing", "their_closing", "difference", "explained", "unexplained", "status",
    "counts": {result: n, "unresolved": n}, "items": [{"id", "result", "difference", "resolved",
    "ours": {"date", "type", "number", "amount"} | null, "theirs": {"row", "date", "number",
    "description", "amount"} | null}], "notes": [...]}``; amounts are decimal strings signed as
    the customer owes us, ``difference`` is ours minus theirs.
    """
    items = []
    for i in view.items:
        ours = None
        if i.our_amount is not None:
            ours = {
                "date": _day(i.our_date),
                "type": i.our_type,
                "number": i.our_number,
                "amount": _amount(i.our_amount),
            }
        theirs = None
        if i.their_amount is not None:
            theirs = {
                "row": i.their_row,
                "date": _day(i.their_date),
                "number": i.their_number,
                "description": i.their_description,
                "amount": _amount(i.their_amount),
            }
        items.append(
            {
                "id": i.id,
                "result": i.result,
                "difference": i.difference.amount_str(),
                "resolved": i.resolved,
                "ours": ours,
                "theirs": theirs,
            }
        )
    return {
        "reconciliation_id": view.id,
        "customer_code": view.customer_code,
        "currency": view.currency,
        "from": _day(view.date_from),
        "to": view.date_to.isoformat(),
        "their_side": view.their_side,
        "our_closing": view.our_closing.amount_str(),
        "their_closing": _amount(view.their_closing),
        "difference": view.difference.amount_str(),
        "explained": view.explained.amount_str(),
        "unexplained": view.unexplained.amount_str(),
        "status": view.status,
        "counts": dict(view.counts),
        "items": items,
        "notes": list(view.notes),
    }


_TITLES = {
    "matched": "matched",
    "amount_difference": "amount differs",
    "timing": "in transit",
    "only_ours": "only ours",
    "only_theirs": "only theirs",
}


def render_reconciliation(view: Any) -> str:
    """The reconciliation as text: the balances, then every item that is not matched."""
    c = view.counts
    out = [
        f"Reconciliation #{view.id} {view.customer_code} {view.customer_name} ({view.currency}), "
        f"{_day(view.date_from)} to {view.date_to.isoformat()}; their side: {view.their_side}",
        f"Our closing balance:   {format_money(view.our_closing)}",
        f"Their closing balance: {_money(view.their_closing) or '-'}",
        f"Difference:            {format_money(view.difference)} (explained by the lines "
        f"{format_money(view.explained)}, unexplained {format_money(view.unexplained)})",
        f"matched {c['matched']}, amount differences {c['amount_difference']}, in transit "
        f"{c['timing']}, only ours {c['only_ours']}, only theirs {c['only_theirs']}",
    ]
    rows = [
        [
            _TITLES.get(i.result, i.result),
            _day(i.our_date) or "",
            i.our_number,
            _money(i.our_amount),
            "" if i.their_row is None else str(i.their_row),
            _day(i.their_date) or "",
            clip(" ".join(f"{i.their_number} {i.their_description}".split()), _TEXT_WIDTH),
            _money(i.their_amount),
            format_money(i.difference),
        ]
        for i in view.items
        if i.result != "matched"
    ]
    if rows:
        header = [
            "Result",
            "Our date",
            "Our number",
            "Ours",
            "Row",
            "Their date",
            "Theirs (text)",
            "Theirs",
            "Difference",
        ]
        out += ["", *_table(header, rows, {3, 4, 7, 8})]
    return "\n".join(out) + "\n"


def run_reconcile_customer(ctx: Any, args: argparse.Namespace) -> None:
    """Reconcile the customer's ledger named by ``args`` and print the result."""
    from desktop_ar.services.customer_reconciliation import reconcile_customer
    from desktop_ar.services.statements import customer_id_for_code

    view = reconcile_customer(
        ctx,
        customer_id_for_code(ctx, args.customer),
        Path(args.file).expanduser(),
        date_to=args.date_to,
        date_from=args.date_from,
        sheet=args.sheet,
        template=args.template,
        currency=args.currency.strip().upper() if args.currency else None,
        their_side=args.their_side,
    )
    if args.format == "json":
        text = json.dumps(reconciliation_json(view), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_reconciliation(view)
    _emit(text, None)
