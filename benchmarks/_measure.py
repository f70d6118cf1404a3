"""Child-process measurements for ``benchmarks/run.py``: one figure per process.

Usage: ``python benchmarks/_measure.py <what> <db> [options]``; prints exactly one JSON object
as its last line of stdout. ``what`` is one of: build, aging, dashboard, filter, sort, paint,
filter-page, sort-page, import-files, import, matching, bank-book, bank. Every child starts cold
(fresh interpreter, fresh SQLite page cache; the operating system's file cache is shared and
warm, as it is for a user who reopens the app).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import (
    AS_OF,
    first_screen,
    fragments,
    ms,
    now,
    open_book_ctx,
    parse_sort,
    repeat,
    self_rss_kib,
    summary,
)

# ---- build -----------------------------------------------------------------------------------


def measure_build(db: Path, opts: argparse.Namespace) -> dict[str, Any]:
    from desktop_ar.services.book import create_book
    from desktop_ar.services.context import FixedClock
    from desktop_ar.services.demo import seed_demo
    from desktop_ar.services.progress import StderrProgress

    tmp = db.with_name(db.name + ".tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    t0 = now()
    ctx = create_book(tmp, company_name="Benchmark Trading Co.", clock=FixedClock(AS_OF))
    t1 = now()
    demo = seed_demo(
        ctx,
        customers=opts.customers,
        invoices=opts.invoices,
        seed=1,
        as_of=AS_OF,
        progress=StderrProgress(),
    )
    t2 = now()
    ctx.engine.dispose()  # the last connection checkpoints and removes the WAL
    tmp.replace(db)
    summary_text = repr(demo)
    return {
        "seconds": round(t2 - t0, 2),
        "create_seconds": round(t1 - t0, 2),
        "seed_seconds": round(t2 - t1, 2),
        "summary": summary_text[:2000],
        "db_bytes": db.stat().st_size,
    }


# ---- aging -----------------------------------------------------------------------------------


def measure_aging(db: Path, _opts: argparse.Namespace) -> dict[str, Any]:
    ctx, import_s, open_s = open_book_ctx(db)
    from desktop_ar.domain.aging import age
    from desktop_ar.services import reports
    from desktop_ar.services.settings import get_settings

    runs, report = repeat(lambda: reports.aging(ctx, as_of=AS_OF))
    # One more run split in two: SQL + row building vs the pure-Python bucketing.
    t0 = now()
    items = reports.aging_items(ctx, as_of=AS_OF)
    t1 = now()
    settings = get_settings(ctx)
    from desktop_ar.domain.aging import Buckets

    age(
        items,
        as_of=AS_OF,
        buckets=Buckets.parse(settings.aging_buckets),
        basis=settings.aging_basis,
        base_currency=settings.base_currency,
    )
    t2 = now()
    customers = sum(len(c.by_customer) for c in report.currencies)
    return {
        **summary(runs),
        "import_ms": ms(import_s),
        "open_ms": ms(open_s),
        "items": len(items),
        "customer_rows": customers,
        "items_sql_ms": ms(t1 - t0),
        "age_python_ms": ms(t2 - t1),
    }


# ---- dashboard -------------------------------------------------------------------------------


def measure_dashboard(db: Path, _opts: argparse.Namespace) -> dict[str, Any]:
    """The receivables dashboard for the default period (12 months up to AS_OF), 3 runs."""
    ctx, import_s, open_s = open_book_ctx(db)
    from desktop_ar.services.analysis.dashboard import dashboard

    runs, dash = repeat(lambda: dashboard(ctx, AS_OF))
    return {
        **summary(runs),
        "import_ms": ms(import_s),
        "open_ms": ms(open_s),
        "period": [str(dash.date_from), str(dash.date_to)],
        "steps_ms": {k: ms(v) for k, v in dash.timings.items()},
        "figures": {f.key: str(f.value) for f in dash.figures},
    }


# ---- list services: filter and sort ---------------------------------------------------------


def measure_filter(db: Path, opts: argparse.Namespace) -> dict[str, Any]:
    texts = fragments(db)
    if opts.text:
        texts = {"given": opts.text}
    ctx, import_s, open_s = open_book_ctx(db)
    from desktop_ar.services.lists import ListSpec, invoices

    sort = parse_sort(opts.sort)
    cases: dict[str, Any] = {}
    for label, text in texts.items():
        spec = ListSpec(text=text, as_of=AS_OF)
        steps: dict[str, float] = {}
        count = 0

        def once(spec: Any = spec) -> None:
            nonlocal count, steps
            count, steps = first_screen(ctx, invoices, spec, sort)

        runs, _ = repeat(once)
        cases[label] = {"text": text, "matches": count, **summary(runs), "last_steps": steps}
    worst = max(cases.values(), key=lambda c: c["median_ms"])
    return {
        "first_ms": worst["first_ms"],
        "median_ms": worst["median_ms"],
        "worst_case": worst["text"],
        "sort": opts.sort,
        "cases": cases,
        "import_ms": ms(import_s),
        "open_ms": ms(open_s),
    }


def measure_sort(db: Path, _opts: argparse.Namespace) -> dict[str, Any]:
    ctx, import_s, open_s = open_book_ctx(db)
    from desktop_ar.services.lists import ListSpec, SortSpec, invoices

    spec = ListSpec(as_of=AS_OF)
    sort = SortSpec("amount", descending=True)
    steps: dict[str, float] = {}
    count = 0

    def first_page() -> None:
        nonlocal count, steps
        count, steps = first_screen(ctx, invoices, spec, sort)

    page_runs, _ = repeat(first_page)
    all_runs, ids = repeat(lambda: invoices.ids(ctx, spec, sort, 0, None))
    return {
        **summary(page_runs),
        "last_steps": steps,
        "rows": count,
        "all_ids": {**summary(all_runs), "ids": len(ids)},
        "import_ms": ms(import_s),
        "open_ms": ms(open_s),
    }


def _import(name: str) -> Callable[[Path, argparse.Namespace], dict[str, Any]]:
    """An import measure (``_import_measures.py``), imported only in the child that runs it."""

    def run(db: Path, opts: argparse.Namespace) -> dict[str, Any]:
        import _import_measures

        if name == "ensure_import_files":
            paths = _import_measures.ensure_import_files(db, opts.rows, rebuild=opts.rebuild)
            return {k: str(v) for k, v in paths.items()}
        return getattr(_import_measures, name)(db, opts)

    return run


def _qt(name: str) -> Callable[[Path, argparse.Namespace], dict[str, Any]]:
    """A Qt measure, imported only in the child that runs it."""

    def run(db: Path, opts: argparse.Namespace) -> dict[str, Any]:
        import _qt_measures

        return getattr(_qt_measures, name)(db, opts)

    return run


def measure_matching(db: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """Bank matching (``_matching_measures.py``) over generated data; the book is not read."""
    import _matching_measures

    return _matching_measures.measure_matching(db, opts)


def _bank(name: str) -> Callable[[Path, argparse.Namespace], dict[str, Any]]:
    """A bank measure (``_bank_measures.py``): ``db`` is the demo book, or the bank book."""

    def run(db: Path, opts: argparse.Namespace) -> dict[str, Any]:
        import _bank_measures

        if name == "ensure_bank_book":
            return _bank_measures.ensure_bank_book(db, Path(opts.cache), rebuild=opts.rebuild)
        return _bank_measures.measure_bank(db, opts)

    return run


MEASURES: dict[str, Callable[[Path, argparse.Namespace], dict[str, Any]]] = {
    "build": measure_build,
    "aging": measure_aging,
    "dashboard": measure_dashboard,
    "filter": measure_filter,
    "sort": measure_sort,
    "paint": _qt("measure_paint"),
    "filter-page": _qt("measure_filter_page"),
    "sort-page": _qt("measure_sort_page"),
    "app-shim": _qt("measure_app_shim"),
    "import-files": _import("ensure_import_files"),
    "import": _import("measure_import"),
    "matching": measure_matching,
    "bank-book": _bank("ensure_bank_book"),
    "bank": _bank("measure_bank"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=sorted(MEASURES))
    parser.add_argument("db", type=Path)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--page", choices=("customers", "invoices"), default="invoices")
    parser.add_argument("--text", default="", help="filter text (default: picked from the book)")
    parser.add_argument("--sort", default="number:asc", help="sort for the filter, key:asc|desc")
    parser.add_argument("--kind", default="invoices", help="import: the import kind")
    parser.add_argument("--file", default="", help="import: the sheet to import")
    parser.add_argument("--keep", default="", help="import: keep the imported book here")
    parser.add_argument("--rows", type=int, default=100_000, help="import-files: rows per sheet")
    parser.add_argument("--rebuild", action="store_true", help="import-files: build them again")
    parser.add_argument("--cache", default="", help="bank-book: the cache folder")
    opts = parser.parse_args(argv)
    t0 = now()
    result = MEASURES[opts.what](opts.db, opts)
    result["child_seconds"] = round(now() - t0, 3)
    result["rss_self_kib"] = self_rss_kib()
    sys.stdout.flush()
    print(json.dumps(result, ensure_ascii=False, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
