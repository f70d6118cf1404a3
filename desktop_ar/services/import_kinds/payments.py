"""Importing payments: allocated to the invoice numbers given, else by the normal rules."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Invoice
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.records import Record
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_kinds.base import Checked, KindImport
from desktop_ar.services.payments import PaymentInput, insert_payment


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """A payment to post: the input, ``reference`` or ``oldest`` allocation, and the numbers."""

    data: PaymentInput
    mode: str
    invoice_numbers: str | None = None


class PaymentImport(KindImport):
    """Payments: the invoices named must belong to the customer."""

    entity = "payment"

    def check(self, record: Record) -> Checked:
        """The :class:`PaymentPlan`, or the problems."""
        values = record.values
        cid, errors = self.resolve_customer(record)
        amount = values["amount"]
        assert isinstance(amount, Money)
        if amount.minor <= 0:
            errors.append(self.error(record, "amount", amount, "must be more than zero"))
        numbers = tuple(str(n) for n in values.get("invoice_numbers", ()))  # type: ignore[attr-defined]
        if numbers and cid is not None:
            query = select(Invoice.number).where(
                Invoice.customer_id == cid, Invoice.number.in_(numbers)
            )
            missing = set(numbers) - set(self.session.scalars(query))
            if missing:
                why = f"no invoice {', '.join(sorted(missing))} for this customer"
                errors.append(self.error(record, "invoice_numbers", " ".join(numbers), why))
        if errors or cid is None:
            return Checked(errors=errors)
        data = PaymentInput(
            customer_id=cid,
            payment_date=values["date"],  # type: ignore[arg-type]
            amount=amount,
            method=str(values.get("method", "bank_transfer")),
            reference=str(values.get("reference", "")),
            payer_name=str(values.get("payer_name", "")),
            bank_account=str(values.get("bank_account", "")),
        )
        if numbers:
            return Checked(PaymentPlan(data, "reference", " ".join(numbers)))
        return Checked(PaymentPlan(data, "oldest"))

    @classmethod
    def write_one(cls, session: Session, ctx: ServiceContext, checked: Checked) -> int:
        """Post the payment and allocate it (audited like the receipt dialog)."""
        plan = checked.prepared
        payment, _ = insert_payment(
            session, ctx, plan.data, plan.mode, reference_text=plan.invoice_numbers
        )
        return payment.id
