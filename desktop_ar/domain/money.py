"""Money as an integer number of minor units in one currency.

Floats are refused everywhere: a ``Money`` is built from an ``int`` number of minor units, or
from a ``Decimal`` (with an explicit rounding mode when the value has more precision than the
currency allows). Arithmetic is only defined within one currency.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from desktop_ar.domain.currency import minor_digits
from desktop_ar.domain.errors import DomainError

# 28 significant digits is plenty for amounts up to 10**18 minor units with rate arithmetic.
decimal.getcontext().prec = max(decimal.getcontext().prec, 28)
assert decimal.getcontext().prec >= 28

__all__ = ["ROUND_HALF_UP", "CurrencyMismatch", "Money", "allocate_minor", "split_minor"]


class CurrencyMismatch(DomainError):  # noqa: N818 - domain vocabulary
    """Raised when two amounts of different currencies are combined."""

    def __init__(self, left: str, right: str) -> None:
        super().__init__("currency_mismatch", left=left, right=right)


_new = object.__new__
_set = object.__setattr__


def _check_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int number of minor units, not {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An amount of money: ``minor`` units (cents, fen) of ``currency``."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        # Exact type checks: fast on the hot path (reports build many amounts), and they
        # refuse bool and float as well as anything else that is not a plain int.
        if type(self.minor) is not int:
            _check_int(self.minor, "Money.minor")
        if type(self.currency) is not str or len(self.currency) != 3:
            raise ValueError(f"currency must be a 3-letter code, not {self.currency!r}")

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def trusted(cls, minor: int, currency: str) -> Money:
        """Build without the checks, for many amounts read from a ``*_minor`` column.

        Only for a plain ``int`` and a currency code already checked (the rows of one query in
        one currency); about twice as fast as ``Money(minor, currency)``.
        """
        money = _new(cls)
        _set(money, "minor", minor)
        _set(money, "currency", currency)
        return money

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return zero in ``currency``."""
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, value: Decimal, currency: str, *, rounding: str | None = None) -> Money:
        """Build from a ``Decimal`` in major units (``Decimal("12.34")`` CNY → 1234 fen).

        Args:
            value: the amount in major units.
            currency: ISO code.
            rounding: a ``decimal`` rounding mode. Without it, a value with more decimals
                than the currency has raises ``DomainError("too_many_decimals")``.
        """
        if isinstance(value, float):
            raise TypeError("Money refuses float; pass a Decimal or a string")
        if not isinstance(value, Decimal):
            raise TypeError(f"expected Decimal, not {type(value).__name__}")
        if not value.is_finite():
            raise DomainError("not_a_number", value=str(value))
        digits = minor_digits(currency)
        scaled = value.scaleb(digits)
        integral = scaled.to_integral_value(rounding=rounding or ROUND_HALF_UP)
        if rounding is None and integral != scaled:
            raise DomainError(
                "too_many_decimals", value=str(value), currency=currency, decimals=digits
            )
        return cls(int(integral), currency)

    @classmethod
    def of(cls, value: str | int | Decimal, currency: str) -> Money:
        """Exact construction from a string or int in major units: ``Money.of("1.50", "CNY")``."""
        if isinstance(value, float):
            raise TypeError("Money refuses float; pass a Decimal or a string")
        return cls.from_decimal(Decimal(value), currency)

    # -- views --------------------------------------------------------------------------------
    @property
    def decimals(self) -> int:
        """Number of decimals of the currency."""
        return minor_digits(self.currency)

    def to_decimal(self) -> Decimal:
        """The amount in major units, with exactly the currency's decimals."""
        return Decimal(self.minor).scaleb(-self.decimals)

    def __str__(self) -> str:
        return f"{self.to_decimal():.{self.decimals}f} {self.currency}"

    def amount_str(self) -> str:
        """Plain decimal string without grouping, e.g. ``-1234.50`` (used in JSON and CSV)."""
        return f"{self.to_decimal():.{self.decimals}f}"

    # -- arithmetic ---------------------------------------------------------------------------
    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.minor + self._same(other).minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.minor - self._same(other).minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.minor < self._same(other).minor

    def __le__(self, other: Money) -> bool:
        return self.minor <= self._same(other).minor

    def __gt__(self, other: Money) -> bool:
        return self.minor > self._same(other).minor

    def __ge__(self, other: Money) -> bool:
        return self.minor >= self._same(other).minor

    def __bool__(self) -> bool:
        return self.minor != 0

    def is_zero(self) -> bool:
        """True when the amount is zero."""
        return self.minor == 0

    def scale(self, factor: Decimal, *, rounding: str) -> Money:
        """Multiply by a ``Decimal`` factor (a rate, a percentage) with an explicit rounding."""
        if isinstance(factor, float) or not isinstance(factor, Decimal):
            raise TypeError("scale() needs a Decimal factor")
        value = (Decimal(self.minor) * factor).to_integral_value(rounding=rounding)
        return Money(int(value), self.currency)

    def convert(self, rate: Decimal, to_currency: str, *, rounding: str = ROUND_HALF_UP) -> Money:
        """Convert to another currency at ``rate`` (units of ``to_currency`` per unit of self)."""
        if isinstance(rate, float) or not isinstance(rate, Decimal):
            raise TypeError("convert() needs a Decimal rate")
        major = self.to_decimal() * rate
        return Money.from_decimal(major, to_currency, rounding=rounding)

    def split(self, parts: int) -> list[Money]:
        """Split into ``parts`` near-equal amounts that add up exactly (largest remainder)."""
        return [Money(m, self.currency) for m in split_minor(self.minor, parts)]

    def allocate(self, weights: Sequence[Decimal | int]) -> list[Money]:
        """Split in proportion to ``weights``; the parts add up exactly (largest remainder)."""
        return [Money(m, self.currency) for m in allocate_minor(self.minor, weights)]

    @staticmethod
    def sum(items: Iterable[Money], currency: str) -> Money:
        """Sum amounts of one currency (``currency`` names the result when ``items`` is empty)."""
        total = Money.zero(currency)
        for item in items:
            total = total + item
        return total


def split_minor(total: int, parts: int) -> list[int]:
    """Split an integer into ``parts`` integers differing by at most one, summing to ``total``."""
    _check_int(total, "total")
    if parts <= 0:
        raise ValueError("parts must be positive")
    return allocate_minor(total, [1] * parts)


def allocate_minor(total: int, weights: Sequence[Decimal | int]) -> list[int]:
    """Largest-remainder allocation of ``total`` minor units in proportion to ``weights``.

    The parts add up exactly to ``total``; each part is within one unit of its proportional
    value; ties go to the earlier weight, so the result is deterministic. Negative totals are
    allocated symmetrically.
    """
    _check_int(total, "total")
    if not weights:
        raise ValueError("weights must not be empty")
    dweights = []
    for w in weights:
        if isinstance(w, float):
            raise TypeError("weights must be int or Decimal, not float")
        d = Decimal(w)
        if d < 0:
            raise ValueError("weights must not be negative")
        dweights.append(d)
    wsum = sum(dweights, Decimal(0))
    if wsum == 0:
        raise ValueError("weights must not all be zero")
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    exact = [Decimal(magnitude) * w / wsum for w in dweights]
    floors = [int(e.to_integral_value(rounding=decimal.ROUND_FLOOR)) for e in exact]
    remainder = magnitude - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:remainder]:
        floors[i] += 1
    return [sign * f for f in floors]
