"""The start-up gate: refused locations, every kind of unfit file detected and set aside
byte for byte, verified backups offered newest first and restored."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime

import pytest
from argon2 import profiles

from asr_desktop.domain.errors import Conflict
from asr_desktop.persistence.db import USER_VERSION, check_before_opening
from asr_desktop.services import access, startup
from asr_desktop.services.startup import (
    DatabaseDamaged,
    FileState,
    backup_candidates,
    examine,
    location_problem,
    refusal_text,
    restore_backup,
    set_aside,
)

PASSWORD = "Vx7#kLm2qP!z"
NOW = datetime(2026, 11, 25, 9, 30)

# --- where the base may live (pure) -----------------------------------------------------------

LINUX_MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
tmpfs /tmp tmpfs rw 0 0
serveur:/exports/mairie /mnt/mairie nfs4 rw,vers=4.2 0 0
//nas/partage /media/nas cifs rw,vers=3.0 0 0
agent@poste:/home /home/agent/distant fuse.sshfs rw 0 0
/dev/sdb1 /mnt/mairie/cle\\040usb vfat rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "platform", "expected"),
    [
        (r"\\serveur\partage\asr.db", "win32", "dossier réseau"),
        ("//serveur/partage/asr.db", "win32", "dossier réseau"),
        (r"\\?\UNC\serveur\partage\asr.db", "win32", "dossier réseau"),
        (r"C:\Users\agent\OneDrive - Mairie de Créteil\asr.db", "win32", "OneDrive"),
        (r"C:\Users\agent\Dropbox\asr.db", "win32", "Dropbox"),
        (r"G:\Mon Drive\asr.db", "win32", "Google Drive"),
        (r"C:\Users\agent\iCloudDrive\asr.db", "win32", "iCloud"),
        ("/home/agent/Dropbox/asr.db", "linux", "Dropbox"),
        ("/home/agent/Google Drive/asr.db", "linux", "Google Drive"),
        ("/Users/agent/Library/Mobile Documents/com~apple~CloudDocs/asr.db", "darwin", "iCloud"),
        ("/mnt/mairie/asr/asr.db", "linux", "partage réseau (nfs4)"),
        ("/media/nas/asr.db", "linux", "partage réseau (cifs)"),
        ("/home/agent/distant/asr.db", "linux", "partage réseau (fuse.sshfs)"),
    ],
)
def test_network_and_synchronised_folders_are_refused(path, platform, expected):
    problem = location_problem(
        path, platform=platform, mounts_text=LINUX_MOUNTS, drive_type=lambda root: 3
    )
    assert problem is not None and expected in problem
    assert "dossier local" in problem


@pytest.mark.parametrize(
    ("path", "platform"),
    [
        (r"C:\Users\agent\AppData\Local\PCI-GPSEA\ASR Desktop\asr.db", "win32"),
        (r"D:\Données\Dropboxes à trier\asr.db", "win32"),  # a name, not the client's folder
        ("/home/agent/.local/share/ASR Desktop/asr.db", "linux"),
        ("/tmp/essai/asr.db", "linux"),
        ("/mnt/mairie/cle usb/asr.db", "linux"),  # a local key mounted inside the share
        ("/Users/agent/Documents/asr.db", "darwin"),
    ],
)
def test_local_folders_are_accepted(path, platform):
    assert (
        location_problem(
            path, platform=platform, mounts_text=LINUX_MOUNTS, drive_type=lambda root: 3
        )
        is None
    )


def test_a_mapped_network_drive_is_refused():
    seen = []

    def drive_type(root):
        seen.append(root)
        return startup.DRIVE_REMOTE

    problem = location_problem(r"Z:\ASR\asr.db", platform="win32", drive_type=drive_type)
    assert seen == ["Z:\\"]
    assert "Le lecteur Z: est un lecteur réseau" in problem


# --- unfit files ------------------------------------------------------------------------------


def _plain_base(path):
    database = access.open_plain(path).services.database
    with database.engine.begin() as con:
        con.exec_driver_sql(
            "INSERT INTO authority (name, kind) VALUES ('Ville de Créteil', 'commune')"
        )
    database.close()
    return path


def _pragma(path, statement):
    con = sqlite3.connect(path)
    con.execute(statement)
    con.commit()
    con.close()


def _empty(path):
    path.touch()


def _truncated(path):
    _plain_base(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])


def _truncated_at_a_page(path):
    _plain_base(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 4096])


def _foreign(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recettes (nom TEXT)")
    con.execute("INSERT INTO recettes VALUES ('tarte')")
    con.commit()
    con.close()


def _random_bytes(path):
    path.write_bytes(os.urandom(3 * 4096))


def _newer_format(path):
    _plain_base(path)
    _pragma(path, f"PRAGMA user_version={USER_VERSION + 1}")


def _wrong_application_id(path):
    _plain_base(path)
    _pragma(path, "PRAGMA application_id=1234")


def _newer_schema(path):
    _plain_base(path)
    _pragma(path, "UPDATE alembic_version SET version_num = '9999_futur'")


def _damaged_page(path):
    _plain_base(path)
    data = bytearray(path.read_bytes())
    data[2 * 4096 : 2 * 4096 + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))


UNFIT = [
    (_empty, "vide", "le fichier est vide"),
    (_truncated, "tronquée", "tronqué"),
    (_truncated_at_a_page, "tronquée", "tronqué"),
    (_foreign, "étrangère", "n'est pas une base ASR Desktop"),
    (_random_bytes, "illisible", "aucun fichier de clés"),
    (_newer_format, "plus récente", "version plus récente"),
    (_wrong_application_id, "étrangère", "identifiant d'application 0x4d2"),
    (_newer_schema, "plus récente", "schéma inconnu"),
    (_damaged_page, "endommagée", "contrôle d'intégrité"),
]


@pytest.mark.parametrize(("make", "kind", "words"), UNFIT, ids=[m.__name__ for m, *_ in UNFIT])
def test_each_unfit_file_is_detected_and_set_aside_untouched(tmp_path, make, kind, words):
    path = tmp_path / "base.db"
    make(path)
    before = path.read_bytes()

    found = examine(path)
    assert found.state is FileState.UNFIT
    assert words in found.problem
    with pytest.raises(DatabaseDamaged) as refused:
        check_before_opening(path)
    assert refused.value.kind == kind
    assert path.read_bytes() == before  # examined, never written

    aside = set_aside(path, now=NOW)
    assert aside == tmp_path / "base.db.ecartee-20261125-0930"
    assert aside.read_bytes() == before
    assert not path.exists()
    assert examine(path).state is FileState.NEW


def test_journal_and_key_files_go_with_the_set_aside_file(tmp_path):
    path = tmp_path / "base.db"
    path.write_bytes(b"x" * 4096)
    (tmp_path / "base.db-wal").write_bytes(b"journal")
    (tmp_path / "base.db.cles").write_text("{}")
    first = set_aside(path, now=NOW)
    assert (tmp_path / "base.db.ecartee-20261125-0930-wal").read_bytes() == b"journal"
    assert (tmp_path / "base.db.ecartee-20261125-0930.cles").exists()
    assert (tmp_path / "base.db.cles").exists()  # kept for a backup under the same key

    path.write_bytes(b"y" * 4096)
    second = set_aside(path, keep_key_file=False, now=NOW)
    assert second.name == "base.db.ecartee-20261125-0930-2"  # never over the first one
    assert first.read_bytes() == b"x" * 4096
    assert not (tmp_path / "base.db.cles").exists()


def test_a_sound_plain_base_passes_the_gate(tmp_path):
    path = _plain_base(tmp_path / "base.db")
    assert examine(path).state is FileState.PLAIN


# --- backups ----------------------------------------------------------------------------------


def _age(path, minutes):
    stamp = NOW.timestamp() - minutes * 60
    os.utime(path, (stamp, stamp))


def test_verified_backups_are_offered_newest_first(tmp_path):
    path = _plain_base(tmp_path / "asr.db")
    older = tmp_path / "asr.avant-migration-20261101-080000.db"
    newer = tmp_path / "sauvegardes" / "asr.sauvegarde-20261124-1800.db"
    broken = tmp_path / "asr-sauvegarde-20261125-0900.db"
    rotated = tmp_path / "backups" / "asr" / "asr-20261120-120000.db"
    newer.parent.mkdir()
    rotated.parent.mkdir(parents=True)
    shutil.copyfile(path, rotated)
    _age(rotated, 6000)
    shutil.copyfile(path, older)
    shutil.copyfile(path, newer)
    broken.write_bytes(b"abime" * 1000)
    (tmp_path / "recettes.db").write_bytes(path.read_bytes())  # another name: not a backup
    _age(older, 600)
    _age(newer, 60)
    _age(broken, 10)

    found = backup_candidates(path)

    assert [c.path for c in found] == [newer, older, rotated]
    text = refusal_text("La base asr.db est vide.", found)
    assert "asr.sauvegarde-20261124-1800.db" in text
    assert "Le fichier n'a pas été modifié." in text


def test_encrypted_backups_are_verified_with_the_key(tmp_path):
    path = tmp_path / "asr.db"
    opened, _ = access.create_database(path, "coord", "Camille", PASSWORD, cost=profiles.CHEAPEST)
    backup = opened.services.maintenance.backup_to(tmp_path / "asr-sauvegarde-1.db")
    key = opened.services.database.key
    opened.close()
    plain = _plain_base(tmp_path / "asr-sauvegarde-2.db")

    assert [c.path for c in backup_candidates(path, key)] == [backup]
    assert [c.path for c in backup_candidates(path)] == [plain]  # without key: plain ones

    set_aside(path, now=NOW)
    restored = restore_backup(backup_candidates(path, key)[0], path, key)
    assert restored == path and path.read_bytes() == backup.read_bytes()
    assert examine(path).state is FileState.ENCRYPTED
    reopened = access.open_encrypted(path, key, "coord")
    reopened.close()


def test_a_backup_is_restored_only_where_nothing_is(tmp_path):
    path = _plain_base(tmp_path / "asr.db")
    copy = tmp_path / "asr.sauvegarde-1.db"
    shutil.copyfile(path, copy)
    [candidate] = backup_candidates(path)
    with pytest.raises(Conflict):
        restore_backup(candidate, path)
    set_aside(path, now=NOW)
    restore_backup(candidate, path)
    assert examine(path).state is FileState.PLAIN
    assert not (tmp_path / "asr.db.partiel").exists()
