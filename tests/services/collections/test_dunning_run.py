"""The dunning run: progression, interval, holds, issuing (records + PDF + .eml), resolution."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from datetime import date
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_ar.db.models import Contact
from desktop_ar.domain.errors import PermissionDenied, UserFacingError
from desktop_ar.services import dunning_run
from desktop_ar.services.activity import open_dispute
from desktop_ar.services.dunning_notices import cancel_notice, list_notices, refresh_notices
from desktop_ar.services.dunning_run import issue_run, propose_run
from desktop_ar.services.payments import reverse_payment
from desktop_ar.services.settings import update_settings
from desktop_ar.services.uow import reader, uow
from tests.services.helpers import audit_count, d, m, make_customer, make_invoice, pay, scalar

JUNE = date(2026, 6, 30)


def levels_of(proposals: list) -> dict[str, int]:
    return {p.customer_code: p.level for p in proposals}


def all_rows(ctx: object, statement: str) -> list[tuple]:
    with reader(ctx) as s:
        return [tuple(r) for r in s.execute(text(statement))]


def sql(ctx: object, statement: str, **params: object) -> None:
    with uow(ctx) as s:
        s.execute(text(statement), params)


@pytest.fixture
def book(ctx: object) -> dict[str, int]:
    """C1 (zh): one invoice 150 days overdue and one in USD; C2 (en): 5 days overdue."""
    update_settings(ctx, email="ar@mingyuan.example")
    a = make_customer(ctx, "明远贸易有限公司", code="C1", language="zh", email="boss@c1.example")
    make_invoice(ctx, a, "2026-01-01", "1000.00", number="INV-1")  # due 01-31: 150 days
    make_invoice(ctx, a, "2026-04-10", "250.00", number="INV-2", currency="USD")  # 51 days
    with uow(ctx) as s:
        s.add(Contact(customer_id=a, name="王经理", email="wang@c1.example", is_primary=True))
    b = make_customer(ctx, "Beta Ltd", code="C2", language="en")
    make_invoice(ctx, b, "2026-05-26", "80.00", number="INV-8")  # due 06-25: 5 days
    return {"A": a, "B": b}


def test_progression_one_level_per_notice(ctx: object, book: dict[str, int], tmp_path: Path):
    assert levels_of(propose_run(ctx, JUNE)) == {"C1": 1, "C2": 1}
    issue_run(ctx, JUNE, [book["A"]], tmp_path)
    seen = []
    for day in ("2026-07-14", "2026-07-28", "2026-08-11", "2026-08-25"):
        (p,) = [p for p in propose_run(ctx, d(day)) if p.customer_code == "C1"]
        seen.append(p.level)
        issue_run(ctx, d(day), [p], tmp_path)
    assert seen == [2, 3, 4, 5]
    levels = scalar(
        ctx, "SELECT group_concat(level) FROM dunning_notices WHERE customer_id=:c", c=book["A"]
    )
    assert levels == "1,2,3,4,5"
    # the item's level is recorded per notice; the letter charges its level's rate
    rows = all_rows(
        ctx, "SELECT level, days_overdue FROM dunning_notice_items WHERE currency='CNY' ORDER BY id"
    )
    assert rows == [(1, 150), (2, 164), (3, 178), (4, 192), (5, 206)]


def test_cancelled_notice_does_not_count(ctx: object, book: dict[str, int], tmp_path: Path):
    (first,) = issue_run(ctx, JUNE, [book["A"]], tmp_path)
    cancel_notice(ctx, first.notice_id, "sent to the wrong address")
    again = {p.customer_code: p for p in propose_run(ctx, JUNE)}
    assert again["C1"].level == 1  # neither interval nor progression counts the cancelled one
    assert list_notices(ctx, status="cancelled")[0].id == first.notice_id
    with pytest.raises(UserFacingError):
        cancel_notice(ctx, first.notice_id, "again")
    with pytest.raises(UserFacingError):
        cancel_notice(ctx, first.notice_id, " ")
    assert audit_count(ctx, "cancel_dunning") == 1


def test_interval_respected_unless_forced(ctx: object, book: dict[str, int], tmp_path: Path):
    issue_run(ctx, JUNE, [book["A"], book["B"]], tmp_path)
    assert propose_run(ctx, d("2026-07-13")) == []  # 13 days < 14
    forced = propose_run(ctx, d("2026-07-13"), level=2)
    assert levels_of(forced) == {"C1": 2, "C2": 2}  # C2: 18 days overdue, level 2
    assert levels_of(propose_run(ctx, d("2026-07-14"))) == {"C1": 2, "C2": 2}
    assert propose_run(ctx, d("2026-07-13"), level=3) == []  # C1 is capped at 2
    sql(ctx, "UPDATE company_settings SET dunning_interval_days = 30")
    assert propose_run(ctx, d("2026-07-29")) == []
    assert levels_of(propose_run(ctx, d("2026-07-30"))) == {"C1": 2, "C2": 2}


def test_legal_stage_and_disputes_are_on_hold(ctx: object, book: dict[str, int]) -> None:
    c = make_customer(ctx, "Hold Co", code="C3", language="en")
    legal = make_invoice(ctx, c, "2026-01-01", "10.00", number="INV-L")
    flagged = make_invoice(ctx, c, "2026-01-01", "20.00", number="INV-F")
    disputed = make_invoice(ctx, c, "2026-01-01", "30.00", number="INV-D")
    sql(ctx, "UPDATE invoices SET legal_stage = 1 WHERE id = :i", i=legal)
    sql(ctx, "UPDATE invoices SET disputed = 1 WHERE id = :i", i=flagged)
    open_dispute(ctx, c, disputed, "quality")
    sql(ctx, "UPDATE invoices SET disputed = 0 WHERE id = :i", i=disputed)  # the dispute alone
    assert "C3" not in levels_of(propose_run(ctx, JUNE))
    make_invoice(ctx, c, "2026-05-01", "40.00", number="INV-OK")
    (p,) = [p for p in propose_run(ctx, JUNE) if p.customer_code == "C3"]
    assert [i.invoice_number for s in p.letter.sections for i in s.items] == ["INV-OK"]


def test_proposal_figures_per_currency(ctx: object, book: dict[str, int]) -> None:
    sql(ctx, "UPDATE dunning_levels SET interest_rate = '0.10', fee = '5.00' WHERE level = 1")
    (p,) = [p for p in propose_run(ctx, JUNE) if p.customer_code == "C1"]
    assert (p.level, str(p.interest_rate), p.email_to) == (1, "0.10", "wang@c1.example")
    cny, usd = p.letter.sections
    (item,) = cny.items
    assert (item.outstanding, item.days_overdue, item.interest) == (m("1000.00"), 150, m("41.10"))
    assert (cny.fee, cny.total_due) == (m("5.00"), m("1046.10"))
    assert (usd.fee, usd.items[0].interest) == (m("5.00", "USD"), m("3.49", "USD"))


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext")


@needs_pdftotext
def test_issue_records_notice_and_writes_pdf_and_eml(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    (p,) = [p for p in propose_run(ctx, JUNE) if p.customer_code == "C1"]
    (notice,) = issue_run(ctx, JUNE, [p], tmp_path / "out")
    assert notice.pdf.name == "C1-L1-2026-06-30.pdf" and notice.eml.name == "C1-L1-2026-06-30.eml"
    assert sorted(f.name for f in (tmp_path / "out").iterdir()) == [
        notice.eml.name,
        notice.pdf.name,
    ]
    (row,) = all_rows(ctx, "SELECT level, lang, status, totals_json, pdf_file FROM dunning_notices")
    assert row[:3] == (1, "zh", "issued") and row[4] == str(notice.pdf)
    assert json.loads(row[3])["CNY"] == {
        "overdue": 100000,
        "interest": 0,
        "fee": 0,
        "total": 100000,
    }
    assert scalar(ctx, "SELECT count(*) FROM dunning_notice_items") == 2
    assert audit_count(ctx, "issue_dunning") == 1
    pdf_text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(notice.pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "INV-1" in pdf_text and "明远贸易有限公司" in "".join(pdf_text.split())
    msg = BytesParser(policy=policy.default).parsebytes(notice.eml.read_bytes())
    assert msg["To"] == "wang@c1.example" and msg["From"] == "ar@mingyuan.example"
    assert msg["Subject"] == notice.proposal.email.subject
    assert any("\u4e00" <= ch <= "\u9fff" for ch in msg["Subject"])  # Chinese subject
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "INV-1" in body and "逾期" in body and "{items}" not in body
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == notice.pdf.name
    assert attachment.get_content() == notice.pdf.read_bytes()


def test_issue_without_email_address_leaves_to_blank(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    (notice,) = issue_run(ctx, JUNE, [book["B"]], tmp_path)
    assert notice.note and notice.proposal.email_to == ""
    msg = BytesParser(policy=policy.default).parsebytes(notice.eml.read_bytes())
    assert (msg["To"] or "") == "" and "INV-8" in msg.get_body().get_content()


def test_failure_leaves_nothing(
    ctx: object, book: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = dunning_run.email_draft
    calls = []

    def failing(*args: object, **kw: object) -> bytes:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real(*args, **kw)

    monkeypatch.setattr(dunning_run, "email_draft", failing)
    audits = audit_count(ctx)
    with pytest.raises(RuntimeError):
        issue_run(ctx, JUNE, [book["A"], book["B"]], tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    assert scalar(ctx, "SELECT count(*) FROM dunning_notices") == 0
    assert scalar(ctx, "SELECT count(*) FROM dunning_notice_items") == 0
    assert audit_count(ctx) == audits


def test_paying_resolves_and_reversing_reopens(
    ctx: object, book: dict[str, int], tmp_path: Path
) -> None:
    (notice,) = issue_run(ctx, JUNE, [book["B"]], tmp_path)
    assert not refresh_notices(ctx, JUNE)
    payment = pay(ctx, book["B"], "2026-07-02", "80.00")
    changes = refresh_notices(ctx, d("2026-07-02"))
    assert changes.customers == {book["B"]}
    (n,) = list_notices(ctx, customer_id=book["B"])
    assert (n.status, n.resolved_on, n.totals["CNY"]["total"]) == (
        "resolved",
        d("2026-07-02"),
        m("80.00"),
    )
    reverse_payment(ctx, payment.payment_id, d("2026-07-03"), "bounced")
    refresh_notices(ctx, d("2026-07-03"))
    (n,) = list_notices(ctx, customer_id=book["B"])
    assert (n.status, n.resolved_on) == ("issued", None)
    assert audit_count(ctx, "resolve_dunning") == audit_count(ctx, "reopen_dunning") == 1
    assert notice.notice_id == n.id


def test_permission_refused(ctx: object, book: dict[str, int], tmp_path: Path) -> None:
    viewer = dataclasses.replace(ctx, role="read_only")
    assert propose_run(viewer, JUNE)  # anyone may look
    with pytest.raises(PermissionDenied):
        issue_run(viewer, JUNE, [book["A"]], tmp_path / "out")
    with pytest.raises(PermissionDenied):
        refresh_notices(viewer, JUNE)
    assert not (tmp_path / "out").exists()
    assert scalar(ctx, "SELECT count(*) FROM dunning_notices") == 0
    collector = dataclasses.replace(ctx, role="collector")
    (notice,) = issue_run(collector, JUNE, [book["A"]], tmp_path)
    with pytest.raises(PermissionDenied):
        cancel_notice(viewer, notice.notice_id, "no")
