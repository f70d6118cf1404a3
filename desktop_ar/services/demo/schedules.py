"""Payment schedules for a million demo invoices, exactly as ``build_schedule`` makes them.

``build_schedule`` works on ``Money`` and ``Decimal``; calling it a million times would cost more
than the rest of an invoice. The shape of a schedule (due dates, order, discount date) only
depends on the terms and the issue day, so it is taken from the terms once per (terms, day); the
amounts are then split with integer arithmetic that is provably the same as the domain's:

* ``Money.allocate`` is largest-remainder over Decimal weights. With integer percentages summing
  to 100 the exact shares ``amount × w / 100`` have at most two decimals, so their floors are
  ``amount × w // 100`` and the fractional parts order like ``amount × w % 100`` — ties to the
  earlier part, as in ``allocate_minor``.
* ``Money.scale(pct / 100, ROUND_HALF_UP)`` of a non-negative amount with an integer percentage
  is ``floor(b × pct / 100 + ½) = (2 × b × pct + 100) // 200``.

Terms with fractional percentages fall back to ``build_schedule`` itself. A test compares both.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import PaymentTerms, TermPart, build_schedule, due_date, parse_terms
from desktop_ar.services.demo.render import Calendar

__all__ = ["TermsCache", "split_percent"]

Line = tuple[int, int, int, int]  # (due day, amount, discount-until day or -1, discount)
_HUNDRED = Decimal(100)


def split_percent(total: int, weights: list[int]) -> list[int]:
    """Largest-remainder split of a non-negative ``total`` by integer percentages (sum 100)."""
    floors = [total * w // 100 for w in weights]
    left = total - sum(floors)
    if left:
        order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % 100), i))
        for i in order[:left]:
            floors[i] += 1
    return floors


class _Shape:
    __slots__ = ("discount", "dues", "on_net", "order", "until", "weights")

    def __init__(self, terms: PaymentTerms, cal: Calendar, issue: int) -> None:
        issued = cal.dates[issue]
        self.weights = [int(p.percent) for p in terms.parts]
        self.dues = [
            cal.day_of(due_date(PaymentTerms((TermPart(_HUNDRED, p.rule, p.days),)), issued))
            for p in terms.parts
        ]
        # build_schedule sorts the parts by due date, keeping the written order for ties.
        self.order = sorted(range(len(self.dues)), key=lambda i: self.dues[i])
        d = terms.discount
        self.discount = int(d.percent) if d is not None else 0
        self.on_net = bool(d is not None and d.on_net)
        self.until = cal.day_of(issued + timedelta(days=d.days)) if d is not None else -1


def _integral(terms: PaymentTerms) -> bool:
    pcts = [p.percent for p in terms.parts]
    if terms.discount is not None:
        pcts.append(terms.discount.percent)
    return all(p == p.to_integral_value() for p in pcts)


class TermsCache:
    """Parsed terms and schedule shapes per (terms, issue day)."""

    def __init__(self, cal: Calendar) -> None:
        """Cache over ``cal``'s days."""
        self.cal = cal
        self._parsed: dict[str, PaymentTerms] = {}
        self._shapes: dict[tuple[str, int], _Shape | None] = {}

    def terms(self, spec: str) -> PaymentTerms:
        """The parsed terms of a spec."""
        found = self._parsed.get(spec)
        if found is None:
            found = self._parsed[spec] = parse_terms(spec)
        return found

    def schedule(self, spec: str, issue: int, amount: int, tax: int, ccy: str) -> list[Line]:
        """The schedule of an invoice as ``(due_day, amount, until_day or -1, discount)``.

        Args:
            spec: the payment terms.
            issue: the issue day.
            amount: the invoice total (minor units, not negative).
            tax: the tax included in it.
            ccy: the currency (only used by the ``build_schedule`` fallback).
        """
        key = (spec, issue)
        shape = self._shapes.get(key, False)
        if shape is False:
            terms = self.terms(spec)
            shape = self._shapes[key] = _Shape(terms, self.cal, issue) if _integral(terms) else None
        if shape is None:
            return self._slow(spec, issue, amount, tax, ccy)
        if len(shape.weights) == 1 and not shape.discount:
            return [(shape.dues[0], amount, -1, 0)]
        amounts = split_percent(amount, shape.weights)
        discounts = [0] * len(amounts)
        if shape.discount:
            base = split_percent(amount - tax, shape.weights) if shape.on_net else amounts
            discounts = [(2 * b * shape.discount + 100) // 200 for b in base]
        return [(shape.dues[i], amounts[i], shape.until, discounts[i]) for i in shape.order]

    def _slow(self, spec: str, issue: int, amount: int, tax: int, ccy: str) -> list[Line]:
        day_of = self.cal.day_of
        lines = build_schedule(
            self.terms(spec), self.cal.dates[issue], Money(amount, ccy), Money(tax, ccy)
        )
        return [
            (
                day_of(ln.due_date),
                ln.amount.minor,
                -1 if ln.discount_until is None else day_of(ln.discount_until),
                ln.discount.minor,
            )
            for ln in lines
        ]
