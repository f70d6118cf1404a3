"""The ``export`` command: any list, the aging report or a statement of account to ``.xlsx``.

``desktop-ar --db PATH export customers|orders|invoices|payments|aging|exceptions -o FILE.xlsx
[--as-of DATE]``. Lists are exported whole (every status, default sort); progress goes to
stderr, and the file appears only when it is complete.

``desktop-ar --db PATH export statement --customer CODE [--from DATE] [--to DATE] -o FILE.xlsx``
writes one customer's statement of account: ``--to`` defaults to ``--as-of``, else today;
``--from`` to the first day of ``--to``'s month (a month-to-date statement).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from desktop_ar.cli.args import iso_date

EXPORTS = ("customers", "orders", "invoices", "payments", "aging", "exceptions", "statement")
_STATEMENT_OPTIONS = ("customer", "date_from", "date_to")
# Every row of each list: the status that means "all" and the list's natural order.
_ALL_STATUS = {"exceptions": "all"}
_SORT = {
    "customers": "code",
    "orders": "number",
    "invoices": "number",
    "payments": "number",
    "exceptions": "detected_on",
}


def add_export_command(
    sub: Any, parents: list[argparse.ArgumentParser], func: Callable[..., int]
) -> None:
    """Add the ``export`` sub-command and its options to ``sub``."""
    p = sub.add_parser(
        "export", parents=parents, help="write a list or the aging report to a formatted .xlsx"
    )
    p.add_argument("what", choices=EXPORTS, help="what to export")
    p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="the file to write")
    group = p.add_argument_group("statement of account (export statement)")
    group.add_argument("--customer", metavar="CODE", help="the customer's code")
    group.add_argument(
        "--from",
        dest="date_from",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="first day of the period (default: the first day of --to's month)",
    )
    group.add_argument(
        "--to",
        dest="date_to",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="last day of the period (default: --as-of, else today)",
    )
    p.set_defaults(func=func)


def statement_options(args: argparse.Namespace) -> dict[str, Any]:
    """The statement options of a parsed ``export`` command, checked before the book opens.

    Returns:
        ``customer``, ``date_from`` and ``date_to`` as given (None when left out).

    Raises:
        UsageError: ``export statement`` without ``--customer``, ``--from`` after ``--to``, or
            statement options on another export.
    """
    from desktop_ar.cli.main import UsageError

    options = {key: getattr(args, key, None) for key in _STATEMENT_OPTIONS}
    if args.what != "statement":
        if any(value is not None for value in options.values()):
            raise UsageError("--customer, --from and --to go with 'export statement' only")
        return options
    if not (options["customer"] or "").strip():
        raise UsageError("export statement needs --customer CODE")
    start, end = options["date_from"], options["date_to"] or getattr(args, "as_of", None)
    if start is not None and end is not None and start > end:
        raise UsageError(f"--from {start.isoformat()} is after the end {end.isoformat()}")
    return options


def run_export(
    ctx: Any,
    what: str,
    output: str,
    as_of: date | None,
    *,
    customer: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Path:
    """Export ``what`` to ``output`` as of ``as_of`` (default: the book's today).

    Args:
        ctx: the service context.
        what: one of :data:`EXPORTS`.
        output: the file name from ``-o``.
        as_of: the as-of date, or None for today.
        customer: the customer's code (``statement`` only).
        date_from: the statement's first day (default: the first day of its last day's month).
        date_to: the statement's last day (default: ``as_of``).

    Returns:
        The file written.

    Raises:
        UserFacingError: the file cannot be written (an existing file there is unchanged), or
            no customer has the code.
    """
    from desktop_ar.services.list_exports import export_aging_file, export_list
    from desktop_ar.services.lists import ListSpec, SortSpec
    from desktop_ar.services.progress import StderrProgress

    path = Path(output).expanduser()
    day = as_of or ctx.clock.today()
    if what == "statement":
        return _statement(ctx, path, customer or "", date_from, date_to or day)
    if what == "aging":
        from desktop_ar.services.reports import aging

        result = export_aging_file(ctx, aging(ctx, as_of=day), path)
    else:
        spec = ListSpec(status=_ALL_STATUS.get(what, "all"), as_of=day)
        result = export_list(
            ctx, what, spec, SortSpec(_SORT[what]), path, as_of=day, progress=StderrProgress()
        )
    print(f"Wrote {result.rows:,} rows to {result.path}", file=sys.stderr)
    return result.path


def _statement(ctx: Any, path: Path, code: str, date_from: date | None, date_to: date) -> Path:
    from desktop_ar.services.statement_export import export_statement
    from desktop_ar.services.statements import (
        customer_id_for_code,
        default_period,
        statement_of_account,
    )

    start = date_from or default_period(date_to)[0]
    statement = statement_of_account(ctx, customer_id_for_code(ctx, code), start, date_to)
    result = export_statement(ctx, statement, path)
    closing = "; ".join(str(x.closing) for x in statement.sections)
    print(
        f"Statement of account {statement.customer_code}, {start.isoformat()} to "
        f"{date_to.isoformat()}: closing balance {closing}",
        file=sys.stderr,
    )
    print(f"Wrote {result.rows:,} rows to {result.path}", file=sys.stderr)
    return result.path
