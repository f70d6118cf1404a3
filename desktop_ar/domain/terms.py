"""Payment terms (账期 / 付款条件) → payment schedule and due dates.

Terms are written as a short canonical spec, case-insensitive on input and upper-case on output:

* ``NET30`` — due 30 days after the issue date (``NET0`` = due on the issue date);
* ``EOM30`` — due 30 days after the end of the issue month (月结30天; ``EOM0`` = month end);
* ``DAY10`` — due on day 10 of the next month (clamped to that month's last day);
* ``30%NET30+50%NET60+20%NET90`` — split terms whose percentages add up to exactly 100;
* an optional early-payment discount after a space: ``NET30 2%7D`` (2 % of the gross amount if
  paid within 7 days of issue) or ``NET30 2%7D/NET`` (2 % of the amount net of tax).

Schedules split the amount with ``Money.allocate`` so the lines add up exactly to the invoice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from desktop_ar.domain.dates import add_months, end_of_month
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import to_halfwidth

__all__ = [
    "COMMON_TERMS",
    "Discount",
    "PaymentTerms",
    "ScheduleLine",
    "TermPart",
    "build_schedule",
    "custom_instalments",
    "describe_terms",
    "due_date",
    "equal_instalments",
    "parse_terms",
]

COMMON_TERMS: list[str] = [
    "NET0",
    "NET15",
    "NET30",
    "NET45",
    "NET60",
    "EOM30",
    "EOM60",
    "DAY10",
    "30%NET30+50%NET60+20%NET90",
    "NET30 2%10D",
]

RULES = ("NET", "EOM", "DAY")
MAX_DAYS = 3660  # ten years: anything longer is a typing mistake
_HUNDRED = Decimal(100)
_PCT = r"(\d{1,3}(?:\.\d{1,4})?)"
_RULE_RE = re.compile(r"(NET|EOM|DAY)(\d{1,4})", re.ASCII)
_PART_RE = re.compile(rf"(?:{_PCT}%)?(NET|EOM|DAY)(\d{{1,4}})", re.ASCII)
_DISCOUNT_RE = re.compile(rf"{_PCT}%(\d{{1,4}})D(/NET)?", re.ASCII)


def _pct_str(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _bad(value: str, reason: str) -> DomainError:
    return DomainError("bad_terms", value=value, reason=reason)


@dataclass(frozen=True, slots=True)
class TermPart:
    """One part of the terms: ``percent`` of the amount, due by ``rule`` with ``days``."""

    percent: Decimal
    rule: str
    days: int

    @property
    def spec(self) -> str:
        """The rule without the percentage, e.g. ``NET30``."""
        return f"{self.rule}{self.days}"


@dataclass(frozen=True, slots=True)
class Discount:
    """Early-payment discount: ``percent`` if paid within ``days`` of the issue date."""

    percent: Decimal
    days: int
    on_net: bool = False

    @property
    def spec(self) -> str:
        """Canonical text, e.g. ``2%7D`` or ``2%7D/NET``."""
        return f"{_pct_str(self.percent)}%{self.days}D" + ("/NET" if self.on_net else "")


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """Parsed payment terms; build them with :func:`parse_terms`. ``str()`` gives the spec."""

    parts: tuple[TermPart, ...]
    discount: Discount | None = None

    def __post_init__(self) -> None:
        reason = self._problem()
        if reason is not None:
            try:
                spec = self.spec
            except (TypeError, ValueError, ArithmeticError):
                spec = repr(self.parts)
            raise _bad(spec, reason)

    def _problem(self) -> str | None:
        if not self.parts:
            return "there is no due rule"
        for part in self.parts:
            if part.rule not in RULES:
                return f"unknown rule {part.rule!r}"
            if not 0 <= part.days <= MAX_DAYS:
                return f"{part.days} days is out of range"
            if part.rule == "DAY" and not 1 <= part.days <= 31:
                return "the day of the month must be 1 to 31"
            if not isinstance(part.percent, Decimal) or not 0 < part.percent <= _HUNDRED:
                return "each percentage must be above 0 and at most 100"
        total = sum((p.percent for p in self.parts), Decimal(0))
        if total != _HUNDRED:
            return f"the percentages add up to {_pct_str(total)}, not 100"
        d = self.discount
        if d is not None:
            if not isinstance(d.percent, Decimal) or not 0 < d.percent < _HUNDRED:
                return "the discount must be above 0% and below 100%"
            if not 0 <= d.days <= MAX_DAYS:
                return f"{d.days} discount days is out of range"
        return None

    @property
    def spec(self) -> str:
        """Canonical spec, e.g. ``30%NET30+70%NET60 2%7D``."""
        if len(self.parts) == 1 and self.parts[0].percent == _HUNDRED:
            text = self.parts[0].spec
        else:
            text = "+".join(f"{_pct_str(p.percent)}%{p.spec}" for p in self.parts)
        return f"{text} {self.discount.spec}" if self.discount else text

    def __str__(self) -> str:
        return self.spec


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    """One dated line of a payment schedule (an instalment)."""

    seq: int
    due_date: date
    amount: Money
    discount_until: date | None
    discount: Money


def parse_terms(spec: str) -> PaymentTerms:
    """Parse a terms spec such as ``NET30``, ``EOM30``, ``DAY10`` or ``30%NET30+70%NET60 2%7D``.

    Args:
        spec: the text; case and spaces around ``+`` and ``%`` do not matter.

    Returns:
        The terms; ``str(result)`` is the canonical spec.

    Raises:
        DomainError: ``bad_terms`` naming what is wrong.
    """
    if not isinstance(spec, str):
        raise TypeError(f"expected str, not {type(spec).__name__}")
    text = to_halfwidth(spec).strip().upper()
    text = re.sub(r"\s*([+%/])\s*", r"\1", text)
    text = re.sub(r"(NET|EOM|DAY)\s+(\d)", r"\1\2", text)
    tokens = text.split()
    if not tokens:
        raise _bad(spec, "they are empty")
    if len(tokens) > 2:
        raise _bad(spec, "write the due rule, then optionally one discount such as 2%10D")
    parts = []
    for chunk in tokens[0].split("+"):
        m = _PART_RE.fullmatch(chunk)
        if m is None:
            raise _bad(spec, f"{chunk!r} is not NETn, EOMn, DAYn or P%RULE")
        if m[1] is None and len(tokens[0].split("+")) > 1:
            raise _bad(spec, f"{chunk!r} needs a percentage in split terms")
        percent = Decimal(m[1]) if m[1] is not None else _HUNDRED
        parts.append(TermPart(percent, m[2], int(m[3])))
    discount = None
    if len(tokens) == 2:
        m = _DISCOUNT_RE.fullmatch(tokens[1])
        if m is None:
            raise _bad(spec, f"{tokens[1]!r} is not a discount such as 2%10D or 2%10D/NET")
        discount = Discount(Decimal(m[1]), int(m[2]), on_net=m[3] is not None)
    try:
        return PaymentTerms(tuple(parts), discount)
    except DomainError as exc:
        raise _bad(spec, exc.params.get("reason", exc.code)) from None


def _part_due(part: TermPart, issue_date: date) -> date:
    if part.rule == "NET":
        return issue_date + timedelta(days=part.days)
    if part.rule == "EOM":
        return end_of_month(issue_date) + timedelta(days=part.days)
    first_next = add_months(issue_date.replace(day=1), 1)
    return first_next.replace(day=min(part.days, end_of_month(first_next).day))


def build_schedule(
    terms: PaymentTerms, issue_date: date, amount: Money, tax: Money | None = None
) -> list[ScheduleLine]:
    """Split an invoice amount into dated lines by the terms.

    The lines add up exactly to ``amount`` (largest-remainder allocation by percentage) and are
    ordered by due date. Each line's discount is its share of the base (gross, or net of tax for
    ``/NET`` discounts) × the discount percentage, rounded half up to the minor unit.

    Args:
        terms: the payment terms.
        issue_date: the invoice date.
        amount: the invoice total including tax.
        tax: the tax included in ``amount``; only used for ``/NET`` discounts (``None`` = 0).

    Returns:
        The schedule lines, ``seq`` numbered from 1.
    """
    weights = [p.percent for p in terms.parts]
    amounts = amount.allocate(weights)
    discounts = [Money.zero(amount.currency)] * len(amounts)
    until = None
    d = terms.discount
    if d is not None:
        until = issue_date + timedelta(days=d.days)
        base = amounts
        if d.on_net:
            net = amount - (tax if tax is not None else Money.zero(amount.currency))
            base = net.allocate(weights)
        discounts = [b.scale(d.percent / _HUNDRED, rounding=ROUND_HALF_UP) for b in base]
    dated = sorted(
        (
            (_part_due(p, issue_date), a, disc)
            for p, a, disc in zip(terms.parts, amounts, discounts, strict=True)
        ),
        key=lambda row: row[0],
    )
    return [
        ScheduleLine(seq, due, line_amount, until, disc)
        for seq, (due, line_amount, disc) in enumerate(dated, start=1)
    ]


def due_date(terms: PaymentTerms, issue_date: date) -> date:
    """The final due date of an invoice issued on ``issue_date`` under ``terms``.

    Args:
        terms: the payment terms.
        issue_date: the invoice date.

    Returns:
        The latest due date of the schedule.
    """
    return max(_part_due(p, issue_date) for p in terms.parts)


def _invalid(reason: str) -> DomainError:
    return DomainError("invalid", field="instalments", reason=reason)


def equal_instalments(
    amount: Money, first_due: date, count: int, every_months: int = 1
) -> list[ScheduleLine]:
    """Split an amount into ``count`` near-equal instalments a fixed number of months apart.

    Args:
        amount: the total; must be positive and at least one minor unit per instalment.
        first_due: due date of the first instalment; later ones keep its day of month
            (clamped to month end, so 31 Jan → 28/29 Feb → 31 Mar).
        count: number of instalments (1 or more).
        every_months: months between instalments (1 or more).

    Returns:
        The schedule lines; they add up exactly to ``amount`` (earlier lines take the odd cents).

    Raises:
        DomainError: ``invalid`` for a bad count, interval or amount.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise _invalid("the number of instalments must be 1 or more")
    if isinstance(every_months, bool) or not isinstance(every_months, int) or every_months < 1:
        raise _invalid("instalments must be at least one month apart")
    if amount.minor < count:
        raise _invalid(f"{amount} cannot be split into {count} positive instalments")
    zero = Money.zero(amount.currency)
    return [
        ScheduleLine(i + 1, add_months(first_due, i * every_months), part, None, zero)
        for i, part in enumerate(amount.split(count))
    ]


