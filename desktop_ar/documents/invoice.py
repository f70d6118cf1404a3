"""The company's own invoice (账单) as a PDF, in English or Chinese.

This is our commercial invoice, not the Chinese tax invoice (发票): the document says so, and
quotes the fapiao number when one has been issued for it. The data arrives as the plain
dataclasses below (filled by ``desktop_ar.services.docs.invoice_data``): the letterhead, the
title and a "VOID" mark for a voided invoice, the customer and invoice details side by side,
the lines with their tax, the totals, what has been paid, credited or written off up to the
document date and what is still open, the instalment schedule (more than one part), and the
payment instructions with the company's bank details.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

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
from desktop_ar.domain.money import Money

__all__ = [
    "LABELS",
    "CustomerBlock",
    "InvoiceDoc",
    "InvoiceLineDoc",
    "ScheduleDoc",
    "customer_table",
    "details_table",
    "invoice_flowables",
    "quantity_text",
    "rate_text",
    "side_by_side",
    "stamp",
]

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Invoice",
        "not_fapiao": "This is our commercial invoice, not a tax invoice (发票).",
        "bill_to": "Bill to",
        "customer": "Customer",
        "code": "Customer code",
        "address": "Address",
        "tax_id": "Tax ID",
        "number": "Invoice number",
        "issue_date": "Issue date",
        "due_date": "Due date",
        "terms": "Payment terms",
        "currency": "Currency",
        "order": "Order number",
        "fapiao": "Fapiao no. / 发票号码",
        "opening": "Opening balance carried over from the previous system.",
        "no": "No.",
        "item": "Item / description",
        "qty": "Quantity",
        "unit_price": "Unit price",
        "net": "Net",
        "rate": "Tax %",
        "tax": "Tax",
        "gross": "Gross",
        "invoice_total": "Invoice total",
        "total": "Total",
        "net_total": "Net amount",
        "tax_total": "Tax",
        "grand_total": "Total ({ccy})",
        "paid": "Paid to {day}",
        "credited": "Credited to {day}",
        "written_off": "Discounts and write-offs to {day}",
        "open": "Open as of {day}",
        "schedule": "Payment schedule",
        "part": "Instalment",
        "amount": "Amount",
        "pay": "Payment instructions",
        "pay_text": "Please pay the open amount of {ccy} {open} to the bank account below, "
        "quoting invoice number {number}.",
        "paid_text": "This invoice is paid in full. Thank you.",
        "void_text": "This invoice has been voided; nothing is payable.",
        "void_reason": "Reason: {reason}",
    },
    "zh": {
        "title": "账单",
        "not_fapiao": "本单据为我司开具的商业账单，不是增值税发票。",
        "bill_to": "客户",
        "customer": "客户名称",
        "code": "客户编号",
        "address": "地址",
        "tax_id": "税号",
        "number": "账单号",
        "issue_date": "开具日期",
        "due_date": "到期日",
        "terms": "付款条件",
        "currency": "币种",
        "order": "订单号",
        "fapiao": "发票号码",
        "opening": "自原系统结转的期初余额。",
        "no": "序号",
        "item": "品名 / 摘要",
        "qty": "数量",
        "unit_price": "单价",
        "net": "金额",
        "rate": "税率",
        "tax": "税额",
        "gross": "价税合计",
        "invoice_total": "账单金额",
        "total": "合计",
        "net_total": "不含税金额",
        "tax_total": "税额",
        "grand_total": "价税合计（{ccy}）",
        "paid": "截至 {day} 已收款",
        "credited": "截至 {day} 已贷记",
        "written_off": "截至 {day} 折扣及差额核销",
        "open": "截至 {day} 未收金额",
        "schedule": "分期付款计划",
        "part": "期次",
        "amount": "金额",
        "pay": "付款说明",
        "pay_text": "请将未付金额 {ccy} {open} 汇入以下银行账户，"
        "并在付款附言中注明账单号 {number}。",
        "paid_text": "本账单已全部结清，谢谢。",
        "void_text": "本账单已作废，无需付款。",
        "void_reason": "作废原因：{reason}",
    },
}
_RED = colors.HexColor("#B00020")


@dataclass(frozen=True, slots=True)
class CustomerBlock:
    """Who the document is addressed to (``language`` is the customer's own)."""

    name: str
    code: str = ""
    address: str = ""
    tax_id: str = ""
    language: str = ""


@dataclass(frozen=True, slots=True)
class InvoiceLineDoc:
    """One printed invoice line; ``tax_rate`` is a fraction (0.13) or None when unknown."""

    line_no: int
    item: str
    quantity: Decimal | None
    unit_price: Money | None
    net: Money
    tax_rate: Decimal | None
    tax: Money

    @property
    def gross(self) -> Money:
        """Net plus tax."""
        return self.net + self.tax


@dataclass(frozen=True, slots=True)
class ScheduleDoc:
    """One instalment: its due date, amount and what is open of it at the document date."""

    seq: int
    due_date: date
    amount: Money
    open: Money


@dataclass(frozen=True, slots=True)
class InvoiceDoc:
    """Everything an invoice prints. Amounts are in the invoice currency."""

    number: str
    issue_date: date
    due_date: date
    terms: str
    currency: str
    customer: CustomerBlock
    net: Money
    tax: Money
    total: Money
    as_of: date
    paid: Money
    credited: Money
    written_off: Money
    open: Money
    lines: list[InvoiceLineDoc] = field(default_factory=list)
    schedule: list[ScheduleDoc] = field(default_factory=list)
    order_number: str = ""
    fapiao_number: str = ""
    void: bool = False
    void_reason: str = ""
    opening_balance: bool = False
    lang: str = "en"


def quantity_text(q: Decimal | None) -> str:
    """A quantity without trailing zeros, thousands grouped (``1,250``, ``2.5``)."""
    if q is None:
        return ""
    q = q.normalize()
    return format(q if q != 0 else Decimal(0), ",f")


def rate_text(rate: Decimal | None) -> str:
    """A tax rate fraction as a percentage (``0.13`` → ``13%``)."""
    if rate is None:
        return ""
    pct = (rate * 100).normalize()
    return format(pct if pct != 0 else Decimal(0), "f") + "%"


_STAMP: dict[str, ParagraphStyle] = {}


def stamp(text: str, note: str = "") -> Flowable:
    """A red boxed mark such as ``VOID / 已作废`` (``text`` and ``note`` already escaped)."""
    if not _STAMP:
        st = styles()
        red = {"textColor": _RED, "alignment": TA_CENTER}
        _STAMP["big"] = ParagraphStyle("stamp", st.title, fontSize=18, leading=22, **red)
        _STAMP["note"] = ParagraphStyle("stamp_note", st.body, **red)
    cell = [para(text, _STAMP["big"])] + ([para(note, _STAMP["note"])] if note else [])
    box = Table([[cell]], colWidths=[110 * mm], hAlign="CENTER")
    box.setStyle(
        TableStyle([("BOX", (0, 0), (-1, -1), 1.6, _RED), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)])
    )
    return box


