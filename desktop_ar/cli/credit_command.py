"""The ``credit`` command: credit grades and the automatic credit hold.

* ``desktop-ar --db PATH credit grades [--as-of DATE] [--format table|json] [--save]`` prints
  every customer's grade as of the date (default today): code, name, grade, score, on-time %,
  weighted days late, longest overdue, disputes, broken promises, exposure / limit and the
  suggested limit. JSON: ``{"as_of", "customers": [{"customer_code", "customer_name", "grade",
  "score", "components": [{"code", "value", "points", "max_points"}], "suggested_limit",
  "credit_limit", "currency"}]}``, amounts as decimal strings. ``--save`` also stores the
  grades on the customers (role ``change_credit``).
* ``desktop-ar --db PATH credit holds --apply [--as-of DATE]`` applies the automatic credit hold
  rule (``credit_hold_overdue_days``) and prints who was held and released.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from desktop_ar.cli.aging_output import _render, clip, utf8_stdout

__all__ = ["add_credit_command", "grades_json", "run_credit"]

Opener = Callable[[argparse.Namespace], AbstractContextManager[Any]]
NAME_WIDTH = 30
HEADER = [
    "Code",
    "Name",
    "Grade",
    "Score",
    "On time %",
    "Wtd days late",
    "Longest overdue",
    "Disputes",
    "Broken promises",
    "Exposure / limit",
    "Suggested limit",
]
RIGHT = [False, False, False, True, True, True, True, True, True, True, True]


def add_credit_command(sub: Any, parents: list[argparse.ArgumentParser], opener: Opener) -> None:
    """Add ``credit grades|holds``; ``opener(args)`` opens the book as a context."""
    p = sub.add_parser("credit", parents=parents, help="credit grades and automatic credit holds")
    actions = p.add_subparsers(title="actions", metavar="ACTION", dest="credit_action")
    actions.required = True
    a = actions.add_parser("grades", parents=parents, help="every customer's credit grade")
    a.add_argument("--format", choices=("table", "json"), default="table", dest="output")
    a.add_argument("--save", action="store_true", help="also store the grades on the customers")
    a = actions.add_parser("holds", parents=parents, help="apply the automatic credit hold rule")
    a.add_argument(
        "--apply", action="store_true", required=True, help="hold and release customers now"
    )

    def run(args: argparse.Namespace) -> int:
        with opener(args) as ctx:
            return run_credit(ctx, args)

    p.set_defaults(func=run)


def _amount(m: Any) -> str:
    return str(m.amount_str())


def grades_json(as_of: date, views: list[Any]) -> dict[str, Any]:
    """The grades as ``credit grades --format json`` writes them."""
    return {
        "as_of": as_of.isoformat(),
        "customers": [
            {
                "customer_code": v.customer_code,
                "customer_name": v.customer_name,
                "grade": v.grade,
                "score": v.score,
                "components": [
                    {
                        "code": c.code,
                        "value": c.value,
                        "points": c.points,
                        "max_points": c.max_points,
                    }
                    for c in v.components
                ],
                "suggested_limit": _amount(v.suggested_limit),
                "credit_limit": _amount(v.credit_limit),
                "currency": v.currency,
            }
            for v in views
        ],
    }


def _dash(value: Any) -> str:
    return "—" if value is None else str(value)


def _row(v: Any) -> list[str]:
    f = v.facts
    limit = _amount(v.credit_limit) if v.credit_limit.minor else "no limit"
    return [
        v.customer_code,
        clip(" ".join(v.customer_name.split()), NAME_WIDTH),
        v.grade,
        str(v.score),
        _dash(f.on_time_share),
        _dash(f.weighted_days_late),
        str(f.longest_overdue_days),
        str(f.disputes),
        str(f.broken_promises),
        f"{_amount(v.exposure)} / {limit}",
        f"{_amount(v.suggested_limit)} {v.currency}",
    ]


def _grades(ctx: Any, args: argparse.Namespace, as_of: date) -> int:
    from desktop_ar.services.credit_grades import compute_grades, recompute_grades

    views = compute_grades(ctx, as_of)
    with utf8_stdout() as out:
        if args.output == "json":
            out.write(json.dumps(grades_json(as_of, views), ensure_ascii=False, indent=2) + "\n")
        else:
            counts = {g: sum(1 for v in views if v.grade == g) for g in "ABCDE"}
            out.write(f"Credit grades as of {as_of.isoformat()}\n")
            summary = ", ".join(f"{g} {n}" for g, n in counts.items())
            totals = ["", f"{len(views)} customers", *[""] * 9]
            lines = _render(HEADER, [_row(v) for v in views], totals, RIGHT)
            out.write("\n".join(lines) + "\n")
            out.write(f"Grades: {summary}\n")
    if args.save:
        result, _ = recompute_grades(ctx, as_of)
        print(
            f"Stored grades of {result.scored} customers: {result.changed} changed "
            f"({len(result.grade_changes)} with a new grade).",
            file=sys.stderr,
        )
    return 0


def _holds(ctx: Any, as_of: date) -> int:
    from desktop_ar.services.credit_policy import apply_credit_holds

    run, _ = apply_credit_holds(ctx, as_of)
    with utf8_stdout() as out:
        if run.threshold_days <= 0:
            out.write("Automatic credit hold is off (credit_hold_overdue_days = 0).\n")
        else:
            out.write(
                f"Credit holds as of {as_of.isoformat()}: items overdue more than "
                f"{run.threshold_days} days\n"
            )
        for title, targets in (("Held", run.held), ("Released", run.released)):
            out.write(f"{title}: {len(targets)}\n")
            for t in targets:
                name = clip(" ".join(t.customer_name.split()), NAME_WIDTH)
                days = (
                    f"oldest overdue {t.oldest_overdue_days} days" if t.oldest_overdue_days else ""
                )
                out.write(f"  {t.customer_code}  {name}  {days}".rstrip() + "\n")
    return 0


def run_credit(ctx: Any, args: argparse.Namespace) -> int:
    """Run ``credit grades`` or ``credit holds`` on an open book."""
    as_of = getattr(args, "as_of", None) or ctx.clock.today()
    if args.credit_action == "grades":
        return _grades(ctx, args, as_of)
    return _holds(ctx, as_of)
