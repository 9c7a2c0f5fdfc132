"""Shared fixtures. Qt runs offscreen: this must be set before any Qt import."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from asr_desktop.persistence.db import open_database  # noqa: E402


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """One database created and migrated through the real start-up path, once per run."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = open_database(path)
    with database.engine.connect() as con:  # fold the WAL into the main file before copying
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


@pytest.fixture
def db(tmp_path, migrated_template):
    """A new, migrated database in a temporary file (a copy of the session template)."""
    path = tmp_path / "test.db"
    shutil.copyfile(migrated_template, path)
    database = open_database(path)
    yield database
    database.close()


@pytest.fixture
def sessions(db):
    return db.sessions
