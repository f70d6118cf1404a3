"""The analysis reports as PDF: figures to the cent, Chinese labels, totals, long tables."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop_ar.documents.analysis_report import report_document
from desktop_ar.documents.base import CompanyInfo, build_documents
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import format_money
from desktop_ar.services.analysis.dashboard import dashboard
from desktop_ar.services.analysis.forecast import cash_forecast
from desktop_ar.services.analysis_collectors import collector_performance
from desktop_ar.services.analysis_pdf import profit_doc, write_report_pdf
from desktop_ar.services.analysis_profit import ProfitReport, ProfitRow, profit
from desktop_ar.services.uow import reader, uow
from tests.services.helpers import make_customer, make_invoice, pay

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
AS_OF = date(2026, 6, 30)


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return out.stdout.decode("utf-8")


def pages(path: Path) -> list[str]:
    return pdf_text(path).split("\f")


@pytest.fixture
def book(ctx: Any) -> Any:
    a = make_customer(ctx, "A <B> & Co", code="A", collector="王芳")
    b = make_customer(ctx, "乙公司", code="B")
    inv = make_invoice(ctx, a, "2026-05-10", "1000.00")
    with uow(ctx) as s:
        s.execute(
            text(
                "INSERT INTO invoice_lines (invoice_id, line_no, item, quantity,"
                " unit_price_minor, tax_rate, unit_cost_minor, net_minor, tax_minor)"
                " VALUES (:i, 1, '螺丝', '10', 10000, '0', 6000, 100000, 0)"
            ),
            {"i": inv},
        )
    make_invoice(ctx, b, "2026-04-01", "250.55")
    make_invoice(ctx, a, "2026-01-02", "300.00")
    pay(ctx, a, "2026-06-15", "300.00")
    return ctx


def test_dashboard_pdf_figures_to_the_cent(book: Any, tmp_path: Path) -> None:
    out = write_report_pdf(book, "dashboard", AS_OF, None, None, tmp_path / "d.pdf")
    txt = pdf_text(out)
    dash = dashboard(book, AS_OF)
    assert "Receivables dashboard" in txt
    assert "As of 2026-06-30 · period 2025-07-01 – 2026-06-30 · amounts in CNY" in txt
    for f in dash.figures:
        if isinstance(f.value, Money):
            assert format_money(f.value) in txt, f.key
        elif f.value is not None:
            assert str(f.value) in txt, f.key
    receivable = next(f for f in dash.figures if f.key == "receivable").value
    assert isinstance(receivable, Money)
    assert receivable == Money.of("1250.55", "CNY")
    assert "1,250.55" in txt
    # the aging total row: "Total" then the amount at the right edge
    assert any(re.fullmatch(r"\s*Total\s+1,250\.55", ln) for ln in txt.splitlines())
    assert "A <B> & Co" in txt  # escaped markup prints as written
    assert "Page 1 of" in txt
    assert "DSO (days sales outstanding)" in txt  # definitions in small text


def test_dashboard_pdf_in_chinese(book: Any, tmp_path: Path) -> None:
    out = write_report_pdf(book, "dashboard", AS_OF, None, None, tmp_path / "d.pdf", lang="zh")
    txt = pdf_text(out)
    for label in (
        "应收账款仪表盘",
        "关键指标",
        "应收账款合计",
        "账龄",
        "合计",
        "第 1 页",
        "乙公司",
    ):
        assert label in txt, label
    assert "1,250.55" in txt


def test_forecast_pdf(book: Any, tmp_path: Path) -> None:
    out = write_report_pdf(book, "forecast", AS_OF, None, None, tmp_path / "f.pdf")
    txt = pdf_text(out)
    fc = cash_forecast(book, AS_OF)
    assert "Cash-flow forecast" in txt and "Back-test" in txt
    open_line = next(ln for ln in txt.splitlines() if "Total open" in ln)
    assert format_money(Money(fc.forecast.open_minor, "CNY")) in open_line
    first = fc.forecast.weeks[0]
    assert first.start.isoformat() in txt


def test_profit_and_collectors_pdf(book: Any, tmp_path: Path) -> None:
    rep = profit(book, date(2025, 7, 1), AS_OF, by="customer")
    out = write_report_pdf(book, "profit", AS_OF, None, None, tmp_path / "p.pdf", lang="zh")
    txt = pdf_text(out)
    assert "利润分析（按客户）" in txt and "毛利率 %" in txt
    total = next(ln for ln in txt.splitlines() if ln.strip().startswith("合计"))
    assert format_money(rep.totals.revenue) in total
    assert format_money(rep.totals.profit) in total
    rows = collector_performance(book, date(2025, 7, 1), AS_OF)
    out = write_report_pdf(book, "collectors", AS_OF, None, None, tmp_path / "c.pdf")
    txt = pdf_text(out)
    collected = sum((r.collected for r in rows), Money(0, "CNY"))
    total = next(ln for ln in txt.splitlines() if ln.strip().startswith("Total"))
    assert format_money(collected) in total
    assert "王芳" in txt


def test_long_profit_table_repeats_its_header(tmp_path: Path) -> None:
    ccy = "CNY"
    rows = [
        ProfitRow(
            "group",
            f"C{i:04d}",
            f"客户 {i} 有限公司",
            Money(100_000 + i, ccy),
            Money(60_000, ccy),
            Money(0, ccy),
            Money(0, ccy),
        )
        for i in range(150)
    ]
    revenue = sum((r.revenue for r in rows), Money(0, ccy))
    totals = ProfitRow(
        "total", "", "", revenue, Money(60_000 * 150, ccy), Money(0, ccy), Money(0, ccy)
    )
    report = ProfitReport(date(2026, 1, 1), AS_OF, "customer", ccy, rows, totals)
    doc = report_document(profit_doc(report, AS_OF), CompanyInfo(name="测试公司"))
    path = tmp_path / "long.pdf"
    with path.open("wb") as fh:
        build_documents(fh, [doc], title="x")
    parts = [p for p in pages(path) if p.strip()]
    assert len(parts) >= 3
    for n, page in enumerate(parts, 1):
        assert "Revenue without" in page and "Credit notes" in page, n
        assert f"Page {n} of {len(parts)}" in page
    assert all(f"C{i:04d}" in pdf_text(path) for i in (0, 75, 149))
    last = parts[-1].splitlines()
    total = next(ln for ln in last if ln.strip().startswith("Total"))
    assert format_money(revenue) in total and format_money(totals.profit) in total


def test_write_is_atomic_and_audited(book: Any, tmp_path: Path) -> None:
    with reader(book) as s:
        before = s.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'print_report'")
        ).scalar()
    folder = tmp_path / "out"
    folder.mkdir()
    out = write_report_pdf(
        book, "profit", AS_OF, date(2026, 1, 1), AS_OF, folder / "p.pdf", by="month"
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in folder.iterdir()) == ["p.pdf"]  # no temporary file left
    with reader(book) as s:
        rows = s.execute(
            text("SELECT entity_id, after FROM audit_log WHERE action = 'print_report'")
        ).all()
    assert len(rows) == before + 1
    assert rows[-1][0] == "profit" and "2026-01-01" in rows[-1][1]
    # a read-only user may print too
    ro = dataclasses.replace(book, role="read_only")
    write_report_pdf(ro, "collectors", AS_OF, None, None, tmp_path / "c.pdf")
    with pytest.raises(UserFacingError):
        write_report_pdf(book, "nonsense", AS_OF, None, None, tmp_path / "x.pdf")
    with pytest.raises(UserFacingError):
        write_report_pdf(book, "dashboard", AS_OF, None, None, tmp_path / "x.pdf", lang="fr")
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(UserFacingError):  # an unwritable place: a clear error, no file
        write_report_pdf(book, "forecast", AS_OF, None, None, tmp_path / "none" / "x.pdf")
