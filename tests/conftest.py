"""Shared fixtures: a template database built once per run and copied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    stateful_step_count=30,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the latest schema, created once per test run."""
    from desktop_ar.db.schema import init_database

    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = init_database(path, company_name="测试公司 Test Co")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template database for one test."""
    path = tmp_path / "book.db"
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture
def ctx(db_path: Path) -> Iterator[object]:
    """A ServiceContext over a fresh database, clock fixed at 2026-06-30, role admin."""
    from desktop_ar.services.book import open_book
    from desktop_ar.services.context import FixedClock

    context = open_book(db_path, user="tester", clock=FixedClock(AS_OF))
    yield context
    context.engine.dispose()


@pytest.fixture
def shared_data() -> Path:
    """The read-only sample files beside the project; skips when they are absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
