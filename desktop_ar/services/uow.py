"""Unit of work: one service call = one transaction.

Writes begin with ``BEGIN IMMEDIATE`` on SQLite, so the writer holds the lock before it re-reads
what it changes. Any exception rolls everything back, audit rows included. Low-level database
errors are turned into user-facing ones ("busy, try again", "changed by someone else").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_ar.db.engine import writer
from desktop_ar.domain.errors import ConcurrentEditError, UserFacingError
from desktop_ar.services.context import ServiceContext


def _translate(exc: OperationalError) -> Exception:
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    if "locked" in text or "busy" in text:
        return UserFacingError("database_busy")
    if "readonly" in text or "read-only" in text:
        return UserFacingError("read_only")
    if "disk" in text and "full" in text:
        return UserFacingError("invalid", field="disk", reason="the disk is full")
    return exc


@contextmanager
def uow(ctx: ServiceContext, *, check_writable: bool = True) -> Iterator[Session]:
    """A write transaction; commits when the block ends without an exception."""
    if check_writable and ctx.read_only:
        raise UserFacingError("read_only")
    session = Session(bind=writer(ctx.engine), expire_on_commit=False, autoflush=False)
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConcurrentEditError("record") from exc
    except OperationalError as exc:
        session.rollback()
        translated = _translate(exc)
        if translated is exc:
            raise
        raise translated from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def reader(ctx: ServiceContext) -> Iterator[Session]:
    """A read-only session (a plain deferred transaction, rolled back at the end)."""
    session = Session(bind=ctx.engine, expire_on_commit=False, autoflush=False)
    try:
        yield session
    except OperationalError as exc:
        translated = _translate(exc)
        if translated is exc:
            raise
        raise translated from exc
    finally:
        # close() releases the connection (its transaction is rolled back) without expiring
        # the objects already loaded, so DTOs can still be built from them.
        session.close()
