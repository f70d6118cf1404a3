"""Our own invoice (账单, not a 发票) as PDF: figures read back to the cent, both languages,
escaping, wrapping, the VOID mark, the fapiao reference, instalments, JPY, targets, Letter."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from desktop_ar.domain.errors import NotFound
from desktop_ar.services.docs import DocOptions, find_targets, write_pdf
from desktop_ar.services.invoicing import InvoiceInput, create_invoice, set_fapiao, void_invoice
from desktop_ar.services.orders import (
    OrderInput,
    OrderLineInput,
    confirm_order,
    create_order,
    get_order,
    record_shipment,
)
from desktop_ar.services.settings import update_settings
from tests.services.helpers import d, m, make_customer, make_invoice, pay

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

OPTS = DocOptions(as_of=d("2026-06-30"))
LONG_ITEM = "高纯度电解铜箔（锂电池用，厚度六微米，宽度一千二百五十毫米，卷重五百千克）" * 2
LONG_NAME = "深圳市前海新能源科技发展有限公司华南区域销售与售后服务中心（东莞分部）第三事业部"


def text_of(path: Path, *, layout: bool = True) -> str:
    """The PDF's text: in its layout (rows of a table on one line) or in reading order (the
    lines of one table cell together)."""
    args = ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def rows_of(text: str) -> list[str]:
    """The text's lines with runs of spaces collapsed to one."""
    return [" ".join(line.split()) for line in text.splitlines()]


def squash(text: str) -> str:
    return "".join(text.split())


