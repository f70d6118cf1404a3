"""``desktop-ar report profit|collectors|dashboard|forecast``: table, JSON, xlsx, usage errors.

The command is tested through its own parser (``add_report_command``) until it is wired into
``desktop_ar.cli.main``; errors are handled as ``main`` does (usage → 2, domain → 1).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import types
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop_ar.cli.args import Parser, iso_date
from desktop_ar.cli.main import UsageError
from desktop_ar.cli.report_command import add_report_command, default_period
from desktop_ar.domain.errors import DomainError
from desktop_ar.services.uow import uow
from tests.services.helpers import make_customer, make_invoice, pay


def _parser(ctx: Any) -> argparse.ArgumentParser:
    parser = Parser(prog="desktop-ar")
    parser.add_argument("--db")
    parser.add_argument("--as-of", type=iso_date)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS)
    common.add_argument("--as-of", type=iso_date, default=argparse.SUPPRESS)
    sub = parser.add_subparsers()
    add_report_command(sub, [common], lambda _args: contextlib.nullcontext(ctx))
    return parser


def run(ctx: Any, capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    try:
        args = _parser(ctx).parse_args([str(a) for a in argv])
        code = args.func(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    except UsageError as exc:
        print(f"desktop-ar: error: {exc}", file=sys.stderr)
        code = 2
    except DomainError as exc:
        print(f"desktop-ar: error: {exc.message}", file=sys.stderr)
        code = 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def book(ctx: Any) -> Any:
    a = make_customer(ctx, "甲公司", code="A", collector="王芳")
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
    make_invoice(ctx, b, "2026-04-01", "250.00")
    make_invoice(ctx, a, "2026-01-02", "300.00")  # overdue from February
    pay(ctx, a, "2026-06-15", "300.00")
    return ctx


def test_default_period() -> None:
    assert default_period(date(2026, 6, 30)) == (date(2025, 7, 1), date(2026, 6, 30))
    assert default_period(date(2026, 1, 15)) == (date(2025, 2, 1), date(2026, 1, 15))


def test_profit_table(book: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(book, capsys, "report", "profit", "--as-of", "2026-06-30")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Profit by customer"
    assert lines[1] == "2025-07-01 – 2026-06-30, as of 2026-06-30; amounts in CNY"
    assert "Revenue without cost" in lines[3]
    a_row = next(ln for ln in lines if ln.startswith("A "))
    assert "甲公司" in a_row and "1,000.00" in a_row and "600.00" in a_row and "40.00" in a_row
    assert lines[-1].startswith("Total") and "550.00" in lines[-1]


def test_profit_json_by_product(book: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        book, capsys, "report", "profit", "--by", "product", "--format", "json",
        "--as-of", "2026-06-30", "--from", "2026-05-01", "--to", "2026-05-31",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert (data["report"], data["by"], data["currency"]) == ("profit", "product", "CNY")
    assert (data["from"], data["to"], data["as_of"]) == ("2026-05-01", "2026-05-31", "2026-06-30")
    assert data["rows"] == [
        {
            "kind": "group",
            "key": "螺丝",
            "label": "螺丝",
            "revenue": "1000.00",
            "cost": "600.00",
            "profit": "400.00",
            "margin_pct": "40.00",
            "revenue_without_cost": "0.00",
            "credit_notes": "0.00",
        }
    ]
    assert data["totals"]["kind"] == "total" and data["totals"]["profit"] == "400.00"


def test_collectors_json(book: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        book, capsys, "report", "collectors", "--format", "json", "--as-of", "2026-06-30",
        "--from", "2026-05-01",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["report"] == "collectors" and data["to"] == "2026-06-30"
    rows = {(r["collector"], r["month"]): r for r in data["rows"]}
    june = rows[("王芳", "2026-06")]
    assert june["collected"] == "300.00" and june["overdue_start"] == "300.00"
    assert june["overdue_end"] == "1000.00" and june["overdue_reduced"] == "-700.00"
    assert june["from"] == "2026-06-01" and june["promises_made"] == 0
    assert ("", "2026-06") in rows  # B's invoice falls overdue in May
    assert data["totals"]["collected"] == "300.00"


def _as_text(path: Path) -> list[str]:
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    return [
        " | ".join("" if c.value is None else str(c.value) for c in row).rstrip(" |")
        for row in ws.iter_rows()
    ]


def test_profit_xlsx(book: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "profit.xlsx"
    code, out, err = run(
        book, capsys, "report", "profit", "--format", "xlsx", "-o", target,
        "--as-of", "2026-06-30",
    )  # fmt: skip
    assert code == 0, err
    assert out == ""
    text_rows = _as_text(target)
    print("\n".join(text_rows))  # shown with pytest -s: how the sheet reads
    assert text_rows[0] == "Profit by customer"
    assert text_rows[1] == "2025-07-01 – 2026-06-30, as of 2026-06-30"
    ws = load_workbook(target).active
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Key")
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.cell(1, 1).font.bold and ws.cell(header, 3).font.bold
    first = ws.cell(header + 1, 3)
    assert first.value == 1000 and first.number_format == "#,##0.00"
    margin = ws.cell(header + 1, 6)  # a number with 2 decimals
    assert margin.value == 40 and margin.number_format == "#,##0.00"
    total_row = ws.max_row
    assert ws.cell(total_row, 1).value == "Total" and ws.cell(total_row, 1).font.bold
    assert ws.cell(total_row, 7).value == 550  # revenue without cost


def test_collectors_xlsx_and_text_file(
    book: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "collectors.xlsx"
    code, _, err = run(book, capsys, "report", "collectors", "--format", "xlsx", "-o", target)
    assert code == 0, err
    rows = _as_text(target)
    assert rows[0] == "Collector performance" and rows[2] == "Amounts in CNY"
    assert any(r.startswith("王芳 | 2026-06 | 300") for r in rows)
    assert rows[-1].startswith("Total")
    txt = tmp_path / "out.txt"
    code, out, _ = run(book, capsys, "report", "collectors", "-o", txt)
    assert code == 0 and out == "" and "(unassigned)" in txt.read_text("utf-8")
    print("\n".join(rows))  # shown with pytest -s: how the sheet reads


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["profit", "--format", "xlsx"], "report profit: --format xlsx needs an output file"),
        (["collectors", "--by", "month"], "report collectors: --by is for the profit report"),
        (["profit", "--from", "2026-06-01", "--to", "2026-05-01"], "--from is after --to"),
        (["profit", "--from", "2027-01-01", "--as-of", "2026-06-30"], "is empty"),
    ],
)
def test_usage_errors(
    book: Any, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(book, capsys, "report", *argv)
    assert code == 2 and out == "" and message in err


def test_argparse_errors(book: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(book, capsys, "report", "profit", "--by", "colour")[0] == 2
    assert run(book, capsys, "report", "sales")[0] == 2
    assert run(book, capsys, "report", "profit", "--as-of", "30/06/2026")[0] == 2


def test_dashboard_not_available(
    book: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "desktop_ar.cli.report_analysis", None)
    code, _, err = run(book, capsys, "report", "dashboard", "--as-of", "2026-06-30")
    assert code == 2 and "report dashboard: not available" in err


def test_dashboard_and_forecast_are_dispatched(
    book: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, Any]] = []

    def fake(name: str) -> Any:
        def run_it(args: argparse.Namespace, opener: Any) -> int:
            with opener(args) as ctx:
                seen.append((name, ctx))
            fields = ("as_of", "date_from", "date_to", "output_format", "output")
            seen.append((name, tuple(getattr(args, f) for f in fields)))
            return 0

        return run_it

    module = types.ModuleType("desktop_ar.cli.report_analysis")
    module.ANALYSIS_REPORTS = {"dashboard": fake("dashboard"), "forecast": fake("forecast")}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "desktop_ar.cli.report_analysis", module)
    assert (
        run(book, capsys, "report", "dashboard", "--as-of", "2026-06-30", "--format", "json")[0]
        == 0
    )
    assert run(book, capsys, "report", "forecast", "--from", "2026-01-01", "-o", "f.xlsx",
               "--format", "xlsx")[0] == 0  # fmt: skip
    assert seen == [
        ("dashboard", book),
        ("dashboard", (date(2026, 6, 30), None, None, "json", None)),
        ("forecast", book),
        ("forecast", (None, date(2026, 1, 1), None, "xlsx", "f.xlsx")),
    ]


def test_profit_by_month_table_has_no_name_column(
    book: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(book, capsys, "report", "profit", "--by", "month", "--from", "2026-01-01")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Profit by month" and "Name" not in lines[3]
    assert [ln.split()[0] for ln in lines[5:-2]] == ["2026-01", "2026-04", "2026-05"]


def test_dashboard_through_report_analysis(book: Any, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("desktop_ar.cli.report_analysis")
    code, out, err = run(
        book, capsys, "report", "dashboard", "--format", "json", "--as-of", "2026-06-30"
    )
    assert code == 0, err
    assert json.loads(out)["report"] == "dashboard"


# -- --format pdf --------------------------------------------------------------------------------
_PDF = pytest.mark.skipif(__import__("shutil").which("pdftotext") is None, reason="poppler")


def _pdf_text(path: Path) -> str:
    import subprocess

    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


@_PDF
@pytest.mark.parametrize("name", ["dashboard", "forecast", "profit", "collectors"])
def test_pdf_every_report(
    book: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    out = tmp_path / f"{name}.pdf"
    code, _, err = run(
        book, capsys, "report", name, "--as-of", "2026-06-30", "--format", "pdf", "-o", out
    )
    assert code == 0, err
    assert f"Wrote {out}" in err
    assert "Page 1 of" in _pdf_text(out)


@_PDF
def test_pdf_profit_in_chinese(
    book: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "p.pdf"
    code, _, err = run(
        book,
        capsys,
        "report",
        "profit",
        "--as-of",
        "2026-06-30",
        "--format",
        "pdf",
        "-o",
        out,
        "--doc-lang",
        "zh",
        "--by",
        "product",
    )
    assert code == 0, err
    txt = _pdf_text(out)
    assert "利润分析（按产品）" in txt and "螺丝" in txt and "第 1 页" in txt
    total = next(ln for ln in txt.splitlines() if ln.strip().startswith("合计"))
    assert "1,000.00" in total and "400.00" in total and "40.00" in total


def test_pdf_needs_an_output_file(book: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(book, capsys, "report", "dashboard", "--format", "pdf")
    assert code == 2 and "-o FILE.pdf" in err
    code, _, err = run(
        book, capsys, "report", "dashboard", "--format", "pdf", "-o", "x.pdf", "--doc-lang", "fr"
    )
    assert code == 2
