"""The ``dunning`` command: a dunning run (催款) — propose the letters, or issue them.

``desktop-ar --db PATH dunning run --as-of DATE [--level N] [--issue] [--out DIR]
[--format table|json]``

* Without ``--issue`` the run only proposes: per customer the letter's level (one level above
  the last notice at most, see ``services.dunning_run``), its overdue items, interest, fee and
  total. ``--level N`` forces the run to a level: only customers at exactly that level, whatever
  the interval since their last notice.
* ``--issue`` first marks notices whose items were paid as resolved (and re-opens reversed
  ones), then records each new notice and writes ``<code>-L<level>-<as_of>.pdf`` and an ``.eml``
  email draft (the PDF attached) per customer into ``--out DIR`` (required with ``--issue``).
* JSON: ``{"as_of", "issued": bool, "customers": [{"customer_code", "customer_name", "level",
  "interest_rate", "currency", "fee", "total", "items": [{"invoice_number", "outstanding",
  "days_overdue", "interest"}], "pdf": path|null, "eml": path|null}]}`` — one entry per
  customer and currency; amounts as decimal strings, the annual rate as a fraction (``"0.10"``).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from desktop_ar.cli.args import positive_int

__all__ = ["add_dunning_command", "run_dunning", "run_json"]

Opener = Callable[[argparse.Namespace], AbstractContextManager[Any]]


def add_dunning_command(sub: Any, parents: list[argparse.ArgumentParser], opener: Opener) -> None:
    """Add ``dunning run``; ``opener(args)`` opens the book as a context giving a ServiceContext."""
    p = sub.add_parser("dunning", parents=parents, help="dunning runs: propose or issue letters")
    actions = p.add_subparsers(title="actions", metavar="ACTION", dest="dunning_action")
    actions.required = True
    a = actions.add_parser(
        "run", parents=parents, help="propose the dunning letters due (or issue them)"
    )
    a.add_argument("--level", type=positive_int, metavar="N", help="only customers at level N")
    a.add_argument(
        "--issue", action="store_true", help="issue the letters: record them, write PDF + .eml"
    )
    a.add_argument("--out", metavar="DIR", help="folder for the PDF and .eml files (--issue)")
    a.add_argument("--format", choices=("table", "json"), default="table", dest="output")
    a.set_defaults(func=lambda args: run_dunning(args, opener))


def _rate(rate: Decimal) -> str:
    """The annual rate as a fraction string with at least two decimals (``0.10``)."""
    return str(rate.quantize(Decimal("0.01")) if rate.as_tuple().exponent > -2 else rate)  # type: ignore[operator]


def run_json(as_of: Any, proposals: list[Any], files: dict[int, Any], issued: bool) -> dict:
    """The JSON document of a run (one entry per customer and currency)."""
    customers = []
    for p in proposals:
        pdf, eml = files.get(p.customer_id, (None, None))
        for sec in p.letter.sections:
            customers.append(
                {
                    "customer_code": p.customer_code,
                    "customer_name": p.customer_name,
                    "level": p.level,
                    "interest_rate": _rate(p.interest_rate),
                    "currency": sec.currency,
                    "fee": sec.fee.amount_str(),
                    "total": sec.total_due.amount_str(),
                    "items": [
                        {
                            "invoice_number": i.invoice_number,
                            "outstanding": i.outstanding.amount_str(),
                            "days_overdue": i.days_overdue,
                            "interest": i.interest.amount_str(),
                        }
                        for i in sec.items
                    ],
                    "pdf": str(pdf) if pdf is not None else None,
                    "eml": str(eml) if eml is not None else None,
                }
            )
    return {"as_of": as_of.isoformat(), "issued": issued, "customers": customers}


def _width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(doc: dict) -> None:
    rows = [
        (
            c["customer_code"],
            c["customer_name"][:30],
            f"L{c['level']}",
            c["currency"],
            str(len(c["items"])),
            c["interest_rate"],
            c["fee"],
            c["total"],
        )
        for c in doc["customers"]
    ]
    head = ("Customer", "Name", "Level", "CCY", "Items", "Rate", "Fee", "Total")
    widths = [max(_width(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        cells = []
        for i, (v, w) in enumerate(zip(r, widths, strict=True)):
            pad = " " * (w - _width(str(v)))
            cells.append(pad + str(v) if i >= 4 else str(v) + pad)  # numbers to the right
        print("  ".join(cells).rstrip())
    verb = "Issued" if doc["issued"] else "Proposed"
    print(
        f"{verb} {len({c['customer_code'] for c in doc['customers']})} letters as of {doc['as_of']}"
    )


def run_dunning(args: argparse.Namespace, opener: Opener) -> int:
    """Run ``dunning run``: propose (and with ``--issue`` issue) the letters; exit status 0."""
    from desktop_ar.cli.main import UsageError
    from desktop_ar.services.dunning_notices import refresh_notices
    from desktop_ar.services.dunning_run import issue_run, propose_run

    if args.issue and not args.out:
        raise UsageError("dunning run --issue needs --out DIR for the PDF and .eml files")
    if args.out and not args.issue:
        raise UsageError("dunning run: --out is only used with --issue")
    with opener(args) as ctx:
        as_of = getattr(args, "as_of", None) or ctx.clock.today()
        proposals = propose_run(ctx, as_of, level=args.level)
        files: dict[int, Any] = {}
        if args.issue:
            resolved = refresh_notices(ctx, as_of)  # paid notices first become "resolved"
            if resolved:
                print(
                    f"Updated the notices of {len(resolved.customers)} customers", file=sys.stderr
                )
            notices = issue_run(ctx, as_of, proposals, args.out)
            proposals = [n.proposal for n in notices]
            files = {n.proposal.customer_id: (n.pdf, n.eml) for n in notices}
            for n in notices:
                if n.note:
                    print(f"{n.proposal.customer_code}: {n.note}", file=sys.stderr)
            print(f"Wrote {len(notices) * 2} files to {args.out}", file=sys.stderr)
    doc = run_json(as_of, proposals, files, bool(args.issue))
    if args.output == "json":
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _table(doc)
    return 0
