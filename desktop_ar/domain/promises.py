"""Promises to pay (付款承诺): kept, partly kept or broken against the payments that arrive.

A promise is *kept* when the money received from the day it was made up to its date (plus a
few days' grace for the bank) reaches the promised amount, *partly kept* when some but not all of
it arrived in that time, *broken* when nothing did, and *pending* while its date (plus grace)
has not passed and it is not yet fully paid. Payments count towards the earliest promises first,
so one payment never keeps two promises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["PROMISE_STATUSES", "Promise", "PromiseResult", "evaluate_promises"]

PROMISE_STATUSES = ("pending", "kept", "partly_kept", "broken")


@dataclass(frozen=True, slots=True)
class Promise:
    """A promise made on ``made_on`` to pay ``amount_minor`` by ``due``."""

    id: int
    made_on: date
    due: date
    amount_minor: int


@dataclass(frozen=True, slots=True)
class PromiseResult:
    """What became of a promise as of a date: its status and how much of it was paid."""

    id: int
    status: str
    paid_minor: int
    short_minor: int


def evaluate_promises(
    promises: Sequence[Promise],
    payments: Iterable[tuple[date, int]],
    as_of: date,
    *,
    grace_days: int = 3,
) -> list[PromiseResult]:
    """Judge each promise against the customer's payments ``(day, minor)`` up to ``as_of``.

    Args:
        promises: the customer's promises (any order; results come in the same order).
        payments: the customer's receipts; those after ``as_of`` are ignored.
        as_of: the day of judgement.
        grace_days: days after the promised date a payment still counts (bank transfer time).

    Returns:
        One result per promise.
    """
    pool = sorted((day, minor) for day, minor in payments if minor > 0 and day <= as_of)
    left = [minor for _, minor in pool]
    results: dict[int, PromiseResult] = {}
    for promise in sorted(promises, key=lambda p: (p.due, p.made_on, p.id)):
        deadline = promise.due + timedelta(days=grace_days)
        need = max(promise.amount_minor, 0)
        paid = 0
        for i, (day, _) in enumerate(pool):
            if paid >= need:
                break
            if left[i] <= 0 or day < promise.made_on or day > deadline:
                continue
            take = min(left[i], need - paid)
            left[i] -= take
            paid += take
        if paid >= need:
            status = "kept"
        elif as_of <= deadline:
            status = "pending"
        elif paid > 0:
            status = "partly_kept"
        else:
            status = "broken"
        results[promise.id] = PromiseResult(promise.id, status, paid, need - paid)
    return [results[p.id] for p in promises]
