"""The balance confirmation letter (余额确认函 / 询证函) with its reply slip, in English or Chinese.

The letter asks the customer to confirm the balance of its account with us as of a date, per
currency (a negative balance is the customer's credit with us), says that it is not a request
for payment, lists the open items that make up the balance, and ends with a reply slip below a
dashed cut line: the balance restated, "correct" / "not correct, our records show …" boxes, and
lines for a signature, the company seal (盖章), a name and a date. The slip is kept together on
one page.

The figures come in as a :class:`ConfirmationLetter` (plain values built by the service from
the statement of account, so the balance is the statement's closing balance on that day).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

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
from desktop_ar.domain.money import Money

__all__ = [
    "LABELS",
    "MAX_ITEMS",
    "ConfirmationBalance",
    "ConfirmationItem",
    "ConfirmationLetter",
    "confirmation_flowables",
]

MAX_ITEMS = 30  # open items listed per currency; the statement of account has them all
SCISSORS = "\u2702"

_TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Balance Confirmation", "余额确认函"),
    "date": ("Date", "日期"),
    "to": ("To", "致"),
    "code": ("Customer code", "客户编号"),
    "address": ("Address", "地址"),
    "attn": ("Attention", "联系人"),
    "dear": ("Dear {name},", "尊敬的 {name}："),
    "dear_all": ("Dear Sir or Madam,", "{name}："),
    "intro": (
        "To keep our records in agreement, please confirm the balance of your account with us. "
        "According to our books, as of {day} your balance with us is:",
        "为核对双方账目，请贵司确认与我司的往来余额。根据我司账簿记录，截至 {day}，贵司在我"
        "司的账户余额如下：",
    ),
    "currency": ("Currency", "币种"),
    "balance": ("Balance", "余额"),
    "meaning": ("Meaning", "说明"),
    "owed": ("owed by you to us", "贵司欠我司"),
    "credit": ("your credit with us (we owe you)", "贵司在我司的贷方余额（我司欠贵司）"),
    "zero": ("no balance", "无余额"),
    "negative": (
        "A negative balance is your credit with us: an amount we owe you.",
        "负数余额为贵司在我司的贷方余额，即我司欠贵司的款项。",
    ),
    "not_demand": (
        "This is not a request for payment. If you have paid after {day}, please still confirm "
        "the balance as of {day}.",
        "本函仅为核对账目，这不是催款函。如贵司在 {day} 之后已付款，仍请确认截至 {day} 的余额。",
    ),
    "reply": (
        "Please check the balance, sign and stamp the reply slip below and return it within {days} "
        "days (by {by}) to {to}. If the balance does not agree with your records, please give "
        "your balance and the differences on the slip.",
        "请核对上述余额，在下方回执上签字盖章，并于 {days} 日内（{by} 前）寄回或发送"
        "至{to}。如与贵司记录不符，请在回执上注明贵司记录的余额及差异。",
    ),
    "items": ("Open items making up the balance", "构成余额的未清项目"),
    "items_ccy": ("Open items making up the {ccy} balance", "构成 {ccy} 余额的未清项目"),
    "type": ("Type", "类型"),
    "number": ("Number", "单号"),
    "doc_date": ("Date", "日期"),
    "due": ("Due date", "到期日"),
    "open": ("Open amount", "未清金额"),
    "total": ("Total", "合计"),
    "total_all": ("Total of all {n} items", "全部 {n} 项合计"),
    "more": (
        "… and {n} more items (see the statement of account).",
        "……另有 {n} 项（详见对账单）。",
    ),
    "closing": ("Yours faithfully,", "此致<br/>敬礼！"),
    "our_seal": ("{name}", "{name}（盖章）"),
    "cut": ("please detach", "请沿虚线剪下"),
    "slip": ("Reply slip — balance confirmation", "回执 — 余额确认"),
    "slip_to": ("To: {to}", "致：{to}"),
    "slip_text": (
        "We have checked the balance of our account (customer code {code}) with you as of {day}, "
        "stated in your letter as:",
        "我司已核对截至 {day} 与贵司的往来余额（客户编号 {code}），贵司函列余额为：",
    ),
    "correct": ("The balance above is correct.", "上述余额正确无误。"),
    "wrong": (
        "The balance is not correct; our records show: {blank} ; differences: {blank}",
        "上述余额不符，我司记录为：{blank}；差异：{blank}",
    ),
    "attach": ("(Please attach a list of the differences.)", "（请附差异明细。）"),
    "customer": ("Customer: {name}", "客户：{name}"),
    "signature": ("Authorised signature", "授权签字"),
    "seal": ("Company seal", "盖章"),
    "name": ("Name", "姓名"),
    "sign_date": ("Date", "日期"),
    "invoice": ("Invoice", "账单"),
    "credit_note": ("Credit note", "贷项通知单"),
    "unallocated_payment": ("Unapplied payment", "未核销收款"),
}
LABELS: dict[str, dict[str, str]] = {
    lang: {key: texts[i] for key, texts in _TEXTS.items()} for i, lang in enumerate(("en", "zh"))
}
_LINE = colors.HexColor("#777777")


@dataclass(frozen=True, slots=True)
class ConfirmationItem:
    """An open item behind the balance: signed (credits negative), as the statement lists it."""

    kind: str
    number: str
    document_date: date
    due_date: date | None
    amount: Money


@dataclass(frozen=True, slots=True)
class ConfirmationBalance:
    """Our balance in one currency as of the letter's date, and the open items making it up."""

    balance: Money
    items: tuple[ConfirmationItem, ...] = ()


