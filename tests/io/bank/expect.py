"""Expected outcomes for the real bank files in ../shared/data/bank_statements (helpers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.io.bank import BankStatement, check_balances, parse_bank_file
from desktop_ar.io.bank.model import major_units

FOLDERS = ("mt940", "ofx", "camt", "csv", "xls_xlsx")


@dataclass(frozen=True)
class Expect:
    """What reading one file must give.

    ``lines`` has one entry per statement; ``off`` lists the statements whose balances do not
    add up (reported, not refused); ``spot`` is (statement, line, booking date, amount,
    counterparty name or the start of the memo), compared exactly.
    """

    refused: str | None = None
    lines: tuple[int, ...] = ()
    currency: str = ""
    opening: str | None = None
    closing: str | None = None
    off: tuple[int, ...] = ()
    spot: tuple[int, int, str, str, str] | None = None
    currency_param: str | None = None


def ok(
    lines: tuple[int, ...],
    currency: str,
    opening: str | None,
    closing: str | None,
    *,
    off: tuple[int, ...] = (),
    spot: tuple[int, int, str, str, str] | None = None,
    currency_param: str | None = None,
) -> Expect:
    return Expect(None, lines, currency, opening, closing, off, spot, currency_param)


def refused(message: str) -> Expect:
    return Expect(refused=message)


def _money(value: object) -> str | None:
    return None if value is None else str(major_units(value))  # type: ignore[arg-type]


def files(shared: Path, folder: str) -> list[Path]:
    return sorted((shared / "bank_statements" / folder).iterdir())


def check(path: Path, expect: Expect) -> list[BankStatement]:
    """Read ``path`` and compare with ``expect``."""
    if expect.refused is not None:
        with pytest.raises(UserFacingError) as info:
            parse_bank_file(path)
        assert info.value.code == "invalid"
        assert info.value.params["field"] == path.name
        assert expect.refused in info.value.message
        assert "\n" not in info.value.message
        return []
    statements = parse_bank_file(path, currency=expect.currency_param)
    assert tuple(len(s.lines) for s in statements) == expect.lines
    first = statements[0]
    assert first.currency == expect.currency
    assert _money(first.opening_balance) == expect.opening
    assert _money(first.closing_balance) == expect.closing
    assert tuple(i for i, s in enumerate(statements) if check_balances(s)) == expect.off
    for statement in statements:
        assert all(line.amount.currency == statement.currency for line in statement.lines)
        assert all(isinstance(line.booking_date, date) for line in statement.lines)
    if expect.spot is not None:
        index, number, day, amount, who = expect.spot
        line = statements[index].lines[number]
        assert line.booking_date.isoformat() == day
        assert major_units(line.amount) == Decimal(amount)
        assert (line.counterparty_name or line.memo[:30]) == who
    if expect.currency_param is not None:
        with pytest.raises(UserFacingError, match="currency"):
            parse_bank_file(path)
    return statements
