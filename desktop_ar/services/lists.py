"""Big lists for the lazy table model: filter and sort in SQL, ids first, rows a page at a time.

Each list is a ``ListSource``: ``count`` and ``ids`` run the filter (and ``ORDER BY``) in the
database and return only integers; ``rows`` turns a page of ids into frozen row DTOs holding
``Money`` and ``date`` values. Nothing here loads a whole table into Python objects.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select, true

from desktop_ar.db.models import Customer, Invoice, Payment, ScheduleLine
from desktop_ar.db.queries import balances
from desktop_ar.db.queries.text import contains_text
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.domain.search_text import normalise_query
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.uow import reader


@dataclass(frozen=True, slots=True)
class ListSpec:
    """What to show: free text, a status filter, one customer's documents, the as-of date."""

    text: str = ""
    status: str = "all"
    customer_id: int | None = None
    as_of: date | None = None


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


def _customer_text_filter(text: str) -> ColumnElement[bool]:
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


def _as_of(spec: ListSpec, ctx: ServiceContext) -> date:
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


def _ordered(rows: dict[int, Any], ids: Sequence[int]) -> list[Any]:
    return [rows[i] for i in ids if i in rows]


# --------------------------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """One customer in the customers list."""

    id: int
    code: str
    name: str
    short_name: str
    customer_type: str
    region: str
    industry: str
    value_tier: str | None
    collector: str
    payment_terms: str
    currency: str
    credit_limit: Money
    balance: Money
    overdue: Money
    credit_hold: bool
    status: str


class CustomerList:
    """The customers list."""

    name = "customers"
    sort_keys = ("code", "name", "region", "collector", "credit_limit", "balance", "overdue",
                 "status")  # fmt: skip
    statuses = ("all", "active", "inactive", "on_hold", "overdue")

    def _where(self, spec: ListSpec, as_of: date) -> list[ColumnElement[bool]]:
        _check_status(spec.status, self.statuses)
        conds: list[ColumnElement[bool]] = []
        if spec.text.strip():
            conds.append(_customer_text_filter(spec.text))
        if spec.status in ("active", "inactive"):
            conds.append(Customer.status == spec.status)
        elif spec.status == "on_hold":
            conds.append(Customer.credit_hold == true())
        elif spec.status == "overdue":
            conds.append(
                exists()
                .where(Invoice.customer_id == Customer.id, Invoice.open_minor > 0)
                .where(
                    exists().where(
                        ScheduleLine.invoice_id == Invoice.id,
                        ScheduleLine.open_minor > 0,
                        ScheduleLine.due_date < as_of,
                    )
                )
            )
        return conds

    def _base(self, spec: ListSpec, as_of: date) -> Select[Any]:
        return select(Customer.id).where(*self._where(spec, as_of))

    def count(self, ctx: ServiceContext, spec: ListSpec) -> int:
        """Number of matching customers."""
        return _count(ctx, self._base(spec, _as_of(spec, ctx)))

    def ids(
        self,
        ctx: ServiceContext,
        spec: ListSpec,
        sort: SortSpec,
        offset: int = 0,
        limit: int | None = None,
    ) -> array[int]:
        """Matching customer ids in sort order."""
        _check_sort(sort.key, self.sort_keys)
        as_of = _as_of(spec, ctx)
        key: Any = {
            "code": Customer.code,
            "name": Customer.name,
            "region": Customer.region,
            "collector": Customer.collector,
            "credit_limit": Customer.credit_limit_minor,
            "status": Customer.status,
            "balance": balances.customer_open_subquery(),
            "overdue": balances.customer_overdue_subquery(as_of),
        }[sort.key]
        order = [key.desc() if sort.descending else key.asc(), Customer.id]
        return _run_ids(ctx, self._base(spec, as_of).order_by(*order), offset, limit)

    def first_page(
        self, ctx: ServiceContext, spec: ListSpec, sort: SortSpec, limit: int
    ) -> tuple[int, array[int]]:
        """Count and first ids (10,000 customers: two quick queries)."""
        return self.count(ctx, spec), self.ids(ctx, spec, sort, 0, limit)

    def rows(self, ctx: ServiceContext, ids: Sequence[int], as_of: date) -> list[CustomerRow]:
        """Customer rows with balance and overdue amounts for ``ids``."""
        if not ids:
            return []
        with reader(ctx) as s:
            found = s.execute(select(Customer).where(Customer.id.in_(list(ids)))).scalars().all()
            open_by = balances.customer_open(s, ids)
            credit_by = balances.customer_unallocated(s, ids, as_of)
            overdue_by = balances.customer_overdue(s, ids, as_of)
        out: dict[int, CustomerRow] = {}
        for c in found:
            ccy = c.currency
            out[c.id] = CustomerRow(
                id=c.id,
                code=c.code,
                name=c.name,
                short_name=c.short_name,
                customer_type=c.customer_type,
                region=c.region,
                industry=c.industry,
                value_tier=c.value_tier,
                collector=c.collector,
                payment_terms=c.payment_terms,
                currency=ccy,
                credit_limit=Money(c.credit_limit_minor, ccy),
                balance=Money(open_by.get((c.id, ccy), 0) - credit_by.get((c.id, ccy), 0), ccy),
                overdue=Money(overdue_by.get((c.id, ccy), 0), ccy),
                credit_hold=bool(c.credit_hold),
                status=c.status,
            )
        return _ordered(out, ids)