@dataclass(frozen=True, slots=True)
class ConfirmationLetter:
    """Everything a balance confirmation letter prints about the customer and its balance."""

    customer_code: str
    customer_name: str
    customer_address: str
    contact_name: str
    as_of: date
    letter_date: date
    balances: tuple[ConfirmationBalance, ...]
    reply_days: int = 14

    @property
    def reply_by(self) -> date:
        """The date the reply slip is asked back by."""
        return self.letter_date + timedelta(days=self.reply_days)


@functools.cache
def _centered(base: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{base.name}_center", parent=base, alignment=TA_CENTER)


@functools.cache
def _slip_heading(base: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{base.name}_slip", parent=base, spaceBefore=2, spaceAfter=2)


@functools.cache
def _has_glyph(char: str) -> bool:
    """True when the embedded font can draw ``char`` (no missing-glyph box)."""
    face: Any = pdfmetrics.getFont(cjk_font()).face
    return ord(char) in face.charToGlyph


class CutLine(Flowable):
    """A dashed cut line across the frame with a short centred note (and ✂ if the font has it)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = f"{SCISSORS} {text}" if _has_glyph(SCISSORS) else text
        self.height = 5 * mm
        self.width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        canv: Any = self.canv
        font = cjk_font()
        size = 7.0
        text_w = pdfmetrics.stringWidth(self.text, font, size) + 4 * mm
        mid, y = self.width / 2, self.height / 2
        canv.saveState()
        canv.setStrokeColor(_LINE)
        canv.setLineWidth(0.6)
        canv.setDash(4, 3)
        canv.line(0, y, mid - text_w / 2, y)
        canv.line(mid + text_w / 2, y, self.width, y)
        canv.setFillColor(_LINE)
        canv.setFont(font, size)
        canv.drawCentredString(mid, y - size / 3, self.text)
        canv.restoreState()


def _meaning(balance: Money, lang: str) -> str:
    t = LABELS[lang]
    if balance.minor > 0:
        return t["owed"]
    return t["credit"] if balance.minor < 0 else t["zero"]


def _return_to(company: CompanyInfo) -> str:
    bits = [company.name.strip(), company.address.strip(), company.email.strip()]
    return ", ".join(b for b in bits if b)


def _head(letter: ConfirmationLetter, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    rows = [
        [para(t["to"], st.small), para(esc(letter.customer_name), st.body)],
        [para(t["code"], st.small), para(esc(letter.customer_code), st.body)],
    ]
    if letter.customer_address.strip():
        rows.append([para(t["address"], st.small), para(esc(letter.customer_address), st.body)])
    if letter.contact_name.strip():
        rows.append([para(t["attn"], st.small), para(esc(letter.contact_name), st.body)])
    rows.append([para(t["date"], st.small), para(letter.letter_date.isoformat(), st.body)])
    return [
        table(rows, [26 * mm, "*"], header=False),
        para(t["title"], _centered(st.title)),
    ]


def _balances(letter: ConfirmationLetter, st: Styles, lang: str) -> Flowable:
    t = LABELS[lang]
    rows: list[list[Any]] = [
        [para(t["currency"], st.head), para(t["balance"], st.head_num), para(t["meaning"], st.head)]
    ]
    for b in letter.balances:
        rows.append(
            [
                para(esc(b.balance.currency), st.body),
                para(amount(b.balance), st.num),
                para(esc(_meaning(b.balance, lang)), st.body),
            ]
        )
    out = table(rows, [22 * mm, 38 * mm, "*"])
    out.setStyle(TableStyle([("LEFTPADDING", (2, 0), (2, -1), 4 * mm)]))
    return out


def _items(
    letter: ConfirmationLetter, balance: ConfirmationBalance, st: Styles, lang: str
) -> list[Flowable]:
    t = LABELS[lang]
    ccy = balance.balance.currency
    title = t["items_ccy"].format(ccy=ccy) if len(letter.balances) > 1 else t["items"]
    names = ("type", "number", "doc_date", "due", "open")
    rows: list[list[Any]] = [[para(t[n], st.head_num if n == "open" else st.head) for n in names]]
    shown = balance.items[:MAX_ITEMS]
    for item in shown:
        rows.append(
            [
                para(esc(t.get(item.kind, item.kind)), st.cell),
                para(esc(item.number), st.cell),
                para(item.document_date.isoformat(), st.cell),
                para(item.due_date.isoformat() if item.due_date else "", st.cell),
                para(amount(item.amount), st.num),
            ]
        )
    total = Money.sum((i.amount for i in balance.items), ccy)
    n = len(balance.items)
    label = t["total_all"].format(n=n) if n > len(shown) else t["total"]
    rows.append([para(label, st.cell), "", "", "", para(amount(total), st.num)])
    last = len(rows) - 1
    widths = [30 * mm, "*", 22 * mm, 22 * mm, 32 * mm]
    out: list[Flowable] = [
        para(esc(title), st.heading),
        table(rows, widths, bold_rows=(last,), spans=[((0, last), (3, last))]),
    ]
    hidden = len(balance.items) - len(shown)
    if hidden > 0:
        out.append(para(t["more"].format(n=hidden), st.small))
    return out


def _slip(
    letter: ConfirmationLetter, company: CompanyInfo, st: Styles, lang: str
) -> list[Flowable]:
    t = LABELS[lang]
    day = letter.as_of.isoformat()
    box = '<font size="13">\u25a1</font>'
    blank = "_" * 18
    stated = "; ".join(f"{b.balance.currency} {amount(b.balance)}" for b in letter.balances)
    checks = Table(
        [
            [para(box, st.body), para(esc(t["correct"]), st.body)],
            [para(box, st.body), para(esc(t["wrong"].format(blank=blank)), st.body)],
            ["", para(t["attach"], st.small)],
        ],
        colWidths=[7 * mm, "*"],
        style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, -1), 0)],
    )
    sign = Table(
        [
            [para(t["signature"], st.small), "", para(t["seal"], st.small), ""],
            [para(t["name"], st.small), "", "", ""],
            [para(t["sign_date"], st.small), "", "", ""],
        ],
        colWidths=[30 * mm, "*", 22 * mm, 40 * mm],
        rowHeights=[8 * mm] * 3,
        style=[
            ("SPAN", (2, 0), (2, 2)),
            ("SPAN", (3, 0), (3, 2)),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("VALIGN", (2, 0), (2, 0), "TOP"),
            ("LINEBELOW", (1, 0), (1, 2), 0.5, _LINE),
            ("BOX", (3, 0), (3, 2), 0.5, _LINE),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ],
    )
    text = esc(t["slip_text"].format(day=day, code=letter.customer_code))
    parts: list[Flowable] = [
        Spacer(1, 2 * mm),
        CutLine(t["cut"]),
        para(t["slip"], _slip_heading(st.heading)),
        para(esc(t["slip_to"].format(to=_return_to(company))), st.body),
        para(f"{text} <b>{esc(stated)}</b>", st.body),
        Spacer(1, 1 * mm),
        checks,
        para(esc(t["customer"].format(name=letter.customer_name)), st.body),
        sign,
    ]
    return [KeepTogether(parts)]


def confirmation_flowables(
    letter: ConfirmationLetter, company: CompanyInfo, *, lang: str = "en"
) -> list[Flowable]:
    """The letter's content: letterhead, customer, balances, open items, closing, reply slip.

    Args:
        letter: the customer, the dates and our balance per currency with its open items.
        company: the letterhead; the reply slip is addressed back to it.
        lang: ``en`` or ``zh``.
    """
    st = styles()
    t = LABELS[lang]
    day = letter.as_of.isoformat()
    story: list[Flowable] = [*letterhead(company, st, lang), *_head(letter, st, lang)]
    who = letter.contact_name.strip()
    if who:
        story.append(para(esc(t["dear"].format(name=who)), st.body))
    else:
        story.append(para(esc(t["dear_all"].format(name=letter.customer_name)), st.body))
    story += [Spacer(1, 1.5 * mm), para(esc(t["intro"].format(day=day)), st.body)]
    story += [Spacer(1, 1.5 * mm), _balances(letter, st, lang), Spacer(1, 1.5 * mm)]
    if any(b.balance.minor < 0 for b in letter.balances):
        story.append(para(t["negative"], st.body))
    story.append(para(f"<b>{esc(t['not_demand'].format(day=day))}</b>", st.body))
    reply = t["reply"].format(
        days=letter.reply_days, by=letter.reply_by.isoformat(), to=_return_to(company)
    )
    story += [Spacer(1, 1 * mm), para(esc(reply), st.body)]
    for balance in letter.balances:
        if balance.items:
            story += _items(letter, balance, st, lang)
    story += [
        Spacer(1, 1.5 * mm),
        para(t["closing"], st.body),
        Spacer(1, 1 * mm),
        para(esc(t["our_seal"].format(name=company.name)), st.body),
        para(letter.letter_date.isoformat(), st.body),
    ]
    story += _slip(letter, company, st, lang)
    return story


def letter_title(letter: ConfirmationLetter, lang: str) -> str:
    """The outline title: ``Balance Confirmation C001``."""
    return f"{LABELS[lang]['title']} {letter.customer_code}"
