"""Desktop AR benchmarks: one command that builds (and caches) a demo book and prints every figure.

    .venv/bin/python benchmarks/run.py [--customers 10000] [--invoices 1000000] [--rebuild]
                                       [--json out.json] [--quick]
                                       [--only import|bank|pdf|dashboard]
                                       [--import-rows 100000]

The book is built once into ``benchmarks/.cache/book-<customers>-<invoices>-seed1.db`` (as of
2026-06-30) by a child process, so that its memory is measured on its own. Every figure is then
measured in a fresh child process (``benchmarks/_measure.py``), and the application cold start
by running ``python -m desktop_ar --db <book>`` with ``DESKTOP_AR_EXIT_AFTER_FIRST_PAINT=1``.
Peak memory is each child's maximum resident set size (``wait4`` rusage, KiB on Linux).
The import figures (``--only import`` runs just those) use their own cached book of 2,000
customers and 100,000-row sheets (``benchmarks/_import_measures.py``). The bank figure
(``--only bank``): ``suggest`` for a 5,000-line statement over a copy of the book with 100,000
open invoices (``benchmarks/_bank_measures.py``). The PDF figures (``--only pdf``): 1,000
statements of account as one combined PDF and as one file each, over their own cached book of
1,400 customers (``benchmarks/_pdf_measures.py``). The dashboard (``--only dashboard``): the
receivables dashboard for the default period, three runs in one child on the cached book.
Results: a table on stdout, ``benchmarks/.cache/results.json`` and the ``--json`` path.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from _bank_measures import run_bank
from _report import (
    make_bank_rows,
    make_dashboard_rows,
    make_import_rows,
    make_pdf_rows,
    make_rows,
    print_table,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
MEASURE = BENCH / "_measure.py"
SEED = 1
AS_OF = "2026-06-30"
QUICK = (1_000, 50_000)
EXIT_HOOK = "DESKTOP_AR_EXIT_AFTER_FIRST_PAINT"
FIRST_PAINT_RE = re.compile(r"first-paint-ms=([0-9.]+)")


@dataclass
class Child:
    """What one child process gave back."""

    data: dict[str, Any]
    rss_kib: int
    wall_s: float
    returncode: int
    stderr: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and bool(self.data)


def _env(settings_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    # A fresh settings file per child: no saved column layout leaks between measures.
    env["DESKTOP_AR_SETTINGS"] = str(settings_dir / "settings.ini")
    return env


def _reap(proc: subprocess.Popen[str]) -> tuple[int, int]:
    """Wait for ``proc`` with wait4: its exit code and its own peak RSS (KiB)."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss


def _last_json(text: str) -> dict[str, Any]:
    for raw in reversed(text.strip().splitlines()):
        line = raw.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    return {}


def run_child(
    args: list[str], *, timeout: float = 900, show_stderr: bool = False, script: Path = MEASURE
) -> Child:
    """Run ``_measure.py`` (or ``script``) with ``args`` in a fresh interpreter: JSON and RSS."""
    with tempfile.TemporaryDirectory(prefix="dar-bench-") as tmp:
        err_path = Path(tmp) / "stderr.txt"
        with err_path.open("w") as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, str(script), *args],
                stdout=subprocess.PIPE,
                stderr=None if show_stderr else err,
                text=True,
                cwd=ROOT,
                env=_env(Path(tmp)),
            )
            killer = threading.Timer(timeout, proc.kill)
            killer.start()
            try:
                assert proc.stdout is not None
                out = proc.stdout.read()
                rc, rss = _reap(proc)
            finally:
                killer.cancel()
            wall = time.perf_counter() - t0
        stderr = err_path.read_text(errors="replace")
    child = Child(_last_json(out), rss, wall, rc, stderr)
    if not child.ok:
        print(f"  ! {' '.join(args[:1])} failed (exit {rc}):\n{stderr[-3000:]}", file=sys.stderr)
    return child


