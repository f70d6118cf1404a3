"""Allocating a payment or credit to open items (核销).

Every plan keeps the books exact: Σ allocations + unallocated == the amount, no allocation
exceeds its item's open amount, nothing is negative, and the same input gives the same plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import CurrencyMismatch, Money
from desktop_ar.domain.parsing import to_halfwidth

__all__ = [
    "Allocation",
    "AllocationPlan",
    "OpenItem",
    "by_reference",
    "find_invoice_numbers",
    "manual",
    "oldest_first",
    "within_tolerance",
]

_SEPARATOR_CLASS = r"[-_/.\s]*"
_DIGITS = "0123456789"


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open schedule line of an invoice (``key`` is the schedule line id)."""

    key: int
    invoice_number: str
    issue_date: date
    due_date: date
    open: Money


@dataclass(frozen=True, slots=True)
class Allocation:
    """``amount`` applied to the open item ``key``."""

    key: int
    amount: Money


@dataclass(frozen=True, slots=True)
class AllocationPlan:
    """The allocations of one amount; ``unallocated`` stays with the customer as credit."""

    allocations: tuple[Allocation, ...]
    unallocated: Money

    @property
    def allocated(self) -> Money:
        """Total of the allocations."""
        return Money.sum((a.amount for a in self.allocations), self.unallocated.currency)


def _order(item: OpenItem) -> tuple[date, date, str, int]:
    return (item.due_date, item.issue_date, item.invoice_number, item.key)


def _check(items: Sequence[OpenItem], amount: Money) -> None:
    if amount.minor < 0:
        raise DomainError("invalid", field="amount", reason="the amount must not be negative")
    seen: set[int] = set()
    for item in items:
        if item.open.currency != amount.currency:
            raise CurrencyMismatch(amount.currency, item.open.currency)
        if item.key in seen:
            raise DomainError("invalid", field="open items", reason=f"item {item.key} twice")
        seen.add(item.key)


def _fill(ordered: Iterable[OpenItem], remaining: Money, out: list[Allocation]) -> Money:
    """Allocate ``remaining`` to ``ordered`` items in turn; return what is left."""
    for item in ordered:
        if remaining.minor == 0:
            break
        if item.open.minor <= 0:
            continue
        take = min(remaining.minor, item.open.minor)
        out.append(Allocation(item.key, Money(take, remaining.currency)))
        remaining = Money(remaining.minor - take, remaining.currency)
    return remaining


def oldest_first(items: Sequence[OpenItem], amount: Money) -> AllocationPlan:
    """Allocate ``amount`` to the oldest items first.

    Items are taken by due date, then issue date, invoice number and key; the last one may be
    paid in part. Items with nothing open are skipped.

    Args:
        items: the customer's open items, all in the amount's currency.
        amount: the payment or credit (zero or more).

    Returns:
        The plan; what cannot be allocated is ``unallocated``.

    Raises:
        CurrencyMismatch: when an item is in another currency.
        DomainError: ``invalid`` for a negative amount or a key listed twice.
    """
    _check(items, amount)
    out: list[Allocation] = []
    left = _fill(sorted(items, key=_order), amount, out)
    return AllocationPlan(tuple(out), left)


def _normalise(text: str) -> str:
    return re.sub(r"[-_/.\s]", "", to_halfwidth(text).upper())


def find_invoice_numbers(reference: str, known_numbers: Iterable[str]) -> list[str]:
    """Known invoice numbers written in a free-text reference (bank memo, 附言).

    Matching ignores case, full-width forms, and spaces, dashes, slashes, underscores and dots
    *inside* the number (``inv 1043``, ``INV/1043`` and ``ＩＮＶ－１０４３`` all name
    ``INV-1043``). A number that starts or ends with a digit must not touch another digit there,
    so ``INV-10435`` does not name ``INV-1043``, while ``INV-1043INV-1044`` names both;
    separators between plain numbers keep them apart (``1043 1044``).

    Args:
        reference: the free text.
        known_numbers: the invoice numbers to look for.

    Returns:
        The known numbers found, each once, in order of first appearance in the reference.
    """
    ref = to_halfwidth(reference).upper()
    squeezed = _normalise(reference)
    found: list[tuple[int, int, str]] = []
    for number in dict.fromkeys(known_numbers):
        norm = _normalise(number)
        if not norm or norm not in squeezed:
            continue
        pattern = _SEPARATOR_CLASS.join(re.escape(ch) for ch in norm)
        before = "(?<![0-9])" if norm[0] in _DIGITS else ""
        after = "(?![0-9])" if norm[-1] in _DIGITS else ""
        m = re.search(before + pattern + after, ref)
        if m is not None:
            found.append((m.start(), -len(m.group()), number))
    return [number for _, _, number in sorted(found)]


