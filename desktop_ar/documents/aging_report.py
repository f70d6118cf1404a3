"""The aging report (账龄分析表) by customer with bucket totals, in English or Chinese.

Lays out the domain's ``AgingReport`` (``services.reports.aging``) under the letterhead: as-of
date, basis and buckets; per currency one row per customer (its invoices and credits netted per
bucket), a shaded totals row (the report's own totals) and each bucket's share of the total;
with several currencies, the totals in the base currency; for one customer, its open items.
:class:`PagedTable` keeps 10,000 customers linear; columns are measured to fit portrait paper.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, LongTable, Spacer

from desktop_ar.documents.base import (
    CompanyInfo,
    Styles,
    amount,
    cjk_font,
    esc,
    letterhead,
    para,
    styles,
    table,
)
from desktop_ar.domain.aging import AgingReport, CurrencyAging
from desktop_ar.domain.money import Money

__all__ = ["LABELS", "CustomerLine", "aging_flowables", "by_customer", "percentages"]

_HEAD = colors.HexColor("#3A4A5C")
_SHADE = colors.HexColor("#EEF1F4")
_RULE = colors.HexColor("#999999")

_TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Aging Report", "账龄分析表"),
    "as_of": ("As of", "截至日期"),
    "basis": ("Aging basis", "账龄依据"),
    "basis_due": ("days past the due date", "逾期天数（按到期日）"),
    "basis_invoice": ("days since the invoice date", "账龄天数（按开票日）"),
    "buckets": ("Buckets", "账龄区间"),
    "scope": ("Customers", "客户范围"),
    "all": ("All customers with open items", "全部有未清项目的客户"),
    "base": ("Base currency", "本位币"),
    "currency": ("Currency: {ccy}", "币种：{ccy}"),
    "code": ("Code", "编号"),
    "customer": ("Customer", "客户"),
    "total": ("Total", "合计"),
    "current": ("Not due", "未到期"),
    "current_invoice": ("Current", "当期"),
    "bucket": ("{label} days", "{label} 天"),
    "totals": ("Total", "合计"),
    "share": ("% of total", "占比"),
    "customers": ("{n} customers", "{n} 个客户"),
    "customer_one": ("1 customer", "1 个客户"),
    "totals_n": ("Total ({n})", "合计（{n}）"),
    "summary": ("Summary in {ccy} (base currency)", "本位币（{ccy}）汇总"),
    "summary_note": (
        "Amounts in other currencies converted at each document's exchange rate.",
        "外币金额按各单据汇率折算。",
    ),
    "no_items": ("No open items as of {day}.", "截至 {day} 无未清项目。"),
    "items": ("Open items", "未清项目明细"),
    "number": ("Number", "单号"),
    "type": ("Type", "类型"),
    "date": ("Date", "日期"),
    "due": ("Due date", "到期日"),
    "days": ("Days", "天数"),
    "aging": ("Bucket", "账龄"),
    "amount": ("Open amount", "未清金额"),
    "invoice": ("Invoice", "账单"),
    "credit_note": ("Credit note", "贷项通知单"),
    "unallocated_payment": ("Unapplied payment", "未核销收款"),
    "note": (
        "Credit notes and unapplied payments are negative and aged by their own date.",
        "贷项通知单及未核销收款以负数列示，按其自身日期计算账龄。",
    ),
}
LABELS: dict[str, dict[str, str]] = {
    lang: {key: texts[i] for key, texts in _TEXTS.items()} for i, lang in enumerate(("en", "zh"))
}


@dataclass(frozen=True, slots=True)
class CustomerLine:
    """One customer's row in one currency: its open items netted per bucket."""

    customer_code: str
    customer_name: str
    amounts: tuple[Money, ...]
    total: Money


