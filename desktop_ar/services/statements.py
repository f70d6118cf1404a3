"""Statement of account (对账单) for one customer and period, per currency, with open items.

What a line is, and what is left out (the rules the balance rests on):

* Invoices are debits on their issue date; credit notes and payments are credits on their
  dates; a write-off is a credit on the date it closed the invoice; a refund paid back to the
  customer is a debit on the refund date.
* A reversed payment (bounced, posted by mistake) stays on the statement on its own date, and
  its reversal is a debit on the reversal date — the customer sees both, as on a bank
  statement. Discounts or small differences written off with that payment are undone the same
  day: a write-off reversal (debit).
* Voided invoices and voided credit notes are left out altogether, on every date: that is how
  the aging report and the customer balances treat them (a void carries no date of its own).
* Unidentified payments belong to no customer until they are assigned; then they appear on
  their payment date.

With these rules the closing balance equals the customer's balance in the aging report at the
end date (``services.reports.aging``) and, when nothing happened after that date,
``customers.customer_balances`` (open invoices less unallocated credit); the open items listed
under the statement add up to it. The opening balance is everything dated before the first day.

Each currency is its own section (amounts in different currencies are never added): the
customer's own currency first, then any other currency that has lines in the period or a
balance. Reading is open to every role; only the export writes, and only an audit row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from desktop_ar.db.models import Customer
from desktop_ar.db.queries.balances import AgingSourceRow, aging_rows
from desktop_ar.domain.aging import AgingReport, age
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.domain.statement import Entry, Ledger, Line, build_ledger, split_period
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row
from desktop_ar.services.reports import to_aging_items
from desktop_ar.services.settings import SettingsDTO, load_settings
from desktop_ar.services.statement_entries import customer_entries
from desktop_ar.services.uow import reader

__all__ = [
    "OpenItem",
    "Statement",
    "StatementSection",
    "build_statement",
    "customer_id_for_code",
    "default_period",
    "statement_of_account",
]


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open document at the end date, as the aging report sees it.

    ``amount`` is signed: positive for invoice lines, negative for unused credit notes and
    unallocated payments. ``days_overdue`` counts days past the due date (None for credits);
    ``bucket`` is the aging bucket label (``current``, ``1-30``…) by the book's aging basis.
    """

    kind: str
    number: str
    document_date: date
    due_date: date | None
    days_overdue: int | None
    bucket: str
    amount: Money


@dataclass(frozen=True, slots=True)
class StatementSection:
    """One currency of a statement: the ledger, the open items and their aging."""

    ledger: Ledger
    open_items: tuple[OpenItem, ...]
    aging: tuple[Money, ...]  # open items per bucket, in ``Statement.buckets`` order

    @property
    def currency(self) -> str:
        """The section's currency."""
        return self.ledger.currency

    @property
    def opening(self) -> Money:
        """Balance before the first day of the period."""
        return self.ledger.opening

    @property
    def lines(self) -> tuple[Line, ...]:
        """The period's lines with their running balance."""
        return self.ledger.lines

    @property
    def total_debit(self) -> Money:
        """Σ debits of the period."""
        return self.ledger.total_debit

    @property
    def total_credit(self) -> Money:
        """Σ credits of the period."""
        return self.ledger.total_credit

    @property
    def closing(self) -> Money:
        """Balance at the end of the last day."""
        return self.ledger.closing

    @property
    def open_total(self) -> Money:
        """Σ open items: equals the closing balance."""
        return Money.sum((i.amount for i in self.open_items), self.currency)


@dataclass(frozen=True, slots=True)
class Statement:
    """A customer's statement of account for a period, one section per currency."""

    customer_id: int
    customer_code: str
    customer_name: str
    customer_language: str
    customer_address: str
    customer_tax_id: str
    company_name: str
    company_name_en: str
    date_from: date
    date_to: date
    basis: str
    buckets: tuple[str, ...]
    sections: tuple[StatementSection, ...]

    def section(self, currency: str) -> StatementSection | None:
        """The section of one currency, or None when the statement has none in it."""
        return next((x for x in self.sections if x.currency == currency), None)


def default_period(date_to: date) -> tuple[date, date]:
    """The period offered when only its end is known: the calendar month up to ``date_to``.

    Args:
        date_to: the last day of the statement.

    Returns:
        ``(first day of date_to's month, date_to)``.
    """
    return date_to.replace(day=1), date_to


