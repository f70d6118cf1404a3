"""Explaining statement lines: accept, split, receipt or exception, ignore, undo, close."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.domain.errors import PermissionDenied, UserFacingError
from desktop_ar.services import bank_statements as bank
from desktop_ar.services.check import check_book
from desktop_ar.services.payments import reverse_payment
from tests.services.bank_files import Row, csv_statement, query
from tests.services.helpers import (
    audit_count,
    d,
    invoice_state,
    m,
    make_customer,
    make_invoice,
    pay,
    payment_unallocated,
    signature,
)

NAME = "上海明远贸易有限公司"


@pytest.fixture
def book(ctx: Any, tmp_path: Path) -> dict[str, Any]:
    """A customer with three open invoices and a statement: a split payment, one more
    credit, an unknown payer, a bank fee."""
    cid = make_customer(ctx, NAME, code="C001")
    other = make_customer(ctx, "北京华北科技有限公司", code="C002")
    inv1 = make_invoice(ctx, cid, "2026-05-01", "1000.00", number="INV-1")
    inv2 = make_invoice(ctx, cid, "2026-05-10", "500.00", number="INV-2")
    inv3 = make_invoice(ctx, other, "2026-05-12", "800.00", number="INV-3")
    rows = [
        Row(date(2026, 6, 10), "1600.00", NAME, "INV-1 INV-2", "31001234"),
        Row(date(2026, 6, 11), "800.00", "北京华北科技有限公司", "货款"),
        Row(date(2026, 6, 12), "66.00", "不认识的人", "转账"),
        Row(date(2026, 6, 13), "-5.50", "", "手续费"),
    ]
    (summary,) = bank.import_bank_file(ctx, csv_statement(tmp_path / "s.csv", rows))
    lines = [ln.id for ln in bank.statement_lines(ctx, summary.id)]
    return {"cid": cid, "other": other, "inv": (inv1, inv2, inv3), "sid": summary.id,
            "lines": lines}  # fmt: skip


def line(ctx: Any, statement_id: int, index: int) -> Any:
    return bank.statement_lines(ctx, statement_id)[index]


def test_split_line_creates_one_receipt_for_exactly_those_invoices(
    ctx: Any, book: dict[str, Any]
) -> None:
    inv1, inv2, _ = book["inv"]
    changes = bank.accept_invoices(
        ctx,
        book["lines"][0],
        [(inv1, m("1000.00")), (inv2, m("400.00"))],
        customer_id=book["cid"],
        confidence=88,
    )
    assert invoice_state(ctx, inv1) == (0, "paid")
    assert invoice_state(ctx, inv2) == (10000, "partial")
    first = line(ctx, book["sid"], 0)
    assert first.status == "matched"
    (match,) = first.matches
    assert (match.kind, match.customer_code, match.confidence) == ("new_payment", "C001", 88)
    assert match.amount == m("1600.00") and match.payment_number
    pid = match.payment_id
    assert payment_unallocated(ctx, pid) == 20000  # the rest stays as customer credit
    (payment,) = query(
        ctx,
        "SELECT payment_date, amount_minor, payer_name, bank_account, reference, customer_id"
        " FROM payments WHERE id = :p",
        p=pid,
    )
    assert tuple(payment) == (
        "2026-06-10",
        160000,
        NAME,
        "31001234",
        "转账 INV-1 INV-2",
        book["cid"],
    )
    assert changes.payments == {pid} and changes.invoices == {inv1, inv2}
    assert audit_count(ctx, "bank_match") == 1 and audit_count(ctx, "record_payment") == 1
    assert check_book(ctx).ok


def test_a_line_cannot_be_reconciled_twice(ctx: Any, book: dict[str, Any]) -> None:
    inv1, inv2, _ = book["inv"]
    first = book["lines"][0]
    bank.accept_invoices(ctx, first, [(inv1, m("1000.00"))], customer_id=book["cid"])
    receipt = pay(ctx, book["cid"], "2026-06-10", "500.00", allocate="none")
    before = signature(ctx)
    with pytest.raises(UserFacingError, match="already matched") as twice:
        bank.accept_invoices(ctx, first, [(inv2, m("500.00"))], customer_id=book["cid"])
    assert twice.value.code == "bank_line_done"
    for call in (
        lambda: bank.accept_payment(ctx, first, receipt.payment_id),
        lambda: bank.create_unallocated_payment(ctx, first, book["cid"]),
        lambda: bank.create_exception(ctx, first, "who?"),
        lambda: bank.ignore_line(ctx, first, "fee"),
    ):
        with pytest.raises(UserFacingError, match="already matched"):
            call()
    assert len(line(ctx, book["sid"], 0).matches) == 1
    assert signature(ctx) == before


@pytest.mark.parametrize(
    ("allocations", "message"),
    [
        (lambda i: [(i[0], m("1000.00")), (i[1], m("500.00")), (i[0], m("1"))], "listed twice"),
        (lambda i: [(i[0], m("1000.01"))], "Cannot allocate"),
        (lambda i: [(i[2], m("800.00"))], "another customer"),
        (lambda i: [(i[0], m("0"))], "more than zero"),
        (lambda i: [(i[0], m("100.00", "USD"))], "Cannot combine"),
        (lambda i: [], "at least one invoice"),
    ],
)
def test_bad_allocations_are_refused_and_nothing_is_written(
    ctx: Any, book: dict[str, Any], allocations: Callable[[Any], Any], message: str
) -> None:
    before = signature(ctx)
    with pytest.raises(UserFacingError, match=message):
        bank.accept_invoices(
            ctx, book["lines"][0], allocations(book["inv"]), customer_id=book["cid"]
        )
    assert signature(ctx) == before
    assert line(ctx, book["sid"], 0).status == "open"


def test_more_than_the_line_is_refused(ctx: Any, book: dict[str, Any]) -> None:
    _, _, inv3 = book["inv"]
    small = book["lines"][2]  # 66.00
    with pytest.raises(UserFacingError, match=r"Cannot allocate 800\.00 CNY: only 66\.00"):
        bank.accept_invoices(ctx, small, [(inv3, m("800.00"))], customer_id=book["other"])


def test_accept_a_recorded_receipt(ctx: Any, book: dict[str, Any]) -> None:
    receipt = pay(ctx, book["other"], "2026-06-10", "800.00")
    second = book["lines"][1]
    bank.accept_payment(ctx, second, receipt.payment_id, confidence=93)
    (match,) = line(ctx, book["sid"], 1).matches
    assert (match.kind, match.payment_id, match.customer_code) == (
        "payment", receipt.payment_id, "C002"
    )  # fmt: skip
    # One receipt explains one line.
    with pytest.raises(UserFacingError, match="already explains another bank line"):
        bank.accept_payment(ctx, book["lines"][0], receipt.payment_id)


def test_a_receipt_of_another_amount_or_reversed_is_refused(ctx: Any, book: dict[str, Any]) -> None:
    off = pay(ctx, book["other"], "2026-06-10", "790.00")
    with pytest.raises(UserFacingError, match="correct the receipt or create an exception"):
        bank.accept_payment(ctx, book["lines"][1], off.payment_id)
    near = pay(ctx, book["other"], "2026-06-10", "799.50")  # within the 1.00 tolerance
    bank.accept_payment(ctx, book["lines"][1], near.payment_id)
    gone = pay(ctx, book["cid"], "2026-06-10", "1600.00")
    reverse_payment(ctx, gone.payment_id, d("2026-06-30"), "bounced")
    with pytest.raises(UserFacingError, match="already reversed"):
        bank.accept_payment(ctx, book["lines"][0], gone.payment_id)


def test_debit_lines_are_not_receipts_but_can_be_ignored(ctx: Any, book: dict[str, Any]) -> None:
    fee = book["lines"][3]
    with pytest.raises(UserFacingError, match="outgoing money"):
        bank.create_unallocated_payment(ctx, fee, book["cid"])
    with pytest.raises(UserFacingError, match="say why"):
        bank.ignore_line(ctx, fee, "   ")
    bank.ignore_line(ctx, fee, "  bank   fee ")
    assert (line(ctx, book["sid"], 3).status, line(ctx, book["sid"], 3).explanation) == (
        "ignored", "bank fee"
    )  # fmt: skip
    assert audit_count(ctx, "bank_ignore_line") == 1


def test_receipt_on_account_and_exception(ctx: Any, book: dict[str, Any]) -> None:
    bank.create_unallocated_payment(ctx, book["lines"][1], book["other"])
    (match,) = line(ctx, book["sid"], 1).matches
    assert match.kind == "new_payment" and payment_unallocated(ctx, match.payment_id) == 80000
    bank.create_exception(ctx, book["lines"][2], "nobody knows this payer")
    unknown = line(ctx, book["sid"], 2)
    assert unknown.status == "exception"
    (match,) = unknown.matches
    assert match.kind == "exception" and match.exception_id and match.customer_code == ""
    (row,) = query(
        ctx,
        "SELECT e.kind, e.status, e.cause, p.customer_id, p.payer_name FROM payment_exceptions e"
        " JOIN payments p ON p.id = e.payment_id WHERE e.id = :e",
        e=match.exception_id,
    )
    assert row[:2] == ("unidentified", "open") and row[3] is None and row[4] == "不认识的人"
    assert row[2].endswith(": nobody knows this payer")


def test_undo_reverses_the_receipt_it_created_and_keeps_the_record(
    ctx: Any, book: dict[str, Any]
) -> None:
    inv1, inv2, _ = book["inv"]
    first = book["lines"][0]
    bank.accept_invoices(ctx, first, [(inv1, m("1000.00")), (inv2, m("500.00"))],
                         customer_id=book["cid"])  # fmt: skip
    pid = line(ctx, book["sid"], 0).matches[0].payment_id
    changes = bank.undo_match(ctx, first)
    assert pid in changes.payments and {inv1, inv2} <= changes.invoices
    assert invoice_state(ctx, inv1) == (100000, "open") and invoice_state(ctx, inv2)[0] == 50000
    assert query(ctx, "SELECT status FROM payments WHERE id = :p", p=pid) == [("reversed",)]
    again = line(ctx, book["sid"], 0)
    assert again.status == "open" and again.matches == []
    kept = query(ctx, "SELECT undone_at IS NOT NULL, undone_by FROM bank_matches")
    assert kept == [(1, "tester")]
    assert audit_count(ctx, "bank_undo_match") == 1
    # The line can be explained again, and undoing an open line is refused.
    with pytest.raises(UserFacingError, match="nothing to undo"):
        bank.undo_match(ctx, first)
    bank.accept_invoices(ctx, first, [(inv1, m("1000.00"))], customer_id=book["cid"])
    assert check_book(ctx).ok


def test_undo_of_a_recorded_receipt_keeps_it_and_undo_of_an_exception_resolves_it(
    ctx: Any, book: dict[str, Any]
) -> None:
    receipt = pay(ctx, book["other"], "2026-06-10", "800.00")
    bank.accept_payment(ctx, book["lines"][1], receipt.payment_id)
    bank.undo_match(ctx, book["lines"][1])
    posted = query(ctx, "SELECT status FROM payments WHERE id = :p", p=receipt.payment_id)
    assert posted == [("posted",)]
    bank.accept_payment(ctx, book["lines"][1], receipt.payment_id)  # free again
    bank.create_exception(ctx, book["lines"][2], "")
    exception_id = line(ctx, book["sid"], 2).matches[0].exception_id
    bank.undo_match(ctx, book["lines"][2])
    assert query(ctx, "SELECT status FROM payment_exceptions WHERE id = :e", e=exception_id) == [
        ("resolved",)
    ]
    bank.ignore_line(ctx, book["lines"][3], "fee")
    bank.undo_match(ctx, book["lines"][3])
    assert (line(ctx, book["sid"], 3).status, line(ctx, book["sid"], 3).explanation) == (
        "open", ""
    )  # fmt: skip


def _explain_all(ctx: Any, book: dict[str, Any]) -> None:
    inv1, inv2, inv3 = book["inv"]
    lines = book["lines"]
    bank.accept_invoices(ctx, lines[0], [(inv1, m("1000")), (inv2, m("500"))],
                         customer_id=book["cid"])  # fmt: skip
    bank.accept_invoices(ctx, lines[1], [(inv3, m("800"))], customer_id=book["other"])
    bank.create_exception(ctx, lines[2], "unknown payer")


def test_close_needs_every_line_explained_then_the_statement_is_read_only(
    ctx: Any, book: dict[str, Any]
) -> None:
    _explain_all(ctx, book)
    with pytest.raises(UserFacingError, match=r"1 line.s. still open, the first is line 4"):
        bank.close_statement(ctx, book["sid"])
    bank.ignore_line(ctx, book["lines"][3], "bank fee")
    bank.close_statement(ctx, book["sid"])
    summary = bank.get_statement(ctx, book["sid"])
    assert summary.status == "closed" and summary.open_lines == 0
    assert summary.matched_lines == 2
    for call in (
        lambda: bank.undo_match(ctx, book["lines"][0]),
        lambda: bank.ignore_line(ctx, book["lines"][0], "x"),
        lambda: bank.auto_accept(ctx, book["sid"], 0.9),
        lambda: bank.close_statement(ctx, book["sid"]),
    ):
        with pytest.raises(UserFacingError, match="is closed"):
            call()
    bookkeeper = dataclasses.replace(ctx, role="bookkeeper")
    with pytest.raises(PermissionDenied):
        bank.reopen_statement(bookkeeper, book["sid"])
    bank.reopen_statement(ctx, book["sid"])
    assert bank.get_statement(ctx, book["sid"]).status == "open"
    with pytest.raises(UserFacingError, match="open already"):
        bank.reopen_statement(ctx, book["sid"])
    bank.undo_match(bookkeeper, book["lines"][3])
    assert audit_count(ctx, "bank_close_statement") == 1
    assert audit_count(ctx, "bank_reopen_statement") == 1


def test_close_refuses_a_match_whose_receipt_was_reversed_since(
    ctx: Any, book: dict[str, Any]
) -> None:
    _explain_all(ctx, book)
    bank.ignore_line(ctx, book["lines"][3], "bank fee")
    pid = line(ctx, book["sid"], 1).matches[0].payment_id
    reverse_payment(ctx, pid, d("2026-06-30"), "entered twice")
    with pytest.raises(UserFacingError, match=r"line 2: its receipt .* was reversed since"):
        bank.close_statement(ctx, book["sid"])
    bank.undo_match(ctx, book["lines"][1])  # the receipt is reversed already: nothing to reverse
    bank.create_unallocated_payment(ctx, book["lines"][1], book["other"])
    bank.close_statement(ctx, book["sid"])


def test_read_only_role_changes_nothing(ctx: Any, book: dict[str, Any]) -> None:
    inv1, _, _ = book["inv"]
    viewer = dataclasses.replace(ctx, role="read_only")
    lines = book["lines"]
    before = signature(ctx), query(ctx, "SELECT status, explanation FROM bank_lines")
    calls = [
        lambda: bank.accept_invoices(viewer, lines[0], [(inv1, m("1"))], customer_id=book["cid"]),
        lambda: bank.accept_payment(viewer, lines[0], 1),
        lambda: bank.create_unallocated_payment(viewer, lines[0], book["cid"]),
        lambda: bank.create_exception(viewer, lines[2], "x"),
        lambda: bank.ignore_line(viewer, lines[3], "fee"),
        lambda: bank.undo_match(viewer, lines[3]),
        lambda: bank.auto_accept(viewer, book["sid"], 0.9),
        lambda: bank.close_statement(viewer, book["sid"]),
        lambda: bank.reopen_statement(viewer, book["sid"]),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert (signature(ctx), query(ctx, "SELECT status, explanation FROM bank_lines")) == before
    assert audit_count(ctx, "permission_denied") == len(calls)
    assert audit_count(ctx, "bank_match") == 0


def test_discount_and_small_difference_are_settled_when_accepting_a_suggestion(
    ctx: Any, tmp_path: Path
) -> None:
    cid = make_customer(ctx, NAME, code="C001")
    discounted = make_invoice(ctx, cid, "2026-06-25", "1000.00", number="INV-7",
                              terms="NET30 2%10D")  # fmt: skip
    short = make_invoice(ctx, cid, "2026-05-01", "333.00", number="INV-8")
    rows = [
        Row(date(2026, 6, 28), "980.00", NAME, "INV-7"),  # 2 % taken within 10 days
        Row(date(2026, 6, 28), "332.40", NAME, "INV-8"),  # 0.60 short: within 1.00
    ]
    (summary,) = bank.import_bank_file(ctx, csv_statement(tmp_path / "s.csv", rows))
    suggestions = bank.suggest(ctx, summary.id)
    for line_id, candidates in suggestions.items():
        bank.accept_candidate(ctx, line_id, candidates[0])
    assert invoice_state(ctx, discounted) == (0, "paid")
    assert invoice_state(ctx, short) == (0, "paid")
    kinds = query(ctx, "SELECT kind, amount_minor, payment_id IS NOT NULL FROM write_offs")
    assert sorted(kinds) == [("discount", 2000, 1), ("small_difference", 60, 1)]
    # Settled: no short payment (INV-8 was paid late, which is an exception of its own).
    assert query(ctx, "SELECT kind FROM payment_exceptions") == [("late_payment",)]
    # Undoing the match reverses the receipt and the write-offs posted with it.
    bank.undo_match(ctx, next(iter(suggestions)))
    assert invoice_state(ctx, discounted) == (100000, "open")
    assert check_book(ctx).ok


def test_accept_invoices_without_settle_leaves_the_difference_open(
    ctx: Any, tmp_path: Path
) -> None:
    cid = make_customer(ctx, NAME, code="C001")
    short = make_invoice(ctx, cid, "2026-05-01", "333.00", number="INV-8")
    rows = [Row(date(2026, 6, 28), "332.40", NAME, "INV-8")]
    (summary,) = bank.import_bank_file(ctx, csv_statement(tmp_path / "s.csv", rows))
    (line_id,) = [ln.id for ln in bank.statement_lines(ctx, summary.id)]
    bank.accept_invoices(ctx, line_id, [(short, m("332.40"))], customer_id=cid)
    assert invoice_state(ctx, short) == (60, "partial")
