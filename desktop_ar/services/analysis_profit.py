"""Revenue, cost and profit per order, customer, product or month (收入、成本和利润).

Figures come from the invoices *issued in the period* (void invoices and imported opening
balances left out), grouped in the database per (group, currency, exchange rate) and converted
to the base currency in Python with each invoice's own rate, rounded half up per group (so the
totals of two groupings of the same period may differ by a few cents of rounding; the totals
row is always the sum of its rows):

* **revenue** is the net (before tax) of the invoice lines, less the credit notes issued in the
  period (see below);
* **cost** is, per line, quantity × unit cost rounded half up to the minor unit, summed;
* **profit** = revenue − cost and **margin** = profit / revenue (None without revenue);
* **revenue without cost**: invoices without lines (typed or imported as a total) have no
  known cost; their net is reported in its own column and left out of revenue, cost and
  margin, so a margin is never flattered by revenue that has no cost beside it.

Credit notes (not void) issued in the period reduce revenue, at their net: a credit note against
an invoice takes that invoice's net share of its amount (amount × net / gross, rounded half up);
a standalone credit note carries no tax information and counts at its full amount. By customer
they reduce the credit note's customer, by month the month the credit note is issued in, by
order the order of the invoice they correct (or that invoice's own group when it has no order;
standalone credit notes form one "credit notes without invoice" row). By product they cannot be
split over the lines, so they form one "credit notes" row. Cost is never reduced by a credit note
(returned goods' cost is not known).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Integer as SqlInteger
from sqlalchemy import String, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import CreditNote, Customer, Invoice, InvoiceLine, Order
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader

__all__ = ["PROFIT_BY", "ProfitReport", "ProfitRow", "profit"]

PROFIT_BY = ("order", "customer", "product", "month")
# Internal keys of the rows that are not a group (sorted last; their public key is "").
_CREDIT_KEY = "\x00credit notes"
_NO_INVOICE_KEY = "\x00credit notes without invoice"
SPECIAL_LABELS = {
    _CREDIT_KEY: "Credit notes (not by product)",
    _NO_INVOICE_KEY: "Credit notes without invoice",
}
NO_LINES_LABEL = "(invoices without lines)"
_MICRO = 1_000_000  # quantities are read to 6 decimals in SQL; longer ones exactly in Python


@dataclass(frozen=True, slots=True)
class ProfitRow:
    """One row: its key (order number, customer code, item, ``YYYY-MM``) and label.

    ``kind`` is "group" for a group of invoices, "credit_notes" for credit notes that belong to
    no group (by product; by order, those without an invoice), "no_lines" for the invoices
    without lines by product, "total" for the totals row; only "group" rows have a key.
    """

    kind: str
    key: str
    label: str
    revenue: Money
    cost: Money
    revenue_without_cost: Money
    credit_notes: Money  # already taken off revenue; shown for transparency

    @property
    def profit(self) -> Money:
        """Revenue less cost."""
        return self.revenue - self.cost

    @property
    def margin(self) -> Decimal | None:
        """Profit / revenue as a percentage with 2 decimals; None unless revenue is positive."""
        if self.revenue.minor <= 0:
            return None
        pct = Decimal(self.profit.minor) * 100 / Decimal(self.revenue.minor)
        return pct.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ProfitReport:
    """The profit report of a period, grouped ``by``, amounts in the base currency."""

    date_from: date
    date_to: date
    by: str
    base_currency: str
    rows: list[ProfitRow]
    totals: ProfitRow


def _check(date_from: date, date_to: date, by: str) -> None:
    if by not in PROFIT_BY:
        raise UserFacingError("invalid", field="by", reason=f"use one of {', '.join(PROFIT_BY)}")
    if date_from > date_to:
        raise UserFacingError("invalid", field="period", reason="the start is after the end")


def _invoice_key(by: str) -> tuple[Any, Any]:
    """The SQL group key and label of an invoice (lines are joined in for "product")."""
    if by == "customer":
        return Customer.code, Customer.name
    if by == "month":
        month = func.substr(Invoice.issue_date, 1, 7)
        return month, month
    if by == "order":
        key = func.coalesce(Order.number, Invoice.number)
        label = case((Order.number.is_(None), "invoice " + Invoice.number), else_=Order.number)
        return key, label
    return InvoiceLine.item, InvoiceLine.item


def _joins(stmt: Any, by: str) -> Any:
    if by == "customer":
        return stmt.join(Customer, Customer.id == Invoice.customer_id)
    if by == "order":
        return stmt.outerjoin(Order, Order.id == Invoice.order_id)
    return stmt


def _micro_quantity() -> tuple[Any, Any]:
    """SQL: the line quantity in millionths (exact integer arithmetic on the stored text)."""
    q = InvoiceLine.quantity
    dot = func.instr(q, ".")
    frac = func.substr(q, dot + 1)
    whole = case(
        (dot == 0, cast(q, SqlInteger)), else_=cast(func.substr(q, 1, dot - 1), SqlInteger)
    )
    padded = q.op("||")(literal("000000", String()))
    digits = cast(func.substr(padded, dot + 1, 6), SqlInteger)
    micro = whole * _MICRO + case((dot == 0, 0), else_=digits)
    short = (dot == 0) | (func.length(frac) <= 6)
    return micro, short


def _period(col: Any, date_from: date, date_to: date) -> Any:
    return and_(col >= date_from, col <= date_to)


def _line_sums(s: Session, by: str, date_from: date, date_to: date) -> Iterable[Any]:
    """(key, label, currency, rate, revenue, cost) per group of invoices with lines."""
    key, label = _invoice_key(by)
    micro, short = _micro_quantity()
    # Per line: round(micro × unit cost / 10^6) half up, in integers.
    line_cost = (micro * InvoiceLine.unit_cost_minor + _MICRO // 2) // _MICRO
    stmt = select(
        key,
        func.min(label),
        Invoice.currency,
        Invoice.exchange_rate,
        func.sum(InvoiceLine.net_minor),
        func.sum(case((short, line_cost), else_=0)),
    ).select_from(InvoiceLine)
    stmt = stmt.join(Invoice, Invoice.id == InvoiceLine.invoice_id)
    stmt = _joins(stmt, by).where(
        _period(Invoice.issue_date, date_from, date_to),
        Invoice.status != "void",
        Invoice.opening_balance.is_(False),
    )
    rows = list(s.execute(stmt.group_by(key, Invoice.currency, Invoice.exchange_rate)))
    # The rare quantity with more than 6 decimals: exactly, per distinct (quantity, unit cost).
    long_stmt = (
        select(key, Invoice.currency, Invoice.exchange_rate, InvoiceLine.quantity)
        .add_columns(InvoiceLine.unit_cost_minor, func.count())
        .select_from(InvoiceLine)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
    )
    long_stmt = _joins(long_stmt, by).where(
        _period(Invoice.issue_date, date_from, date_to),
        Invoice.status != "void",
        Invoice.opening_balance.is_(False),
        ~short,
    )
    long_stmt = long_stmt.group_by(
        key,
        Invoice.currency,
        Invoice.exchange_rate,
        InvoiceLine.quantity,
        InvoiceLine.unit_cost_minor,
    )
    extra: dict[tuple[Any, str, Decimal], int] = {}
    for k, ccy, rate, qty, unit_cost, n in s.execute(long_stmt):
        one = (qty * unit_cost).to_integral_value(rounding=ROUND_HALF_UP)
        extra[(k, ccy, rate)] = extra.get((k, ccy, rate), 0) + int(one) * int(n)
    return [
        (k, lb, c, r, rev, int(cost) + extra.get((k, c, r), 0)) for k, lb, c, r, rev, cost in rows
    ]


def _lineless_sums(s: Session, by: str, date_from: date, date_to: date) -> Iterable[Any]:
    """(key, label, currency, rate, net) per group of invoices without lines."""
    if by == "product":
        key: Any = literal("")
        label: Any = literal("")
    else:
        key, label = _invoice_key(by)
    has_lines = select(InvoiceLine.id).where(InvoiceLine.invoice_id == Invoice.id).exists()
    stmt = select(key, func.min(label), Invoice.currency, Invoice.exchange_rate)
    stmt = _joins(stmt.add_columns(func.sum(Invoice.net_minor)).select_from(Invoice), by)
    stmt = stmt.where(
        _period(Invoice.issue_date, date_from, date_to),
        Invoice.status != "void",
        Invoice.opening_balance.is_(False),
        ~has_lines,
    )
    return list(s.execute(stmt.group_by(key, Invoice.currency, Invoice.exchange_rate)))


def _credit_sums(s: Session, by: str, date_from: date, date_to: date) -> Iterable[Any]:
    """(key, label, currency, rate, net credited) per group of credit notes in the period."""
    # Net share of a credit note against an invoice: amount × net / gross, half up, in integers.
    net = case(
        (
            Invoice.amount_minor > 0,
            (2 * CreditNote.amount_minor * Invoice.net_minor + Invoice.amount_minor)
            // (2 * Invoice.amount_minor),
        ),
        else_=CreditNote.amount_minor,
    )
    key: Any
    label: Any
    if by == "customer":
        key, label = Customer.code, Customer.name
    elif by == "month":
        key = label = func.substr(CreditNote.issue_date, 1, 7)
    elif by == "order":
        key = case(
            (CreditNote.invoice_id.is_(None), _NO_INVOICE_KEY),
            else_=func.coalesce(Order.number, Invoice.number),
        )
        label = case(
            (CreditNote.invoice_id.is_(None), SPECIAL_LABELS[_NO_INVOICE_KEY]),
            (Order.number.is_(None), "invoice " + Invoice.number),
            else_=Order.number,
        )
    else:
        key, label = literal(_CREDIT_KEY), literal(SPECIAL_LABELS[_CREDIT_KEY])
    stmt = select(key, func.min(label), CreditNote.currency, CreditNote.exchange_rate)
    stmt = stmt.add_columns(func.sum(net)).select_from(CreditNote)
    stmt = stmt.outerjoin(Invoice, Invoice.id == CreditNote.invoice_id)
    if by == "customer":
        stmt = stmt.join(Customer, Customer.id == CreditNote.customer_id)
    elif by == "order":
        stmt = stmt.outerjoin(Order, Order.id == Invoice.order_id)
    stmt = stmt.where(
        _period(CreditNote.issue_date, date_from, date_to), CreditNote.status != "void"
    )
    return list(s.execute(stmt.group_by(key, CreditNote.currency, CreditNote.exchange_rate)))


class _Acc:
    """Base-currency sums of one group."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.revenue = self.cost = self.without = self.credits = 0


