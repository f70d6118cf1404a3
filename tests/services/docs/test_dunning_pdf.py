"""Dunning letters: the figures of a letter, who is at which level, and the PDF read back."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop_ar.db.models import Contact
from desktop_ar.domain.dunning import ITEMS_MARKER
from desktop_ar.services.activity import open_dispute
from desktop_ar.services.docs import DocOptions, find_targets, write_pdf
from desktop_ar.services.dunning_letters import (
    customers_at_level,
    dunning_letter,
    letter_text,
)
from desktop_ar.services.dunning_levels import save_template, update_level
from desktop_ar.services.settings import update_settings
from desktop_ar.services.uow import uow
from tests.services.helpers import m, make_customer, make_invoice, pay

AS_OF = date(2026, 6, 30)
OPTS = DocOptions(as_of=AS_OF)
LONG = "深圳市前海新能源科技发展有限公司华南区域销售与售后服务中心（东莞分部）第三事业部" * 2
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils"
)


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def flat(text: str) -> str:
    """The text without line breaks and runs of spaces (wrapped names)."""
    return "".join(text.split())


def add_contact(ctx: object, customer_id: int, name: str, *, primary: bool) -> None:
    with uow(ctx) as s:
        s.add(Contact(customer_id=customer_id, name=name, is_primary=primary))


@pytest.fixture
def book(ctx: object) -> dict[str, int]:
    """A: items at levels 4, 3 and 1 plus USD, one disputed, one paid; B: level 1; C: on hold;
    D: nothing due yet."""
    update_settings(
        ctx,
        name="明远贸易 <Main> & Co",
        name_en="Mingyuan Trading <Main> & Co",
        address="上海市浦东新区世纪大道 100 号",
        bank_details="开户行：招商银行上海分行\n账号：6225 8888 0000 1234",
    )
    a = make_customer(
        ctx, "A <B> & Co 明远", code="C1", address="A <B> & Co 路 1 号", language="zh"
    )
    make_invoice(ctx, a, "2026-03-19", "10000.00", number="INV-1")  # due 04-18, 73 days
    make_invoice(ctx, a, "2026-05-01", "1234.56", number="INV-2")  # due 05-31, 30 days
    make_invoice(ctx, a, "2026-05-20", "500.00", number="INV-3")  # due 06-19, 11 days
    held = make_invoice(ctx, a, "2026-02-01", "777.77", number="INV-4")  # 120 days, disputed
    open_dispute(ctx, a, held, "quality complaint")
    make_invoice(ctx, a, "2026-03-01", "300.00", number="INV-5")
    pay(ctx, a, "2026-04-20", "300.00", allocate="reference", reference="INV-5")
    make_invoice(ctx, a, "2026-04-10", "250.00", number="INV-6", currency="USD")  # 51 days
    make_invoice(ctx, a, "2026-06-25", "999.00", number="INV-7")  # not due yet
    b = make_customer(ctx, "Beta Ltd", code="C2", language="en")
    make_invoice(ctx, b, "2026-05-26", "80.00", number="INV-8")  # due 06-25, 5 days
    add_contact(ctx, b, "Someone Else", primary=False)
    add_contact(ctx, b, "Mary <Smith>", primary=True)
    c = make_customer(ctx, "Hold Co", code="C3", language="en")
    on_hold = make_invoice(ctx, c, "2026-01-01", "40.00", number="INV-9")
    open_dispute(ctx, c, on_hold, "wrong goods")
    d = make_customer(ctx, "Early Co", code="C4", language="en")
    make_invoice(ctx, d, "2026-06-20", "40.00", number="INV-10")
    return {"A": a, "B": b, "C": c, "D": d}


# -- the letter's figures -------------------------------------------------------------------------
def test_letter_figures_at_the_highest_level_reached(ctx: object, book: dict[str, int]) -> None:
    letter = dunning_letter(ctx, book["A"], AS_OF)
    assert letter is not None
    assert (letter.level, letter.level_name, letter.language) == (4, "最后催款通知", "zh")
    assert (letter.interest_rate, letter.fee_each) == (Decimal("0.10"), Decimal("50.00"))
    assert letter.pay_by == date(2026, 7, 7)
    cny, usd = letter.sections
    rows = [
        (i.invoice_number, i.days_overdue, i.level, i.outstanding, i.interest) for i in cny.items
    ]
    assert rows == [
        ("INV-1", 73, 4, m("10000.00"), m("200.00")),
        ("INV-2", 30, 3, m("1234.56"), m("10.15")),  # 10.1470 rounds up
        ("INV-3", 11, 1, m("500.00"), m("1.51")),  # 1.5068
    ]
    assert (cny.overdue_total, cny.interest_total, cny.fee, cny.total_due) == (
        m("11734.56"),
        m("211.66"),
        m("50.00"),
        m("11996.22"),
    )
    (item,) = usd.items
    assert (item.invoice_number, item.days_overdue, item.interest) == (
        "INV-6",
        51,
        m("3.49", "USD"),
    )
    assert (usd.fee, usd.total_due) == (m("50.00", "USD"), m("303.49", "USD"))


def test_disputed_paid_and_not_yet_due_items_are_left_out(
    ctx: object, book: dict[str, int]
) -> None:
    letter = dunning_letter(ctx, book["A"], AS_OF)
    numbers = {i.invoice_number for s in letter.sections for i in s.items}
    assert numbers == {"INV-1", "INV-2", "INV-3", "INV-6"}
    assert dunning_letter(ctx, book["C"], AS_OF) is None  # only a disputed item
    assert dunning_letter(ctx, book["D"], AS_OF) is None  # nothing due yet


def test_filled_template_text(ctx: object, book: dict[str, int]) -> None:
    letter = dunning_letter(ctx, book["A"], AS_OF)
    assert letter.subject == "最后催款通知：A <B> & Co 明远逾期账单"
    assert letter.body.startswith("尊敬的A <B> & Co 明远：")  # no contact: the customer name
    assert ITEMS_MARKER in letter.body
    assert "请于2026年7月7日前支付CNY 11,996.22 及 USD 303.49" in letter.body
    assert letter.body.endswith("明远贸易 <Main> & Co")
    text = letter_text(letter)
    assert ITEMS_MARKER not in text
    assert "- INV-2  2026-05-01  到期日 2026-05-31  逾期 30 天  CNY 1,234.56  利息 10.15" in text
    assert "应付合计: USD 303.49" in text


def test_primary_contact_english_and_a_chosen_level(ctx: object, book: dict[str, int]) -> None:
    letter = dunning_letter(ctx, book["B"], AS_OF)
    assert (letter.level, letter.language, letter.contact_name) == (1, "en", "Mary <Smith>")
    assert letter.body.startswith("Dear Mary <Smith>,")
    assert "Mingyuan Trading <Main> & Co" in letter.body
    (sec,) = letter.sections
    assert (sec.interest_total, sec.fee, sec.total_due) == (m("0.00"), m("0.00"), m("80.00"))
    # Asked for level 5 in Chinese: its rate and fee, whatever the items reached.
    legal = dunning_letter(ctx, book["B"], AS_OF, level=5, lang="zh")
    (sec,) = legal.sections
    assert (legal.level_name, sec.items[0].level) == ("法律程序前通知", 1)
    assert (sec.interest_total, sec.fee, sec.total_due) == (m("0.11"), m("100.00"), m("180.11"))


def test_email_text_for_a_draft(ctx: object, book: dict[str, int]) -> None:
    email = dunning_letter(ctx, book["B"], AS_OF, channel="email")
    assert email.subject == "Payment reminder: overdue invoices of Beta Ltd (C2)"
    text = letter_text(email)
    assert "- INV-8  2026-05-26  due 2026-06-25  5 days overdue  CNY 80.00\n" in text
    assert "  Total due: CNY 80.00" in text
    assert "The letter is attached as a PDF." in text
    assert ITEMS_MARKER not in text


def test_edited_levels_and_templates_are_used(ctx: object, book: dict[str, int]) -> None:
    update_level(ctx, 1, fee="5", interest_rate="0.365", name_en="Friendly <reminder>")
    save_template(
        ctx,
        1,
        "en",
        "letter",
        subject="{level_name} for {customer_code}",
        body="{{Ref}} {item_count} item(s), oldest due {oldest_due_date}.\n\n{items}\n\n"
        "Total {total_due}; interest {interest_total}; fee {fee}.",
    )
    letter = dunning_letter(ctx, book["B"], AS_OF)
    assert letter.subject == "Friendly <reminder> for C2"
    assert letter.body.startswith("{Ref} 1 item(s), oldest due 25 June 2026.")
    assert letter.body.endswith("Total CNY 85.40; interest CNY 0.40; fee CNY 5.00.")


# -- who is at which level ------------------------------------------------------------------------
def test_customers_at_level(ctx: object, book: dict[str, int]) -> None:
    assert customers_at_level(ctx, AS_OF, None) == [
        (book["A"], "C1", "A <B> & Co 明远", 4),
        (book["B"], "C2", "Beta Ltd", 1),
    ]
    assert customers_at_level(ctx, AS_OF, 1) == [(book["B"], "C2", "Beta Ltd", 1)]
    assert customers_at_level(ctx, AS_OF, 2) == []


def test_customers_at_level_on_a_past_date(ctx: object, book: dict[str, int]) -> None:
    # On 19 April INV-5 (due 31 March, paid 20 April) was still open: 19 days, level 2.
    on = date(2026, 4, 19)
    assert customers_at_level(ctx, on, None) == [(book["A"], "C1", "A <B> & Co 明远", 2)]
    letter = dunning_letter(ctx, book["A"], on)
    numbers = [(i.invoice_number, i.days_overdue) for i in letter.sections[0].items]
    assert numbers == [("INV-5", 19), ("INV-1", 1)]


def test_customers_at_level_after_a_level_is_switched_off(
    ctx: object, book: dict[str, int]
) -> None:
    update_level(ctx, 4, active=False)
    assert customers_at_level(ctx, AS_OF, None)[0][3] == 3


def test_targets(ctx: object, book: dict[str, int]) -> None:
    keys = [t.key for t in find_targets(ctx, "dunning", OPTS)]
    assert keys == ["dunning-C1-L4", "dunning-C2-L1"]
    level1 = find_targets(ctx, "dunning", DocOptions(as_of=AS_OF, level=1))
    assert [t.key for t in level1] == ["dunning-C2-L1"]
    assert find_targets(ctx, "dunning", OPTS, customer_id=book["D"]) == []
    (one,) = find_targets(ctx, "dunning", DocOptions(as_of=AS_OF, level=2), customer_id=book["A"])
    assert (one.key, one.extra) == ("dunning-C1-L2", {"level": 2})


# -- the PDF --------------------------------------------------------------------------------------
@needs_pdftotext
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_chinese_letter_pdf(ctx: object, book: dict[str, int], tmp_path: Path, paper: str) -> None:
    opts = DocOptions(as_of=AS_OF, paper=paper)
    (path,) = write_pdf(
        ctx, find_targets(ctx, "dunning", opts, customer_id=book["A"]), opts, tmp_path / "a.pdf"
    )
    text = text_of(path)
    for figure in (
        "10,000.00",
        "200.00",
        "1,234.56",
        "10.15",
        "1.51",
        "11,734.56",
        "211.66",
        "11,996.22",
        "250.00",
        "3.49",
        "303.49",
    ):
        assert figure in text, figure
    for words in (
        "最后催款通知",
        "尊敬的A <B> & Co 明远",
        "A <B> & Co 路 1 号",
        "账单号",
        "逾期利息",
        "应付合计",
        "催款费用",
        "币种: USD",
        "2026年6月30日",
        "此致",
        "明远贸易 <Main> & Co",
        "第 1 页，共 1 页",
        "年利率 10%",
    ):
        assert words in text, words
    assert "INV-4" not in text and "INV-5" not in text and "INV-7" not in text
    assert "{items}" not in text and "&amp;" not in text and "&lt;" not in text


@needs_pdftotext
def test_english_letter_pdf_without_interest(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    opts = DocOptions(as_of=AS_OF, lang="en", level=1)
    (path,) = write_pdf(
        ctx, find_targets(ctx, "dunning", opts, customer_id=book["A"]), opts, tmp_path / "a.pdf"
    )
    text = text_of(path)
    assert "Payment reminder" in text
    assert "Dear A <B> & Co 明远," in text
    assert "Outstanding CNY" in text and "Interest" not in text  # level 1 charges none
    assert "Dunning fee" not in text
    assert "Total due" in text and "11,734.56" in text
    assert "30 June 2026" in text and "7 July 2026" in text and "Page 1 of 1" in text


@needs_pdftotext
def test_user_text_in_templates_is_escaped(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    save_template(
        ctx,
        1,
        "en",
        "letter",
        subject="<b>Re</b>: A <B> & Co {{1}}",
        body="Line <one> & {customer_name}\nnext line\n\n{items}\n\n<font size=40>big</font> & ok",
    )
    opts = DocOptions(as_of=AS_OF)
    (path,) = write_pdf(
        ctx, find_targets(ctx, "dunning", opts, customer_id=book["B"]), opts, tmp_path / "b.pdf"
    )
    text = text_of(path)
    assert "<b>Re</b>: A <B> & Co {1}" in text
    assert "Line <one> & Beta Ltd" in text
    assert "<font size=40>big</font> & ok" in text
    assert "80.00" in text


@needs_pdftotext
def test_a_body_without_items_still_lists_them(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    save_template(ctx, 1, "en", "letter", subject="", body="Please pay {total_due}.")
    opts = DocOptions(as_of=AS_OF)
    (path,) = write_pdf(
        ctx, find_targets(ctx, "dunning", opts, customer_id=book["B"]), opts, tmp_path / "b.pdf"
    )
    text = text_of(path)
    assert "Please pay CNY 80.00." in text
    assert "Attn. Mary <Smith>" in text
    assert "INV-8" in text


@needs_pdftotext
def test_a_long_chinese_name_wraps(ctx: object, tmp_path: Path) -> None:
    cid = make_customer(ctx, LONG, code="C9", language="zh", address=LONG)
    make_invoice(ctx, cid, "2026-01-02", "1.00", number="INV-L")
    opts = DocOptions(as_of=AS_OF)
    (path,) = write_pdf(
        ctx, find_targets(ctx, "dunning", opts, customer_id=cid), opts, tmp_path / "l.pdf"
    )
    text = flat(text_of(path))
    assert LONG in text
    assert "法律程序前通知" in text  # 150 days: level 5


@needs_pdftotext
def test_many_rows_and_letters_in_one_file(ctx: object, tmp_path: Path) -> None:
    cid = make_customer(ctx, "Many Rows Ltd", code="C7", language="en")
    for n in range(60):
        make_invoice(ctx, cid, "2026-03-01", f"{n + 1}.25", number=f"M-{n:03d}")
    other = make_customer(ctx, "乙公司", code="C8", language="zh")
    make_invoice(ctx, other, "2026-05-20", "9.99", number="Z-1")
    opts = DocOptions(as_of=AS_OF)
    targets = find_targets(ctx, "dunning", opts)
    assert [t.key for t in targets] == ["dunning-C7-L5", "dunning-C8-L1"]
    (path,) = write_pdf(ctx, targets, opts, tmp_path / "all.pdf")
    text = text_of(path)
    assert "Page 2 of 2" in text and "第 1 页，共 1 页" in text
    assert "M-000" in text and "M-059" in text
    assert "1,845.00" in text  # 1.25 + 2.25 + … + 60.25
    assert "9.99" in text


def test_letter_text_appends_the_items_when_the_body_has_no_marker(
    ctx: object, book: dict[str, int]
) -> None:
    save_template(ctx, 1, "en", "email", subject="Reminder", body="Please pay {total_due}.")
    email = dunning_letter(ctx, book["B"], AS_OF, channel="email")
    assert letter_text(email).startswith("Please pay CNY 80.00.\n\n- INV-8  2026-05-26")
