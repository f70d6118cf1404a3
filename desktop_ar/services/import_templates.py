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
    "delete_template",
    "list_templates",
    "load_template",
    "matching_template",
    "save_template",
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


def _check(kind: str, name: str) -> str:
    if kind not in KINDS:
        raise UserFacingError("invalid", field="kind", reason=f"unknown import kind {kind!r}")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserFacingError("invalid", field="template name", reason="enter a name")
    if len(cleaned) > _NAME_MAX:
        reason = f"at most {_NAME_MAX} characters"
        raise UserFacingError("invalid", field="template name", reason=reason)
    return cleaned


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
    cleaned = _check(mapping.kind, name)
    if header_row is not None and header_row < 1:
        raise UserFacingError("invalid", field="header row", reason="must be 1 or more")
    now = ctx.clock.now()
    payload = json.dumps(mapping.to_dict(), ensure_ascii=False, sort_keys=True)
    signature = header_signature(headers)
    with uow(ctx) as s:
        row = s.scalars(
            select(ImportTemplate).where(
                ImportTemplate.kind == mapping.kind, ImportTemplate.name == cleaned
            )
        ).one_or_none()
        before = None
        if row is None:
            row = ImportTemplate(
                name=cleaned, kind=mapping.kind, created_at=now, created_by=ctx.user
            )
            s.add(row)
        else:
            before = {"mapping": json.loads(row.mapping_json), "header_row": row.header_row}
        row.header_signature = signature
        row.header_row = header_row
        row.mapping_json = payload
        row.updated_at = now
        s.flush()
        after = {"name": cleaned, "kind": mapping.kind, "mapping": mapping.to_dict()}
        after["header_row"] = header_row
        audit.record(s, ctx, "save_import_template", "import_template", row.id, before=before,
                     after=after)  # fmt: skip
        return row.id


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
    cleaned = " ".join(name.split())
    with reader(ctx) as s:
        row = s.scalars(
            select(ImportTemplate).where(
                ImportTemplate.kind == kind, ImportTemplate.name == cleaned
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"{kind} import template", cleaned)
        return _info(row)


def matching_template(
    session: Session, kind: str, headers: Sequence[object]
) -> TemplateInfo | None:
    """The most recently saved template of ``kind`` made for this same header row, if any."""
    row = session.scalars(
        select(ImportTemplate)
        .where(
            ImportTemplate.kind == kind,
            ImportTemplate.header_signature == header_signature(headers),
        )
        .order_by(ImportTemplate.updated_at.desc(), ImportTemplate.id.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else _info(row)


def delete_template(ctx: ServiceContext, kind: str, name: str) -> None:
    """Delete a saved template.

    Raises:
        PermissionDenied: the role may not import data.
        NotFound: there is no such template.
    """
    require(ctx, "import_data")
    info = load_template(ctx, kind, name)
    with uow(ctx) as s:
        s.execute(delete(ImportTemplate).where(ImportTemplate.id == info.id))
        before = {"name": info.name, "kind": kind, "mapping": info.mapping.to_dict()}
        audit.record(s, ctx, "delete_import_template", "import_template", info.id, before=before)
