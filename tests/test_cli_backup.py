"""``asr-desktop backup`` / ``restore`` (cli/backup.py), run through their own parser: the
sub-commands are registered in cli/__init__.py by the lead."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from argon2 import profiles

from asr_desktop.cli import backup as backup_cli
from asr_desktop.cli._parser import FrenchArgumentParser
from asr_desktop.domain.enums import Sex
from asr_desktop.domain.errors import Conflict, DatabaseRefused, DomainError
from asr_desktop.domain.model import Participant
from asr_desktop.persistence.cipher import is_encrypted
from asr_desktop.services.access import create_database
from asr_desktop.services.container import build_services
from asr_desktop.services.participants import ParticipantService

PASSWORD = "Clauses-Insertion-2026!"


def run(argv: list[str]) -> int:
    parser = FrenchArgumentParser(prog="asr-desktop")
    backup_cli.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)


def add_person(sessions, last_name: str):
    return ParticipantService(sessions).create(
        Participant(
            id=None,
            reference="",
            last_name=last_name,
            first_name="Inès",
            birth_date=date(1991, 3, 4),
            sex=Sex.FEMALE,
        )
    )


def names(path) -> set[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in con.execute("SELECT last_name FROM participant")}
    finally:
        con.close()


def test_backup_then_restore_a_plain_base(db, tmp_path, capsys):
    add_person(db.sessions, "Avant")
    out = tmp_path / "copie.db"

    assert run(["backup", "--db", str(db.path), "--out", str(out)]) == 0
    assert "Sauvegarde vérifiée" in capsys.readouterr().out
    add_person(db.sessions, "Après")
    erased = add_person(db.sessions, "Effacée")
    run(["backup", "--db", str(db.path), "--out", str(tmp_path / "avec-effacee.db")])
    build_services(db).rights.anonymise(erased.id)
    db.close()

    assert run(["restore", str(tmp_path / "avec-effacee.db"), "--db", str(db.path)]) == 0
    printed = capsys.readouterr().out
    assert "Sauvegarde restaurée" in printed and "1 dossier(s) anonymisé(s)" in printed
    assert "Effacée" not in names(db.path)

    assert run(["restore", str(out), "--db", str(db.path)]) == 0
    assert names(db.path) == {"Avant"}


def test_backup_never_overwrites_without_being_asked(db, tmp_path):
    out = tmp_path / "copie.db"
    out.write_bytes(b"ancien contenu")
    with pytest.raises(Conflict) as refused:
        run(["backup", "--db", str(db.path), "--out", str(out)])
    assert "--remplacer" in str(refused.value)
    assert out.read_bytes() == b"ancien contenu"
    assert run(["backup", "--db", str(db.path), "--out", str(out), "--remplacer"]) == 0
    assert out.read_bytes().startswith(b"SQLite format 3")


def test_restore_refuses_a_damaged_backup(db, tmp_path):
    damaged = tmp_path / "abimee.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    db.close()
    before = db.path.read_bytes()
    with pytest.raises(DatabaseRefused):
        run(["restore", str(damaged), "--db", str(db.path)])
    assert db.path.read_bytes() == before


def test_restore_refuses_while_the_window_holds_the_base(db, tmp_path):
    fcntl = pytest.importorskip("fcntl")
    run(["backup", "--db", str(db.path), "--out", str(tmp_path / "copie.db")])
    lock = db.path.with_name(db.path.name + ".lock")
    with open(lock, "w") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(Conflict) as refused:
            run(["restore", str(tmp_path / "copie.db"), "--db", str(db.path)])
        assert "fermez le programme" in str(refused.value)
    # a lock left by a crash does not block
    assert run(["restore", str(tmp_path / "copie.db"), "--db", str(db.path)]) == 0


def test_an_encrypted_base_uses_the_user_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "chiffree.db"
    opened, _recovery = create_database(
        path, "coordination", "Coordination", PASSWORD, cost=profiles.CHEAPEST
    )
    add_person(opened.services.database.sessions, "Canari")
    opened.close()
    out = tmp_path / "copie.db"

    monkeypatch.delenv("ASR_USER", raising=False)
    monkeypatch.delenv("ASR_PASSPHRASE", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(DomainError) as missing:
        run(["backup", "--db", str(path), "--out", str(out)])
    assert "ASR_PASSPHRASE" in str(missing.value)
    assert not out.exists()

    monkeypatch.setenv("ASR_USER", "coordination")
    monkeypatch.setenv("ASR_PASSPHRASE", PASSWORD)
    assert run(["backup", "--db", str(path), "--out", str(out)]) == 0
    assert is_encrypted(out) and b"Canari" not in out.read_bytes()
    assert run(["restore", str(out), "--db", str(path)]) == 0

    monkeypatch.setenv("ASR_PASSPHRASE", "pas le bon mot de passe")
    with pytest.raises(DomainError):
        run(["restore", str(out), "--db", str(path)])
