"""The database file as db.py opens, refuses, backs up and examines it."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError

from asr_desktop.domain.errors import DatabaseRefused
from asr_desktop.domain.parameters import SPECS
from asr_desktop.persistence.db import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    USER_VERSION,
    DatabaseDamaged,
    KeyRequired,
    backup_database,
    check_database,
    head_revision,
    open_database,
    row_counts,
)
from asr_desktop.persistence.keyslots import new_database_key, slots_path
from asr_desktop.persistence.models import EXPECTED_TABLES

_ORPHAN_OPERATION = (
    "INSERT INTO operation (authority_id, name, anru, qpv) VALUES (999, 'Orpheline', 0, 0)"
)


def _pragma(path, name):
    con = sqlite3.connect(path)
    try:
        return con.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        con.close()


def _add_authority(database, name="Commune de Créteil"):
    with database.engine.begin() as con:
        con.exec_driver_sql("INSERT INTO authority (name, kind) VALUES (?, 'commune')", (name,))
        return con.exec_driver_sql("SELECT max(id) FROM authority").scalar_one()


def _foreign_sqlite(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recettes (nom TEXT)")
    con.execute("INSERT INTO recettes VALUES ('tarte')")
    con.commit()
    con.close()


# --- opening ----------------------------------------------------------------------------------


def test_every_connection_gets_the_safety_pragmas(db):
    with db.engine.connect() as con:

        def read(name):
            return con.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert read("foreign_keys") == 1
        assert read("journal_mode") == "wal"
        assert read("synchronous") == 2  # FULL
        assert read("secure_delete") == 1
        assert read("busy_timeout") == BUSY_TIMEOUT_MS


def test_foreign_keys_are_enforced(db):
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), db.engine.begin() as con:
        con.exec_driver_sql(_ORPHAN_OPERATION)


def test_new_file_is_stamped_and_starts_with_the_documented_parameters(tmp_path):
    path = tmp_path / "nouvelle.db"
    database = open_database(path)
    try:
        assert _pragma(path, "application_id") == APPLICATION_ID
        assert _pragma(path, "user_version") == USER_VERSION
        with database.engine.connect() as con:
            assert con.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
                head_revision()
            )
        counts = row_counts(database.engine)
        assert counts["parameter"] == len(SPECS)
        assert set(counts) == set(EXPECTED_TABLES)
    finally:
        database.close()


def test_empty_file_is_refused_not_filled(tmp_path):
    path = tmp_path / "vide.db"
    path.touch()
    with pytest.raises(DatabaseDamaged, match="vide") as refused:
        open_database(path)
    assert refused.value.kind == "vide"
    assert path.read_bytes() == b""
    assert not (tmp_path / "vide.db-wal").exists()


def test_missing_file_is_not_created_when_creation_is_off(tmp_path):
    path = tmp_path / "absente.db"
    with pytest.raises(DatabaseRefused, match="n'existe pas"):
        open_database(path, create=False)
    assert not path.exists()


def test_missing_folders_are_created(tmp_path):
    path = tmp_path / "dossier" / "sous-dossier" / "base.db"
    open_database(path).close()
    assert check_database(path).healthy


def test_reopening_keeps_the_data_and_takes_no_backup(tmp_path):
    path = tmp_path / "base.db"
    database = open_database(path)
    _add_authority(database)
    database.close()
    database = open_database(path)
    try:
        assert row_counts(database.engine)["authority"] == 1
    finally:
        database.close()
    assert not list(tmp_path.glob("*avant-migration*"))


def test_foreign_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "recettes.db"
    _foreign_sqlite(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused, match="n'est pas une base ASR Desktop"):
        open_database(path)
    assert path.read_bytes() == before


def test_file_from_a_newer_version_is_refused_and_left_untouched(db, tmp_path):
    path = db.path
    db.close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version={USER_VERSION + 1}")
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused, match="version plus récente"):
        open_database(path)
    assert path.read_bytes() == before


def test_corrupt_file_is_refused(tmp_path):
    path = tmp_path / "abimee.db"
    path.write_bytes(b"Ceci n'est pas une base SQLite. " * 200)
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused, match="lisible"):
        open_database(path)
    assert path.read_bytes() == before


# --- encrypted files --------------------------------------------------------------------------


@pytest.fixture
def encrypted(tmp_path):
    """A new encrypted database with one authority, closed; and its key."""
    key = new_database_key()
    path = tmp_path / "chiffree.db"
    database = open_database(path, key=key)
    assert database.encrypted
    _add_authority(database)
    database.close()
    return path, key


def test_an_encrypted_file_reopens_with_its_key_only(encrypted, tmp_path):
    path, key = encrypted
    database = open_database(path, key=key, create=False)
    try:
        assert row_counts(database.engine)["authority"] == 1
    finally:
        database.close()
    slots_path(path).write_text("{}")  # a key file beside it: sign in first
    with pytest.raises(KeyRequired, match="connectez-vous"):
        open_database(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseDamaged, match="ne s'ouvre pas avec sa clé"):
        open_database(path, key=new_database_key())
    assert path.read_bytes() == before


def test_a_key_given_for_a_plain_file_is_refused(db):
    with pytest.raises(DatabaseRefused, match="n'est pas chiffrée"):
        open_database(db.path, key=new_database_key())


def test_a_truncated_encrypted_file_is_refused_untouched(encrypted):
    path, key = encrypted
    data = path.read_bytes()[:-1000]
    path.write_bytes(data)
    with pytest.raises(DatabaseDamaged, match="tronqué") as refused:
        open_database(path, key=key)
    assert refused.value.kind == "tronquée"
    assert path.read_bytes() == data


def test_read_only_opening_writes_nothing(encrypted):
    path, key = encrypted
    before = path.read_bytes()
    database = open_database(path, key=key, read_only=True)
    try:
        assert database.read_only
        with database.engine.connect() as con:
            assert con.exec_driver_sql("SELECT count(*) FROM authority").scalar() == 1
            with pytest.raises(Exception, match="readonly|read-only|query_only"):
                con.exec_driver_sql("INSERT INTO authority (name, kind) VALUES ('x', 'commune')")
    finally:
        database.close()
    assert path.read_bytes() == before
    with pytest.raises(DatabaseRefused, match="n'existe pas"):
        open_database(path.with_name("absente.db"), read_only=True)


def test_backup_of_an_encrypted_base_stays_encrypted(encrypted, tmp_path):
    path, key = encrypted
    database = open_database(path, key=key)
    try:
        copy = backup_database(database.engine, tmp_path / "copie.db")
    finally:
        database.close()
    assert not copy.read_bytes().startswith(b"SQLite format 3")
    report = check_database(copy, key)
    assert report.encrypted and report.healthy, report.problems()
    assert report.row_counts["authority"] == 1


def test_check_of_an_encrypted_file_needs_its_key(encrypted):
    path, key = encrypted
    slots_path(path).write_text("{}")
    without = check_database(path)
    assert without.encrypted and not without.healthy
    assert "base chiffrée" in without.integrity
    with_key = check_database(path, key)
    assert with_key.encrypted and with_key.healthy, with_key.problems()


def test_unknown_schema_revision_is_refused_without_backup(db, tmp_path):
    with db.engine.begin() as con:
        con.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_futur'")
    path = db.path
    db.close()
    with pytest.raises(DatabaseRefused, match="schéma inconnu"):
        open_database(path)
    assert not list(path.parent.glob("*avant-migration*"))


def test_database_without_revision_table_is_refused(db):
    with db.engine.begin() as con:
        con.exec_driver_sql("DROP TABLE alembic_version")
    path = db.path
    db.close()
    with pytest.raises(DatabaseRefused, match="absent"):
        open_database(path)


# --- backup -----------------------------------------------------------------------------------


def test_backup_holds_committed_rows_still_in_the_wal(db, tmp_path):
    _add_authority(db)
    assert (db.path.parent / (db.path.name + "-wal")).exists()  # not yet checkpointed
    copy = backup_database(db.engine, tmp_path / "sauvegardes" / "copie.db")
    assert copy == tmp_path / "sauvegardes" / "copie.db"
    assert not (tmp_path / "sauvegardes" / "copie.db.partiel").exists()
    report = check_database(copy)
    assert report.healthy, report.problems()
    assert report.row_counts["authority"] == 1
    assert report.row_counts == row_counts(db.engine)


def test_backup_replaces_a_previous_copy(db, tmp_path):
    target = tmp_path / "copie.db"
    backup_database(db.engine, target)
    _add_authority(db)
    backup_database(db.engine, target)
    assert check_database(target).row_counts["authority"] == 1


# --- check and counts -------------------------------------------------------------------------


def test_row_counts_cover_every_table(db):
    _add_authority(db, "Département du Val-de-Marne")
    _add_authority(db, "Grand Paris Sud Est Avenir")
    counts = row_counts(db.engine)
    assert tuple(counts) == EXPECTED_TABLES
    assert counts["authority"] == 2
    assert counts["participant"] == 0


def test_check_of_a_fresh_database_is_healthy(db):
    report = check_database(db.path)
    assert report.healthy, report.problems()
    assert report.integrity == "ok"
    assert report.schema_revision == report.head_revision == head_revision()
    assert report.problems() == []
    assert set(report.row_counts) == set(EXPECTED_TABLES)


def test_check_does_not_create_a_missing_file(tmp_path):
    path = tmp_path / "absente.db"
    report = check_database(path)
    assert not report.healthy
    assert report.integrity == "fichier absent"
    assert not path.exists()


def test_check_does_not_modify_the_file(db):
    _add_authority(db)
    path = db.path
    db.close()  # folds the WAL back into the file
    before = path.read_bytes()
    assert check_database(path).healthy
    assert path.read_bytes() == before


def test_check_reports_a_foreign_file(tmp_path):
    path = tmp_path / "recettes.db"
    _foreign_sqlite(path)
    report = check_database(path)
    assert not report.healthy
    assert not report.application_id_ok
    assert set(report.missing_tables) == set(EXPECTED_TABLES)
    text = " ".join(report.problems())
    assert "ASR Desktop" in text
    assert "Tables absentes" in text


def test_check_reports_a_corrupt_file(tmp_path):
    path = tmp_path / "abimee.db"
    path.write_bytes(b"n'importe quoi " * 500)
    report = check_database(path)
    assert not report.healthy
    assert report.integrity != "ok"
    assert any(p.startswith("Intégrité") for p in report.problems())


def test_check_counts_broken_references(db):
    with db.engine.connect() as con:
        con.exec_driver_sql("PRAGMA foreign_keys=OFF")
        con.exec_driver_sql(_ORPHAN_OPERATION)
        con.commit()
    report = check_database(db.path)
    assert report.foreign_key_problems == 1
    assert not report.healthy
    assert "1 référence(s) cassée(s)" in report.problems()


def test_check_reports_a_missing_table_and_an_old_revision(db):
    with db.engine.begin() as con:
        con.exec_driver_sql("DROP TABLE export_record")
        con.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
    report = check_database(db.path)
    assert report.missing_tables == ["export_record"]
    assert "export_record" not in report.row_counts
    problems = report.problems()
    assert "Tables absentes : export_record" in problems
    assert f"Schéma 0000 au lieu de {head_revision()}" in problems
