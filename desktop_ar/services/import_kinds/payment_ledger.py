"""The open items, balances and recent receipts of the customers an import pays, in memory.

``insert_payment`` reads a customer's open schedule lines, open balance and look-alike receipts
from the database for every receipt it posts. :class:`OpenLedger` reads them once per customer
(500 customers a query) and keeps them up to date as the imported receipts are allocated, so
that each receipt sees what the database would show it at that point of the import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Customer, Invoice, Payment, ScheduleLine
from desktop_ar.domain import exceptions as rules
from desktop_ar.domain.allocation import OpenItem
from desktop_ar.domain.allocation import _normalise as normalise_number
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import to_halfwidth
from desktop_ar.services.import_kinds.base import rows_in

__all__ = [
    "CustomerBook",
    "OpenInvoice",
    "OpenLedger",
    "OpenLine",
    "find_one_number",
    "receipt_facts",
]

_SEPARATOR = re.compile(r"[-_/.\s]")  # as in domain.allocation
_squeezed = lru_cache(maxsize=1024)(normalise_number)
"""``normalise_number`` remembered: a receipt's text is looked at twice (allocation, facts)."""
_DIGITS = "0123456789"

_INVOICE_COLUMNS = (
    Invoice.id, Invoice.number, Invoice.issue_date, Invoice.customer_id, Invoice.currency,
    Invoice.disputed, Invoice.status, Invoice.open_minor, Invoice.amount_minor,
)  # fmt: skip


@dataclass(slots=True)
class OpenInvoice:
    """A non-void invoice with something open, as the import's receipts change it."""

    id: int
    number: str
    issue_date: date
    customer_id: int
    currency: str
    disputed: bool
    status: str
    open_minor: int
    amount_minor: int
    norm: str = ""  # the number as ``find_invoice_numbers`` compares it
    lines: list[OpenLine] = field(default_factory=list)
    touched: int = 0  # receipts that allocated to it since the last write (versions to add)


@dataclass(slots=True)
class OpenLine:
    """A schedule line with something open (when it was read)."""

    id: int
    invoice: OpenInvoice
    due_date: date
    open_minor: int

    def item(self) -> OpenItem:
        """The line as ``load_open_items`` gives it."""
        inv = self.invoice
        open_ = Money(self.open_minor, inv.currency)
        return OpenItem(self.id, inv.number, inv.issue_date, self.due_date, open_)

    def order(self) -> tuple[date, date, str, int]:
        """``load_open_items``' order: due date, issue date, invoice number, line id."""
        return (self.due_date, self.invoice.issue_date, self.invoice.number, self.id)


@dataclass(slots=True)
class CustomerBook:
    """One customer's open invoices and lines in one currency."""

    invoices: dict[int, OpenInvoice] = field(default_factory=dict)
    lines: list[OpenLine] = field(default_factory=list)  # in ``OpenLine.order``
    head: int = 0  # every line before this one is paid
    open_total: int = 0  # SUM(open_minor) of the invoices with something open
    # norm → the invoice, or a tuple of them by id when several share it (for ``named``).
    norms: dict[str, OpenInvoice | tuple[OpenInvoice, ...]] | None = None
    lengths: tuple[int, ...] = ()  # the lengths of the keys of ``norms``

    def oldest_items(self, amount_minor: int) -> list[OpenItem]:
        """The oldest undisputed open items until they cover ``amount_minor`` (or all of them).

        ``oldest_first`` over these gives the plan it gives over every open item: it fills
        items in this order and stops when the amount is used up.
        """
        lines = self.lines
        while self.head < len(lines) and lines[self.head].open_minor <= 0:
            self.head += 1
        items: list[OpenItem] = []
        covered = 0
        for line in lines[self.head :]:
            if line.open_minor <= 0 or line.invoice.disputed:
                continue
            items.append(line.item())
            covered += line.open_minor
            if covered >= amount_minor:
                break
        return items

    def named(self, text: str, *, open_invoices: bool = False) -> list[OpenInvoice]:
        """The invoices whose numbers may be written in ``text``, by id.

        Exactly the ones ``find_invoice_numbers`` would look at further (its normalized
        number is in the normalized text); the others it skips.
        """
        norms = self.norms
        if norms is None:  # made again after ``OpenLedger.load`` adds invoices
            norms = self.norms = {}
            for _, inv in sorted(self.invoices.items()):
                if inv.norm:
                    same = norms.get(inv.norm)
                    norms[inv.norm] = inv if same is None else (*_many(same), inv)
            self.lengths = tuple(sorted({len(norm) for norm in norms}))
        squeezed = _squeezed(text)
        size = len(squeezed)
        hits: dict[int, OpenInvoice] = {}
        if size * len(self.lengths) < len(norms):
            # A number is in the text when the text's slice of its length at some place is it.
            for length in self.lengths:
                for start in range(size - length + 1):
                    same = norms.get(squeezed[start : start + length])
                    if same is not None:
                        hits.update((inv.id, inv) for inv in _many(same))
        else:  # a long text or a short list: look for each number
            for norm, same in norms.items():
                if norm in squeezed:
                    hits.update((inv.id, inv) for inv in _many(same))
        found = [hits[key] for key in sorted(hits)]
        if open_invoices:
            return [inv for inv in found if inv.open_minor > 0 and inv.status != "void"]
        return found

    def items_of(self, invoices: Iterable[OpenInvoice]) -> list[OpenItem]:
        """The open items (lines) of these invoices."""
        return [line.item() for inv in invoices for line in inv.lines if line.open_minor > 0]


