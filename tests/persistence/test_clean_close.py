"""A base closed cleanly starts without re-reading every page; anything else is fully
checked: a crash, a change by another program, a stale stamp."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta

import pytest

from asr_desktop.domain.enums import AuthorityKind
from asr_desktop.domain.model import Authority
from asr_desktop.persistence import clean_close
from asr_desktop.persistence.db import DatabaseDamaged, check_before_opening, open_database
from asr_desktop.services.container import build_services


def _closed_base(path):
    database = open_database(path)
    build_services(database).clauses.create_authority(
        Authority(id=None, name="Ville de Créteil", kind=AuthorityKind.COMMUNE)
    )
    first_check = database.verified_at
    database.close()
    return first_check


def test_a_clean_close_vouches_for_the_file_at_the_next_start(tmp_path):
    path = tmp_path / "asr.db"
    first_check = _closed_base(path)
    assert clean_close.stamp_path(path).exists()

    facts = check_before_opening(path)
    assert facts.verified_at == first_check.replace(microsecond=0)  # no new full read
    again = open_database(path)
    assert not clean_close.stamp_path(path).exists()  # being written: vouches for nothing
    assert len(build_services(again).clauses.list_authorities()) == 1
    again.close()
    assert clean_close.stamp_path(path).exists()


def test_a_crash_leaves_no_stamp(tmp_path):
    path = tmp_path / "asr.db"
    _closed_base(path)
    database = open_database(path)
    database.engine.dispose()  # the process dies: Database.close() never runs
    assert not clean_close.stamp_path(path).exists()
    assert check_before_opening(path).verified_at > datetime.now() - timedelta(seconds=5)


def test_a_file_changed_after_the_close_is_fully_checked_and_refused(tmp_path):
    path = tmp_path / "asr.db"
    _closed_base(path)
    damaged = bytearray(path.read_bytes())
    damaged[100:200] = bytes(100)  # the first page's b-tree header: the schema is unreadable
    path.write_bytes(bytes(damaged))
    assert clean_close.trusted_since(path) is None
    with pytest.raises(DatabaseDamaged):
        check_before_opening(path)


def test_a_stamp_older_than_a_week_brings_the_full_check_back(tmp_path):
    path = tmp_path / "asr.db"
    _closed_base(path)
    stamp = clean_close.stamp_path(path)
    data = json.loads(stamp.read_text())
    data["verified_at"] = (datetime.now() - timedelta(days=8)).isoformat(timespec="seconds")
    stamp.write_text(json.dumps(data))
    assert clean_close.trusted_since(path) is None
    assert check_before_opening(path).verified_at > datetime.now() - timedelta(seconds=5)


def test_same_size_but_another_modification_time_is_not_trusted(tmp_path):
    path = tmp_path / "asr.db"
    _closed_base(path)
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1))
    assert clean_close.trusted_since(path) is None


def test_read_only_opening_keeps_the_stamp(tmp_path):
    path = tmp_path / "asr.db"
    _closed_base(path)
    reader = open_database(path, read_only=True)
    reader.close()
    assert clean_close.trusted_since(path) is not None
