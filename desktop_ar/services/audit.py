"""Writing audit rows in the same transaction as the change they describe."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from desktop_ar.db.models import AuditEntry
from desktop_ar.services.context import ServiceContext


def _default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return ",".join(sorted(str(v) for v in value))
    return str(value)


def to_json(values: dict[str, Any] | None) -> str:
    """Canonical JSON of a before/after snapshot ('' for none)."""
    if values is None:
        return ""
    return json.dumps(values, default=_default, ensure_ascii=False, sort_keys=True)


def record(
    session: Session,
    ctx: ServiceContext,
    action: str,
    entity: str,
    entity_id: object = "",
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add one audit row to the current transaction."""
    session.execute(
        insert(AuditEntry).values(
            at=ctx.clock.now(),
            actor=ctx.user,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=to_json(before),
            after=to_json(after),
        )
    )


def snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a model object, for before/after values."""
    return {name: getattr(obj, name) for name in fields}
