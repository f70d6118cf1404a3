"""The ``bank`` command: import bank statements, match their lines, list and close them.

* ``desktop-ar --db PATH bank import FILE [--format auto|csv|xlsx|ofx|mt940|camt053]
  [--template NAME] [--currency CCY] [--save-template NAME]`` imports every statement in the
  file and prints each one's account, period, balances, line count and flags (lines that do not
  add up, imported before). Without ``--template`` a CSV/Excel export whose header row is the
  one a saved template was made for is read with that template. ``--save-template`` saves the
  columns used for a CSV/Excel export under a name, after the import.
* ``desktop-ar --db PATH bank match STATEMENT_ID [--auto-accept 0.95] [--format table|json]``
  prints each line with its best candidates, their confidence and reasons; ``--auto-accept``
  first accepts the clearly right ones at or above that confidence (stderr says how many).
  JSON: ``{"statement_id", "lines": [{"line_id", "date", "amount", "text", "status",
  "candidates": [{"kind": "payment"|"invoice", "number", "customer_code", "amount",
  "confidence", "reasons": [...]}]}]}``, amounts as decimal strings, candidates best first; a
  candidate of several invoices has kind ``invoice``, ``number`` the numbers joined by ``", "``
  and an extra key ``"numbers"`` listing them.
* ``desktop-ar --db PATH bank list`` lists the statements; ``bank close STATEMENT_ID`` closes
  one whose lines are all explained.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from desktop_ar.cli.args import positive_int

__all__ = ["add_bank_command", "candidate_json", "run_bank"]

FORMATS = ("auto", "csv", "xlsx", "ofx", "mt940", "camt053")
SHOWN_CANDIDATES = 3
Opener = Callable[[argparse.Namespace], AbstractContextManager[Any]]


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a confidence between 0 and 1 (0.95)")
    return value


def add_bank_command(sub: Any, parents: list[argparse.ArgumentParser], opener: Opener) -> None:
    """Add ``bank import|match|list|close``; ``opener(args)`` opens the book as a context."""
    p = sub.add_parser(
        "bank", parents=parents, help="bank statements: import, match to receipts, list, close"
    )
    actions = p.add_subparsers(title="actions", metavar="ACTION", dest="bank_action")
    actions.required = True
    a = actions.add_parser("import", parents=parents, help="import a bank statement file")
    a.add_argument("file", metavar="FILE", help="MT940, OFX/QFX, camt.053, CSV or Excel file")
    a.add_argument("--format", choices=FORMATS, default="auto", help="default: from the content")
    a.add_argument("--template", metavar="NAME", help="map CSV/Excel columns with this template")
    a.add_argument("--currency", metavar="CCY", help="currency of an export that does not say")
    a.add_argument(
        "--save-template", metavar="NAME", help="save the CSV/Excel columns used as a template"
    )
    a = actions.add_parser("match", parents=parents, help="show each line's best candidates")
    a.add_argument("statement_id", type=positive_int, metavar="STATEMENT_ID")
    a.add_argument(
        "--auto-accept",
        type=_confidence,
        metavar="CONFIDENCE",
        help="first accept the clearly best candidates at or above this confidence (0.95)",
    )
    a.add_argument("--format", choices=("table", "json"), default="table", dest="output")
    actions.add_parser("list", parents=parents, help="list the imported statements")
    a = actions.add_parser("close", parents=parents, help="close a fully explained statement")
    a.add_argument("statement_id", type=positive_int, metavar="STATEMENT_ID")

    def run(args: argparse.Namespace) -> int:
        with opener(args) as ctx:
            return run_bank(ctx, args)

    p.set_defaults(func=run)


def _money(m: Any) -> str:
    from desktop_ar.services.bank_statements import amount_text

    return amount_text(m)


def _period(st: Any) -> str:
    start = st.period_start.isoformat() if st.period_start else "?"
    end = st.period_end.isoformat() if st.period_end else "?"
    return f"{start} – {end}"


def _print_summary(st: Any) -> None:
    who = f" ({st.account_name})" if st.account_name else ""
    bank = f", bank {st.bank}" if st.bank else ""
    print(f"Statement {st.id}: account {st.account or '(not given)'}{who}{bank}, {st.currency}")
    opening = _money(st.opening) if st.opening is not None else "not given"
    closing = _money(st.closing) if st.closing is not None else "not given"
    print(
        f"  period {_period(st)}, opening balance {opening}, closing balance {closing}, "
        f"{st.lines_count} lines ({st.open_lines} to reconcile)"
    )
    print(f"  format: {st.format_detail or st.format}")
    if st.balance_problem:
        print(f"  ! balance problem: {st.balance_problem}")
    if st.duplicate_of_id is not None:
        print(f"  ! imported before: duplicate of statement {st.duplicate_of_id}")
    for note in st.notes:
        print(f"  - {note}")


def candidate_json(c: Any) -> dict[str, Any]:
    """One candidate as ``bank match --format json`` writes it."""
    from desktop_ar.domain.matching import describe_reason

    several = len(c.numbers) > 1
    out: dict[str, Any] = {
        "kind": "payment" if c.kind == "payment" else "invoice",
        "number": ", ".join(c.numbers),
        "customer_code": c.customer_code,
        "amount": _money(c.amount),
        "confidence": round(c.confidence, 3),
        "reasons": [describe_reason(r) for r in c.reasons],
    }
    if several:
        out["numbers"] = list(c.numbers)
    return out


def _line_text(line: Any) -> str:
    parts = (line.counterparty_name, line.reference, line.memo)
    return " ".join(p for p in parts if p)


def _match(ctx: Any, args: argparse.Namespace) -> int:
    from desktop_ar.services import bank_statements as bank
    from desktop_ar.services.progress import StderrProgress

    statement = bank.get_statement(ctx, args.statement_id)
    if args.auto_accept is not None:
        done = bank.auto_accept(
            ctx, statement.id, args.auto_accept, progress=StderrProgress(sys.stderr)
        )
        print(f"Auto-accepted {done} line(s) at confidence ≥ {args.auto_accept}", file=sys.stderr)
        statement = bank.get_statement(ctx, statement.id)
    lines = bank.statement_lines(ctx, statement.id)
    suggestions = bank.suggest(ctx, statement.id) if statement.status == "open" else {}
    if args.output == "json":
        data = {
            "statement_id": statement.id,
            "lines": [
                {
                    "line_id": line.id,
                    "date": line.booking_date.isoformat(),
                    "amount": _money(line.amount),
                    "text": _line_text(line),
                    "status": line.status,
                    "candidates": [candidate_json(c) for c in suggestions.get(line.id, [])],
                }
                for line in lines
            ],
        }
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    _print_summary(statement)
    for line in lines:
        amount, text = _money(line.amount), _line_text(line)
        print(f"{line.seq:>5}  {line.booking_date}  {amount:>14}  {line.status:<9}  {text}")
        for m in line.matches:
            who = " ".join(x for x in (m.customer_code, m.customer_name) if x)
            why = f"; {m.reasons_text}" if m.reasons_text else ""
            auto = ", auto" if m.auto else ""
            print(f"         = {m.kind} {m.payment_number} {who} ({m.confidence} %{auto}{why})")
        if line.status == "ignored":
            print(f"         = ignored: {line.explanation}")
        if line.status != "open":
            continue
        candidates = suggestions.get(line.id, [])
        if not candidates:
            print("           (no candidates)")
        for c in candidates[:SHOWN_CANDIDATES]:
            print(
                f"         {c.confidence:5.3f}  {c.kind:<8}  {', '.join(c.numbers)}  "
                f"{c.customer_code}  {_money(c.amount)}  {c.reasons_text_en}"
            )
    return 0


def _list(ctx: Any) -> int:
    from desktop_ar.services.bank_statements import list_statements

    rows = list_statements(ctx)
    if not rows:
        print("No bank statements yet; import one with: desktop-ar bank import FILE")
        return 0
    print(f"{'id':>5}  {'account':<28} ccy  {'period':<23}  lines  open  status  flags")
    for st in rows:
        flags = []
        if st.balance_problem:
            flags.append("balance problem")
        if st.duplicate_of_id is not None:
            flags.append(f"duplicate of {st.duplicate_of_id}")
        print(
            f"{st.id:>5}  {(st.account or '-')[:28]:<28} {st.currency}  {_period(st):<23}  "
            f"{st.lines_count:>5}  {st.open_lines:>4}  {st.status:<6}  {', '.join(flags)}"
        )
    return 0


def _table_to_save(ctx: Any, args: argparse.Namespace) -> Any:
    """The preview whose columns ``--save-template`` saves (refused for other formats)."""
    from desktop_ar.domain.errors import UserFacingError
    from desktop_ar.services import bank_statements as bank

    preview = bank.preview_bank_table(
        ctx, args.file, template=args.template, currency=args.currency
    )
    if not preview.is_table:
        reason = f"a template is only for CSV or Excel exports; this is a {preview.kind} file"
        raise UserFacingError("invalid", field="--save-template", reason=reason)
    return preview


def run_bank(ctx: Any, args: argparse.Namespace) -> int:
    """Run one ``bank`` action on an open book; returns the exit status."""
    from desktop_ar.services import bank_statements as bank
    from desktop_ar.services.progress import StderrProgress

    if args.bank_action == "import":
        preview = None
        if args.save_template:
            preview = _table_to_save(ctx, args)
        found = bank.import_bank_file(
            ctx,
            args.file,
            format=args.format,
            template=args.template,
            currency=args.currency,
            progress=StderrProgress(sys.stderr),
        )
        for st in found:
            _print_summary(st)
        print(f"Imported {len(found)} statement(s) from {args.file}.")
        if preview is not None:
            headers, header_row = preview.headers, preview.header_row
            bank.save_bank_template(ctx, args.save_template, preview.mapping, headers, header_row)
            print(
                f"Saved the columns as the bank template {' '.join(args.save_template.split())!r}."
            )
        return 0
    if args.bank_action == "match":
        return _match(ctx, args)
    if args.bank_action == "list":
        return _list(ctx)
    bank.close_statement(ctx, args.statement_id)
    print(f"Closed statement {args.statement_id}.")
    return 0
