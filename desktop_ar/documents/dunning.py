"""The dunning letter (催款函) as a PDF, in English or Chinese.

Takes a ``DunningLetter`` built by ``desktop_ar.services.dunning_letters`` (passed in as it is:
this layer never imports services) and lays it out under the company letterhead: the date and
the customer's address block, the level's name and the subject, then the body written from the
user's template. Where the body has ``{items}`` a table per currency lists the overdue items
(invoice, dates, days overdue, outstanding, and interest when the level charges it) with the
overdue total, interest, fee and total due below it; without the marker the tables follow the
body. Last come the bank details to pay to and how interest is worked out.

Template text is user text: it is escaped like every other piece of user text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from desktop_ar.documents.base import (
    CompanyInfo,
    Styles,
    amount,
    esc,
    letterhead,
    para,
    styles,
    table,
)
from desktop_ar.domain.dunning import ITEMS_MARKER, letter_date

__all__ = ["LABELS", "dunning_flowables", "dunning_title"]

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Dunning letter",
        "date": "Date",
        "code": "Customer code",
        "attn": "Attn. ",
        "currency": "Currency",
        "number": "Invoice no.",
        "issued": "Invoice date",
        "due": "Due date",
        "days": "Days overdue",
        "outstanding": "Outstanding",
        "interest": "Interest",
        "overdue_total": "Overdue total",
        "interest_total": "Interest",
        "fee": "Dunning fee",
        "total_due": "Total due",
        "pay": "Please pay to",
        "rate": "Interest is simple interest at {rate} a year on each overdue amount for the "
        "days it is overdue (days/365), rounded to the cent.",
        "ref": "Please quote the customer code {code} and the invoice numbers with your payment.",
    },
    "zh": {
        "title": "催款函",
        "date": "日期",
        "code": "客户编号",
        "attn": "联系人：",
        "currency": "币种",
        "number": "账单号",
        "issued": "开单日期",
        "due": "到期日",
        "days": "逾期天数",
        "outstanding": "未付金额",
        "interest": "逾期利息",
        "overdue_total": "逾期金额合计",
        "interest_total": "利息",
        "fee": "催款费用",
        "total_due": "应付合计",
        "pay": "收款账户",
        "rate": "逾期利息按年利率 {rate} 单利计算：逾期金额 × 年利率 × 逾期天数 / 365，"
        "四舍五入到分。",
        "ref": "付款时请注明客户编号 {code} 及账单号。",
    },
}


def dunning_title(letter: Any) -> str:
    """The outline title of a letter: ``催款函 C00012 L2``."""
    return f"{LABELS[letter.language]['title']} {letter.customer_code} L{letter.level}"


def _percent(rate: Decimal, lang: str) -> str:
    text = f"{(rate * 100).normalize():f}"
    return f"{text}%" if lang == "zh" else f"{text} %"


def _head(letter: Any, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    right = ParagraphStyle("dunning_date", parent=st.body, alignment=TA_RIGHT)
    block = [para(esc(letter.customer_name), st.body)]
    if letter.customer_address.strip():
        block.append(para(esc(letter.customer_address), st.body))
    if letter.contact_name.strip() and letter.contact_name != letter.customer_name:
        block.append(para(f"{t['attn']}{esc(letter.contact_name)}", st.body))
    block.append(para(f"{t['code']}: {esc(letter.customer_code)}", st.small))
    return [
        para(f"{t['date']}: {letter_date(letter.as_of, lang)}", right),
        *block,
        Spacer(1, 5 * mm),
        para(esc(letter.level_name), st.title),
    ]


def _subject(letter: Any, st: Styles) -> list[Flowable]:
    if not letter.subject.strip():
        return []
    style = ParagraphStyle("dunning_subject", parent=st.heading, spaceBefore=0, spaceAfter=4)
    return [para(f"<b>{esc(letter.subject)}</b>", style)]


def _paragraphs(text: str, st: Styles) -> list[Flowable]:
    """Blank lines separate paragraphs; single line breaks stay line breaks."""
    out: list[Flowable] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if block.strip("\n").strip():
            out.append(para(esc(block.strip("\n")), st.body))
            out.append(Spacer(1, 2.5 * mm))
    return out


def _items_table(letter: Any, section: Any, st: Styles, lang: str) -> Flowable:
    t = LABELS[lang]
    with_interest = letter.interest_rate > 0
    ccy = esc(section.currency)
    head = [
        para(t["number"], st.head),
        para(t["issued"], st.head),
        para(t["due"], st.head),
        para(t["days"], st.head_num),
        para(f"{t['outstanding']} {ccy}", st.head_num),
    ]
    widths: list[float | str] = ["*", 22 * mm, 22 * mm, 20 * mm, 30 * mm]
    if with_interest:
        head.append(para(f"{t['interest']} {ccy}", st.head_num))
        widths.append(26 * mm)
    rows: list[list[Any]] = [head]
    for item in section.items:
        row = [
            para(esc(item.invoice_number), st.cell),
            para(item.issue_date.isoformat(), st.cell),
            para(item.due_date.isoformat(), st.cell),
            para(str(item.days_overdue), st.num),
            para(amount(item.outstanding), st.num),
        ]
        if with_interest:
            row.append(para(amount(item.interest), st.num))
        rows.append(row)
    totals = [("overdue_total", section.overdue_total)]
    if with_interest:
        totals.append(("interest_total", section.interest_total))
    if section.fee:
        totals.append(("fee", section.fee))
    totals.append(("total_due", section.total_due))
    cols = len(head)
    first_total = len(rows)
    for key, value in totals:
        label = t[key] if key != "fee" else f"{t['fee']} ({esc(letter.level_name)})"
        row = [para(label, st.cell), *([""] * (cols - 2)), para(amount(value), st.num)]
        rows.append(row)
    last = len(rows) - 1
    spans = [((0, r), (cols - 2, r)) for r in range(first_total, last + 1)]
    return table(rows, widths, bold_rows=(last,), spans=spans)


def _tables(letter: Any, st: Styles, lang: str) -> list[Flowable]:
    out: list[Flowable] = []
    several = len(letter.sections) > 1
    for section in letter.sections:
        if several:
            out.append(para(f"{LABELS[lang]['currency']}: {esc(section.currency)}", st.heading))
        out.append(_items_table(letter, section, st, lang))
        out.append(Spacer(1, 4 * mm))
    return out


def _footer(letter: Any, company: CompanyInfo, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    parts: list[Flowable] = [Spacer(1, 3 * mm)]
    if company.bank_details.strip():
        parts.append(para(t["pay"], st.heading))
        parts.append(para(esc(company.bank_details), st.body))
        parts.append(Spacer(1, 2 * mm))
    parts.append(para(esc(t["ref"].format(code=letter.customer_code)), st.small))
    if letter.interest_rate > 0:
        parts.append(
            para(esc(t["rate"].format(rate=_percent(letter.interest_rate, lang))), st.small)
        )
    return [KeepTogether(parts)]


def dunning_flowables(letter: Any, company: CompanyInfo) -> list[Flowable]:
    """The letter's content in its own language (``letter.language``).

    Args:
        letter: a ``services.dunning_letters.DunningLetter``.
        company: the letterhead and bank details.
    """
    lang = letter.language if letter.language in LABELS else "en"
    st = styles()
    story: list[Flowable] = [*letterhead(company, st, lang), *_head(letter, st, lang)]
    story += _subject(letter, st)
    before, marker, after = letter.body.partition(ITEMS_MARKER)
    story += _paragraphs(before, st)
    if marker:
        story += _tables(letter, st, lang)
        story += _paragraphs(after.replace(ITEMS_MARKER, ""), st)
    else:
        story += _tables(letter, st, lang)
    story += _footer(letter, company, st, lang)
    return story
