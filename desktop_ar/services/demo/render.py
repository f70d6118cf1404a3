"""Day lookups and how values are written into row dicts.

Rows are built millions of times, so dates are handled as day numbers (days since the book's
origin) and turned into column values through precomputed lists. On SQLite the values are the
exact text SQLAlchemy's ``Date``, ``DateTime`` and ``DecimalText`` types store, so rows can be
inserted through a lightweight (untyped) Core table without per-value bind processing; on other
databases they are ``date``, ``datetime`` and ``Decimal`` objects for the typed model tables.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

__all__ = ["Calendar", "Counters", "usd_rate_hundredths"]


def usd_rate_hundredths(month_index: int) -> int:
    """A believable CNY-per-USD rate for a month, in hundredths (7.00 … 7.30)."""
    return 700 + (month_index * 37 + 11) % 31


class Calendar:
    """Precomputed per-day values from ``origin`` for ``size`` days."""

    def __init__(self, origin: date, size: int, *, text: bool) -> None:
        """Build the lookups.

        Args:
            origin: the date of day 0.
            size: number of days covered.
            text: True for SQLite storage text, False for Python objects.
        """
        self.origin = origin
        self.text = text
        self.dates = [origin + timedelta(days=i) for i in range(size)]
        self.weekday = [d.weekday() for d in self.dates]
        stamps = [
            datetime(d.year, d.month, d.day, 1 + i % 8, (i * 13) % 60, tzinfo=UTC)
            for i, d in enumerate(self.dates)
        ]
        if text:
            self.days: list[object] = [d.isoformat() for d in self.dates]
            self.stamps: list[object] = [f"{s:%Y-%m-%d %H:%M:%S}.000000" for s in stamps]
        else:
            self.days = list(self.dates)
            self.stamps = list(stamps)
        self._dec: dict[str, object] = {}
        self.quantities: dict[int, object] = {}  # tenths of a unit → column value
        self.one = self.dec("1")
        # The 25th on or after each day (monthly payers), and the Thursday on or after it.
        self.next_25: list[int] = []
        self.next_thursday: list[int] = []
        for i, d in enumerate(self.dates):
            if d.day <= 25:
                self.next_25.append(i + 25 - d.day)
            else:
                nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=25)
                self.next_25.append(i + (nxt - d).days)
            self.next_thursday.append(i + (3 - d.weekday()) % 7)
        months = [(d.year * 12 + d.month) for d in self.dates]
        self.usd_rate = [self.dec(_hundredths(usd_rate_hundredths(m))) for m in months]

    def dec(self, value: str) -> object:
        """The column value of a decimal written as text (cached)."""
        found = self._dec.get(value)
        if found is None:
            found = str(Decimal(value)) if self.text else Decimal(value)
            self._dec[value] = found
        return found

    def day_of(self, d: date) -> int:
        """The day number of a date."""
        return (d - self.origin).days


def _hundredths(n: int) -> str:
    return str((Decimal(n) / 100).normalize())


class Counters:
    """The next primary key of each table (ids are assigned here, not by the database)."""

    def __init__(self, first: dict[str, int]) -> None:
        """Start each table's ids at ``first[table]``."""
        self.next = dict(first)

    def take(self, table: str, n: int = 1) -> int:
        """Reserve ``n`` ids and return the first."""
        value = self.next[table]
        self.next[table] = value + n
        return value