def _many(same: OpenInvoice | tuple[OpenInvoice, ...]) -> tuple[OpenInvoice, ...]:
    return same if isinstance(same, tuple) else (same,)


class OpenLedger:
    """What posting imported receipts reads, loaded per customer on first use.

    Args:
        session: the import's write transaction.
        keys: (customer, currency, amount) of every receipt of the import.
        days: the first and last payment date of the import.
        window: the duplicate window of the exception policy, in days.
    """

    def __init__(
        self,
        session: Session,
        keys: set[tuple[int, str, int]],
        days: tuple[date, date],
        window: int,
    ) -> None:
        self.session = session
        self.keys = keys
        self.window = window
        self.days = (days[0] - timedelta(days=window), days[1] + timedelta(days=window))
        self.collectors: dict[int, str] = {}  # customer id → collector (exception owner)
        self.books: dict[tuple[int, str], CustomerBook] = {}
        self.lines: dict[int, OpenLine] = {}
        self.receipts: dict[tuple[int, str, int], list[rules.PaymentFacts]] = {}
        self.dirty_lines: dict[int, OpenLine] = {}
        self.dirty_invoices: dict[int, OpenInvoice] = {}

    def book(self, customer_id: int, currency: str) -> CustomerBook:
        """The customer's open items in one currency (an empty book when there are none)."""
        found = self.books.get((customer_id, currency))
        if found is None:
            found = self.books[customer_id, currency] = CustomerBook()
        return found

    def load(self, customer_ids: Iterable[int]) -> None:
        """Read the customers, open invoices, lines and receipts not read yet."""
        new = set(customer_ids) - self.collectors.keys()
        if not new:
            return
        s = self.session
        for cid, collector in rows_in(s, select(Customer.id, Customer.collector), Customer.id, new):
            self.collectors[cid] = collector
        invoices: dict[int, OpenInvoice] = {}
        query = select(*_INVOICE_COLUMNS).where(Invoice.status != "void", Invoice.open_minor > 0)
        for row in rows_in(s, query, Invoice.customer_id, new):
            invoices[row[0]] = _invoice(row)
        query = (
            select(
                ScheduleLine.id, ScheduleLine.due_date, ScheduleLine.open_minor, *_INVOICE_COLUMNS
            )
            .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
            .where(Invoice.status != "void", ScheduleLine.open_minor > 0)
        )
        touched: set[tuple[int, str]] = set()
        for line_id, due, open_minor, *row in rows_in(s, query, Invoice.customer_id, new):
            invoice = invoices.get(row[0])
            if invoice is None:
                invoice = invoices[row[0]] = _invoice(row)
            line = OpenLine(line_id, invoice, due, open_minor)
            invoice.lines.append(line)
            self.lines[line_id] = line
            self.book(invoice.customer_id, invoice.currency).lines.append(line)
            touched.add((invoice.customer_id, invoice.currency))
        for invoice in invoices.values():
            book = self.book(invoice.customer_id, invoice.currency)
            book.invoices[invoice.id] = invoice
            book.norms = None
            if invoice.open_minor > 0:
                book.open_total += invoice.open_minor
        for key in touched:
            self.books[key].lines.sort(key=OpenLine.order)
        self._load_receipts(new)

    def _load_receipts(self, customers: set[int]) -> None:
        cols = (
            Payment.id, Payment.number, Payment.customer_id, Payment.payment_date,
            Payment.currency, Payment.amount_minor, Payment.unallocated_minor, Payment.reference,
            Payment.payer_name, Payment.exchange_rate,
        )  # fmt: skip
        lo, hi = self.days
        query = select(*cols).where(
            Payment.status == "posted", Payment.payment_date.between(lo, hi)
        )
        found = rows_in(self.session, query, Payment.customer_id, customers)
        for pid, number, cid, day, ccy, amount, left, reference, payer, rate in sorted(found):
            if (cid, ccy, amount) in self.keys:
                money = Money(amount, ccy)
                self.add_receipt(
                    receipt_facts(pid, number, cid, day, money, left, reference, payer, rate)
                )

    def add_receipt(self, facts: rules.PaymentFacts) -> None:
        """Remember a posted receipt (receipts are added in id order)."""
        key = (facts.customer_key or 0, facts.amount.currency, facts.amount.minor)
        self.receipts.setdefault(key, []).append(facts)

    def recent_same(self, facts: rules.PaymentFacts) -> list[rules.PaymentFacts]:
        """``exception_facts._recent_same``: look-alike receipts within the window, by id.

        The other posted receipts of the same customer, currency and amount.
        """
        key = (facts.customer_key or 0, facts.amount.currency, facts.amount.minor)
        day, window = facts.payment_date, self.window
        return [
            other
            for other in self.receipts.get(key, ())
            if other.key != facts.key and abs((other.payment_date - day).days) <= window
        ]


