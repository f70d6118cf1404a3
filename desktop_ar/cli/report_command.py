"""The ``report`` command: analysis reports as a table, JSON or a formatted ``.xlsx``.

``desktop-ar --db PATH report dashboard|forecast|profit|collectors --as-of DATE
[--format table|json|xlsx|pdf] [--from DATE] [--to DATE] [--by order|customer|product|month]
[-o FILE] [--doc-lang en|zh]``

* ``--format pdf -o FILE.pdf`` lays the report out on the letterhead (``--doc-lang``, default en;
  see :mod:`desktop_ar.services.analysis_pdf`).

* ``--as-of`` defaults to today; the period ``--from``..``--to`` to the twelve months up to
  ``--as-of`` (from the first day of the eleventh month before it, to ``--as-of``).
* ``--by`` groups the profit report (default ``customer``); other reports refuse it.
* ``-o FILE`` writes the table or JSON to a file instead of standard output; it is required
  with ``--format xlsx`` (a workbook with a bold title, the period and as-of date, a bold frozen
  header, amounts as numbers with their decimals and a bold totals row).
* ``dashboard`` and ``forecast`` come from :mod:`desktop_ar.cli.report_analysis`
  (``ANALYSIS_REPORTS``), which receives the same ``args`` with ``as_of``, ``date_from``,
  ``date_to`` (None when not given), ``output_format`` and ``output``.

JSON (amounts are decimal strings in the base currency, with its decimals; keys may be added,
these stay)::

    profit:     {"report": "profit", "as_of", "from", "to", "by", "currency",
                 "rows": [{"kind", "key", "label", "revenue", "cost", "profit",
                           "margin_pct", "revenue_without_cost", "credit_notes"}],
                 "totals": {the same keys, "kind": "total"}}
    collectors: {"report": "collectors", "as_of", "from", "to", "currency",
                 "rows": [{"collector", "month", "from", "to", "collected", "overdue_start",
                           "overdue_end", "overdue_reduced", "promises_made", "promises_kept",
                           "promises_partly_kept", "promises_broken", "contacts"}],
                 "totals": {the same keys but collector, month, from and to}}

``kind`` is "group", "no_lines" (by product: invoices without lines), "credit_notes" (credit
notes outside any group) or "total"; ``margin_pct`` is a percentage with two decimals, or null
when the revenue is not positive. ``collector`` is "" for customers without a collector; the
totals' overdue start and end are the first month's start and the last month's end.
"""

from __future__ import annotations

import argparse
import importlib
import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Any

from desktop_ar.cli.aging_output import display_width, utf8_stdout
from desktop_ar.cli.args import iso_date

__all__ = ["REPORTS", "add_report_command", "default_period", "run_report"]

REPORTS = ("dashboard", "forecast", "profit", "collectors")
FORMATS = ("table", "json", "xlsx", "pdf")
OpenBook = Callable[[argparse.Namespace], AbstractContextManager[Any]]
_UNASSIGNED = "(unassigned)"


def add_report_command(sub: Any, parents: list[argparse.ArgumentParser], opener: OpenBook) -> None:
    """Add the ``report`` sub-command; ``opener(args)`` opens the chosen book."""
    p = sub.add_parser("report", parents=parents, help="analysis reports (profit, collectors…)")
    p.add_argument("report", choices=REPORTS, help="the report")
    p.add_argument(
        "--format", dest="output_format", choices=FORMATS, default="table", help="default table"
    )
    p.add_argument(
        "--from", dest="date_from", type=iso_date, metavar="YYYY-MM-DD", help="period start"
    )
    p.add_argument("--to", dest="date_to", type=iso_date, metavar="YYYY-MM-DD", help="period end")
    p.add_argument(
        "--by",
        choices=("order", "customer", "product", "month"),
        default=None,
        help="profit: group by (default customer)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (needed for xlsx, pdf)")
    p.add_argument(
        "--doc-lang", choices=("en", "zh"), default="en", help="pdf: the report's language"
    )
    p.set_defaults(func=lambda args: run_report(args, opener))


def default_period(as_of: date) -> tuple[date, date]:
    """The twelve months up to ``as_of``: the first day of the 11th month before, to ``as_of``."""
    months = as_of.year * 12 + as_of.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1), as_of


def _usage(message: str) -> Exception:
    from desktop_ar.cli.main import UsageError

    return UsageError(message)


def _check(args: argparse.Namespace) -> None:
    name = args.report
    if args.by is not None and name != "profit":
        raise _usage(f"report {name}: --by is for the profit report only")
    if args.output_format == "xlsx" and not args.output:
        raise _usage(f"report {name}: --format xlsx needs an output file: add -o FILE.xlsx")
    if args.output_format == "pdf" and not args.output:
        raise _usage(f"report {name}: --format pdf needs an output file: add -o FILE.pdf")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise _usage(f"report {name}: --from is after --to")


