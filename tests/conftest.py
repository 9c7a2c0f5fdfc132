"""Shared fixtures. Qt runs offscreen: this must be set before any Qt import."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from asr_desktop.persistence.db import open_database  # noqa: E402


@pytest.fixture
def db(tmp_path):
    """A new, migrated database in a temporary file."""
    database = open_database(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture
def sessions(db):
    return db.sessions
