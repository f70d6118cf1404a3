"""Saved import mappings: named templates per import kind, offered again for the same headers.

A template stores which column holds which field (``Mapping.to_dict``), the header row it was
made for (1-based, optional) and the :func:`~desktop_ar.io.excel.mapping.header_signature` of
that header row. ``matching_template`` finds the template whose signature equals a file's, so
the wizard and the command line can offer it without asking again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import ImportTemplate
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.io.excel.mapping import KINDS, Mapping, header_signature
from desktop_ar.services import audit
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "TemplateInfo",
    "clean_template_name",
    "delete_template",
    "drop_template",
    "find_template_row",
    "list_templates",
    "load_template",
    "matching_template",
    "matching_template_row",
    "save_template",
    "store_template",
    "template_rows",
]

_NAME_MAX = 100


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """A saved template.

    Attributes:
        id: the row id.
        name: the name the user gave it.
        kind: the import kind.
        mapping: the saved mapping.
        header_row: the 1-based header row it was made for (``None``: found automatically).
        header_signature: the signature of that header row.
        updated_at: when it was last saved.
        created_by: who saved it first.
    """

    id: int
    name: str
    kind: str
    mapping: Mapping
    header_row: int | None
    header_signature: str
    updated_at: datetime
    created_by: str


def _info(row: ImportTemplate) -> TemplateInfo:
    return TemplateInfo(
        row.id,
        row.name,
        row.kind,
        Mapping.from_dict(json.loads(row.mapping_json)),
        row.header_row,
        row.header_signature,
        row.updated_at,
        row.created_by,
    )


def clean_template_name(name: str) -> str:
    """A template name with its spaces collapsed.

    Raises:
        UserFacingError: an empty name or one longer than 100 characters.
    """
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserFacingError("invalid", field="template name", reason="enter a name")
    if len(cleaned) > _NAME_MAX:
        reason = f"at most {_NAME_MAX} characters"
        raise UserFacingError("invalid", field="template name", reason=reason)
    return cleaned


def find_template_row(session: Session, kind: str, name: str) -> ImportTemplate | None:
    """The stored template of ``kind`` called ``name`` (spaces collapsed), if any."""
    cleaned = " ".join(name.split())
    query = select(ImportTemplate).where(
        ImportTemplate.kind == kind, ImportTemplate.name == cleaned
    )
    return session.scalars(query).one_or_none()


def template_rows(session: Session, kind: str) -> list[ImportTemplate]:
    """The stored templates of ``kind``, by name."""
    query = select(ImportTemplate).where(ImportTemplate.kind == kind)
    return list(session.scalars(query.order_by(ImportTemplate.name)))


def matching_template_row(
    session: Session, kind: str, headers: Sequence[object]
) -> ImportTemplate | None:
    """The most recently saved template of ``kind`` made for this same header row, if any."""
    return session.scalars(
        select(ImportTemplate)
        .where(
            ImportTemplate.kind == kind,
            ImportTemplate.header_signature == header_signature(headers),
        )
        .order_by(ImportTemplate.updated_at.desc(), ImportTemplate.id.desc())
        .limit(1)
    ).one_or_none()


def store_template(
    session: Session,
    ctx: ServiceContext,
    *,
    kind: str,
    name: str,
    payload: dict[str, Any],
    headers: Sequence[object],
    header_row: int | None,
) -> int:
    """Save (or replace) a template of any kind in the caller's transaction, audited.

    Args:
        session: the open write transaction.
        ctx: the service context (the caller checks the permission).
        kind: the template kind (an import kind, ``bank_lines`` or ``customer_ledger``).
        name: the template name (cleaned with :func:`clean_template_name`).
        payload: the mapping as JSON-ready data.
        headers: the header row it was made for (its signature is stored).
        header_row: the 1-based header row, or ``None`` to find it each time.

    Returns:
        The template id.

    Raises:
        UserFacingError: a bad name or a header row below 1.
    """
    cleaned = clean_template_name(name)
    if header_row is not None and header_row < 1:
        raise UserFacingError("invalid", field="header row", reason="must be 1 or more")
    now = ctx.clock.now()
    row = find_template_row(session, kind, cleaned)
    before = None
    if row is None:
        row = ImportTemplate(name=cleaned, kind=kind, created_at=now, created_by=ctx.user)
        session.add(row)
    else:
        before = {"mapping": json.loads(row.mapping_json), "header_row": row.header_row}
    row.header_signature = header_signature(headers)
    row.header_row = header_row
    row.mapping_json = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    row.updated_at = now
    session.flush()
    after = {"name": cleaned, "kind": kind, "mapping": payload, "header_row": header_row}
    audit.record(session, ctx, "save_import_template", "import_template", row.id, before=before,
                 after=after)  # fmt: skip
    return row.id


def drop_template(session: Session, ctx: ServiceContext, row: ImportTemplate) -> None:
    """Delete a stored template in the caller's transaction, audited."""
    before = {"name": row.name, "kind": row.kind, "mapping": json.loads(row.mapping_json)}
    template_id = row.id
    session.execute(delete(ImportTemplate).where(ImportTemplate.id == template_id))
    audit.record(session, ctx, "delete_import_template", "import_template", template_id,
                 before=before)  # fmt: skip


