"""``desktop-ar import KIND FILE``: summary, exit codes, rejects, twice, every kind."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_ar.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def xlsx(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户资料导出"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def rows_in(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "book.db"
    assert run(capsys, "--db", path, "init")[0] == 0
    return path


@pytest.fixture
def customers(tmp_path: Path) -> Path:
    rows = [["C001", "上海甲公司", "¥10,000"], ["C002", "北京乙公司", "5000"]]
    return xlsx(tmp_path / "customers.xlsx", ["客户编号", "客户名称", "信用额度"], rows)


def test_import_customers_then_twice(
    book: Path, customers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", book, "import", "customers", customers)
    assert code == 0, out
    assert "created: 2" in out and rows_in(book, "customers") == 2
    code, out, _ = run(capsys, "--db", book, "import", "customers", customers)
    assert code == 0 and "already imported on" in out
    assert rows_in(book, "customers") == 2 and rows_in(book, "import_batches") == 1


def test_dry_run_writes_nothing(
    book: Path, customers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", book, "import", "customers", customers, "--dry-run")
    assert code == 0 and "to create: 2" in out and "Dry run" in out
    assert rows_in(book, "customers") == 0


def bad_invoices(tmp_path: Path) -> Path:
    headers = ["发票号", "客户", "开票日期", "金额"]
    rows: list[list[Any]] = [["INV-OK", "C001", date(2026, 3, 1), 100]]
    rows += [[f"INV-{i}", "C001", "31/31/2026", 100] for i in range(5)]
    rows += [[f"INV-X{i}", "没有这个客户", date(2026, 3, 1), "=1+1"] for i in range(5)]
    return xlsx(tmp_path / "bad.xlsx", headers, rows)


def test_rejected_rows_exit_1_and_rejects_file(
    book: Path, customers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--db", book, "import", "customers", customers)[0] == 0
    rejects = tmp_path / "rejects.xlsx"
    bad = bad_invoices(tmp_path)
    code, out, _ = run(capsys, "--db", book, "import", "invoices", bad, "--rejects", rejects)
    assert code == 1 and "rejected: 10 rows" in out and "Nothing was written" in out
    assert "row 4, column C" in out
    assert rows_in(book, "invoices") == 0
    ws = openpyxl.load_workbook(rejects).active
    header = [c.value for c in ws[1]]
    assert header[-1] == "Reason" and ws.max_row == 11
    assert all(ws.cell(r, len(header)).value for r in range(2, 12))
    formula_cells = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []

    code, out, _ = run(capsys, "--db", book, "import", "invoices", bad, "--skip-invalid")
    assert code == 0 and "created: 1" in out and rows_in(book, "invoices") == 1


def test_gb18030_csv_payments(
    book: Path, customers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--db", book, "import", "customers", customers)[0] == 0
    inv = tmp_path / "inv.csv"
    inv.write_bytes("发票号,客户,开票日期,金额\nA-1,C001,2026-01-01,100\n".encode("gb18030"))
    assert run(capsys, "--db", book, "import", "invoices", inv)[0] == 0
    pay = tmp_path / "pay.csv"
    pay.write_bytes("收款日期,客户,金额,发票号\n2026/3/1,上海甲公司,100,A-1\n".encode("gb18030"))
    code, out, _ = run(capsys, "--db", book, "import", "payments", pay)
    assert code == 0, out
    with sqlite3.connect(book) as conn:
        assert conn.execute("SELECT open_minor FROM invoices").fetchone()[0] == 0


def test_templates_saved_and_used(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("Kunde,Nummer,Limit\n甲公司,K1,100\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", book, "import", "customers", odd, "--dry-run")
    assert code == 1 and "required field (Customer name" in out
    code, out, err = run(
        capsys, "--db", book, "import", "customers", odd, "--template", "missing", "--dry-run"
    )
    assert code == 1 and "missing" in err and len(err.strip().splitlines()) == 1
    good = tmp_path / "good.csv"
    good.write_text("客户名称,客户编号\n甲公司,K1\n", encoding="utf-8")
    code, out, err = run(
        capsys, "--db", book, "import", "customers", good, "--header-row", "1",
        "--save-template", "Mine", "--dry-run",
    )  # fmt: skip
    assert code == 0 and "Saved the column mapping as template 'Mine'" in err
    again = tmp_path / "again.csv"
    again.write_text("客户名称,客户编号\n乙公司,K2\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", book, "import", "customers", again)
    assert code == 0 and "saved template 'Mine'" in err
    orders = tmp_path / "o.csv"
    orders.write_text("客户名称,编号\n甲公司,K1\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", book, "import", "orders", orders)
    assert code == 1 and "required field (Order number / 订单号)" in out
    code, _, err = run(capsys, "--db", book, "import", "contacts", orders)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_missing_file_one_line(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", book, "import", "customers", tmp_path / "nope.xlsx")
    assert code == 1 and len(err.strip().splitlines()) == 1


def test_import_orders(
    book: Path, customers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--db", book, "import", "customers", customers)[0] == 0
    headers = ["订单号", "客户", "订单日期", "商品", "数量", "单价", "税率"]
    rows = [
        ["SO-1", "C001", date(2026, 6, 1), "钢管", 10, 12.5, "13%"],
        ["SO-2", "C002", date(2026, 6, 2), "阀门", 1, 100, None],
        ["SO-1", "C001", date(2026, 6, 1), "法兰", 2, 40, "13%"],
    ]
    path = xlsx(tmp_path / "orders.xlsx", headers, rows)
    code, out, _ = run(capsys, "--db", book, "import", "orders", path, "--dry-run")
    assert code == 0 and "to create: 3 (2 orders)  to update: 0" in out
    code, out, _ = run(capsys, "--db", book, "import", "orders", path)
    assert code == 0 and "Imported 2 orders with 3 lines (batch 2)" in out, out
    with sqlite3.connect(book) as conn:
        orders = conn.execute("SELECT number, status, total_minor, notes FROM orders").fetchall()
    assert sorted(orders) == [
        ("SO-1", "confirmed", 23165, "imported"),
        ("SO-2", "confirmed", 10000, "imported"),
    ]
    assert rows_in(book, "order_lines") == 3
    code, out, _ = run(capsys, "--db", book, "import", "orders", path)
    assert code == 0 and "already imported on" in out and rows_in(book, "orders") == 2


def test_import_opening_balances_and_customer_updates(
    book: Path, customers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--db", book, "import", "customers", customers)[0] == 0
    changed = xlsx(
        tmp_path / "changed.xlsx",
        ["客户编号", "客户名称", "信用额度"],
        [["C001", "上海甲公司", None], ["C002", "北京乙公司", "8000"]],
    )
    code, out, _ = run(capsys, "--db", book, "import", "customers", changed)
    assert code == 0 and "created: 0  updated: 1  skipped: 1" in out
    assert "skipped row 3: already up to date" in out and "updated 1 (batch" in out
    headers = ["客户", "单据号", "单据日期", "金额"]
    rows = [["C001", "QC-1", date(2025, 12, 1), 5000], ["C002", "YS-1", date(2026, 1, 5), -300]]
    path = xlsx(tmp_path / "opening.xlsx", headers, rows)
    code, out, _ = run(capsys, "--db", book, "import", "opening_balances", path)
    assert code == 0 and "created: 2" in out, out
    with sqlite3.connect(book) as conn:
        invoice = conn.execute(
            "SELECT number, opening_balance, open_minor FROM invoices"
        ).fetchall()
        payment = conn.execute("SELECT reference, unallocated_minor FROM payments").fetchall()
        limit = conn.execute("SELECT credit_limit_minor FROM customers WHERE code = 'C002'")
        assert limit.fetchone()[0] == 800_000
    assert invoice == [("QC-1", 1, 500_000)]
    assert payment == [("Opening balance YS-1", 30_000)]
