"""Importing payments: allocated to the invoice numbers given, else by the normal rules.

The invoice numbers of the whole sheet are looked up in one query per 500. On SQLite the commit
posts the receipts with :func:`~.payment_rows.post_payments` (what ``insert_payment`` does, 1,000
receipts per write); elsewhere row by row with ``insert_payment``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Invoice
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.mapping import Mapping
from desktop_ar.io.excel.records import Record
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_kinds.base import Checked, KindImport
from desktop_ar.services.import_kinds.payment_rows import post_payments
from desktop_ar.services.payments import PaymentInput, insert_payment
from desktop_ar.services.progress import Progress

__all__ = ["PaymentImport", "PaymentPlan"]


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """A payment to post: the input, ``reference`` or ``oldest`` allocation, and the numbers."""

    data: PaymentInput
    mode: str
    invoice_numbers: str | None = None


class PaymentImport(KindImport):
    """Payments: the invoices named must belong to the customer."""

    entity = "payment"

    def __init__(self, session: Session, mapping: Mapping, file: str, sheet: str) -> None:
        super().__init__(session, mapping, file, sheet)
        self._owners: dict[str, int] | None = None  # invoice number → customer, by check_all

    def check_all(self, records: Sequence[Record]) -> Iterator[tuple[Record, Checked]]:
        """Look up every invoice number of the sheet at once, then check each row."""
        numbers = {str(n) for r in records for n in r.values.get("invoice_numbers", ())}  # type: ignore[attr-defined]
        query = select(Invoice.number, Invoice.customer_id)
        self._owners = dict(self.rows_in(query, Invoice.number, numbers))  # type: ignore[arg-type]
        return super().check_all(records)

    def _theirs(self, cid: int, numbers: tuple[str, ...]) -> set[str]:
        """The numbers that are invoices of customer ``cid``."""
        if self._owners is not None:
            return {n for n in numbers if self._owners.get(n) == cid}
        query = select(Invoice.number).where(
            Invoice.customer_id == cid, Invoice.number.in_(numbers)
        )
        return set(self.session.scalars(query))

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
            missing = set(numbers) - self._theirs(cid, numbers)
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
    def write(
        cls,
        session: Session,
        ctx: ServiceContext,
        items: Iterable[tuple[Record, Checked]],
        progress: Progress,
        total: int,
    ) -> list[int]:
        """Post the receipts: in bulk on SQLite, one by one elsewhere."""
        if session.connection().dialect.name != "sqlite":
            return super().write(session, ctx, items, progress, total)
        plans = ((record.row_number, checked.prepared) for record, checked in items)
        return post_payments(session, ctx, plans, progress, total)

    @classmethod
    def write_one(cls, session: Session, ctx: ServiceContext, checked: Checked) -> int:
        """Post the payment and allocate it (audited like the receipt dialog)."""
        plan = checked.prepared
        payment, _ = insert_payment(
            session, ctx, plan.data, plan.mode, reference_text=plan.invoice_numbers
        )
        return payment.id
