"""Aging (账龄分析) of open items as of any date, per currency, by customer and by item.

Invoices are aged by days past due (basis ``"due"``) or days since the invoice date (basis
``"invoice"``). Credit notes and unallocated payments are aged by days since their own date and
appear as negative amounts in rows of their own — they are never netted into an invoice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import to_halfwidth

__all__ = [
    "BASES",
    "DEFAULT_BOUNDARIES",
    "KINDS",
    "AgingItem",
    "AgingReport",
    "AgingRow",
    "AgingSum",
    "Buckets",
    "CurrencyAging",
    "age",
    "age_sums",
]

KINDS = ("invoice", "credit_note", "unallocated_payment")
_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
BASES = ("due", "invoice")
DEFAULT_BOUNDARIES = (30, 60, 90)


def _bad_buckets(value: object, reason: str) -> DomainError:
    return DomainError("invalid", field="aging buckets", reason=f"{value!s}: {reason}")


@dataclass(frozen=True, slots=True)
class Buckets:
    """Aging buckets from ascending day boundaries: (30, 60, 90) → current, 1-30 … 90+."""

    boundaries: tuple[int, ...] = DEFAULT_BOUNDARIES

    def __post_init__(self) -> None:
        bounds = self.boundaries
        if not bounds:
            raise _bad_buckets("", "give at least one boundary such as 30")
        previous = 0
        for b in bounds:
            if isinstance(b, bool) or not isinstance(b, int):
                raise _bad_buckets(b, "boundaries must be whole numbers of days")
            if b <= previous:
                raise _bad_buckets(b, "boundaries must be positive and increasing")
            previous = b

    @classmethod
    def from_boundaries(cls, boundaries: Iterable[int]) -> Buckets:
        """Build buckets from day boundaries.

        Args:
            boundaries: positive, strictly increasing whole numbers of days, e.g. ``[30, 60, 90]``.

        Returns:
            The buckets.

        Raises:
            DomainError: ``invalid`` for an empty, non-integer, non-positive or non-increasing list.
        """
        return cls(tuple(boundaries))

    @classmethod
    def parse(cls, text: str) -> Buckets:
        """Parse boundaries typed as ``"30,60,90"`` (commas, 、 or spaces between numbers).

        Args:
            text: the typed boundaries.

        Returns:
            The buckets.

        Raises:
            DomainError: ``invalid`` when a part is not a positive whole number or the
                numbers do not increase.
        """
        parts = [p for p in re.split(r"[,;、\s]+", to_halfwidth(text).strip()) if p]
        values = []
        for part in parts:
            if re.fullmatch(r"[0-9]+", part) is None:
                raise _bad_buckets(text, f"{part!r} is not a whole number of days")
            values.append(int(part))
        return cls(tuple(values))

    @property
    def labels(self) -> list[str]:
        """Bucket labels: ``["current", "1-30", "31-60", "61-90", "90+"]``."""
        labels = ["current"]
        low = 1
        for b in self.boundaries:
            labels.append(f"{low}-{b}")
            low = b + 1
        labels.append(f"{self.boundaries[-1]}+")
        return labels

    def __len__(self) -> int:
        return len(self.boundaries) + 2

    def index_for(self, days_overdue: int) -> int:
        """Index of the bucket for an age in days (zero or less → 0, "current").

        Args:
            days_overdue: days past due (or since the document date).

        Returns:
            The bucket index into :attr:`labels`.
        """
        if days_overdue <= 0:
            return 0
        for i, b in enumerate(self.boundaries):
            if days_overdue <= b:
                return i + 1
        return len(self.boundaries) + 1

    def date_edges(self, as_of: date) -> list[date]:
        """Dates that separate the buckets, for range queries: ``[as_of, as_of-30, …]``.

        A date ``d`` (due date or document date) is in bucket 0 when ``d >= edges[0]``, in
        bucket ``k`` (1 ≤ k ≤ n) when ``edges[k] <= d < edges[k-1]``, and in the last bucket
        when ``d < edges[n]`` — the same answer :meth:`index_for` gives for
        ``(as_of - d).days``.

        Args:
            as_of: the aging date.

        Returns:
            ``len(boundaries) + 1`` dates, newest first.
        """
        return [as_of - timedelta(days=b) for b in (0, *self.boundaries)]


@dataclass(frozen=True, slots=True)
class AgingItem:
    """One open document. ``open`` is positive for every kind; credits are negated in aging.

    ``overdue_reason`` and ``measure`` are an invoice's overdue reason code and agreed measure
    code (``funds_tight``, ``extended_due_date``…), carried through to its aging row.
    """

    customer_id: int
    customer_code: str
    customer_name: str
    kind: str
    document_id: int
    document_number: str
    document_date: date
    due_date: date
    open: Money
    rate_to_base: Decimal = Decimal(1)
    overdue_reason: str | None = None
    measure: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise DomainError(
                "invalid", field="kind", reason=f"{self.kind!r} is not one of {KINDS}"
            )
        if isinstance(self.rate_to_base, float) or not isinstance(self.rate_to_base, Decimal):
            raise TypeError("rate_to_base must be a Decimal")
        if not self.rate_to_base.is_finite() or self.rate_to_base <= 0:
            raise DomainError("invalid", field="rate", reason=f"{self.rate_to_base} is not a rate")


@dataclass(frozen=True, slots=True)
class AgingRow:
    """A row of the report: one customer (and kind) or one document.

    Document rows of invoices carry the invoice's overdue reason and agreed measure codes.
    """

    customer_id: int
    customer_code: str
    customer_name: str
    kind: str
    document_number: str | None
    document_date: date | None
    due_date: date | None
    days_overdue: int | None
    amounts: list[Money]
    total: Money
    overdue_reason: str | None = None
    measure: str | None = None


@dataclass(frozen=True, slots=True)
class CurrencyAging:
    """The aging of one currency."""

    currency: str
    totals: list[Money]
    total: Money
    by_customer: list[AgingRow]
    by_item: list[AgingRow]


@dataclass(frozen=True, slots=True)
class AgingReport:
    """Aging as of a date; ``base_totals`` convert every currency with each item's rate."""

    as_of: date
    basis: str
    buckets: list[str]
    currencies: list[CurrencyAging]
    base_currency: str
    base_totals: list[Money]
    base_total: Money
    boundaries: tuple[int, ...] = field(default=DEFAULT_BOUNDARIES)

    def currency(self, code: str) -> CurrencyAging | None:
        """The aging of one currency, or ``None`` when it has no open items."""
        return next((c for c in self.currencies if c.currency == code), None)


