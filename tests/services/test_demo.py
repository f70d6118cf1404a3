"""The demo book: deterministic, believable, consistent, and all-or-nothing."""

from __future__ import annotations

import hashlib
import random
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_ar.domain.errors import Cancelled, PermissionDenied, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import COMMON_TERMS, build_schedule, parse_terms
from desktop_ar.services.book import open_book
from desktop_ar.services.check import check_book
from desktop_ar.services.context import FixedClock, ServiceContext
from desktop_ar.services.demo import DemoSummary, seed_demo
from desktop_ar.services.demo.render import Calendar
from desktop_ar.services.demo.schedules import TermsCache
from desktop_ar.services.progress import CallbackProgress

AS_OF = date(2026, 6, 30)
SMALL = {"customers": 60, "invoices": 1500, "as_of": AS_OF}
TABLES = (
    "customers", "contacts", "orders", "order_lines", "invoices", "invoice_schedule_lines",
    "credit_notes", "payments", "write_offs", "allocations", "refunds",
)  # fmt: skip


def _one(ctx: ServiceContext, sql: str) -> object:
    with ctx.engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def _rows(ctx: ServiceContext, sql: str) -> list[tuple[object, ...]]:
    with ctx.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def _digest(ctx: ServiceContext, table: str) -> str:
    h = hashlib.sha256()
    for row in _rows(ctx, f"SELECT * FROM {table} ORDER BY id"):
        h.update(repr(row).encode())
    return h.hexdigest()


@pytest.fixture
def book(ctx: ServiceContext) -> tuple[ServiceContext, DemoSummary]:
    """A small demo book."""
    return ctx, seed_demo(ctx, **SMALL)  # type: ignore[arg-type]


