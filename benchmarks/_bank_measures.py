"""Bank matching through the service: ``bank_statements.suggest`` end to end over a real book.

The book (cached in ``benchmarks/.cache/bank-book-100000-open.db``) is a copy of the demo book
(``book-<customers>-<invoices>-seed1.db``, upgraded to the current schema) in which exactly
100,000 invoices stay open: the newest open CNY invoices; every other open invoice is closed
with set-based updates (``open_minor = 0``, status paid). A 5,000-line statement built from
the book (``random.Random(SEED)``) is imported through ``import_bank_file`` as a Chinese bank's
CSV export; its lines mix what a statement holds: one invoice paid with its number in the memo,
sums of two invoices of a customer, exact amounts with the name only, unknown payers, and
debits (bank fees).

The time measured is one ``suggest(ctx, statement_id)`` for all the lines in a fresh process:
loading the open invoices, receipts and customers, building the matcher and matching every
line. Run alone: ``.venv/bin/python benchmarks/run.py --only bank``.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from _common import AS_OF, now, open_book_ctx, self_rss_kib

OPEN_INVOICES, LINES, SEED = 100_000, 5_000, 6
TARGET_S = 5.0
BOOK_NAME = f"bank-book-{OPEN_INVOICES}-open.db"
HEADER = "交易日期,摘要,支出,收入,余额,对方户名,对方账号,交易流水号,附言"
UNKNOWN = ("个人转账", "财付通支付科技有限公司", "ZHANG WEI", "支付宝（中国）网络技术有限公司")


def _close_extra_open(db: Path) -> None:
    """Close every open invoice but the newest ``OPEN_INVOICES`` in CNY (set-based)."""
    con = sqlite3.connect(db)
    try:
        con.execute(
            "CREATE TEMP TABLE keep AS SELECT id FROM invoices WHERE open_minor > 0 "
            "AND currency = 'CNY' AND status != 'void' ORDER BY id DESC LIMIT ?",
            (OPEN_INVOICES,),
        )
        con.execute("CREATE UNIQUE INDEX temp.keep_id ON keep (id)")
        con.execute(
            "UPDATE invoice_schedule_lines SET open_minor = 0 WHERE open_minor > 0 "
            "AND invoice_id NOT IN (SELECT id FROM keep)"
        )
        con.execute(
            "UPDATE invoices SET open_minor = 0, status = 'paid' WHERE open_minor > 0 "
            "AND id NOT IN (SELECT id FROM keep)"
        )
        con.commit()
    finally:
        con.close()


def _statement_rows(db: Path) -> list[tuple[date, int, str, str, str]]:
    """(day, signed minor, payer, account, memo) of the statement lines, from the book."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        invoices = con.execute(
            "SELECT i.id, i.number, i.customer_id, i.open_minor, c.name FROM invoices i "
            "JOIN customers c ON c.id = i.customer_id WHERE i.open_minor > 0 AND "
            "i.currency = 'CNY' ORDER BY i.id"
        ).fetchall()
        accounts = dict(
            con.execute(
                "SELECT customer_id, max(bank_account) FROM payments WHERE bank_account != '' "
                "GROUP BY customer_id"
            ).fetchall()
        )
    finally:
        con.close()
    by_customer: dict[int, list[Any]] = {}
    for inv in invoices:
        by_customer.setdefault(inv[2], []).append(inv)
    rng = random.Random(SEED)
    rows = []
    for _ in range(LINES):
        kind = rng.random()
        day = AS_OF - timedelta(days=rng.randint(0, 29))
        _iid, number, cid, minor, name = invoices[rng.randrange(len(invoices))]
        account = accounts.get(cid, "") if rng.random() < 0.5 else ""
        if kind < 0.35:  # one invoice, its number in the memo
            rows.append((day, minor, name, account, f"货款 {number}"))
        elif kind < 0.50:  # two invoices of the customer
            own = by_customer[cid]
            picks = rng.sample(own, 2) if len(own) > 1 else own
            memo = "货款" if rng.random() < 0.5 else "付 " + ",".join(p[1] for p in picks)
            rows.append((day, sum(p[3] for p in picks), name, account, memo))
        elif kind < 0.75:  # exact amount, the name only
            rows.append((day, minor, name, account, "货款"))
        elif kind < 0.90:  # unknown payer
            rows.append((day, rng.randint(10_000, 9_000_000), rng.choice(UNKNOWN), "", "转账"))
        else:  # bank fee
            rows.append((day, -rng.randint(100, 50_000), "", "", "手续费"))
    rows.sort(key=lambda r: r[0])
    return rows


