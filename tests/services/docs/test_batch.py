"""Batches of documents: bulk statement reads, two processes, combined and per-file, progress,
cancel and failures that leave nothing behind."""

from __future__ import annotations

import shutil
import stat
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_ar.domain.errors import Cancelled, NotFound
from desktop_ar.services.demo import seed_demo
from desktop_ar.services.docs import DocOptions, Target, find_targets, write_pdf
from desktop_ar.services.docs.statement import period, statements_many
from desktop_ar.services.progress import CallbackProgress
from desktop_ar.services.statements import statement_of_account

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

AS_OF = date(2026, 6, 30)
OPTS = DocOptions(as_of=AS_OF)


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def demo(ctx: object) -> object:
    """A demo book: 40 customers, 400 invoices, payments, write-offs, credit notes."""
    seed_demo(ctx, customers=40, invoices=400, seed=3, as_of=AS_OF)
    return ctx


@pytest.mark.parametrize(
    "opts",
    [OPTS, DocOptions(as_of=date(2026, 3, 31), date_from=date(2025, 10, 1))],
    ids=["this-month", "past-half-year"],
)
def test_bulk_statements_equal_one_by_one(demo: object, opts: DocOptions) -> None:
    targets = find_targets(demo, "statement", opts)
    ids = [t.customer_id for t in targets]
    assert len(ids) > 20
    start, end = period(opts)
    many = list(statements_many(demo, ids, opts))
    assert many == [statement_of_account(demo, cid, start, end) for cid in ids]
    kinds = {line.kind for st in many for sec in st.sections for line in sec.lines}
    assert {"invoice", "payment"} <= kinds


def test_targets_are_the_customers_with_a_balance_or_activity(demo: object) -> None:
    start, end = period(OPTS)
    found = {t.customer_id for t in find_targets(demo, "statement", OPTS)}
    every = [t.customer_id for t in find_targets(demo, "statement", OPTS, customer_id=None)]
    assert set(every) == found
    for cid in range(1, 41):
        st = statement_of_account(demo, cid, start, end)
        shows = any(sec.lines or sec.closing.minor or sec.open_items for sec in st.sections)
        assert (cid in found) == shows, cid


def _reports() -> tuple[CallbackProgress, list[tuple[int, int]]]:
    seen: list[tuple[int, int]] = []
    return CallbackProgress(lambda done, total, _text: seen.append((done, total))), seen


def test_two_processes_write_the_same_combined_file(demo: object, tmp_path: Path) -> None:
    targets = find_targets(demo, "statement", OPTS)
    progress, seen = _reports()
    out = tmp_path / "out"
    out.mkdir()
    (one,) = write_pdf(demo, targets, OPTS, out / "one.pdf", workers=1)
    (two,) = write_pdf(demo, targets, OPTS, out / "two.pdf", workers=2, progress=progress)
    assert text_of(two) == text_of(one)
    reader = PdfReader(two)
    assert [o.title for o in reader.outline] == [o.title for o in PdfReader(one).outline]
    assert len(reader.outline) == len(targets)
    # Progress: once per document, counting up to the total.
    assert [d for d, _ in seen] == list(range(1, len(targets) + 1))
    assert {t for _, t in seen} == {len(targets)}
    assert sorted(p.name for p in out.iterdir()) == ["one.pdf", "two.pdf"]
    assert two.stat().st_mode & stat.S_IRGRP  # not left readable by the owner only


def test_two_processes_one_file_each(demo: object, tmp_path: Path) -> None:
    targets = find_targets(demo, "statement", OPTS)
    progress, seen = _reports()
    files = write_pdf(demo, targets, OPTS, tmp_path / "each", per_file=True, workers=2,
                      progress=progress)  # fmt: skip
    assert [p.name for p in files] == [f"{t.key}.pdf" for t in targets]
    assert sorted(p.name for p in (tmp_path / "each").iterdir()) == sorted(p.name for p in files)
    assert len(seen) == len(targets)
    code = targets[-1].key.removeprefix("statement-")
    assert code in text_of(files[-1])
    assert "Page 1 of" in text_of(files[0]) or "第 1 页" in text_of(files[0])


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("per_file", [False, True], ids=["combined", "per-file"])
def test_cancel_halfway_leaves_nothing(
    demo: object, tmp_path: Path, workers: int, per_file: bool
) -> None:
    targets = find_targets(demo, "statement", OPTS)

    def cancel_halfway(done: int, total: int, _text: str) -> None:
        if done >= total // 2:
            progress.cancel()

    progress = CallbackProgress(cancel_halfway)
    out = tmp_path / "out"
    out.mkdir()
    target = out / ("each" if per_file else "all.pdf")
    with pytest.raises(Cancelled):
        write_pdf(demo, targets, OPTS, target, per_file=per_file, workers=workers,
                  progress=progress)  # fmt: skip
    left = [p.relative_to(out) for p in out.rglob("*") if p.is_file()]
    assert left == []


def test_a_failing_worker_leaves_nothing(demo: object, tmp_path: Path) -> None:
    targets = find_targets(demo, "statement", OPTS)
    ghost = Target("statement", "statement-GHOST", "GHOST", 999_999)
    out = tmp_path / "out"
    with pytest.raises(NotFound) as raised:
        write_pdf(demo, [*targets, ghost], OPTS, out / "each", per_file=True, workers=2)
    assert "999999" in str(raised.value)
    assert list((out / "each").iterdir()) == []
    with pytest.raises(NotFound):
        write_pdf(demo, [*targets, ghost], OPTS, out / "all.pdf", workers=2)
    assert sorted(p.name for p in out.iterdir()) == ["each"]