def _invoice(row: Any) -> OpenInvoice:
    iid, number, issued, cid, ccy, disputed, status, open_minor, amount = row
    return OpenInvoice(
        iid, number, issued, cid, ccy, bool(disputed), status, open_minor, amount,
        norm=normalise_number(number),
    )  # fmt: skip


def receipt_facts(  # noqa: PLR0917 - the columns of a receipt
    pid: int,
    number: str,
    customer_id: int,
    day: date,
    amount: Money,
    unallocated: int,
    reference: str,
    payer: str,
    rate: Decimal,
    customer_open: Money | None = None,
) -> rules.PaymentFacts:
    """``exception_facts._payment_facts`` of a receipt."""
    return rules.PaymentFacts(
        key=pid,
        number=number,
        customer_key=customer_id,
        payment_date=day,
        amount=amount,
        unallocated=Money(unallocated, amount.currency),
        reference=reference,
        payer=payer,
        customer_open=customer_open,
        exchange_rate=rate,
    )


def find_one_number(reference: str, numbers: list[str]) -> list[str] | None:
    """``find_invoice_numbers(reference, numbers)`` when that is quick to tell, else ``None``.

    ``find_invoice_numbers`` compiles a regular expression per invoice number (about 0.3 ms;
    an import names a different invoice on every row). For no number, or one number written
    as it is (its own separators, any case or width) where the digit-boundary rule holds, the
    answer is known without it: the expression matches there.

    Args:
        reference: the free text.
        numbers: the candidate invoice numbers.

    Returns:
        The numbers found, or ``None`` when the caller must ask ``find_invoice_numbers``.
    """
    if not numbers:
        return []
    if len(numbers) > 1:
        return None
    (number,) = numbers
    norm = _squeezed(number)
    if not norm or norm not in _squeezed(reference):
        return []  # skipped by find_invoice_numbers too
    body = to_halfwidth(number).upper()
    kept = [i for i, ch in enumerate(body) if not _SEPARATOR.fullmatch(ch)]
    core = body[kept[0] : kept[-1] + 1]  # the number between its first and last kept character
    ref = to_halfwidth(reference).upper()
    start = ref.find(core)
    while start != -1:
        end = start + len(core)
        before = norm[0] not in _DIGITS or start == 0 or ref[start - 1] not in _DIGITS
        after = norm[-1] not in _DIGITS or end == len(ref) or ref[end] not in _DIGITS
        if before and after:
            return [number]
        start = ref.find(core, start + 1)
    return None
