from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from desktop_ar.domain.errors import Cancelled, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services.book import open_book
from desktop_ar.services.check import MAX_PROBLEMS, check_book
from desktop_ar.services.context import FixedClock
from desktop_ar.services.customers import customer_detail
from desktop_ar.services.invoicing import create_credit_note, void_invoice
from desktop_ar.services.payments import (
    allocate_payment,
    refund,
    reverse_payment,
    unallocate,
    write_off_difference,
)
from desktop_ar.services.progress import CallbackProgress
from desktop_ar.services.reports import aging
from tests.conftest import AS_OF
from tests.services.helpers import (
    CCY,
    d,
    m,
    make_customer,
    make_invoice,
    pay,
)


def _scenario(ctx) -> dict[str, int]:
    cid = make_customer(ctx)
    a = make_invoice(ctx, cid, "2026-01-01", "1000.00")
    b = make_invoice(ctx, cid, "2026-02-01", "2000.00", terms="50%NET30+50%NET60")
    c = make_invoice(ctx, cid, "2026-03-01", "300.00")
    p1 = pay(ctx, cid, "2026-03-05", "1500.00").payment_id
    p2 = pay(ctx, cid, "2026-03-06", "400.00", allocate="none").payment_id
    reverse_payment(ctx, p1, d("2026-03-20"), "bounced")
    note, _ = create_credit_note(ctx, cid, m("100.00"), d("2026-03-07"), "rebate", invoice_id=c)
    pay(ctx, cid, "2026-03-21", "1000.00")
    refund(ctx, cid, m("50.00"), d("2026-03-22"), payment_id=p2)
    return {"cust": cid, "a": a, "b": b, "c": c, "p1": p1, "p2": p2, "note": note}


def _tamper(ctx, sql: str) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(text(sql))


def test_clean_book(ctx) -> None:
    _scenario(ctx)
    report = check_book(ctx)
    assert report.ok, report.problems
    assert report.problems == []


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE invoices SET open_minor = open_minor + 2000 WHERE number = 'INV-000001'",
            "invoice INV-000001: open 20.00 but allocations leave 0.00",
        ),
        (
            "UPDATE invoice_schedule_lines SET open_minor = 1 WHERE id = 1",
            "invoice INV-000001 line 1: open 0.01 but allocations leave 0.00",
        ),
        (
            "UPDATE payments SET unallocated_minor = 0 WHERE number = 'RC-000002'",
            "payment RC-000002: unallocated 0.00 but allocations and refunds leave 350.00",
        ),
        (
            "UPDATE payments SET unallocated_minor = 0 WHERE number = 'RC-000001'",
            "payment RC-000001 (reversed): unallocated 0.00 of 1500.00",
        ),
        (
            "UPDATE credit_notes SET unallocated_minor = 5 WHERE number = 'CN-000001'",
            "credit note CN-000001: unallocated 0.05",
        ),
        (
            "UPDATE invoices SET status = 'open' WHERE number = 'INV-000001'",
            "invoice INV-000001: status open does not fit open 0.00 of 1000.00",
        ),
        (
            "UPDATE allocations SET reversed_on = '2026-04-01' WHERE id = ("
            "SELECT MAX(id) FROM allocations WHERE payment_id IS NOT NULL)",
            "but allocations leave",
        ),
    ],
)
def test_tampered_balance_is_reported(ctx, sql, expected) -> None:
    _scenario(ctx)
    _tamper(ctx, sql)
    report = check_book(ctx)
    assert not report.ok
    assert any(expected in p for p in report.problems), report.problems


def test_problems_are_capped(ctx) -> None:
    cid = make_customer(ctx)
    for n in range(MAX_PROBLEMS + 20):
        make_invoice(ctx, cid, "2026-01-01", "1.00", number=f"T-{n:04d}")
    _tamper(ctx, "UPDATE invoices SET open_minor = 50")
    report = check_book(ctx)
    assert len(report.problems) == MAX_PROBLEMS + 1
    # Each invoice breaks two rules (open vs lines, and status vs open).
    assert report.problems[-1] == f"… and {2 * (MAX_PROBLEMS + 20) - MAX_PROBLEMS} more problems"


# -- I1 / I2: a state machine over the real services -------------------------------------------

START = date(2026, 1, 1)
FAR = date(2030, 1, 1)
TERMS = ["NET30", "EOM30", "30%NET30+70%NET60", "NET0"]
amounts = st.integers(min_value=1, max_value=300_000)
days = st.integers(min_value=0, max_value=150)
MODES = ["oldest", "none", "reference", "oldest"]


