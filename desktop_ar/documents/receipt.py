"""The payment receipt (收款凭证) as a PDF, in English or Chinese.

What was received (amount, date, method, reference, payer, bank account) and how it was
applied: the invoices it paid with what each still had open after it, the discounts and small
differences written off with it, what was refunded, and what is left as credit on the
customer's account. A reversed payment carries a red "REVERSED" mark with the date and reason,
and lists what it had been applied to. The data arrives as the plain dataclasses below (filled
by ``desktop_ar.services.docs.receipt``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from desktop_ar.documents.base import CompanyInfo, Styles, amount, esc, letterhead, para, styles
from desktop_ar.documents.base import table as grid
from desktop_ar.documents.invoice import (
    CustomerBlock,
    customer_table,
    details_table,
    side_by_side,
    stamp,
)
from desktop_ar.domain.money import Money

__all__ = ["LABELS", "AppliedDoc", "ReceiptDoc", "WriteOffDoc", "receipt_flowables"]

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Payment Receipt",
        "from": "Received from",
        "number": "Receipt number",
        "date": "Date received",
        "method": "Method",
        "reference": "Reference",
        "payer": "Payer name",
        "account": "Payer's account",
        "currency": "Currency",
        "received": "Amount received",
        "applied_to": "Applied to",
        "invoice": "Invoice",
        "invoice_date": "Invoice date",
        "due_date": "Due date",
        "applied": "Amount applied",
        "open_after": "Invoice still open",
        "reversed_row": "reversed",
        "total_applied": "Total applied",
        "nothing_applied": "Not applied to any invoice.",
        "write_offs": "Written off with this payment",
        "kind": "Kind",
        "amount": "Amount",
        "refunded": "Refunded",
        "unallocated": "Unallocated, held as credit on your account",
        "reversed": "REVERSED on {day} / 已冲销",
        "reason": "Reason: {reason}",
        "reversed_note": "This payment has been reversed: it no longer settles the invoices "
        "above, which are open again.",
        "received_by": "Received by",
        "for_company": "For and on behalf of {company}",
        "sign_date": "Date",
        "thanks": "Thank you for your payment.",
    },
    "zh": {
        "title": "收款凭证",
        "from": "付款单位",
        "number": "收款单号",
        "date": "收款日期",
        "method": "收款方式",
        "reference": "付款参考",
        "payer": "付款人户名",
        "account": "付款账号",
        "currency": "币种",
        "received": "收款金额",
        "applied_to": "核销明细",
        "invoice": "账单号",
        "invoice_date": "账单日期",
        "due_date": "到期日",
        "applied": "本次核销",
        "open_after": "核销后未收",
        "reversed_row": "已冲销",
        "total_applied": "核销合计",
        "nothing_applied": "未核销任何账单。",
        "write_offs": "随本次收款核销的差额",
        "kind": "类型",
        "amount": "金额",
        "refunded": "已退款",
        "unallocated": "未核销金额（暂作预收款）",
        "reversed": "已冲销 {day} / REVERSED",
        "reason": "冲销原因：{reason}",
        "reversed_note": "本笔收款已冲销，上列账单的核销已撤回，相应款项恢复为未收。",
        "received_by": "收款人",
        "for_company": "{company}（盖章）",
        "sign_date": "日期",
        "thanks": "感谢贵司付款。",
    },
}
METHODS: dict[str, dict[str, str]] = {
    "en": {
        "bank_transfer": "Bank transfer",
        "cash": "Cash",
        "card": "Card",
        "cheque": "Cheque",
        "online": "Online payment",
        "other": "Other",
    },
    "zh": {
        "bank_transfer": "银行转账",
        "cash": "现金",
        "card": "刷卡",
        "cheque": "支票",
        "online": "在线支付",
        "other": "其他",
    },
}
WRITE_OFF_KINDS: dict[str, dict[str, str]] = {
    "en": {
        "discount": "Early-payment discount",
        "small_difference": "Small difference",
        "bad_debt": "Bad debt",
    },
    "zh": {"discount": "现金折扣", "small_difference": "尾差核销", "bad_debt": "坏账核销"},
}


@dataclass(frozen=True, slots=True)
class AppliedDoc:
    """One application of the payment to an invoice (an instalment of it).

    ``open_after`` is what the invoice had open right after this payment was applied (for a
    reversed application: what it has open now).
    """

    invoice_number: str
    invoice_date: date
    due_date: date
    amount: Money
    open_after: Money
    reversed: bool = False


@dataclass(frozen=True, slots=True)
class WriteOffDoc:
    """A discount or difference written off together with the payment."""

    invoice_number: str
    kind: str
    amount: Money
    reversed: bool = False


@dataclass(frozen=True, slots=True)
class ReceiptDoc:
    """Everything a receipt prints; amounts in the payment currency."""

    number: str
    payment_date: date
    currency: str
    amount: Money
    method: str
    customer: CustomerBlock
    unallocated: Money
    refunded: Money
    reference: str = ""
    payer_name: str = ""
    bank_account: str = ""
    applied: list[AppliedDoc] = field(default_factory=list)
    write_offs: list[WriteOffDoc] = field(default_factory=list)
    reversed_on: date | None = None
    reversal_reason: str = ""
    lang: str = "en"


_BIG: dict[str, ParagraphStyle] = {}


def _big() -> ParagraphStyle:
    if not _BIG:
        _BIG["s"] = ParagraphStyle("receipt_big", parent=styles().title, fontSize=18, leading=22)
    return _BIG["s"]


def _head(doc: ReceiptDoc, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    method = METHODS[lang].get(doc.method, doc.method)
    rows = [
        (t["number"], esc(doc.number)),
        (t["date"], doc.payment_date.isoformat()),
        (t["method"], esc(method)),
    ]
    for key, value in (
        ("reference", doc.reference),
        ("payer", doc.payer_name),
        ("account", doc.bank_account),
    ):
        if value.strip():
            rows.append((t[key], esc(value)))
    rows.append((t["currency"], esc(doc.currency)))
    parts: list[Flowable] = [para(t["title"], st.title)]
    if doc.reversed_on is not None:
        mark = esc(t["reversed"].format(day=doc.reversed_on.isoformat()))
        reason = esc(t["reason"].format(reason=doc.reversal_reason)) if doc.reversal_reason else ""
        parts += [Spacer(1, 2 * mm), stamp(mark, reason)]
    left = customer_table(doc.customer, st, lang, t["from"])
    parts += [Spacer(1, 2 * mm), side_by_side(left, details_table(rows, st))]
    big = f"{esc(doc.currency)} {amount(doc.amount)}"
    box = Table([[para(t["received"], st.heading), para(big, _big())]], colWidths=[45 * mm, "*"])
    box.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#3A4A5C")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#EEF1F4")),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return [*parts, Spacer(1, 4 * mm), box, Spacer(1, 2 * mm)]


def _applied(doc: ReceiptDoc, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    title = para(t["applied_to"], st.heading)
    if not doc.applied:
        return [title, para(t["nothing_applied"], st.body)]
    names = ("invoice", "invoice_date", "due_date", "applied", "open_after")
    rows: list[list[Any]] = [
        [para(t[n], st.head_num if n in {"applied", "open_after"} else st.head) for n in names]
    ]
    for a in doc.applied:
        number = esc(a.invoice_number)
        if a.reversed:
            number += f" <font color='#B00020'>({esc(t['reversed_row'])})</font>"
        rows.append(
            [
                para(number, st.cell),
                para(a.invoice_date.isoformat(), st.cell),
                para(a.due_date.isoformat(), st.cell),
                para(amount(a.amount), st.num),
                para(amount(a.open_after), st.num),
            ]
        )
    live = Money.sum((a.amount for a in doc.applied if not a.reversed), doc.currency)
    if doc.reversed_on is not None:
        live = Money.sum((a.amount for a in doc.applied), doc.currency)
    rows.append([para(t["total_applied"], st.cell), "", "", para(amount(live), st.num), ""])
    last = len(rows) - 1
    widths = ["*", 26 * mm, 26 * mm, 32 * mm, 32 * mm]
    return [title, grid(rows, widths, bold_rows=(last,), spans=[((0, last), (2, last))])]


def _write_offs(doc: ReceiptDoc, st: Styles, lang: str) -> list[Flowable]:
    if not doc.write_offs:
        return []
    t = LABELS[lang]
    rows: list[list[Any]] = [
        [para(t["invoice"], st.head), para(t["kind"], st.head), para(t["amount"], st.head_num)]
    ]
    for w in doc.write_offs:
        number = esc(w.invoice_number)
        if w.reversed:
            number += f" <font color='#B00020'>({esc(t['reversed_row'])})</font>"
        kind = WRITE_OFF_KINDS[lang].get(w.kind, w.kind)
        rows.append(
            [para(number, st.cell), para(esc(kind), st.cell), para(amount(w.amount), st.num)]
        )
    return [KeepTogether([para(t["write_offs"], st.heading), grid(rows, ["*", 50 * mm, 32 * mm])])]


def _balance(doc: ReceiptDoc, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    if doc.reversed_on is not None:
        return [Spacer(1, 3 * mm), para(t["reversed_note"], st.body)]
    rows: list[list[Any]] = []
    if doc.refunded:
        rows.append([para(t["refunded"], st.cell), para(amount(doc.refunded), st.num)])
    rows.append([para(t["unallocated"], st.cell), para(amount(doc.unallocated), st.num)])
    box = grid(rows, [70 * mm, 32 * mm], header=False, bold_rows=(len(rows) - 1,))
    box.hAlign = "RIGHT"
    return [Spacer(1, 3 * mm), box]


def _signature(company: CompanyInfo, st: Styles, lang: str, reversed_: bool) -> Flowable:
    t = LABELS[lang]
    line = "_" * 28
    cells = [
        [
            [para(f"{t['received_by']}: {line}", st.body)],
            [para(f"{t['sign_date']}: {line}", st.body)],
        ],
        [para(esc(t["for_company"].format(company=company.name)), st.small), ""],
    ]
    sign = Table(cells, colWidths=["55%", "45%"])
    sign.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 1), (-1, 1), 4)])
    )
    parts: list[Flowable] = [Spacer(1, 10 * mm)]
    if not reversed_:
        parts += [para(t["thanks"], st.body), Spacer(1, 8 * mm)]
    return KeepTogether([*parts, sign])


def receipt_flowables(doc: ReceiptDoc, company: CompanyInfo, *, lang: str = "en") -> list[Flowable]:
    """The receipt's content: letterhead, head, amount, applications, credit, signature.

    Args:
        doc: the payment, as the services read it.
        company: the letterhead.
        lang: ``en`` or ``zh``.
    """
    st = styles()
    story: list[Flowable] = [*letterhead(company, st, lang), *_head(doc, st, lang)]
    story += _applied(doc, st, lang)
    story += _write_offs(doc, st, lang)
    story += _balance(doc, st, lang)
    story.append(_signature(company, st, lang, doc.reversed_on is not None))
    return story
