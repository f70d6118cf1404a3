"""The statement of account as PDF: text extracted back, escaping, temp name and rename."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_ar.db.models import AuditEntry
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services.payments import PaymentInput, record_payment
from desktop_ar.services.settings import update_settings
from desktop_ar.services.statement_pdf import write_statement_pdf
from desktop_ar.services.uow import reader
from tests.services.helpers import d, m, make_customer, make_invoice

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

LONG = "深圳市前海新能源科技发展有限公司华南区域销售与售后服务中心（东莞分部）第三事业部" * 2


def text_of(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def pdfs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("book.db"))


def audits(ctx: object) -> int:
    with reader(ctx) as s:
        return s.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "export_statement_pdf")
        ).scalar_one()


@pytest.fixture
def book(ctx: object) -> int:
    update_settings(
        ctx,
        name="明远贸易 <Main> & Co",
        address="上海市浦东新区世纪大道 100 号",
        tax_id="91310000MA1FL00000",
        bank_details="开户行：招商银行上海分行\n账号：6225 8888 0000 1234",
    )
    cid = make_customer(ctx, LONG, code="C001", address="A <B> & Co 路 1 号", language="zh")
    make_invoice(ctx, cid, "2026-03-01", "1000.00", number="INV-1")
    make_invoice(ctx, cid, "2026-06-01", "12345.67", number="INV-2")
    record_payment(ctx, PaymentInput(cid, d("2026-06-10"), m("1200.00")))
    return cid


def test_chinese_statement_figures_and_text(ctx: object, book: int, tmp_path: Path) -> None:
    path = write_statement_pdf(ctx, book, d("2026-06-01"), d("2026-06-30"), tmp_path / "s.pdf")
    text = text_of(path)
    assert path.read_bytes().startswith(b"%PDF")
    for expected in ("对账单", "期初余额", "期末余额", "账龄汇总", "付款说明", "招商银行上海分行"):
        assert expected in text
    # Opening 1,000.00; +12,345.67; -1,200.00 → 12,145.67; open items add up to it.
    for figure in ("1,000.00", "12,345.67", "1,200.00", "12,145.67"):
        assert figure in text
    assert "第 1 页，共 1 页" in text
    squashed = "".join(text.split())
    assert LONG in squashed  # the long name wraps but every character is there
    assert "明远贸易<Main>&Co" in squashed
    assert "A<B>&Co路1号" in squashed
    assert audits(ctx) == 1
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    listed = fonts.stdout.splitlines()[2:]
    assert listed
    assert all("TrueType" in x and " yes yes yes " in x for x in listed)  # every font embedded


def test_english_letter_and_escaping(ctx: object, book: int, tmp_path: Path) -> None:
    other = make_customer(ctx, "A <B> & Co", code="C<2>", language="en")
    make_invoice(ctx, other, "2026-06-05", "99.50", number="X&1")
    path = write_statement_pdf(
        ctx, other, d("2026-06-01"), d("2026-06-30"), tmp_path / "e.pdf", paper="Letter"
    )
    text = text_of(path)
    assert "Statement of Account" in text
    assert "A <B> & Co" in text
    assert "C<2>" in text
    assert "X&1" in text
    assert "99.50" in text
    assert "Page 1 of 1" in text
    assert "Opening balance" in text and "Closing balance" in text
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert "612 x 792" in info  # Letter


def test_language_argument_overrides_the_customer(ctx: object, book: int, tmp_path: Path) -> None:
    path = write_statement_pdf(
        ctx, book, d("2026-06-01"), d("2026-06-30"), tmp_path / "s.pdf", lang="en"
    )
    assert "Statement of Account" in text_of(path)


def test_failure_leaves_no_half_pdf(
    ctx: object, book: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "s.pdf"
    target.write_bytes(b"old")

    def broken(*args: object, **kwargs: object) -> None:
        out = args[2]
        out.write(b"%PDF-1.4 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("desktop_ar.services.statement_pdf.render_statement", broken)
    with pytest.raises(UserFacingError, match="No space left"):
        write_statement_pdf(ctx, book, d("2026-06-01"), d("2026-06-30"), target)
    assert target.read_bytes() == b"old"
    assert pdfs(tmp_path) == ["s.pdf"]
    assert audits(ctx) == 0


def test_written_under_a_temporary_name_then_renamed(
    ctx: object, book: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    seen: list[tuple[str, str]] = []
    real = os.replace

    def spy(src: object, dst: object) -> None:
        seen.append((Path(src).name, Path(dst).name))
        real(src, dst)

    monkeypatch.setattr("desktop_ar.services.docs.os.replace", spy)
    write_statement_pdf(ctx, book, d("2026-06-01"), d("2026-06-30"), tmp_path / "s.pdf")
    assert len(seen) == 1
    assert seen[0][1] == "s.pdf" and seen[0][0].endswith(".tmp")
    assert pdfs(tmp_path) == ["s.pdf"]


def test_read_only_role_may_print_and_bad_paper_is_refused(
    ctx: object, book: int, tmp_path: Path
) -> None:
    ro = dataclasses.replace(ctx, role="read_only")
    write_statement_pdf(ro, book, d("2026-06-01"), d("2026-06-30"), tmp_path / "r.pdf")
    with pytest.raises(UserFacingError, match="paper"):
        write_statement_pdf(
            ctx, book, d("2026-06-01"), d("2026-06-30"), tmp_path / "x.pdf", paper="A3"
        )
    assert not (tmp_path / "x.pdf").exists()


def test_unapplied_payment_is_named_in_the_open_items(ctx: object, tmp_path: Path) -> None:
    from tests.services.helpers import pay

    cid = make_customer(ctx, "Prepaid Ltd", code="C9", language="en")
    pay(ctx, cid, "2026-06-12", "300.00", allocate="none")
    text = text_of(
        write_statement_pdf(ctx, cid, d("2026-06-01"), d("2026-06-30"), tmp_path / "p.pdf")
    )
    assert "Unapplied" in text  # the cell wraps before "payment"
    assert "unallocated" not in text
    zh = write_statement_pdf(
        ctx, cid, d("2026-06-01"), d("2026-06-30"), tmp_path / "z.pdf", lang="zh"
    )
    assert "未核销" in text_of(zh)