# --------------------------------------------------------------------------------------------
# Invoices
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """One invoice in the invoices list."""

    id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    issue_date: date
    due_date: date
    amount: Money
    open: Money
    status: str
    days_overdue: int
    fapiao_issued: bool
    disputed: bool


def _overdue_line(as_of: date) -> ColumnElement[bool]:
    return exists().where(
        ScheduleLine.invoice_id == Invoice.id,
        ScheduleLine.open_minor > 0,
        ScheduleLine.due_date < as_of,
    )


class InvoiceList:
    """The invoices list (1,000,000 rows must filter and sort in well under a second)."""

    name = "invoices"
    sort_keys = ("number", "customer", "issue_date", "due_date", "amount", "open", "status")
    statuses = ("all", "open", "overdue", "paid", "disputed", "void")

    def _base(
        self, spec: ListSpec, as_of: date, *, for_sort_by_customer: bool = False
    ) -> Select[Any]:
        _check_status(spec.status, self.statuses)
        stmt = select(Invoice.id)
        if for_sort_by_customer:
            stmt = stmt.join(Customer, Customer.id == Invoice.customer_id)
        conds: list[ColumnElement[bool]] = []
        if spec.customer_id is not None:
            conds.append(Invoice.customer_id == spec.customer_id)
        text = spec.text.strip()
        if text:
            matching_customers = select(Customer.id).where(_customer_text_filter(text))
            conds.append(
                or_(
                    contains_text(Invoice.number, text),
                    contains_text(Invoice.fapiao_number, text),
                    Invoice.customer_id.in_(matching_customers),
                )
            )
        status = spec.status
        if status == "open":
            conds.append(Invoice.open_minor > 0)
        elif status == "overdue":
            conds.append(and_(Invoice.open_minor > 0, _overdue_line(as_of)))
        elif status == "paid":
            conds.append(Invoice.status.in_(("paid", "written_off")))
        elif status == "disputed":
            conds.append(Invoice.disputed == true())
        elif status == "void":
            conds.append(Invoice.status == "void")
        return stmt.where(*conds) if conds else stmt

    def count(self, ctx: ServiceContext, spec: ListSpec) -> int:
        """Number of matching invoices."""
        return _count(ctx, self._base(spec, _as_of(spec, ctx)))

    def _ordered(
        self, ctx: ServiceContext, spec: ListSpec, sort: SortSpec
    ) -> tuple[Select[Any], Any]:
        _check_sort(sort.key, self.sort_keys)
        as_of = _as_of(spec, ctx)
        by_customer = sort.key == "customer"
        matches = None
        if spec.text.strip():
            matches = _matches(self._base(spec, as_of))
            stmt = select(Invoice.id).join(matches, matches.c.id == Invoice.id)
            if by_customer:
                stmt = stmt.join(Customer, Customer.id == Invoice.customer_id)
        else:
            stmt = self._base(spec, as_of, for_sort_by_customer=by_customer)
        key: Any = {
            "number": Invoice.number,
            "customer": Customer.name,
            "issue_date": Invoice.issue_date,
            "due_date": Invoice.due_date,
            "amount": Invoice.amount_minor,
            "open": Invoice.open_minor,
            "status": Invoice.status,
        }[sort.key]
        order = [key.desc() if sort.descending else key.asc()]
        order.append(Invoice.id.desc() if sort.descending else Invoice.id.asc())
        return stmt.order_by(*order), matches

    def ids(
        self,
        ctx: ServiceContext,
        spec: ListSpec,
        sort: SortSpec,
        offset: int = 0,
        limit: int | None = None,
    ) -> array[int]:
        """Matching invoice ids in sort order."""
        return _run_ids(ctx, self._ordered(ctx, spec, sort)[0], offset, limit)

    def first_page(
        self, ctx: ServiceContext, spec: ListSpec, sort: SortSpec, limit: int
    ) -> tuple[int, array[int]]:
        """Count and first ids; a text filter is matched once for both."""
        stmt, matches = self._ordered(ctx, spec, sort)
        if matches is not None:
            return _first_page_with_count(ctx, stmt, matches, limit)
        return self.count(ctx, spec), self.ids(ctx, spec, sort, 0, limit)

    def rows(self, ctx: ServiceContext, ids: Sequence[int], as_of: date) -> list[InvoiceRow]:
        """Invoice rows for ``ids``, with days overdue as of ``as_of``."""
        if not ids:
            return []
        first_open_due = (
            select(func.min(ScheduleLine.due_date))
            .where(ScheduleLine.invoice_id == Invoice.id, ScheduleLine.open_minor > 0)
            .correlate(Invoice)
            .scalar_subquery()
        )
        stmt = (
            select(
                Invoice.id,
                Invoice.number,
                Invoice.customer_id,
                Customer.code,
                Customer.name,
                Invoice.issue_date,
                Invoice.due_date,
                Invoice.currency,
                Invoice.amount_minor,
                Invoice.open_minor,
                Invoice.status,
                Invoice.fapiao_issued,
                Invoice.disputed,
                case((Invoice.open_minor > 0, first_open_due), else_=None),
            )
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(Invoice.id.in_(list(ids)))
        )
        out: dict[int, InvoiceRow] = {}
        with reader(ctx) as s:
            for r in s.execute(stmt):
                oldest_due = date.fromisoformat(r[13]) if isinstance(r[13], str) else r[13]
                days = (as_of - oldest_due).days if oldest_due is not None else 0
                out[r[0]] = InvoiceRow(
                    id=r[0],
                    number=r[1],
                    customer_id=r[2],
                    customer_code=r[3],
                    customer_name=r[4],
                    issue_date=r[5],
                    due_date=r[6],
                    amount=Money(r[8], r[7]),
                    open=Money(r[9], r[7]),
                    status=r[10],
                    days_overdue=max(days, 0),
                    fapiao_issued=bool(r[11]),
                    disputed=bool(r[12]),
                )
        return _ordered(out, ids)


