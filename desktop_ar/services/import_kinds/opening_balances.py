"""Importing opening balances (期初余额): the open items carried over from the previous system.

Each row is one open item of a customer:

- a **positive** amount becomes an invoice marked ``opening_balance``: its number is the document
  number (a number already used by an invoice is a problem), net = the amount, no tax, issued on
  the document date, due on the due date given or else by the customer's payment terms;
- a **negative** amount (a credit balance, 预收) becomes an unallocated receipt of that size for
  the customer, dated on the document date, method "other", reference
  "Opening balance <document number>" (a receipt with that reference for the customer already
  is a problem);
- a zero amount is skipped ("zero balance").

One import may hold both, so each row's ``import_rows`` entity is the one it created
(``invoice`` or ``payment``), given by the prepared input's ``entity``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Invoice, Payment
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.records import Record
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_kinds.base import Checked, KindImport
from desktop_ar.services.invoicing import InvoiceInput, insert_invoice
from desktop_ar.services.payments import PaymentInput, insert_payment

__all__ = ["OPENING_NOTE", "OpeningBalanceImport", "OpeningCredit", "OpeningInvoice"]

OPENING_NOTE = "Opening balance"
ZERO_BALANCE = "zero balance: nothing to carry over"
_NUMBER_LENGTH = 40  # invoices.number


@dataclass(frozen=True, slots=True)
class OpeningInvoice:
    """A positive opening balance: the invoice to create."""

    data: InvoiceInput
    entity: str = "invoice"


@dataclass(frozen=True, slots=True)
class OpeningCredit:
    """A negative opening balance: the unallocated receipt to post."""

    data: PaymentInput
    entity: str = "payment"


def credit_reference(number: str) -> str:
    """The reference of the receipt that carries a credit balance over."""
    return f"{OPENING_NOTE} {number}"


class OpeningBalanceImport(KindImport):
    """Opening balances: invoices for amounts owed, unallocated receipts for credit balances."""

    entity = "invoice"

    def check(self, record: Record) -> Checked:
        """The :class:`OpeningInvoice` or :class:`OpeningCredit`, the skip, or the problems."""
        values = record.values
        cid, errors = self.resolve_customer(record)
        if cid is not None and cid not in self.customers.active:
            errors.append(self.error(record, "customer", values["customer"], "inactive customer"))
        number = str(values["document_number"])
        amount, issued, due = values["amount"], values["document_date"], values.get("due_date")
        assert isinstance(amount, Money)
        if len(number) > _NUMBER_LENGTH:
            reason = f"longer than {_NUMBER_LENGTH} characters"
            errors.append(self.error(record, "document_number", number, reason))
        if amount.minor == 0 and not errors:
            return Checked(skip=ZERO_BALANCE)
        if amount.minor > 0:
            if self.session.execute(select(Invoice.id).where(Invoice.number == number)).first():
                reason = "invoice number already used"
                errors.append(self.error(record, "document_number", number, reason))
            if due is not None and due < issued:  # type: ignore[operator]
                errors.append(self.error(record, "due_date", due, "before the document date"))
        elif cid is not None:
            query = select(Payment.id).where(
                Payment.customer_id == cid,
                Payment.reference == credit_reference(number),
                Payment.status == "posted",
            )
            if self.session.execute(query).first():
                reason = "this credit balance was already carried over"
                errors.append(self.error(record, "document_number", number, reason))
        if errors or cid is None:
            return Checked(errors=errors)
        if amount.minor < 0:
            receipt = PaymentInput(
                customer_id=cid,
                payment_date=issued,  # type: ignore[arg-type]
                amount=-amount,
                method="other",
                reference=credit_reference(number),
                notes=OPENING_NOTE,
            )
            return Checked(OpeningCredit(receipt))
        invoice = InvoiceInput(
            customer_id=cid,
            issue_date=issued,  # type: ignore[arg-type]
            net=amount,
            tax=Money.zero(amount.currency),
            currency=amount.currency,
            number=number,
            schedule=None if due is None else [(due, amount)],  # type: ignore[list-item]
            notes=OPENING_NOTE,
            opening_balance=True,
        )
        return Checked(OpeningInvoice(invoice))

    @classmethod
    def write_one(cls, session: Session, ctx: ServiceContext, checked: Checked) -> int:
        """Create the invoice (marked as an opening balance) or post the receipt (audited)."""
        prepared = checked.prepared
        if isinstance(prepared, OpeningCredit):
            payment, _ = insert_payment(session, ctx, prepared.data, "none")
            return payment.id
        return insert_invoice(session, ctx, prepared.data).id
