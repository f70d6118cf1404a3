"""Opening and creating books (database files) and building the service context for them."""

from __future__ import annotations

from pathlib import Path

from desktop_ar.db.schema import init_database, open_database
from desktop_ar.services.context import Clock, ServiceContext, SystemClock, default_user


def open_book(
    target: str | Path,
    *,
    user: str | None = None,
    role: str = "admin",
    clock: Clock | None = None,
    read_only: bool = False,
) -> ServiceContext:
    """Open an existing book (upgrading an older schema after a backup) and return its context.

    Raises:
        UserFacingError: the file is missing, not a Desktop AR database, or newer than this app.
    """
    opened = open_database(target, read_only=read_only)
    return ServiceContext(
        engine=opened.engine,
        user=user or default_user(),
        role=role,
        clock=clock or SystemClock(),
        read_only=read_only,
    )


def create_book(
    target: str | Path,
    *,
    company_name: str = "My Company",
    user: str | None = None,
    clock: Clock | None = None,
) -> ServiceContext:
    """Create a new empty book at the latest schema and return its context."""
    engine = init_database(target, company_name=company_name)
    return ServiceContext(engine=engine, user=user or default_user(), clock=clock or SystemClock())
