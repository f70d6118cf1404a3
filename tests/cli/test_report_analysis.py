"""``report dashboard|forecast`` run functions: table, json and xlsx output."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.cli.report_analysis import ANALYSIS_REPORTS, run_dashboard, run_forecast
from tests.services.collections.test_dashboard import build

AS_OF = date(2026, 6, 30)


def _args(fmt: str, output: Path | None = None, **extra: Any) -> argparse.Namespace:
    values = {"as_of": AS_OF, "date_from": date(2026, 1, 1), "date_to": None}
    values.update(extra)
    return argparse.Namespace(output_format=fmt, output=str(output) if output else None, **values)


@pytest.fixture
def opener(ctx: Any) -> Any:
    build(ctx)

    @contextmanager
    def open_book(args: argparse.Namespace) -> Iterator[Any]:
        del args
        yield ctx

    return open_book


def test_registry() -> None:
    assert {"dashboard": run_dashboard, "forecast": run_forecast} == ANALYSIS_REPORTS


def test_dashboard_json(opener: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_dashboard(_args("json"), opener) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["report"] == "dashboard"
    assert (data["as_of"], data["from"], data["to"]) == ("2026-06-30", "2026-01-01", "2026-06-30")
    assert data["figures"]["receivable"]["value"] == "5500.00"
    assert data["figures"]["dso"] == {
        "value": "155.5",
        "unit": "days",
        "definition": data["figures"]["dso"]["definition"],
    }
    assert data["figures"]["cei"]["definition"]["zh"].startswith("回款有效性指数")
    assert data["top_debtors"][0] == {
        "code": "B",
        "name": "乙公司",
        "balance": "4000.00",
        "overdue": "0.00",
    }
    assert data["aging"]["total"] == "5500.00"
    assert data["monthly"][0] == {"month": "2026-01", "invoiced": "0.00", "collected": "1000.00"}


def test_dashboard_table(opener: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_dashboard(_args("table"), opener) == 0
    out = capsys.readouterr().out
    assert "Receivables dashboard as of 2026-06-30" in out
    lines = out.splitlines()
    dso = next(line for line in lines if line.startswith("DSO"))
    assert dso.endswith("155.5 days")
    # Chinese names take two columns: the amounts still line up.
    b = next(line for line in lines if line.startswith("B "))
    a = next(line for line in lines if line.startswith("A "))
    assert "乙公司" in b and len(b) == len(a)


def test_dashboard_xlsx(opener: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "dash.xlsx"
    assert run_dashboard(_args("xlsx", target), opener) == 0
    wb = load_workbook(target)
    assert wb.sheetnames == ["Figures", "Top debtors", "Aging", "Monthly"]
    ws = wb["Figures"]
    assert ws["A1"].value == "Receivables dashboard as of 2026-06-30"
    values = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert values["Total receivable"] == 5500
    assert values["DSO"] == pytest.approx(155.5)


def test_xlsx_needs_output(opener: Any) -> None:
    from desktop_ar.cli.main import UsageError

    with pytest.raises(UsageError):
        run_dashboard(_args("xlsx"), opener)


def test_forecast_json(opener: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_forecast(_args("json"), opener) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["report"] == "forecast" and data["currency"] == "CNY"
    assert data["open"] == "5500.00"
    assert len(data["weeks"]) == 13
    assert data["weeks"][0]["start"] == "2026-06-29"
    total = sum(float(data[k]) for k in ("expected", "beyond", "doubtful"))
    assert total == pytest.approx(5500)
    assert data["backtest"]["made_on"] == "2026-03-31"
    assert data["backtest"]["actual"] == "500.00"


def test_forecast_table_and_xlsx(
    opener: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    assert run_forecast(_args("table"), opener) == 0
    out = capsys.readouterr().out
    assert "Cash-flow forecast as of 2026-06-30" in out
    assert "Back-test: the forecast made on 2026-03-31" in out
    target = tmp_path / "fc.xlsx"
    assert run_forecast(_args("xlsx", target), opener) == 0
    wb = load_workbook(target)
    assert wb.sheetnames == ["Forecast", "Back-test"]
    rows = {r[0]: r for r in wb["Forecast"].iter_rows(values_only=True) if r and r[0]}
    assert rows["Total open"][2] == 5500


def test_through_the_report_command_options(
    opener: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_ar.cli.args import iso_date
    from desktop_ar.cli.report_command import add_report_command

    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--as-of", type=iso_date, default=None)
    parser = argparse.ArgumentParser()
    add_report_command(parser.add_subparsers(dest="command"), [shared], opener)
    argv = ["report", "dashboard", "--as-of", "2026-06-30", "--format", "json", "--from"]
    args = parser.parse_args([*argv, "2026-01-01"])
    assert args.func(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["figures"]["dso"]["value"] == "155.5"
    args = parser.parse_args(["report", "forecast", "--as-of", "2026-06-30", "--format", "json"])
    assert args.func(args) == 0
    assert json.loads(capsys.readouterr().out)["open"] == "5500.00"