# --------------------------------------------------------------------------------------------
# Payments
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """One receipt in the payments list."""

    id: int
    number: str
    customer_id: int | None
    customer_code: str
    customer_name: str
    payment_date: date
    amount: Money
    unallocated: Money
    method: str
    reference: str
    payer_name: str
    status: str


class PaymentList:
    """The payments (receipts) list."""

    name = "payments"
    sort_keys = ("number", "customer", "payment_date", "amount", "unallocated", "status")
    statuses = ("all", "posted", "unallocated", "reversed", "unidentified")

    def _base(self, spec: ListSpec, *, join_customer: bool = False) -> Select[Any]:
        _check_status(spec.status, self.statuses)
        stmt = select(Payment.id)
        if join_customer:
            stmt = stmt.outerjoin(Customer, Customer.id == Payment.customer_id)
        conds: list[ColumnElement[bool]] = []
        if spec.customer_id is not None:
            conds.append(Payment.customer_id == spec.customer_id)
        text = spec.text.strip()
        if text:
            conds.append(
                or_(
                    contains_text(Payment.number, text),
                    contains_text(Payment.reference, text),
                    contains_text(Payment.payer_name, text),
                    Payment.customer_id.in_(select(Customer.id).where(_customer_text_filter(text))),
                )
            )
        status = spec.status
        if status == "posted":
            conds.append(Payment.status == "posted")
        elif status == "unallocated":
            conds.append(and_(Payment.status == "posted", Payment.unallocated_minor > 0))
        elif status == "reversed":
            conds.append(Payment.status == "reversed")
        elif status == "unidentified":
            conds.append(Payment.customer_id.is_(None))
        return stmt.where(*conds) if conds else stmt

    def count(self, ctx: ServiceContext, spec: ListSpec) -> int:
        """Number of matching payments."""
        return _count(ctx, self._base(spec))

    def _ordered(
        self, ctx: ServiceContext, spec: ListSpec, sort: SortSpec
    ) -> tuple[Select[Any], Any]:
        _check_sort(sort.key, self.sort_keys)
        by_customer = sort.key == "customer"
        matches = None
        if spec.text.strip():
            matches = _matches(self._base(spec))
            stmt = select(Payment.id).join(matches, matches.c.id == Payment.id)
            if by_customer:
                stmt = stmt.outerjoin(Customer, Customer.id == Payment.customer_id)
        else:
            stmt = self._base(spec, join_customer=by_customer)
        key: Any = {
            "number": Payment.number,
            "customer": func.coalesce(Customer.name, Payment.payer_name),
            "payment_date": Payment.payment_date,
            "amount": Payment.amount_minor,
            "unallocated": Payment.unallocated_minor,
            "status": Payment.status,
        }[sort.key]
        order = [key.desc() if sort.descending else key.asc()]
        order.append(Payment.id.desc() if sort.descending else Payment.id.asc())
        return stmt.order_by(*order), matches

    def ids(
        self,
        ctx: ServiceContext,
        spec: ListSpec,
        sort: SortSpec,
        offset: int = 0,
        limit: int | None = None,
    ) -> array[int]:
        """Matching payment ids in sort order."""
        return _run_ids(ctx, self._ordered(ctx, spec, sort)[0], offset, limit)

    def first_page(
        self, ctx: ServiceContext, spec: ListSpec, sort: SortSpec, limit: int
    ) -> tuple[int, array[int]]:
        """Count and first ids; a text filter is matched once for both."""
        stmt, matches = self._ordered(ctx, spec, sort)
        if matches is not None:
            return _first_page_with_count(ctx, stmt, matches, limit)
        return self.count(ctx, spec), self.ids(ctx, spec, sort, 0, limit)

    def rows(self, ctx: ServiceContext, ids: Sequence[int], as_of: date) -> list[PaymentRow]:
        """Payment rows for ``ids``."""
        if not ids:
            return []
        stmt = (
            select(Payment, Customer.code, Customer.name)
            .outerjoin(Customer, Customer.id == Payment.customer_id)
            .where(Payment.id.in_(list(ids)))
        )
        out: dict[int, PaymentRow] = {}
        with reader(ctx) as s:
            for p, code, cname in s.execute(stmt):
                out[p.id] = PaymentRow(
                    id=p.id,
                    number=p.number,
                    customer_id=p.customer_id,
                    customer_code=code or "",
                    customer_name=cname or "",
                    payment_date=p.payment_date,
                    amount=Money(p.amount_minor, p.currency),
                    unallocated=Money(p.unallocated_minor, p.currency),
                    method=p.method,
                    reference=p.reference,
                    payer_name=p.payer_name,
                    status=p.status,
                )
        return _ordered(out, ids)


customers = CustomerList()
invoices = InvoiceList()
payments = PaymentList()

__all__ = [
    "CustomerRow",
    "InvoiceRow",
    "ListSource",
    "ListSpec",
    "PaymentRow",
    "SortSpec",
    "customers",
    "invoices",
    "payments",
]
