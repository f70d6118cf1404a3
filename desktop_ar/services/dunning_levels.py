"""Dunning levels (催款级别) and their letter and email templates: read and edit.

Levels 1 (reminder) … 5 (legal) come with revision 0006; an admin edits each level's names,
days overdue, fee and annual interest rate, and each template's subject and body per language
(``en``/``zh``) and channel (``letter``/``email``). Every change is checked first (placeholders
included, see :mod:`desktop_ar.domain.dunning`), written in one transaction and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models.dunning import DUNNING_CHANNELS, DUNNING_LANGS, DunningLevel
from desktop_ar.db.models.dunning import DunningTemplate as TemplateRow
from desktop_ar.domain.dunning import PLACEHOLDERS, check_template, placeholders_in
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "DunningLevelDTO",
    "DunningTemplateDTO",
    "get_template",
    "level_rows",
    "list_levels",
    "load_template",
    "save_template",
    "update_level",
]

NAME_MAX = 60
SUBJECT_MAX = 200
FEE_DECIMALS = 2


@dataclass(frozen=True, slots=True)
class DunningLevelDTO:
    """One dunning level: when it applies, its fee (per letter and currency) and interest."""

    level: int
    name_en: str
    name_zh: str
    days_overdue: int
    fee: Decimal
    interest_rate: Decimal  # annual, as a fraction: 0.10 = 10 %
    active: bool
    version_id: int

    def name(self, lang: str) -> str:
        """The Chinese name when ``lang`` is ``zh`` and it is set, else the English name."""
        if lang == "zh" and self.name_zh.strip():
            return self.name_zh
        return self.name_en


@dataclass(frozen=True, slots=True)
class DunningTemplateDTO:
    """The subject and body of one level's letter or email in one language."""

    level: int
    lang: str
    channel: str
    subject: str
    body: str
    updated_at: datetime | None
    updated_by: str


def _level_dto(row: DunningLevel) -> DunningLevelDTO:
    return DunningLevelDTO(
        level=row.level,
        name_en=row.name_en,
        name_zh=row.name_zh,
        days_overdue=row.days_overdue,
        fee=Decimal(row.fee),
        interest_rate=Decimal(row.interest_rate),
        active=bool(row.active),
        version_id=row.version_id,
    )


def level_rows(session: Session, *, active_only: bool = False) -> list[DunningLevelDTO]:
    """The levels read inside an existing session (for other services), by level."""
    query = select(DunningLevel).order_by(DunningLevel.level)
    if active_only:
        query = query.where(DunningLevel.active.is_(True))
    return [_level_dto(r) for r in session.execute(query).scalars()]


def list_levels(ctx: ServiceContext, *, active_only: bool = False) -> list[DunningLevelDTO]:
    """Every dunning level (or only the active ones), by level."""
    with reader(ctx) as s:
        return level_rows(s, active_only=active_only)


def _invalid(field: str, reason: str) -> UserFacingError:
    return UserFacingError("invalid", field=field, reason=reason)


