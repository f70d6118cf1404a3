"""Shared machinery of the big lists: specs, the ListSource protocol and the SQL list base.

Each list is a ``ListSource``: ``count`` and ``ids`` run the filter (and ``ORDER BY``) in the
database and return only integers; ``rows`` turns a page of ids into frozen row DTOs holding
``Money`` and ``date`` values. Nothing here loads a whole table into Python objects.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Protocol

from sqlalchemy import ColumnElement, Select, func, or_, select

from desktop_ar.db.models import Customer
from desktop_ar.db.queries.text import contains_text
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.search_text import normalise_query
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.uow import reader


@dataclass(frozen=True, slots=True)
class ListSpec:
    """What to show: free text, a status filter, one customer's documents, the as-of date.

    ``date_from`` / ``date_to`` keep the rows whose date lies in the range (both ends included,
    either end None = open ended). Which date is the list's ``date_fields``: the first one
    unless ``date_field`` names another (the invoices list offers ``issue`` and ``due``).
    """

    text: str = ""
    status: str = "all"
    customer_id: int | None = None
    as_of: date | None = None
    date_from: date | None = None
    date_to: date | None = None
    date_field: str = ""


@dataclass(frozen=True, slots=True)
class SortSpec:
    """Which sort key, and which direction."""

    key: str
    descending: bool = False


class ListSource(Protocol):
    """A list that can be counted, sorted and paged in SQL."""

    name: str
    sort_keys: tuple[str, ...]
    statuses: tuple[str, ...]

    def count(self, ctx: ServiceContext, spec: ListSpec) -> int:
        """Number of rows matching ``spec``."""
        ...

    def ids(
        self,
        ctx: ServiceContext,
        spec: ListSpec,
        sort: SortSpec,
        offset: int = 0,
        limit: int | None = None,
    ) -> array[int]:
        """Ids of matching rows in sort order (a slice of them)."""
        ...

    def rows(self, ctx: ServiceContext, ids: Sequence[int], as_of: date) -> list[Any]:
        """Row DTOs for ``ids`` in the same order; ids that no longer exist are left out."""
        ...

    def first_page(
        self, ctx: ServiceContext, spec: ListSpec, sort: SortSpec, limit: int
    ) -> tuple[int, array[int]]:
        """The count and the first ``limit`` ids in one go (what a list shows first)."""
        ...


def customer_text_filter(text: str) -> ColumnElement[bool]:
    """Customers whose code, name, short name or pinyin keys contain ``text``."""
    needle = text.strip()
    key = normalise_query(needle)
    conds = [
        contains_text(Customer.code, needle),
        contains_text(Customer.name, needle),
        contains_text(Customer.short_name, needle),
    ]
    if key:
        conds += [
            contains_text(Customer.pinyin_initials, key),
            contains_text(Customer.pinyin_full, key),
        ]
    return or_(*conds)


def as_of_of(spec: ListSpec, ctx: ServiceContext) -> date:
    """The spec's as-of date, else today from the context's clock."""
    return spec.as_of or ctx.clock.today()


def _fetch_raw(ctx: ServiceContext, stmt: Select[Any]) -> list[Any]:
    with ctx.engine.connect() as conn:
        result = conn.execute(stmt)
        # Plain integers: read them straight off the DBAPI cursor (1M ids in a fraction of the
        # time that building a million Row objects takes).
        raw = result.cursor.fetchall() if result.cursor is not None else []
        conn.rollback()
    return raw


def _run_ids(ctx: ServiceContext, stmt: Select[Any], offset: int, limit: int | None) -> array[int]:
    if offset:
        stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    elif offset:
        stmt = stmt.limit(-1) if ctx.engine.dialect.name == "sqlite" else stmt
    return array("q", [r[0] for r in _fetch_raw(ctx, stmt)])


def _matches(base: Select[Any]) -> Any:
    """The filtered ids as a materialized CTE.

    With a selective text filter, walking a sort index over a million rows to find twenty
    matches is far slower than finding the matches once and sorting just them.
    """
    return base.cte("matches").prefix_with("MATERIALIZED")


def _first_page_with_count(
    ctx: ServiceContext, stmt: Select[Any], matches: Any, limit: int
) -> tuple[int, array[int]]:
    total = select(func.count()).select_from(matches).scalar_subquery()
    rows = _fetch_raw(ctx, stmt.add_columns(total).limit(limit))
    return (int(rows[0][1]) if rows else 0), array("q", [r[0] for r in rows])


def _count(ctx: ServiceContext, stmt: Select[Any]) -> int:
    with reader(ctx) as s:
        return int(s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())


def _check_sort(key: str, keys: tuple[str, ...]) -> None:
    if key not in keys:
        raise UserFacingError("invalid", field="sort", reason=f"unknown sort key {key!r}")


def _check_status(status: str, statuses: tuple[str, ...]) -> None:
    if status not in statuses:
        raise UserFacingError("invalid", field="status", reason=f"unknown status {status!r}")


def in_order(rows: dict[int, Any], ids: Sequence[int]) -> list[Any]:
    """Rows in the order of ``ids``, leaving out ids that were not found."""
    return [rows[i] for i in ids if i in rows]


class SqlList:
    """A list over one table: subclasses give the filter conditions and the sort columns.

    A free-text filter is matched once into a materialized set that is then sorted (walking a
    sort index over a million rows to find twenty matches is far slower); ``first_page``
    returns the count and the first ids from that one match.
    """

    name: ClassVar[str]
    sort_keys: ClassVar[tuple[str, ...]]
    statuses: ClassVar[tuple[str, ...]]
    model: ClassVar[Any]
    materialize_text: ClassVar[bool] = True
    # The dates a list can be filtered on (name → column); the first is the default.
    date_fields: ClassVar[tuple[str, ...]] = ()

    def _conditions(self, spec: ListSpec, as_of: date) -> list[ColumnElement[bool]]:
        raise NotImplementedError

    def _date_column(self, name: str) -> Any:
        raise NotImplementedError

    def _date_range(self, column: Any, spec: ListSpec) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if spec.date_from is not None:
            conds.append(column >= spec.date_from)
        if spec.date_to is not None:
            conds.append(column <= spec.date_to)
        return conds

    def _date_conditions(self, spec: ListSpec) -> list[ColumnElement[bool]]:
        """``spec``'s date range on the chosen date column (a plain range: index friendly)."""
        if spec.date_from is None and spec.date_to is None:
            return []
        name = spec.date_field or (self.date_fields[0] if self.date_fields else "")
        if name not in self.date_fields:
            raise UserFacingError("invalid", field="date", reason=f"unknown date {name!r}")
        return self._date_range(self._date_column(name), spec)

    def _sort_column(self, key: str, as_of: date) -> Any:
        raise NotImplementedError

    def _join_for_sort(self, stmt: Select[Any], key: str) -> Select[Any]:
        return stmt

    def _filtered(self, spec: ListSpec, as_of: date) -> Select[Any]:
        _check_status(spec.status, self.statuses)
        conds = [*self._conditions(spec, as_of), *self._date_conditions(spec)]
        stmt = select(self.model.id)
        return stmt.where(*conds) if conds else stmt

    def count(self, ctx: ServiceContext, spec: ListSpec) -> int:
        """Number of matching rows."""
        return _count(ctx, self._filtered(spec, as_of_of(spec, ctx)))

    def _ordered(
        self, ctx: ServiceContext, spec: ListSpec, sort: SortSpec
    ) -> tuple[Select[Any], Any]:
        _check_sort(sort.key, self.sort_keys)
        as_of = as_of_of(spec, ctx)
        matches = None
        if self.materialize_text and spec.text.strip():
            matches = _matches(self._filtered(spec, as_of))
            stmt = select(self.model.id).join(matches, matches.c.id == self.model.id)
        else:
            stmt = self._filtered(spec, as_of)
        stmt = self._join_for_sort(stmt, sort.key)
        key = self._sort_column(sort.key, as_of)
        ident = self.model.id
        if sort.descending:
            return stmt.order_by(key.desc(), ident.desc()), matches
        return stmt.order_by(key.asc(), ident.asc()), matches

    def ids(
        self,
        ctx: ServiceContext,
        spec: ListSpec,
        sort: SortSpec,
        offset: int = 0,
        limit: int | None = None,
    ) -> array[int]:
        """Matching ids in sort order (a slice of them)."""
        return _run_ids(ctx, self._ordered(ctx, spec, sort)[0], offset, limit)

    def first_page(
        self, ctx: ServiceContext, spec: ListSpec, sort: SortSpec, limit: int
    ) -> tuple[int, array[int]]:
        """Count and first ids; a text filter is matched once for both."""
        stmt, matches = self._ordered(ctx, spec, sort)
        if matches is not None:
            return _first_page_with_count(ctx, stmt, matches, limit)
        return self.count(ctx, spec), self.ids(ctx, spec, sort, 0, limit)
