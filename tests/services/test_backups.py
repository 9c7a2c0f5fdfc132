"""BackupService: verified dated backups, « only when changed », rotation, restore that keeps
erased people erased, encrypted backups."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import date, datetime, timedelta

import pytest
from faker import Faker

from asr_desktop.domain.backups import backup_name
from asr_desktop.domain.enums import Sex
from asr_desktop.domain.errors import DatabaseRefused, NotFound, ValidationError
from asr_desktop.domain.model import Participant
from asr_desktop.persistence import cipher, keyslots
from asr_desktop.persistence.db import open_database
from asr_desktop.services.backups import (
    BackupService,
    list_backups,
    newest_verified,
    restore_backup,
)
from asr_desktop.services.container import build_services
from asr_desktop.services.participants import ParticipantService
from asr_desktop.services.settings import ParameterService

fake = Faker("fr_FR")
Faker.seed(6)
START = datetime(2026, 11, 25, 9, 30, 0)


class Clock:
    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "sauvegardes"


@pytest.fixture
def backups(db, folder, clock):
    service = BackupService(db, folder, clock=clock)
    yield service
    service.close()


def add_person(sessions, last_name: str | None = None) -> Participant:
    return ParticipantService(sessions).create(
        Participant(
            id=None,
            reference="",
            last_name=last_name or fake.last_name(),
            first_name=fake.first_name(),
            birth_date=date(1990, 4, 2),
            sex=Sex.FEMALE,
            phone=fake.phone_number(),
        ),
        allow_duplicate=True,
    )


def people_in(path) -> dict[int, tuple[str, str | None]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT id, last_name, anonymised_at FROM participant").fetchall()
    finally:
        con.close()
    return {pid: (name, at) for pid, name, at in rows}


# --- making backups --------------------------------------------------------------------------


def test_backup_now_makes_a_dated_verified_copy_and_nothing_else(db, backups, folder):
    person = add_person(db.sessions)

    made = backups.backup_now("manuelle")

    assert made.path == folder / "asr-20261125-093000.db"
    assert made.verified and made.taken_at == START
    # the backup, and the record of its check (names and sizes only)
    assert sorted(p.name for p in folder.iterdir()) == [
        "asr-20261125-093000.db",
        "verifications.json",
    ]
    assert people_in(made.path)[person.id][0] == person.last_name
    assert [b.name for b in backups.list_backups()] == [made.name]
    assert backups.newest_verified() == made


def test_two_backups_in_the_same_second_get_distinct_names(db, backups):
    first = backups.backup_now()
    second = backups.backup_now()
    assert (first.name, second.name) == ("asr-20261125-093000.db", "asr-20261125-093000-2.db")
    assert [b.name for b in backups.list_backups()] == [second.name, first.name]


def test_maybe_backup_only_when_changed_and_interval_passed(db, backups, clock):
    assert backups.maybe_backup() is not None  # never backed up: due

    add_person(db.sessions)
    assert backups.maybe_backup(clock.advance(minutes=5)) is None  # changed, too soon
    assert backups.maybe_backup(clock.advance(minutes=10)) is not None  # 15 min: due
    assert backups.maybe_backup(clock.advance(hours=2)) is None  # nothing changed since

    add_person(db.sessions)
    closing = backups.maybe_backup(
        clock.advance(minutes=1), reason="fermeture", ignore_interval=True
    )
    assert closing is not None
    assert len(backups.list_backups()) == 3


def test_the_interval_is_the_dated_parameter(db, backups, clock):
    ParameterService(db.sessions).add_value("backup.interval_minutes", 60, date(2026, 1, 1))
    backups.backup_now()
    add_person(db.sessions)
    assert backups.maybe_backup(clock.advance(minutes=59)) is None
    assert backups.maybe_backup(clock.advance(minutes=1)) is not None


def test_a_change_by_another_program_counts(db, backups, clock):
    backups.backup_now()
    other = open_database(db.path, create=False)
    try:
        add_person(other.sessions)
    finally:
        other.close()
    assert backups.has_changed()
    assert backups.maybe_backup(clock.advance(minutes=20)) is not None


# --- rotation --------------------------------------------------------------------------------


def test_rotation_applies_the_policy_and_clears_leftovers(db, backups, folder, clock):
    first = backups.backup_now()
    # a year of hourly backups, made by copying the real one
    moment = START - timedelta(days=365)
    while moment < START - timedelta(minutes=30):
        shutil.copyfile(first.path, folder / backup_name(moment))
        moment += timedelta(hours=7)
    stale_partial = folder / (backup_name(START - timedelta(days=2)) + ".partiel")
    stale_partial.write_bytes(b"interrupted")
    unrelated = folder / "lisez-moi.txt"
    unrelated.write_text("à garder", encoding="utf-8")

    plan = backups.rotate(clock.advance(minutes=1))

    kept = {b.taken_at for b in backups.list_backups()}
    assert len(kept) == len(plan.keep) <= 10 + 7 + 5 + 6
    assert min(kept) >= datetime(2026, 5, 25, 9, 31)  # 6 months: the retention limit
    assert START in kept  # the newest stays
    assert len({(t.year, t.month) for t in kept}) == 6  # this month and the five before
    assert plan.expired and all(not (folder / n).exists() for n in plan.delete)
    assert not stale_partial.exists()
    assert unrelated.exists()


def test_a_damaged_backup_is_listed_as_unverified_and_skipped(db, backups, folder, clock):
    good = backups.backup_now()
    clock.advance(minutes=20)
    add_person(db.sessions)
    damaged = backups.backup_now()
    with damaged.path.open("r+b") as handle:  # cut the newest in half
        handle.truncate(damaged.size // 2)

    listed = {b.name: b for b in list_backups(folder)}
    assert listed[good.name].verified
    assert not listed[damaged.name].verified
    assert "tronqué" in listed[damaged.name].problems[0]
    assert newest_verified(folder).name == good.name
    assert backups.newest_verified().name == good.name


def test_a_backup_is_read_in_full_once_not_at_every_listing(db, backups, folder, monkeypatch):
    from asr_desktop.services import _backups_listing

    made = backups.backup_now()
    copied = folder / backup_name(START - timedelta(days=1))
    shutil.copyfile(made.path, copied)  # put there by hand: never checked yet
    reads = []
    real = _backups_listing.backup_problems
    monkeypatch.setattr(
        _backups_listing,
        "backup_problems",
        lambda path, key: reads.append(path.name) or real(path, key),
    )

    assert all(b.verified for b in list_backups(folder))
    assert all(b.verified for b in list_backups(folder))  # another run of the program
    assert reads == [copied.name]
    with copied.open("r+b") as handle:  # changed since: read again, found damaged
        handle.truncate(4096)
    assert [b.verified for b in list_backups(folder)] == [True, False]
    assert reads == [copied.name, copied.name]


# --- restore ---------------------------------------------------------------------------------


def test_restore_brings_the_backup_back_and_keeps_erased_people_erased(db, backups, tmp_path):
    services = build_services(db)
    kept = add_person(db.sessions)
    erased = add_person(db.sessions)
    backup = backups.backup_now()
    later = add_person(db.sessions)
    services.rights.anonymise(erased.id)
    path = db.path

    report = backups.restore(backup.path)

    people = people_in(path)
    assert set(people) == {kept.id, erased.id}  # the state of the backup…
    assert people[kept.id][0] == kept.last_name
    assert people[erased.id][1] is not None  # …except the erasure made since
    assert erased.last_name not in people[erased.id][0]
    assert report.erasures_reapplied == 1
    # the replaced file is kept aside, with what was done after the backup
    assert report.set_aside is not None and report.set_aside.exists()
    assert people_in(report.set_aside)[later.id][0] == later.last_name
    # the journal names nobody
    journal = backups.journal_path.read_text(encoding="utf-8")
    assert str(erased.id) in journal
    assert erased.last_name not in journal and erased.first_name not in journal
    reopened = open_database(path, create=False)
    try:
        restored = build_services(reopened)
        assert restored.audit.verify_chain() is None
        assert restored.maintenance.health().healthy
    finally:
        reopened.close()


def test_restore_over_a_damaged_database_still_uses_the_journal(db, backups, tmp_path):
    services = build_services(db)
    erased = add_person(db.sessions)
    backup = backups.backup_now()
    services.rights.anonymise(erased.id)
    backups.sync_erasure_journal()  # what the window does after an anonymisation
    path = db.path
    backups.close()
    db.close()
    path.write_bytes(b"\x00" * 4096)  # the disk garbled the file

    report = restore_backup(backup.path, path)

    assert report.erasures_reapplied == 1
    assert people_in(path)[erased.id][1] is not None
    assert report.set_aside.read_bytes() == b"\x00" * 4096


def test_restore_refuses_a_damaged_backup_and_touches_nothing(db, backups, folder):
    add_person(db.sessions)
    backup = backups.backup_now()
    backups.close()
    db.close()
    with backup.path.open("r+b") as handle:
        handle.truncate(backup.size - 1000)
    before = db.path.read_bytes()

    with pytest.raises(DatabaseRefused) as refused:
        restore_backup(backup.path, db.path)

    assert "ne peut pas être restaurée" in str(refused.value)
    assert db.path.read_bytes() == before
    assert sorted(p.name for p in db.path.parent.iterdir() if "restauration" in p.name) == []


def test_restore_keeps_an_uncheckpointed_wal_with_the_file_set_aside(db, backups, tmp_path):
    backup = backups.backup_now()
    backups.close()
    path = db.path
    # another program crashed with committed data still in its WAL
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA wal_autocheckpoint=0")
    raw.execute("UPDATE parameter SET note = 'après la sauvegarde' WHERE id = 1")
    raw.commit()
    crash_copy = tmp_path / "crash"
    crash_copy.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{path}{suffix}", crash_copy / f"base.db{suffix}")
    raw.close()
    db.close()
    target = crash_copy / "base.db"

    report = restore_backup(backup.path, target)

    assert not (crash_copy / "base.db-wal").exists() or (
        (crash_copy / "base.db-wal").stat().st_size == 0
    )
    aside = sqlite3.connect(report.set_aside)
    try:
        note = aside.execute("SELECT note FROM parameter WHERE id = 1").fetchone()[0]
    finally:
        aside.close()
    assert note == "après la sauvegarde"


def test_restore_refuses_the_database_itself(db, backups):
    with pytest.raises(ValidationError):
        restore_backup(db.path, db.path)
    with pytest.raises(ValidationError):
        restore_backup(db.path.with_name("absente.db"), db.path)


# --- encrypted databases ---------------------------------------------------------------------


def test_backups_of_an_encrypted_database_are_encrypted(tmp_path, clock):
    key = keyslots.new_database_key()
    database = open_database(tmp_path / "chiffree.db", key=key)
    service = BackupService(database, tmp_path / "sauvegardes", clock=clock)
    try:
        marker = "Zorglub"
        person = add_person(database.sessions, marker)
        made = service.backup_now()
        assert cipher.is_encrypted(made.path)
        assert marker.encode() not in made.path.read_bytes()
        assert service.list_backups()[0].verified
        assert not list_backups(service.folder)[0].verified  # without the key: unreadable
        assert newest_verified(service.folder, key) == made
        build_services(database).rights.anonymise(person.id)
        report = service.restore(made.path)
    finally:
        service.close()
        database.close()
    assert report.erasures_reapplied == 1
    reopened = open_database(tmp_path / "chiffree.db", key=key, create=False)
    try:
        assert build_services(reopened).participants.get(person.id).anonymised
    finally:
        reopened.close()


def test_a_missing_person_in_the_backup_is_not_an_error(db, backups):
    """Someone created and erased after the backup is simply absent from it."""
    backup = backups.backup_now()
    late = add_person(db.sessions)
    build_services(db).rights.anonymise(late.id)
    report = backups.restore(backup.path)
    assert report.erasures_reapplied == 0
    assert late.id not in people_in(db.path)
    with pytest.raises(NotFound):
        reopened = open_database(db.path, create=False)
        try:
            build_services(reopened).participants.get(late.id)
        finally:
            reopened.close()


def test_backup_files_are_flushed_and_named_without_personal_data(db, backups, folder):
    add_person(db.sessions, "Canari")
    backups.backup_now()
    assert all("Canari" not in name for name in os.listdir(folder))
