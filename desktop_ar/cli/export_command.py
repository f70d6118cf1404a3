"""The ``export`` command: any list, or the aging report, to a formatted ``.xlsx`` file.

``desktop-ar --db PATH export customers|orders|invoices|payments|aging|exceptions -o FILE.xlsx
[--as-of DATE]``. Lists are exported whole (every status, default sort); progress goes to
stderr, and the file appears only when it is complete.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

EXPORTS = ("customers", "orders", "invoices", "payments", "aging", "exceptions")
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
    p.set_defaults(func=func)


def run_export(ctx: Any, what: str, output: str, as_of: date | None) -> Path:
    """Export ``what`` to ``output`` as of ``as_of`` (default: the book's today).

    Args:
        ctx: the service context.
        what: one of :data:`EXPORTS`.
        output: the file name from ``-o``.
        as_of: the as-of date, or None for today.

    Returns:
        The file written.

    Raises:
        UserFacingError: the file cannot be written (an existing file there is unchanged).
    """
    from desktop_ar.services.list_exports import export_aging_file, export_list
    from desktop_ar.services.lists import ListSpec, SortSpec
    from desktop_ar.services.progress import StderrProgress

    path = Path(output).expanduser()
    day = as_of or ctx.clock.today()
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
