"""The facts a credit grade is computed from, for every customer at once, in grouped SQL.

Over the scoring period (the 12 months up to and including ``as_of``):

* **payment behaviour** — every live payment allocation dated in the period against its schedule
  line's due date: the share of the money received on or before the due date and the days late
  per unit of money (early counts as 0). Amounts are weighted in the base currency (the amount
  times its invoice's ``exchange_rate``, 1 for base-currency invoices) so that a customer paying
  in several currencies is weighed consistently; the two figures are ratios, so the unit does not
  change them for a one-currency customer.
* **longest overdue** — the most days any amount was overdue: allocations of any kind (payment,
  credit note, write-off) dated in the period, and schedule lines still open on ``as_of`` (open
  today, or paid by an allocation dated after ``as_of``).
* **disputes** opened and **promises to pay broken** (promised date) in the period.
* **exposure** — open invoices plus confirmed orders not yet invoiced, and **revenue** —
  invoices issued in the period (opening balances left out), both in the customer's currency the
  way the order credit check counts them (:func:`desktop_ar.services.order_views.credit_figures`):
  documents in another currency count at their own rate when the customer's currency is the base
  currency, and are left out otherwise. Exposure is always today's (the maintained open amounts
  and order state), also for an earlier ``as_of``.

Each query groups by customer (and by currency and rate where amounts are converted), so the
cost does not grow with a loop over customers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from desktop_ar.db.models import CompanySettings, Customer, Invoice, Order, ScheduleLine
from desktop_ar.db.models.activity import Dispute
from desktop_ar.db.models.collections import PromiseToPay
from desktop_ar.db.models.payments import Allocation
from desktop_ar.domain.credit_grade import CreditFacts
from desktop_ar.domain.dates import add_months
from desktop_ar.domain.money import Money
from desktop_ar.services.ledger import get_row

__all__ = ["PERIOD_MONTHS", "CustomerRow", "load_facts", "period_start"]

PERIOD_MONTHS = 12
_TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """The customer fields a grade is shown with."""

    id: int
    code: str
    name: str
    currency: str
    limit_minor: int
    grade: str
    score: int | None
    scored_on: date | None


def period_start(as_of: date) -> date:
    """The first day *after* which the scoring period starts (``as_of`` less 12 months)."""
    return add_months(as_of, -PERIOD_MONTHS)


def _days(s: Session, later: Any, earlier: Any) -> Any:
    """Whole days from ``earlier`` to ``later`` as an SQL expression."""
    if s.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


def _scanned(s: Session, col: Any, ids: Sequence[int] | None) -> Any:
    """``col``, kept from driving the query through its index when the whole book is read.

    The period covers most rows: on SQLite a table scan (in the order the rows were written, so
    the joined rows are read in order too) is several times faster than a date-index range
    followed by a random lookup per row. The unary ``+`` is SQLite's way to say so.
    """
    if ids is None and s.get_bind().dialect.name == "sqlite":
        return UnaryExpression(col, operator=custom_op("+"), type_=col.type)
    return col


def _in_currency(minor: int, doc_ccy: str, rate: Decimal, ccy: str, base: str) -> int:
    """An amount in the customer's currency, as the order credit check counts it."""
    if doc_ccy == ccy:
        return minor
    if ccy == base:
        return Money(minor, doc_ccy).convert(Decimal(rate), base).minor
    return 0


def _filter(col: Any, ids: Sequence[int] | None) -> Any:
    return col.in_(list(ids)) if ids is not None else literal(True)


def _customers(s: Session, ids: Sequence[int] | None) -> dict[int, CustomerRow]:
    q = select(
        Customer.id,
        Customer.code,
        Customer.name,
        Customer.currency,
        Customer.credit_limit_minor,
        Customer.credit_grade,
        Customer.credit_score,
        Customer.credit_scored_on,
    ).where(_filter(Customer.id, ids))
    return {r[0]: CustomerRow(*r) for r in s.execute(q.order_by(Customer.code))}


