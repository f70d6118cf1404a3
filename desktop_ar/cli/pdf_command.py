"""The ``pdf`` command: printable documents as PDF files.

``desktop-ar --db PATH pdf statement --customer CODE [--from DATE] [--to DATE] [--as-of DATE]
[--lang en|zh] [--paper A4|Letter] -o FILE.pdf`` writes one customer's statement of account:
``--to`` defaults to ``--as-of``, else today; ``--from`` to the first day of ``--to``'s month;
``--lang`` to the customer's language. The other documents of issue 7 (invoice, receipt,
dunning, confirmation, aging) and ``--all`` are refused for now (exit status 2).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from desktop_ar.cli.args import iso_date

__all__ = ["DOCUMENTS", "add_pdf_command", "run_pdf"]

DOCUMENTS = ("statement", "invoice", "receipt", "dunning", "confirmation", "aging")
READY = ("statement",)
OpenBook = Callable[[argparse.Namespace], AbstractContextManager[Any]]


def add_pdf_command(sub: Any, parents: list[argparse.ArgumentParser], open_book: OpenBook) -> None:
    """Add the ``pdf`` sub-command; ``open_book(args)`` opens the chosen book.

    ``parents`` (the shared ``--db``/``--as-of``/``--lang`` options) are not inherited: here
    ``--lang`` is the document's language, and resolving the clash would change the shared
    option object under every other command. ``--db`` and ``--as-of`` are added again.
    """
    del parents
    p = sub.add_parser("pdf", help="write a printable document (statement of account…) as PDF")
    p.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH", help="database file or URL")
    p.add_argument(
        "--as-of",
        type=iso_date,
        default=argparse.SUPPRESS,
        metavar="YYYY-MM-DD",
        help="work as of this date (default today)",
    )
    p.add_argument("document", choices=DOCUMENTS, help="the document to write")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="the file to write")
    p.add_argument("--customer", metavar="CODE", help="the customer's code")
    p.add_argument("--all", action="store_true", help="every customer (not yet)")
    p.add_argument(
        "--from",
        dest="date_from",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="first day of the period (default: the first day of --to's month)",
    )
    p.add_argument(
        "--to",
        dest="date_to",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="last day of the period (default: --as-of, else today)",
    )
    p.add_argument(
        "--lang",
        dest="doc_lang",
        choices=("en", "zh"),
        default=None,
        help="document language (default: the customer's)",
    )
    p.add_argument("--paper", choices=("A4", "Letter"), default="A4", help="default A4")
    p.set_defaults(func=lambda args: run_pdf(args, open_book))


def _check(args: argparse.Namespace) -> None:
    from desktop_ar.cli.main import UsageError

    if args.document not in READY:
        raise UsageError(f"pdf {args.document}: not yet; only 'pdf statement' is available")
    if args.all:
        raise UsageError("pdf statement --all: not yet; give --customer CODE")
    if not (args.customer or "").strip():
        raise UsageError("pdf statement needs --customer CODE")
    end = args.date_to or getattr(args, "as_of", None)
    if args.date_from is not None and end is not None and args.date_from > end:
        raise UsageError(f"--from {args.date_from.isoformat()} is after the end {end.isoformat()}")


def run_pdf(args: argparse.Namespace, open_book: OpenBook) -> int:
    """Check the options, then write the document (exit status 0)."""
    _check(args)
    from desktop_ar.services.statement_pdf import write_statement_pdf
    from desktop_ar.services.statements import customer_id_for_code, default_period

    with open_book(args) as ctx:
        end = args.date_to or getattr(args, "as_of", None) or ctx.clock.today()
        start = args.date_from or default_period(end)[0]
        cid = customer_id_for_code(ctx, args.customer)
        path = write_statement_pdf(
            ctx,
            cid,
            start,
            end,
            Path(args.output).expanduser(),
            lang=args.doc_lang,
            paper=args.paper,
        )
    print(
        f"Statement of account {args.customer.strip()}, {start.isoformat()} to "
        f"{end.isoformat()}: wrote {path}",
        file=sys.stderr,
    )
    return 0
