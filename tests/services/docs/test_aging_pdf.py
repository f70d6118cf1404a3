"""The aging report (账龄分析表) as PDF: bucket totals and shares equal services.reports.aging's."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from reportlab.lib.units import mm

from desktop_ar.documents.aging_report import PagedTable, aging_flowables, percentages
from desktop_ar.documents.base import CompanyInfo, Document, amount, build_documents
from desktop_ar.domain.aging import AgingItem, Buckets, age
from desktop_ar.domain.money import Money
from desktop_ar.services.docs import DocOptions, find_targets, write_pdf
from desktop_ar.services.invoicing import InvoiceInput, create_invoice
from desktop_ar.services.reports import aging
from desktop_ar.services.settings import update_settings
from tests.services.helpers import m, make_customer, make_invoice, pay

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

AS_OF = date(2026, 6, 30)
LONG = "深圳市前海新能源科技发展有限公司华南区域销售与售后服务中心（东莞分部）第三事业部" * 2


def text_of(path: Path | bytes, *, layout: bool = True) -> str:
    data = path.read_bytes() if isinstance(path, Path) else path
    return subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"],
        input=data,
        check=True,
        capture_output=True,
    ).stdout.decode()


def figures(line: str) -> list[str]:
    return re.findall(r"-?[\d,]+\.\d+%?", line)


def line_after(text: str, heading: str, starts: str) -> str:
    rest = text[text.index(heading) :]
    return next(x for x in rest.splitlines() if x.strip().startswith(starts))


@pytest.fixture
def book(ctx: object) -> dict[str, int]:
    update_settings(ctx, name="明远贸易 <Main> & Co", base_currency="CNY")
    a = make_customer(ctx, LONG, code="C001", language="zh")
    make_invoice(ctx, a, "2026-06-15", "1000.00", number="A-CUR")  # due 07-15: not due
    make_invoice(ctx, a, "2026-05-20", "2000.50", number="A-1-30")  # due 06-19: 11 days
    make_invoice(ctx, a, "2026-04-10", "300.25", number="A-31-60")  # due 05-10: 51 days
    make_invoice(ctx, a, "2026-01-10", "4000.00", number="A-90")  # 141 days
    pay(ctx, a, "2026-06-20", "50.00", allocate="none")  # unapplied: -50.00
    b = make_customer(ctx, "A <B> & Co", code="C002", language="en")
    make_invoice(ctx, b, "2026-04-25", "777.77", number="B-31-60")  # due 05-25: 36 days
    make_invoice(ctx, b, "2026-03-01", "123.45", number="B-90")  # due 03-31: 91 days
    usd = make_customer(ctx, "Dollar Inc", code="C003", language="en", currency="USD")
    net = Money.of("500.00", "USD")
    create_invoice(
        ctx,
        InvoiceInput(usd, date(2026, 6, 1), net, exchange_rate=Decimal("7.1"), number="U-1"),
    )
    make_customer(ctx, "Idle Co", code="C004")
    return {"a": a, "b": b, "usd": usd}


def render(ctx: object, tmp_path: Path, *, layout: bool = True, **kw: object) -> str:
    customer = kw.pop("customer_id", None)
    opts = DocOptions(as_of=AS_OF, **kw)  # type: ignore[arg-type]
    targets = find_targets(ctx, "aging", opts, customer_id=customer)  # type: ignore[arg-type]
    (path,) = write_pdf(ctx, targets, opts, tmp_path / f"{targets[0].key}.pdf")
    return text_of(path, layout=layout)


def test_targets(ctx: object, book: dict[str, int]) -> None:
    (whole,) = find_targets(ctx, "aging", DocOptions(as_of=AS_OF))
    assert (whole.key, whole.customer_id) == ("aging-2026-06-30", None)
    (one,) = find_targets(ctx, "aging", DocOptions(as_of=AS_OF), customer_id=book["b"])
    assert (one.key, one.customer_id) == ("aging-C002-2026-06-30", book["b"])


def test_bucket_totals_and_shares_equal_the_report(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    report = aging(ctx, as_of=AS_OF)
    text = render(ctx, tmp_path, lang="en")
    cny = report.currency("CNY")
    assert cny is not None
    want = [amount(cny.total), *(amount(x) for x in cny.totals)]
    assert figures(line_after(text, "Currency: CNY", "Total (2 customers)")) == want
    # 1000.00 + 2000.50 + 300.25 + 4000.00 - 50.00 + 777.77 + 123.45
    assert want[0] == "8,151.97"
    share = percentages([cny.total, *cny.totals], cny.total)
    assert figures(line_after(text, "Currency: CNY", "% of total")) == share
    assert share[0] == "100.0%"
    assert share[-1] == f"{Decimal('412345') / Decimal('815197') * 100:.1f}%"  # 90+
    # One row per customer: C001's unapplied payment (10 days old) nets into its 1-30 bucket.
    row = line_after(text, "Currency: CNY", "C001")
    assert figures(row) == ["7,250.75", "1,000.00", "1,950.50", "300.25", "4,000.00"]
    flat = "".join(render(ctx, tmp_path, lang="en", layout=False).split())
    assert "A<B>&Co" in flat
    assert LONG in flat  # the long name wraps, nothing clipped


def test_two_currencies_and_base_summary(ctx: object, book: dict[str, int], tmp_path: Path) -> None:
    report = aging(ctx, as_of=AS_OF)
    text = render(ctx, tmp_path, lang="en")
    usd = line_after(text, "Currency: USD", "Total (1 customer)")
    assert figures(usd)[:2] == ["500.00", "500.00"]
    base = line_after(text, "Summary in CNY (base currency)", "Total")
    assert figures(base) == [amount(report.base_total), *(amount(x) for x in report.base_totals)]
    assert amount(report.base_total) == "11,701.97"  # 8,151.97 + 500.00 x 7.1
    assert "converted at each document's exchange rate" in text


def test_chinese_report_in_the_company_language(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    text = render(ctx, tmp_path, paper="Letter")  # the company's language: zh_CN
    flat = "".join(text.split())
    for expected in ("账龄分析表", "截至日期", "逾期天数（按到期日）", "未到期", "1-30天", "占比",
                     "合计（2个客户）", "本位币（CNY）汇总", "第1页，共1页"):  # fmt: skip
        assert expected in flat, expected
    assert "8,151.97" in text
    assert "Aging Report" not in text


def test_one_customer(ctx: object, book: dict[str, int], tmp_path: Path) -> None:
    text = render(ctx, tmp_path, lang="en", customer_id=book["b"])
    assert "C002 A <B> & Co" in text
    assert figures(line_after(text, "Currency: CNY", "Total (1 customer)")) == [
        "901.22", "0.00", "0.00", "777.77", "0.00", "123.45",
    ]  # fmt: skip
    assert "B-31-60" in text  # its open items are listed
    assert "C001" not in text
    assert "USD" not in text.replace("Base currency", "")


def test_no_open_items(ctx: object, tmp_path: Path) -> None:
    text = render(ctx, tmp_path, lang="en")
    assert "No open items as of 2026-06-30." in text


def test_hundreds_of_customers_over_many_pages() -> None:
    items = [
        AgingItem(
            customer_id=i,
            customer_code=f"K{i:04d}",
            customer_name=f"客户 {i} 有限公司",
            kind="invoice",
            document_id=i,
            document_number=f"I{i}",
            document_date=AS_OF - timedelta(days=i % 200),
            due_date=AS_OF - timedelta(days=i % 200 - 30),
            open=m(f"{i}.01"),
        )
        for i in range(1, 401)
    ]
    report = age(items, as_of=AS_OF, buckets=Buckets(), base_currency="CNY")
    buf = io.BytesIO()
    flowables = aging_flowables(report, CompanyInfo(name="Test Co"), lang="en")
    build_documents(buf, [Document(flowables, "en", "aging")])
    text = text_of(buf.getvalue())
    assert all(f"K{i:04d}" in text for i in range(1, 401))
    assert text.count("Code") >= 6  # the header repeats on every page
    assert "Page 1 of " in text
    total = line_after(text, "Currency: CNY", "Total (400 customers)")
    assert figures(total)[0] == amount(Money.sum((x.open for x in items), "CNY"))


def test_many_buckets_and_big_amounts_fit_portrait_paper() -> None:
    items = [
        AgingItem(
            customer_id=i,
            customer_code=f"CUSTOMER-CODE-{i:05d}",
            customer_name="深圳市前海新能源科技发展有限公司",
            kind="invoice",
            document_id=i * 10 + k,
            document_number=f"I{i}-{k}",
            document_date=AS_OF - timedelta(days=k * 50 + 20),
            due_date=AS_OF - timedelta(days=k * 50 - 10),
            open=m("9876543210.99"),
        )
        for i in range(5)
        for k in range(8)
    ]
    buckets = Buckets.parse("30,60,90,120,180,270,365")
    report = age(items, as_of=AS_OF, buckets=buckets, base_currency="CNY")
    flowables = aging_flowables(report, CompanyInfo(name="Test Co"), lang="zh")
    tables = [f for f in flowables if isinstance(f, PagedTable)]
    frame = 210 * mm - 2 * 18 * mm - 12  # A4 less the margins and the frame's padding
    assert tables
    assert all(t.wrap(frame, 700)[0] <= frame + 0.01 for t in tables)
    buf = io.BytesIO()
    build_documents(buf, [Document(flowables, "zh", "aging")])
    text = text_of(buf.getvalue())
    assert "365+ 天" in text
    assert "CUSTOMER-CODE-00004" in "".join(text_of(buf.getvalue(), layout=False).split())


def test_many_buckets_turn_the_page(ctx: object, book: dict[str, int], tmp_path: Path) -> None:
    (target,) = find_targets(ctx, "aging", DocOptions(as_of=AS_OF))
    upright = write_pdf(ctx, [target], DocOptions(as_of=AS_OF, lang="en"), tmp_path / "a.pdf")
    update_settings(ctx, aging_buckets="15,30,45,60,90,120,180")
    turned = write_pdf(ctx, [target], DocOptions(as_of=AS_OF, lang="en"), tmp_path / "b.pdf")

    def size(path: Path) -> str:
        info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
        return next(x for x in info.stdout.splitlines() if x.startswith("Page size"))

    assert "595.276 x 841.89" in size(upright[0])  # A4 upright
    assert "841.89 x 595.276" in size(turned[0])  # A4 turned: room for nine amount columns
    assert "151-180" in text_of(turned[0]) or "121-180" in text_of(turned[0])
