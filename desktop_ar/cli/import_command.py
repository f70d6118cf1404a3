"""The ``import`` command: customers, orders, invoices, payments or opening balances.

``desktop-ar --db PATH import customers|orders|invoices|payments|opening_balances FILE
[--sheet NAME] [--template NAME] [--header-row N] [--save-template NAME] [--dry-run]
[--rejects FILE.xlsx] [--skip-invalid]``. Prints a summary (created, updated, skipped, rejected
with the first problems by sheet, row, column and value). Any rejected row makes it exit 1
without writing anything, unless ``--skip-invalid`` commits the valid rows; ``--rejects`` saves
the rejected rows with a reason column whenever there are any. A file imported before is
reported and nothing is written (exit 0). ``--template NAME`` maps the columns with a saved
template (a template saved for the same header row is used without asking),
``--save-template NAME`` saves the mapping used, ``--header-row N`` overrides the automatic
header detection.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

KINDS = ("customers", "orders", "invoices", "payments", "opening_balances")
SHOWN_PROBLEMS = 20


def add_import_command(
    sub: Any, parents: list[argparse.ArgumentParser], func: Callable[..., int]
) -> None:
    """Add the ``import`` sub-command and its options to ``sub``."""
    p = sub.add_parser(
        "import",
        parents=parents,
        help="import customers, orders, invoices, payments or opening balances from a file",
    )
    p.add_argument("kind", choices=KINDS, help="what the file holds")
    p.add_argument(
        "file", metavar="FILE", help=".xlsx, .xlsm, .xls, .xlsb, .ods, .csv or .txt file"
    )
    p.add_argument("--sheet", metavar="NAME", help="the sheet (default: the first visible one)")
    p.add_argument("--template", metavar="NAME", help="map the columns with this saved template")
    p.add_argument(
        "--header-row", metavar="N", type=int, help="the header row (default: found automatically)"
    )
    p.add_argument(
        "--save-template",
        metavar="NAME",
        help="save the column mapping used under this name (offered again for the same headers)",
    )
    p.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    p.add_argument(
        "--rejects", metavar="FILE.xlsx", help="save rejected rows with a reason column here"
    )
    p.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows even if some are bad"
    )
    p.set_defaults(func=func)


def _orders(records: list[Any]) -> int:
    """How many orders the rows of an orders import make (its rows are order lines)."""
    from desktop_ar.io.excel.header import normalize_header

    return len({normalize_header(r.values.get("order_number")) for r in records})


def _print_summary(plan: Any, *, done: bool) -> None:
    out = sys.stdout
    print(f"File: {plan.file.name}  sheet: {plan.sheet}  kind: {plan.kind}", file=out)
    rejected = plan.rejected_rows
    created = f"{'created' if done else 'to create'}: {len(plan.to_create)}"
    if plan.kind == "orders" and plan.to_create:
        created += f" ({_orders(plan.to_create)} orders)"
    updated = f"{'updated' if done else 'to update'}: {len(plan.to_update)}"
    print(
        f"{created}  {updated}  skipped: {len(plan.skipped)}  rejected: {len(rejected)} rows",
        file=out,
    )
    for record, reason in plan.skipped[:SHOWN_PROBLEMS]:
        print(f"  skipped row {record.row_number}: {reason}", file=out)
    if len(plan.skipped) > SHOWN_PROBLEMS:
        print(f"  … and {len(plan.skipped) - SHOWN_PROBLEMS} more skipped rows", file=out)
    if plan.errors:
        print(f"Problems ({len(plan.errors)}):", file=out)
    for error in plan.errors[:SHOWN_PROBLEMS]:
        print(f"  {error.message}", file=out)
    if len(plan.errors) > SHOWN_PROBLEMS:
        print(f"  … and {len(plan.errors) - SHOWN_PROBLEMS} more problems", file=out)


def run_import(ctx: Any, args: argparse.Namespace) -> int:
    """Plan, report and (unless a dry run or rejected rows stop it) commit an import.

    Args:
        ctx: the service context.
        args: the parsed ``import`` options.

    Returns:
        The exit status: 0 when done (or nothing to do), 1 when rows were rejected and nothing
        was written.
    """
    from desktop_ar.services.import_templates import save_template
    from desktop_ar.services.imports import commit_import, plan_import, write_rejects
    from desktop_ar.services.progress import StderrProgress

    plan = plan_import(
        ctx,
        args.file,
        args.kind,
        sheet=args.sheet,
        header_row=args.header_row,
        template=args.template,
    )
    if args.save_template and plan.header_row is not None:
        save_template(
            ctx, args.save_template, plan.mapping, plan.headers, header_row=args.header_row
        )
        print(f"Saved the column mapping as template {args.save_template!r}", file=sys.stderr)
    if plan.already_imported is not None:
        when, who = plan.already_imported
        print(f"{plan.file.name}: already imported on {when:%Y-%m-%d %H:%M} by {who}")
        print("Nothing was written.")
        return 0
    for note in plan.notes[:SHOWN_PROBLEMS]:
        print(f"note: {note}", file=sys.stderr)
    stop = bool(plan.errors) and not args.skip_invalid
    _print_summary(plan, done=not (args.dry_run or stop))
    if plan.errors and args.rejects:
        written = write_rejects(plan, args.rejects)
        print(f"Wrote the rejected rows to {written}", file=sys.stderr)
    if stop:
        print("Nothing was written: fix the rows above, or add --skip-invalid.")
        return 1
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    result = commit_import(ctx, plan, progress=StderrProgress(), skip_invalid=args.skip_invalid)
    what = f"{result.created} {plan.kind.replace('_', ' ')}"
    if plan.kind == "orders":
        what = f"{_orders(plan.to_create)} orders with {result.created} lines"
    updated = f", updated {result.updated}" if result.updated else ""
    print(f"Imported {what}{updated} (batch {result.batch_id}).")
    return 0
