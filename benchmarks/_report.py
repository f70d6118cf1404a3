"""The benchmark result rows (targets, measured values, notes) and the printed table."""

from __future__ import annotations

from typing import Any

# Targets on a 2-core machine (issue 8). None: reported, no target.
TARGET_AGING_S = 0.5
TARGET_FIRST_PAINT_MS = 50.0
TARGET_FILTER_MS = 300.0
TARGET_SORT_MS = 1000.0
TARGET_COLD_START_MS = 1500.0
TARGET_RSS_MB = 400.0
TARGET_MATCHING_S = 5.0  # issue 6: 5,000 bank lines vs 100,000 open invoices


def _row(
    measure: str, unit: str, target: float | None, value: float | None, note: str = ""
) -> dict[str, Any]:
    ok = None if target is None or value is None else value < target
    return {
        "measure": measure,
        "unit": unit,
        "target": target,
        "measured": value,
        "ok": ok,
        "note": note,
    }


def _mb(kib: int) -> float:
    return round(kib / 1024, 1)


def _s(ms: float | None) -> float | None:
    return None if ms is None else round(ms / 1000, 3)


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"
    return str(value)


def _cases_note(cases: dict[str, Any], key: str) -> str:
    return "; ".join(
        f"{label} {c['text']!r}: {_fmt(c.get(key))} ms, {c.get('matches')} rows"
        for label, c in cases.items()
    )


