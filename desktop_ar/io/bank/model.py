"""Bank statements as read from a file, before anything is stored.

A :class:`BankStatement` is one account's statement for one period: its balances as the file
states them (``None`` when the file has none) and its :class:`BankLine` lines with signed amounts
(credit ``+``, debit ``-``). Amounts are :class:`~desktop_ar.domain.money.Money` built from exact
decimals, never floats. :func:`check_balances` compares opening + lines with closing and says by
how much a statement is off; parsers never refuse a file for that.

Parsers raise :class:`BankFileError` with one sentence; :func:`desktop_ar.io.bank.parse_bank_file`
turns it into ``UserFacingError("invalid", field=<file name>, reason=<sentence>)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop_ar.domain.currency import is_known, minor_digits
from desktop_ar.domain.money import Money

__all__ = [
    "BankFileError",
    "BankLine",
    "BankStatement",
    "check_balances",
    "clean_text",
    "currency_note",
    "major_units",
    "make_money",
    "money_text",
    "normalize_currency",
]

# Withdrawn ISO 4217 currencies that old bank files still use; the application's list does not
# have them. Money of these currencies can be built and added, but formatting it needs the
# currency in desktop_ar.domain.currency, so parsers add a note.
_EXTRA_DIGITS: dict[str, int] = {
    "DEM": 2, "FRF": 2, "NLG": 2, "ATS": 2, "BEF": 0, "ITL": 0, "ESP": 0, "LUF": 0,
}  # fmt: skip
_NAMED_CURRENCIES: dict[str, str] = {
    "人民币": "CNY", "人民币元": "CNY", "RMB": "CNY", "元": "CNY", "¥": "CNY", "CNH": "CNY",
    "港币": "HKD", "港元": "HKD", "美元": "USD", "美金": "USD", "欧元": "EUR", "日元": "JPY",
    "英镑": "GBP", "澳元": "AUD", "加元": "CAD", "瑞士法郎": "CHF", "新加坡元": "SGD",
    "RUR": "RUB", "РУБ": "RUB", "РУБЛЬ": "RUB", "РУБЛИ": "RUB",
}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class BankFileError(Exception):
    """A bank file that cannot be read; ``reason`` says what is wrong and what to do."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class BankLine:
    """One booked transaction of a statement.

    Attributes:
        booking_date: the day the bank booked the line (记账日期 / entry date).
        value_date: the value (interest) date, when the file gives one.
        amount: signed amount in the statement currency: credits (money in) positive, debits
            negative.
        counterparty_name: payer of a credit or payee of a debit (对方户名), when known.
        counterparty_account: the other side's account number or IBAN, when known.
        reference: the payer's reference (creditor reference, customer reference, order number).
        end_to_end_id: the SEPA end-to-end id (EREF / EndToEndId), when present.
        bank_reference: the bank's own id of the line (流水号, FITID, AcctSvcrRef, MT940 ``//``).
        memo: all remittance / purpose text of the line joined into one line (摘要, 附言…).
        transaction_code: the bank's transaction type code (MT940 ``NTRF``, GV code, BkTxCd…).
        position: where the line is in the file, for messages (``"line 12"``, ``"row 7"``,
            ``"entry 3"``).
        notes: remarks about this line (a date that does not exist, a pending status…).
    """

    booking_date: date
    value_date: date | None
    amount: Money
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    reference: str | None = None
    end_to_end_id: str | None = None
    bank_reference: str | None = None
    memo: str = ""
    transaction_code: str | None = None
    position: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BankStatement:
    """One account's statement for one period, as the file states it.

    Attributes:
        format: ``"mt940"``, ``"ofx"``, ``"camt053"``, ``"csv"``, ``"xlsx"`` or ``"xls"``.
        format_detail: the exact variant, e.g. ``"camt.053.001.08"``, ``"OFX 1.02 (SGML)"``.
        account: the account number or IBAN, ``None`` when the file does not say.
        currency: ISO code of every amount of the statement.
        bank: the bank's BIC or bank code, when known.
        account_name: the account holder's name, when the file gives it.
        statement_id: the statement's id or number (MT940 ``:28C:`` ``5/1``, camt ``Id``).
        sequence: the electronic or legal sequence number, when given.
        period_start: first day covered (opening balance date or the file's period).
        period_end: last day covered (closing balance date or the file's period).
        opening_balance: the booked opening balance, ``None`` when the file has none.
        closing_balance: the booked closing balance, ``None`` when the file has none.
        closing_available: the closing available balance (CLAV, MT940 ``:64:``, OFX AVAILBAL).
        lines: the booked lines in file order (chronological for newest-first exports).
        notes: remarks for the user: encoding, derived balances, lines left out, odd data.
    """

    format: str
    format_detail: str
    account: str | None
    currency: str
    bank: str | None = None
    account_name: str | None = None
    statement_id: str | None = None
    sequence: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    opening_balance: Money | None = None
    closing_balance: Money | None = None
    closing_available: Money | None = None
    lines: tuple[BankLine, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> Money:
        """The sum of the lines."""
        return Money.sum((line.amount for line in self.lines), self.currency)


def _digits(currency: str) -> int:
    if is_known(currency):
        return minor_digits(currency)
    if currency in _EXTRA_DIGITS:
        return _EXTRA_DIGITS[currency]
    raise BankFileError(
        f"the currency {currency!r} is unknown; check the file or add the currency first"
    )


def _plain(value: Decimal) -> str:
    return f"{value:f}"


def check_balances(statement: BankStatement) -> list[str]:
    """Check that opening balance + the lines = closing balance.

    Args:
        statement: a parsed statement.

    Returns:
        Problems as sentences (empty when the balances add up or when the file gives no
        opening or no closing balance, which is itself said in the statement's notes).
        Off statements are reported, never refused: the user decides.
    """
    problems: list[str] = []
    opening, closing = statement.opening_balance, statement.closing_balance
    if opening is None or closing is None:
        return problems
    expected = opening + statement.total
    if expected != closing:
        digits = _digits(statement.currency)
        off = Decimal(closing.minor - expected.minor).scaleb(-digits)
        problems.append(
            f"the lines do not add up: opening balance {_plain(major_units(opening))} + "
            f"{len(statement.lines)} lines ({_plain(major_units(statement.total))}) = "
            f"{_plain(major_units(expected))}, but the closing balance is "
            f"{_plain(major_units(closing))} {statement.currency} (off by {_plain(off)})"
        )
    if (
        statement.period_start is not None
        and statement.period_end is not None
        and statement.period_end < statement.period_start
    ):
        problems.append(
            f"the closing balance date {statement.period_end.isoformat()} is before the opening "
            f"balance date {statement.period_start.isoformat()}"
        )
    return problems


def major_units(money: Money) -> Decimal:
    """The amount of ``money`` in major units, also for currencies outside the domain list.

    Args:
        money: an amount built by :func:`make_money`.

    Returns:
        E.g. ``Decimal("12.30")``.
    """
    return Decimal(money.minor).scaleb(-_digits(money.currency))


def money_text(money: Money | None) -> str:
    """``"12.30 EUR"`` for messages, also for currencies outside the domain list."""
    if money is None:
        return "none"
    return f"{_plain(major_units(money))} {money.currency}"


def make_money(value: Decimal, currency: str, where: str = "") -> Money:
    """Build an exact amount; refuse extra non-zero decimals instead of rounding.

    ``18.150`` EUR is exactly 18.15 and accepted; ``18.155`` EUR is refused, because rounding a
    bank's amount would make the statement disagree with the bank by a fraction of a cent.

    Args:
        value: the amount in major units.
        currency: ISO code (see :func:`normalize_currency`).
        where: position for the message (``"line 12"``).

    Returns:
        The amount.

    Raises:
        BankFileError: for an unknown currency or more decimals than the currency has.
    """
    digits = _digits(currency)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        prefix = f"{where}: " if where else ""
        raise BankFileError(
            f"{prefix}the amount {_plain(value)} {currency} has more than {digits} decimals; the "
            "file is not a valid statement, ask the bank for a corrected export"
        )
    return Money(int(scaled), currency)


def normalize_currency(text: str | None) -> str | None:
    """Turn a currency as bank files write it into an ISO code.

    Args:
        text: ``"EUR"``, ``"人民币"``, ``"RMB"``, ``"RUR"`` (the old rouble code), ``"港币"``…

    Returns:
        The ISO code, or ``None`` for empty or unrecognised text.
    """
    if text is None:
        return None
    value = text.strip().strip("[]()（）").strip().upper()
    if not value:
        return None
    if value in _NAMED_CURRENCIES:
        return _NAMED_CURRENCIES[value]
    if re.fullmatch(r"[A-Z]{3}", value) and (is_known(value) or value in _EXTRA_DIGITS):
        return value
    return None


def currency_note(currency: str) -> str | None:
    """A note for a currency the application's currency list does not have yet."""
    if is_known(currency):
        return None
    return (
        f"the currency {currency} is not in the application's currency list; amounts were read "
        f"with {_digits(currency)} decimals"
    )


def clean_text(text: str | None) -> str | None:
    """Tidy free text from a bank file: control characters and tabs out, spaces collapsed.

    Soft hyphens (U+00AD), which some banks put where a ``-`` was meant, become ``-``.

    Args:
        text: the raw text.

    Returns:
        The text on one line, or ``None`` when nothing is left.
    """
    if text is None:
        return None
    value = _CONTROL.sub(" ", text.replace("\u00ad", "-").replace("\t", " "))
    value = " ".join(value.split())
    return value or None
