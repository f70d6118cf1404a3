"""Import speed: 100,000-row invoice and payment sheets planned and committed end to end.

``ensure_import_files`` builds (once, cached in ``benchmarks/.cache``) a book with about 2,000
customers (``seed_demo``) and three ``.xlsx`` files shaped like real exports: a title row, Chinese
headers, amounts as numbers and as ``¥1,234.50`` text, dates as real dates and as text
(``2026/3/1``, ``2026年3月1日``) and a totals row (合计) at the end:

- ``import-invoices-<rows>.xlsx``: invoices of the book's active customers (by code or by name),
  some with a due date, tax, a fapiao number and date;
- ``import-payments-ref-<rows>.xlsx``: one payment per invoice of that file, with the invoice
  number in a 发票号 column (allocated to that invoice);
- ``import-payments-oldest-<rows>.xlsx``: payments without an invoice column (oldest first).

``measure_import`` (one child process per file) copies the book, imports the file with
``plan_import`` + ``commit_import`` and reports seconds, rows per second and the child's peak RSS.
The payments children start from the book as the invoices child left it (``--keep``).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _common import AS_OF, ms, now, open_book_ctx, self_rss_kib

CUSTOMERS = 2_000
BOOK_INVOICES = 20_000
ROWS = 100_000
SEED = 5


def book_path(cache: Path) -> Path:
    return cache / f"import-book-{CUSTOMERS}-seed{SEED}.db"


def file_path(cache: Path, kind: str, rows: int) -> Path:
    return cache / f"import-{kind}-{rows}.xlsx"


def _customers(db: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT code, name FROM customers WHERE status = 'active' AND currency = 'CNY' "
            "AND name IN (SELECT name FROM customers GROUP BY name HAVING count(*) = 1) "
            "ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return [(str(code), str(name)) for code, name in rows]


def _amount_cell(minor: int, rng: random.Random) -> Any:
    text = f"{minor // 100:,}.{minor % 100:02d}"
    pick = rng.random()
    if pick < 0.5:
        return minor / 100  # a number cell
    if pick < 0.8:
        return f"¥{text}"
    return f"{text}元" if pick < 0.9 else text


def _date_cell(day: date, rng: random.Random) -> Any:
    pick = rng.random()
    if pick < 0.7:
        return day
    if pick < 0.85:
        return f"{day.year}/{day.month}/{day.day}"
    return f"{day.year}年{day.month}月{day.day}日"


def _write(path: Path, title: str, headers: list[str], rows: list[list[Any]], amount: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append([title])
    ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    total = [None] * len(headers)
    total[0] = "合计"
    total[amount] = round(sum(r[amount] for r in rows if isinstance(r[amount], float)), 2)
    ws.append(total)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)


def _invoice_rows(
    customers: list[tuple[str, str]], rows: int, rng: random.Random
) -> tuple[list[list[Any]], list[tuple[str, int, str, date]]]:
    out: list[list[Any]] = []
    made: list[tuple[str, int, str, date]] = []  # number, gross minor, customer code, issue date
    first = AS_OF - timedelta(days=540)
    for i in range(rows):
        code, name = customers[rng.randrange(len(customers))]
        issue = first + timedelta(days=rng.randrange(520))
        net = rng.randrange(10_000, 5_000_000)
        tax = net * 13 // 100 if rng.random() < 0.6 else 0
        number = f"IMP-{i + 1:07d}"
        due = issue + timedelta(days=rng.choice((15, 30, 60, 90))) if rng.random() < 0.5 else None
        fapiao = f"{44000000 + i:08d}" if rng.random() < 0.3 else None
        out.append(
            [
                number,
                code if rng.random() < 0.6 else name,
                _date_cell(issue, rng),
                None if due is None else _date_cell(due, rng),
                _amount_cell(net + tax, rng),
                _amount_cell(tax, rng) if tax else None,
                fapiao,
                None if fapiao is None else issue,
                "导入测试" if i % 10 == 0 else f"批次 {i // 1000 + 1}",
            ]
        )
        made.append((number, net + tax, code, issue))
    return out, made


def _payment_rows(
    made: list[tuple[str, int, str, date]], rng: random.Random, *, by_number: bool
) -> list[list[Any]]:
    methods = ("转账", "电汇", "网银", "现金", "支票")
    out: list[list[Any]] = []
    for number, gross, code, issue in made:
        paid = gross if rng.random() < 0.8 else max(1, gross * rng.randrange(20, 95) // 100)
        day = min(AS_OF, issue + timedelta(days=rng.randrange(5, 120)))
        row = [
            _date_cell(day, rng),
            code,
            _amount_cell(paid, rng),
            rng.choice(methods),
            f"回款 {number}" if rng.random() < 0.3 else f"TX{rng.randrange(10**9):09d}",
        ]
        if by_number:
            row.append(number)
        out.append(row)
    return out


def ensure_import_files(cache: Path, rows: int = ROWS, *, rebuild: bool = False) -> dict[str, Path]:
    """The base book and the three sheets (built when missing); their paths by name."""
    cache.mkdir(parents=True, exist_ok=True)
    db = book_path(cache)
    paths = {
        "book": db,
        "invoices": file_path(cache, "invoices", rows),
        "payments_ref": file_path(cache, "payments-ref", rows),
        "payments_oldest": file_path(cache, "payments-oldest", rows),
    }
    if rebuild:
        for path in paths.values():
            path.unlink(missing_ok=True)
    if not db.exists():
        from desktop_ar.services.book import create_book
        from desktop_ar.services.context import FixedClock
        from desktop_ar.services.demo import seed_demo

        tmp = db.with_name(db.name + ".tmp")
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        ctx = create_book(tmp, company_name="Import Benchmark Co.", clock=FixedClock(AS_OF))
        seed_demo(ctx, customers=CUSTOMERS, invoices=BOOK_INVOICES, seed=SEED, as_of=AS_OF)
        ctx.engine.dispose()
        tmp.replace(db)
    if all(p.exists() for p in paths.values()):
        return paths
    rng = random.Random(SEED)
    inv_rows, made = _invoice_rows(_customers(db), rows, rng)
    inv_headers = ["发票号", "客户", "开票日期", "到期日", "价税合计", "税额", "税票号码",
                   "税票日期", "备注"]  # fmt: skip
    _write(paths["invoices"], "应收发票导入 (基准测试)", inv_headers, inv_rows, 4)
    pay_headers = ["收款日期", "客户", "金额", "收款方式", "摘要"]
    ref = _payment_rows(made, rng, by_number=True)
    _write(paths["payments_ref"], "收款导入 (按发票号)", [*pay_headers, "发票号"], ref, 2)
    oldest = _payment_rows(made, rng, by_number=False)
    _write(paths["payments_oldest"], "收款导入 (先进先出)", pay_headers, oldest, 2)
    return paths


def measure_import(db: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """Copy ``db``, import ``opts.file`` as ``opts.kind``: plan and commit timed apart."""
    work = Path(opts.keep) if opts.keep else db.with_name(f"{db.stem}-work-{opts.kind}.db")
    for old in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        old.unlink(missing_ok=True)
    shutil.copyfile(db, work)
    try:
        ctx, _, _ = open_book_ctx(work)
        from desktop_ar.services.imports import commit_import, plan_import
        from desktop_ar.services.progress import CallbackProgress

        reports: list[int] = []
        progress = CallbackProgress(lambda done, _total, _text: reports.append(done))
        t0 = now()
        plan = plan_import(ctx, opts.file, opts.kind)
        t1 = now()
        result = commit_import(ctx, plan, progress=progress)
        t2 = now()
        ctx.engine.dispose()
    finally:
        # Opening a copy made before a newer migration upgrades it and keeps a backup: drop it.
        for backup in work.parent.glob(f"{work.stem}.pre-*.db"):
            backup.unlink(missing_ok=True)
        if not opts.keep:
            for old in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
                old.unlink(missing_ok=True)
    rows = plan.rows_total
    gaps = [b - a for a, b in zip([0, *reports], reports, strict=False)]
    return {
        "kind": opts.kind,
        "file": Path(opts.file).name,
        "rows": rows,
        "created": result.created,
        "rejected": result.rejected,
        "problems": [str(e.params.get("reason", e.code)) for e in plan.errors[:3]],
        "plan_s": round(t1 - t0, 3),
        "commit_s": round(t2 - t1, 3),
        "seconds": round(t2 - t0, 3),
        "rows_per_s": round(rows / (t2 - t0)) if rows else None,
        "progress_reports": len(reports),
        "progress_max_gap": max(gaps, default=0),
        "rss_self_mb": round(self_rss_kib() / 1024, 1),
        "first_ms": ms(t2 - t0),
    }
