"""Column types, and their spelling on SQLite STRICT tables.

STRICT tables accept only INTEGER, REAL, TEXT, BLOB and ANY as declared types, so the generic
SQLAlchemy types are compiled to those names on SQLite. Money is always an INTEGER number of minor
units; ``Numeric`` is never used for money (SQLite would silently store it as a float).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, SmallInteger, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import TypeDecorator


@compiles(BigInteger, "sqlite")
@compiles(Integer, "sqlite")
@compiles(SmallInteger, "sqlite")
@compiles(Boolean, "sqlite")
def _sqlite_integer(_type: Any, _compiler: Any, **_kw: Any) -> str:
    return "INTEGER"


@compiles(String, "sqlite")
@compiles(Text, "sqlite")
@compiles(Date, "sqlite")
@compiles(DateTime, "sqlite")
def _sqlite_text(_type: Any, _compiler: Any, **_kw: Any) -> str:
    return "TEXT"


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal (exchange rate, tax rate, quantity) stored as text."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        """Store the canonical string of the Decimal."""
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("DecimalText refuses float")
        return str(Decimal(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        """Read back as Decimal."""
        return None if value is None else Decimal(value)


Minor = BigInteger
"""Money column type: integer minor units."""
