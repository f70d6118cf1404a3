"""Importing customers: new codes are created, existing codes are updated.

A row whose customer code already exists updates that customer: the fields the row gives that
differ from the stored ones change, and empty cells leave a field as it is. A row that changes
nothing is skipped ("already up to date"). A credit limit given without a currency column is
read in the customer's own currency. Updates are written like the customer dialog's edit (the
audit row holds before and after) and refused at commit if someone saved the customer in
between.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Customer
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.mapping import Mapping as ColumnMapping
from desktop_ar.io.excel.records import Record
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.customers import (
    CustomerInput,
    apply_customer_edit,
    clean_customer,
    edited_customer_values,
    insert_customer,
)
from desktop_ar.services.import_kinds.base import Checked, KindImport, reason_of

__all__ = ["UP_TO_DATE", "CustomerImport", "CustomerUpdate"]

UP_TO_DATE = "already up to date"
_CUSTOMER_FIELDS = frozenset(CustomerInput.__dataclass_fields__)
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class CustomerUpdate:
    """An existing customer to update: its id, the version read and the new column values."""

    customer_id: int
    version: int
    values: dict[str, Any]
    changed: tuple[str, ...]


class CustomerImport(KindImport):
    """Customers: a new code is created, an existing code updated (or skipped if unchanged)."""

    entity = "customer"

    def __init__(self, session: Session, mapping: ColumnMapping, file: str, sheet: str) -> None:
        super().__init__(session, mapping, file, sheet)
        self._stored: dict[int, Customer] = {}

    def check_all(self, records: Sequence[Record]) -> Iterator[tuple[Record, Checked]]:
        """Load the customers the rows update (a query per 500), then check row by row."""
        by_code = self.customers.by_code
        codes = {str(r.values.get("code") or "") for r in records}
        ids = sorted(by_code[c] for c in codes if c in by_code)
        for start in range(0, len(ids), _CHUNK):
            query = select(Customer).where(Customer.id.in_(ids[start : start + _CHUNK]))
            self._stored.update((c.id, c) for c in self.session.scalars(query))
        return super().check_all(records)

    def check(self, record: Record) -> Checked:
        """The cleaned customer values, the :class:`CustomerUpdate`, or the skip reason."""
        values: dict[str, Any] = {k: v for k, v in record.values.items() if k in _CUSTOMER_FIELDS}
        code = str(values.get("code") or "")
        if code and code in self.customers.by_code:
            return self._update(record, self.customers.by_code[code], values)
        values.setdefault("currency", self.currency)
        values.setdefault("payment_terms", self.terms)
        return Checked(clean_customer(CustomerInput(**values)))

    def _update(self, record: Record, customer_id: int, given: dict[str, Any]) -> Checked:
        customer = self._stored.get(customer_id) or self.session.get(Customer, customer_id)
        assert customer is not None
        limit = given.get("credit_limit")
        currency = str(given.get("currency") or customer.currency)
        if isinstance(limit, Money) and "currency" not in given and limit.currency != currency:
            try:
                given["credit_limit"] = Money.from_decimal(limit.to_decimal(), currency)
            except DomainError as exc:
                return Checked(errors=[self.error(record, "credit_limit", limit, reason_of(exc))])
        values = edited_customer_values(self.session, customer, given)
        changed = tuple(k for k, v in values.items() if getattr(customer, k) != v)
        if not changed:
            return Checked(skip=UP_TO_DATE)
        update = CustomerUpdate(customer_id, customer.version_id, values, changed)
        return Checked(update, update=True)

    @classmethod
    def write_one(cls, session: Session, ctx: ServiceContext, checked: Checked) -> int:
        """Insert the customer, or apply the update (audited like the customer dialog)."""
        prepared = checked.prepared
        if isinstance(prepared, CustomerUpdate):
            values = dict(prepared.values)
            apply_customer_edit(session, ctx, prepared.customer_id, values, prepared.version)
            return prepared.customer_id
        return insert_customer(session, ctx, dict(prepared)).id
