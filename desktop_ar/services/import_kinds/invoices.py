"""Importing invoices: customer resolved, number unique, totals and due date checked.

The checks are set-based: the invoice numbers (and order numbers) of the whole sheet are looked
up in one query per 500. A row may name an order (``order_number``): the invoice is linked to
that order when the customer has an order with that number, else the cell is a problem. A fapiao
number (and date) marks the invoice's fapiao as issued; without a fapiao date the invoice's issue
date is taken. The commit writes every invoice, its schedule lines and its audit rows with a few
statements per 1,000 rows (:mod:`desktop_ar.services.import_kinds.invoice_rows`), exactly what
``insert_invoice`` writes one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Invoice, Order
from desktop_ar.domain.errors import CellError, DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import parse_terms
from desktop_ar.io.excel.mapping import Mapping
from desktop_ar.io.excel.records import Record
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_kinds.base import Checked, KindImport, reason_of
from desktop_ar.services.import_kinds.invoice_rows import record_fapiao, write_invoices
from desktop_ar.services.invoicing import InvoiceInput, insert_invoice
from desktop_ar.services.progress import Progress

__all__ = ["InvoiceImport", "InvoicePlan"]


@dataclass(frozen=True, slots=True)
class InvoicePlan:
    """An invoice to create: the input of ``insert_invoice`` and the fapiao issued for it.

    Attributes:
        data: the invoice (with ``order_id`` when the row names an order).
        fapiao_number: the fapiao number ("" when no fapiao was issued).
        fapiao_date: the fapiao date (``None`` when no fapiao was issued).
    """

    data: InvoiceInput
    fapiao_number: str = ""
    fapiao_date: date | None = None


class InvoiceImport(KindImport):
    """Invoices: a number already used is a problem; the due date, when given, is the schedule."""

    entity = "invoice"

    def __init__(self, session: Session, mapping: Mapping, file: str, sheet: str) -> None:
        super().__init__(session, mapping, file, sheet)
        self._used: set[str] | None = None  # invoice numbers in the book, read by check_all
        self._orders: dict[str, tuple[int, int]] | None = None  # order number → (id, customer)
        self._terms: dict[str, str | DomainError] = {}

    def check_all(self, records: Sequence[Record]) -> Iterator[tuple[Record, Checked]]:
        """Look up every invoice and order number of the sheet at once, then check each row."""
        numbers = {str(r.values["number"]) for r in records}
        self._used = {n for (n,) in self.rows_in(select(Invoice.number), Invoice.number, numbers)}
        orders = {str(r.values["order_number"]) for r in records if "order_number" in r.values}
        query = select(Order.number, Order.id, Order.customer_id)
        self._orders = {n: (oid, cid) for n, oid, cid in self.rows_in(query, Order.number, orders)}
        return super().check_all(records)

    def _number_used(self, number: str) -> bool:
        if self._used is not None:
            return number in self._used
        return (
            self.session.execute(select(Invoice.id).where(Invoice.number == number)).first()
            is not None
        )

    def _order(self, number: str) -> tuple[int, int] | None:
        if self._orders is not None:
            return self._orders.get(number)
        found = self.session.execute(
            select(Order.id, Order.customer_id).where(Order.number == number)
        ).first()
        return None if found is None else (found[0], found[1])

    def _terms_spec(self, text: str) -> str | DomainError:
        if text not in self._terms:
            try:
                self._terms[text] = parse_terms(text).spec
            except DomainError as exc:
                self._terms[text] = exc
        return self._terms[text]

    def check(self, record: Record) -> Checked:
        """The :class:`InvoicePlan`, or the problems."""
        values = record.values
        cid, errors = self.resolve_customer(record)
        number = str(values["number"])
        if self._number_used(number):
            errors.append(self.error(record, "number", number, "invoice number already used"))
        if cid is not None and cid not in self.customers.active:
            errors.append(self.error(record, "customer", values["customer"], "inactive customer"))
        terms = values.get("payment_terms")
        if terms is not None:
            spec = self._terms_spec(str(terms))
            if isinstance(spec, DomainError):
                errors.append(self.error(record, "payment_terms", terms, reason_of(spec)))
            terms = spec
        order_id = self._order_id(record, cid, errors)
        fapiao_number = str(values.get("fapiao_number", ""))
        fapiao_date = values.get("fapiao_date")
        if fapiao_date is not None and not fapiao_number:
            why = "a fapiao date needs the fapiao number; enter it or leave the date empty"
            errors.append(self.error(record, "fapiao_date", fapiao_date, why))
        if errors or cid is None:
            return Checked(errors=errors)
        net, tax, gross = values["net"], values["tax"], values["amount"]
        assert isinstance(net, Money) and isinstance(tax, Money) and isinstance(gross, Money)
        due = values.get("due_date")
        data = InvoiceInput(
            customer_id=cid,
            issue_date=values["issue_date"],  # type: ignore[arg-type]
            net=net,
            tax=tax,
            currency=net.currency,
            payment_terms=terms,  # type: ignore[arg-type]
            order_id=order_id,
            number=number,
            schedule=None if due is None else [(due, gross)],  # type: ignore[list-item]
            notes=str(values.get("notes", "")),
        )
        if net.minor < 0 or tax.minor < 0 or gross.minor <= 0:
            return Checked(errors=[self.error(record, "amount", gross, "must be more than zero")])
        if due is not None and due < data.issue_date:  # type: ignore[operator]
            return Checked(errors=[self.error(record, "due_date", due, "before the issue date")])
        if fapiao_number:
            fapiao_date = fapiao_date or data.issue_date
        return Checked(InvoicePlan(data, fapiao_number, fapiao_date))  # type: ignore[arg-type]

    def _order_id(self, record: Record, cid: int | None, errors: list[CellError]) -> int | None:
        """The id of the customer's order named on the row (a problem when there is none)."""
        number = record.values.get("order_number")
        if number is None:
            return None
        found = self._order(str(number))
        if found is not None and found[1] == cid:
            return found[0]
        if cid is not None:
            why = (
                f"no order {number} for this customer; import the orders first or leave the "
                "cell empty"
            )
            errors.append(self.error(record, "order_number", number, why))
        return None

    @classmethod
    def write(
        cls,
        session: Session,
        ctx: ServiceContext,
        items: Iterable[tuple[Record, Checked]],
        progress: Progress,
        total: int,
    ) -> list[int]:
        """Write the invoices a thousand at a time (see :func:`write_invoices`)."""
        plans = ((record.row_number, checked.prepared) for record, checked in items)
        return write_invoices(session, ctx, plans, progress, total)

    @classmethod
    def write_one(cls, session: Session, ctx: ServiceContext, checked: Checked) -> int:
        """Insert one invoice (audited like the invoice dialog), with its fapiao if any."""
        plan: InvoicePlan = checked.prepared
        invoice = insert_invoice(session, ctx, plan.data)
        if plan.fapiao_number:
            record_fapiao(session, ctx, [(invoice.id, plan.fapiao_number, plan.fapiao_date)])
        return invoice.id
