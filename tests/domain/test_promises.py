"""Promises to pay: kept, partly kept, broken, pending; one payment keeps one promise."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.promises import Promise, evaluate_promises

D = date


def statuses(promises, payments, as_of, **kw):
    return [r.status for r in evaluate_promises(promises, payments, as_of, **kw)]


def test_kept_partly_kept_broken_pending() -> None:
    promises = [
        Promise(1, D(2026, 6, 1), D(2026, 6, 10), 100_00),
        Promise(2, D(2026, 6, 1), D(2026, 6, 15), 100_00),
        Promise(3, D(2026, 6, 1), D(2026, 6, 20), 100_00),
        Promise(4, D(2026, 6, 1), D(2026, 7, 10), 100_00),
    ]
    payments = [(D(2026, 6, 9), 100_00), (D(2026, 6, 14), 40_00)]
    results = evaluate_promises(promises, payments, D(2026, 6, 30))
    assert [r.status for r in results] == ["kept", "partly_kept", "broken", "pending"]
    assert results[1].paid_minor == 40_00
    assert results[1].short_minor == 60_00


def test_grace_days_for_the_bank() -> None:
    promise = [Promise(1, D(2026, 6, 1), D(2026, 6, 10), 50_00)]
    assert statuses(promise, [(D(2026, 6, 12), 50_00)], D(2026, 6, 30)) == ["kept"]
    assert statuses(promise, [(D(2026, 6, 14), 50_00)], D(2026, 6, 30)) == ["broken"]
    assert statuses(promise, [], D(2026, 6, 12)) == ["pending"]
    assert statuses(promise, [(D(2026, 6, 14), 50_00)], D(2026, 6, 30), grace_days=5) == ["kept"]


def test_payments_before_the_promise_or_after_as_of_do_not_count() -> None:
    promise = [Promise(1, D(2026, 6, 5), D(2026, 6, 10), 50_00)]
    assert statuses(promise, [(D(2026, 6, 4), 50_00)], D(2026, 6, 30)) == ["broken"]
    assert statuses(promise, [(D(2026, 6, 9), 50_00)], D(2026, 6, 8)) == ["pending"]


def test_one_payment_keeps_one_promise() -> None:
    promises = [
        Promise(1, D(2026, 6, 1), D(2026, 6, 10), 100_00),
        Promise(2, D(2026, 6, 1), D(2026, 6, 10), 100_00),
    ]
    assert statuses(promises, [(D(2026, 6, 8), 100_00)], D(2026, 6, 30)) == ["kept", "broken"]


@given(
    st.lists(
        st.builds(
            lambda i, a, b, amt: Promise(
                i, D(2026, 1, 1 + min(a, b)), D(2026, 1, 1 + max(a, b)), amt
            ),
            st.integers(0, 10**6),
            st.integers(0, 27),
            st.integers(0, 27),
            st.integers(0, 10**6),
        ),
        max_size=8,
        unique_by=lambda p: p.id,
    ),
    st.lists(
        st.tuples(st.dates(D(2025, 12, 1), D(2026, 3, 1)), st.integers(-10, 10**6)), max_size=10
    ),
)
def test_payments_are_never_counted_twice(promises, payments) -> None:
    results = evaluate_promises(promises, payments, D(2026, 2, 15))
    assert sum(r.paid_minor for r in results) <= sum(m for _, m in payments if m > 0)
    for p, r in zip(promises, results, strict=True):
        assert r.paid_minor + r.short_minor == max(p.amount_minor, 0)
        assert r.status in {"kept", "partly_kept", "broken", "pending"}