def _kv(rows: list[tuple[str, str]], st: Styles, label_width: float) -> Table:
    """A label/value block (values already escaped)."""
    cells = [[para(k, st.small), para(v, st.body)] for k, v in rows]
    return table(cells, [label_width, "*"], header=False)


def customer_table(customer: CustomerBlock, st: Styles, lang: str, title: str) -> list[Flowable]:
    """The addressee block under a small heading: name, code, address, tax id."""
    t = LABELS[lang]
    rows = [(t["customer"], esc(customer.name))]
    if customer.code.strip():
        rows.append((t["code"], esc(customer.code)))
    if customer.address.strip():
        rows.append((t["address"], esc(customer.address)))
    if customer.tax_id.strip():
        rows.append((t["tax_id"], esc(customer.tax_id)))
    return [para(title, st.heading), _kv(rows, st, 22 * mm)]


def details_table(rows: list[tuple[str, str]], st: Styles, title: str = "") -> list[Flowable]:
    """The document's own details (number, dates …) as a label/value block."""
    head: list[Flowable] = [para(title or "&nbsp;", st.heading)]
    return [*head, _kv(rows, st, 30 * mm)]


def side_by_side(left: list[Flowable], right: list[Flowable]) -> Table:
    """Two blocks next to each other (customer left, document details right)."""
    t = Table([[left, right]], colWidths=["52%", "48%"])
    pads = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (1, 0), (1, 0), 0)]
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *pads]))
    return t


