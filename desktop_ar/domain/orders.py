"""Order line arithmetic: line amounts, totals, and what may be invoiced.

* line net = quantity × unit price, rounded half up to the currency's minor unit;
* line tax = line net × tax rate (a fraction: ``0.13`` for 13 %), rounded half up;
* order totals are the sums of the rounded lines (tax is rounded per line, as on a fapiao).

When a line is invoiced in parts, each part is computed the same way except the part that
completes the line, which takes what is left of the line's net and tax, so the invoices of an
order always add up exactly to the order.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money

__all__ = [
    "LineAmounts",
    "OrderLine",
    "Totals",
    "invoiceable",
    "line_amounts",
    "normalise_quantity",
    "part_amounts",
    "totals",
]

_ZERO = Decimal(0)


def _invalid(field: str, reason: str) -> DomainError:
    return DomainError("invalid", field=field, reason=reason)


def normalise_quantity(q: Decimal) -> Decimal:
    """A quantity without trailing zeros or exponent (``Decimal("5.50")`` → ``5.5``).

    Raises:
        TypeError: for a float or anything that is not a ``Decimal``.
        DomainError: ``invalid`` for a negative or non-finite quantity.
    """
    if isinstance(q, float) or not isinstance(q, Decimal):
        raise TypeError("quantities must be Decimal")
    if not q.is_finite() or q < 0:
        raise _invalid("quantity", f"{q} is not a quantity")
    return Decimal(format(q.normalize(), "f")) if q else _ZERO


@dataclass(frozen=True, slots=True)
class LineAmounts:
    """Net and tax of a line (or part of a line)."""

    net: Money
    tax: Money

    @property
    def total(self) -> Money:
        """Net plus tax."""
        return self.net + self.tax


def line_amounts(quantity: Decimal, unit_price: Money, tax_rate: Decimal) -> LineAmounts:
    """Net (quantity × unit price) and tax (net × rate), each rounded half up.

    Args:
        quantity: how many (not negative).
        unit_price: the price of one.
        tax_rate: a fraction, ``0.13`` for 13 % (0 to 1).

    Returns:
        The line's amounts in the unit price's currency.
    """
    quantity = normalise_quantity(quantity)
    if isinstance(tax_rate, float) or not isinstance(tax_rate, Decimal):
        raise TypeError("tax_rate must be a Decimal")
    if not tax_rate.is_finite() or not _ZERO <= tax_rate <= 1:
        raise _invalid("tax_rate", f"{tax_rate} is not a rate between 0 and 1")
    if unit_price.minor < 0:
        raise _invalid("unit_price", "must not be negative")
    net = unit_price.scale(quantity, rounding=ROUND_HALF_UP)
    return LineAmounts(net, net.scale(tax_rate, rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A line as the arithmetic sees it; ``key`` identifies it (line id or row number)."""

    quantity: Decimal
    unit_price: Money
    tax_rate: Decimal
    unit_cost: Money
    key: Hashable = 0
    invoiced: Decimal = _ZERO

    @property
    def amounts(self) -> LineAmounts:
        """Net and tax of the whole line."""
        return line_amounts(self.quantity, self.unit_price, self.tax_rate)

    @property
    def cost(self) -> Money:
        """Quantity × unit cost, rounded half up."""
        return self.unit_cost.scale(normalise_quantity(self.quantity), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Totals:
    """Order totals: net, tax, total with tax, cost and gross margin (net − cost)."""

    net: Money
    tax: Money
    total: Money
    cost: Money

    @property
    def margin(self) -> Money:
        """Gross margin: net − cost."""
        return self.net - self.cost


def totals(lines: Sequence[OrderLine], currency: str) -> Totals:
    """Sum the rounded lines.

    Args:
        lines: the order lines, all priced in ``currency``.
        currency: the order currency (names the zero totals of an empty order).

    Returns:
        The totals.

    Raises:
        CurrencyMismatch: a line is priced in another currency.
    """
    net = tax = cost = Money.zero(currency)
    for line in lines:
        amounts = line.amounts
        net, tax, cost = net + amounts.net, tax + amounts.tax, cost + line.cost
    return Totals(net, tax, net + tax, cost)


def invoiceable(
    lines: Sequence[OrderLine], delivered: Mapping[Hashable, Decimal]
) -> dict[Hashable, Decimal]:
    """What may be invoiced now: per line, delivered (at most the ordered quantity) − invoiced.

    Args:
        lines: the order lines with what was invoiced already (``OrderLine.invoiced``).
        delivered: the quantity delivered so far per line key (missing = nothing).

    Returns:
        ``{line key: quantity}`` for every line with something left to invoice.
    """
    out: dict[Hashable, Decimal] = {}
    for line in lines:
        done = min(delivered.get(line.key, _ZERO), line.quantity)
        left = done - line.invoiced
        if left > 0:
            out[line.key] = normalise_quantity(left)
    return out


def part_amounts(
    line: OrderLine, quantity: Decimal, already: LineAmounts | None = None
) -> LineAmounts:
    """Net and tax of invoicing ``quantity`` of a line that has ``line.invoiced`` billed.

    A part is the difference of the line's cumulative amounts after and before it (net and tax
    each rounded on the running quantity), so parts are never negative and add up exactly to
    the line whatever their sizes; the part that completes the line takes the rest of its net
    and tax (``already`` is what the earlier parts came to).

    Raises:
        DomainError: ``invalid`` when the quantity is not positive or more than is left.
    """
    quantity = normalise_quantity(quantity)
    left = line.quantity - line.invoiced
    if quantity <= 0 or quantity > left:
        raise _invalid("quantity", f"{quantity} is more than the {normalise_quantity(left)} left")
    if quantity == left:
        whole = line.amounts
        zero = Money.zero(line.unit_price.currency)
        before = already or LineAmounts(zero, zero)
        rest = LineAmounts(whole.net - before.net, whole.tax - before.tax)
        if rest.net.minor < 0 or rest.tax.minor < 0:  # only with prices of a few fen
            raise _invalid("quantity", "the earlier parts already billed the whole line")
        return rest
    after = line_amounts(line.invoiced + quantity, line.unit_price, line.tax_rate)
    before = line_amounts(line.invoiced, line.unit_price, line.tax_rate)
    return LineAmounts(after.net - before.net, after.tax - before.tax)
