"""Statement of account ledger: running balance, order, opening balance, properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import CurrencyMismatch, Money
from desktop_ar.domain.statement import (
    CREDIT_KINDS,
    DEBIT_KINDS,
    KINDS,
    Entry,
    build_ledger,
    split_period,
)

START = date(2026, 1, 1)


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


def e(on: str, kind: str, number: str, debit: str = "0", credit: str = "0", ref: int = 0) -> Entry:
    return Entry(date.fromisoformat(on), kind, number, kind, cny(debit), cny(credit), ref)


# A month with the usual documents, written in the order a bookkeeper would type them.
JUNE = [
    e("2026-06-15", "payment", "P-2", credit="500.00", ref=2),
    e("2026-06-01", "invoice", "INV-10", debit="1130.00", ref=10),
    e("2026-06-15", "invoice", "INV-11", debit="200.00", ref=11),
    e("2026-06-20", "write_off", "INV-10", credit="0.50", ref=1),
    e("2026-06-15", "credit_note", "CN-1", credit="100.00", ref=1),
    e("2026-06-28", "payment_reversal", "P-2", debit="500.00", ref=2),
    e("2026-06-28", "write_off_reversal", "INV-10", debit="0.50", ref=1),
    e("2026-06-25", "refund", "P-1", debit="80.00", ref=1),
]


def test_lines_are_sorted_by_date_then_kind_with_a_running_balance() -> None:
    ledger = build_ledger(cny("300.00"), JUNE)
    got = [(ln.on.day, ln.kind, ln.number, ln.balance.amount_str()) for ln in ledger.lines]
    assert got == [
        (1, "invoice", "INV-10", "1430.00"),
        (15, "invoice", "INV-11", "1630.00"),
        (15, "credit_note", "CN-1", "1530.00"),
        (15, "payment", "P-2", "1030.00"),
        (20, "write_off", "INV-10", "1029.50"),
        (25, "refund", "P-1", "1109.50"),
        (28, "payment_reversal", "P-2", "1609.50"),
        (28, "write_off_reversal", "INV-10", "1610.00"),
    ]
    assert ledger.total_debit == cny("1910.50")
    assert ledger.total_credit == cny("600.50")
    assert ledger.closing == cny("1610.00")
    assert ledger.currency == "CNY"


def test_no_entries_closes_at_the_opening_balance() -> None:
    ledger = build_ledger(cny("-20.00"), [])
    assert ledger.lines == ()
    assert ledger.closing == cny("-20.00")
    assert ledger.total_debit == ledger.total_credit == cny("0")


def test_split_period_sums_what_came_before_and_drops_what_came_after() -> None:
    entries = [
        e("2026-05-31", "invoice", "INV-1", debit="100.00"),
        e("2026-05-31", "payment", "P-1", credit="40.00"),
        e("2026-06-01", "invoice", "INV-2", debit="5.00"),
        e("2026-06-30", "payment", "P-2", credit="1.00"),
        e("2026-07-01", "invoice", "INV-3", debit="999.00"),
    ]
    opening, within = split_period(entries, "CNY", date(2026, 6, 1), date(2026, 6, 30))
    assert opening == cny("60.00")
    assert [x.number for x in within] == ["INV-2", "P-2"]
    assert build_ledger(opening, within).closing == cny("64.00")


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(DomainError) as info:
        split_period([], "CNY", date(2026, 6, 2), date(2026, 6, 1))
    assert info.value.code == "invalid" and "period" in info.value.message


def test_currencies_are_never_mixed() -> None:
    usd = Entry(START, "invoice", "INV-U", "", Money.of("1", "USD"), Money.zero("USD"))
    with pytest.raises(CurrencyMismatch):
        build_ledger(cny("0"), [usd])
    with pytest.raises(CurrencyMismatch):
        split_period([usd], "CNY", START, START)
    with pytest.raises(CurrencyMismatch):
        Entry(START, "invoice", "X", "", cny("1"), Money.zero("USD"))


@pytest.mark.parametrize(("kind", "debit", "credit"), [("bogus", "1", "0"), ("invoice", "-1", "0")])
def test_bad_entries_are_refused(kind: str, debit: str, credit: str) -> None:
    with pytest.raises(DomainError):
        Entry(START, kind, "X", "", cny(debit), cny(credit))


def test_debit_and_credit_constructors_and_sides() -> None:
    inv = Entry.debit_of(START, "invoice", "INV-1", "Invoice", cny("12.00"), ref=7)
    pay = Entry.credit_of(START, "payment", "P-1", "Payment", cny("2.00"), ref=8)
    assert (inv.debit, inv.credit, inv.net, inv.ref) == (cny("12"), cny("0"), cny("12"), 7)
    assert (pay.debit, pay.credit, pay.net) == (cny("0"), cny("2"), cny("-2"))
    assert set(KINDS) == DEBIT_KINDS | CREDIT_KINDS
    assert not DEBIT_KINDS & CREDIT_KINDS


# ---- properties -----------------------------------------------------------------------------

entries_st = st.lists(
    st.builds(
        lambda day, kind, n, amount, debit_side, ref: Entry(
            START + timedelta(days=day),
            kind,
            f"D-{n}",
            "",
            Money(amount if debit_side else 0, "CNY"),
            Money(0 if debit_side else amount, "CNY"),
            ref,
        ),
        st.integers(0, 40),
        st.sampled_from(KINDS),
        st.integers(0, 5),
        st.integers(0, 10**9),
        st.booleans(),
        st.integers(0, 3),
    ),
    max_size=40,
)
opening_st = st.integers(-(10**10), 10**10).map(lambda n: Money(n, "CNY"))


@given(opening_st, entries_st)
def test_closing_is_opening_plus_debits_minus_credits(opening: Money, entries: list[Entry]) -> None:
    ledger = build_ledger(opening, entries)
    assert ledger.closing == opening + ledger.total_debit - ledger.total_credit
    assert ledger.total_debit == Money(sum(x.debit.minor for x in entries), "CNY")
    assert ledger.total_credit == Money(sum(x.credit.minor for x in entries), "CNY")
    if ledger.lines:
        assert ledger.lines[-1].balance == ledger.closing
    else:
        assert ledger.closing == opening


@given(opening_st, entries_st)
def test_each_balance_follows_from_the_previous_line(opening: Money, entries: list[Entry]) -> None:
    balance = opening
    previous = None
    for line in build_ledger(opening, entries).lines:
        balance = balance + line.debit - line.credit
        assert line.balance == balance
        key = (line.on, KINDS.index(line.kind))
        assert previous is None or previous <= key
        previous = key


@given(opening_st, entries_st, st.randoms(use_true_random=False))
def test_the_input_order_does_not_matter(opening: Money, entries: list[Entry], rnd) -> None:
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert build_ledger(opening, shuffled) == build_ledger(opening, entries)


@given(entries_st, st.integers(0, 40), st.integers(0, 40))
def test_splitting_a_period_keeps_the_balance(entries: list[Entry], a: int, b: int) -> None:
    date_from, date_to = sorted((START + timedelta(days=a), START + timedelta(days=b)))
    opening, within = split_period(entries, "CNY", date_from, date_to)
    whole = build_ledger(Money.zero("CNY"), [x for x in entries if x.on <= date_to])
    assert build_ledger(opening, within).closing == whole.closing
    assert all(date_from <= x.on <= date_to for x in within)
