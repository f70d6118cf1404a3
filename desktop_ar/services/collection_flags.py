"""Collections flags per invoice: legal stage, credit insurance and factoring.

An invoice at the legal stage is with the lawyers: it gets no more dunning letters and leaves
the collections worklist. Credit insurance and factoring are informational flags.
"""

from __future__ import annotations

from desktop_ar.db.models import Invoice
from desktop_ar.domain.errors import ConcurrentEditError
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import uow

__all__ = ["FLAG_FIELDS", "set_collection_flags"]

FLAG_FIELDS = ("legal_stage", "credit_insured", "factored")


def set_collection_flags(
    ctx: ServiceContext,
    invoice_id: int,
    *,
    legal_stage: bool | None = None,
    credit_insured: bool | None = None,
    factored: bool | None = None,
    expected_version: int | None = None,
) -> Changes:
    """Set or clear an invoice's collections flags (None leaves a flag as it is).

    Args:
        ctx: the service context.
        invoice_id: the invoice.
        legal_stage: handed to lawyers (no more dunning, off the worklist).
        credit_insured: covered by credit insurance.
        factored: sold to a factor.
        expected_version: the invoice version the editor loaded; a different one is refused.

    Returns:
        The changes (nothing when no flag actually changes).

    Raises:
        PermissionDenied: the role may not edit invoices.
        NotFound: no such invoice.
        ConcurrentEditError: the invoice changed since ``expected_version``.
    """
    require(ctx, "edit_invoices")
    wanted = {
        name: bool(value)
        for name, value in zip(FLAG_FIELDS, (legal_stage, credit_insured, factored), strict=True)
        if value is not None
    }
    with uow(ctx) as s:
        invoice = get_row(s, Invoice, invoice_id, "Invoice")
        if expected_version is not None and invoice.version_id != expected_version:
            raise ConcurrentEditError("Invoice")
        before = {name: bool(getattr(invoice, name)) for name in FLAG_FIELDS}
        if all(before[name] == value for name, value in wanted.items()):
            return Changes()
        for name, value in wanted.items():
            setattr(invoice, name, value)
        s.flush()
        after = {name: bool(getattr(invoice, name)) for name in FLAG_FIELDS}
        audit.record(
            s, ctx, "set_collection_flags", "invoice", invoice_id, before=before, after=after
        )
        return Changes(customers={invoice.customer_id}, invoices={invoice_id})
