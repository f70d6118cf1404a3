"""Inserting many rows of one table fast, inside the import's transaction.

SQLAlchemy's typed executemany spends about 10 µs per row preparing parameters, and
``INSERT … RETURNING`` with ordered ids falls back to one statement per row on SQLite. On
SQLite, :class:`RowWriter` therefore converts each value with the column type's own bind
processor (so the stored text of dates, datetimes and decimals is exactly what the ORM stores),
fills the columns' Python-side defaults as Core would, and runs one driver-level executemany.
New ids are taken after the table's largest id — what SQLite itself would give a row without
one (the tables are rowid tables without AUTOINCREMENT), and safe because the import holds the
write lock (``BEGIN IMMEDIATE``) for the whole transaction. Other databases get the ordinary
Core executemany, with ``RETURNING`` for the ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

__all__ = ["CACHE_KIB", "RowWriter", "audit_json", "larger_cache"]

CACHE_KIB = 16_384
"""SQLite page cache while an import writes (16 MB; the default is 2 MB)."""


class _Plan(NamedTuple):
    sql: str
    names: list[str]
    defaults: list[Any]
    procs: list[tuple[int, Callable[[Any], Any]]]


class RowWriter:
    """Inserts rows (dicts with the same keys) into one table.

    Args:
        session: the transaction to write in (pending ORM changes are flushed first).
        table: the table (``Model.__table__``).
    """

    def __init__(self, session: Session, table: Table) -> None:
        session.flush()
        self.session = session
        self.table = table
        self.conn = session.connection()
        self.sqlite = self.conn.dialect.name == "sqlite"
        self._plans: dict[tuple[str, ...], _Plan] = {}
        self._tuple_plans: dict[tuple[str, ...], Any] = {}

    def _plan(self, keys: tuple[str, ...]) -> _Plan:
        """The INSERT for rows with these keys: column names, defaults and value converters.

        Columns the rows leave out get their scalar Python-side default, as Core would fill
        it; server defaults are left to the database. Converters are the bind processors of the
        column types as compiled for this database (e.g. SQLite's date and datetime text).
        """
        if keys not in self._plans:
            dialect = self.conn.dialect
            names: list[str] = []
            defaults: list[Any] = []
            procs: list[tuple[int, Callable[[Any], Any]]] = []
            for column in self.table.c:
                default = column.default
                if column.name in keys:
                    defaults.append(None)
                elif default is not None and default.is_scalar:
                    defaults.append(default.arg)  # type: ignore[attr-defined]
                else:
                    continue
                proc = _processor(column, dialect)
                if proc is not None:
                    procs.append((len(names), proc))
                names.append(column.name)
            marks = ", ".join("?" * len(names))
            sql = f"INSERT INTO {self.table.name} ({', '.join(names)}) VALUES ({marks})"
            self._plans[keys] = _Plan(sql, names, defaults, procs)
        return self._plans[keys]

    def _driver_rows(self, rows: Sequence[dict[str, Any]]) -> tuple[str, list[tuple[Any, ...]]]:
        plan = self._plan(tuple(rows[0]))
        names, defaults, procs = plan.names, plan.defaults, plan.procs
        out = []
        for row in rows:
            values = list(map(row.get, names, defaults))
            for i, proc in procs:
                value = values[i]
                if value is not None:
                    values[i] = proc(value)
            out.append(tuple(values))
        return plan.sql, out

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert the rows."""
        if not rows:
            return
        if not self.sqlite:
            self.session.execute(insert(self.table), list(rows))
            return
        sql, values = self._driver_rows(rows)
        self.conn.exec_driver_sql(sql, values)  # type: ignore[arg-type]

    def insert_tuples(self, keys: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> None:
        """``insert`` of rows given as tuples of the values of ``keys`` (no dict per row).

        The columns ``keys`` leave out get their defaults as in :meth:`insert`, converted once.
        """
        if not rows:
            return
        if not self.sqlite:
            self.session.execute(
                insert(self.table), [dict(zip(keys, r, strict=True)) for r in rows]
            )
            return
        self.conn.exec_driver_sql(*self.driver_rows(keys, rows))  # type: ignore[arg-type]

    def driver_rows(
        self, keys: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
    ) -> tuple[str, list[tuple[Any, ...]]]:
        """The INSERT of :meth:`insert_tuples` and its driver-level rows (SQLite only)."""
        if keys not in self._tuple_plans:
            plan = self._plan(keys)
            rest = [(i, name) for i, name in enumerate(plan.names) if name not in keys]
            procs = dict(plan.procs)
            tail = []
            for i, _ in rest:
                value, proc = plan.defaults[i], procs.get(i)
                tail.append(value if proc is None or value is None else proc(value))
            names = [*keys, *(name for _, name in rest)]
            marks = ", ".join("?" * len(names))
            sql = f"INSERT INTO {self.table.name} ({', '.join(names)}) VALUES ({marks})"
            dialect = self.conn.dialect
            keyed = [
                (i, convert)
                for i, name in enumerate(keys)
                if (convert := _column_converter(self.table.c[name], dialect)) is not None
            ]
            self._tuple_plans[keys] = (sql, tuple(tail), keyed)
        sql, tail, keyed = self._tuple_plans[keys]
        if not rows:
            return sql, []
        columns = list(zip(*rows, strict=True))
        for i, convert in keyed:
            columns[i] = convert(columns[i])
        size = len(rows)
        return sql, list(zip(*columns, *(repeat(value, size) for value in tail), strict=True))

    def max_id(self) -> int:
        """The table's largest id (0 when empty)."""
        return self.conn.execute(select(func.max(self.table.c.id))).scalar_one() or 0

    def insert_tuple_ids(self, keys: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> list[int]:
        """:meth:`insert_ids` of rows given as tuples (see :meth:`insert_tuples`)."""
        if not rows:
            return []
        if not self.sqlite:
            return self.insert_ids([dict(zip(keys, r, strict=True)) for r in rows])
        last = self.max_id()
        ids = list(range(last + 1, last + 1 + len(rows)))
        self.insert_tuples(("id", *keys), [(i, *row) for i, row in zip(ids, rows, strict=True)])
        return ids

    def update(self, rows: Sequence[dict[str, Any]], *, add: Sequence[str] = ()) -> None:
        """Update rows by ``id``: each row's other keys are set, the keys in ``add`` added to."""
        if not rows:
            return
        keys = [k for k in rows[0] if k != "id"]
        table = self.table
        if not self.sqlite:
            values = {
                k: (table.c[k] + bindparam(f"b_{k}")) if k in add else bindparam(f"b_{k}")
                for k in keys
            }
            statement = update(table).where(table.c.id == bindparam("b_id")).values(values)
            self.session.execute(statement, [{f"b_{k}": v for k, v in r.items()} for r in rows])
            return
        dialect = self.conn.dialect
        procs = [_processor(table.c[k], dialect) for k in keys]
        sets = ", ".join(f"{k} = {k} + ?" if k in add else f"{k} = ?" for k in keys)
        sql = f"UPDATE {table.name} SET {sets} WHERE id = ?"
        values = [
            (
                *(
                    r[k] if p is None or r[k] is None else p(r[k])
                    for k, p in zip(keys, procs, strict=True)
                ),
                r["id"],
            )
            for r in rows
        ]
        self.conn.exec_driver_sql(sql, values)  # type: ignore[arg-type]

    def insert_ids(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert the rows; their new ids, in order."""
        if not rows:
            return []
        id_column = self.table.c.id
        if not self.sqlite:
            statement = insert(self.table).returning(id_column, sort_by_parameter_order=True)
            return list(self.session.execute(statement, list(rows)).scalars())
        last = self.conn.execute(select(func.max(id_column))).scalar_one() or 0
        ids = list(range(last + 1, last + 1 + len(rows)))
        self.insert([{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
        return ids


def _processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column type's bind processor for ``dialect``, remembering what it gave.

    Dates are remembered all (an import has a few thousand distinct days); datetimes only the
    last one (rows written together share their ``created_at`` under a fixed clock).
    """
    proc = column.type.dialect_impl(dialect).bind_processor(dialect)
    if proc is None:
        return None
    if isinstance(column.type, DateTime):
        last: list[Any] = [None, None]

        def last_one(value: Any) -> Any:
            if value != last[0]:
                last[:] = [value, proc(value)]
            return last[1]

        return last_one
    if not isinstance(column.type, Date):
        return proc
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        found = seen.get(value)
        if found is None:
            found = seen[value] = proc(value)
        return found

    return remembered


def _column_converter(
    column: Column[Any], dialect: Dialect
) -> Callable[[Sequence[Any]], list[Any]] | None:
    """Converts one column's values as :func:`_processor` does, a column at a time.

    Dates, datetimes and booleans (values equal only when they stand for the same thing) are
    converted once per distinct value — dates once per writer, the others once per call.
    """
    proc = column.type.dialect_impl(dialect).bind_processor(dialect)
    if proc is None:
        return None
    if not isinstance(column.type, Date | DateTime | Boolean):
        return lambda values: [None if v is None else proc(v) for v in values]
    kept: dict[Any, Any] = {None: None}
    every_call = not isinstance(column.type, Date)

    def convert(values: Sequence[Any]) -> list[Any]:
        memo = {None: None} if every_call else kept
        for value in set(values).difference(memo):
            memo[value] = proc(value)
        return list(map(memo.__getitem__, values))

    return convert


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
# The C encoder ``_JSON.encode`` builds for every call, built once (no check for circular
# references: audit values are plain trees); ``None`` where the C accelerator is missing.
_C_ENCODE = (
    None
    if c_make_encoder is None
    else c_make_encoder(None, _JSON.default, encode_basestring, None, ": ", ", ", True, False, True)
)


def audit_json(values: dict[str, Any] | None) -> str:
    """``audit.to_json(values)`` for values whose dates, datetimes and decimals are already text.

    ``audit.to_json`` writes those through its ``default`` hook as ``isoformat()`` and ``str()``;
    callers that put that text in themselves skip the hook and the encoder set-up per row.
    """
    if values is None:
        return ""
    if _C_ENCODE is None or type(values) is not dict:
        return _JSON.encode(values)
    return "".join(_C_ENCODE(values, 0))


@contextmanager
def larger_cache(session: Session, kib: int = CACHE_KIB) -> Iterator[None]:
    """Give SQLite a larger page cache while writing many rows (restored afterwards).

    With the default 2 MB, every index of a growing table re-reads its pages: inserting 100,000
    invoices took a third longer in SQLite (more cache gained nothing, and costs memory). Other
    databases are left alone.
    """
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
