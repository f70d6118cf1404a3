"""Currencies known to the application and their minor-unit digits (ISO 4217)."""

from __future__ import annotations

from desktop_ar.domain.errors import DomainError

# ISO 4217 minor units for the currencies a small Chinese/English trading office meets.
_MINOR_DIGITS: dict[str, int] = {
    "CNY": 2,
    "HKD": 2,
    "TWD": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "AUD": 2,
    "CAD": 2,
    "CHF": 2,
    "SGD": 2,
    "NZD": 2,
    "MYR": 2,
    "THB": 2,
    "RUB": 2,
    "PLN": 2,
    "HUF": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "CZK": 2,
    "TRY": 2,
    "BRL": 2,
    "INR": 2,
    "MXN": 2,
    "ZAR": 2,
    "AED": 2,
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "IDR": 2,
    "CLP": 0,
    "ISK": 0,
    "KWD": 3,
    "BHD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
    # Met in European and other bank files.
    "RON": 2,
    "BGN": 2,
    "HRK": 2,
    "RSD": 2,
    "UAH": 2,
    "KZT": 2,
    "ILS": 2,
    "PHP": 2,
    "SAR": 2,
    "QAR": 2,
    "EGP": 2,
    "NGN": 2,
    "ARS": 2,
    "COP": 2,
    "PEN": 2,
    "MAD": 2,
}

SYMBOLS: dict[str, str] = {
    "CNY": "¥",
    "JPY": "¥",
    "USD": "$",
    "HKD": "HK$",
    "EUR": "€",
    "GBP": "£",
}


def minor_digits(currency: str) -> int:
    """Number of decimals of ``currency``; raises ``DomainError`` for an unknown code."""
    try:
        return _MINOR_DIGITS[currency]
    except KeyError:
        raise DomainError("unknown_currency", currency=currency) from None


def is_known(currency: str) -> bool:
    """True when the currency code is known."""
    return currency in _MINOR_DIGITS


def known_currencies() -> list[str]:
    """All known currency codes, sorted."""
    return sorted(_MINOR_DIGITS)