# I2: the balance from the documents themselves (a ledger: debits − credits) ...
LEDGER_BALANCE = (
    "SELECT (SELECT COALESCE(SUM(amount_minor), 0) FROM invoices"
    "        WHERE customer_id = :c AND status <> 'void')"
    " - (SELECT COALESCE(SUM(a.amount_minor), 0) FROM allocations a"
    "    JOIN write_offs w ON w.id = a.write_off_id"
    "    WHERE w.customer_id = :c AND a.reversed_on IS NULL)"
    " - (SELECT COALESCE(SUM(amount_minor), 0) FROM payments"
    "    WHERE customer_id = :c AND status = 'posted')"
    " - (SELECT COALESCE(SUM(amount_minor), 0) FROM credit_notes WHERE customer_id = :c)"
    " + (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds WHERE customer_id = :c)"
)
# ... and from the maintained balances: open invoices − unapplied credits.
OPEN_MINUS_CREDIT = (
    "SELECT (SELECT COALESCE(SUM(open_minor), 0) FROM invoices WHERE customer_id = :c)"
    " - (SELECT COALESCE(SUM(unallocated_minor), 0) FROM payments"
    "    WHERE customer_id = :c AND status = 'posted')"
    " - (SELECT COALESCE(SUM(unallocated_minor), 0) FROM credit_notes WHERE customer_id = :c)"
)


def _day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


def _money(minor: int) -> str:
    return Money(minor, CCY).amount_str()