def _head(doc: InvoiceDoc, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    rows = [
        (t["number"], esc(doc.number)),
        (t["issue_date"], doc.issue_date.isoformat()),
        (t["due_date"], doc.due_date.isoformat()),
        (t["terms"], esc(doc.terms)),
        (t["currency"], esc(doc.currency)),
    ]
    if doc.order_number.strip():
        rows.append((t["order"], esc(doc.order_number)))
    if doc.fapiao_number.strip():
        rows.append((t["fapiao"], esc(doc.fapiao_number)))
    parts: list[Flowable] = [para(t["title"], st.title), para(t["not_fapiao"], st.body)]
    if doc.void:
        note = esc(t["void_reason"].format(reason=doc.void_reason)) if doc.void_reason else ""
        parts += [Spacer(1, 3 * mm), stamp("VOID / 已作废", note)]
    left = customer_table(doc.customer, st, lang, t["bill_to"])
    parts += [Spacer(1, 2 * mm), side_by_side(left, details_table(rows, st))]
    if doc.opening_balance:
        parts.append(para(t["opening"], st.small))
    return [*parts, Spacer(1, 4 * mm)]


def _lines(doc: InvoiceDoc, st: Styles, lang: str) -> Flowable:
    t = LABELS[lang]
    names = ("no", "item", "qty", "unit_price", "net", "rate", "tax", "gross")
    rows: list[list[Any]] = [[para(t[n], st.head if n == "item" else st.head_num) for n in names]]
    lines = doc.lines or [InvoiceLineDoc(1, t["invoice_total"], None, None, doc.net, None, doc.tax)]
    for ln in lines:
        rows.append(
            [
                para(str(ln.line_no), st.num),
                para(esc(ln.item), st.cell),
                para(quantity_text(ln.quantity), st.num),
                para(amount(ln.unit_price), st.num),
                para(amount(ln.net), st.num),
                para(rate_text(ln.tax_rate), st.num),
                para(amount(ln.tax), st.num),
                para(amount(ln.gross), st.num),
            ]
        )
    total = [para(t["total"], st.cell), "", "", ""]
    total += [para(amount(doc.net), st.num), "", para(amount(doc.tax), st.num)]
    rows.append([*total, para(amount(doc.total), st.num)])
    widths = [8 * mm, "*", 15 * mm, 20 * mm, 24 * mm, 12 * mm, 21 * mm, 25 * mm]
    last = len(rows) - 1
    return table(rows, widths, bold_rows=(last,), spans=[((0, last), (3, last))])


def _totals(doc: InvoiceDoc, st: Styles, lang: str) -> Flowable:
    t = LABELS[lang]
    day = doc.as_of.isoformat()
    rows = [
        (t["net_total"], doc.net),
        (t["tax_total"], doc.tax),
        (t["grand_total"].format(ccy=doc.currency), doc.total),
    ]
    for key, value in (("paid", doc.paid), ("credited", doc.credited)):
        if value:
            rows.append((t[key].format(day=day), value))
    if doc.written_off:
        rows.append((t["written_off"].format(day=day), doc.written_off))
    rows.append((t["open"].format(day=day), doc.open))
    cells = [[para(esc(k), st.cell), para(amount(v), st.num)] for k, v in rows]
    box = table(cells, [52 * mm, 30 * mm], header=False, bold_rows=(2, len(cells) - 1))
    box.hAlign = "RIGHT"
    return box


def _schedule(doc: InvoiceDoc, st: Styles, lang: str) -> list[Flowable]:
    if len(doc.schedule) < 2:
        return []
    t = LABELS[lang]
    names = (t["part"], t["due_date"], t["amount"], t["open"].format(day=doc.as_of.isoformat()))
    rows: list[list[Any]] = [
        [para(n, st.head if i < 2 else st.head_num) for i, n in enumerate(names)]
    ]
    for p in doc.schedule:
        cells = [para(str(p.seq), st.cell), para(p.due_date.isoformat(), st.cell)]
        rows.append([*cells, para(amount(p.amount), st.num), para(amount(p.open), st.num)])
    total = Money.sum((p.amount for p in doc.schedule), doc.currency)
    total_open = Money.sum((p.open for p in doc.schedule), doc.currency)
    rows.append([para(t["total"], st.cell), "", para(amount(total), st.num)])
    rows[-1].append(para(amount(total_open), st.num))
    grid = table(rows, [22 * mm, "*", 35 * mm, 40 * mm], bold_rows=(len(rows) - 1,))
    return [KeepTogether([para(t["schedule"], st.heading), grid])]


def _payment(doc: InvoiceDoc, company: CompanyInfo, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    parts: list[Flowable] = [para(t["pay"], st.heading)]
    if doc.void or not doc.open:
        parts.append(para(t["void_text" if doc.void else "paid_text"], st.body))
        return [KeepTogether(parts)]
    text = t["pay_text"].format(ccy=doc.currency, open=amount(doc.open), number=doc.number)
    parts.append(para(esc(text), st.body))
    if company.bank_details.strip():
        parts += [Spacer(1, 2 * mm), para(esc(company.bank_details), st.body)]
    return [KeepTogether(parts)]


def invoice_flowables(doc: InvoiceDoc, company: CompanyInfo, *, lang: str = "en") -> list[Flowable]:
    """The invoice's content: letterhead, head, lines, totals, schedule, payment instructions.

    Args:
        doc: the invoice, as the services read it.
        company: the letterhead and bank details.
        lang: ``en`` or ``zh``.
    """
    st = styles()
    story: list[Flowable] = [*letterhead(company, st, lang), *_head(doc, st, lang)]
    story += [_lines(doc, st, lang), Spacer(1, 3 * mm), _totals(doc, st, lang)]
    story += _schedule(doc, st, lang)
    story += _payment(doc, company, st, lang)
    return story