def _behaviour(s: Session, start: date, as_of: date, ids: Sequence[int] | None) -> Any:
    """Per (customer, rate): paid, paid on time, Σ amount × days late, longest days late."""
    # on time by comparing the dates; days late computed only for the late rows (cheaper)
    is_late = Allocation.allocation_date > ScheduleLine.due_date
    late = _days(s, Allocation.allocation_date, ScheduleLine.due_date)
    is_pay = Allocation.payment_id.is_not(None)
    amount = Allocation.amount_minor
    q = (
        select(
            Invoice.customer_id,
            Invoice.exchange_rate,
            func.sum(case((is_pay, amount), else_=0)),
            func.sum(case((and_(is_pay, ~is_late), amount), else_=0)),
            func.sum(case((and_(is_pay, is_late), amount * late), else_=0)),
            func.max(case((is_late, late), else_=0)),
        )
        .select_from(Allocation)
        .join(ScheduleLine, ScheduleLine.id == Allocation.schedule_line_id)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(
            _scanned(s, Allocation.allocation_date, ids) > start,
            _scanned(s, Allocation.allocation_date, ids) <= as_of,
            or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > as_of),
            Invoice.status != "void",
            _filter(Invoice.customer_id, ids),
        )
        .group_by(Invoice.customer_id, Invoice.exchange_rate)
    )
    return s.execute(q)


def _oldest_open(s: Session, as_of: date, ids: Sequence[int] | None) -> dict[int, int]:
    q = (
        select(Invoice.customer_id, func.max(_days(s, literal(as_of), ScheduleLine.due_date)))
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .where(
            ScheduleLine.open_minor > 0,
            ScheduleLine.due_date < as_of,
            Invoice.open_minor > 0,
            Invoice.status != "void",
            _filter(Invoice.customer_id, ids),
        )
        .group_by(Invoice.customer_id)
    )
    out = {cid: int(days or 0) for cid, days in s.execute(q)}
    # lines paid after ``as_of`` were still open on it (few rows unless as_of is long ago)
    later = (
        select(Invoice.customer_id, func.max(_days(s, literal(as_of), ScheduleLine.due_date)))
        .select_from(Allocation)
        .join(ScheduleLine, ScheduleLine.id == Allocation.schedule_line_id)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(
            Allocation.allocation_date > as_of,
            Allocation.reversed_on.is_(None),
            ScheduleLine.due_date < as_of,
            Invoice.status != "void",
            _filter(Invoice.customer_id, ids),
        )
        .group_by(Invoice.customer_id)
    )
    for cid, days in s.execute(later):
        out[cid] = max(out.get(cid, 0), int(days or 0))
    return out


def _counts(s: Session, q: Any) -> dict[int, int]:
    return {cid: int(n) for cid, n in s.execute(q)}


def _converted(s: Session, q: Any, customers: dict[int, CustomerRow], base: str) -> dict[int, int]:
    """Rows (customer, currency, rate, minor) summed in each customer's currency."""
    out: dict[int, int] = {}
    for cid, ccy, rate, minor in s.execute(q):
        c = customers.get(cid)
        if c is None or not minor:
            continue
        out[cid] = out.get(cid, 0) + _in_currency(int(minor), ccy, rate, c.currency, base)
    return out


def _exposure(
    s: Session, as_of: date, ids: Sequence[int] | None, customers: dict[int, CustomerRow], base: str
) -> dict[int, int]:
    open_q = (
        select(
            Invoice.customer_id,
            Invoice.currency,
            Invoice.exchange_rate,
            func.sum(Invoice.open_minor),
        )
        .where(Invoice.open_minor > 0, Invoice.status != "void", _filter(Invoice.customer_id, ids))
        .group_by(Invoice.customer_id, Invoice.currency, Invoice.exchange_rate)
    )
    out = _converted(s, open_q, customers, base)
    billed = (
        select(func.coalesce(func.sum(Invoice.amount_minor), 0))
        .where(Invoice.order_id == Order.id, Invoice.status != "void")
        .correlate(Order)
        .scalar_subquery()
    )
    left = Order.total_minor - billed
    orders_q = (
        select(
            Order.customer_id,
            Order.currency,
            Order.exchange_rate,
            func.sum(case((left > 0, left), else_=0)),
        )
        .where(Order.status == "confirmed", _filter(Order.customer_id, ids))
        .group_by(Order.customer_id, Order.currency, Order.exchange_rate)
    )
    for cid, minor in _converted(s, orders_q, customers, base).items():
        out[cid] = out.get(cid, 0) + minor
    return out