def by_customer(aging: CurrencyAging) -> list[CustomerLine]:
    """One line per customer (the report has one per customer and kind), in code order."""
    lines: dict[int, CustomerLine] = {}
    for row in aging.by_customer:
        seen = lines.get(row.customer_id)
        amounts, total = tuple(row.amounts), row.total
        if seen is not None:
            amounts = tuple(a + b for a, b in zip(seen.amounts, amounts, strict=True))
            total = seen.total + total
        lines[row.customer_id] = CustomerLine(row.customer_code, row.customer_name, amounts, total)
    return sorted(lines.values(), key=lambda x: x.customer_code)


def percentages(totals: list[Money], total: Money) -> list[str]:
    """Each bucket's share of ``total`` as ``"12.3%"`` (empty when the total is zero)."""
    if not total.minor:
        return ["" for _ in totals]
    whole = Decimal(total.minor)
    return [
        f"{(Decimal(t.minor) * 100 / whole).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
        if t.minor
        else "0.0%"
        for t in totals
    ]


def _bucket(label: str, basis: str, lang: str) -> str:
    t = LABELS[lang]
    if label == "current":
        return t["current"] if basis == "due" else t["current_invoice"]
    return t["bucket"].format(label=label)


@functools.cache
def _sized(base: ParagraphStyle, size: float) -> ParagraphStyle:
    return ParagraphStyle(f"{base.name}_{size}", parent=base, fontSize=size, leading=size * 1.25)


def _layout(texts: list[list[str]], frame: float) -> tuple[float, list[float], bool]:
    """Font size and column widths (code, name, amounts…) that fit ``frame`` points.

    The flag says whether some code is too wide for its column (codes then wrap). Each amount
    column is as wide as its widest text; the font shrinks (from 8 pt) until the customer name
    keeps at least 30 mm, and below 5.5 pt only as far as needed to fit at all (many buckets on
    portrait paper); what is left over is shared by the name and the amounts.
    """
    font = cjk_font()
    pad, least, code_cap = 6.0, 8 * mm, 28 * mm
    # Text widths scale with the font size: measure once at 1 pt.
    unit = [
        max((pdfmetrics.stringWidth(r[i], font, 1.0) for r in texts), default=0.0)
        for i in range(len(texts[0]))
    ]

    def widths(size: float) -> tuple[float, list[float]]:
        code = min(max(unit[0] * size + pad, 12 * mm), code_cap)
        return code, [max(u * size + pad, least) for u in unit[2:]]

    size = _SIZES[-1]
    for candidate in _SIZES:
        code, amounts = widths(candidate)
        if frame - code - sum(amounts) >= 30 * mm:
            size = candidate
            break
    else:
        code, amounts = widths(size)
        while frame - code - sum(amounts) < 20 * mm and size > 3:  # shrink until it fits
            size = round(size - 0.25, 2)
            code, amounts = widths(size)
    name = frame - code - sum(amounts)
    spare = max(name - 60 * mm, 0.0)
    amounts = [a + spare / (2 * len(amounts)) for a in amounts]
    name = frame - code - sum(amounts)
    return size, [code, max(name, 20 * mm), *amounts], unit[0] * size + pad > code_cap


_SIZES = (8.0, 7.5, 7.0, 6.5, 6.0, 5.5)


def _long_table(
    rows: list[list[Any]], widths: list[float], size: float, shaded: Sequence[int]
) -> LongTable:
    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), cjk_font()),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.25),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, _RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
    ]
    for r in shaded:  # totals: shaded, the label spanning the code and name columns
        cmds += [("BACKGROUND", (0, r), (-1, r), _SHADE), ("SPAN", (0, r), (1, r))]
    t = LongTable(rows, colWidths=widths, repeatRows=1, style=cmds)
    return t