def run_report(args: argparse.Namespace, opener: OpenBook) -> int:
    """Run ``report``: dashboard and forecast by ``report_analysis``, the others here."""
    for name in ("as_of", "date_from", "date_to", "by", "output"):
        if not hasattr(args, name):
            setattr(args, name, None)
    _check(args)
    if args.output_format == "pdf":
        from desktop_ar.cli.report_pdf import run_report_pdf

        return run_report_pdf(args, opener)
    if args.report in ("dashboard", "forecast"):
        try:
            module = importlib.import_module("desktop_ar.cli.report_analysis")
            run = module.ANALYSIS_REPORTS[args.report]
        except (ImportError, AttributeError, KeyError):
            raise _usage(f"report {args.report}: not available") from None
        result: int = run(args, opener)
        return result
    with opener(args) as ctx:
        as_of = args.as_of or ctx.clock.today()
        start, end = default_period(as_of)
        date_from, date_to = args.date_from or start, args.date_to or end
        if date_from > date_to:
            raise _usage(f"report {args.report}: the period {date_from} – {date_to} is empty")
        if args.report == "profit":
            from desktop_ar.services.analysis_profit import profit

            report: Any = profit(ctx, date_from, date_to, by=args.by or "customer")
            out = _ProfitOut(report, as_of)
        else:
            from desktop_ar.services.analysis_collectors import collector_performance

            rows = collector_performance(ctx, date_from, date_to)
            out = _CollectorsOut(rows, as_of, date_from, date_to, _base(ctx))
    _write(out, args)
    return 0


def _base(ctx: Any) -> str:
    from desktop_ar.services.settings import load_settings
    from desktop_ar.services.uow import reader

    with reader(ctx) as s:
        return load_settings(s).base_currency


# -- rendering ----------------------------------------------------------------------------------
class _Out:
    """A report ready to print: title lines, columns, rows and a totals row."""

    title: str
    period: str
    currency: str
    headers: Sequence[tuple[str, str]]  # (title, kind: text, money, pct, int)
    rows: list[list[Any]]
    totals: list[Any]

    def to_json(self) -> dict[str, Any]:  # pragma: no cover - overridden
        raise NotImplementedError


def _money(m: Any) -> str:
    return str(m.amount_str())


def _pct(value: Any) -> str | None:
    return None if value is None else str(value)


class _ProfitOut(_Out):
    def __init__(self, report: Any, as_of: date) -> None:
        self.report, self.as_of = report, as_of
        self.title = f"Profit by {report.by}"
        self.period = f"{report.date_from} – {report.date_to}, as of {as_of}"
        self.currency = report.base_currency
        self.headers = [
            ("Key", "text"),
            ("Name", "text"),
            ("Revenue", "money"),
            ("Cost", "money"),
            ("Profit", "money"),
            ("Margin %", "pct"),
            ("Revenue without cost", "money"),
            ("Credit notes", "money"),
        ]
        self.rows = [self._cells(r, r.key) for r in report.rows]
        self.totals = self._cells(report.totals, "Total")
        self.totals[1] = ""
        if report.by == "month":  # the month is its own name
            self.headers = [self.headers[0], *self.headers[2:]]
            self.rows = [[r[0], *r[2:]] for r in self.rows]
            self.totals = [self.totals[0], *self.totals[2:]]

    @staticmethod
    def _cells(r: Any, key: str) -> list[Any]:
        return [
            key,
            r.label,
            r.revenue,
            r.cost,
            r.profit,
            r.margin,
            r.revenue_without_cost,
            r.credit_notes,
        ]

    @staticmethod
    def _row(r: Any) -> dict[str, Any]:
        return {
            "kind": r.kind,
            "key": r.key,
            "label": r.label,
            "revenue": _money(r.revenue),
            "cost": _money(r.cost),
            "profit": _money(r.profit),
            "margin_pct": _pct(r.margin),
            "revenue_without_cost": _money(r.revenue_without_cost),
            "credit_notes": _money(r.credit_notes),
        }

    def to_json(self) -> dict[str, Any]:
        rep = self.report
        return {
            "report": "profit",
            "as_of": self.as_of.isoformat(),
            "from": rep.date_from.isoformat(),
            "to": rep.date_to.isoformat(),
            "by": rep.by,
            "currency": rep.base_currency,
            "rows": [self._row(r) for r in rep.rows],
            "totals": self._row(rep.totals),
        }


_COUNTS = ("promises_made", "promises_kept", "promises_partly_kept", "promises_broken", "contacts")
_AMOUNTS = ("collected", "overdue_start", "overdue_end", "overdue_reduced")


