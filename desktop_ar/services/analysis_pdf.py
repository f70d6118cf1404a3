"""The analysis reports (dashboard, forecast, profit, collectors) as printable PDF.

Builders turn each report's DTO into a plain :class:`~desktop_ar.documents.analysis_report.
ReportDoc` (text already formatted, amounts with the base currency's decimals);
:func:`write_report_pdf` computes a report, lays it out on the company letterhead and writes it
through :func:`~desktop_ar.services.docs.write_atomic` (temporary name, then rename) with one
audit row (``print_report``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop_ar.documents.analysis_labels import FIGURE_TITLES, LABELS
from desktop_ar.documents.analysis_report import Figure, ReportDoc, Section, report_document
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import format_money
from desktop_ar.services.context import ServiceContext

__all__ = [
    "REPORT_KINDS",
    "collectors_doc",
    "dashboard_doc",
    "forecast_doc",
    "profit_doc",
    "write_report_pdf",
]

REPORT_KINDS = ("dashboard", "forecast", "profit", "collectors")


def _lang(lang: str) -> dict[str, Any]:
    if lang not in LABELS:
        raise UserFacingError("invalid", field="lang", reason=f"{lang!r} is not en or zh")
    return LABELS[lang]


def _fm(m: Money) -> str:
    return format_money(m)


def _value(value: Money | Decimal | None, unit: str, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, Money):
        return _fm(value)
    return f"{value} %" if unit == "percent" else f"{value}{_lang(lang)['days']}"


def _period(t: dict[str, Any], as_of: date, start: date, end: date, ccy: str) -> str:
    return str(t["period"]).format(as_of=as_of, date_from=start, date_to=end, ccy=ccy)


def dashboard_doc(dash: Any, lang: str = "en") -> ReportDoc:
    """The dashboard (services.analysis.dashboard.Dashboard) as a report."""
    t = _lang(lang)
    ccy = dash.base_currency
    titles = FIGURE_TITLES[lang]
    figures = tuple(
        Figure(
            titles.get(f.key, f.key),
            _value(f.value, f.unit, lang),
            f.definition_zh if lang == "zh" else f.definition_en,
        )
        for f in dash.figures
    )
    debtors = tuple((d.code, d.name, _fm(d.balance), _fm(d.overdue)) for d in dash.top_debtors)
    buckets = [
        (label, _fm(a)) for label, a in zip(dash.bucket_labels, dash.bucket_totals, strict=True)
    ]
    buckets.append((t["total"], _fm(Money.sum(dash.bucket_totals, ccy))))
    months = [(p.month.isoformat()[:7], _fm(p.invoiced), _fm(p.collected)) for p in dash.months]
    zero = Money(0, ccy)
    months.append(
        (
            t["total"],
            _fm(sum((p.invoiced for p in dash.months), zero)),
            _fm(sum((p.collected for p in dash.months), zero)),
        )
    )
    sections = (
        Section(t["figures"], figures=figures),
        Section(
            t["debtors"],
            (t["code"], t["customer"], t["balance"], t["overdue"]),
            debtors,
            frozenset({2, 3}),
            widths=(1, 3, 1.3, 1.3),
            empty=t["none"],
        ),
        Section(
            t["aging"],
            (t["bucket"], t["amount"]),
            tuple(buckets),
            frozenset({1}),
            total_rows=(len(buckets) - 1,),
        ),
        Section(
            t["monthly"],
            (t["month"], t["invoiced"], t["collected"]),
            tuple(months),
            frozenset({1, 2}),
            total_rows=(len(months) - 1,),
        ),
    )
    subtitle = _period(t, dash.as_of, dash.date_from, dash.date_to, ccy)
    return ReportDoc(t["dashboard"], subtitle, sections, lang=lang)


def forecast_doc(fc: Any, bt: Any, lang: str = "en") -> ReportDoc:
    """The 13-week forecast and its back-test (services.analysis.forecast) as a report."""
    from desktop_ar.services.analysis.forecast import error_percent

    t = _lang(lang)
    ccy = fc.base_currency
    f = fc.forecast

    def fm(minor: int) -> str:
        return _fm(Money(minor, ccy))

    rows = [
        (w.start.isoformat(), w.end.isoformat(), fm(w.due_minor), fm(w.expected_minor))
        for w in f.weeks
    ]
    rows.append((t["later"], "", fm(f.due_beyond_minor), fm(f.beyond_minor)))
    rows.append((t["doubtful"], "", "", fm(f.doubtful_minor)))
    rows.append((t["open"], "", fm(f.open_minor), fm(f.open_minor)))
    r = bt.result
    bt_rows = [(s.isoformat(), fm(e), fm(a), fm(e - a)) for s, e, a in r.weeks]
    bt_rows.append(
        (t["total"], fm(r.expected_minor), fm(r.actual_minor), fm(r.total_difference_minor))
    )
    note = str(t["bt_note"]).format(
        e=fm(r.expected_minor),
        a=fm(r.actual_minor),
        d=fm(r.total_difference_minor),
        err=fm(r.error_minor),
        pct=error_percent(r.error_share),
    )
    sections = (
        Section(
            t["weeks"],
            (t["week"], t["to"], t["due"], t["expected"]),
            tuple(rows),
            frozenset({2, 3}),
            total_rows=(len(rows) - 1,),
            note=str(t["fc_note"]).format(n=f.customers),
        ),
        Section(
            str(t["backtest"]).format(made_on=bt.made_on.isoformat()),
            (t["week"], t["expected"], t["arrived"], t["difference"]),
            tuple(bt_rows),
            frozenset({1, 2, 3}),
            total_rows=(len(bt_rows) - 1,),
            note=note,
        ),
    )
    subtitle = str(t["as_of"]).format(as_of=f.as_of.isoformat(), ccy=ccy)
    return ReportDoc(t["forecast"], subtitle, sections, lang=lang)


def profit_doc(report: Any, as_of: date, lang: str = "en") -> ReportDoc:
    """The profit report (services.analysis_profit.ProfitReport) as a report (turned pages)."""
    t = _lang(lang)
    month = report.by == "month"

    def cells(r: Any, key: str) -> tuple[str, ...]:
        margin = "" if r.margin is None else str(r.margin)
        name = () if month else (r.label,)
        values = (r.revenue, r.cost, r.profit)
        tail = (r.revenue_without_cost, r.credit_notes)
        return (key, *name, *map(_fm, values), margin, *map(_fm, tail))

    head = (t["key"], *(() if month else (t["name"],)))
    columns = (
        *head,
        t["revenue"],
        t["cost"],
        t["profit"],
        t["margin"],
        t["no_cost"],
        t["credit_notes"],
    )
    rows = [cells(r, r.key) for r in report.rows]
    totals = list(cells(report.totals, t["total"]))
    if not month:
        totals[1] = ""
    rows.append(tuple(totals))
    first = len(head)
    widths = (1.2, *(() if month else (3.0,)), *([1.3] * 6))
    title = str(t["profit_title"]).format(by=t["by"].get(report.by, report.by))
    section = Section(
        "",
        columns,
        tuple(rows),
        frozenset(range(first, len(columns))),
        total_rows=(len(rows) - 1,),
        widths=widths,
    )
    subtitle = _period(t, as_of, report.date_from, report.date_to, report.base_currency)
    return ReportDoc(title, subtitle, (section,), lang=lang, landscape=True)


_AMOUNTS = ("collected", "overdue_start", "overdue_end", "overdue_reduced")
_COUNTS = ("promises_made", "promises_kept", "promises_partly_kept", "promises_broken", "contacts")


def collectors_doc(
    rows: Sequence[Any],
    as_of: date,
    date_from: date,
    date_to: date,
    *,
    currency: str,
    lang: str = "en",
) -> ReportDoc:
    """Collector performance per collector and month (services.analysis_collectors)."""
    t = _lang(lang)
    zero = Money(0, currency)
    body = [
        (
            r.collector or t["unassigned"],
            r.month,
            *(_fm(getattr(r, k)) for k in _AMOUNTS),
            *(str(getattr(r, k)) for k in _COUNTS),
        )
        for r in rows
    ]
    months = sorted({r.month for r in rows})
    first = [r for r in rows if months and r.month == months[0]]
    last = [r for r in rows if months and r.month == months[-1]]
    start = sum((r.overdue_start for r in first), zero)
    end = sum((r.overdue_end for r in last), zero)
    totals = (
        t["total"],
        "",
        _fm(sum((r.collected for r in rows), zero)),
        _fm(start),
        _fm(end),
        _fm(start - end),
        *(str(sum(getattr(r, k) for r in rows)) for k in _COUNTS),
    )
    body.append(totals)
    columns = (
        t["collector"],
        t["month"],
        t["collected"],
        t["overdue_start"],
        t["overdue_end"],
        t["reduced"],
        t["made"],
        t["kept"],
        t["partly"],
        t["broken"],
        t["contacts"],
    )
    section = Section(
        "",
        columns,
        tuple(body),
        frozenset(range(2, len(columns))),
        total_rows=(len(body) - 1,),
        widths=(2, 1, 1.5, 1.5, 1.5, 1.5, 1, 1, 1, 1, 1),
    )
    subtitle = _period(t, as_of, date_from, date_to, currency)
    return ReportDoc(t["collectors"], subtitle, (section,), lang=lang, landscape=True)


def build_report(
    ctx: ServiceContext,
    report: str,
    as_of: date,
    date_from: date | None,
    date_to: date | None,
    *,
    by: str = "customer",
    lang: str = "en",
) -> ReportDoc:
    """Compute ``report`` (one of :data:`REPORT_KINDS`) and turn it into a :class:`ReportDoc`.

    The period defaults to the twelve months up to ``as_of``.
    """
    from desktop_ar.services.analysis.dashboard import default_period

    _lang(lang)
    start, end = default_period(as_of)
    date_from, date_to = date_from or start, date_to or end
    if report == "dashboard":
        from desktop_ar.services.analysis.dashboard import dashboard

        return dashboard_doc(dashboard(ctx, as_of, date_from, date_to), lang)
    if report == "forecast":
        from desktop_ar.services.analysis.forecast import backtest_forecast, cash_forecast

        return forecast_doc(cash_forecast(ctx, as_of), backtest_forecast(ctx, as_of), lang)
    if report == "profit":
        from desktop_ar.services.analysis_profit import profit

        return profit_doc(profit(ctx, date_from, date_to, by=by), as_of, lang)
    if report == "collectors":
        from desktop_ar.services.analysis_collectors import collector_performance
        from desktop_ar.services.settings import get_settings

        rows = collector_performance(ctx, date_from, date_to)
        ccy = get_settings(ctx).base_currency
        return collectors_doc(rows, as_of, date_from, date_to, currency=ccy, lang=lang)
    raise UserFacingError("invalid", field="report", reason=f"{report!r} is not a report")


def write_report_pdf(  # noqa: PLR0917 - the documented signature
    ctx: ServiceContext,
    report: str,
    as_of: date,
    date_from: date | None,
    date_to: date | None,
    path: Path | str,
    *,
    by: str = "customer",
    lang: str = "en",
) -> Path:
    """Write ``report`` as a PDF at ``path`` (temporary name, then rename) with an audit row.

    Returns:
        The file written.

    Raises:
        UserFacingError: an unknown report or language; the file cannot be written; no font.
    """
    from desktop_ar.documents.base import build_documents
    from desktop_ar.services.docs import company_info, write_atomic
    from desktop_ar.services.settings import get_settings

    doc = build_report(ctx, report, as_of, date_from, date_to, by=by, lang=lang)
    settings = get_settings(ctx)
    document = report_document(doc, company_info(settings), paper=settings.paper)

    def audit() -> None:
        if ctx.read_only:  # a read-only book takes no writes, the audit row included
            return
        from desktop_ar.services.audit import record
        from desktop_ar.services.uow import uow

        after = {"report": report, "as_of": as_of.isoformat(), "lang": lang, "file": str(path)}
        if date_from or date_to:
            after.update(
                {"from": str(date_from or ""), "to": str(date_to or "")},
            )
        with uow(ctx) as s:
            record(s, ctx, "print_report", "report", report, after=after)

    return write_atomic(
        Path(path),
        lambda fh: build_documents(fh, [document], paper=settings.paper, title=doc.title),
        before_rename=audit,
    )
