"""PDF batch speed: 1,000 statements of account as one combined PDF and as one file each.

``ensure_pdf_book`` builds (once, cached in ``benchmarks/.cache``) a demo book of 1,400
customers and 14,000 invoices (``seed_demo``, seed 7, as of 2026-06-30) in which more than
1,000 customers have a balance or activity in June 2026, so their statements are mostly one
page. ``measure_pdf`` (a fresh child process) opens it read-only, finds the statement targets
for June 2026 and times, for the first 1,000 of them:

* ``write_pdf(…)`` into one combined file (every statement with its own "Page X of Y");
* ``write_pdf(…, per_file=True)`` into a fresh folder (1,000 files);

each end to end, finding the targets excluded (timed apart), with the workers the service
picks on this machine. CPU seconds of this process and of its worker processes are reported
too: on a busy machine they say more than the wall clock.

Run alone: ``.venv/bin/python benchmarks/run.py --only pdf``, or
``.venv/bin/python benchmarks/_pdf_measures.py measure BOOK``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import AS_OF, now, self_rss_kib

CUSTOMERS, INVOICES, SEED = 1_400, 14_000, 7
DOCUMENTS = 1_000
TARGET_S = 15.0


def book_path(cache: Path) -> Path:
    return cache / f"pdf-book-{CUSTOMERS}-{INVOICES}-seed{SEED}.db"


def ensure_pdf_book(cache: Path, rebuild: bool = False) -> dict[str, Any]:
    """The cached book (built when missing or with ``rebuild``)."""
    db = book_path(cache)
    if db.exists() and not rebuild:
        return {"book": str(db), "cached": True}
    from desktop_ar.services.book import create_book
    from desktop_ar.services.context import FixedClock
    from desktop_ar.services.demo import seed_demo

    cache.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(db.name + ".tmp")
    for leftover in (db, tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    t0 = now()
    ctx = create_book(tmp, company_name="明远贸易有限公司", clock=FixedClock(AS_OF))
    seed_demo(ctx, customers=CUSTOMERS, invoices=INVOICES, seed=SEED, as_of=AS_OF)
    ctx.engine.dispose()  # the last connection checkpoints and removes the WAL
    tmp.replace(db)
    return {"book": str(db), "cached": False, "build_s": round(now() - t0, 1)}


def _cpu() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def _timed(fn: Any) -> tuple[Any, dict[str, float]]:
    cpu0, t0 = _cpu(), now()
    result = fn()
    seconds, cpu1 = now() - t0, _cpu()
    return result, {
        "seconds": round(seconds, 3),
        "cpu_self_s": round(cpu1[0] - cpu0[0], 3),
        "cpu_workers_s": round(cpu1[1] - cpu0[1], 3),
    }


def measure_pdf(db: Path, _opts: argparse.Namespace | None = None) -> dict[str, Any]:
    """Combined and per-file ``write_pdf`` of the first 1,000 statement targets."""
    from desktop_ar.cli.pdf_command import count_pages
    from desktop_ar.services.book import open_book
    from desktop_ar.services.context import FixedClock
    from desktop_ar.services.docs import DocOptions, find_targets, write_pdf
    from desktop_ar.services.docs.batch import auto_workers

    ctx = open_book(db, clock=FixedClock(AS_OF), read_only=True)  # no audit rows in the book
    opts = DocOptions(as_of=AS_OF)
    found, find = _timed(lambda: find_targets(ctx, "statement", opts))
    targets = found[:DOCUMENTS]
    if len(targets) < DOCUMENTS:
        raise SystemExit(f"the book has only {len(targets)} statements to print")
    load_before = os.getloadavg()
    out = Path(tempfile.mkdtemp(prefix="dar-pdf-bench-"))
    try:
        (combined,), one = _timed(lambda: write_pdf(ctx, targets, opts, out / "all.pdf"))
        files, each = _timed(lambda: write_pdf(ctx, targets, opts, out / "each", per_file=True))
        combined_bytes = combined.stat().st_size
        files_bytes = sum(p.stat().st_size for p in files)
        pages = count_pages([combined])
        file_pages = count_pages(files)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {
        "documents": len(targets),
        "statements_in_book": len(found),
        "workers": auto_workers(ctx, len(targets)),
        "cpus": os.cpu_count(),
        "find_targets": find,
        "combined": {**one, "pages": pages, "mb": round(combined_bytes / 2**20, 2)},
        "per_file": {
            **each,
            "files": len(files),
            "pages": file_pages,
            "mb": round(files_bytes / 2**20, 2),
        },
        "load_before": list(load_before),
        "load_after": list(os.getloadavg()),
        "target_s": TARGET_S,
        "rss_self_kib": self_rss_kib(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=("book", "measure"))
    parser.add_argument("path", type=Path, help="book: the cache folder; measure: the book")
    parser.add_argument("--rebuild", action="store_true")
    opts = parser.parse_args(argv)
    if opts.what == "book":
        result = ensure_pdf_book(opts.path, opts.rebuild)
    else:
        result = measure_pdf(opts.path)
    sys.stdout.flush()
    print(json.dumps(result, ensure_ascii=False, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
