"""« Anonymiser » erases on the disk too (domain.md §7.4): as soon as it returns, the cleared
fields of the person are gone from the bytes of the database and of its ``-wal``
(``secure_delete`` overwrites what is removed, and the anonymisation folds the journal into
the file: until then the journal's older frames and the file's old pages still hold them),
and restoring a backup made before brings none of them back (the erasure is applied again).

On a plain base, where the bytes can be read: an encrypted file hides every byte anyway, and
SQLCipher erases exactly as SQLite does. The fields anonymisation keeps on purpose (commune,
QPV code) carry the other mark and are not looked for.
"""

from __future__ import annotations

from datetime import date

import pytest
from canary_dossier import fill_dossier, found_in, leaks

from asr_desktop.domain.enums import UserRole
from asr_desktop.persistence.db import open_database
from asr_desktop.services.backups import BackupService, default_backup_folder
from asr_desktop.services.container import build_services
from asr_desktop.services.settings import UserService


def _with_journal(path):
    return [path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))]


def _existing(paths):
    return [p for p in paths if p.exists()]


@pytest.fixture
def worked(db, canaries):
    user = UserService(db.sessions).create_user("coord", "Coordinatrice", UserRole.COORDINATOR)
    services = build_services(db, user.id)
    dossier = fill_dossier(services, canaries)
    backups = BackupService(db, default_backup_folder(db.path), user_id=user.id)
    yield services, dossier, backups
    backups.close()


def test_anonymisation_leaves_no_cleared_field_in_the_file_or_its_journal(db, canaries, worked):
    services, dossier, _backups = worked
    erased = canaries.needles(kept=False)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1
    # the bytes can be read: before the erasure, the canaries are there in clear
    assert found_in(b"".join(p.read_bytes() for p in _existing(_with_journal(db.path))), erased)

    services.rights.anonymise(dossier.participant_id)  # folds the journal into the file itself

    assert leaks(_existing(_with_journal(db.path)), erased) == {}
    kept = found_in(db.path.read_bytes(), [canaries.kept_mark])
    assert kept  # commune and QPV code stay for the committee figures
    assert services.participants.get(dossier.participant_id).anonymised


def test_restoring_an_older_backup_brings_no_erased_field_back(db, canaries, worked):
    services, dossier, backups = worked
    erased = canaries.needles(kept=False)
    before = backups.backup_now("avant l'effacement")
    assert found_in(before.path.read_bytes(), erased)  # a backup holds what the base held

    services.rights.anonymise(dossier.participant_id)
    backups.sync_erasure_journal()
    report = backups.restore(before.path)  # closes the base

    assert report.erasures_reapplied == 1
    restored = _existing(_with_journal(db.path))
    assert leaks(restored, erased) == {}
    assert report.set_aside is not None
    assert leaks(_existing(_with_journal(report.set_aside)), erased) == {}
    reopened = open_database(db.path)
    try:
        person = build_services(reopened).participants.get(dossier.participant_id)
        assert person.anonymised and person.last_name == "Anonyme"
        assert person.birth_date != date(1991, 4, 17)  # a stand-in of the same age band
    finally:
        reopened.close()
