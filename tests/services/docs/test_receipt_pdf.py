"""The payment receipt (收款凭证) as PDF: what was received and how it was applied, read back
to the cent; the credit left over; write-offs; a reversed receipt; targets; both languages."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from desktop_ar.domain.errors import NotFound
from desktop_ar.services.docs import DocOptions, find_targets, write_pdf
from desktop_ar.services.payments import (
    PaymentInput,
    apply_allocation,
    record_payment,
    reverse_payment,
)
from desktop_ar.services.settings import update_settings
from tests.services.helpers import d, line_ids, m, make_customer, make_invoice, pay

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

OPTS = DocOptions(as_of=d("2026-06-30"))
LONG_NAME = "深圳市前海新能源科技发展有限公司华南区域销售与售后服务中心（东莞分部）第三事业部"


def text_of(path: Path, *, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def rows_of(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def book(ctx: object) -> dict[str, int]:
    update_settings(ctx, name="明远贸易 <Main> & Co", bank_details="招商银行上海分行 6225 8888")
    zh = make_customer(ctx, LONG_NAME, code="C001", address="A <B> & Co 路 1 号", language="zh")
    en = make_customer(ctx, "A <B> & Co", code="C002", language="en")
    i1 = make_invoice(ctx, zh, "2026-05-01", "1000.00", number="INV-1")
    i2 = make_invoice(ctx, zh, "2026-05-10", "2000.00", tax="260.00", number="INV-2")
    paid, _ = record_payment(
        ctx,
        PaymentInput(
            zh,
            d("2026-06-10"),
            m("5000.00"),
            method="bank_transfer",
            reference="货款 INV-1 & INV-2",
            payer_name="深圳市前海新能源",
            bank_account="6222 0000 1111 2222",
        ),
    )
    make_invoice(ctx, en, "2026-06-01", "500.00", number="INV-3")
    cheque, _ = record_payment(
        ctx, PaymentInput(en, d("2026-06-15"), m("500.00"), method="cheque", reference="CHQ 123")
    )
    return {"zh": zh, "en": en, "i1": i1, "i2": i2, "paid": paid.payment_id, "cheque": cheque}


def _write(ctx: object, tmp_path: Path, name: str, opts: DocOptions = OPTS, **kw: object) -> Path:
    (path,) = write_pdf(ctx, find_targets(ctx, "receipt", opts, **kw), opts, tmp_path / name)
    return path


def test_two_allocations_and_credit_left(ctx: object, book: dict, tmp_path) -> None:
    path = _write(ctx, tmp_path, "r.pdf", number="RC-000001")
    text = text_of(path)
    rows = rows_of(text)
    assert "收款凭证" in rows
    assert any(r.endswith("收款单号 RC-000001") for r in rows)
    assert "收款金额 CNY 5,000.00" in rows
    for expected in ("收款日期 2026-06-10", "收款方式 银行转账", "付款人户名 深圳市前海新能源"):
        assert expected in " ".join(rows)
    assert "付款账号 6222 0000 1111 2222" in " ".join(rows)
    assert "INV-1 2026-05-01 2026-05-31 1,000.00 0.00" in rows
    assert "INV-2 2026-05-10 2026-06-09 2,260.00 0.00" in rows
    assert "核销合计 3,260.00" in rows
    assert "未核销金额（暂作预收款） 1,740.00" in rows
    assert "收款人: ____________________________ 日期: ____________________________" in rows
    plain = squash(text_of(path, layout=False))
    assert LONG_NAME in plain
    assert "付款参考货款INV-1&INV-2" in plain
    assert "A<B>&Co路1号" in plain
    assert "明远贸易<Main>&Co（盖章）" in plain
    assert "第 1 页，共 1 页" in text


def test_open_after_each_receipt_and_english(ctx: object, book: dict, tmp_path) -> None:
    cid = book["en"]
    make_invoice(ctx, cid, "2026-06-02", "1000.00", number="INV-4")
    pay(ctx, cid, "2026-06-20", "600.00")  # INV-4 (INV-3 is paid by the cheque)
    pay(ctx, cid, "2026-06-25", "400.00")
    first = rows_of(text_of(_write(ctx, tmp_path, "a.pdf", number="RC-000003")))
    assert "Payment Receipt" in first
    assert "Amount received CNY 600.00" in first
    assert "INV-4 2026-06-02 2026-07-02 600.00 400.00" in first  # 400.00 still open after it
    assert "Unallocated, held as credit on your account 0.00" in first
    second = rows_of(text_of(_write(ctx, tmp_path, "b.pdf", number="RC-000004")))
    assert "INV-4 2026-06-02 2026-07-02 400.00 0.00" in second
    assert any("Customer A <B> & Co" in r for r in second)
    assert "Thank you for your payment." in second


def test_write_off_with_the_payment(ctx: object, book: dict, tmp_path) -> None:
    cid = book["en"]
    iid = make_invoice(ctx, cid, "2026-06-02", "100.50", number="INV-5")
    result = pay(ctx, cid, "2026-06-26", "100.00", allocate="none")
    (line,) = line_ids(ctx, iid)
    apply_allocation(
        ctx, result.payment_id, {line: m("100.00")}, write_off=(line, m("0.50"), "rounding")
    )
    rows = rows_of(text_of(_write(ctx, tmp_path, "w.pdf", number=result.number)))
    assert "INV-5 2026-06-02 2026-07-02 100.00 0.00" in rows  # the write-off came with it
    assert "Written off with this payment" in rows
    assert "INV-5 Small difference 0.50" in rows


def test_reversed_receipt(ctx: object, book: dict, tmp_path) -> None:
    reverse_payment(ctx, book["cheque"].payment_id, d("2026-06-20"), "bounced <NSF> & returned")
    for lang, mark, reason in (
        ("en", "REVERSED on 2026-06-20 / 已冲销", "Reason: bounced <NSF> & returned"),
        ("zh", "已冲销 2026-06-20 / REVERSED", "冲销原因：bounced <NSF> & returned"),
    ):
        opts = replace(OPTS, lang=lang)
        text = text_of(_write(ctx, tmp_path, f"{lang}.pdf", opts, number="RC-000002"))
        rows = rows_of(text)
        assert mark in rows
        assert reason in rows
        assert "held as credit" not in text and "暂作预收款" not in text
    assert "INV-3 (已冲销) 2026-06-01 2026-07-01 500.00 500.00" in rows
    en = rows_of(text_of(tmp_path / "en.pdf"))
    assert "INV-3 (reversed) 2026-06-01 2026-07-01 500.00 500.00" in en
    assert "Method Cheque" in " ".join(en)
    assert any(r.startswith("This payment has been reversed") for r in en)


def test_targets_by_number_customer_period_and_all(ctx: object, book: dict) -> None:
    zh, en = book["zh"], book["en"]
    pay(ctx, None, "2026-06-18", "77.00")  # unidentified: no receipt in batches
    pay(ctx, en, "2026-05-31", "10.00")  # before the period
    (one,) = find_targets(ctx, "receipt", OPTS, number="RC-000001")
    assert (one.key, one.label, one.customer_id) == (
        "receipt-RC-000001",
        f"RC-000001 {LONG_NAME}",
        zh,
    )
    assert one.record_id == book["paid"]
    assert [t.key for t in find_targets(ctx, "receipt", OPTS)] == [
        "receipt-RC-000001",
        "receipt-RC-000002",
    ]
    assert [t.key for t in find_targets(ctx, "receipt", OPTS, customer_id=en)] == [
        "receipt-RC-000002"
    ]
    may = replace(OPTS, date_from=d("2026-05-01"), date_to=d("2026-05-31"))
    assert [t.key for t in find_targets(ctx, "receipt", may, customer_id=en)] == [
        "receipt-RC-000004"
    ]
    reverse_payment(ctx, book["cheque"].payment_id, d("2026-06-20"), "bounced")
    assert [t.key for t in find_targets(ctx, "receipt", OPTS)] == ["receipt-RC-000001"]
    # An unidentified receipt still prints by its number, addressed to the payer.
    assert find_targets(ctx, "receipt", OPTS, number="RC-000003")[0].customer_id is None
    with pytest.raises(NotFound):
        find_targets(ctx, "receipt", OPTS, number="RC-999")
    with pytest.raises(NotFound):
        find_targets(ctx, "receipt", OPTS, customer_id=9999)


def test_batch_on_letter_paper(ctx: object, book: dict, tmp_path) -> None:
    opts = replace(OPTS, paper="Letter")
    (path,) = write_pdf(ctx, find_targets(ctx, "receipt", opts), opts, tmp_path / "all.pdf")
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    assert "612 x 792 pts (letter)" in info.stdout
    text = text_of(path)
    assert "收款凭证" in text and "Payment Receipt" in text
    assert "第 1 页，共 1 页" in text and "Page 1 of 1" in text
    assert "CNY 5,000.00" in text and "CNY 500.00" in text
