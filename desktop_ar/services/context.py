"""The context every service call receives: database, user, role and clock."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from desktop_ar.db.engine import sqlite_path


class Clock(Protocol):
    """Where "today" and "now" come from; passed in, never read deep inside logic."""

    def today(self) -> date:
        """The current business date."""
        ...

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """The real clock."""

    def today(self) -> date:
        """Local calendar date."""
        return datetime.now().astimezone().date()

    def now(self) -> datetime:
        """UTC now."""
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A clock that always says the same date (tests, demo books, "as of" work)."""

    fixed_date: date
    fixed_time: datetime | None = None

    def today(self) -> date:
        """The fixed date."""
        return self.fixed_date

    def now(self) -> datetime:
        """The fixed time, or noon UTC on the fixed date."""
        if self.fixed_time is not None:
            return self.fixed_time
        return datetime(
            self.fixed_date.year, self.fixed_date.month, self.fixed_date.day, 12, tzinfo=UTC
        )


ROLES = ("admin", "bookkeeper", "collector", "read_only")


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """Everything a service needs besides its arguments."""

    engine: Engine
    user: str = "local"
    role: str = "admin"
    clock: Clock = field(default_factory=SystemClock)
    read_only: bool = False

    @property
    def db_path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return sqlite_path(self.engine.url)

    @property
    def db_label(self) -> str:
        """Short text naming the database (status bar, messages)."""
        path = self.db_path
        if path is not None:
            return str(path)
        return self.engine.url.render_as_string(hide_password=True)

    def with_clock(self, clock: Clock) -> ServiceContext:
        """The same context with another clock."""
        return replace(self, clock=clock)


def default_user() -> str:
    """The operating-system user name, used as the actor when nobody has signed in."""
    return os.environ.get("USER") or os.environ.get("USERNAME") or "local"