def _decimal(value: object, field: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{field} must be a Decimal or text, not float")
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise _invalid(field, f"{value!r} is not a number")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise _invalid(field, f"{value!r} is not a number") from None
    if not number.is_finite():
        raise _invalid(field, f"{value!r} is not a number")
    return number


def _clean_fee(value: object) -> Decimal:
    fee = _decimal(value, "fee")
    if fee < 0:
        raise _invalid("fee", "must not be negative")
    exponent = fee.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -FEE_DECIMALS:
        raise _invalid("fee", f"{fee} has more than {FEE_DECIMALS} decimals")
    return fee


def _clean_rate(value: object) -> Decimal:
    rate = _decimal(value, "interest rate")
    if not Decimal(0) <= rate <= Decimal(1):
        reason = (
            f"{rate} is not between 0 and 1; give the annual rate as a fraction (0.10 for 10 %)"
        )
        raise _invalid("interest rate", reason)
    return rate


def _clean_name(value: object, field: str, *, required: bool) -> str:
    if not isinstance(value, str):
        raise _invalid(field, "must be text")
    text = value.strip()
    if required and not text:
        raise _invalid(field, "must not be empty")
    if len(text) > NAME_MAX:
        raise _invalid(field, f"is longer than {NAME_MAX} characters")
    return text


def _clean_days(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid("days overdue", f"{value!r} is not a whole number of days")
    if value < 0:
        raise _invalid("days overdue", "must not be negative")
    return value


def _check_order(levels: list[DunningLevelDTO]) -> None:
    """Days overdue must rise strictly with the level among the active levels."""
    previous: DunningLevelDTO | None = None
    for lv in sorted(levels, key=lambda x: x.level):
        if not lv.active:
            continue
        if previous is not None and lv.days_overdue <= previous.days_overdue:
            reason = (
                f"level {lv.level} ({lv.days_overdue} days) must start later than level "
                f"{previous.level} ({previous.days_overdue} days)"
            )
            raise _invalid("days overdue", reason)
        previous = lv


_LEVEL_FIELDS = ("name_en", "name_zh", "days_overdue", "fee", "interest_rate", "active")


def update_level(
    ctx: ServiceContext,
    level: int,
    *,
    name_en: str | None = None,
    name_zh: str | None = None,
    days_overdue: int | None = None,
    fee: Decimal | str | None = None,
    interest_rate: Decimal | str | None = None,
    active: bool | None = None,
) -> tuple[DunningLevelDTO, Changes]:
    """Change a dunning level (admin); the arguments left as None stay as they are.

    Args:
        ctx: the service context.
        level: the level (1 …).
        name_en: the English name (not empty).
        name_zh: the Chinese name (may be empty: the English name is used).
        days_overdue: days overdue from which the level applies; must rise strictly with
            the level among the active levels.
        fee: charged once per letter and currency (0 or more, at most 2 decimals).
        interest_rate: the annual rate as a fraction, 0 … 1 (``0.10`` = 10 %).
        active: inactive levels are never reached.

    Returns:
        The level as saved, and the changes (settings).

    Raises:
        PermissionDenied: the role may not change settings.
        NotFound: no such level.
        UserFacingError: ``invalid`` naming the field and what to fix.
    """
    require(ctx, "change_settings")
    values: dict[str, Any] = {}
    if name_en is not None:
        values["name_en"] = _clean_name(name_en, "English name", required=True)
    if name_zh is not None:
        values["name_zh"] = _clean_name(name_zh, "Chinese name", required=False)
    if days_overdue is not None:
        values["days_overdue"] = _clean_days(days_overdue)
    if fee is not None:
        values["fee"] = _clean_fee(fee)
    if interest_rate is not None:
        values["interest_rate"] = _clean_rate(interest_rate)
    if active is not None:
        values["active"] = bool(active)
    with uow(ctx) as s:
        row = s.get(DunningLevel, level)
        if row is None:
            raise NotFound("Dunning level", level)
        before = {k: getattr(row, k) for k in _LEVEL_FIELDS}
        changed = {k: v for k, v in values.items() if before[k] != v}
        others = [lv for lv in level_rows(s) if lv.level != level]
        proposed = _level_dto(row)
        merged = {**{k: getattr(proposed, k) for k in _LEVEL_FIELDS}, **values}
        _check_order([*others, DunningLevelDTO(level, **merged, version_id=row.version_id)])
        if not changed:
            return proposed, Changes()
        for key, value in changed.items():
            setattr(row, key, value)
        row.updated_at = ctx.clock.now()
        audit.record(
            s,
            ctx,
            "update_dunning_level",
            "dunning_level",
            level,
            before={k: before[k] for k in changed},
            after=changed,
        )
        s.flush()
        return _level_dto(row), Changes(settings=True)


def _template_dto(row: TemplateRow) -> DunningTemplateDTO:
    return DunningTemplateDTO(
        level=row.level,
        lang=row.lang,
        channel=row.channel,
        subject=row.subject,
        body=row.body,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _check_kind(lang: str, channel: str) -> None:
    if lang not in DUNNING_LANGS:
        raise _invalid("language", f"{lang!r} is not one of {', '.join(DUNNING_LANGS)}")
    if channel not in DUNNING_CHANNELS:
        raise _invalid("channel", f"{channel!r} is not one of {', '.join(DUNNING_CHANNELS)}")


def _find_template(session: Session, level: int, lang: str, channel: str) -> TemplateRow | None:
    return session.execute(
        select(TemplateRow).where(
            TemplateRow.level == level, TemplateRow.lang == lang, TemplateRow.channel == channel
        )
    ).scalar_one_or_none()


def load_template(session: Session, level: int, lang: str, channel: str) -> DunningTemplateDTO:
    """A template read inside an existing session (for other services).

    Raises:
        UserFacingError: an unknown language or channel.
        NotFound: no template for that level, language and channel.
    """
    _check_kind(lang, channel)
    row = _find_template(session, level, lang, channel)
    if row is None:
        raise NotFound("Dunning template", f"{level}/{lang}/{channel}")
    return _template_dto(row)


def get_template(
    ctx: ServiceContext, level: int, lang: str, channel: str = "letter"
) -> DunningTemplateDTO:
    """The subject and body of ``level``'s ``channel`` template in ``lang``.

    Raises:
        UserFacingError: an unknown language or channel.
        NotFound: no template for that level, language and channel.
    """
    with reader(ctx) as s:
        return load_template(s, level, lang, channel)


def _check_text(field: str, text: str) -> None:
    unknown = check_template(text)
    if unknown:
        raise UserFacingError(
            "unknown_placeholders",
            field=field,
            unknown=", ".join("{" + n + "}" if n not in "{}" else n for n in unknown),
            allowed=", ".join("{" + n + "}" for n in PLACEHOLDERS),
        )


def _clean_template(subject: str, body: str) -> tuple[str, str]:
    if not isinstance(subject, str) or not isinstance(body, str):
        raise _invalid("template", "subject and body must be text")
    subject = subject.strip()
    body = body.replace("\r\n", "\n").strip("\n")
    if "\n" in subject or "\r" in subject:
        raise _invalid("subject", "must be one line")
    if len(subject) > SUBJECT_MAX:
        raise _invalid("subject", f"is longer than {SUBJECT_MAX} characters")
    if not body.strip():
        raise _invalid("body", "must not be empty")
    _check_text("subject", subject)
    _check_text("body", body)
    if "items" in placeholders_in(subject):
        raise _invalid("subject", "{items} (the table of overdue items) belongs in the body")
    return subject, body


def save_template(
    ctx: ServiceContext, level: int, lang: str, channel: str, *, subject: str, body: str
) -> Changes:
    """Save the subject and body of a level's letter or email template in one language (admin).

    Placeholders must be known ones (``{customer_name}``, ``{items}`` …); ``{{`` and ``}}``
    write literal braces.

    Raises:
        PermissionDenied: the role may not change settings.
        NotFound: no such level.
        UserFacingError: an unknown language or channel; an empty body; a subject of more
            than one line or too long; ``unknown_placeholders`` naming them and the allowed ones.
    """
    require(ctx, "change_settings")
    _check_kind(lang, channel)
    subject, body = _clean_template(subject, body)
    with uow(ctx) as s:
        if s.get(DunningLevel, level) is None:
            raise NotFound("Dunning level", level)
        row = _find_template(s, level, lang, channel)
        before = None if row is None else {"subject": row.subject, "body": row.body}
        if row is not None and before == {"subject": subject, "body": body}:
            return Changes()
        if row is None:
            row = TemplateRow(level=level, lang=lang, channel=channel)
            s.add(row)
        row.subject, row.body = subject, body
        row.updated_at = ctx.clock.now()
        row.updated_by = ctx.user
        audit.record(
            s,
            ctx,
            "save_dunning_template",
            "dunning_template",
            f"{level}/{lang}/{channel}",
            before=before,
            after={"subject": subject, "body": body},
        )
        return Changes(settings=True)
