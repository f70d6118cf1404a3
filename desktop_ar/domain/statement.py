"""Statement of account (对账单): a customer's documents as a ledger with a running balance.

A statement covers one customer, one currency and one period. Every document that moved the
customer's balance is an :class:`Entry` with a debit (what the customer owes more: invoices,
refunds paid out, reversals of payments and write-offs) or a credit (what the customer owes
less: credit notes, payments, write-offs). :func:`build_ledger` sorts the entries of the period
by date, then a fixed order of kinds, and gives each line the running balance from the opening
balance; :func:`split_period` computes that opening balance from the entries dated before the
period. Amounts in different currencies are never added up: a customer with documents in
several currencies gets one ledger per currency.

The order of a day's entries is fixed by :data:`KINDS`: invoices first, then what reduces them
(credit notes, payments, write-offs), then what undoes or pays back (refunds, reversals). Ties
within a kind are broken by document number and id, so the result does not depend on the order
the entries were given in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import CurrencyMismatch, Money

__all__ = [
    "CREDIT_KINDS",
    "DEBIT_KINDS",
    "KINDS",
    "Entry",
    "Ledger",
    "Line",
    "build_ledger",
    "split_period",
]

# The order of a day's lines on the statement.
KINDS = (
    "invoice",
    "credit_note",
    "payment",
    "write_off",
    "refund",
    "payment_reversal",
    "write_off_reversal",
)
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
# Which side each kind is normally on (checked by the services' tests, not enforced here:
# an imported correction may need either side).
DEBIT_KINDS = frozenset({"invoice", "refund", "payment_reversal", "write_off_reversal"})
CREDIT_KINDS = frozenset({"credit_note", "payment", "write_off"})


def _invalid(field: str, reason: str) -> DomainError:
    return DomainError("invalid", field=field, reason=reason)


@dataclass(frozen=True, slots=True)
class Entry:
    """One document's effect on the customer's balance.

    ``debit`` and ``credit`` are zero or positive and in the same currency (usually one of them
    is zero). ``ref`` is the document's id in its own table, kept so a line can be traced back
    and to make the order total; ``kind`` is one of :data:`KINDS`.
    """

    on: date
    kind: str
    number: str
    description: str
    debit: Money
    credit: Money
    ref: int = 0

    def __post_init__(self) -> None:
        if self.kind not in _RANK:
            raise _invalid("kind", f"{self.kind!r} is not one of {', '.join(KINDS)}")
        if self.debit.currency != self.credit.currency:
            raise CurrencyMismatch(self.debit.currency, self.credit.currency)
        if self.debit.minor < 0 or self.credit.minor < 0:
            raise _invalid("amount", f"{self.number}: debit and credit must not be negative")

    @property
    def currency(self) -> str:
        """The entry's currency."""
        return self.debit.currency

    @property
    def net(self) -> Money:
        """Debit minus credit: how much the entry adds to the balance."""
        return self.debit - self.credit

    def sort_key(self) -> tuple[date, int, str, int, str, int, int]:
        """Date, kind order, number, id, then the rest: a total order over distinct entries."""
        return (
            self.on,
            _RANK[self.kind],
            self.number,
            self.ref,
            self.description,
            self.debit.minor,
            self.credit.minor,
        )

    @classmethod
    def debit_of(
        cls, on: date, kind: str, number: str, description: str, amount: Money, *, ref: int = 0
    ) -> Entry:
        """An entry that raises the balance by ``amount``."""
        return cls(on, kind, number, description, amount, Money.zero(amount.currency), ref)

    @classmethod
    def credit_of(
        cls, on: date, kind: str, number: str, description: str, amount: Money, *, ref: int = 0
    ) -> Entry:
        """An entry that lowers the balance by ``amount``."""
        return cls(on, kind, number, description, Money.zero(amount.currency), amount, ref)


@dataclass(frozen=True, slots=True)
class Line:
    """A statement line: the entry's fields and the balance after it."""

    on: date
    kind: str
    number: str
    description: str
    debit: Money
    credit: Money
    balance: Money
    ref: int = 0


@dataclass(frozen=True, slots=True)
class Ledger:
    """One currency of a statement: opening balance, lines, totals and closing balance.

    ``closing == opening + total_debit - total_credit``, and the last line's balance is the
    closing balance. A positive balance is owed by the customer; a negative one is the
    customer's credit.
    """

    currency: str
    opening: Money
    lines: tuple[Line, ...]
    total_debit: Money
    total_credit: Money
    closing: Money


def _check_currency(entries: Sequence[Entry], currency: str) -> None:
    for entry in entries:
        if entry.currency != currency:
            raise CurrencyMismatch(currency, entry.currency)


def build_ledger(opening: Money, entries: Iterable[Entry]) -> Ledger:
    """Sort the period's entries and run the balance from ``opening``.

    Args:
        opening: the balance before the first entry (in the ledger's currency).
        entries: the documents of the period, in any order.

    Returns:
        The ledger; its lines are sorted by date, then :data:`KINDS` order, number and id.

    Raises:
        CurrencyMismatch: an entry is not in the opening balance's currency.
    """
    currency = opening.currency
    ordered = sorted(entries, key=Entry.sort_key)
    _check_currency(ordered, currency)
    balance = opening.minor
    debit = credit = 0
    lines: list[Line] = []
    for e in ordered:
        debit += e.debit.minor
        credit += e.credit.minor
        balance += e.debit.minor - e.credit.minor
        lines.append(
            Line(
                e.on,
                e.kind,
                e.number,
                e.description,
                e.debit,
                e.credit,
                Money(balance, currency),
                e.ref,
            )
        )
    return Ledger(
        currency=currency,
        opening=opening,
        lines=tuple(lines),
        total_debit=Money(debit, currency),
        total_credit=Money(credit, currency),
        closing=Money(balance, currency),
    )


def split_period(
    entries: Iterable[Entry], currency: str, date_from: date, date_to: date
) -> tuple[Money, list[Entry]]:
    """The opening balance at ``date_from`` and the entries dated within the period.

    Entries before ``date_from`` make the opening balance (the book starts at zero); entries
    from ``date_from`` to ``date_to`` inclusive are the period's; later ones are left out.

    Args:
        entries: every entry of one customer and currency (any order, any dates).
        currency: the ledger's currency.
        date_from: the first day of the period.
        date_to: the last day of the period.

    Returns:
        ``(opening balance, the period's entries)``.

    Raises:
        DomainError: ``invalid`` when ``date_from`` is after ``date_to``.
        CurrencyMismatch: an entry in another currency.
    """
    if date_from > date_to:
        raise _invalid(
            "period", f"it starts on {date_from.isoformat()}, after its end {date_to.isoformat()}"
        )
    opening = 0
    within: list[Entry] = []
    for entry in entries:
        if entry.currency != currency:
            raise CurrencyMismatch(currency, entry.currency)
        if entry.on < date_from:
            opening += entry.debit.minor - entry.credit.minor
        elif entry.on <= date_to:
            within.append(entry)
    return Money(opening, currency), within
