"""Import step 4, against the database: customers resolved, duplicates found, inputs prepared.

Each converted record of an import is turned into the input of the service that will create it
(customer values cleaned by ``clean_customer``, an ``InvoiceInput``, a ``PaymentInput`` with its
allocation mode), or into a reason to skip it, or into problems (``CellError``) naming the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Customer, Invoice
from desktop_ar.domain.errors import CellError, DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import parse_terms
from desktop_ar.io.excel.cells import column_letter
from desktop_ar.io.excel.mapping import Mapping
from desktop_ar.io.excel.records import Record
from desktop_ar.services.customers import CustomerInput, clean_customer
from desktop_ar.services.invoicing import InvoiceInput
from desktop_ar.services.payments import PaymentInput
from desktop_ar.services.settings import load_settings

ALREADY_EXISTS = "already exists"
_CUSTOMER_FIELDS = frozenset(CustomerInput.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """A payment to post: the input, ``reference`` or ``oldest`` allocation, and the numbers."""

    data: PaymentInput
    mode: str
    invoice_numbers: str | None = None


@dataclass
class Checker:
    """Checks the records of one sheet against the database (one read transaction)."""

    session: Session
    kind: str
    mapping: Mapping
    file: str
    sheet: str
    by_code: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)
    folded: dict[str, set[int]] = field(default_factory=dict)
    active: set[int] = field(default_factory=set)
    currency: str = "CNY"
    terms: str = "NET30"

    def __post_init__(self) -> None:
        settings = load_settings(self.session)
        self.currency, self.terms = settings.base_currency, settings.default_terms
        rows = self.session.execute(
            select(Customer.id, Customer.code, Customer.name, Customer.status)
        )
        for cid, code, name, status in rows:
            self.by_code[code] = cid
            self.by_name.setdefault(name, cid)
            for text in {code.casefold(), name.strip().casefold()}:
                self.folded.setdefault(text, set()).add(cid)
            if status == "active":
                self.active.add(cid)

    def error(self, record: Record, key: str | None, value: object, reason: str) -> CellError:
        """A problem on ``record`` in the column of field ``key``."""
        column = self.mapping.columns.get(key or "")
        letter = "" if column is None else column_letter(column)
        shown = "" if value is None else str(value)[:200]
        params = {"field": key or self.kind, "reason": reason}
        return CellError(self.file, self.sheet, record.row_number, letter, shown, "invalid", params)

    def check(self, record: Record) -> tuple[Any, str | None, list[CellError]]:
        """``(prepared input, skip reason, problems)`` for one record."""
        try:
            if self.kind == "customers":
                return self._customer(record)
            if self.kind == "invoices":
                return self._invoice(record)
            return self._payment(record)
        except DomainError as exc:
            key = str(exc.params.get("field", "")) or None
            value = record.values.get(key or "")
            return None, None, [self.error(record, key, value, _reason(exc))]

    def _customer(self, record: Record) -> tuple[Any, str | None, list[CellError]]:
        values = {k: v for k, v in record.values.items() if k in _CUSTOMER_FIELDS}
        values.setdefault("currency", self.currency)
        values.setdefault("payment_terms", self.terms)
        code = str(values.get("code") or "")
        if code and code in self.by_code:
            return None, ALREADY_EXISTS, []
        return clean_customer(CustomerInput(**values)), None, []

    def _resolve(self, record: Record) -> tuple[int | None, list[CellError]]:
        text = str(record.values.get("customer", "")).strip()
        cid = self.by_code.get(text, self.by_name.get(text))
        if cid is None:
            found = self.folded.get(text.casefold(), set())
            if len(found) > 1:
                why = "matches several customers; use the customer code"
                return None, [self.error(record, "customer", text, why)]
            cid = next(iter(found), None)
        if cid is None:
            why = "no customer has this code or name; import or create the customer first"
            return None, [self.error(record, "customer", text, why)]
        return cid, []

    def _invoice(self, record: Record) -> tuple[Any, str | None, list[CellError]]:
        values = record.values
        cid, errors = self._resolve(record)
        number = str(values["number"])
        if self.session.execute(select(Invoice.id).where(Invoice.number == number)).first():
            errors.append(self.error(record, "number", number, "invoice number already used"))
        if cid is not None and cid not in self.active:
            errors.append(self.error(record, "customer", values["customer"], "inactive customer"))
        terms = values.get("payment_terms")
        if terms is not None:
            try:
                terms = parse_terms(str(terms)).spec
            except DomainError as exc:
                errors.append(self.error(record, "payment_terms", terms, _reason(exc)))
        if errors or cid is None:
            return None, None, errors
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
            return None, None, [self.error(record, "amount", gross, "must be more than zero")]
        if due is not None and due < data.issue_date:  # type: ignore[operator]
            return None, None, [self.error(record, "due_date", due, "before the issue date")]
        return data, None, []

    def _payment(self, record: Record) -> tuple[Any, str | None, list[CellError]]:
        values = record.values
        cid, errors = self._resolve(record)
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
            return None, None, errors
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
            return PaymentPlan(data, "reference", " ".join(numbers)), None, []
        return PaymentPlan(data, "oldest"), None, []


def _reason(exc: DomainError) -> str:
    reason = exc.params.get("reason")
    return str(reason) if reason else exc.message
