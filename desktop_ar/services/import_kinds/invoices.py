"""Importing invoices: customer resolved, number unique, totals and due date checked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Invoice
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import parse_terms
from desktop_ar.io.excel.records import Record
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_kinds.base import Checked, KindImport, reason_of
from desktop_ar.services.invoicing import InvoiceInput, insert_invoice


class InvoiceImport(KindImport):
    """Invoices: a number already used is a problem; the due date, when given, is the schedule."""

    entity = "invoice"

    def check(self, record: Record) -> Checked:
        """The ``InvoiceInput``, or the problems."""
        values = record.values
        cid, errors = self.resolve_customer(record)
        number = str(values["number"])
        if self.session.execute(select(Invoice.id).where(Invoice.number == number)).first():
            errors.append(self.error(record, "number", number, "invoice number already used"))
        if cid is not None and cid not in self.customers.active:
            errors.append(self.error(record, "customer", values["customer"], "inactive customer"))
        terms = values.get("payment_terms")
        if terms is not None:
            try:
                terms = parse_terms(str(terms)).spec
            except DomainError as exc:
                errors.append(self.error(record, "payment_terms", terms, reason_of(exc)))
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
            number=number,
            schedule=None if due is None else [(due, gross)],  # type: ignore[list-item]
            notes=str(values.get("notes", "")),
        )
        if net.minor < 0 or tax.minor < 0 or gross.minor <= 0:
            return Checked(errors=[self.error(record, "amount", gross, "must be more than zero")])
        if due is not None and due < data.issue_date:  # type: ignore[operator]
            return Checked(errors=[self.error(record, "due_date", due, "before the issue date")])
        return Checked(data)

    @classmethod
    def write_one(cls, session: Session, ctx: ServiceContext, checked: Checked) -> int:
        """Insert the invoice (audited like the invoice dialog)."""
        return insert_invoice(session, ctx, checked.prepared).id