def _zeros(n: int, currency: str) -> list[Money]:
    return [Money.zero(currency)] * n


def _add(amounts: list[Money], index: int, value: Money) -> None:
    amounts[index] = amounts[index] + value


def _age_days(item: AgingItem, as_of: date, basis: str) -> int:
    if item.kind == "invoice" and basis == "due":
        return (as_of - item.due_date).days
    return (as_of - item.document_date).days


def _currency_aging(
    currency: str, entries: Sequence[tuple[AgingItem, int, int, Money]], n: int
) -> CurrencyAging:
    totals = _zeros(n, currency)
    by_item: list[AgingRow] = []
    groups: dict[tuple[int, str], list[Money]] = {}
    heads: dict[tuple[int, str], AgingItem] = {}
    for item, days, index, signed in entries:
        _add(totals, index, signed)
        amounts = _zeros(n, currency)
        amounts[index] = signed
        by_item.append(
            AgingRow(
                item.customer_id,
                item.customer_code,
                item.customer_name,
                item.kind,
                item.document_number,
                item.document_date,
                item.due_date,
                max(days, 0),
                amounts,
                signed,
                item.overdue_reason,
                item.measure,
            )
        )
        key = (item.customer_id, item.kind)
        heads.setdefault(key, item)
        _add(groups.setdefault(key, _zeros(n, currency)), index, signed)
    by_customer = [
        AgingRow(
            head.customer_id,
            head.customer_code,
            head.customer_name,
            head.kind,
            None,
            None,
            None,
            None,
            groups[key],
            Money.sum(groups[key], currency),
        )
        for key, head in heads.items()
    ]
    by_customer.sort(key=lambda r: (r.customer_code, _KIND_RANK[r.kind], r.customer_id))
    return CurrencyAging(
        currency, totals, Money.sum(totals, currency), by_customer, _sort_items(by_item, entries)
    )


def _sort_items(
    rows: list[AgingRow], entries: Sequence[tuple[AgingItem, int, int, Money]]
) -> list[AgingRow]:
    order = sorted(
        range(len(rows)),
        key=lambda i: (
            rows[i].customer_code,
            rows[i].due_date,
            rows[i].document_number,
            _KIND_RANK[rows[i].kind],
            entries[i][0].document_id,
        ),
    )
    return [rows[i] for i in order]


