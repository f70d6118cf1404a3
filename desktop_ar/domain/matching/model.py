"""What the bank matcher reads and what it returns (frozen, plain data).

A service fills the inputs from the database and the bank-file parser: the statement lines, the
recorded payments not yet reconciled, the open invoices and the customers. The matcher answers
one :class:`LineMatch` per line: ranked :class:`Candidate` objects, each with a confidence and
structured :class:`Reason` codes that :func:`~desktop_ar.domain.matching.describe.describe`
turns into words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, NamedTuple

from desktop_ar.domain.money import Money

__all__ = [
    "Candidate",
    "CandidateKind",
    "Customer",
    "EarlyDiscount",
    "LineMatch",
    "MatchSettings",
    "OpenInvoice",
    "Reason",
    "RecordedPayment",
    "StatementLine",
]

CandidateKind = Literal["payment", "invoice", "invoices"]


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One line of a bank statement; ``amount`` > 0 is money received (a credit)."""

    id: int
    booking_date: date
    amount: Money
    value_date: date | None = None
    counterparty_name: str = ""
    counterparty_account: str = ""
    reference: str = ""
    memo: str = ""


@dataclass(frozen=True, slots=True)
class RecordedPayment:
    """A receipt already recorded in the books and not yet reconciled with the bank."""

    id: int
    number: str
    customer_id: int | None
    amount: Money
    date: date
    customer_code: str = ""
    customer_name: str = ""
    reference: str = ""
    payer_name: str = ""
    bank_account: str = ""


@dataclass(frozen=True, slots=True)
class EarlyDiscount:
    """An early-payment discount (现金折扣): ``amount`` off when paid on or before ``until``."""

    amount: Money
    until: date


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice with an open amount (> 0) left to collect."""

    id: int
    number: str
    customer_id: int
    open_amount: Money
    due_date: date
    discount: EarlyDiscount | None = None
    fapiao_number: str = ""


@dataclass(frozen=True, slots=True)
class Customer:
    """What the matcher knows about a customer to recognise its payments.

    ``payer_names`` and ``bank_accounts`` are those seen on earlier payments (a parent company
    paying, the owner's personal account). ``pinyin`` is the stored full pinyin of the name
    (``customers.pinyin_full``); it lets a Latin payer name be compared with a Chinese name and is
    computed when left empty.
    """

    id: int
    code: str
    name: str
    short_name: str = ""
    payer_names: tuple[str, ...] = ()
    bank_accounts: tuple[str, ...] = ()
    pinyin: str = ""


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """How loosely the matcher may match.

    Attributes:
        tolerance: the largest amount difference still suggested (尾差), either one ``Money`` or
            one per currency; a currency not listed has no tolerance.
        days_before: how many days the bank may book a line before the date of a recorded
            payment (or an invoice's due date) and still count as "near".
        days_after: the same, after that date.
        max_candidates: candidates kept per line, best first.
        min_confidence: candidates below this are dropped.
        max_sum_invoices: the most open invoices combined into one "invoices" candidate.
        max_sum_pool: the most open invoices of one customer searched for such sums (those named
            in the memo first, then by due date).
        name_threshold: the least name similarity (percent) that counts as evidence.
    """

    tolerance: Money | Sequence[Money] = ()
    days_before: int = 7
    days_after: int = 7
    max_candidates: int = 5
    min_confidence: float = 0.2
    max_sum_invoices: int = 4
    max_sum_pool: int = 20
    name_threshold: int = 60
    _by_currency: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        items = [self.tolerance] if isinstance(self.tolerance, Money) else list(self.tolerance)
        table: dict[str, int] = {}
        for money in items:
            if not isinstance(money, Money) or money.minor < 0:
                raise ValueError(f"tolerance must be Money of zero or more, not {money!r}")
            table[money.currency] = money.minor
        if self.days_before < 0 or self.days_after < 0:
            raise ValueError("the date window must not be negative")
        if self.max_sum_invoices < 1 or self.max_candidates < 1:
            raise ValueError("max_sum_invoices and max_candidates must be at least 1")
        object.__setattr__(self, "_by_currency", table)
        if not isinstance(self.tolerance, Money):
            object.__setattr__(self, "tolerance", tuple(items))  # hashable, whatever was passed

    def tolerance_minor(self, currency: str) -> int:
        """The tolerance in minor units of ``currency`` (0 when none is set for it)."""
        return self._by_currency.get(currency, 0)


class Reason(NamedTuple):
    """One piece of evidence: a stable code and its parameters (strings and ints).

    A reason compares equal to the plain tuple ``(code, params)``, e.g.
    ``("invoice_in_memo", {"number": "INV-1043"})``.
    """

    code: str
    params: Mapping[str, str | int]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A suggested explanation of a statement line.

    Attributes:
        kind: ``payment`` (an already recorded receipt), ``invoice`` (one open invoice) or
            ``invoices`` (several open invoices of one customer whose sum matches).
        target_ids: the payment id, or the invoice ids (in the order to apply them).
        customer_id: the customer, when known.
        amount: the payment amount, the invoice's open amount, or the invoices' sum.
        confidence: 0..1, see :mod:`desktop_ar.domain.matching.scoring`.
        reasons: the evidence: amount, then document numbers, customer, dates.
        numbers: the payment or invoice numbers of ``target_ids``, in the same order.
    """

    kind: CandidateKind
    target_ids: tuple[int, ...]
    customer_id: int | None
    amount: Money
    confidence: float
    reasons: tuple[Reason, ...]
    numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LineMatch:
    """The candidates of one line, best first, plus notes on the line itself (``debit_line``)."""

    line_id: int
    candidates: tuple[Candidate, ...]
    notes: tuple[Reason, ...] = ()

    @property
    def best(self) -> Candidate | None:
        """The best candidate, if any."""
        return self.candidates[0] if self.candidates else None
