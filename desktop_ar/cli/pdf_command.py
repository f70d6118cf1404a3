"""The ``pdf`` command: printable documents as PDF files.

``desktop-ar --db PATH pdf statement|invoice|receipt|dunning|confirmation|aging
[--customer CODE | --all] [--number NUMBER] [--level N] [--from DATE] [--to DATE]
[--as-of DATE] [--lang en|zh] [--paper A4|Letter] -o FILE_OR_DIR``

* What to print: ``--customer CODE`` (one customer's documents), ``--all`` (every customer the
  document applies to: statements for customers with a balance or activity, dunning letters
  for customers with overdue items — at ``--level N`` when given —, balance confirmations for
  customers with a balance, invoices and receipts of the period), or ``--number NUMBER`` (one
  invoice or receipt). The aging report covers the whole book, or one customer.
* Dates: ``--as-of`` (default today) dates the documents; statements cover ``--from``..``--to``
  (``--to`` defaults to ``--as-of``, ``--from`` to the first day of ``--to``'s month).
* ``--lang`` defaults to each customer's language; ``--paper`` to the company setting.
* Output: one file per document (``<key>.pdf``) in ``-o`` when it is an existing folder, ends
  with a path separator, or has no ``.pdf`` suffix while several documents are printed; else
  one combined PDF (each document with its own "Page X of Y"). Progress on stderr for more than
  one document, then "Wrote N documents (P pages) to …". Nothing to print: exit status 1.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from desktop_ar.cli.args import iso_date, positive_int

__all__ = ["DOCUMENTS", "add_pdf_command", "count_pages", "run_pdf"]

DOCUMENTS = ("statement", "invoice", "receipt", "dunning", "confirmation", "aging")
NUMBERED = ("invoice", "receipt")  # documents that --number picks
OpenBook = Callable[[argparse.Namespace], AbstractContextManager[Any]]
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def add_pdf_command(sub: Any, parents: list[argparse.ArgumentParser], open_book: OpenBook) -> None:
    """Add the ``pdf`` sub-command; ``open_book(args)`` opens the chosen book.

    ``parents`` (the shared ``--db``/``--as-of``/``--lang`` options) are not inherited: here
    ``--lang`` is the document's language, and resolving the clash would change the shared
    option object under every other command. ``--db`` and ``--as-of`` are added again.
    """
    del parents
    p = sub.add_parser("pdf", help="write printable documents (statements, invoices…) as PDF")
    p.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH", help="database file or URL")
    p.add_argument(
        "--as-of",
        type=iso_date,
        default=argparse.SUPPRESS,
        metavar="YYYY-MM-DD",
        help="date of the documents (default today)",
    )
    p.add_argument("document", choices=DOCUMENTS, help="the document to write")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE_OR_DIR",
        help="the PDF file, or a folder for one file per document",
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument("--customer", metavar="CODE", help="one customer's documents")
    who.add_argument("--all", action="store_true", help="every customer the document applies to")
    p.add_argument("--number", metavar="NUMBER", help="invoice or receipt: the one to print")
    p.add_argument("--level", type=positive_int, metavar="N", help="dunning: only this level")
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
    p.add_argument(
        "--paper", choices=("A4", "Letter"), default=None, help="default: the company setting"
    )
    p.set_defaults(func=lambda args: run_pdf(args, open_book))


def _check(args: argparse.Namespace) -> None:
    from desktop_ar.cli.main import UsageError

    kind = args.document
    if args.customer is not None and not args.customer.strip():
        raise UsageError(f"pdf {kind}: --customer needs a customer code")
    if args.number is not None:
        if kind not in NUMBERED:
            raise UsageError(f"pdf {kind}: --number is for invoice and receipt only")
        if args.customer is not None or args.all:
            raise UsageError(f"pdf {kind}: give --number alone, without --customer or --all")
        if not args.number.strip():
            raise UsageError(f"pdf {kind}: --number needs a document number")
    if args.level is not None and kind != "dunning":
        raise UsageError(f"pdf {kind}: --level is for dunning letters only")
    picked = args.customer is not None or args.all or args.number is not None
    if not picked and kind != "aging":
        options = (
            "--customer CODE, --all or --number NUMBER"
            if kind in NUMBERED
            else ("--customer CODE or --all")
        )
        raise UsageError(f"pdf {kind} needs {options}")
    end = args.date_to or getattr(args, "as_of", None)
    if args.date_from is not None and end is not None and args.date_from > end:
        raise UsageError(f"--from {args.date_from.isoformat()} is after the end {end.isoformat()}")


def count_pages(paths: Sequence[Path]) -> int:
    """The pages of PDF files written by reportlab or joined by pypdf (page objects counted)."""
    return sum(len(_PAGE.findall(path.read_bytes())) for path in paths)


def _per_file(raw: str, out: Path, documents: int) -> bool:
    if out.is_dir() or raw.endswith(("/", os.sep)):
        return True
    return documents > 1 and out.suffix.lower() != ".pdf"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def run_pdf(args: argparse.Namespace, open_book: OpenBook) -> int:
    """Check the options, find what to print, write it (exit status 0; 1 when nothing)."""
    _check(args)
    from desktop_ar.services.docs import DocOptions, find_targets, write_pdf
    from desktop_ar.services.progress import StderrProgress
    from desktop_ar.services.statements import customer_id_for_code

    kind = args.document
    raw = str(args.output)
    out = Path(raw).expanduser()
    with open_book(args) as ctx:
        as_of = getattr(args, "as_of", None) or ctx.clock.today()
        opts = DocOptions(
            as_of=as_of,
            date_from=args.date_from,
            date_to=args.date_to,
            lang=args.doc_lang,
            paper=args.paper,
            level=args.level,
        )
        cid = customer_id_for_code(ctx, args.customer) if args.customer else None
        number = args.number.strip() if args.number else None
        targets = find_targets(ctx, kind, opts, customer_id=cid, number=number)
        if not targets:
            who = f"customer {args.customer.strip()}" if args.customer else "these options"
            print(f"pdf {kind}: nothing to print for {who}", file=sys.stderr)
            return 1
        per_file = _per_file(raw, out, len(targets))
        progress = StderrProgress() if len(targets) > 1 else None
        written = write_pdf(ctx, targets, opts, out, per_file=per_file, progress=progress)
    if kind == "statement" and len(targets) == 1:
        from desktop_ar.services.docs.statement import period

        start, end = period(opts)
        print(
            f"Statement of account {targets[0].label}, {start.isoformat()} to {end.isoformat()}",
            file=sys.stderr,
        )
    where = out if per_file else written[0]
    pages = count_pages(written)
    print(
        f"Wrote {_plural(len(targets), 'document')} ({_plural(pages, 'page')}) to {where}",
        file=sys.stderr,
    )
    return 0