def by_reference(
    items: Sequence[OpenItem], amount: Money, reference: str, *, then_oldest: bool = False
) -> AllocationPlan:
    """Allocate to the invoices named in the payment reference.

    Invoices are paid in the order the reference names them, each invoice's lines oldest due
    first. What is left goes oldest-first to the other items when ``then_oldest``, otherwise it
    stays unallocated.

    Args:
        items: the customer's open items, all in the amount's currency.
        amount: the payment or credit (zero or more).
        reference: free text such as ``"pay INV-1043, INV-1044"``.
        then_oldest: allocate any rest oldest-first to the items not named.

    Returns:
        The plan.

    Raises:
        CurrencyMismatch: when an item is in another currency.
        DomainError: ``invalid`` for a negative amount or a key listed twice.
    """
    _check(items, amount)
    numbers = find_invoice_numbers(reference, (i.invoice_number for i in items))
    out: list[Allocation] = []
    left = amount
    for number in numbers:
        lines = sorted((i for i in items if i.invoice_number == number), key=_order)
        left = _fill(lines, left, out)
    if then_oldest and left.minor > 0:
        named = set(numbers)
        others = sorted((i for i in items if i.invoice_number not in named), key=_order)
        left = _fill(others, left, out)
    return AllocationPlan(tuple(out), left)


def manual(
    items: Sequence[OpenItem], amount: Money, requested: Mapping[int, Money]
) -> AllocationPlan:
    """Check and apply allocations typed in by hand.

    Args:
        items: the open items that may be allocated to.
        amount: the payment or credit being allocated.
        requested: item key → amount to apply to it.

    Returns:
        The plan, allocations in oldest-first order of their items.

    Raises:
        DomainError: ``invalid`` naming the invoice when a key is unknown, an amount is not
            positive, in another currency, or more than the item's open amount;
            ``over_allocation`` when the requests add up to more than ``amount``.
    """
    _check(items, amount)
    by_key = {item.key: item for item in items}
    total = Money.zero(amount.currency)
    chosen: list[tuple[OpenItem, Money]] = []
    for key, value in requested.items():
        item = by_key.get(key)
        if item is None:
            raise DomainError("invalid", field="allocation", reason=f"no open item {key}")
        name = item.invoice_number
        if value.currency != amount.currency:
            reason = f"the amount is in {value.currency}, not {amount.currency}"
            raise DomainError("invalid", field=name, reason=reason)
        if value.minor <= 0:
            raise DomainError("invalid", field=name, reason="the amount must be more than zero")
        if value > item.open:
            reason = f"cannot allocate {value}, only {item.open} is open"
            raise DomainError("invalid", field=name, reason=reason)
        total = total + value
        chosen.append((item, value))
    if total > amount:
        raise DomainError("over_allocation", amount=str(total), available=str(amount))
    chosen.sort(key=lambda pair: _order(pair[0]))
    allocations = tuple(Allocation(item.key, value) for item, value in chosen)
    return AllocationPlan(allocations, amount - total)


def within_tolerance(remaining: Money, tolerance: Money) -> bool:
    """True when a small difference may be written off (尾差): 0 < |remaining| ≤ tolerance.

    Args:
        remaining: the difference left on an invoice or payment (either sign).
        tolerance: the largest difference that may be written off (zero or more).

    Returns:
        Whether ``remaining`` is a non-zero difference within the tolerance.

    Raises:
        CurrencyMismatch: when the two are in different currencies.
    """
    if remaining.currency != tolerance.currency:
        raise CurrencyMismatch(remaining.currency, tolerance.currency)
    return 0 < abs(remaining.minor) <= tolerance.minor
