"""Balance confirmation letters (余额确认函) as PDF: the balance is the statement's, to the cent."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from desktop_ar.documents.base import amount
from desktop_ar.services.customer_archive import ContactInput, add_contact
from desktop_ar.services.docs import DocOptions, find_targets, write_pdf
from desktop_ar.services.settings import update_settings
from desktop_ar.services.statements import statement_of_account
from tests.services.helpers import make_customer, make_invoice, pay

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

AS_OF = date(2026, 6, 30)
LONG = "深圳市前海新能源科技发展有限公司华南区域销售与售后服务中心（东莞分部）第三事业部" * 2


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def squash(text: str) -> str:
    return "".join(text.split())


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


@pytest.fixture
def book(ctx: object) -> dict[str, int]:
    update_settings(
        ctx,
        name="明远贸易 <Main> & Co",
        address="上海市浦东新区世纪大道 100 号",
        email="ar@mingyuan.example",
    )
    zh = make_customer(ctx, LONG, code="C001", address="A <B> & Co 路 1 号", language="zh")
    add_contact(ctx, zh, ContactInput(name="王经理", is_primary=True))
    make_invoice(ctx, zh, "2026-03-01", "1000.00", number="INV-1")
    make_invoice(ctx, zh, "2026-06-01", "12345.67", number="INV-2")
    pay(ctx, zh, "2026-06-10", "1200.00")  # closes INV-1, 200.00 off INV-2 → 12,145.67
    credit = make_customer(ctx, "A <B> & Co", code="C002", language="en", currency="USD")
    make_invoice(ctx, credit, "2026-06-01", "100.00", number="INV-3", currency="USD")
    pay(ctx, credit, "2026-06-10", "600.00", currency="USD")  # -500.00: their credit
    make_customer(ctx, "Idle Co", code="C003", language="en")
    both = make_customer(ctx, "Two Currencies Ltd", code="C004", language="en")
    make_invoice(ctx, both, "2026-06-05", "200.00", number="INV-4")
    make_invoice(ctx, both, "2026-06-06", "50.25", number="INV-5", currency="USD")
    settled = make_customer(ctx, "Settled Co", code="C005", language="en")
    make_invoice(ctx, settled, "2026-05-01", "80.00", number="INV-6")
    pay(ctx, settled, "2026-05-20", "80.00")
    return {"zh": zh, "credit": credit, "both": both, "settled": settled}


def letter(ctx: object, cid: int, tmp_path: Path, **opts: object) -> Path:
    options = DocOptions(as_of=AS_OF, **opts)  # type: ignore[arg-type]
    targets = find_targets(ctx, "confirmation", options, customer_id=cid)
    (path,) = write_pdf(ctx, targets, options, tmp_path / f"{cid}.pdf")
    return path


def test_targets_are_customers_with_a_non_zero_balance(ctx: object, book: dict[str, int]) -> None:
    targets = find_targets(ctx, "confirmation", DocOptions(as_of=AS_OF))
    keys = [t.key for t in targets]
    assert keys == ["confirmation-C001", "confirmation-C002", "confirmation-C004"]
    # Before the payment C005's 80.00 was still open.
    early = find_targets(ctx, "confirmation", DocOptions(as_of=date(2026, 5, 10)))
    assert "confirmation-C005" in [t.key for t in early]


def test_balance_is_the_statements_closing_balance(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    for cid in (book["zh"], book["credit"], book["both"]):
        statement = statement_of_account(ctx, cid, AS_OF, AS_OF)
        text = text_of(letter(ctx, cid, tmp_path))
        for section in statement.sections:
            if section.closing.minor:
                assert amount(section.closing) in text
    text = text_of(letter(ctx, book["zh"], tmp_path, lang="en"))
    assert "CNY 12,145.67" in text  # restated on the reply slip
    assert "INV-2" in text  # the open item making up the balance
    assert "INV-1" not in text  # paid


def test_chinese_letter_reply_slip_and_escaping(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    path = letter(ctx, book["zh"], tmp_path)
    text = text_of(path)
    flat = squash(text)
    for expected in (
        "余额确认函",
        "这不是催款函",
        "请沿虚线剪下",
        "回执",
        "上述余额正确无误",
        "上述余额不符，我司记录为",
        "差异",
        "盖章",
        "授权签字",
        "王经理",
        "14日内",
        "第 1 页，共 1 页",
    ):
        assert squash(expected) in flat, expected
    assert "12,145.67" in text
    assert LONG in flat  # wraps without losing a character
    assert "A<B>&Co路1号" in flat
    assert "明远贸易<Main>&Co" in flat
    assert "ar@mingyuan.example" in text
    assert pages(path) == 1  # the slip stays on the letter's page
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    embedded = [x for x in fonts.stdout.splitlines() if "TrueType" in x]
    assert embedded and all(" yes yes yes " in x for x in embedded)  # embedded subset


def test_english_reply_slip_on_letter_paper(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    path = letter(ctx, book["both"], tmp_path, paper="Letter")
    text = text_of(path)
    for expected in (
        "Balance Confirmation",
        "This is not a request for payment",
        "please detach",
        "The balance above is correct.",
        "The balance is not correct; our records show:",
        "differences:",
        "Company seal",
        "Authorised signature",
        "within 14 days (by 2026-07-14)",
        "Dear Sir or Madam,",
        "Page 1 of 1",
    ):
        assert expected in text, expected
    assert pages(path) == 1


def test_negative_balance_is_their_credit(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    text = text_of(letter(ctx, book["credit"], tmp_path))
    assert "-500.00" in text
    assert "your credit with us (we owe you)" in text
    assert "A negative balance is your credit with us" in text
    assert "A<B>&Co" in squash(text)
    zh = text_of(letter(ctx, book["credit"], tmp_path, lang="zh"))
    assert "贵司在我司的贷方余额" in zh
    assert "-500.00" in zh


def test_several_currencies(ctx: object, book: dict[str, int], tmp_path: Path) -> None:
    text = text_of(letter(ctx, book["both"], tmp_path))
    assert "CNY 200.00; USD 50.25" in text  # the reply slip restates both
    assert "Open items making up the CNY balance" in text
    assert "Open items making up the USD balance" in text
    assert "INV-4" in text
    assert "INV-5" in text
    assert "owed by you to us" in text
    assert "credit with us" not in text


def test_long_open_item_lists_are_cut(ctx: object, tmp_path: Path) -> None:
    cid = make_customer(ctx, "Busy Co", code="B01", language="en")
    for day in range(1, 36):
        make_invoice(ctx, cid, f"2026-05-{day:02d}" if day <= 31 else f"2026-06-{day - 30:02d}",
                     "10.00", number=f"B-{day:03d}")  # fmt: skip
    text = text_of(letter(ctx, cid, tmp_path))
    assert "Total of all 35 items" in text
    assert "350.00" in text
    assert "B-030" in text
    assert "B-031" not in text
    assert "… and 5 more items (see the statement of account)." in text
    assert "The balance above is correct." in text
