"""The ``collections`` command: the collections worklist for a day.

``desktop-ar --db PATH collections --as-of DATE [--collector NAME] [--format table|json]``
first judges the promises to pay as of the date (on a writable book, when the role may), then
prints what to chase, most urgent first: broken promises, promises due, overdue customers by
dunning level, follow-ups, open disputes, instalments falling due soon.

JSON: ``{"as_of": "YYYY-MM-DD", "collector": NAME|null, "items": [{"kind", "customer_code",
"customer_name", "collector", "date", "amount" (decimal string or null), "currency",
"reference", "detail", "level"}]}``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from desktop_ar.cli.aging_output import clip, display_width

__all__ = ["add_collections_command", "item_json", "run_collections"]

Opener = Callable[[argparse.Namespace], AbstractContextManager[Any]]
_LABELS = {
    "promise_broken": "broken promise",
    "promise_due": "promise due",
    "overdue": "overdue",
    "follow_up": "follow-up",
    "dispute": "dispute",
    "due_soon": "due soon",
}


def add_collections_command(
    sub: Any, parents: list[argparse.ArgumentParser], opener: Opener
) -> None:
    """Add the ``collections`` sub-command; ``opener(args)`` opens the book as a context.

    ``--db`` and ``--as-of`` come from ``parents`` (accepted before or after the command).
    """
    p = sub.add_parser(
        "collections", parents=parents, help="the collections worklist: what to chase today"
    )
    p.add_argument("--collector", metavar="NAME", help="only this collector's customers")
    p.add_argument(
        "--format", choices=("table", "json"), default="table", dest="output", help="default table"
    )
    p.set_defaults(func=lambda args: run_collections(args, opener))


def item_json(item: Any) -> dict[str, Any]:
    """One work item as the JSON output shows it."""
    amount = item.amount
    return {
        "kind": item.kind,
        "customer_code": item.customer_code,
        "customer_name": item.customer_name,
        "collector": item.collector,
        "date": item.day.isoformat(),
        "amount": amount.amount_str() if amount is not None else None,
        "currency": amount.currency if amount is not None else None,
        "reference": item.reference,
        "detail": item.detail,
        "level": item.level,
    }


def _cell(text: str, width: int, right: bool = False) -> str:
    text = clip(text, width)
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def _print_table(items: list[Any], as_of: date, collector: str | None) -> None:
    who = f", collector {collector}" if collector is not None else ""
    print(f"Collections worklist as of {as_of.isoformat()}{who}: {len(items)} item(s)")
    if not items:
        return
    header = (
        _cell("Kind", 14),
        _cell("Date", 10),
        _cell("Customer", 30),
        _cell("Lv", 2, True),
        _cell("Amount", 18, True),
        _cell("Reference", 14),
        "Detail",
    )
    print("  ".join(header))
    for item in items:
        amount = str(item.amount) if item.amount is not None else ""
        level = str(item.level) if item.level is not None else ""
        row = (
            _cell(_LABELS.get(item.kind, item.kind), 14),
            item.day.isoformat(),
            _cell(f"{item.customer_code} {item.customer_name}", 30),
            _cell(level, 2, True),
            _cell(amount, 18, True),
            _cell(item.reference, 14),
            item.detail,
        )
        print("  ".join(row).rstrip())


def run_collections(args: argparse.Namespace, opener: Opener) -> int:
    """Refresh the promises, then print the worklist; exit status 0."""
    from desktop_ar.services.collections_worklist import worklist
    from desktop_ar.services.permissions import can
    from desktop_ar.services.promises import refresh_promises

    collector = args.collector.strip() if args.collector is not None else None
    with opener(args) as ctx:
        as_of = getattr(args, "as_of", None) or ctx.clock.today()
        if not ctx.read_only and can(ctx, "log_contacts"):
            refresh_promises(ctx, as_of)
        items = worklist(ctx, as_of, collector=collector)
    if args.output == "json":
        out = {
            "as_of": as_of.isoformat(),
            "collector": collector,
            "items": [item_json(i) for i in items],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print_table(items, as_of, collector)
    return 0
