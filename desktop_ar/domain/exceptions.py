"""Payment exceptions (付款异常): which receipts need a person to look at them, and why.

``detect`` looks at one posted receipt as it stands after its allocation and returns a
``Finding`` per problem: unidentified (no customer), overpayment, short payment, late payment,
suspected duplicate, payment on a disputed invoice. Each finding carries a cause code with its
parameters, so the readable cause ("Paid 23 days after the due date 2026-05-01 on
INV-000123") is built in one place. The functions are pure: the caller gathers the facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import format_money, to_halfwidth

__all__ = [
    "CAUSES",
    "KINDS",
    "AllocFacts",
    "Finding",
    "InvoiceFacts",
    "PaymentFacts",
    "Policy",
    "cause_text",
    "detect",
    "is_duplicate",
    "late_days",
    "money_text",
    "same_reference",
]

KINDS = (
    "short_payment",
    "overpayment",
    "late_payment",
    "unidentified",
    "duplicate",
    "disputed_invoice",
)

# English cause sentences per cause code; stored with the exception as its readable cause.
CAUSES: dict[str, str] = {
    "unidentified": "No customer for {payment} received on {date} from {payer}",
    "overpayment": "{payment} paid {amount} more than was open; left as customer credit",
    "short_payment": "{invoice} still has {remainder} open after {payment}",
    "late_payment": "Paid {days} days after the due date {due} on {invoice}",
    "duplicate_reference": "Same amount and reference {reference!r} as {other} of {other_date}",
    "duplicate_same_day": "Same amount as {other} received the same day ({other_date})",
    "disputed_invoice": "{payment} paid {amount} on disputed invoice {invoice}",
}


@dataclass(frozen=True, slots=True)
class Policy:
    """The company's exception settings.

    Attributes:
        tolerance: the write-off tolerance (base currency); a remainder up to it is not short.
        late_payment_days: a payment this many days (at least one) after the due date is late.
        duplicate_window_days: how far apart two look-alike payments may be to be suspect.
    """

    tolerance: Money
    late_payment_days: int = 1
    duplicate_window_days: int = 5


@dataclass(frozen=True, slots=True)
class PaymentFacts:
    """A receipt as it stands after allocation.

    Attributes:
        key: the payment id.
        number: the payment number (for causes).
        customer_key: the customer id; None for an unidentified receipt.
        payment_date: when the money arrived.
        amount: the amount received.
        unallocated: what is left after allocation (customer credit).
        reference: the payer's reference or memo.
        payer: the payer's name on the statement.
        customer_open: the customer's open balance in the payment's currency after this
            payment, disputed invoices included (None when unknown).
        exchange_rate: base-currency units per unit of the payment's currency.
    """

    key: int
    number: str
    customer_key: int | None
    payment_date: date
    amount: Money
    unallocated: Money
    reference: str = ""
    payer: str = ""
    customer_open: Money | None = None
    exchange_rate: Decimal = field(default_factory=lambda: Decimal(1))


@dataclass(frozen=True, slots=True)
class AllocFacts:
    """One live allocation of the payment to a schedule line of an invoice."""

    invoice_key: int
    invoice_number: str
    due_date: date
    amount: Money
    disputed: bool = False


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    """An invoice the payment paid or named, after the payment.

    ``remainder`` is what is still open on its lines due by the payment date and on the lines
    the payment paid (instalments not yet due are not short).
    """

    key: int
    number: str
    remainder: Money


@dataclass(frozen=True, slots=True)
class Finding:
    """One exception found on a payment."""

    kind: str
    cause_code: str
    params: dict[str, str]
    invoice_key: int | None
    amount: Money

    @property
    def cause(self) -> str:
        """The readable English cause."""
        return cause_text(self.cause_code, self.params)


def cause_text(code: str, params: dict[str, str]) -> str:
    """The English sentence for a cause code and its parameters."""
    template = CAUSES.get(code)
    if template is None:
        return f"{code}: {params!r}"
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return f"{code}: {params!r}"


def money_text(m: Money) -> str:
    """``1,234.50 CNY``: how amounts are written in causes."""
    return f"{format_money(m)} {m.currency}"


def late_days(payment_date: date, due_date: date, policy: Policy) -> int:
    """Days late when the payment counts as late under ``policy``, else 0."""
    days = (payment_date - due_date).days
    return days if days >= max(1, policy.late_payment_days) else 0


def _norm_reference(text: str) -> str:
    return " ".join(to_halfwidth(text).casefold().split())


def same_reference(a: str, b: str) -> bool:
    """Two non-empty references that are the same up to case, width and spacing."""
    na, nb = _norm_reference(a), _norm_reference(b)
    return bool(na) and na == nb


def is_duplicate(payment: PaymentFacts, other: PaymentFacts, policy: Policy) -> str | None:
    """Whether ``other`` makes ``payment`` a suspected duplicate, and on which ground.

    Returns:
        ``duplicate_reference`` (same customer, amount and non-empty reference within the
        window), ``duplicate_same_day`` (same customer and amount on the same day), or None.
    """
    if other.key == payment.key or payment.customer_key is None:
        return None
    if (other.customer_key, other.amount) != (payment.customer_key, payment.amount):
        return None
    apart = abs((payment.payment_date - other.payment_date).days)
    if apart <= policy.duplicate_window_days and same_reference(payment.reference, other.reference):
        return "duplicate_reference"
    if apart == 0:
        return "duplicate_same_day"
    return None


def _over_tolerance(remainder: Money, payment: PaymentFacts, policy: Policy) -> bool:
    tolerance = policy.tolerance
    in_base = remainder
    if remainder.currency != tolerance.currency:
        in_base = remainder.convert(payment.exchange_rate, tolerance.currency)
    return in_base.minor > tolerance.minor


def _by_invoice(allocations: Sequence[AllocFacts]) -> dict[int, list[AllocFacts]]:
    out: dict[int, list[AllocFacts]] = {}
    for a in allocations:
        out.setdefault(a.invoice_key, []).append(a)
    return out


def _late(
    payment: PaymentFacts, groups: dict[int, list[AllocFacts]], policy: Policy
) -> list[Finding]:
    out: list[Finding] = []
    for key, rows in groups.items():
        late = [(late_days(payment.payment_date, a.due_date, policy), a) for a in rows]
        late = [(days, a) for days, a in late if days > 0]
        if not late:
            continue
        days, worst = max(late, key=lambda pair: (pair[0], -pair[1].amount.minor))
        amount = Money.sum((a.amount for _d, a in late), payment.amount.currency)
        params = {"days": str(days), "due": worst.due_date.isoformat()}
        params["invoice"] = worst.invoice_number
        out.append(Finding("late_payment", "late_payment", params, key, amount))
    return out


def _duplicate(
    payment: PaymentFacts, recent_same: Sequence[PaymentFacts], policy: Policy
) -> Finding | None:
    candidates = []
    for other in recent_same:
        ground = is_duplicate(payment, other, policy)
        if ground is not None:
            apart = abs((payment.payment_date - other.payment_date).days)
            candidates.append((ground != "duplicate_reference", apart, other.key, ground, other))
    if not candidates:
        return None
    *_, ground, other = min(candidates, key=lambda c: c[:3])
    params = {
        "other": other.number,
        "other_date": other.payment_date.isoformat(),
        "reference": other.reference.strip(),
    }
    return Finding("duplicate", ground, params, None, payment.amount)


def detect(
    payment: PaymentFacts,
    allocations: Sequence[AllocFacts],
    recent_same: Sequence[PaymentFacts],
    policy: Policy,
    *,
    invoices: Sequence[InvoiceFacts] = (),
) -> list[Finding]:
    """Every exception on one posted receipt.

    Args:
        payment: the receipt after allocation.
        allocations: its live allocations.
        recent_same: other posted receipts of the same customer and amount around its date.
        policy: tolerance, late days and duplicate window.
        invoices: the invoices it paid or named in its reference, with what is left open.

    Returns:
        The findings, in a stable order: unidentified (alone: nothing else can be judged
        without a customer), duplicate, disputed invoices, late payments, short payments,
        overpayment.
    """
    p = {"payment": payment.number, "date": payment.payment_date.isoformat()}
    if payment.customer_key is None:
        payer = payment.payer.strip() or "an unknown payer"
        return [
            Finding("unidentified", "unidentified", {**p, "payer": payer}, None, payment.amount)
        ]
    out: list[Finding] = []
    duplicate = _duplicate(payment, recent_same, policy)
    if duplicate is not None:
        out.append(duplicate)
    groups = _by_invoice(allocations)
    for key, rows in groups.items():
        if any(a.disputed for a in rows):
            amount = Money.sum((a.amount for a in rows), payment.amount.currency)
            params = {**p, "amount": money_text(amount), "invoice": rows[0].invoice_number}
            out.append(Finding("disputed_invoice", "disputed_invoice", params, key, amount))
    out.extend(_late(payment, groups, policy))
    if payment.unallocated.minor == 0:
        # Only money that was used up can be short; money left over is an allocation question.
        for inv in invoices:
            if inv.remainder.minor > 0 and _over_tolerance(inv.remainder, payment, policy):
                params = {**p, "invoice": inv.number, "remainder": money_text(inv.remainder)}
                out.append(
                    Finding("short_payment", "short_payment", params, inv.key, inv.remainder)
                )
    left = payment.unallocated
    if left.minor > 0 and payment.customer_open is not None and payment.customer_open.minor == 0:
        params = {**p, "amount": money_text(left)}
        out.append(Finding("overpayment", "overpayment", params, None, left))
    return out