def test_summary_counts_match_the_tables(book: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, summary = book
    assert summary.customers == 60
    assert summary.invoices == 1500
    assert summary.seconds >= 0
    for table, field in (
        ("customers", "customers"), ("contacts", "contacts"), ("orders", "orders"),
        ("order_lines", "order_lines"), ("invoices", "invoices"),
        ("invoice_schedule_lines", "schedule_lines"), ("credit_notes", "credit_notes"),
        ("payments", "payments"), ("write_offs", "write_offs"), ("allocations", "allocations"),
        ("refunds", "refunds"),
    ):  # fmt: skip
        assert _one(ctx, f"SELECT count(*) FROM {table}") == getattr(summary, field)
    assert summary.orders > summary.invoices  # some orders are not invoiced
    assert summary.order_lines > summary.orders
    assert summary.schedule_lines > summary.invoices  # split terms and instalments


def test_same_seed_gives_the_same_book(template_db: Path, tmp_path: Path) -> None:
    digests = []
    for name, seed in (("a.db", 7), ("b.db", 7), ("c.db", 8)):
        path = tmp_path / name
        shutil.copyfile(template_db, path)
        ctx = open_book(path, user="tester", clock=FixedClock(AS_OF))
        try:
            seed_demo(ctx, customers=30, invoices=600, seed=seed, as_of=AS_OF)
            digests.append({t: _digest(ctx, t) for t in TABLES})
        finally:
            ctx.engine.dispose()
    assert digests[0] == digests[1]
    assert digests[0]["customers"] != digests[2]["customers"]
    assert digests[0]["invoices"] != digests[2]["invoices"]


def test_every_habit_shows_up(book: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, _ = book
    overdue = "SELECT count(*) FROM invoices WHERE open_minor > 0 AND due_date < '2026-06-30'"
    assert _one(ctx, overdue) > 20  # type: ignore[operator]
    assert _one(ctx, "SELECT count(*) FROM invoices WHERE status = 'partial'") > 0  # type: ignore[operator]
    assert _one(ctx, "SELECT count(*) FROM invoices WHERE disputed AND overdue_reason <> ''") >= 3  # type: ignore[operator]
    unidentified = (
        "SELECT count(*) FROM payments WHERE customer_id IS NULL AND payer_name <> ''"
        " AND unallocated_minor = amount_minor AND status = 'posted'"
    )
    assert _one(ctx, unidentified) >= 3  # type: ignore[operator]
    credit = (
        "SELECT count(*) FROM payments WHERE customer_id IS NOT NULL AND status = 'posted'"
        " AND unallocated_minor > 0"
    )
    assert _one(ctx, credit) >= 1  # type: ignore[operator]
    assert _one(ctx, "SELECT count(*) FROM refunds") == 1
    kinds = dict(_rows(ctx, "SELECT kind, count(*) FROM write_offs GROUP BY kind"))
    assert kinds["bad_debt"] == 1
    assert kinds["small_difference"] >= 3
    assert kinds["discount"] >= 1
    bad = _rows(
        ctx,
        "SELECT i.status, i.open_minor, w.amount_minor, (SELECT sum(amount_minor) FROM"
        " allocations a WHERE a.write_off_id = w.id) FROM write_offs w JOIN invoices i"
        " ON i.id = w.invoice_id WHERE w.kind = 'bad_debt'",
    )
    assert bad[0][0] == "written_off"
    assert bad[0][1] == 0
    assert bad[0][2] == bad[0][3]
    reversed_payments = _rows(
        ctx,
        "SELECT p.id, p.reversed_on, p.unallocated_minor, p.amount_minor,"
        " (SELECT count(*) FROM allocations a WHERE a.payment_id = p.id),"
        " (SELECT count(*) FROM allocations a WHERE a.payment_id = p.id"
        "  AND a.reversed_on IS NULL) FROM payments p WHERE p.status = 'reversed'",
    )
    assert len(reversed_payments) == 1
    _pid, reversed_on, unallocated, amount, allocations, live = reversed_payments[0]
    assert reversed_on is not None
    assert unallocated == amount
    assert allocations > 0
    assert live == 0
    notes = dict(_rows(ctx, "SELECT invoice_id IS NULL, count(*) FROM credit_notes GROUP BY 1"))
    assert notes[0] >= 2  # against invoices
    assert notes[1] == 1  # standalone: customer credit
    assert _one(ctx, "SELECT count(*) FROM customers WHERE credit_hold") >= 1  # type: ignore[operator]
    assert _one(ctx, "SELECT count(*) FROM customers WHERE currency = 'USD'") >= 1  # type: ignore[operator]
    assert _one(ctx, "SELECT count(*) FROM customers WHERE language = 'en'") >= 1  # type: ignore[operator]
    terms = {r[0] for r in _rows(ctx, "SELECT DISTINCT payment_terms FROM invoices")}
    assert {"NET30", "EOM30", "30%NET30+50%NET60+20%NET90", "NET30 2%10D"} <= terms


def test_nothing_is_dated_after_as_of(book: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, _ = book
    for table, column in (
        ("orders", "order_date"), ("orders", "shipped_date"), ("invoices", "issue_date"),
        ("invoices", "fapiao_date"), ("payments", "payment_date"), ("payments", "reversed_on"),
        ("allocations", "allocation_date"), ("allocations", "reversed_on"),
        ("write_offs", "write_off_date"), ("credit_notes", "issue_date"),
        ("refunds", "refund_date"), ("customers", "date(created_at)"),
        ("invoices", "date(created_at)"), ("payments", "date(created_at)"),
    ):  # fmt: skip
        latest = _one(ctx, f"SELECT max({column}) FROM {table}")
        assert latest is None or str(latest) <= "2026-06-30", (table, column)
    assert _one(ctx, "SELECT count(*) FROM invoices WHERE due_date < issue_date") == 0
    early = (
        "SELECT count(*) FROM invoice_schedule_lines l JOIN invoices i ON i.id = l.invoice_id"
        " WHERE l.due_date < i.issue_date OR l.due_date > i.due_date"
    )
    assert _one(ctx, early) == 0
    mismatched = (
        "SELECT count(*) FROM allocations a JOIN payments p ON p.id = a.payment_id"
        " WHERE a.allocation_date <> p.payment_date"
    )
    assert _one(ctx, mismatched) == 0
    assert _one(ctx, "SELECT min(amount_minor) FROM invoices") > 0  # type: ignore[operator]


def test_exceptions_queue_is_filled(book: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, _ = book
    counts = dict(_rows(ctx, "SELECT kind, count(*) FROM payment_exceptions GROUP BY kind"))
    unidentified = _one(ctx, "SELECT count(*) FROM payments WHERE customer_id IS NULL")
    assert counts["unidentified"] == unidentified
    assert counts["late_payment"] > 0 and counts["overpayment"] > 0
    credit = (
        "SELECT count(*) FROM payments WHERE customer_id IS NOT NULL AND status = 'posted'"
        " AND unallocated_minor > 0"
    )
    refunded = "SELECT count(DISTINCT payment_id) FROM refunds WHERE payment_id IS NOT NULL"
    assert counts["overpayment"] == _one(ctx, credit) + _one(ctx, refunded)  # type: ignore[operator]
    # Late payments only from the last 90 days; each late one really was late.
    late = (
        "SELECT e.cause, p.payment_date, min(l.due_date) FROM payment_exceptions e"
        " JOIN payments p ON p.id = e.payment_id JOIN allocations a ON a.payment_id = p.id"
        " AND a.invoice_id = e.invoice_id JOIN invoice_schedule_lines l"
        " ON l.id = a.schedule_line_id WHERE e.kind = 'late_payment' GROUP BY e.id"
    )
    for cause, paid, due in _rows(ctx, late):
        assert str(due) < str(paid) and str(paid) >= "2026-04-01"
        assert str(cause).startswith("Paid ") and f"due date {due} on INV-" in str(cause)
    statuses = dict(_rows(ctx, "SELECT status, count(*) FROM payment_exceptions GROUP BY 1"))
    assert statuses["open"] > statuses.get("resolved", 0) > 0
    unresolved_with_text = (
        "SELECT count(*) FROM payment_exceptions WHERE (status = 'resolved')"
        " <> (resolution <> '' AND resolved_on IS NOT NULL)"
    )
    assert _one(ctx, unresolved_with_text) == 0
    assert _one(ctx, "SELECT max(detected_on) FROM payment_exceptions") <= "2026-06-30"
    owners = "SELECT count(*) FROM payment_exceptions WHERE customer_id IS NOT NULL AND owner = ''"
    assert _one(ctx, owners) == 0
    notes = (
        "SELECT count(*) FROM exception_notes n JOIN payment_exceptions e ON e.id = n.exception_id"
    )
    assert _one(ctx, notes) > 0


def test_maintained_balances_agree_with_allocations(
    book: tuple[ServiceContext, DemoSummary],
) -> None:
    ctx, _ = book
    live = (
        "COALESCE((SELECT sum(a.amount_minor) FROM allocations a WHERE a.{col} = {t}.id"
        " AND a.reversed_on IS NULL), 0)"
    )
    lines = live.format(col="schedule_line_id", t="l")
    bad_lines = (
        f"SELECT count(*) FROM invoice_schedule_lines l WHERE open_minor <> amount_minor - {lines}"
    )
    assert _one(ctx, bad_lines) == 0
    sums = "(SELECT sum({c}) FROM invoice_schedule_lines l WHERE l.invoice_id = i.id)"
    opened, amounts = sums.format(c="open_minor"), sums.format(c="amount_minor")
    bad_invoices = (
        f"SELECT count(*) FROM invoices i WHERE open_minor <> {opened} OR amount_minor <> {amounts}"
    )
    assert _one(ctx, bad_invoices) == 0
    refunds = "COALESCE((SELECT sum(r.amount_minor) FROM refunds r WHERE r.payment_id = p.id), 0)"
    paid = live.format(col="payment_id", t="p")
    left = f"amount_minor - {paid} - {refunds}"
    bad_payments = f"SELECT count(*) FROM payments p WHERE unallocated_minor <> {left}"
    assert _one(ctx, bad_payments) == 0
    credited = live.format(col="credit_note_id", t="c")
    bad_notes = (
        f"SELECT count(*) FROM credit_notes c WHERE unallocated_minor <> amount_minor - {credited}"
    )
    assert _one(ctx, bad_notes) == 0
    written = "(SELECT sum(a.amount_minor) FROM allocations a WHERE a.write_off_id = w.id)"
    assert _one(ctx, f"SELECT count(*) FROM write_offs w WHERE amount_minor <> {written}") == 0
    statuses = (
        "SELECT count(*) FROM invoices WHERE NOT ((status IN ('paid', 'written_off')"
        " AND open_minor = 0) OR (status = 'open' AND open_minor = amount_minor)"
        " OR (status = 'partial' AND open_minor > 0 AND open_minor < amount_minor))"
    )
    assert _one(ctx, statuses) == 0
    report = check_book(ctx)
    assert report.ok, report.problems


def test_numbers_follow_dates_and_sequences_move_on(
    book: tuple[ServiceContext, DemoSummary],
) -> None:
    ctx, summary = book
    for table, column in (("invoices", "issue_date"), ("payments", "payment_date"),
                          ("orders", "order_date"), ("credit_notes", "issue_date")):  # fmt: skip
        dates = [r[0] for r in _rows(ctx, f"SELECT {column} FROM {table} ORDER BY number")]
        assert dates == sorted(dates), table
    seqs = dict(_rows(ctx, "SELECT name, next_value FROM number_sequences"))
    assert seqs["invoice"] == summary.invoices + 1
    assert seqs["order"] == summary.orders + 1
    assert seqs["payment"] == summary.payments + 1
    assert seqs["credit_note"] == summary.credit_notes + 1
    assert seqs["customer"] == summary.customers + 1
    assert _one(ctx, "SELECT max(number) FROM invoices") == f"INV-{summary.invoices:06d}"
    assert _one(ctx, "SELECT max(code) FROM customers") == "C00060"
    assert _one(ctx, "SELECT name FROM company_settings") == "杭州云帆供应链有限公司"
    audit = _rows(ctx, "SELECT actor, entity FROM audit_log WHERE action = 'seed_demo'")
    assert audit == [("tester", "database")]


def test_customers_look_real(book: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, _ = book
    rows = _rows(
        ctx,
        "SELECT name, pinyin_initials, language, tax_id, customer_type, value_tier,"
        " (SELECT count(*) FROM contacts k WHERE k.customer_id = c.id) FROM customers c",
    )
    assert len({r[0] for r in rows}) == len(rows)  # unique names
    for name, initials, language, tax_id, kind, tier, contacts in rows:
        assert initials and initials == initials.lower()
        assert tier in ("A", "B", "C")
        assert 1 <= contacts <= 3
        if language == "zh" and kind != "individual":
            assert len(tax_id) == 18, name
    assert {r[4] for r in rows} == {"key_account", "sme", "individual"}


def test_refuses_a_book_that_has_customers(book: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, _ = book
    with pytest.raises(UserFacingError) as err:
        seed_demo(ctx, customers=5, invoices=10, as_of=AS_OF)
    assert err.value.params["field"] == "database"


def test_needs_the_seed_demo_permission(ctx: ServiceContext) -> None:
    from dataclasses import replace

    with pytest.raises(PermissionDenied):
        seed_demo(replace(ctx, role="bookkeeper"), **SMALL)  # type: ignore[arg-type]
    assert _one(ctx, "SELECT count(*) FROM customers") == 0


def test_cancel_leaves_the_book_empty(ctx: ServiceContext) -> None:
    indexes = _one(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'index'")
    seen = []

    def on_progress(done: int, total: int, _text: str) -> None:
        seen.append(done)
        if done > 0:
            progress.cancel()

    progress = CallbackProgress(on_progress)
    with pytest.raises(Cancelled):
        seed_demo(ctx, customers=60, invoices=6000, as_of=AS_OF, progress=progress)
    assert any(done > 0 for done in seen)
    for table in (*TABLES, "audit_log"):
        assert _one(ctx, f"SELECT count(*) FROM {table}") == 0, table
    assert _one(ctx, "SELECT sum(next_value) FROM number_sequences") == 5
    assert _one(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'index'") == indexes
    assert seed_demo(ctx, **SMALL).invoices == 1500  # type: ignore[arg-type]


@pytest.mark.parametrize("spec", [*COMMON_TERMS, "EOM60", "NET45", "40%EOM30+60%NET90 3%15D/NET"])
def test_fast_schedules_equal_build_schedule(spec: str) -> None:
    cal = Calendar(date(2024, 1, 1), 1500, text=False)
    cache = TermsCache(cal)
    rng = random.Random(spec)
    terms = parse_terms(spec)
    for _ in range(300):
        issue = rng.randrange(1000)
        amount = rng.choice((rng.randint(1, 999), rng.randint(1, 10**9)))
        tax = amount * rng.randint(0, 13) // 113
        expected = [
            (
                cal.day_of(ln.due_date),
                ln.amount.minor,
                -1 if ln.discount_until is None else cal.day_of(ln.discount_until),
                ln.discount.minor,
            )
            for ln in build_schedule(
                terms, cal.dates[issue], Money(amount, "CNY"), Money(tax, "CNY")
            )
        ]
        assert cache.schedule(spec, issue, amount, tax, "CNY") == expected
