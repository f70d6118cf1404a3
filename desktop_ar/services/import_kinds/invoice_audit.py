"""The ``after`` of an imported invoice's ``create_invoice`` audit row, as JSON text.

``insert_invoice`` audits the ``_INVOICE_AUDIT`` fields of a new invoice and its schedule,
encoded by ``audit.to_json`` (keys sorted, non-ASCII kept). Making a dict of them per row and
encoding it was about a tenth of a 100,000-invoice commit: :func:`created_json` fills the same
text into a template instead, and falls back to the dict should the audited fields ever differ
from the template's (a test compares both).
"""

from __future__ import annotations

import re
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from desktop_ar.domain import terms as domain_terms
from desktop_ar.services.import_kinds.bulk_rows import audit_json
from desktop_ar.services.invoicing import _INVOICE_AUDIT

__all__ = ["INVOICE_KEYS", "created_json"]

INVOICE_KEYS = (
    "number",
    "order_id",
    "customer_id",
    "issue_date",
    "due_date",
    "currency",
    "exchange_rate",
    "payment_terms",
    "net_minor",
    "tax_minor",
    "amount_minor",
    "open_minor",
    "status",
    "fapiao_issued",
    "fapiao_number",
    "fapiao_date",
    "notes",
    "created_at",
)
"""The columns of an invoice row as the bulk import builds it (a tuple of their values)."""
_AUDITED = [(name, INVOICE_KEYS.index(name)) for name in _INVOICE_AUDIT]
_INTS = tuple(
    INVOICE_KEYS.index(name)
    for name in ("customer_id", "net_minor", "tax_minor", "amount_minor", "open_minor")
)
(_NUMBER, _ORDER_ID, _CUSTOMER_ID, _ISSUE_DATE, _DUE_DATE, _CURRENCY, _RATE, _TERMS, _NET, _TAX,
 _AMOUNT, _OPEN, _STATUS) = (INVOICE_KEYS.index(name) for name in (
    "number", "order_id", "customer_id", "issue_date", "due_date", "currency", "exchange_rate",
    "payment_terms", "net_minor", "tax_minor", "amount_minor", "open_minor", "status",
))  # fmt: skip


def _created(row: tuple[Any, ...], lines: list[domain_terms.ScheduleLine]) -> dict[str, Any]:
    """The ``after`` of a ``create_invoice`` audit row: ``_INVOICE_AUDIT`` and the schedule."""
    after = {name: row[i] for name, i in _AUDITED}
    after.update(
        issue_date=row[_ISSUE_DATE].isoformat(),
        due_date=row[_DUE_DATE].isoformat(),
        exchange_rate=str(row[_RATE]),
        schedule=[(ln.due_date.isoformat(), ln.amount.amount_str()) for ln in lines],
    )
    return after


_CREATED = (
    '{{"amount_minor": {}, "currency": {}, "customer_id": {}, "due_date": "{}", '
    '"exchange_rate": {}, "issue_date": "{}", "net_minor": {}, "number": {}, "open_minor": {}, '
    '"order_id": {}, "payment_terms": {}, "schedule": [{}], "status": {}, "tax_minor": {}}}'
)
"""``audit_json(_created(row, lines))`` as a template: the same keys, sorted, same spacing."""
_CREATED_FITS = sorted((*_INVOICE_AUDIT, "schedule")) == re.findall(r'"(\w+)": ', _CREATED)


def created_json(row: tuple[Any, ...], lines: list[domain_terms.ScheduleLine]) -> str:
    """``audit_json(_created(row, lines))`` without the dict (a tenth of a large commit).

    Dates and amounts as text hold nothing to escape; texts go through the JSON encoder's own
    string encoder. Falls back to the dict when the audited fields or the value types differ.
    """
    order_id = row[_ORDER_ID]
    if (
        not _CREATED_FITS
        or any(type(row[i]) is not int for i in _INTS)
        or not (order_id is None or type(order_id) is int)
    ):
        return audit_json(_created(row, lines))
    text = encode_basestring
    return _CREATED.format(
        row[_AMOUNT],
        text(row[_CURRENCY]),
        row[_CUSTOMER_ID],
        row[_DUE_DATE].isoformat(),
        text(str(row[_RATE])),
        row[_ISSUE_DATE].isoformat(),
        row[_NET],
        text(row[_NUMBER]),
        row[_OPEN],
        "null" if order_id is None else order_id,
        text(row[_TERMS]),
        ", ".join(f'["{ln.due_date.isoformat()}", "{ln.amount.amount_str()}"]' for ln in lines),
        text(row[_STATUS]),
        row[_TAX],
    )