def app_has_exit_hook() -> bool:
    """Whether the app knows ``DESKTOP_AR_EXIT_AFTER_FIRST_PAINT`` yet."""
    return any(
        EXIT_HOOK in path.read_text(errors="replace")
        for path in (ROOT / "desktop_ar").rglob("*.py")
    )


def cold_start(db: Path, *, timeout: float = 60) -> Child:
    """``python -m desktop_ar --db <book> --as-of …``: wall time from Popen to first paint.

    Until the app has its exit hook, ``_measure.py app-shim`` runs the same CLI entry point
    with an event filter that prints the line and quits (noted in the result).
    """
    hook = app_has_exit_hook()
    if hook:
        cmd = [sys.executable, "-m", "desktop_ar", "--db", str(db), "--as-of", AS_OF]
    else:
        cmd = [sys.executable, str(MEASURE), "app-shim", str(db)]
    with tempfile.TemporaryDirectory(prefix="dar-bench-") as tmp:
        env = _env(Path(tmp))
        env[EXIT_HOOK] = "1"
        err_path = Path(tmp) / "stderr.txt"
        with err_path.open("w") as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                cwd=ROOT,
                env=env,
            )
            killer = threading.Timer(timeout, proc.kill)
            killer.start()
            line_at: float | None = None
            app_ms: float | None = None
            try:
                assert proc.stdout is not None
                for line in proc.stdout:
                    found = FIRST_PAINT_RE.search(line)
                    if found and line_at is None:
                        line_at = time.perf_counter()
                        app_ms = float(found.group(1))
                rc, rss = _reap(proc)
                exited_at = time.perf_counter()
            finally:
                killer.cancel()
        stderr = err_path.read_text(errors="replace")
    data: dict[str, Any] = {
        "exit_ms": round((exited_at - t0) * 1000, 1),
        "app_reported_ms": app_ms,
        "returncode": rc,
    }
    if line_at is not None:
        data["ms"] = round((line_at - t0) * 1000, 1)
        data["how"] = (
            "Popen to the app's first-paint-ms line"
            if hook
            else "app has no exit hook yet: Popen to first paint via benchmarks/_measure.py "
            "app-shim (same CLI entry point, event filter stops after the first paint pass)"
        )
    elif rc == 0:
        data["ms"] = data["exit_ms"]
        data["how"] = "no first-paint-ms line: Popen to process exit"
    else:
        data["how"] = f"failed (exit {rc}, killed after {timeout:.0f} s if -9)"
        print(f"  ! cold start failed:\n{stderr[-3000:]}", file=sys.stderr)
    return Child(data, rss, exited_at - t0, 0 if "ms" in data else 1, stderr)


# ---- the book ------------------------------------------------------------------------------


def book_path(customers: int, invoices: int) -> Path:
    return CACHE / f"book-{customers}-{invoices}-seed{SEED}.db"


def ensure_book(customers: int, invoices: int, rebuild: bool) -> tuple[Path, dict[str, Any]]:
    """Build the book in a child process unless it is cached; the build figures either way."""
    db = book_path(customers, invoices)
    meta_path = db.with_suffix(".json")
    if db.exists() and not rebuild:
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        meta["cached"] = True
        print(f"Using cached book {db.relative_to(ROOT)} (--rebuild to build it again)")
        return db, meta
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), meta_path):
        old.unlink(missing_ok=True)
    print(f"Building {customers:,} customers / {invoices:,} invoices into {db.name} …")
    child = run_child(
        ["build", str(db), "--customers", str(customers), "--invoices", str(invoices)],
        timeout=6 * 3600,
        show_stderr=True,
    )
    if not child.ok or not db.exists():
        raise SystemExit("building the demo book failed")
    meta = {
        **child.data,
        "rss_kib": child.rss_kib,
        "wall_seconds": round(child.wall_s, 2),
        "built": datetime.now().isoformat(timespec="seconds"),
        "cached": False,
    }
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False))
    return db, meta


