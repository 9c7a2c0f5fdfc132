"""No personal datum in clear on the disk (issue 6 « Done means »): canaries placed in every
personal field of an encrypted base, worked on through the services the way an adviser does,
backed up, checked and copied from the command line, with the program's logging on, never
appear in the database file, its ``-wal`` and ``-shm``, its key file, the backups, the logs,
the console, or any file made in the temporary folder."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from argon2 import profiles
from canary_dossier import files_under, fill_dossier, found_in, leaks
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from asr_desktop import cli
from asr_desktop.app import LOG_FILE_NAME
from asr_desktop.domain.enums import FollowUpSubject
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import normalise_text
from asr_desktop.persistence import keyslots
from asr_desktop.persistence.models import ParticipantRow
from asr_desktop.services import access
from asr_desktop.services.access import PASSPHRASE_VARIABLE, USER_VARIABLE
from asr_desktop.services.backups import BackupService, default_backup_folder
from asr_desktop.services.rights import export_file_name

PASSWORD = "Vx7#kLm2qP!z"


def _side(path, suffix):
    return path.with_name(path.name + suffix)


@pytest.fixture
def encrypted(tmp_path):
    path = tmp_path / "donnees" / "asr.db"
    opened, _recovery = access.create_database(
        path, "coord", "Coordinatrice", PASSWORD, cost=profiles.CHEAPEST
    )
    yield path, opened
    opened.close()


def _a_day_of_work(services, dossier, exports) -> None:
    """What an adviser does with a record: find it, open it, read its parts, look at the
    agenda and the retention review, answer an access request (the named export goes where
    the adviser chose: ``exports``)."""
    pid = dossier.participant_id
    assert [p.id for p in services.participants.search(dossier.last_name)] == [pid]
    assert [p.id for p in services.participants.search(normalise_text(dossier.last_name))] == [pid]
    today = date.today()
    services.participants.open_record(pid, today)
    services.participants.list_eligibility(pid)
    services.placements.list_outcomes(participant_id=pid)
    services.placements.list_actions(FollowUpSubject.PARTICIPANT, pid)
    services.hours.lines(placement_id=dossier.placement_id)
    services.companies.list_contacts(dossier.company_id)
    services.companies.search_companies("val")
    services.placements.agenda(today)
    services.rights.retention_review()
    services.rights.export_person(pid)
    for suffix in (".json", ".xlsx"):
        services.rights.export_person_to(pid, exports / export_file_name(pid, today, suffix))


def test_no_canary_reaches_the_disk_in_clear(
    tmp_path, encrypted, sandbox_tmp, app_logs, canaries, capfd, monkeypatch
):
    path, opened = encrypted
    services = opened.services
    dossier = fill_dossier(services, canaries)
    exports = tmp_path / "exports"
    exports.mkdir()
    _a_day_of_work(services, dossier, exports)
    with pytest.raises(ValidationError):  # the lock screen: a typo, then the password
        access.unlock(path, "coord", "Mauvais-Mot-De-Passe-1")
    assert access.unlock(path, "coord", PASSWORD) == services.database.key
    backups = BackupService(
        services.database, default_backup_folder(path), user_id=services.user_id
    )
    made = backups.backup_now("démarrage")
    assert [b.name for b in backups.list_backups()] == [made.name]
    needles = canaries.needles()

    # while the base is open: the journal files are there
    open_files = list(files_under(tmp_path, skip=[exports]))
    for expected in (path, _side(path, "-wal"), _side(path, "-shm"), keyslots.slots_path(path)):
        assert expected in open_files
    assert made.path in open_files
    assert leaks(open_files, needles) == {}

    backups.close()
    opened.close()  # the last connection folds the journal into the file
    monkeypatch.setenv(USER_VARIABLE, "coord")  # the command line, as a scheduled task runs it
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSWORD)
    assert cli.main(["check", "--db", str(path)]) == 0
    copy = default_backup_folder(path).parent / "copie-manuelle.db"
    assert cli.main(["backup", "--db", str(path), "--out", str(copy)]) == 0
    closed_files = list(files_under(tmp_path, skip=[exports]))
    assert copy in closed_files
    assert leaks(closed_files, needles) == {}
    assert leaks(files_under(sandbox_tmp), needles) == {}
    console = capfd.readouterr()
    assert found_in((console.out + console.err).encode("utf-8"), needles) == []

    # the search can fail: the named export, made to be read, holds the canaries in clear
    named = exports / export_file_name(dossier.participant_id, date.today(), ".json")
    assert found_in(named.read_bytes(), [canaries.erased_mark, canaries.kept_mark])
    log_text = (app_logs / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "Sauvegarde (démarrage)" in log_text  # the work was logged, and logged nothing personal


def test_encrypted_bases_keep_their_temporary_tables_in_memory(encrypted):
    """SQLite's temporary files (sorts, temporary indexes) hold rows in clear and are deleted
    as soon as opened: nothing could look for them afterwards, so they must not be made."""
    _path, opened = encrypted
    with opened.services.database.engine.connect() as connection:
        temp_store = connection.exec_driver_sql("PRAGMA temp_store").scalar_one()
        options = set(connection.exec_driver_sql("PRAGMA compile_options").scalars())
    in_memory = (
        temp_store == 2
        or "TEMP_STORE=3" in options
        or (temp_store == 0 and "TEMP_STORE=2" in options)
    )
    assert in_memory, (temp_store, sorted(o for o in options if o.startswith("TEMP_STORE")))


@pytest.mark.parametrize("kind", ["chiffrée", "en clair"])
def test_an_unexpected_database_error_logs_no_personal_data(
    kind, encrypted, db, app_logs, canaries
):
    """A refused statement (here a row without its birth date) raised up to the window's
    last-resort handler is logged with its traceback: the values it carried stay out."""
    engine = encrypted[1].services.database.engine if kind == "chiffrée" else db.engine
    values = {
        "reference": canaries.of("participant", "reference"),
        "last_name": canaries.of("participant", "last_name"),
        "first_name": canaries.of("participant", "first_name"),
        "sex": "F",
        "status": "candidat",
        "search_key": canaries.erased_mark,
    }
    with pytest.raises(DBAPIError) as refused, engine.begin() as connection:
        connection.execute(insert(ParticipantRow).values(**values))
    error = refused.value
    logging.getLogger("asr_desktop.ui.qt_support").critical(
        "erreur inattendue (%s)", type(error).__name__, exc_info=error
    )
    for handler in logging.getLogger().handlers:
        handler.flush()
    log_bytes = (app_logs / LOG_FILE_NAME).read_bytes()
    assert b"erreur inattendue (IntegrityError)" in log_bytes
    assert found_in(log_bytes, canaries.needles()) == []
    assert found_in(str(error).encode(), canaries.needles()) == []