def print_table(rows: list[dict[str, Any]]) -> str:
    head = ("measure", "target", "measured", "ok?")
    body = []
    for r in rows:
        target = "—" if r["target"] is None else f"< {_fmt(float(r['target']))} {r['unit']}"
        measured = "n/a" if r["measured"] is None else f"{_fmt(float(r['measured']))} {r['unit']}"
        ok = "—" if r["ok"] is None else ("yes" if r["ok"] else "NO")
        body.append((r["measure"], target, measured, ok))
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(4)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(head, widths, strict=True))]
    lines.append("-|-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    text = "\n".join(lines)
    print(text)
    return text


def make_rows(
    meta: dict[str, Any], raw: dict[str, Any], rss: dict[str, int]
) -> list[dict[str, Any]]:
    """The result table: measure, unit, target, measured, ok, note."""
    aging = raw.get("aging", {})
    cust = raw.get("customers_paint", {})
    inv = raw.get("invoices_paint", {})
    fpage = raw.get("filter_page", {})
    fsvc = raw.get("filter", {})
    srt = raw.get("sort", {})
    spage = raw.get("sort_page", {})
    cs_data = raw.get("cold_start", {})
    mat = raw.get("matching", {})
    build_note = "cached build" if meta.get("cached") else "built this run"
    rows = [
        _row("demo generation", "s", None, meta.get("seconds"), build_note),
        _row(
            "aging by customer (median of 3)",
            "s",
            TARGET_AGING_S,
            _s(aging.get("median_ms")),
            f"first run {_fmt(_s(aging.get('first_ms')))} s; "
            f"{aging.get('items', '?')} open items, {aging.get('customer_rows', '?')} customers",
        ),
        _row(
            "customers list first paint",
            "ms",
            TARGET_FIRST_PAINT_MS,
            cust.get("first_paint_ms"),
            f"query {_fmt(cust.get('construct_ms'))} ms + show/paint "
            f"{_fmt(cust.get('show_to_paint_ms'))} ms",
        ),
        _row(
            "invoices list first paint",
            "ms",
            TARGET_FIRST_PAINT_MS,
            inv.get("first_paint_ms"),
            f"query {_fmt(inv.get('construct_ms'))} ms + show/paint "
            f"{_fmt(inv.get('show_to_paint_ms'))} ms",
        ),
        _row(
            "text filter over invoices (service, worse case)",
            "ms",
            TARGET_FILTER_MS,
            fsvc.get("median_ms"),
            _cases_note(fsvc.get("cases", {}), "median_ms") + f"; sort {fsvc.get('sort')}",
        ),
        _row(
            "text filter through the filter box",
            "ms",
            TARGET_FILTER_MS,
            fpage.get("ms"),
            _cases_note(fpage.get("cases", {}), "ms") + "; debounce excluded",
        ),
        _row(
            "sort by amount: first page (median of 3)",
            "ms",
            TARGET_SORT_MS,
            srt.get("median_ms"),
            f"first run {_fmt(srt.get('first_ms'))} ms",
        ),
        _row(
            "sort by amount: all ids (median of 3)",
            "ms",
            TARGET_SORT_MS,
            srt.get("all_ids", {}).get("median_ms"),
            f"{srt.get('all_ids', {}).get('ids', '?')} ids",
        ),
        _row(
            "sort by amount: header click to repaint",
            "ms",
            TARGET_SORT_MS,
            spage.get("ms"),
        ),
        _row(
            "cold start to first paint",
            "ms",
            TARGET_COLD_START_MS,
            cs_data.get("ms"),
            f"{cs_data.get('how')}; app says {cs_data.get('app_reported_ms')} ms",
        ),
        _row(
            "bank matching: 5,000 lines vs 100,000 invoices",
            "s",
            TARGET_MATCHING_S,
            mat.get("seconds"),
            f"index {_fmt(mat.get('index_s'))} s + match {_fmt(mat.get('match_s'))} s; CPU "
            f"{_fmt(mat.get('cpu_s'))} s; best candidate right {mat.get('best_right_pct')} %",
        ),
        _row(
            "peak RSS, app and measures (max)",
            "MB",
            TARGET_RSS_MB,
            _mb(max(rss.values())) if rss else None,
            "max of " + ", ".join(f"{k} {_mb(v)}" for k, v in rss.items()),
        ),
        _row(
            "peak RSS, demo generator",
            "MB",
            None,
            _mb(meta["rss_kib"]) if "rss_kib" in meta else None,
            build_note,
        ),
    ]
    return rows


TARGET_IMPORT_ROWS_PER_S = 20_000  # issue 5: end to end (plan + commit) on a 2-core machine
_IMPORTS = (
    ("import_invoices", "import invoices"),
    ("import_payments_ref", "import payments, by invoice number"),
    ("import_payments_oldest", "import payments, oldest first"),
)


def make_import_rows(raw: dict[str, Any], rss: dict[str, int]) -> list[dict[str, Any]]:
    """Import rows: plan + commit seconds of each sheet (target: 20,000 rows/s) and peak RSS."""
    rows = []
    for key, label in _IMPORTS:
        data = raw.get(key, {})
        count = data.get("rows") or 100_000
        note = (
            f"{data.get('rows_per_s', '?')} rows/s; plan {_fmt(data.get('plan_s'))} s + "
            f"commit {_fmt(data.get('commit_s'))} s; {data.get('created', '?')} created, "
            f"{data.get('rejected', '?')} rejected; {data.get('progress_reports', '?')} "
            f"progress reports"
        )
        target = round(count / TARGET_IMPORT_ROWS_PER_S, 3)
        rows.append(_row(f"{label} ({count:,} rows)", "s", target, data.get("seconds"), note))
    rows.append(
        _row(
            "peak RSS, imports (max)",
            "MB",
            TARGET_RSS_MB,
            _mb(max(rss.values())) if rss else None,
            "max of " + ", ".join(f"{k} {_mb(v)}" for k, v in rss.items()),
        )
    )
    return rows


TARGET_BANK_SUGGEST_S = 5.0  # issue 6: through the service, loading included


def make_bank_rows(raw: dict[str, Any], rss: dict[str, int]) -> list[dict[str, Any]]:
    """``suggest`` end to end over the book: seconds (load + build + match) and peak RSS."""
    data = raw.get("bank_suggest", {})
    note = (
        f"load + build {_fmt(data.get('load_and_build_s'))} s + match "
        f"{_fmt(data.get('match_s'))} s; CPU {_fmt(data.get('cpu_s'))} s; "
        f"{data.get('open_invoices', '?')} open invoices; "
        f"{data.get('with_candidates', '?')} of {data.get('lines', '?')} lines with candidates"
    )
    return [
        _row(
            "bank suggest (service): 5,000 lines vs 100,000 open invoices",
            "s",
            TARGET_BANK_SUGGEST_S,
            data.get("seconds"),
            note,
        ),
        _row(
            "peak RSS, bank suggest",
            "MB",
            TARGET_RSS_MB,
            _mb(rss["bank_suggest"]) if "bank_suggest" in rss else None,
        ),
    ]


TARGET_PDF_S = 15.0  # issue 7: 1,000 one-page statements on a 2-core machine


def make_pdf_rows(raw: dict[str, Any], rss: dict[str, int]) -> list[dict[str, Any]]:
    """1,000 statements: combined and per-file seconds (with pages, MB, CPU) and peak RSS."""
    data = raw.get("pdf_statements", {})
    rows = []
    for key, label in (("combined", "one combined PDF"), ("per_file", "one file each")):
        part = data.get(key, {})
        note = (
            f"{part.get('pages', '?')} pages, {_fmt(part.get('mb'))} MB; CPU "
            f"{_fmt(part.get('cpu_self_s'))} s here + {_fmt(part.get('cpu_workers_s'))} s in "
            f"workers; {data.get('workers', '?')} processes on {data.get('cpus', '?')} CPUs; "
            f"load {data.get('load_before', ['?'])[0]}"
        )
        rows.append(
            _row(
                f"PDF: {data.get('documents', 1000):,} statements, {label}",
                "s",
                TARGET_PDF_S,
                part.get("seconds"),
                note,
            )
        )
    find = data.get("find_targets", {})
    rows.append(
        _row(
            "PDF: finding the statements to print",
            "s",
            None,
            find.get("seconds"),
            f"{data.get('statements_in_book', '?')} customers with a balance or activity",
        )
    )
    rows.append(
        _row(
            "peak RSS, PDF batch (this process)",
            "MB",
            TARGET_RSS_MB,
            _mb(rss["pdf_statements"]) if "pdf_statements" in rss else None,
        )
    )
    return rows


TARGET_DASHBOARD_S = 1.0  # issue 8: the dashboard on the 1,000,000-invoice book


def make_dashboard_rows(raw: dict[str, Any], rss: dict[str, int]) -> list[dict[str, Any]]:
    """The dashboard row: median of 3 warm runs, the steps of the last run in the note."""
    data = raw.get("dashboard", {})
    steps = "; ".join(f"{k} {_fmt(v)} ms" for k, v in data.get("steps_ms", {}).items())
    period = " .. ".join(data.get("period", []))
    note = f"first run {_fmt(_s(data.get('first_ms')))} s; period {period}; steps: {steps}"
    rows = [
        _row("dashboard (median of 3)", "s", TARGET_DASHBOARD_S, _s(data.get("median_ms")), note)
    ]
    if "dashboard" in rss:
        rows.append(_row("peak RSS, dashboard", "MB", TARGET_RSS_MB, _mb(rss["dashboard"])))
    return rows