def book_counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = ("customers", "invoices", "invoice_schedule_lines", "payments", "allocations")
        out = {}
        for table in tables:
            try:
                out[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            except sqlite3.Error:
                continue
        return out
    finally:
        con.close()


# ---- measures --------------------------------------------------------------------------


def measure_all(db: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Run every measure in its own child; raw results and each child's peak RSS (KiB)."""
    raw: dict[str, Any] = {}
    rss: dict[str, int] = {}

    def go(name: str, args: list[str]) -> dict[str, Any]:
        print(f"  measuring {name} …", flush=True)
        child = run_child(args)
        raw[name] = {**child.data, "rss_kib": child.rss_kib, "wall_s": round(child.wall_s, 2)}
        if child.ok:
            rss[name] = child.rss_kib
        return child.data if child.ok else {}

    d = str(db)
    go("aging", ["aging", d])
    go("customers_paint", ["paint", d, "--page", "customers"])
    inv = go("invoices_paint", ["paint", d, "--page", "invoices"])
    fpage = go("filter_page", ["filter-page", d])
    sort_arg = inv.get("sort") or fpage.get("first_paint", {}).get("sort") or "number:asc"
    go("filter", ["filter", d, "--sort", sort_arg])
    go("sort", ["sort", d])
    go("sort_page", ["sort-page", d])
    go("matching", ["matching", d])  # generated data: 5,000 lines vs 100,000 open invoices
    print("  measuring cold start …", flush=True)
    cs = cold_start(db)
    raw["cold_start"] = {**cs.data, "rss_kib": cs.rss_kib}
    if cs.ok:
        rss["cold_start"] = cs.rss_kib

    return raw, rss


def measure_imports(rows: int, rebuild: bool) -> tuple[dict[str, Any], dict[str, int]]:
    """Plan + commit of the 100,000-row invoice and payment sheets, one child per sheet."""
    raw: dict[str, Any] = {}
    rss: dict[str, int] = {}
    print(f"  preparing the import book and {rows:,}-row sheets (cached) …", flush=True)
    args = ["import-files", str(CACHE), "--rows", str(rows)] + (["--rebuild"] if rebuild else [])
    files = run_child(args, timeout=3600, show_stderr=True)
    if not files.ok:
        return raw, rss
    paths = files.data
    after = CACHE / "import-book-after-invoices.db"
    steps = (
        ("import_invoices", paths["book"], "invoices", paths["invoices"], str(after)),
        ("import_payments_ref", str(after), "payments", paths["payments_ref"], ""),
        ("import_payments_oldest", str(after), "payments", paths["payments_oldest"], ""),
    )
    try:
        for name, db, kind, sheet, keep in steps:
            print(f"  measuring {name} …", flush=True)
            child = run_child(
                ["import", db, "--kind", kind, "--file", sheet, "--keep", keep], timeout=1800
            )
            raw[name] = {**child.data, "rss_kib": child.rss_kib, "wall_s": round(child.wall_s, 2)}
            if child.ok:
                rss[name] = child.rss_kib
            if not child.ok and keep:
                break
    finally:
        for old in (after, Path(f"{after}-wal"), Path(f"{after}-shm")):
            old.unlink(missing_ok=True)
    return raw, rss


def measure_dashboard(db: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """The dashboard on the cached book, in a fresh child (``_measure.py dashboard``)."""
    print("  measuring dashboard …", flush=True)
    child = run_child(["dashboard", str(db)])
    raw = {"dashboard": {**child.data, "rss_kib": child.rss_kib, "wall_s": round(child.wall_s, 2)}}
    return raw, ({"dashboard": child.rss_kib} if child.ok else {})


def measure_pdf(rebuild: bool) -> tuple[dict[str, Any], dict[str, int]]:
    """1,000 statements as one PDF and as 1,000 files (``_pdf_measures.py``), in a child."""
    raw: dict[str, Any] = {}
    rss: dict[str, int] = {}
    script = BENCH / "_pdf_measures.py"
    print("  preparing the PDF book: 1,400 customers / 14,000 invoices (cached) …", flush=True)
    args = ["book", str(CACHE)] + (["--rebuild"] if rebuild else [])
    book = run_child(args, timeout=3600, show_stderr=True, script=script)
    if not book.ok:
        return raw, rss
    print("  measuring pdf_statements …", flush=True)
    child = run_child(["measure", book.data["book"]], timeout=1800, script=script)
    raw["pdf_statements"] = {
        **child.data,
        "rss_kib": child.rss_kib,
        "wall_s": round(child.wall_s, 2),
    }
    if child.ok:
        rss["pdf_statements"] = child.rss_kib
    return raw, rss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Desktop AR benchmarks")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="build the book again")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--quick", action="store_true", help="1,000 customers / 50,000 invoices")
    parser.add_argument(
        "--only", choices=("import", "bank", "pdf", "dashboard"), help="run only these figures"
    )
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows per import sheet")
    opts = parser.parse_args(argv)
    customers, invoices = QUICK if opts.quick else (opts.customers, opts.invoices)

    load_before = list(os.getloadavg())  # other work on the machine skews every figure
    if opts.only == "import":
        db, meta = None, {}
        raw, rss = measure_imports(opts.import_rows, opts.rebuild)
        rows = make_import_rows(raw, rss)
    elif opts.only == "pdf":
        db, meta = None, {}
        raw, rss = measure_pdf(opts.rebuild)
        rows = make_pdf_rows(raw, rss)
    elif opts.only == "dashboard":
        db, meta = ensure_book(customers, invoices, opts.rebuild)
        load_before = list(os.getloadavg())
        raw, rss = measure_dashboard(db)
        rows = make_dashboard_rows(raw, rss)
    elif opts.only == "bank":
        source, _ = ensure_book(customers, invoices, False)
        db, meta = None, {}
        raw, rss = run_bank(run_child, CACHE, source, opts.rebuild)
        rows = make_bank_rows(raw, rss)
    else:
        db, meta = ensure_book(customers, invoices, opts.rebuild)
        load_before = list(os.getloadavg())
        raw, rss = measure_all(db)
        dash_raw, dash_rss = measure_dashboard(db)
        raw.update(dash_raw)
        import_raw, import_rss = measure_imports(opts.import_rows, False)
        bank_raw, bank_rss = run_bank(run_child, CACHE, db, False)
        rows = make_rows(meta, raw, rss) + make_dashboard_rows(raw, dash_rss)
        rows += make_bank_rows(bank_raw, bank_rss)
        rows += make_import_rows(import_raw, import_rss)
        pdf_raw, pdf_rss = measure_pdf(False)
        rows += make_pdf_rows(pdf_raw, pdf_rss)
        raw.update(import_raw)
        raw.update(bank_raw)
        raw.update(pdf_raw)
    print()
    table = print_table(rows)
    for r in rows:
        if r["note"]:
            print(f"  {r['measure']}: {r['note']}")
    result = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "load_before": load_before,
            "load_after": list(os.getloadavg()),
        },
        "book": None
        if db is None
        else {
            "path": str(db),
            "customers": customers,
            "invoices": invoices,
            "seed": SEED,
            "as_of": AS_OF,
            "bytes": db.stat().st_size,
            "counts": book_counts(db),
            "build": meta,
        },
        "rows": rows,
        "table": table,
        "raw": raw,
    }
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "results.json").write_text(text)
    if opts.json:
        opts.json.write_text(text)
    failed = [r["measure"] for r in rows if r["ok"] is False]
    missing = [r["measure"] for r in rows if r["measured"] is None]
    print(f"\nwrote {CACHE / 'results.json'}" + (f" and {opts.json}" if opts.json else ""))
    if missing:
        print("not measured: " + ", ".join(missing))
    if failed:
        print("missed target: " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
