"""``report … --format pdf -o FILE.pdf [--doc-lang en|zh]``: an analysis report as a PDF.

The report is laid out on the company letterhead by :mod:`desktop_ar.services.analysis_pdf`
(written through a temporary name and a rename, with one audit row).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

__all__ = ["run_report_pdf"]

OpenBook = Callable[[argparse.Namespace], AbstractContextManager[Any]]


def run_report_pdf(args: argparse.Namespace, opener: OpenBook) -> int:
    """Write ``args.report`` as a PDF to ``args.output`` (exit status 0)."""
    from desktop_ar.services.analysis_pdf import write_report_pdf

    with opener(args) as ctx:
        as_of = getattr(args, "as_of", None) or ctx.clock.today()
        path = write_report_pdf(
            ctx,
            args.report,
            as_of,
            getattr(args, "date_from", None),
            getattr(args, "date_to", None),
            Path(args.output).expanduser(),
            by=getattr(args, "by", None) or "customer",
            lang=getattr(args, "doc_lang", None) or "en",
        )
    print(f"Wrote {path}", file=sys.stderr)
    return 0