def _base(minor: int, ccy: str, rate: Decimal, base: str) -> int:
    if ccy == base:
        return int(minor)
    return Money(int(minor), ccy).convert(Decimal(rate), base, rounding=ROUND_HALF_UP).minor


def profit(ctx: ServiceContext, date_from: date, date_to: date, *, by: str) -> ProfitReport:
    """Revenue, cost, profit and margin of the invoices issued from ``date_from`` to ``date_to``.

    Args:
        ctx: the service context.
        date_from: first day of the period (inclusive).
        date_to: last day of the period (inclusive).
        by: "order", "customer", "product" (the invoice line's item text) or "month".

    Returns:
        One row per group, sorted by key, and a totals row; amounts in the base currency.

    Raises:
        UserFacingError: ``invalid`` for an unknown ``by`` or a period that ends before it starts.
    """
    _check(date_from, date_to, by)
    with reader(ctx) as s:
        base = load_settings(s).base_currency
        lines = _line_sums(s, by, date_from, date_to)
        lineless = _lineless_sums(s, by, date_from, date_to)
        credits = _credit_sums(s, by, date_from, date_to)
    groups: dict[str, _Acc] = {}

    def acc(key: object, label: object) -> _Acc:
        k = "" if key is None else str(key)
        found = groups.get(k)
        if found is None:
            text = NO_LINES_LABEL if by == "product" and not k else str(label or k)
            found = groups[k] = _Acc(SPECIAL_LABELS.get(k, text))
        return found

    for key, label, ccy, rate, revenue, cost in lines:
        a = acc(key, label)
        a.revenue += _base(revenue, ccy, rate, base)
        a.cost += _base(cost, ccy, rate, base)
    for key, label, ccy, rate, net in lineless:
        acc(key, label).without += _base(net, ccy, rate, base)
    for key, label, ccy, rate, net in credits:
        a = acc(key, label)
        credited = _base(net, ccy, rate, base)
        a.credits += credited
        a.revenue -= credited

    def row(key: str, a: _Acc, kind: str = "group") -> ProfitRow:
        if key.startswith("\x00"):
            kind, key = "credit_notes", ""
        elif by == "product" and not key and kind == "group":
            kind = "no_lines"
        return ProfitRow(
            kind=kind,
            key=key,
            label=a.label,
            revenue=Money(a.revenue, base),
            cost=Money(a.cost, base),
            revenue_without_cost=Money(a.without, base),
            credit_notes=Money(a.credits, base),
        )

    rows = [row(k, groups[k]) for k in sorted(groups, key=lambda k: (not k or k[0] == "\x00", k))]
    total = _Acc("Total")
    for a in groups.values():
        total.revenue += a.revenue
        total.cost += a.cost
        total.without += a.without
        total.credits += a.credits
    return ProfitReport(date_from, date_to, by, base, rows, row("", total, "total"))