def word_boxes(path: Path) -> list[tuple[int, float, float, float, float, str]]:
    """Every word's page and box, from ``pdftotext -bbox``."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    boxes = []
    for page, body in enumerate(html.split("<page ")[1:], start=1):
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            body,
        ):
            boxes.append((page, float(x0), float(y0), float(x1), float(y1), word))
    return boxes


def overlaps(path: Path) -> list[tuple[str, str]]:
    """Pairs of words on the same page whose boxes overlap (more than a hair)."""
    boxes = word_boxes(path)
    found = []
    for i, (p, ax0, ay0, ax1, ay1, aw) in enumerate(boxes):
        for q, bx0, by0, bx1, by1, bw in boxes[i + 1 :]:
            if p != q:
                continue
            dx = min(ax1, bx1) - max(ax0, bx0)
            dy = min(ay1, by1) - max(ay0, by0)
            if dx > 1.0 and dy > 2.0:
                found.append((aw, bw))
    return found


def _line(item: str, qty: str, price: str, rate: str) -> OrderLineInput:
    return OrderLineInput(
        item=item, quantity=Decimal(qty), unit_price=m(price), tax_rate=Decimal(rate)
    )


@pytest.fixture
def book(ctx: object) -> dict[str, int]:
    update_settings(
        ctx,
        name="明远贸易 <Main> & Co",
        address="上海市浦东新区世纪大道 100 号",
        tax_id="91310000MA1FL00000",
        bank_details="开户行：招商银行上海分行\n账号：6225 8888 0000 1234",
    )
    zh = make_customer(
        ctx,
        LONG_NAME,
        code="C001",
        address="A <B> & Co 路 1 号",
        tax_id="91440300MA5DXXXX",
        language="zh",
        credit_limit=m("1000000"),
    )
    en = make_customer(ctx, "A <B> & Co", code="C002", address="1 Main St", language="en")
    lines = [
        _line(LONG_ITEM, "12", "1234.56", "0.13"),
        _line("A <B> & Co widget", "2.5", "99.99", "0.13"),
        _line("Service fee", "1", "500.00", "0.06"),
    ]
    oid, _ = create_order(ctx, OrderInput(customer_id=zh, order_date=d("2026-06-01"), lines=lines))
    confirm_order(ctx, oid)
    delivered = {ln.id: ln.quantity for ln in get_order(ctx, oid).lines}
    record_shipment(ctx, oid, d("2026-06-05"), "S1", delivered)
    from desktop_ar.services.invoicing import invoice_order

    inv, _ = invoice_order(ctx, oid, issue_date=d("2026-06-05"))
    pay(ctx, zh, "2026-06-20", "5000.00")
    simple = make_invoice(ctx, en, "2026-06-10", "1000.00", tax="130.00", number="INV-E1")
    return {"zh": zh, "en": en, "order_invoice": inv, "simple": simple}


def _write(ctx: object, tmp_path: Path, name: str, opts: DocOptions = OPTS, **kw: object) -> str:
    targets = find_targets(ctx, "invoice", opts, **kw)
    (path,) = write_pdf(ctx, targets, opts, tmp_path / name)
    return text_of(path)


def test_multi_line_chinese_invoice_figures(ctx: object, book: dict[str, int], tmp_path) -> None:
    text = _write(ctx, tmp_path, "zh.pdf", number="INV-000001")
    rows = rows_of(text)
    assert "账单" in rows
    assert "本单据为我司开具的商业账单，不是增值税发票。" in rows
    # qty × price, net, rate, tax, gross per line, to the cent.
    assert "2 A <B> & Co widget 2.5 99.99 249.98 13% 32.50 282.48" in rows
    assert "3 Service fee 1 500.00 500.00 6% 30.00 530.00" in rows
    assert any(r.endswith("12 1,234.56 14,814.72 13% 1,925.91 16,740.63") for r in rows)
    assert "合计 15,564.70 1,988.41 17,553.11" in rows
    assert "不含税金额 15,564.70" in rows
    assert "价税合计（CNY） 17,553.11" in rows
    assert "截至 2026-06-30 已收款 5,000.00" in rows
    assert "截至 2026-06-30 未收金额 12,553.11" in rows
    assert "订单号 SO-000001" in rows
    assert "付款条件 30天" in rows
    squashed = squash(text_of(tmp_path / "zh.pdf", layout=False))
    assert LONG_ITEM in squashed  # wrapped over several lines, every character there
    assert LONG_NAME in squashed
    assert "A<B>&Co路1号" in squashed
    assert "明远贸易<Main>&Co" in squashed
    assert (
        "请将未付金额CNY12,553.11汇入以下银行账户，并在付款附言中注明账单号INV-000001。" in squashed
    )
    assert "招商银行上海分行" in text
    assert "第 1 页，共 1 页" in text
    # The long item wraps inside its column: several text lines, no words drawn over others.
    assert sum(1 for r in rows if "高纯度" in r or "千克" in r) >= 3
    assert overlaps(tmp_path / "zh.pdf") == []


def test_english_invoice_in_the_customers_language(
    ctx: object, book: dict[str, int], tmp_path
) -> None:
    text = _write(ctx, tmp_path, "en.pdf", number="INV-E1")
    rows = rows_of(text)
    assert "Invoice" in rows
    assert "This is our commercial invoice, not a tax invoice (发票)." in rows
    assert "Customer A <B> & Co Invoice number INV-E1" in rows  # escaped name prints as written
    assert "1 Invoice total 1,000.00 130.00 1,130.00" in rows  # no lines: one total line
    assert "Total (CNY) 1,130.00" in rows
    assert "Open as of 2026-06-30 1,130.00" in rows
    assert not any(r.startswith("Paid to") for r in rows)
    assert "Payment terms Net 30 days" in " ".join(rows)
    assert "quotinginvoicenumberINV-E1." in squash(text)
    assert "PleasepaytheopenamountofCNY1,130.00" in squash(text)
    assert "Page 1 of 1" in text
    assert overlaps(tmp_path / "en.pdf") == []


def test_language_option_overrides_the_customer(
    ctx: object, book: dict[str, int], tmp_path
) -> None:
    text = _write(ctx, tmp_path, "x.pdf", replace(OPTS, lang="zh"), number="INV-E1")
    assert "本单据为我司开具的商业账单，不是增值税发票。" in text
    assert "账单金额" in text  # the single line of an invoice without lines


def test_paid_and_open_as_of_an_earlier_day(ctx: object, book: dict[str, int], tmp_path) -> None:
    text = _write(ctx, tmp_path, "e.pdf", DocOptions(as_of=d("2026-06-15")), number="INV-000001")
    rows = rows_of(text)
    assert "截至 2026-06-15 未收金额 17,553.11" in rows  # the payment came on 06-20
    assert not any("已收款" in r for r in rows)


def test_void_mark_and_no_payment_asked(ctx: object, book: dict[str, int], tmp_path) -> None:
    void_invoice(ctx, book["simple"], "wrong <price> & qty")
    text = _write(ctx, tmp_path, "v.pdf", number="INV-E1")
    assert "VOID / 已作废" in text
    assert "Reason: wrong <price> & qty" in text
    assert "This invoice has been voided; nothing is payable." in text
    assert "Open as of 2026-06-30 0.00" in rows_of(text)
    assert "6225 8888" not in text  # no bank details: nothing to pay


def test_fapiao_number_is_quoted(ctx: object, book: dict[str, int], tmp_path) -> None:
    set_fapiao(ctx, book["simple"], "04400190 0111", d("2026-06-12"))
    set_fapiao(ctx, book["order_invoice"], "12345678", d("2026-06-12"))
    rows = rows_of(_write(ctx, tmp_path, "f.pdf", number="INV-E1"))
    assert "Fapiao no. / 发票号码 04400190 0111" in " ".join(rows)
    zh_rows = rows_of(_write(ctx, tmp_path, "g.pdf", number="INV-000001"))
    assert any(r.endswith("发票号码 12345678") for r in zh_rows)


def test_instalment_schedule(ctx: object, book: dict[str, int], tmp_path) -> None:
    parts = [("2026-07-10", "400.00"), ("2026-08-10", "400.00"), ("2026-09-10", "330.00")]
    make_invoice(
        ctx, book["en"], "2026-06-10", "1000.00", tax="130.00", number="INV-S", schedule=parts
    )
    pay(ctx, book["en"], "2026-06-25", "500.00", allocate="none")
    from desktop_ar.services.payments import allocate_payment
    from tests.services.helpers import line_ids, scalar

    pid = scalar(ctx, "SELECT id FROM payments ORDER BY id DESC LIMIT 1")
    iid = scalar(ctx, "SELECT id FROM invoices WHERE number = 'INV-S'")
    first, second, _ = line_ids(ctx, iid)
    allocate_payment(ctx, pid, {first: m("400.00"), second: m("100.00")})
    rows = rows_of(_write(ctx, tmp_path, "s.pdf", number="INV-S"))
    assert "Payment schedule" in rows
    assert "1 2026-07-10 400.00 0.00" in rows
    assert "2 2026-08-10 400.00 300.00" in rows
    assert "3 2026-09-10 330.00 330.00" in rows
    assert "Total 1,130.00 630.00" in rows
    assert "Paid to 2026-06-30 500.00" in rows
    assert "Open as of 2026-06-30 630.00" in rows
    # A one-part invoice has no schedule table.
    assert "Payment schedule" not in rows_of(_write(ctx, tmp_path, "t.pdf", number="INV-E1"))


def test_jpy_amounts_have_no_decimals(ctx: object, tmp_path) -> None:
    cid = make_customer(ctx, "東京商事", code="J1", currency="JPY", language="en")
    data = InvoiceInput(
        customer_id=cid,
        issue_date=d("2026-06-01"),
        net=m("1234567", "JPY"),
        tax=m("123456", "JPY"),
        payment_terms="NET30",
        number="INV-JP",
    )
    create_invoice(ctx, data)
    rows = rows_of(_write(ctx, tmp_path, "j.pdf", number="INV-JP"))
    assert "1 Invoice total 1,234,567 123,456 1,358,023" in rows
    assert "Total (JPY) 1,358,023" in rows
    assert not any(".00" in r for r in rows if "1,358,023" in r)


def test_targets_by_number_customer_period_and_all(ctx: object, book: dict[str, int]) -> None:
    zh, en = book["zh"], book["en"]
    make_invoice(ctx, en, "2026-05-20", "10.00", number="INV-E0")
    make_invoice(ctx, en, "2026-07-02", "10.00", number="INV-E2")  # after as_of
    (one,) = find_targets(ctx, "invoice", OPTS, number="INV-E1")
    assert (one.key, one.label, one.customer_id) == ("invoice-INV-E1", "INV-E1 A <B> & Co", en)
    assert one.record_id == book["simple"]
    # A customer without a period: their open invoices.
    keys = [t.key for t in find_targets(ctx, "invoice", OPTS, customer_id=en)]
    assert keys == ["invoice-INV-E0", "invoice-INV-E1", "invoice-INV-E2"]
    # With a period: what was issued in it, open or not.
    june = replace(OPTS, date_from=d("2026-06-01"), date_to=d("2026-06-30"))
    assert [t.key for t in find_targets(ctx, "invoice", june, customer_id=en)] == ["invoice-INV-E1"]
    # Neither: everything issued in as_of's month up to as_of, by customer code then number.
    assert [t.key for t in find_targets(ctx, "invoice", OPTS)] == [
        "invoice-INV-000001",
        "invoice-INV-E1",
    ]
    since_may = replace(OPTS, date_from=d("2026-05-01"))
    assert [t.key for t in find_targets(ctx, "invoice", since_may)] == [
        "invoice-INV-000001",  # C001 first
        "invoice-INV-E0",
        "invoice-INV-E1",
    ]
    assert find_targets(ctx, "invoice", since_may)[0].customer_id == zh
    with pytest.raises(NotFound):
        find_targets(ctx, "invoice", OPTS, number="INV-NOPE")
    with pytest.raises(NotFound):
        find_targets(ctx, "invoice", OPTS, customer_id=9999)


def test_batch_on_letter_paper(ctx: object, book: dict[str, int], tmp_path) -> None:
    opts = replace(OPTS, paper="Letter")
    targets = find_targets(ctx, "invoice", opts)
    (path,) = write_pdf(ctx, targets, opts, tmp_path / "all.pdf")
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    assert "612 x 792 pts (letter)" in info.stdout
    text = text_of(path)
    assert "第 1 页，共 1 页" in text and "Page 1 of 1" in text
    assert "17,553.11" in text and "1,130.00" in text
    assert overlaps(path) == []
    files = write_pdf(ctx, targets, opts, tmp_path / "each", per_file=True)
    assert [p.name for p in files] == ["invoice-INV-000001.pdf", "invoice-INV-E1.pdf"]


def test_credits_and_write_offs_are_shown(ctx: object, book: dict[str, int], tmp_path) -> None:
    from desktop_ar.services.adjustments import write_off_difference
    from desktop_ar.services.invoicing import create_credit_note

    iid = book["simple"]
    create_credit_note(ctx, book["en"], m("100.00"), d("2026-06-12"), "returned", invoice_id=iid)
    pay(ctx, book["en"], "2026-06-20", "1029.50")
    write_off_difference(ctx, iid, m("0.50"), "rounding")
    rows = rows_of(_write(ctx, tmp_path, "c.pdf", number="INV-E1"))
    assert "Paid to 2026-06-30 1,029.50" in rows
    assert "Credited to 2026-06-30 100.00" in rows
    assert "Discounts and write-offs to 2026-06-30 0.50" in rows
    assert "Open as of 2026-06-30 0.00" in rows
    assert "This invoice is paid in full. Thank you." in rows
    earlier = rows_of(
        _write(ctx, tmp_path, "e.pdf", replace(OPTS, as_of=d("2026-06-15")), number="INV-E1")
    )
    assert "Credited to 2026-06-15 100.00" in earlier
    assert "Open as of 2026-06-15 1,030.00" in earlier