def save_template(
    ctx: ServiceContext,
    name: str,
    mapping: Mapping,
    headers: Sequence[object],
    *,
    header_row: int | None = None,
) -> int:
    """Save a mapping under a name (replacing a template of the same kind and name).

    Args:
        ctx: the service context.
        name: the template name (spaces collapsed; 1–100 characters).
        mapping: the column mapping (its kind is the template's kind).
        headers: the header row the mapping was made for (its signature is stored).
        header_row: the 1-based header row, or ``None`` to find it automatically next time.

    Returns:
        The template id.

    Raises:
        PermissionDenied: the role may not import data.
        UserFacingError: an empty or too long name, or an unknown kind.
    """
    require(ctx, "import_data")
    if mapping.kind not in KINDS:
        reason = f"unknown import kind {mapping.kind!r}"
        raise UserFacingError("invalid", field="kind", reason=reason)
    with uow(ctx) as s:
        return store_template(
            s, ctx, kind=mapping.kind, name=name, payload=mapping.to_dict(), headers=headers,
            header_row=header_row,
        )  # fmt: skip


def list_templates(ctx: ServiceContext, kind: str | None = None) -> list[TemplateInfo]:
    """The saved import templates (of one import kind, or all of them), by kind and name."""
    query = select(ImportTemplate).order_by(ImportTemplate.kind, ImportTemplate.name)
    # Bank-export and customer-ledger templates live in the same table with mappings of their
    # own; they are listed by their own services.
    kinds = list(KINDS) if kind is None else [kind]
    query = query.where(ImportTemplate.kind.in_(kinds))
    with reader(ctx) as s:
        return [_info(row) for row in s.scalars(query)]


def load_template(ctx: ServiceContext, kind: str, name: str) -> TemplateInfo:
    """The template of ``kind`` called ``name`` (spaces collapsed, exact otherwise).

    Raises:
        NotFound: there is no such template.
    """
    with reader(ctx) as s:
        row = find_template_row(s, kind, name)
        if row is None:
            raise NotFound(f"{kind} import template", " ".join(name.split()))
        return _info(row)


def matching_template(
    session: Session, kind: str, headers: Sequence[object]
) -> TemplateInfo | None:
    """The most recently saved template of ``kind`` made for this same header row, if any."""
    row = matching_template_row(session, kind, headers)
    return None if row is None else _info(row)


def delete_template(ctx: ServiceContext, kind: str, name: str) -> None:
    """Delete a saved template.

    Raises:
        PermissionDenied: the role may not import data.
        NotFound: there is no such template.
    """
    require(ctx, "import_data")
    with uow(ctx) as s:
        row = find_template_row(s, kind, name)
        if row is None:
            raise NotFound(f"{kind} import template", " ".join(name.split()))
        drop_template(s, ctx, row)
