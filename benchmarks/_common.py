"""Helpers shared by the benchmark child processes (``_measure.py``, ``_qt_measures.py``)."""

from __future__ import annotations

import resource
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AS_OF = date(2026, 6, 30)
FIRST_PAGE = 200  # LazyTableModel.PAGE: rows fetched for the first screen
ID_CHUNK = 2000  # LazyTableModel.CHUNK: ids fetched by a query

now = time.perf_counter
STARTED = now()  # about when this interpreter started (imported first thing)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def self_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def open_book_ctx(db: Path) -> tuple[Any, float, float]:
    """The service context for ``db`` (clock fixed at AS_OF), import and open seconds."""
    t0 = now()
    from desktop_ar.services.book import open_book
    from desktop_ar.services.context import FixedClock

    t1 = now()
    ctx = open_book(db, clock=FixedClock(AS_OF))
    return ctx, t1 - t0, now() - t1


def repeat(fn: Callable[[], Any], times: int = 3) -> tuple[list[float], Any]:
    runs: list[float] = []
    result: Any = None
    for _ in range(times):
        t0 = now()
        result = fn()
        runs.append(now() - t0)
    return runs, result


def summary(runs: list[float]) -> dict[str, Any]:
    return {
        "first_ms": ms(runs[0]),
        "median_ms": ms(statistics.median(runs)),
        "runs_ms": [ms(r) for r in runs],
    }


def fragments(db: Path) -> dict[str, str]:
    """Search texts a user would type: part of a customer's name and of an invoice number."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (n_cust,) = con.execute("SELECT count(*) FROM customers").fetchone()
        name, short = con.execute(
            "SELECT name, short_name FROM customers ORDER BY id LIMIT 1 OFFSET ?", (n_cust // 2,)
        ).fetchone()
        (n_inv,) = con.execute("SELECT count(*) FROM invoices").fetchone()
        (number,) = con.execute(
            "SELECT number FROM invoices ORDER BY id LIMIT 1 OFFSET ?", (n_inv // 2,)
        ).fetchone()
    finally:
        con.close()
    base = short or name
    # Chinese names: two characters (e.g. 明远); Latin names: the first word.
    name_fragment = base[:2] if not base.isascii() else base.split()[0][:6]
    digits = "".join(ch for ch in number if ch.isdigit())
    return {"customer_name": name_fragment, "invoice_number": digits[-5:] or number[-5:]}


def first_screen(ctx: Any, source: Any, spec: Any, sort: Any) -> tuple[int, dict[str, float]]:
    """What the lazy model does for a new query: count and first id chunk, first page of rows."""
    t0 = now()
    count, ids = source.first_page(ctx, spec, sort, ID_CHUNK)
    t2 = now()
    source.rows(ctx, ids[:FIRST_PAGE], AS_OF)
    t3 = now()
    return count, {"count_and_ids_ms": ms(t2 - t0), "rows_ms": ms(t3 - t2)}


def parse_sort(text: str) -> Any:
    from desktop_ar.services.lists import SortSpec

    key, _, direction = text.partition(":")
    return SortSpec(key, descending=direction == "desc")
