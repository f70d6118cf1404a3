"""Creating, recognising and upgrading database files.

Opening a file never changes it unless it is a Desktop AR database at an older schema, and then
only after a backup copy has been taken through the SQLite backup API. A file that is not a
database, belongs to another application, or has a newer schema than this version knows is
refused with a clear message and left untouched.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from desktop_ar.db.engine import APPLICATION_ID, make_engine, sqlite_path, to_url
from desktop_ar.domain.errors import UserFacingError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"

# Every shipped revision, oldest first. Kept here so that opening a book does not import Alembic
# (a tenth of a second at start-up); a test checks it against the migration scripts.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations shipped in the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest schema revision this version of the application knows."""
    return REVISIONS[-1]


def known_revisions() -> set[str]:
    """Every revision shipped with this version."""
    return set(REVISIONS)


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database, or None when it has none."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        conn.rollback()
    return rows[0][0] if rows else None


@dataclass(frozen=True, slots=True)
class OpenedDatabase:
    """What ``open_database`` found and did."""

    engine: Engine
    revision: str
    upgraded_from: str | None = None
    backup_path: Path | None = None
    read_only: bool = False


def _check_sqlite_file(path: Path) -> None:
    if not path.exists():
        raise UserFacingError("file_missing", path=str(path))
    if path.is_dir():
        raise UserFacingError("not_a_database", path=str(path))
    with path.open("rb") as fh:
        header = fh.read(100)
    if len(header) == 0:
        return  # an empty file is an empty SQLite database
    if not header.startswith(SQLITE_HEADER):
        raise UserFacingError("not_a_database", path=str(path))
    app_id = int.from_bytes(header[68:72], "big")
    if app_id not in (0, APPLICATION_ID):
        raise UserFacingError("not_a_database", path=str(path))


def backup_sqlite(src: Path, dest: Path) -> Path:
    """Copy a live SQLite database with the backup API to ``dest`` (written as .tmp, renamed)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{src.as_posix()}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    tmp.replace(dest)
    return dest


def _upgrade(engine: Engine) -> None:
    """Run the migrations to head in one transaction.

    On SQLite, batch migrations rebuild tables by copy-and-rename; with foreign keys on, dropping
    a parent table would cascade-delete its children. So foreign keys are switched off for the
    run (the pragma only works outside a transaction, hence on the raw connection before SQLAlchemy
    begins one), and ``env.py`` runs ``foreign_key_check`` before committing.
    """
    from alembic import command

    cfg = alembic_config()
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        raw = conn.connection.driver_connection
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            if sqlite and raw is not None:
                conn.rollback()
                raw.execute("PRAGMA foreign_keys = ON")


def init_database(target: str | Path, *, company_name: str = "My Company") -> Engine:
    """Create a new, empty database at the latest schema. Refuses to touch an existing book."""
    url = to_url(target)
    path = sqlite_path(url)
    if path is not None:
        if path.exists() and path.stat().st_size > 0:
            _check_sqlite_file(path)
            engine = make_engine(url)
            if inspect(engine).get_table_names():
                engine.dispose()
                raise UserFacingError("duplicate", entity="Database", key=str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.commit()
    _upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO company_settings (id, name, name_en, address, tax_id, phone, email,"
                " bank_details, base_currency, default_terms, aging_buckets, aging_basis,"
                " writeoff_tolerance_minor, language, version_id) VALUES (1, :name, '', '', '',"
                " '', '', '', 'CNY', 'NET30', '30,60,90', 'due', 100, 'zh_CN', 1)"
            ),
            {"name": company_name},
        )
    return engine


def open_database(
    target: str | Path, *, read_only: bool = False, backup_dir: Path | None = None
) -> OpenedDatabase:
    """Open an existing database, upgrading an older schema after taking a backup.

    Raises:
        UserFacingError: the file is missing, is not a Desktop AR database, or was written by a
            newer version of the application.
    """
    url = to_url(target)
    path = sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path)
    engine = make_engine(url, read_only=read_only)
    try:
        revision = current_revision(engine)
    except Exception as exc:
        engine.dispose()
        raise UserFacingError("not_a_database", path=str(path or target)) from exc
    where = str(path or url.render_as_string(hide_password=True))
    if revision is None:
        engine.dispose()
        raise UserFacingError("not_a_database", path=where)
    if revision not in known_revisions():
        engine.dispose()
        raise UserFacingError("newer_schema", path=where, revision=revision)
    head = head_revision()
    if revision == head or read_only:
        return OpenedDatabase(engine, revision, read_only=read_only)
    backup_path = None
    if path is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = backup_dir or path.parent
        backup_path = backup_sqlite(path, folder / f"{path.stem}.pre-{head}-{stamp}.db")
    _upgrade(engine)
    return OpenedDatabase(engine, head, upgraded_from=revision, backup_path=backup_path)
