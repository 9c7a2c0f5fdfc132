"""SQLCipher: nothing readable in the files, the same pragmas as the plain engine, encrypted
copies and backups."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from faker import Faker
from sqlalchemy import text

from asr_desktop.domain.errors import DatabaseRefused
from asr_desktop.persistence import cipher
from asr_desktop.persistence.db import APPLICATION_ID, USER_VERSION, migrate_database, row_counts
from asr_desktop.persistence.keyslots import new_database_key


@pytest.fixture
def canary():
    """A recognisable fake name: finding it in a file's bytes means the file is readable."""
    fake = Faker("fr_FR")
    return f"CANARI-{fake.last_name()}-{fake.random_int(100000, 999999)}"


@pytest.fixture
def key():
    return new_database_key()


def _bytes_of(*paths) -> bytes:
    return b"".join(p.read_bytes() for p in paths if p.exists())


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def engine_path(tmp_path, key, canary):
    """An encrypted, migrated database holding the canary, its engine still open."""
    path = tmp_path / "chiffree.db"
    engine = cipher.make_encrypted_engine(path, key)
    migrate_database(engine, path)
    with engine.begin() as con:
        con.execute(
            text("INSERT INTO app_user (login, display_name, role, active) VALUES (:l, :n, :r, 1)"),
            {"l": "agent1", "n": canary, "r": "conseiller"},
        )
    yield engine, path
    engine.dispose()


def test_a_canary_never_appears_in_the_file_or_its_wal(engine_path, canary):
    engine, path = engine_path
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the row is still in the WAL
    assert canary.encode() not in _bytes_of(path, wal)
    with engine.connect() as con:
        assert con.execute(text("SELECT display_name FROM app_user")).scalar() == canary
    assert cipher.is_encrypted(path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_the_encrypted_engine_gets_the_usual_pragmas_and_schema(engine_path):
    engine, _path = engine_path
    with engine.connect() as con:
        values = {
            p: con.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in (
                "foreign_keys",
                "journal_mode",
                "synchronous",
                "busy_timeout",
                "secure_delete",
                "application_id",
                "user_version",
            )
        }
        assert con.exec_driver_sql("PRAGMA cipher_version").scalar().startswith("4.")
    assert values == {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "busy_timeout": 5000,
        "secure_delete": 1,
        "application_id": APPLICATION_ID,
        "user_version": USER_VERSION,
    }
    assert row_counts(engine)["app_user"] == 1


def test_a_wrong_key_is_refused_and_leaves_the_file_untouched(engine_path):
    engine, path = engine_path
    engine.dispose()
    before = _digest(path)
    with pytest.raises(DatabaseRefused, match="ne s'ouvre pas avec cette clé"):
        cipher.connect_encrypted(path, new_database_key())
    assert _digest(path) == before


def test_a_plain_file_is_not_taken_for_an_encrypted_one(db, tmp_path):
    assert not cipher.is_encrypted(db.path)
    assert not cipher.is_encrypted(tmp_path / "absente.db")


def test_an_encrypted_backup_of_the_live_database_stays_encrypted(
    engine_path, key, canary, tmp_path
):
    engine, _path = engine_path
    destination = tmp_path / "sauvegardes" / "copie.db"
    assert cipher.backup_encrypted(engine, destination, key) == destination
    assert canary.encode() not in destination.read_bytes()
    assert not destination.with_name("copie.db.partiel").exists()
    copy = cipher.connect_encrypted(destination, key)
    try:
        assert copy.execute("SELECT display_name FROM app_user").fetchone()[0] == canary
        assert cipher.integrity_problems(copy) == []
    finally:
        copy.close()


def test_a_backup_can_be_written_under_another_key(engine_path, canary, tmp_path):
    engine, _path = engine_path
    other_key = new_database_key()
    destination = cipher.backup_encrypted(engine, tmp_path / "autre-cle.db", other_key)
    copy = cipher.connect_encrypted(destination, other_key)
    assert copy.execute("SELECT display_name FROM app_user").fetchone()[0] == canary
    copy.close()


def test_a_plain_database_cannot_be_backed_up_as_if_encrypted(db, key, tmp_path):
    with pytest.raises(DatabaseRefused, match="pas chiffrée"):
        cipher.backup_encrypted(db.engine, tmp_path / "copie.db", key)
    assert not (tmp_path / "copie.db").exists()
    assert not (tmp_path / "copie.db.partiel").exists()


def test_encrypt_then_decrypt_copy_keeps_rows_and_identity(db, key, canary, tmp_path):
    with db.engine.begin() as con:
        con.execute(
            text("INSERT INTO app_user (login, display_name, role, active) VALUES (:l, :n, :r, 1)"),
            {"l": "agent1", "n": canary, "r": "conseiller"},
        )
    with db.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    expected = row_counts(db.engine)
    encrypted = cipher.encrypt_copy(db.path, tmp_path / "chiffree.db", key)
    assert canary.encode() not in encrypted.read_bytes()
    engine = cipher.make_encrypted_engine(encrypted, key)
    try:
        assert row_counts(engine) == expected
        with engine.connect() as con:
            assert con.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
            assert con.exec_driver_sql("PRAGMA user_version").scalar() == USER_VERSION
    finally:
        engine.dispose()
    plain = cipher.decrypt_copy(encrypted, tmp_path / "en-clair.db", key)
    assert not cipher.is_encrypted(plain)
    con = sqlite3.connect(plain)
    try:
        assert con.execute("SELECT display_name FROM app_user").fetchone()[0] == canary
        assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    finally:
        con.close()


def test_an_encrypted_file_is_not_encrypted_twice(engine_path, key, tmp_path):
    _engine, path = engine_path
    with pytest.raises(DatabaseRefused, match="pas une base SQLite en clair"):
        cipher.encrypt_copy(path, tmp_path / "double.db", key)


def test_rekey_changes_the_key_of_every_page(engine_path, key, canary):
    engine, path = engine_path
    engine.dispose()
    new_key = new_database_key()
    cipher.rekey(path, key, new_key)
    with pytest.raises(DatabaseRefused):
        cipher.connect_encrypted(path, key)
    con = cipher.connect_encrypted(path, new_key)
    try:
        assert con.execute("SELECT display_name FROM app_user").fetchone()[0] == canary
    finally:
        con.close()


def test_a_damaged_page_is_reported(engine_path, key):
    engine, path = engine_path
    with engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    data = bytearray(path.read_bytes())
    page_size = 4096
    assert len(data) > 3 * page_size
    data[2 * page_size + 100] ^= 0xFF  # inside the third page
    path.write_bytes(bytes(data))
    con = cipher.connect_encrypted(path, key)
    try:
        assert cipher.integrity_problems(con)
    finally:
        con.close()


def test_a_malformed_key_is_refused_before_any_connection(tmp_path):
    with pytest.raises(ValueError):
        cipher.make_encrypted_engine(tmp_path / "x.db", b"trop court")
    assert not (tmp_path / "x.db").exists()
