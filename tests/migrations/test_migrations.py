"""Schema migrations: head matches the models, files are recognised, old ones upgrade (M1)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from desktop_ar.db.base import Base
from desktop_ar.db.engine import APPLICATION_ID, make_engine
from desktop_ar.db.schema import head_revision, init_database, open_database
from desktop_ar.domain.errors import UserFacingError


def test_head_schema_matches_the_models(tmp_path: Path) -> None:
    engine = init_database(tmp_path / "a.db")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_every_table_is_strict_and_money_is_integer(tmp_path: Path) -> None:
    """I5: no Numeric money; every amount column is STRICT INTEGER."""
    path = tmp_path / "a.db"
    init_database(path).dispose()
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
    for table in tables:
        if table == "alembic_version":
            continue
        strict = con.execute(
            "select strict from pragma_table_list where name = ?", (table,)
        ).fetchone()[0]
        assert strict == 1, table
        for _cid, name, ctype, *_ in con.execute(f"pragma table_info({table})"):
            if name.endswith("_minor"):
                assert ctype == "INTEGER", (table, name)
    con.close()


def test_new_database_is_marked_as_ours(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    init_database(path).dispose()
    con = sqlite3.connect(path)
    assert con.execute("pragma application_id").fetchone()[0] == APPLICATION_ID
    con.close()


def test_init_refuses_an_existing_book(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    init_database(path).dispose()
    with pytest.raises(UserFacingError):
        init_database(path)


def test_not_a_database_is_refused_and_untouched(tmp_path: Path) -> None:
    """C2: a text file is refused with a clear message and stays byte-identical."""
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(UserFacingError) as err:
        open_database(path)
    assert "not a Desktop AR database" in str(err.value)
    assert path.read_bytes() == before


def test_other_applications_sqlite_file_is_refused(tmp_path: Path) -> None:
    """C2: an SQLite file from another app (foreign application_id) is refused untouched."""
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("pragma application_id = 1234")
    con.execute("create table t (x)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(UserFacingError):
        open_database(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused_and_untouched(tmp_path: Path) -> None:
    """C2: a database written by a newer version is refused, never downgraded."""
    path = tmp_path / "new.db"
    init_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("update alembic_version set version_num = 'ffff9999'")
    con.commit()
    con.execute("pragma wal_checkpoint(TRUNCATE)")
    con.close()
    before = path.read_bytes()
    with pytest.raises(UserFacingError) as err:
        open_database(path)
    assert "newer version" in str(err.value)
    assert path.read_bytes() == before


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError) as err:
        open_database(tmp_path / "nope.db")
    assert "does not exist" in str(err.value)


def test_older_database_is_upgraded_after_a_backup(tmp_path: Path) -> None:
    """M1/A5 groundwork: a file at an older revision (here: before any revision) upgrades."""
    path = tmp_path / "old.db"
    engine = init_database(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "insert into customers (code, name, short_name, pinyin_initials, pinyin_full,"
            " customer_type, industry, region, tags, payment_terms, currency,"
            " credit_limit_minor, credit_grade, collector, credit_hold, status, language,"
            " tax_id, address, phone, email, notes, created_at, version_id) values"
            " ('C1', '老客户', '', '', '', 'sme', '', '', '', 'NET30', 'CNY', 0, '', '', 0,"
            " 'active', 'zh', '', '', '', '', '', '2026-01-01 00:00:00', 1)"
        )
    engine.dispose()
    opened = open_database(path)
    assert opened.revision == head_revision()
    assert opened.upgraded_from is None
    opened.engine.dispose()


def test_upgrade_from_stamped_older_revision_takes_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older revision triggers a backup copy before the upgrade runs."""
    import desktop_ar.db.schema as schema

    path = tmp_path / "old.db"
    init_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("update alembic_version set version_num = ?", (schema.REVISIONS[0],))
    con.commit()
    con.close()
    calls: list[str] = []
    monkeypatch.setattr(schema, "_upgrade", lambda engine: calls.append("upgrade"))
    opened = schema.open_database(path, backup_dir=tmp_path / "backups")
    assert calls == ["upgrade"]
    assert opened.upgraded_from == schema.REVISIONS[0]
    assert opened.backup_path is not None and opened.backup_path.exists()
    con = sqlite3.connect(opened.backup_path)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    con.close()
    opened.engine.dispose()


def test_connection_settings(tmp_path: Path) -> None:
    """Design rule 2: WAL, synchronous=FULL, foreign_keys=ON, busy_timeout."""
    path = tmp_path / "a.db"
    init_database(path).dispose()
    engine = make_engine(path)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("pragma synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("pragma foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("pragma busy_timeout").scalar() == 5000
        raw = conn.connection.driver_connection
        assert raw is not None and raw.isolation_level is None
    engine.dispose()


def test_audit_log_is_append_only(tmp_path: Path) -> None:
    """K2: raw UPDATE or DELETE on the audit table fails through the trigger."""
    path = tmp_path / "a.db"
    init_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute(
        "insert into audit_log (at, actor, action, entity, entity_id, before, after)"
        " values ('2026-01-01 00:00:00', 'x', 'test', 'e', '1', '', '')"
    )
    con.commit()
    for sql in ("update audit_log set actor = 'y'", "delete from audit_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(sql)
    con.close()


def test_revision_list_matches_the_migration_scripts() -> None:
    """db.schema.REVISIONS (read at start-up without Alembic) lists every script in order."""
    from alembic.script import ScriptDirectory

    from desktop_ar.db.schema import REVISIONS, alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    walked = [s.revision for s in scripts.walk_revisions()]  # newest first
    assert tuple(reversed(walked)) == REVISIONS
    assert scripts.get_current_head() == REVISIONS[-1]