def age(
    items: Iterable[AgingItem],
    *,
    as_of: date,
    buckets: Buckets,
    basis: str = "due",
    base_currency: str,
) -> AgingReport:
    """Age open items as of a date.

    Items dated after ``as_of`` and items with nothing open are left out; any non-zero amount,
    even 0.01, stays visible. Credit notes and unallocated payments become negative amounts.

    Args:
        items: the open documents.
        as_of: the date of the report (not necessarily today).
        buckets: the aging buckets.
        basis: ``"due"`` (days past due) or ``"invoice"`` (days since the invoice date).
        base_currency: currency of ``base_totals``; each item converts with its
            ``rate_to_base``, rounded half up per item, then summed.

    Returns:
        The report, currencies sorted by code.

    Raises:
        DomainError: ``invalid`` for an unknown basis.
    """
    if basis not in BASES:
        raise DomainError("invalid", field="basis", reason=f"{basis!r} is not 'due' or 'invoice'")
    n = len(buckets)
    per_currency: dict[str, list[tuple[AgingItem, int, int, Money]]] = {}
    base_totals = _zeros(n, base_currency)
    for item in items:
        if item.document_date > as_of or item.open.minor == 0:
            continue
        signed = item.open if item.kind == "invoice" else -item.open
        days = _age_days(item, as_of, basis)
        index = buckets.index_for(days)
        per_currency.setdefault(item.open.currency, []).append((item, days, index, signed))
        if signed.currency == base_currency:
            converted = signed
        else:
            converted = signed.convert(item.rate_to_base, base_currency, rounding=ROUND_HALF_UP)
        _add(base_totals, index, converted)
    currencies = [_currency_aging(c, per_currency[c], n) for c in sorted(per_currency)]
    return AgingReport(
        as_of=as_of,
        basis=basis,
        buckets=buckets.labels,
        currencies=currencies,
        base_currency=base_currency,
        base_totals=base_totals,
        base_total=Money.sum(base_totals, base_currency),
        boundaries=buckets.boundaries,
    )


@dataclass(frozen=True, slots=True)
class AgingSum:
    """Open amounts of one customer, kind, currency and rate, already summed per bucket.

    ``amounts`` are positive minor units per bucket (credits are negated by the aging), as a
    database returns them from a grouped query over :meth:`Buckets.date_edges`.
    """

    customer_id: int
    customer_code: str
    customer_name: str
    kind: str
    currency: str
    amounts: tuple[int, ...]
    rate_to_base: Decimal = Decimal(1)


def age_sums(
    sums: Iterable[AgingSum],
    *,
    as_of: date,
    buckets: Buckets,
    basis: str = "due",
    base_currency: str,
) -> AgingReport:
    """Build the by-customer aging from pre-summed bucket amounts (no per-item rows).

    This is the fast path for big books: the database sums open amounts per customer and
    bucket; this function signs credits, groups rows per customer and kind, and totals.
    Base-currency amounts convert each (customer, kind, currency, rate) sum, rounded half up.

    Args:
        sums: the grouped amounts.
        as_of: the date of the report.
        buckets: the buckets the sums were made with.
        basis: ``"due"`` or ``"invoice"`` (recorded in the report).
        base_currency: currency of ``base_totals``.

    Returns:
        The report; ``by_item`` is empty for every currency.

    Raises:
        DomainError: ``invalid`` for an unknown basis or a sum with the wrong bucket count.
    """
    if basis not in BASES:
        raise DomainError("invalid", field="basis", reason=f"{basis!r} is not 'due' or 'invoice'")
    n = len(buckets)
    groups: dict[str, dict[tuple[int, str], list[int]]] = {}
    heads: dict[tuple[int, str], AgingSum] = {}
    base = [0] * n
    for item in sums:
        if len(item.amounts) != n:
            raise DomainError("invalid", field="aging sums", reason="bucket count differs")
        sign = 1 if item.kind == "invoice" else -1
        row = groups.setdefault(item.currency, {}).setdefault(
            (item.customer_id, item.kind), [0] * n
        )
        heads.setdefault((item.customer_id, item.kind), item)
        for i, amount in enumerate(item.amounts):
            if not amount:
                continue
            row[i] += sign * amount
            signed = Money(sign * amount, item.currency)
            if item.currency != base_currency:
                signed = signed.convert(item.rate_to_base, base_currency, rounding=ROUND_HALF_UP)
            base[i] += signed.minor
    currencies = []
    for ccy in sorted(groups):
        rows = []
        totals = [0] * n
        for key, amounts in groups[ccy].items():
            if not any(amounts):
                continue
            head = heads[key]
            for i, a in enumerate(amounts):
                totals[i] += a
            money = [Money(a, ccy) for a in amounts]
            rows.append(
                AgingRow(
                    head.customer_id,
                    head.customer_code,
                    head.customer_name,
                    head.kind,
                    None,
                    None,
                    None,
                    None,
                    money,
                    Money(sum(amounts), ccy),
                )
            )
        if not rows:
            continue
        rows.sort(key=lambda r: (r.customer_code, _KIND_RANK[r.kind], r.customer_id))
        currencies.append(
            CurrencyAging(ccy, [Money(t, ccy) for t in totals], Money(sum(totals), ccy), rows, [])
        )
    base_totals = [Money(b, base_currency) for b in base]
    return AgingReport(
        as_of=as_of,
        basis=basis,
        buckets=buckets.labels,
        currencies=currencies,
        base_currency=base_currency,
        base_totals=base_totals,
        base_total=Money(sum(base), base_currency),
        boundaries=buckets.boundaries,
    )
