"""Parsing and formatting of amounts and dates as users type them and spreadsheets hold them.

One strict parser for amounts (in the spirit of Beancount's ``D()``): it accepts the usual
Chinese and English ways of writing an amount — currency symbols and codes, ``元``, full-width
digits, accounting parentheses, trailing minus, thin-space grouping — and rejects anything it
cannot read exactly. Floats are refused with ``TypeError``. ``format_money`` is the one pure
formatter; ``parse_amount(format_money(m), m.currency) == m`` for every amount.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop_ar.domain.currency import SYMBOLS, is_known
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money

__all__ = ["format_money", "parse_amount", "parse_date", "parse_decimal", "to_halfwidth"]

# Full-width ASCII block (U+FF01..U+FF5E) → ASCII; the various spaces → a plain space; minus
# signs and dashes that people paste from Word or web pages → "-".
_HALFWIDTH: dict[int, int | str] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALFWIDTH.update(
    {
        0x3000: " ",  # ideographic space
        0x00A0: " ",  # no-break space
        0x2007: " ",  # figure space
        0x2009: " ",  # thin space
        0x202F: " ",  # narrow no-break space
        0x2212: "-",  # minus sign
        0x2012: "-",  # figure dash
        0x2013: "-",  # en dash
        0xFE63: "-",  # small hyphen-minus
        0xFFE5: "¥",  # full-width yen sign
        0xFFE0: "¢",
        0xFFE1: "£",
        0x3002: ".",  # ideographic full stop, typed by Chinese IMEs as a decimal point
        0xFF61: ".",  # half-width ideographic full stop
    }
)

# Currency markers written before or after the number. A marker maps to the currency codes it
# can stand for; ``None`` means "some currency, not checked" (``$`` or ``元`` is used for many).
_MARKERS: dict[str, frozenset[str] | None] = {
    "US$": frozenset({"USD"}),
    "HK$": frozenset({"HKD"}),
    "NT$": frozenset({"TWD"}),
    "RMB": frozenset({"CNY"}),
    "人民币": frozenset({"CNY"}),
    "¥": frozenset({"CNY", "JPY"}),
    "€": frozenset({"EUR"}),
    "£": frozenset({"GBP"}),
    "$": None,
    "元": None,
}
_MARKER_RE = "|".join(re.escape(m) for m in sorted(_MARKERS, key=len, reverse=True))
_PREFIX_RE = re.compile(rf"(?:{_MARKER_RE}|[A-Z]{{3}}(?![A-Z]))", re.ASCII)
_SUFFIX_RE = re.compile(rf"(?:{_MARKER_RE}|(?<![A-Z])[A-Z]{{3}})$", re.ASCII)

# Number bodies. Groups are three digits; the group separator must be used consistently.
_POINT_RE = re.compile(
    r"\d+(?:\.\d+)?|[1-9]\d{0,2}(?P<g>[, ])\d{3}(?:(?P=g)\d{3})*(?:\.\d+)?", re.ASCII
)
_COMMA_RE = re.compile(
    r"\d+(?:,\d+)?|[1-9]\d{0,2}(?P<g>[. ])\d{3}(?:(?P=g)\d{3})*(?:,\d+)?", re.ASCII
)


def to_halfwidth(text: str) -> str:
    """Fold full-width characters, odd spaces and minus signs to plain ASCII.

    Args:
        text: any text.

    Returns:
        The text with ``１２３４．５`` → ``1234.5``, NBSP/thin spaces → space, ``−`` → ``-``.
    """
    return text.translate(_HALFWIDTH)


def _bad(value: object) -> DomainError:
    return DomainError("bad_amount", value=value)


def _peel(body: str, original: str) -> tuple[str, bool, str | None]:
    """Strip signs, parentheses and currency markers; return (number, negative, marker)."""
    body = body.strip()
    negative = False
    signs = markers = 0
    marker: str | None = None
    changed = True
    while changed and body:
        if body[0] in "+-":
            negative, signs = negative or body[0] == "-", signs + 1
            body = body[1:]
        elif body[-1] == "-":
            negative, signs = True, signs + 1
            body = body[:-1]
        elif body[0] == "(" and body[-1] == ")":
            negative, signs = True, signs + 1
            body = body[1:-1]
        elif (m := _PREFIX_RE.match(body)) is not None:
            marker, markers = m.group(), markers + 1
            body = body[m.end() :]
        elif (m := _SUFFIX_RE.search(body)) is not None:
            marker, markers = m.group(), markers + 1
            body = body[: m.start()]
        else:
            changed = False
        body = body.strip()
    if signs > 1 or markers > 1:
        raise _bad(original)
    if marker is not None and marker not in _MARKERS and not is_known(marker):
        raise _bad(original)
    return body, negative, marker


def _parse(text: str | int | Decimal, decimal_comma: bool) -> tuple[Decimal, str | None]:
    if isinstance(text, float):
        raise TypeError("amounts are never floats; pass a str, int or Decimal")
    if isinstance(text, bool):
        raise TypeError("expected an amount, not a bool")
    if isinstance(text, int):
        return Decimal(text), None
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise _bad(str(text))
        return (abs(text) if text == 0 else text), None
    if not isinstance(text, str):
        raise TypeError(f"expected str, int or Decimal, not {type(text).__name__}")
    body, negative, marker = _peel(to_halfwidth(text).upper(), text)
    pattern = _COMMA_RE if decimal_comma else _POINT_RE
    if pattern.fullmatch(body) is None:
        raise _bad(text)
    if decimal_comma:
        plain = body.replace(".", "").replace(" ", "").replace(",", ".")
    else:
        plain = body.replace(",", "").replace(" ", "")
    try:
        value = Decimal(plain)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits and one point
        raise _bad(text) from None
    if negative and value != 0:
        value = -value
    return value, marker


def parse_decimal(text: str | int | Decimal, *, decimal_comma: bool = False) -> Decimal:
    """Parse an amount as typed by a user or held in a spreadsheet into an exact ``Decimal``.

    Accepted: ``1,234.50``, ``¥1,234.50``, ``1234.5元``, ``RMB 1,234.50``, ``CNY1234.5``,
    ``US$1,234.50``, full-width ``１，２３４．５０``, ``(1,234.50)`` / ``（1,234.50）`` and
    ``1,234.50-`` as negatives, ``−`` (unicode minus), spaces/thin spaces/NBSP as group separators.
    ``1.234,50`` is only read with ``decimal_comma=True`` (then ``.`` and spaces group).

    Args:
        text: the text, or an ``int`` / ``Decimal`` passed through unchanged.
        decimal_comma: read ``,`` as the decimal separator (European style).

    Returns:
        The exact value; negative zero is returned as zero.

    Raises:
        TypeError: for a ``float`` or any other non-text type.
        DomainError: ``bad_amount`` for empty text, garbage, several signs or currency markers,
            an unknown currency code, or misplaced group separators such as ``1,23,4.5``.
    """
    return _parse(text, decimal_comma)[0]


def parse_amount(
    text: str | int | Decimal,
    currency: str,
    *,
    rounding: str | None = None,
    decimal_comma: bool = False,
) -> Money:
    """Parse an amount into ``Money`` of ``currency``.

    Args:
        text: as accepted by :func:`parse_decimal`.
        currency: the ISO code of the result.
        rounding: a ``decimal`` rounding mode; without it more decimals than the currency has
            raise ``DomainError("too_many_decimals")``.
        decimal_comma: see :func:`parse_decimal`.

    Returns:
        The amount.

    Raises:
        DomainError: ``bad_amount``, ``too_many_decimals``, or ``currency_mismatch`` when the
            text names another currency (``US$5`` parsed as CNY).
    """
    value, marker = _parse(text, decimal_comma)
    if marker is not None:
        allowed = _MARKERS.get(marker, frozenset({marker}))
        if allowed is not None and currency not in allowed:
            raise DomainError("currency_mismatch", left=marker, right=currency)
    return Money.from_decimal(value, currency, rounding=rounding)


_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})", re.ASCII),
    re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})", re.ASCII),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})", re.ASCII),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?", re.ASCII),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})", re.ASCII),
    re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})", re.ASCII),
)
# Spreadsheets sometimes hold a date as text with a midnight time; nothing else is accepted.
_MIDNIGHT_RE = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?$", re.ASCII)


def parse_date(text: str) -> date:
    """Parse a date as users and spreadsheets write it.

    Accepted: ``2025-03-01``, ``2025/3/1``, ``2025.3.1``, ``2025年3月1日``, ``20250301`` and
    ``01.03.2025`` (day.month.year).

    Args:
        text: the text; full-width digits and surrounding whitespace are allowed, and so is a
            midnight time (``2025-03-01 00:00:00``) as spreadsheets write it.

    Returns:
        The date.

    Raises:
        TypeError: when ``text`` is not a ``str``.
        DomainError: ``bad_date`` for anything else, including impossible dates (2025-02-30).
    """
    if not isinstance(text, str):
        raise TypeError(f"expected str, not {type(text).__name__}")
    body = _MIDNIGHT_RE.sub("", to_halfwidth(text).strip())
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(body)
        if m is not None:
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                break
    raise DomainError("bad_date", value=text)


def format_money(
    m: Money,
    *,
    grouping: bool = True,
    sign: bool = False,
    blank_zero: bool = False,
    symbol: bool = False,
) -> str:
    """Format an amount with the currency's decimals: ``1,234.50``, ``-1,234.50``, ``¥1,234.50``.

    Args:
        m: the amount.
        grouping: group thousands with ``,``.
        sign: put ``+`` before positive amounts (zero never has a sign).
        blank_zero: return ``""`` for zero.
        symbol: prefix the currency symbol (``¥``, ``$``, ``€``…), or the code and a space for
            currencies without one (``KWD 1.500``).

    Returns:
        The text; :func:`parse_amount` reads it back to the same ``Money``.
    """
    if m.minor == 0 and blank_zero:
        return ""
    digits = m.decimals
    whole, frac = divmod(abs(m.minor), 10**digits)
    text = f"{whole:,}" if grouping else str(whole)
    if digits:
        text = f"{text}.{frac:0{digits}d}"
    if symbol:
        mark = SYMBOLS.get(m.currency)
        text = f"{mark}{text}" if mark else f"{m.currency} {text}"
    if m.minor < 0:
        return f"-{text}"
    if sign and m.minor > 0:
        return f"+{text}"
    return text