def _write_csv(path: Path, rows: list[tuple[date, int, str, str, str]]) -> Path:
    balance = Decimal("1000000.00")
    out = [
        "中国某某银行账户交易明细",
        "账号：6222000011112222,币种：人民币",
        "起始日期：2026-06-01,终止日期：2026-06-30",
        HEADER,
    ]
    for k, (day, minor, name, account, memo) in enumerate(rows):
        value = Decimal(minor) / 100
        balance += value
        debit, credit = (f"{-value:.2f}", "") if value < 0 else ("", f"{value:.2f}")
        payer = name.replace(",", " ")
        out.append(
            f"{day.isoformat()},转账,{debit},{credit},{balance:.2f},{payer},{account},"
            f"LS{k:05d},{memo}"
        )
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def ensure_bank_book(source: Path, cache: Path, rebuild: bool = False) -> dict[str, Any]:
    """The cached book with 100,000 open invoices and the imported statement."""
    db = cache / BOOK_NAME
    meta_path = db.with_suffix(".json")
    if db.exists() and meta_path.exists() and not rebuild:
        return {**json.loads(meta_path.read_text()), "cached": True}
    from desktop_ar.services import bank_statements as bank

    tmp = db.with_name(db.name + ".tmp")
    for old in (db, tmp, meta_path, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        old.unlink(missing_ok=True)
    t0 = now()
    src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(tmp)
    try:
        src.backup(dst)  # a consistent copy, even with a WAL beside the source
    finally:
        src.close()
        dst.close()
    ctx, _, _ = open_book_ctx(tmp)  # upgrades the schema (after a backup, removed below)
    ctx.engine.dispose()
    for backup in tmp.parent.glob(f"{tmp.stem}.pre-*"):
        backup.unlink()
    _close_extra_open(tmp)
    csv_path = _write_csv(cache / f"bank-statement-{LINES}.csv", _statement_rows(tmp))
    ctx, _, _ = open_book_ctx(tmp)
    (summary,) = bank.import_bank_file(ctx, csv_path)
    ctx.engine.dispose()
    tmp.replace(db)
    meta = {"statement_id": summary.id, "lines": summary.lines_count, "source": str(source),
            "build_s": round(now() - t0, 1)}  # fmt: skip
    meta_path.write_text(json.dumps(meta, indent=2))
    return {**meta, "cached": False}


def measure_bank(db: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """One ``suggest`` for every line of the cached statement, split into load/build/match."""
    meta = json.loads(db.with_suffix(".json").read_text())
    ctx, _, _ = open_book_ctx(db)
    from desktop_ar.services import bank_matching
    from desktop_ar.services.bank_statements import suggest

    steps: dict[str, float] = {}
    real_build = bank_matching.build_matcher

    def timed_build(*args: Any, **kwargs: Any) -> Any:
        t = now()
        out = real_build(*args, **kwargs)
        steps["load_and_build_s"] = round(now() - t, 3)
        return out

    bank_matching.build_matcher = timed_build  # type: ignore[assignment]
    t0, cpu0 = now(), time.process_time()
    result = suggest(ctx, meta["statement_id"])
    seconds, cpu = now() - t0, time.process_time() - cpu0
    bank_matching.build_matcher = real_build  # type: ignore[assignment]
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    (open_invoices,) = con.execute("SELECT count(*) FROM invoices WHERE open_minor > 0").fetchone()
    con.close()
    return {
        "lines": len(result),
        "open_invoices": open_invoices,
        "with_candidates": sum(1 for c in result.values() if c),
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu, 3),
        **steps,
        "match_s": round(seconds - steps.get("load_and_build_s", 0.0), 3),
        "target_s": TARGET_S,
        "rss_kib": self_rss_kib(),
    }


def run_bank(
    run_child: Callable[..., Any], cache: Path, source: Path, rebuild: bool
) -> tuple[dict[str, Any], dict[str, int]]:
    """``run.py``: prepare the bank book from ``source`` (cached), then measure in a child."""
    raw: dict[str, Any] = {}
    rss: dict[str, int] = {}
    print("  preparing the bank book: 100,000 open invoices, a 5,000-line statement (cached) …")
    args = ["bank-book", str(source), "--cache", str(cache)] + (["--rebuild"] if rebuild else [])
    book = run_child(args, timeout=3600, show_stderr=True)
    if not book.ok:
        return raw, rss
    print("  measuring bank_suggest …", flush=True)
    child = run_child(["bank", str(cache / BOOK_NAME)])
    raw["bank_suggest"] = {
        **child.data,
        "book": book.data,
        "rss_kib": child.rss_kib,
        "wall_s": round(child.wall_s, 2),
    }
    if child.ok:
        rss["bank_suggest"] = child.rss_kib
    return raw, rss