class PagedTable(Flowable):
    """A long aging table laid out a page at a time, in time linear in its rows.

    reportlab splits a table by copying every row that does not fit into a new table (N rows
    over P pages cost N x P); this builds only the header and a window of a page's rows, splits
    that and keeps the rest as another PagedTable. Rows are strings (the name, column 1, becomes
    a paragraph when laid out); widths are measured against the frame; the last ``shaded``
    rows (totals) are shaded.
    """

    MAX_WINDOW = 400

    def __init__(
        self,
        header: list[str],
        rows: list[list[str]],
        *,
        shaded: int = 0,
        start: int = 0,
        layout: dict[float, tuple[float, list[float], bool]] | None = None,
    ) -> None:
        super().__init__()
        self.header, self.rows, self.shaded, self.start = header, rows, shaded, start
        self._layouts = {} if layout is None else layout  # frame width → (size, widths)
        self._table: LongTable | None = None
        self._built_for = (-1.0, -1.0)
        self._window = self.MAX_WINDOW

    def _layout(self, avail_width: float) -> tuple[float, list[float], bool]:
        found = self._layouts.get(avail_width)
        if found is None:
            body = len(self.rows) - self.shaded
            # The shaded rows' label spans the code and name columns: not measured as a code.
            texts = [self.header, *self.rows[:body], *(["", "", *r[2:]] for r in self.rows[body:])]
            found = self._layouts[avail_width] = _layout(texts, avail_width)
        return found

    def _build(self, avail_width: float, avail_height: float) -> LongTable:
        """The header and enough rows to more than fill ``avail_height``."""
        if self._table is not None and self._built_for == (avail_width, avail_height):
            return self._table
        size, widths, wrap_codes = self._layout(avail_width)
        least = size * 1.25 + 3  # the lowest a row can be (one line and its padding)
        self._window = min(int(avail_height / least) + 2, self.MAX_WINDOW)
        stop = min(self.start + self._window, len(self.rows))
        first_shaded = len(self.rows) - self.shaded
        name = _sized(styles().cell, size)
        body: list[list[Any]] = [
            [para(esc(r[0]), name) if wrap_codes else r[0], para(esc(r[1]), name), *r[2:]]
            if i < first_shaded
            else list(r)
            for i, r in enumerate(self.rows[self.start : stop], start=self.start)
        ]
        shaded = [i - self.start + 1 for i in range(max(self.start, first_shaded), stop)]
        self._table = _long_table([self.header, *body], widths, size, shaded)
        self._built_for = (avail_width, avail_height)
        return self._table

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        table_ = self._build(avail_width, avail_height)
        self.width, self.height = table_.wrap(avail_width, avail_height)
        if self.start + self._window < len(self.rows):  # more rows follow: never "fits"
            self.height = max(self.height, avail_height + 1)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        table_ = self._build(avail_width, avail_height)
        table_.wrap(avail_width, avail_height)
        parts = table_.split(avail_width, avail_height)
        if not parts:
            return []
        used = len(parts[0]._cellvalues) - 1  # the header is row 0
        rest = self.start + used
        if rest >= len(self.rows):
            return [parts[0]]
        tail = PagedTable(
            self.header, self.rows, shaded=self.shaded, start=rest, layout=self._layouts
        )
        return [parts[0], tail]

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        """Draw the (wrapped) table."""
        assert self._table is not None
        self._table.drawOn(canvas, x, y, _sW)


def _currency_table(
    report: AgingReport, aging: CurrencyAging, st: Styles, lang: str
) -> list[Flowable]:
    t = LABELS[lang]
    labels = [_bucket(b, report.basis, lang) for b in report.buckets]
    lines = by_customer(aging)
    rows = [
        [
            x.customer_code,
            x.customer_name,
            amount(x.total),
            *(amount(a, blank_zero=True) for a in x.amounts),
        ]
        for x in lines
    ]
    count = t["customer_one"] if len(lines) == 1 else t["customers"].format(n=len(lines))
    rows.append(
        [t["totals_n"].format(n=count), "", amount(aging.total), *(amount(a) for a in aging.totals)]
    )
    rows.append([t["share"], "", *percentages([aging.total, *aging.totals], aging.total)])
    header = [t["code"], t["customer"], t["total"], *labels]
    return [
        para(esc(t["currency"].format(ccy=aging.currency)), st.heading),
        PagedTable(header, rows, shaded=2),
    ]