def custom_instalments(amount: Money, parts: Sequence[tuple[date, Money]]) -> list[ScheduleLine]:
    """Build a schedule from hand-entered (due date, amount) instalments.

    Args:
        amount: the invoice total the instalments must add up to.
        parts: the instalments with strictly increasing due dates and positive amounts.

    Returns:
        The schedule lines, numbered from 1.

    Raises:
        DomainError: ``invalid`` when there are none, a part is not positive or in another
            currency, dates do not increase, or the parts do not add up to ``amount``.
    """
    if not parts:
        raise _invalid("enter at least one instalment")
    total = Money.zero(amount.currency)
    previous: date | None = None
    for n, (due, part) in enumerate(parts, start=1):
        if part.currency != amount.currency:
            raise _invalid(f"instalment {n} is in {part.currency}, not {amount.currency}")
        if part.minor <= 0:
            raise _invalid(f"instalment {n} must be more than zero")
        if previous is not None and due <= previous:
            raise _invalid(f"instalment {n} is due on {due}, not after {previous}")
        previous = due
        total = total + part
    if total != amount:
        raise _invalid(f"instalments must add up to {amount}, not {total}")
    zero = Money.zero(amount.currency)
    return [ScheduleLine(n, due, part, None, zero) for n, (due, part) in enumerate(parts, start=1)]


