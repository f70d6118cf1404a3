"""The customer statement of account (对账单) as a PDF, in English or Chinese.

Takes the ``Statement`` built by ``desktop_ar.services.statements.statement_of_account`` (passed
in as it is: this layer never imports services) and lays it out under the company letterhead:
title, customer block, period; then per currency the opening line, the period's lines with
their running balance, the closing line with the period's totals, the open items that make up
the closing balance with their aging, and an aging summary; last, the payment instructions with
the company's bank details.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from desktop_ar.documents.base import (
    CompanyInfo,
    Styles,
    amount,
    build_pdf,
    esc,
    letterhead,
    para,
    styles,
    table,
)

__all__ = ["LABELS", "render_statement", "statement_flowables"]

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Statement of Account",
        "customer": "Customer",
        "code": "Customer code",
        "address": "Address",
        "tax_id": "Tax ID",
        "period": "Period",
        "to": "to",
        "as_of": "Statement date",
        "currency": "Currency",
        "date": "Date",
        "type": "Type",
        "number": "Number",
        "description": "Description",
        "debit": "Debit",
        "credit": "Credit",
        "balance": "Balance",
        "opening": "Opening balance",
        "closing": "Closing balance",
        "open_items": "Open items as of {day}",
        "due": "Due date",
        "days": "Days overdue",
        "aging": "Aging",
        "open_amount": "Open amount",
        "total_open": "Total open items",
        "summary": "Aging summary",
        "total": "Total",
        "current": "Current",
        "bucket": "{label} days",
        "no_lines": "No transactions in this period.",
        "no_items": "No open items.",
        "pay": "Payment instructions",
        "pay_text": "Please pay the balance due to the bank account below, quoting the "
        "customer code {code} and the invoice numbers.",
        "note": "A positive balance is owed to us; a negative balance is your credit with us. "
        "Please check this statement and tell us of any difference.",
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "payment": "Payment",
        "write_off": "Write-off",
        "refund": "Refund",
        "payment_reversal": "Payment reversal",
        "write_off_reversal": "Write-off reversal",
    },
    "zh": {
        "title": "对账单",
        "customer": "客户",
        "code": "客户编号",
        "address": "地址",
        "tax_id": "税号",
        "period": "对账期间",
        "to": "至",
        "as_of": "对账日期",
        "currency": "币种",
        "date": "日期",
        "type": "类型",
        "number": "单号",
        "description": "摘要",
        "debit": "借方",
        "credit": "贷方",
        "balance": "余额",
        "opening": "期初余额",
        "closing": "期末余额",
        "open_items": "截至 {day} 未清项目",
        "due": "到期日",
        "days": "逾期天数",
        "aging": "账龄",
        "open_amount": "未清金额",
        "total_open": "未清项目合计",
        "summary": "账龄汇总",
        "total": "合计",
        "current": "未到期",
        "bucket": "{label} 天",
        "no_lines": "本期无交易。",
        "no_items": "无未清项目。",
        "pay": "付款说明",
        "pay_text": "请将应付余额汇入以下银行账户，并注明客户编号 {code} 及账单号。",
        "note": "正数余额为贵司欠款，负数余额为贵司在我司的贷方余额。"
        "请核对本对账单，如有差异请及时告知。",
        "invoice": "账单",
        "credit_note": "贷项通知单",
        "payment": "收款",
        "write_off": "核销",
        "refund": "退款",
        "payment_reversal": "收款冲回",
        "write_off_reversal": "核销冲回",
    },
}
_OPEN_KINDS = {
    "en": {
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "unallocated_payment": "Unapplied payment",
    },
    "zh": {"invoice": "账单", "credit_note": "贷项通知单", "unallocated_payment": "未核销收款"},
}


def _bucket(label: str, lang: str) -> str:
    t = LABELS[lang]
    return t["current"] if label == "current" else t["bucket"].format(label=label)


def _head(statement: Any, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    rows = [
        [para(t["customer"], st.small), para(esc(statement.customer_name), st.body)],
        [para(t["code"], st.small), para(esc(statement.customer_code), st.body)],
    ]
    if statement.customer_address.strip():
        address = para(esc(statement.customer_address), st.body)
        rows.append([para(t["address"], st.small), address])
    if statement.customer_tax_id.strip():
        rows.append([para(t["tax_id"], st.small), para(esc(statement.customer_tax_id), st.body)])
    period = f"{statement.date_from.isoformat()} {t['to']} {statement.date_to.isoformat()}"
    rows.append([para(t["period"], st.small), para(period, st.body)])
    rows.append([para(t["as_of"], st.small), para(statement.date_to.isoformat(), st.body)])
    block = table(rows, [28 * mm, "*"], header=False)
    return [para(t["title"], st.title), block, Spacer(1, 3 * mm)]


def _lines(statement: Any, section: Any, st: Styles, lang: str) -> Flowable:
    t = LABELS[lang]
    names = ("date", "type", "number", "description", "debit", "credit", "balance")
    head = [
        para(t[n], st.head_num if n in {"debit", "credit", "balance"} else st.head) for n in names
    ]
    rows: list[list[Any]] = [head]
    rows.append(
        [
            para(statement.date_from.isoformat(), st.cell),
            para(t["opening"], st.cell),
            "",
            "",
            "",
            "",
            para(amount(section.opening), st.num),
        ]
    )
    for line in section.lines:
        rows.append(
            [
                para(line.on.isoformat(), st.cell),
                para(esc(t.get(line.kind, line.kind)), st.cell),
                para(esc(line.number), st.cell),
                para(esc(line.description), st.cell),
                para(amount(line.debit, blank_zero=True), st.num),
                para(amount(line.credit, blank_zero=True), st.num),
                para(amount(line.balance), st.num),
            ]
        )
    rows.append(
        [
            para(statement.date_to.isoformat(), st.cell),
            para(t["closing"], st.cell),
            "",
            "",
            para(amount(section.total_debit), st.num),
            para(amount(section.total_credit), st.num),
            para(amount(section.closing), st.num),
        ]
    )
    widths = [19 * mm, 21 * mm, 24 * mm, "*", 23 * mm, 23 * mm, 25 * mm]
    last = len(rows) - 1
    spans = [((1, 1), (3, 1)), ((1, last), (3, last))]
    return table(rows, widths, bold_rows=(1, last), spans=spans)


def _open_items(statement: Any, section: Any, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    title = para(t["open_items"].format(day=statement.date_to.isoformat()), st.heading)
    if not section.open_items:
        return [title, para(t["no_items"], st.body)]
    names = ("date", "type", "number", "due", "days", "aging", "open_amount")
    head = [para(t[n], st.head_num if n in {"days", "open_amount"} else st.head) for n in names]
    rows: list[list[Any]] = [head]
    kinds = _OPEN_KINDS[lang]
    for item in section.open_items:
        due = item.due_date.isoformat() if item.due_date else ""
        days = "" if item.days_overdue is None else str(item.days_overdue)
        rows.append(
            [
                para(item.document_date.isoformat(), st.cell),
                para(esc(kinds.get(item.kind, item.kind)), st.cell),
                para(esc(item.number), st.cell),
                para(due, st.cell),
                para(days, st.num),
                para(esc(_bucket(item.bucket, lang)), st.cell),
                para(amount(item.amount), st.num),
            ]
        )
    total = para(amount(section.open_total), st.num)
    rows.append([para(t["total_open"], st.cell), "", "", "", "", "", total])
    widths = [19 * mm, 26 * mm, "*", 20 * mm, 18 * mm, 22 * mm, 27 * mm]
    last = len(rows) - 1
    return [title, table(rows, widths, bold_rows=(last,), spans=[((0, last), (5, last))])]


def _aging(statement: Any, section: Any, st: Styles, lang: str) -> Flowable:
    t = LABELS[lang]
    head = [para(esc(_bucket(b, lang)), st.head_num) for b in statement.buckets]
    head.append(para(t["total"], st.head_num))
    total = sum(x.minor for x in section.aging)
    values = [*section.aging, type(section.closing)(total, section.currency)]
    rows = [head, [para(amount(v), st.num) for v in values]]
    return KeepTogether([para(t["summary"], st.heading), table(rows, ["*"] * len(values))])


def _payment(statement: Any, company: CompanyInfo, st: Styles, lang: str) -> list[Flowable]:
    t = LABELS[lang]
    parts: list[Flowable] = [para(t["pay"], st.heading)]
    parts.append(para(esc(t["pay_text"].format(code=statement.customer_code)), st.body))
    if company.bank_details.strip():
        parts.append(Spacer(1, 2 * mm))
        parts.append(para(esc(company.bank_details), st.body))
    parts += [Spacer(1, 3 * mm), para(t["note"], st.small)]
    return [KeepTogether(parts)]


def statement_flowables(
    statement: Any, company: CompanyInfo, *, lang: str = "en"
) -> list[Flowable]:
    """The statement's content: letterhead, head, one part per currency, payment instructions.

    Args:
        statement: a ``services.statements.Statement``.
        company: the letterhead and bank details.
        lang: ``en`` or ``zh``.
    """
    st = styles()
    t = LABELS[lang]
    story: list[Flowable] = [*letterhead(company, st, lang), *_head(statement, st, lang)]
    for section in statement.sections:
        story.append(para(f"{t['currency']}: {esc(section.currency)}", st.heading))
        story.append(_lines(statement, section, st, lang))
        if not section.lines:
            story.append(para(t["no_lines"], st.small))
        story += _open_items(statement, section, st, lang)
        story.append(_aging(statement, section, st, lang))
    story += _payment(statement, company, st, lang)
    return story


def render_statement(
    statement: Any,
    company: CompanyInfo,
    out: Any | BinaryIO,
    *,
    lang: str = "en",
    paper: str = "A4",
) -> None:
    """Write the statement of account as a PDF to ``out`` (a path or a binary file).

    Raises:
        UserFacingError: unknown language or paper, or no CJK font installed.
    """
    if lang not in LABELS:
        from desktop_ar.domain.errors import UserFacingError

        raise UserFacingError("invalid", field="lang", reason=f"{lang!r} is not en or zh")
    title = f"{LABELS[lang]['title']} {statement.customer_code} {statement.date_to.isoformat()}"
    build_pdf(
        out,
        statement_flowables(statement, company, lang=lang),
        paper=paper,
        lang=lang,
        title=title,
        author=company.name,
    )