def customer_id_for_code(ctx: ServiceContext, code: str) -> int:
    """The id of the customer with this code.

    Raises:
        NotFound: no customer has the code.
    """
    with reader(ctx) as s:
        found = s.execute(select(Customer.id).where(Customer.code == code.strip())).scalar()
    if found is None:
        raise NotFound("Customer", code.strip())
    return int(found)


# ---- open items -------------------------------------------------------------------------------


def _section(ledger: Ledger, report: AgingReport) -> StatementSection:
    aging = report.currency(ledger.currency)
    if aging is None:
        zeros = tuple(Money.zero(ledger.currency) for _ in report.buckets)
        return StatementSection(ledger, (), zeros)
    items = []
    for row in aging.by_item:
        bucket = next((i for i, a in enumerate(row.amounts) if a.minor), 0)
        due = row.due_date if row.kind == "invoice" else None
        # Days past the due date whatever the aging basis (as the aging export shows them).
        days = max((report.as_of - due).days, 0) if due is not None else None
        items.append(
            OpenItem(
                kind=row.kind,
                number=row.document_number or "",
                document_date=row.document_date or report.as_of,
                due_date=due,
                days_overdue=days,
                bucket=report.buckets[bucket],
                amount=row.total,
            )
        )
    return StatementSection(ledger, tuple(items), tuple(aging.totals))


def statement_of_account(
    ctx: ServiceContext, customer_id: int, date_from: date, date_to: date
) -> Statement:
    """A customer's statement of account for a period.

    Per currency: the opening balance, the period's lines with a running balance, the closing
    balance and the open items that make it up, aged as of ``date_to``.

    Args:
        ctx: the service context (any role may read).
        customer_id: the customer.
        date_from: first day of the period; everything before it is the opening balance.
        date_to: last day of the period; the open items and their aging are as of this day.

    Returns:
        The statement; the customer's own currency is always the first section, even empty.

    Raises:
        NotFound: no such customer.
        UserFacingError: ``invalid`` when the period ends before it starts.
    """
    if date_from > date_to:
        raise UserFacingError(
            "invalid",
            field="period",
            reason=f"it starts on {date_from.isoformat()}, after its end {date_to.isoformat()}",
        )
    with reader(ctx) as s:
        customer = get_row(s, Customer, customer_id, "Customer")
        settings = load_settings(s)
        entries = customer_entries(s, customer_id, date_to)
        rows = aging_rows(s, date_to, customer_id)
        return build_statement(customer, entries, rows, settings, start=date_from, end=date_to)


def build_statement(
    customer: Customer,
    entries: Mapping[str, list[Entry]],
    open_rows: Sequence[AgingSourceRow],
    settings: SettingsDTO,
    *,
    start: date,
    end: date,
) -> Statement:
    """The statement of ``customer`` from rows already read (batch printing reads many at once).

    Args:
        customer: the customer row.
        entries: its statement entries up to ``end`` by currency (``statement_entries``).
        open_rows: its open items as of ``end`` (``aging_rows``).
        settings: the company settings (buckets, basis, base currency, names).
        start: first day of the period.
        end: last day of the period.
    """
    report = age(
        to_aging_items(open_rows),
        as_of=end,
        buckets=settings.buckets,
        basis=settings.aging_basis,
        base_currency=settings.base_currency,
    )
    own = customer.currency
    sections = []
    for ccy in sorted({own, *entries, *(c.currency for c in report.currencies)}):
        opening, within = split_period(entries.get(ccy, []), ccy, start, end)
        section = _section(build_ledger(opening, within), report)
        if ccy == own or within or opening.minor or section.open_items:
            sections.append(section)
    sections.sort(key=lambda x: (x.currency != own, x.currency))
    return Statement(
        customer_id=customer.id,
        customer_code=customer.code,
        customer_name=customer.name,
        customer_language=customer.language,
        customer_address=customer.address,
        customer_tax_id=customer.tax_id,
        company_name=settings.name,
        company_name_en=settings.name_en,
        date_from=start,
        date_to=end,
        basis=report.basis,
        buckets=tuple(report.buckets),
        sections=tuple(sections),
    )
