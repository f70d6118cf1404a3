"""Engine creation and SQLite connection setup.

Every SQLite connection gets: WAL journal (set outside any transaction), ``synchronous=FULL``,
``foreign_keys=ON`` and ``busy_timeout=5000``. The driver's own transaction handling is switched
off (``isolation_level=None``) and transactions are begun explicitly, ``BEGIN IMMEDIATE`` for
writes, so that a writer takes the lock before it reads what it will change and DDL is
transactional.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

BUSY_TIMEOUT_MS = 5000
APPLICATION_ID = 0x44415231  # "DAR1": marks a file as a Desktop AR database
WRITE_OPTION = "desktop_ar_begin"


def to_url(target: str | os.PathLike[str], *, read_only: bool = False) -> URL:
    """Turn a file path or a SQLAlchemy URL string into a URL."""
    text = os.fspath(target)
    if "://" in text:
        return make_url(text)
    path = Path(text).expanduser().resolve()
    if read_only:
        return make_url(f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true")
    return make_url(f"sqlite:///{path.as_posix()}")


def sqlite_path(url: URL) -> Path | None:
    """The database file of a SQLite URL, or None for other databases / memory."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    db = url.database
    if db.startswith("file:"):
        db = db[len("file:") :].split("?", 1)[0]
    return Path(db)


def _on_connect(read_only: bool) -> Any:
    def setup(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (transactional DDL, BEGIN IMMEDIATE for writers).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not read_only:
                cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA foreign_keys = ON")
        finally:
            cur.close()

    return setup


def _on_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get(WRITE_OPTION, "")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")


def make_engine(target: str | os.PathLike[str] | URL, *, read_only: bool = False) -> Engine:
    """Create an engine for a SQLite file path or any SQLAlchemy URL."""
    url = target if isinstance(target, URL) else to_url(target, read_only=read_only)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if read_only and "mode=ro" not in str(url):
        path = sqlite_path(url)
        if path is not None:
            url = to_url(path, read_only=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _on_connect(read_only))
    event.listen(engine, "begin", _on_begin)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions start with ``BEGIN IMMEDIATE`` on SQLite."""
    return engine.execution_options(**{WRITE_OPTION: "immediate"})