class _CollectorsOut(_Out):
    def __init__(
        self, rows: list[Any], as_of: date, date_from: date, date_to: date, currency: str
    ) -> None:
        from desktop_ar.domain.money import Money

        self.data, self.as_of, self.date_from, self.date_to = rows, as_of, date_from, date_to
        self.title = "Collector performance"
        self.period = f"{date_from} – {date_to}, as of {as_of}"
        self.currency = currency
        self.headers = [
            ("Collector", "text"),
            ("Month", "text"),
            ("Collected", "money"),
            ("Overdue at start", "money"),
            ("Overdue at end", "money"),
            ("Overdue reduced", "money"),
            ("Promises made", "int"),
            ("Kept", "int"),
            ("Partly kept", "int"),
            ("Broken", "int"),
            ("Contacts", "int"),
        ]
        self.rows = [[r.collector or _UNASSIGNED, r.month, *self._values(r)] for r in rows]
        self.total = self._total(rows, Money.zero(currency))
        self.totals = ["Total", "", *(self.total[k] for k in (*_AMOUNTS, *_COUNTS))]

    @staticmethod
    def _values(r: Any) -> list[Any]:
        return [getattr(r, k) for k in (*_AMOUNTS, *_COUNTS)]

    def _total(self, rows: list[Any], zero: Any) -> dict[str, Any]:
        months = sorted({r.month for r in rows})
        first = [r for r in rows if months and r.month == months[0]]
        last = [r for r in rows if months and r.month == months[-1]]
        total: dict[str, Any] = {
            "collected": sum((r.collected for r in rows), zero),
            "overdue_start": sum((r.overdue_start for r in first), zero),
            "overdue_end": sum((r.overdue_end for r in last), zero),
        }
        total["overdue_reduced"] = total["overdue_start"] - total["overdue_end"]
        for k in _COUNTS:
            total[k] = sum(getattr(r, k) for r in rows)
        return total

    def to_json(self) -> dict[str, Any]:
        def row(r: Any) -> dict[str, Any]:
            out: dict[str, Any] = {
                "collector": r.collector,
                "month": r.month,
                "from": r.start.isoformat(),
                "to": r.end.isoformat(),
            }
            out.update({k: _money(getattr(r, k)) for k in _AMOUNTS})
            out.update({k: getattr(r, k) for k in _COUNTS})
            return out

        totals = {k: _money(self.total[k]) for k in _AMOUNTS}
        totals.update({k: self.total[k] for k in _COUNTS})
        return {
            "report": "collectors",
            "as_of": self.as_of.isoformat(),
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "currency": self.currency,
            "rows": [row(r) for r in self.data],
            "totals": totals,
        }


def _text(value: Any, kind: str) -> str:
    from desktop_ar.domain.parsing import format_money

    if value is None:
        return ""
    if kind == "money":
        return format_money(value)
    return str(value)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def render_table(out: _Out) -> str:
    """The report as aligned text: title, period and currency, header, rows, totals."""
    kinds = [k for _, k in out.headers]
    header = [t for t, _ in out.headers]
    body = [[_text(v, k) for v, k in zip(row, kinds, strict=True)] for row in out.rows]
    totals = [_text(v, k) for v, k in zip(out.totals, kinds, strict=True)]
    widths = [display_width(h) for h in header]
    for row in [*body, totals]:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    right = [k != "text" for k in kinds]
    rule = "  ".join("-" * w for w in widths)

    def line(cells: list[str]) -> str:
        return "  ".join(_pad(c, w, r) for c, w, r in zip(cells, widths, right, strict=True))

    lines = [out.title, f"{out.period}; amounts in {out.currency}", "", line(header), rule]
    lines += [line(row).rstrip() for row in body] or ["(nothing in this period)"]
    lines += [rule, line(totals).rstrip()]
    return "\n".join(lines) + "\n"


def _xlsx(out: _Out, path: Path) -> None:
    from desktop_ar.domain.currency import minor_digits
    from desktop_ar.io.excel.report_sheet import Block, ReportSheet, write_report_xlsx
    from desktop_ar.io.excel.writer import Column

    decimals = minor_digits(out.currency)
    columns = [
        Column(t, "money" if k == "pct" else k, 2 if k == "pct" else decimals)
        for t, k in out.headers
    ]
    sheet = ReportSheet(
        name=out.title,
        heading=[out.title, out.period, f"Amounts in {out.currency}"],
        blocks=[Block(columns=columns, rows=out.rows, totals=[out.totals])],
        landscape=True,
    )
    try:
        write_report_xlsx(path, [sheet])
    except OSError as exc:
        from desktop_ar.domain.errors import UserFacingError

        reason = f"cannot write the file ({exc.strerror or exc})"
        raise UserFacingError("invalid", field=str(path), reason=reason) from exc


def _write(out: _Out, args: argparse.Namespace) -> None:
    path = None if args.output in (None, "-") else Path(args.output).expanduser()
    if args.output_format == "xlsx":
        if path is None:
            raise _usage(f"report {args.report}: --format xlsx needs an output file")
        _xlsx(out, path)
        return
    if args.output_format == "json":
        text = json.dumps(out.to_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_table(out)
    if path is not None:
        from desktop_ar.services.exports import save_text

        save_text(path, text)
        return
    with utf8_stdout() as stream:
        stream.write(text)
