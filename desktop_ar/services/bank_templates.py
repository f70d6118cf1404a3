"""Saved column mappings of banks' CSV/Excel exports (import templates of kind ``bank_lines``).

They live in ``import_templates`` beside the import kinds' templates, but hold a
:class:`~desktop_ar.io.bank.BankMapping` (``{field: column}``, ``memo`` a list of columns), so
they have their own load and save functions. ``header_row`` is 1-based like the import kinds'
(``None``: found automatically). Re-exported by :mod:`desktop_ar.services.bank_statements`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from desktop_ar.db.models import ImportTemplate
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.io.bank import BankMapping
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_templates import find_template_row, store_template, template_rows
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "BANK_TEMPLATE_KIND",
    "BankTemplateInfo",
    "list_bank_templates",
    "load_bank_template",
    "save_bank_template",
]

BANK_TEMPLATE_KIND = "bank_lines"


@dataclass(frozen=True, slots=True)
class BankTemplateInfo:
    """A saved bank export mapping.

    Attributes:
        id: the row id.
        name: the name the user gave it (e.g. the bank's name).
        mapping: the columns (``source="explicit"``).
        header_row: the 1-based header row it was made for, ``None`` to find it.
        header_signature: the signature of that header row.
        updated_at: when it was last saved.
        created_by: who saved it first.
    """

    id: int
    name: str
    mapping: BankMapping
    header_row: int | None
    header_signature: str
    updated_at: datetime
    created_by: str

    @property
    def parser_header_row(self) -> int | None:
        """The header row as ``parse_bank_table`` takes it (zero-based, ``None`` to find it)."""
        return None if self.header_row is None else self.header_row - 1


def _info(row: ImportTemplate) -> BankTemplateInfo:
    return BankTemplateInfo(
        row.id,
        row.name,
        BankMapping.from_dict(json.loads(row.mapping_json)),
        row.header_row,
        row.header_signature,
        row.updated_at,
        row.created_by,
    )


def save_bank_template(
    ctx: ServiceContext,
    name: str,
    mapping: BankMapping,
    headers: Sequence[object],
    header_row: int | None = None,
) -> int:
    """Save a bank export's mapping under a name (replacing one of the same name).

    Args:
        ctx: the service context.
        name: the template name (spaces collapsed; 1–100 characters).
        mapping: the columns; it must give a date and an amount (one column, or debit and
            credit).
        headers: the header row the mapping was made for (its signature is stored).
        header_row: the 1-based header row, or ``None`` to find it automatically next time.

    Returns:
        The template id.

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``invalid`` for an empty or long name, a bad header row or a mapping
            without a date or an amount.
    """
    require(ctx, "reconcile")
    try:
        checked = BankMapping.from_dict(mapping.to_dict())
    except ValueError as exc:
        raise UserFacingError("invalid", field="mapping", reason=str(exc)) from None
    if not (checked.has_date() and checked.has_amount()):
        reason = "choose a date column and an amount column (or debit and credit columns)"
        raise UserFacingError("invalid", field="mapping", reason=reason)
    with uow(ctx) as s:
        return store_template(
            s, ctx, kind=BANK_TEMPLATE_KIND, name=name, payload=mapping.to_dict(),
            headers=headers, header_row=header_row,
        )  # fmt: skip


def list_bank_templates(ctx: ServiceContext) -> list[BankTemplateInfo]:
    """The saved bank templates, by name."""
    with reader(ctx) as s:
        return [_info(row) for row in template_rows(s, BANK_TEMPLATE_KIND)]


def load_bank_template(ctx: ServiceContext, name: str) -> BankTemplateInfo:
    """The bank template called ``name`` (spaces collapsed, exact otherwise).

    Raises:
        NotFound: there is no such template.
    """
    with reader(ctx) as s:
        row = find_template_row(s, BANK_TEMPLATE_KIND, name)
        if row is None:
            raise NotFound("bank import template", " ".join(name.split()))
        return _info(row)
