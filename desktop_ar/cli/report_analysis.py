"""``report dashboard`` and ``report forecast``: the analysis reports on the command line.

The lead's ``report`` sub-command calls :data:`ANALYSIS_REPORTS` with its parsed options:
``args.as_of`` (default today), ``args.date_from`` / ``args.date_to`` (the period, default the
12 months up to ``--as-of``), ``args.output_format`` (``table``, ``json`` or ``xlsx``) and
``args.output`` (a file; required for xlsx, else stdout).

JSON shapes (amounts are decimal strings in the base currency, dates ISO, undefined figures
``null``)::

    dashboard: {"report": "dashboard", "as_of", "from", "to", "currency",
                "figures": {KEY: {"value", "unit": "money"|"percent"|"days",
                                  "definition": {"en", "zh"}}},
                "inputs": {"opening_receivable", "sales", "closing_receivable",
                           "closing_current", "collected", "paid_allocated"},
                "top_debtors": [{"code", "name", "balance", "overdue"}],
                "aging": {"buckets": [{"label", "amount"}], "total"},
                "monthly": [{"month": "YYYY-MM", "invoiced", "collected"}]}
    forecast:  {"report": "forecast", "as_of", "currency", "open", "expected", "beyond",
                "doubtful", "due_beyond", "customers",
                "weeks": [{"start", "end", "due", "expected"}],
                "backtest": {"made_on", "expected", "actual", "error", "error_share",
                             "difference", "weeks": [{"start", "expected", "actual"}]}}

KEY is one of receivable, overdue, overdue_share, dso, cei, average_days_to_pay,
collection_rate, unpaid_orders_share; ``error_share`` is a fraction (0.125) or null.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Any

from desktop_ar.cli.aging_output import clip, display_width, utf8_stdout
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import format_money
from desktop_ar.services.analysis.forecast import error_percent as _pct

__all__ = ["ANALYSIS_REPORTS", "run_dashboard", "run_forecast"]

OpenBook = Callable[[argparse.Namespace], AbstractContextManager[Any]]
NAME_WIDTH = 30
TITLES = {
    "receivable": "Total receivable",
    "overdue": "Overdue",
    "overdue_share": "Overdue share",
    "dso": "DSO",
    "cei": "CEI",
    "average_days_to_pay": "Average days to pay",
    "collection_rate": "Collection rate",
    "unpaid_orders_share": "Unpaid orders",
}
_UNIT_SUFFIX = {"percent": " %", "days": " days", "money": ""}


def _money(m: Money) -> str:
    return m.amount_str()


def _minor(minor: int, ccy: str) -> Money:
    return Money(minor, ccy)


def _value_text(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, Money):
        return format_money(value)
    return f"{value}{_UNIT_SUFFIX.get(unit, '')}"


def _json_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Money):
        return _money(value)
    return str(value)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]
) -> list[str]:
    widths = [display_width(h) for h in header]
    for row in rows:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(_pad(h, w, r) for h, w, r in zip(header, widths, right, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = zip(row, widths, right, strict=True)
        lines.append("  ".join(_pad(c, w, r) for c, w, r in cells).rstrip())
    return lines


def _emit(args: argparse.Namespace, text: str) -> None:
    output = getattr(args, "output", None)
    if output:
        Path(output).expanduser().write_text(text, encoding="utf-8")
        print(f"Wrote {output}", file=sys.stderr)
    else:
        with utf8_stdout() as out:
            out.write(text)


def _check_xlsx(args: argparse.Namespace) -> Path:
    from desktop_ar.cli.main import UsageError

    if not getattr(args, "output", None):
        raise UsageError("report: --format xlsx needs -o FILE.xlsx")
    return Path(args.output).expanduser()


# -- dashboard ---------------------------------------------------------------------------------
def dashboard_json(dash: Any) -> dict[str, Any]:
    """The dashboard as the documented JSON object."""
    return {
        "report": "dashboard",
        "as_of": dash.as_of.isoformat(),
        "from": dash.date_from.isoformat(),
        "to": dash.date_to.isoformat(),
        "currency": dash.base_currency,
        "figures": {
            f.key: {
                "value": _json_value(f.value),
                "unit": f.unit,
                "definition": {"en": f.definition_en, "zh": f.definition_zh},
            }
            for f in dash.figures
        },
        "inputs": {k: _money(v) for k, v in dash.inputs.items()},
        "top_debtors": [
            {
                "code": t.code,
                "name": t.name,
                "balance": _money(t.balance),
                "overdue": _money(t.overdue),
            }
            for t in dash.top_debtors
        ],
        "aging": {
            "buckets": [
                {"label": label, "amount": _money(amount)}
                for label, amount in zip(dash.bucket_labels, dash.bucket_totals, strict=True)
            ],
            "total": _money(Money.sum(dash.bucket_totals, dash.base_currency)),
        },
        "monthly": [
            {
                "month": p.month.isoformat()[:7],
                "invoiced": _money(p.invoiced),
                "collected": _money(p.collected),
            }
            for p in dash.months
        ],
    }


def dashboard_text(dash: Any) -> str:
    """The dashboard as aligned text tables."""
    out = [
        f"Receivables dashboard as of {dash.as_of.isoformat()} "
        f"(period {dash.date_from.isoformat()} – {dash.date_to.isoformat()}, {dash.base_currency})",
        "",
    ]
    rows = [[TITLES.get(f.key, f.key), _value_text(f.value, f.unit)] for f in dash.figures]
    out += _table(["Figure", "Value"], rows, [False, True])
    out += ["", "Top debtors"]
    rows = [
        [t.code, clip(t.name, NAME_WIDTH), format_money(t.balance), format_money(t.overdue)]
        for t in dash.top_debtors
    ]
    out += _table(["Code", "Customer", "Balance", "Overdue"], rows, [False, False, True, True])
    out += ["", "Aging"]
    rows = [
        [label, format_money(a)]
        for label, a in zip(dash.bucket_labels, dash.bucket_totals, strict=True)
    ]
    rows.append(["Total", format_money(Money.sum(dash.bucket_totals, dash.base_currency))])
    out += _table(["Bucket", "Amount"], rows, [False, True])
    out += ["", "Invoiced and collected by month"]
    rows = [
        [p.month.isoformat()[:7], format_money(p.invoiced), format_money(p.collected)]
        for p in dash.months
    ]
    out += _table(["Month", "Invoiced", "Collected"], rows, [False, True, True])
    return "\n".join(out) + "\n"


def dashboard_sheets(dash: Any) -> list[Any]:
    """One report sheet per section of the dashboard."""
    from desktop_ar.io.excel.report_sheet import Block, ReportSheet
    from desktop_ar.io.excel.writer import Column

    ccy = dash.base_currency
    title = f"Receivables dashboard as of {dash.as_of.isoformat()}"
    period = f"Period {dash.date_from.isoformat()} – {dash.date_to.isoformat()}, {ccy}"
    head = [title, period]
    dec = Money(0, ccy).decimals
    figure_rows = [
        [
            TITLES.get(f.key, f.key),
            f.value.to_decimal() if isinstance(f.value, Money) else f.value,
            {"money": ccy, "percent": "%", "days": "days"}[f.unit],
            f.definition_en,
            f.definition_zh,
        ]
        for f in dash.figures
    ]
    figures = Block(
        [
            Column("Figure"),
            Column("Value", "money", 1),
            Column("Unit"),
            Column("Definition"),
            Column("定义"),
        ],
        figure_rows,
    )
    debtors = Block(
        [
            Column("Code"),
            Column("Customer"),
            Column("Balance", "money", dec),
            Column("Overdue", "money", dec),
        ],
        [
            [t.code, t.name, t.balance.to_decimal(), t.overdue.to_decimal()]
            for t in dash.top_debtors
        ],
    )
    aging = Block(
        [Column("Bucket"), Column("Amount", "money", dec)],
        [
            [label, a.to_decimal()]
            for label, a in zip(dash.bucket_labels, dash.bucket_totals, strict=True)
        ],
        totals=[["Total", Money.sum(dash.bucket_totals, ccy).to_decimal()]],
    )
    monthly = Block(
        [Column("Month"), Column("Invoiced", "money", dec), Column("Collected", "money", dec)],
        [
            [p.month.isoformat()[:7], p.invoiced.to_decimal(), p.collected.to_decimal()]
            for p in dash.months
        ],
    )
    return [
        ReportSheet("Figures", head, [figures]),
        ReportSheet("Top debtors", head, [debtors]),
        ReportSheet("Aging", head, [aging]),
        ReportSheet("Monthly", head, [monthly]),
    ]


def run_dashboard(args: argparse.Namespace, opener: OpenBook) -> int:
    """Print or write the dashboard (exit status 0)."""
    from desktop_ar.services.analysis.dashboard import dashboard

    def build(ctx: Any, as_of: date) -> tuple[Any, ...]:
        return (
            dashboard(ctx, as_of, getattr(args, "date_from", None), getattr(args, "date_to", None)),
        )

    return _run(args, opener, build, (dashboard_text, dashboard_json, dashboard_sheets))


def _run(
    args: argparse.Namespace,
    opener: OpenBook,
    build: Callable[[Any, date], tuple[Any, ...]],
    outputs: tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]],
) -> int:
    fmt = getattr(args, "output_format", None) or "table"
    target = _check_xlsx(args) if fmt == "xlsx" else None
    with opener(args) as ctx:
        parts = build(ctx, getattr(args, "as_of", None) or ctx.clock.today())
    text, as_json, sheets = outputs
    if target is not None:
        from desktop_ar.io.excel.report_sheet import write_report_xlsx

        write_report_xlsx(target, sheets(*parts))
        print(f"Wrote {target}", file=sys.stderr)
    elif fmt == "json":
        _emit(args, json.dumps(as_json(*parts), ensure_ascii=False, indent=2) + "\n")
    else:
        _emit(args, text(*parts))
    return 0


# -- forecast ----------------------------------------------------------------------------------
def forecast_json(fc: Any, bt: Any) -> dict[str, Any]:
    """The forecast and its back-test as the documented JSON object."""
    ccy = fc.base_currency
    f = fc.forecast
    r = bt.result
    share = r.error_share
    return {
        "report": "forecast",
        "as_of": f.as_of.isoformat(),
        "currency": ccy,
        "open": _money(_minor(f.open_minor, ccy)),
        "expected": _money(_minor(f.expected_minor, ccy)),
        "beyond": _money(_minor(f.beyond_minor, ccy)),
        "doubtful": _money(_minor(f.doubtful_minor, ccy)),
        "due_beyond": _money(_minor(f.due_beyond_minor, ccy)),
        "customers": f.customers,
        "weeks": [
            {
                "start": w.start.isoformat(),
                "end": w.end.isoformat(),
                "due": _money(_minor(w.due_minor, ccy)),
                "expected": _money(_minor(w.expected_minor, ccy)),
            }
            for w in f.weeks
        ],
        "backtest": {
            "made_on": bt.made_on.isoformat(),
            "expected": _money(_minor(r.expected_minor, ccy)),
            "actual": _money(_minor(r.actual_minor, ccy)),
            "error": _money(_minor(r.error_minor, ccy)),
            "error_share": None if share is None else str(share),
            "difference": _money(_minor(r.total_difference_minor, ccy)),
            "weeks": [
                {
                    "start": start.isoformat(),
                    "expected": _money(_minor(e, ccy)),
                    "actual": _money(_minor(a, ccy)),
                }
                for start, e, a in r.weeks
            ],
        },
    }


def forecast_text(fc: Any, bt: Any) -> str:
    """The forecast and back-test as aligned text."""
    ccy = fc.base_currency
    f = fc.forecast
    fm = lambda minor: format_money(_minor(minor, ccy))  # noqa: E731
    out = [f"Cash-flow forecast as of {f.as_of.isoformat()} ({ccy}, {f.customers} customers)", ""]
    rows = [
        [w.start.isoformat(), w.end.isoformat(), fm(w.due_minor), fm(w.expected_minor)]
        for w in f.weeks
    ]
    rows.append(["Later", "", fm(f.due_beyond_minor), fm(f.beyond_minor)])
    rows.append(["Doubtful", "", "", fm(f.doubtful_minor)])
    rows.append(["Total open", "", fm(f.open_minor), fm(f.open_minor)])
    out += _table(["Week", "To", "Due", "Expected"], rows, [False, False, True, True])
    r = bt.result
    out += [
        "",
        f"Back-test: the forecast made on {bt.made_on.isoformat()} against what arrived "
        f"(expected {fm(r.expected_minor)}, arrived {fm(r.actual_minor)}, "
        f"difference {fm(r.total_difference_minor)}, weekly error {fm(r.error_minor)} = "
        f"{_pct(r.error_share)} of what arrived)",
    ]
    rows = [[s.isoformat(), fm(e), fm(a), fm(e - a)] for s, e, a in r.weeks]
    out += _table(["Week", "Expected", "Arrived", "Difference"], rows, [False, True, True, True])
    return "\n".join(out) + "\n"


def run_forecast(args: argparse.Namespace, opener: OpenBook) -> int:
    """Print or write the 13-week forecast and last quarter's back-test (exit status 0)."""
    from desktop_ar.services.analysis.forecast import (
        backtest_forecast,
        cash_forecast,
        forecast_sheets,
    )

    def build(ctx: Any, as_of: date) -> tuple[Any, ...]:
        return cash_forecast(ctx, as_of), backtest_forecast(ctx, as_of)

    return _run(args, opener, build, (forecast_text, forecast_json, forecast_sheets))


ANALYSIS_REPORTS: dict[str, Callable[[argparse.Namespace, OpenBook], int]] = {
    "dashboard": run_dashboard,
    "forecast": run_forecast,
}
