"""The document registry: targets, combined files with their own page numbers, per-file output,
the temporary name and rename, the logo and paper settings."""

from __future__ import annotations

import base64
import dataclasses
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from desktop_ar.domain.errors import Cancelled, PermissionDenied, UserFacingError
from desktop_ar.services.docs import DocOptions, find_targets, pdf_bytes, safe_stem, write_pdf
from desktop_ar.services.progress import CallbackProgress
from desktop_ar.services.settings import get_settings, set_logo, update_settings
from tests.services.helpers import make_customer, make_invoice

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

# A 2 x 1 pixel PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAeAAH/n2XhNAAAAABJRU5ErkJggg=="
)
OPTS = DocOptions(as_of=date(2026, 3, 31))


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def three(ctx: object) -> list[int]:
    update_settings(ctx, name="明远贸易有限公司")
    a = make_customer(ctx, "甲公司", code="C1", language="zh")
    b = make_customer(ctx, "Beta Ltd", code="C2", language="en")
    c = make_customer(ctx, "Idle Co", code="C3", language="en")
    make_invoice(ctx, a, "2026-03-01", "1000.00", number="INV-1")
    make_invoice(ctx, b, "2026-03-05", "250.00", number="INV-2")
    return [a, b, c]


def test_statements_go_to_customers_with_something_to_show(ctx: object, three: list[int]) -> None:
    targets = find_targets(ctx, "statement", OPTS)
    assert [t.key for t in targets] == ["statement-C1", "statement-C2"]
    assert find_targets(ctx, "statement", OPTS, customer_id=three[2])[0].key == "statement-C3"


def test_combined_file_numbers_each_documents_pages(
    ctx: object, three: list[int], tmp_path
) -> None:
    out = tmp_path / "pdf" / "all.pdf"
    out.parent.mkdir()
    (path,) = write_pdf(ctx, find_targets(ctx, "statement", OPTS), OPTS, out)
    text = text_of(path)
    assert "第 1 页，共 1 页" in text  # 甲公司 in Chinese
    assert "Page 1 of 1" in text  # Beta Ltd in English
    assert "1,000.00" in text
    assert "250.00" in text
    assert [p.name for p in out.parent.iterdir()] == ["all.pdf"]


def test_one_file_per_customer(ctx: object, three: list[int], tmp_path) -> None:
    targets = find_targets(ctx, "statement", OPTS)
    files = write_pdf(ctx, targets, OPTS, tmp_path / "out", per_file=True)
    assert [p.name for p in files] == ["statement-C1.pdf", "statement-C2.pdf"]
    assert "Beta Ltd" in text_of(files[1])


def test_cancel_leaves_no_file(ctx: object, three: list[int], tmp_path) -> None:
    def cancel_after_first(done: int, _total: int, _text: str) -> None:
        if done == 1:
            progress.cancel()

    progress = CallbackProgress(cancel_after_first)
    targets = find_targets(ctx, "statement", OPTS)
    folder = tmp_path / "pdf"
    folder.mkdir()
    with pytest.raises(Cancelled):
        write_pdf(ctx, targets, OPTS, folder / "x.pdf", progress=progress)
    with pytest.raises(Cancelled):
        write_pdf(ctx, targets, OPTS, folder / "each", per_file=True, progress=progress)
    assert [p.name for p in folder.iterdir()] == ["each"]
    assert list((folder / "each").iterdir()) == []


def test_nothing_to_print_is_a_clear_error(ctx: object, tmp_path) -> None:
    with pytest.raises(UserFacingError, match="nothing to print"):
        write_pdf(ctx, [], OPTS, tmp_path / "x.pdf")


def test_pdf_bytes_for_preview(ctx: object, three: list[int]) -> None:
    data = pdf_bytes(ctx, find_targets(ctx, "statement", OPTS, customer_id=three[1]), OPTS)
    assert data.startswith(b"%PDF")


def test_safe_stem_keeps_names_usable() -> None:
    assert safe_stem("invoice", "INV/2026 01") == "invoice-INV_2026_01"
    assert safe_stem("statement", "客户1") == "statement-客户1"
    assert safe_stem("", " ") == "document"


def test_logo_is_stored_and_printed(ctx: object, three: list[int], tmp_path) -> None:
    set_logo(ctx, PNG)
    assert get_settings(ctx).logo == PNG
    targets = find_targets(ctx, "statement", OPTS, customer_id=three[1])
    (path,) = write_pdf(ctx, targets, OPTS, tmp_path / "l.pdf")
    listed = subprocess.run(
        ["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True
    )
    assert len(listed.stdout.splitlines()) == 3  # header, rule, the logo
    set_logo(ctx, None)
    assert get_settings(ctx).logo is None


def test_logo_must_be_png_or_jpeg(ctx: object) -> None:
    with pytest.raises(UserFacingError, match="PNG or JPEG"):
        set_logo(ctx, b"GIF89a....")
    with pytest.raises(UserFacingError, match="empty"):
        set_logo(ctx, b"")


def test_paper_setting(ctx: object) -> None:
    update_settings(ctx, paper="Letter")
    assert get_settings(ctx).paper == "Letter"
    with pytest.raises(UserFacingError, match="A4"):
        update_settings(ctx, paper="A5")


def test_logo_needs_settings_permission(ctx: object) -> None:
    with pytest.raises(PermissionDenied):
        set_logo(dataclasses.replace(ctx, role="collector"), PNG)
