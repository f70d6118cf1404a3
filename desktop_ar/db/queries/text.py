"""Case-insensitive substring search that stays cheap on SQLite.

SQLite's ``LIKE`` already ignores ASCII case, so wrapping both sides in ``lower()`` (what
SQLAlchemy's ``ilike`` does there) only costs time on a million rows; PostgreSQL gets ``ILIKE``.
Chinese text has no case; pinyin keys are stored lower-case.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, literal
from sqlalchemy.sql.functions import FunctionElement


class icontains(FunctionElement[bool]):  # noqa: N801 - reads as a SQL function
    """``column`` contains ``text``, ignoring ASCII case; ``%`` and ``_`` match themselves."""

    type = Boolean()
    inherit_cache = True
    name = "icontains"


def contains_text(column: Any, text: str) -> ColumnElement[bool]:
    """Condition: ``column`` contains ``text`` (case-insensitive, wildcards escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return icontains(column, literal(f"%{escaped}%"))


def _parts(element: icontains, compiler: Any, **kw: Any) -> tuple[str, str]:
    column, pattern = list(element.clauses)
    return compiler.process(column, **kw), compiler.process(pattern, **kw)


@compiles(icontains)
def _compile_default(element: icontains, compiler: Any, **kw: Any) -> str:
    column, pattern = _parts(element, compiler, **kw)
    return f"{column} ILIKE {pattern} ESCAPE '\\'"


@compiles(icontains, "sqlite")
def _compile_sqlite(element: icontains, compiler: Any, **kw: Any) -> str:
    column, pattern = _parts(element, compiler, **kw)
    return f"{column} LIKE {pattern} ESCAPE '\\'"
