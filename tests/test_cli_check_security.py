"""``asr-desktop check`` on what protects the data (issue 6): the audit trail's hash chain and
the state of the backup folder the program fills, beside encryption and integrity."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta

import pytest
from argon2 import profiles
from faker import Faker
from sqlalchemy import text

from asr_desktop import cli
from asr_desktop.domain.enums import Sex
from asr_desktop.domain.model import Participant
from asr_desktop.services import access
from asr_desktop.services._backups_listing import MANIFEST_NAME
from asr_desktop.services.access import PASSPHRASE_VARIABLE, USER_VARIABLE
from asr_desktop.services.backups import BackupService, backup_file, default_backup_folder
from asr_desktop.services.container import build_services
from asr_desktop.services.maintenance import backup_state

fake = Faker("fr_FR")
PASSWORD = "Vx7#kLm2qP!z"


@pytest.fixture
def run(capsys):
    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def _report(run, path) -> tuple[int, dict]:
    code, out, _ = run("check", "--json", "--db", str(path))
    return code, json.loads(out)


def _person(services) -> Participant:
    return services.participants.create(
        Participant(
            id=None,
            reference="",
            last_name=fake.last_name(),
            first_name=fake.first_name(),
            birth_date=date(1988, 3, 9),
            sex=Sex.MALE,
        ),
        allow_duplicate=True,
    )


def test_the_default_backup_folder_is_per_database(tmp_path):
    assert default_backup_folder(tmp_path / "asr.db") == tmp_path / "backups" / "asr"


# --- backups ------------------------------------------------------------------------------


def test_no_backup_is_said_without_failing_the_check(run, db):
    code, report = _report(run, db.path)
    assert code == 0 and report["healthy"] is True
    backups = report["backups"]
    assert backups["folder"] == str(default_backup_folder(db.path))
    assert backups["count"] == 0 and backups["newest_verified"] is None
    assert backups["ok"] is False
    assert backups["verdict"].startswith("Aucune sauvegarde dans ce dossier")

    code, out, _ = run("check", "--db", str(db.path))
    assert code == 0
    assert "Sauvegardes : 0 dans " in out
    assert "  Bilan : Aucune sauvegarde dans ce dossier" in out
    assert out.strip().splitlines()[-1] == "Résultat : base saine."


def test_a_fresh_backup_is_reported_with_its_date_and_age(run, db):
    service = BackupService(db, default_backup_folder(db.path))
    made = service.backup_now()
    service.close()
    code, report = _report(run, db.path)
    assert code == 0
    backups = report["backups"]
    assert backups["count"] == 1
    assert backups["newest_verified"] == made.name
    assert backups["newest_at"] == backups["newest_verified_at"] == made.taken_at.isoformat()
    assert 0 <= backups["age_hours"] < 1
    assert backups["ok"] is True and backups["failing"] == 0
    assert backups["verdict"].startswith("Sauvegardes à jour : la plus récente, vérifiée, date du")

    _, out, _ = run("check", "--db", str(db.path))
    assert f"Sauvegardes : 1 dans {default_backup_folder(db.path)}" in out
    assert f"  Plus récente vérifiée : {made.name} (" in out


def test_an_old_backup_is_stale(run, db):
    ten_days_ago = datetime.now().replace(microsecond=0) - timedelta(days=10)
    service = BackupService(db, default_backup_folder(db.path), clock=lambda: ten_days_ago)
    service.backup_now()
    service.close()
    code, report = _report(run, db.path)
    assert code == 0  # the file itself is sound
    backups = report["backups"]
    assert backups["ok"] is False
    assert 240 <= backups["age_hours"] < 241
    assert "il y a 10 jours : le travail fait depuis n'est pas protégé" in backups["verdict"]


def test_a_damaged_newer_backup_is_counted_and_the_older_sound_one_named(run, db):
    folder = default_backup_folder(db.path)
    sound = backup_file(db.path, folder / "asr-20261101-080000.db")
    (folder / "asr-20261102-080000.db").write_bytes(sound.path.read_bytes()[:5000])
    code, report = _report(run, db.path)
    assert code == 0
    backups = report["backups"]
    assert backups["count"] == 2
    assert backups["newest_at"] == "2026-11-02T08:00:00"
    assert backups["newest_verified"] == "asr-20261101-080000.db"
    assert backups["failing"] == 1 and backups["ok"] is False
    assert "1 sauvegarde(s) plus récente(s) ne passe(nt) pas les contrôles" in backups["verdict"]


def test_the_check_writes_nothing_in_the_backup_folder(db):
    folder = default_backup_folder(db.path)
    backup_file(db.path, folder / "asr-20261101-080000.db")
    state = backup_state(folder, now=datetime(2026, 11, 1, 20, 0))
    assert state.newest_verified == "asr-20261101-080000.db" and state.age_hours == 12.0
    assert not (folder / MANIFEST_NAME).exists()


# --- audit chain --------------------------------------------------------------------------


def test_an_intact_audit_chain_is_reported(run, db):
    services = build_services(db)
    _person(services)
    code, report = _report(run, db.path)
    assert code == 0
    chain = report["audit_chain"]
    assert chain["checked"] is True and chain["intact"] is True
    assert chain["entries"] == len(services.audit.list_entries()) >= 1
    assert chain["broken_id"] is None
    _, out, _ = run("check", "--db", str(db.path))
    assert f"Journal d'accès : chaîne intacte ({chain['entries']} entrées)" in out


def test_a_tampered_audit_trail_fails_the_check(run, db):
    services = build_services(db)
    _person(services)
    _person(services)
    first = min(e.id for e in services.audit.list_entries())
    with db.engine.begin() as con:
        con.execute(text("UPDATE audit_entry SET detail = 'rien' WHERE id = :id"), {"id": first})
    code, report = _report(run, db.path)
    assert code == 1 and report["healthy"] is False
    assert report["audit_chain"]["intact"] is False
    assert report["audit_chain"]["broken_id"] == first
    assert any(
        p.startswith(f"Journal d'accès : chaîne rompue à l'entrée n° {first}")
        for p in report["problems"]
    )
    code, out, _ = run("check", "--db", str(db.path))
    assert code == 1
    assert f"Journal d'accès : chaîne rompue à l'entrée n° {first}" in out


def test_a_foreign_file_has_no_chain_to_verify(run, tmp_path):
    path = tmp_path / "autre.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE notes (texte TEXT)")
    code, report = _report(run, path)
    assert code == 1
    assert report["audit_chain"]["checked"] is False
    assert report["audit_chain"]["intact"] is None
    assert report["audit_chain"]["verdict"].startswith("non vérifié")


# --- an encrypted base ---------------------------------------------------------------------


def test_an_encrypted_base_reports_encryption_chain_and_encrypted_backups(
    run, tmp_path, monkeypatch
):
    path = tmp_path / "asr.db"
    opened, _recovery = access.create_database(
        path, "coord", fake.name(), PASSWORD, cost=profiles.CHEAPEST
    )
    try:
        _person(opened.services)
        service = BackupService(opened.services.database, default_backup_folder(path))
        made = service.backup_now("démarrage")
        service.close()
    finally:
        opened.close()
    monkeypatch.setenv(USER_VARIABLE, "coord")
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSWORD)
    code, report = _report(run, path)
    assert code == 0, report["problems"]
    assert report["encrypted"] is True and report["integrity"] == "ok"
    assert report["audit_chain"]["intact"] is True and report["audit_chain"]["entries"] >= 1
    assert report["backups"]["newest_verified"] == made.name
    assert report["backups"]["ok"] is True
