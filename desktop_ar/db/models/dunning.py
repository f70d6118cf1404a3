"""Dunning (催收函) levels and their letter and email templates. Revision 0006.

A level says how many days overdue an item must be to reach it, the fee charged once per
letter (an amount in the letter's currency, as decimal text) and the annual interest rate on
the overdue amount (simple interest, days/365, as a fraction such as ``0.10``). Each level has
an editable template per language (``en``, ``zh``) and channel (``letter``, ``email``): a
subject and a body with ``{placeholders}`` (see ``desktop_ar.domain.dunning``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop_ar.db.base import TABLE_ARGS, Base
from desktop_ar.db.types import DecimalText

DUNNING_CHANNELS = ("letter", "email")
DUNNING_LANGS = ("en", "zh")


class DunningLevel(Base):
    """A dunning level (1 reminder … 5 legal): when it applies, its fee and interest."""

    __tablename__ = "dunning_levels"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 9", name="level_range"),
        CheckConstraint("days_overdue >= 0", name="days_nonneg"),
        CheckConstraint("length(trim(name_en)) > 0", name="name_set"),
        TABLE_ARGS,
    )

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name_en: Mapped[str] = mapped_column(String(60))
    name_zh: Mapped[str] = mapped_column(String(60), default="")
    days_overdue: Mapped[int] = mapped_column(Integer)
    fee: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    interest_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class DunningTemplate(Base):
    """The subject and body of one level's letter or email in one language."""

    __tablename__ = "dunning_templates"
    __table_args__ = (
        UniqueConstraint("level", "lang", "channel"),
        CheckConstraint("lang IN ('en', 'zh')", name="lang"),
        CheckConstraint("channel IN ('letter', 'email')", name="channel"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[int] = mapped_column(ForeignKey("dunning_levels.level", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012
