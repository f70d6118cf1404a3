"""Importing customers: cleaned like the customer dialog; an existing code is skipped."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from desktop_ar.io.excel.records import Record
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.customers import CustomerInput, clean_customer, insert_customer
from desktop_ar.services.import_kinds.base import ALREADY_EXISTS, Checked, KindImport

_CUSTOMER_FIELDS = frozenset(CustomerInput.__dataclass_fields__)


class CustomerImport(KindImport):
    """Customers: a row whose code already exists is skipped ("already exists")."""

    entity = "customer"

    def check(self, record: Record) -> Checked:
        """The cleaned customer values, or the skip reason."""
        values: dict[str, Any] = {k: v for k, v in record.values.items() if k in _CUSTOMER_FIELDS}
        values.setdefault("currency", self.currency)
        values.setdefault("payment_terms", self.terms)
        code = str(values.get("code") or "")
        if code and code in self.customers.by_code:
            return Checked(skip=ALREADY_EXISTS)
        return Checked(clean_customer(CustomerInput(**values)))

    @classmethod
    def write_one(cls, session: Session, ctx: ServiceContext, checked: Checked) -> int:
        """Insert the customer (audited like the dialog)."""
        return insert_customer(session, ctx, dict(checked.prepared)).id