class Book(RuleBasedStateMachine):
    """Random invoices, payments, allocations, reversals, credits and write-offs."""

    template: Path

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="ar-sm-"))
        shutil.copyfile(self.template, self.folder / "book.db")
        self.ctx = open_book(self.folder / "book.db", user="machine", clock=FixedClock(AS_OF))
        self.customers: list[int] = []

    def teardown(self) -> None:
        self.ctx.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _rows(self, sql: str) -> list[tuple]:
        with self.ctx.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]

    def _pick(self, data, sql: str) -> tuple | None:
        rows = self._rows(sql)
        return data.draw(st.sampled_from(rows)) if rows else None

    @initialize(amounts=st.lists(amounts, min_size=4, max_size=4))
    def start(self, amounts: list[int]) -> None:
        for name in ("上海明远贸易", "Acme Ltd"):
            self.customers.append(make_customer(self.ctx, name))
        for n, amount in enumerate(amounts):
            cust = self.customers[n % 2]
            make_invoice(self.ctx, cust, _day(n * 20), _money(amount), terms=TERMS[n])

    @rule(data=st.data(), amount=amounts, day=days, terms=st.sampled_from(TERMS))
    def add_invoice(self, data, amount: int, day: int, terms: str) -> None:
        cust = data.draw(st.sampled_from(self.customers))
        make_invoice(self.ctx, cust, _day(day), _money(amount), terms=terms)

    @rule(data=st.data(), amount=amounts, day=days, mode=st.sampled_from(MODES))
    def add_payment(self, data, amount: int, day: int, mode: str) -> None:
        cust = data.draw(st.one_of(st.none(), st.sampled_from(self.customers)))
        ref = self._pick(data, "SELECT number FROM invoices")
        reference = f"pay {ref[0]}" if ref and mode == "reference" else ""
        pay(self.ctx, cust, _day(day), _money(amount), allocate=mode, reference=reference)

    @rule(data=st.data())
    def allocate_manually(self, data) -> None:
        payment = self._pick(
            data,
            "SELECT id, customer_id, unallocated_minor FROM payments"
            " WHERE status = 'posted' AND customer_id IS NOT NULL",
        )
        if payment is None:
            return
        pid, cust, left = payment
        line = self._pick(
            data,
            "SELECT l.id, l.open_minor FROM invoice_schedule_lines l JOIN invoices i"
            f" ON i.id = l.invoice_id WHERE i.customer_id = {cust} AND l.open_minor > 0",
        )
        if line is None:
            return
        line_id, open_minor = line
        fits = min(open_minor, left)
        want = data.draw(st.one_of(st.integers(1, max(fits, 1)), st.integers(1, open_minor + 100)))
        try:
            allocate_payment(self.ctx, pid, {line_id: Money(want, CCY)})
        except UserFacingError as exc:
            assert want > fits, exc.message
        else:
            assert want <= fits

    @rule(data=st.data())
    def allocate_oldest(self, data) -> None:
        payment = self._pick(data, "SELECT id, status, customer_id FROM payments")
        if payment is None:
            return
        try:
            allocate_payment(self.ctx, payment[0], mode="oldest")
        except UserFacingError as exc:
            assert payment[1] == "reversed" or payment[2] is None, exc.message

    @rule(data=st.data())
    def unallocate_one(self, data) -> None:
        live = self._pick(
            data, "SELECT id FROM allocations WHERE reversed_on IS NULL AND write_off_id IS NULL"
        )
        if live is not None:
            unallocate(self.ctx, live[0])

    @rule(data=st.data(), day=days)
    def reverse(self, data, day: int) -> None:
        payment = self._pick(data, "SELECT id, status FROM payments")
        if payment is None:
            return
        pid, status = payment
        refunded = self._rows(f"SELECT 1 FROM refunds WHERE payment_id = {pid}")
        try:
            reverse_payment(self.ctx, pid, d(_day(day)), "bounced")
        except UserFacingError as exc:
            assert refunded or (status == "reversed" and exc.code == "already_reversed")
            return
        assert status == "posted"
        with pytest.raises(UserFacingError):
            reverse_payment(self.ctx, pid, d(_day(day)), "twice")

    @rule(data=st.data(), amount=amounts, day=days, against=st.booleans())
    def credit(self, data, amount: int, day: int, against: bool) -> None:
        inv = self._pick(data, "SELECT id, customer_id, status FROM invoices")
        if against and inv is not None:
            invoice_id, cust, status = inv
        else:
            invoice_id, cust, status = None, data.draw(st.sampled_from(self.customers)), ""
        try:
            create_credit_note(self.ctx, cust, Money(amount, CCY), d(_day(day)), "r", invoice_id)
        except UserFacingError:
            assert status == "void"

    @rule(data=st.data(), small=st.integers(min_value=1, max_value=150), bad=st.booleans())
    def write_off(self, data, small: int, bad: bool) -> None:
        inv = self._pick(data, "SELECT id, open_minor FROM invoices")
        if inv is None:
            return
        invoice_id, open_minor = inv
        kind = "bad_debt" if bad else "small_difference"
        amount = None if bad else Money(small, CCY)
        try:
            write_off_difference(self.ctx, invoice_id, amount, "diff", kind=kind)
        except UserFacingError as exc:
            assert open_minor == 0 or (not bad and (small > 100 or small > open_minor)), exc

    @rule(data=st.data())
    def void(self, data) -> None:
        inv = self._pick(data, "SELECT id FROM invoices")
        if inv is None:
            return
        live = self._rows(
            f"SELECT 1 FROM allocations WHERE invoice_id = {inv[0]} AND reversed_on IS NULL"
        )
        try:
            void_invoice(self.ctx, inv[0], "mistake")
        except UserFacingError as exc:
            assert live or exc.code == "invalid", exc.message

    @rule(data=st.data(), amount=st.integers(min_value=1, max_value=50_000))
    def refund_credit(self, data, amount: int) -> None:
        cust = data.draw(st.sampled_from(self.customers))
        try:
            refund(self.ctx, cust, Money(amount, CCY), AS_OF)
        except UserFacingError as exc:
            assert exc.code == "over_allocation"

    @invariant()
    def allocations_within_limits(self) -> None:
        assert not self._rows(
            "SELECT p.id FROM payments p JOIN allocations a ON a.payment_id = p.id"
            " WHERE a.reversed_on IS NULL GROUP BY p.id HAVING SUM(a.amount_minor) > p.amount_minor"
        )
        assert not self._rows(
            "SELECT l.id FROM invoice_schedule_lines l JOIN allocations a"
            " ON a.schedule_line_id = l.id WHERE a.reversed_on IS NULL"
            " GROUP BY l.id HAVING SUM(a.amount_minor) > l.amount_minor"
        )
        for table, column in [
            ("invoices", "open_minor"),
            ("invoice_schedule_lines", "open_minor"),
            ("payments", "unallocated_minor"),
            ("credit_notes", "unallocated_minor"),
        ]:
            rows = self._rows(f"SELECT {column}, typeof({column}) FROM {table}")
            assert all(v >= 0 and t == "integer" for v, t in rows), table

    @invariant()
    def book_checks_out(self) -> None:
        report = check_book(self.ctx)
        assert report.ok, report.problems

    @invariant()
    def balances_agree(self) -> None:
        for (cid,) in self._rows("SELECT id FROM customers"):
            detail = customer_detail(self.ctx, cid, FAR)
            ledger = self._rows(LEDGER_BALANCE.replace(":c", str(cid)))[0][0]
            open_minus_credit = self._rows(OPEN_MINUS_CREDIT.replace(":c", str(cid)))[0][0]
            assert detail.balance.minor == ledger == open_minus_credit
            report = aging(self.ctx, as_of=FAR, customer_id=cid)
            total = sum(c.total.minor for c in report.currencies)
            assert total == detail.balance.minor


def test_money_invariants_state_machine(template_db: Path) -> None:
    machine = type("BookMachine", (Book,), {"template": template_db})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )


def test_quick_check_reports_progress_and_can_be_cancelled(ctx) -> None:
    _scenario(ctx)
    seen: list[tuple[int, int]] = []
    progress = CallbackProgress(lambda done, total, _text: seen.append((done, total)))
    assert check_book(ctx, quick=True, progress=progress).ok
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    progress.cancel()
    with pytest.raises(Cancelled):
        check_book(ctx, progress=progress)
