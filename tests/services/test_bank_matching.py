"""Suggestions on the demo book, accepting them, and auto-accept."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.domain.matching import Reason
from desktop_ar.domain.money import Money
from desktop_ar.services import bank_statements as bank
from desktop_ar.services.bank_auto import choose_automatic
from desktop_ar.services.bank_views import CandidateView
from desktop_ar.services.check import check_book
from desktop_ar.services.payments import PaymentInput, record_payment
from tests.services import bank_files
from tests.services.bank_files import Row, csv_statement, open_invoices, query
from tests.services.helpers import audit_count

demo_template = bank_files.demo_template
demo = bank_files.demo

JUNE = date(2026, 6, 20)


def _import(ctx: Any, tmp_path: Path, rows: list[Row]) -> tuple[int, list[int]]:
    (summary,) = bank.import_bank_file(ctx, csv_statement(tmp_path / "june.csv", rows))
    return summary.id, [ln.id for ln in bank.statement_lines(ctx, summary.id)]


def test_invoice_number_in_memo_ranks_that_invoice_first(demo: Any, tmp_path: Path) -> None:
    invoices = open_invoices(demo)[:6]
    rows = [Row(JUNE, i.open_text, i.customer_name, f"货款 {i.number}") for i in invoices]
    sid, lines = _import(demo, tmp_path, rows)
    suggestions = bank.suggest(demo, sid)
    assert set(suggestions) == set(lines)
    for line_id, inv in zip(lines, invoices, strict=True):
        best = suggestions[line_id][0]
        assert (best.kind, best.target_ids, best.numbers) == ("invoice", (inv.id,), (inv.number,))
        assert best.confidence >= 0.9
        assert best.customer_id == inv.customer_id and best.customer_name == inv.customer_name
        assert best.amount == Money(inv.open_minor, "CNY")
        assert f"invoice {inv.number} in memo" in best.reasons_text_en
        assert "amount equal" in best.reasons_text_en
        assert f"摘要含发票 {inv.number}" in best.reasons_text_zh
        assert Reason("invoice_in_memo", {"number": inv.number}) in best.reasons
        confidences = [c.confidence for c in suggestions[line_id]]
        assert confidences == sorted(confidences, reverse=True)
    # Only the lines asked for, only open ones.
    one = bank.suggest(demo, sid, line_ids=[lines[0]])
    assert list(one) == [lines[0]]
    bank.accept_candidate(demo, lines[0], suggestions[lines[0]][0])
    assert lines[0] not in bank.suggest(demo, sid)
    line = bank.statement_lines(demo, sid)[0]
    (match,) = line.matches
    assert match.kind == "new_payment" and match.confidence == round(
        suggestions[lines[0]][0].confidence * 100
    )
    assert f"invoice {invoices[0].number} in memo" in match.reasons_text
    assert query(demo, "SELECT open_minor FROM invoices WHERE id = :i", i=invoices[0].id) == [(0,)]


def test_recorded_receipt_is_suggested_until_it_explains_a_line(demo: Any, tmp_path: Path) -> None:
    inv = open_invoices(demo)[0]
    receipt, _ = record_payment(
        demo,
        PaymentInput(inv.customer_id, JUNE, Money.of("1234.56", "CNY"), payer_name="老王"),
        allocate="none",
    )
    rows = [Row(JUNE, "1234.56", "老王", "转账"), Row(JUNE, "1234.56", "老王", "转账")]
    sid, lines = _import(demo, tmp_path, rows)
    suggestions = bank.suggest(demo, sid)
    best = suggestions[lines[0]][0]
    assert (best.kind, best.target_ids) == ("payment", (receipt.payment_id,))
    assert "known payer 老王" in best.reasons_text_en and "same date" in best.reasons_text_en
    bank.accept_candidate(demo, lines[0], best)
    later = bank.suggest(demo, sid)
    assert all(c.target_ids != (receipt.payment_id,) for c in later[lines[1]])


def test_sum_of_several_invoices_of_one_customer(demo: Any, tmp_path: Path) -> None:
    by_customer: dict[int, list[Any]] = {}
    for inv in open_invoices(demo):
        by_customer.setdefault(inv.customer_id, []).append(inv)
    a, b = next(v for v in by_customer.values() if len(v) >= 2)[:2]
    total = Money(a.open_minor + b.open_minor, "CNY")
    rows = [Row(JUNE, total.amount_str(), a.customer_name, f"付 {a.number},{b.number}")]
    sid, (line_id,) = _import(demo, tmp_path, rows)
    best = bank.suggest(demo, sid)[line_id][0]
    assert best.kind == "invoices" and set(best.target_ids) == {a.id, b.id}
    assert best.amount == total and best.confidence >= 0.9
    bank.accept_candidate(demo, line_id, best)
    states = query(demo, "SELECT status FROM invoices WHERE id IN (:a, :b)", a=a.id, b=b.id)
    assert states == [("paid",), ("paid",)]
    assert check_book(demo).ok


def test_debit_lines_and_unknown_money_get_no_candidates(demo: Any, tmp_path: Path) -> None:
    rows = [Row(JUNE, "-12.00", "", "手续费"), Row(JUNE, "0.07", "", "利息")]
    sid, lines = _import(demo, tmp_path, rows)
    assert bank.suggest(demo, sid) == {lines[0]: [], lines[1]: []}


def _auto_book(demo: Any, tmp_path: Path) -> tuple[int, list[int], list[Any]]:
    invoices = open_invoices(demo)
    named = invoices[:3]
    # An amount alone (no number, no name) is not clear enough.
    twin = invoices[3]
    rows = [Row(JUNE, i.open_text, i.customer_name, f"货款 {i.number}") for i in named]
    rows.append(
        Row(JUNE, invoices[4].open_text, invoices[4].customer_name, f"{invoices[4].number}")
    )
    rows.append(
        Row(JUNE, invoices[4].open_text, invoices[4].customer_name, f"{invoices[4].number}")
    )
    rows.append(Row(JUNE, twin.open_text, "", "转账"))
    rows.append(Row(JUNE, "-5.00", "", "手续费"))
    sid, lines = _import(demo, tmp_path, rows)
    return sid, lines, invoices


def test_auto_accept_takes_only_clear_and_uncontested_lines(demo: Any, tmp_path: Path) -> None:
    sid, _lines, _invoices = _auto_book(demo, tmp_path)
    accepted = bank.auto_accept(demo, sid, 0.9)
    assert accepted == 3
    statuses = [ln.status for ln in bank.statement_lines(demo, sid)]
    # Lines 4 and 5 claim the same invoice: left to the user; line 6 has no clear best.
    assert statuses == ["matched", "matched", "matched", "open", "open", "open", "open"]
    for ln in bank.statement_lines(demo, sid)[:3]:
        (match,) = ln.matches
        assert match.auto and match.confidence >= 90
    assert audit_count(demo, "bank_match") == 3
    assert bank.auto_accept(demo, sid, 0.9) == 0  # nothing clear is left
    assert check_book(demo).ok


def test_auto_accept_threshold(demo: Any, tmp_path: Path) -> None:
    sid, _lines, _ = _auto_book(demo, tmp_path)
    assert bank.auto_accept(demo, sid, 1.0) == 0
    with pytest.raises(Exception, match="between 0 and 1"):
        bank.auto_accept(demo, sid, 1.5)


def _candidate(kind: str, targets: tuple[int, ...], confidence: float) -> CandidateView:
    return CandidateView(
        kind, targets, tuple(f"N{t}" for t in targets), 1, "C1", "甲", Money(100, "CNY"),
        confidence, (), "", "",
    )  # fmt: skip


def test_choose_automatic_rules() -> None:
    suggestions = {
        1: [_candidate("invoice", (10,), 0.97), _candidate("invoice", (11,), 0.91)],  # ahead
        2: [_candidate("invoice", (12,), 0.97), _candidate("invoice", (13,), 0.95)],  # close
        3: [_candidate("invoice", (14,), 0.85)],  # below the threshold
        4: [_candidate("invoices", (15, 16), 0.96)],  # contested: line 5 wants 16 too
        5: [_candidate("invoice", (16,), 0.93)],
        6: [_candidate("payment", (16,), 0.99)],  # a payment 16 is not invoice 16
        7: [],
    }
    picks = choose_automatic(suggestions, 0.9)
    assert [(line, c.target_ids) for line, c in picks] == [(1, (10,)), (6, (16,))]
    assert bank.AUTO_MARGIN == 0.05