def _summary(report: AgingReport, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    labels = [_bucket(b, report.basis, lang) for b in report.buckets]
    values = [amount(report.base_total), *(amount(a) for a in report.base_totals)]
    share = percentages([report.base_total, *report.base_totals], report.base_total)
    header = [report.base_currency, "", t["total"], *labels]
    rows = [[t["totals"], "", *values], [t["share"], "", *share]]
    return [
        para(esc(t["summary"].format(ccy=report.base_currency)), st.heading),
        PagedTable(header, rows, shaded=2),
        para(t["summary_note"], st.small),
    ]


def _items(report: AgingReport, aging: CurrencyAging, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    names = ("number", "type", "date", "due", "days", "aging", "amount")
    out: list[list[Any]] = [
        [para(t[n], st.head_num if n in {"days", "amount"} else st.head) for n in names]
    ]
    for row in aging.by_item:
        bucket = next((i for i, a in enumerate(row.amounts) if a.minor), 0)
        due = row.due_date if row.kind == "invoice" else None
        out.append(
            [
                para(esc(row.document_number or ""), st.cell),
                para(esc(t.get(row.kind, row.kind)), st.cell),
                para(row.document_date.isoformat() if row.document_date else "", st.cell),
                para(due.isoformat() if due else "", st.cell),
                para("" if row.days_overdue is None else str(row.days_overdue), st.num),
                para(esc(_bucket(report.buckets[bucket], report.basis, lang)), st.cell),
                para(amount(row.total), st.num),
            ]
        )
    widths = ["*", 26 * mm, 20 * mm, 20 * mm, 14 * mm, 22 * mm, 28 * mm]
    heading = f"{t['items']} · {esc(aging.currency)}"
    return [para(heading, st.heading), table(out, widths)]


def _head(report: AgingReport, scope: str, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    sep = "、" if lang == "zh" else ", "
    labels = sep.join(_bucket(b, report.basis, lang) for b in report.buckets)
    rows = [
        [para(t["as_of"], st.small), para(report.as_of.isoformat(), st.body)],
        [para(t["basis"], st.small), para(t[f"basis_{report.basis}"], st.body)],
        [para(t["buckets"], st.small), para(esc(labels), st.body)],
        [para(t["scope"], st.small), para(esc(scope) if scope else t["all"], st.body)],
        [para(t["base"], st.small), para(esc(report.base_currency), st.body)],
    ]
    return [para(t["title"], st.title), table(rows, [28 * mm, "*"], header=False)]


def aging_flowables(
    report: AgingReport, company: CompanyInfo, *, lang: str = "en", customer: str = ""
) -> list[Flowable]:
    """The aging report's content: letterhead, head, one table per currency, base summary.

    Args:
        report: ``services.reports.aging(...)`` (with ``by_item`` for one customer).
        company: the letterhead.
        lang: ``en`` or ``zh``.
        customer: ``"C001 name"`` when the report is restricted to one customer (its open
            items are then listed too); empty for the whole book.
    """
    st = styles()
    t = LABELS[lang]
    story: list[Flowable] = [*letterhead(company, st, lang), *_head(report, customer, st, lang)]
    if not report.currencies:
        story.append(Spacer(1, 3 * mm))
        story.append(para(t["no_items"].format(day=report.as_of.isoformat()), st.body))
        return story
    for aging in report.currencies:
        story += _currency_table(report, aging, st, lang)
    if len(report.currencies) > 1 or report.currencies[0].currency != report.base_currency:
        story += _summary(report, st, lang)
    if customer:
        for aging in report.currencies:
            if aging.by_item:
                story += _items(report, aging, st, lang)
    story += [Spacer(1, 2 * mm), para(t["note"], st.small)]
    return story