def _revenue(
    s: Session, start: date, as_of: date, ids: Sequence[int] | None, *, customers: Any, base: str
) -> dict[int, int]:
    q = (
        select(
            Invoice.customer_id,
            Invoice.currency,
            Invoice.exchange_rate,
            func.sum(Invoice.amount_minor),
        )
        .where(
            _scanned(s, Invoice.issue_date, ids) > start,
            _scanned(s, Invoice.issue_date, ids) <= as_of,
            Invoice.status != "void",
            Invoice.opening_balance.is_(False),
            _filter(Invoice.customer_id, ids),
        )
        .group_by(Invoice.customer_id, Invoice.currency, Invoice.exchange_rate)
    )
    return _converted(s, q, customers, base)


def _ratio(part: Decimal, whole: Decimal, scale: int = 1) -> Decimal:
    return (part * scale / whole).quantize(_TENTH, rounding=ROUND_HALF_UP)


def load_facts(
    s: Session, as_of: date, ids: Sequence[int] | None = None
) -> list[tuple[CustomerRow, CreditFacts]]:
    """Every customer (or those in ``ids``) with its credit facts as of ``as_of``, by code."""
    base = get_row(s, CompanySettings, 1, "Company settings").base_currency
    start = period_start(as_of)
    customers = _customers(s, ids)
    paid: dict[int, Decimal] = {}
    on_time: dict[int, Decimal] = {}
    late: dict[int, Decimal] = {}
    longest: dict[int, int] = {}
    for cid, rate, p, ot, lw, mx in _behaviour(s, start, as_of, ids):
        weight = Decimal(rate)
        paid[cid] = paid.get(cid, Decimal(0)) + Decimal(int(p or 0)) * weight
        on_time[cid] = on_time.get(cid, Decimal(0)) + Decimal(int(ot or 0)) * weight
        late[cid] = late.get(cid, Decimal(0)) + Decimal(int(lw or 0)) * weight
        longest[cid] = max(longest.get(cid, 0), int(mx or 0))
    for cid, days in _oldest_open(s, as_of, ids).items():
        longest[cid] = max(longest.get(cid, 0), days)
    disputes = _counts(
        s,
        select(Dispute.customer_id, func.count())
        .where(
            Dispute.opened_on > start,
            Dispute.opened_on <= as_of,
            _filter(Dispute.customer_id, ids),
        )
        .group_by(Dispute.customer_id),
    )
    broken = _counts(
        s,
        select(PromiseToPay.customer_id, func.count())
        .where(
            PromiseToPay.status == "broken",
            PromiseToPay.promised_date > start,
            PromiseToPay.promised_date <= as_of,
            _filter(PromiseToPay.customer_id, ids),
        )
        .group_by(PromiseToPay.customer_id),
    )
    exposure = _exposure(s, as_of, ids, customers, base)
    revenue = _revenue(s, start, as_of, ids, customers=customers, base=base)
    out = []
    for cid, c in customers.items():
        weight = paid.get(cid, Decimal(0))
        has_history = weight > 0
        facts = CreditFacts(
            on_time_share=_ratio(on_time[cid], weight, 100) if has_history else None,
            weighted_days_late=_ratio(late[cid], weight) if has_history else None,
            longest_overdue_days=max(longest.get(cid, 0), 0),
            disputes=disputes.get(cid, 0),
            broken_promises=broken.get(cid, 0),
            exposure_minor=exposure.get(cid, 0),
            limit_minor=c.limit_minor,
            revenue_minor=revenue.get(cid, 0),
            months=PERIOD_MONTHS,
        )
        out.append((c, facts))
    return out