def _describe_part(part: TermPart, zh: bool, *, split: bool) -> str:
    n = part.days
    if zh:
        if part.rule == "NET":
            return "即期" if n == 0 else f"{n}天"
        if part.rule == "EOM":
            return "当月月底" if n == 0 else f"月结{n}天"
        return f"次月{n}日"
    if part.rule == "NET":
        if split:
            return f"net {n}"
        text = "due on invoice date" if n == 0 else f"net {n} day{'s' if n != 1 else ''}"
    elif part.rule == "EOM":
        text = "end of month" if n == 0 else f"{n} day{'s' if n != 1 else ''} after month end"
    else:
        text = f"day {n} of next month"
    return text if split else text[0].upper() + text[1:]


def describe_terms(terms: PaymentTerms, lang: str = "en") -> str:
    """Describe terms in words: ``Net 30 days``, ``月结30天``, ``30% net 30 / 70% net 60``.

    Args:
        terms: the payment terms.
        lang: ``"en"`` or ``"zh"`` (any ``zh-…`` variant); other values give English.

    Returns:
        The description, with the discount after ``; `` (``；`` in Chinese).
    """
    zh = lang.lower().startswith("zh")
    if len(terms.parts) == 1:
        text = _describe_part(terms.parts[0], zh, split=False)
    else:
        text = " / ".join(
            f"{_pct_str(p.percent)}%" + ("" if zh else " ") + _describe_part(p, zh, split=True)
            for p in terms.parts
        )
    d = terms.discount
    if d is None:
        return text
    pct = _pct_str(d.percent)
    if zh:
        basis = "，按不含税金额" if d.on_net else ""
        return f"{text}；{pct}%现金折扣({d.days}天内{basis})"
    basis = " on the amount before tax" if d.on_net else ""
    days = f"{d.days} day{'s' if d.days != 1 else ''}"
    return f"{text}; {pct}% discount within {days}{basis}"
