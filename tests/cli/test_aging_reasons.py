"""Overdue reasons and agreed measures in the ``--by invoice`` aging: table, JSON, CSV, xlsx."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from desktop_ar.cli.aging_output import display_width, render_aging_table
from desktop_ar.domain.aging import AgingReport
from desktop_ar.services import reports
from desktop_ar.services.exports import aging_columns, export_aging
from desktop_ar.services.overdue_reasons import set_overdue_reason
from tests.services.helpers import make_customer, make_invoice, pay

AS_OF = date(2026, 6, 30)


@pytest.fixture
def report(ctx) -> AgingReport:
    """INV-000001 overdue (funds tight, instalment plan), INV-000002 without, 2000 unallocated."""
    cid = make_customer(ctx, "张三有限公司", code="C001")
    late = make_invoice(ctx, cid, "2026-03-01", "1000.00")
    make_invoice(ctx, cid, "2026-06-15", "500.00")
    pay(ctx, cid, "2026-06-20", "2000.00", allocate="none")
    set_overdue_reason(ctx, late, "funds_tight", measure="instalment_plan")
    return reports.aging(ctx, as_of=AS_OF, detail=True)


def test_table_shows_reason_and_measure_by_invoice(report: AgingReport) -> None:
    text = render_aging_table(report, by="invoice")
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("Code"))
    assert "Reason" in header and "Measure" in header
    late = next(line for line in lines if "INV-000001" in line)
    assert "Funds tight" in late and "Instalment plan" in late
    table = lines[lines.index("CNY") + 1 : -1]
    assert len({display_width(line) for line in table if line.strip()}) == 1, table
    assert "Reason" not in render_aging_table(report, by="customer")


def test_csv_adds_the_codes_after_the_total(report: AgingReport) -> None:
    out = io.StringIO()
    export_aging(report, by="invoice", fmt="csv", stream=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert list(rows[0])[-3:] == ["total", "overdue_reason", "agreed_measure"]
    by_number = {r["invoice_number"]: r for r in rows}
    assert by_number["INV-000001"]["overdue_reason"] == "funds_tight"
    assert by_number["INV-000001"]["agreed_measure"] == "instalment_plan"
    assert by_number["INV-000002"]["overdue_reason"] == ""
    assert aging_columns(report, "customer")[-1] == "total"


def test_xlsx_has_reason_and_measure_next_to_days_overdue(
    report: AgingReport, tmp_path: Path
) -> None:
    import openpyxl

    path = export_aging(report, by="invoice", fmt="xlsx", path=tmp_path / "aging.xlsx")
    assert path is not None
    ws = openpyxl.load_workbook(path)["CNY"]
    header = [c.value for c in ws[2]]
    at = header.index("Days overdue")
    assert header[at + 1 : at + 3] == ["Overdue reason", "Agreed measure"]
    assert header[-1] == "Total"
    rows = {r[3]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["INV-000001"][at + 1 : at + 3] == ("Funds tight", "Instalment plan")
    assert rows["INV-000002"][at + 1 : at + 3] == (None, None)
    last = [c.value for c in ws[ws.max_row]]
    assert last[0] == "Total" and last[-1] == pytest.approx(-500)  # 1000 + 500 − 2000 unallocated
