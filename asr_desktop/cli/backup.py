"""``asr-desktop backup --db PATH --out FILE`` and ``asr-desktop restore FILE --db PATH``.

``backup`` copies the database with SQLite's backup API through a read-only connection (the
base may be open in the window meanwhile), checks the copy, then gives it its name: the file
never exists half-written. The copy of an encrypted base is encrypted with the same key.

``restore`` checks the backup, copies it in place of the base through a working name, keeps
the replaced file beside it (« …avant-restauration-… »), and anonymises again everyone erased
since the backup (journal of erasures beside the base). The window must be closed.

An encrypted base needs its user: ``ASR_USER`` and ``ASR_PASSPHRASE`` (scripts), or the
questions asked on a terminal. Exit 0: done; 2: nothing written (refused file, existing
output, wrong password…); 1: unexpected error.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path

from asr_desktop.domain.errors import Conflict, ValidationError
from asr_desktop.domain.formats import format_int

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"  # QLockFile of the window (app.py)


def add_parser(subparsers) -> None:
    """Register both sub-commands, ``backup`` and ``restore``."""
    backup = subparsers.add_parser(
        "backup",
        help="sauvegarder une base dans un fichier",
        description="Copie vérifiée de la base dans un fichier (chiffrée si la base l'est). "
        "La base peut rester ouverte dans la fenêtre.",
    )
    backup.add_argument("--db", required=True, type=Path, metavar="CHEMIN", help="la base")
    backup.add_argument(
        "--out", required=True, type=Path, metavar="FICHIER", help="le fichier de sauvegarde"
    )
    backup.add_argument(
        "--remplacer",
        "--overwrite",
        dest="overwrite",
        action="store_true",
        help="remplacer le fichier s'il existe déjà",
    )
    backup.set_defaults(run=run_backup)

    restore = subparsers.add_parser(
        "restore",
        help="remettre une sauvegarde à la place de la base",
        description="Vérifie la sauvegarde puis la met à la place de la base ; la base "
        "remplacée est gardée à côté (« …avant-restauration-… »). Les personnes anonymisées "
        "depuis la sauvegarde le restent. Fermez d'abord le programme.",
    )
    restore.add_argument("backup", type=Path, metavar="FICHIER", help="la sauvegarde")
    restore.add_argument(
        "--db", required=True, type=Path, metavar="CHEMIN", help="la base à remplacer"
    )
    restore.set_defaults(run=run_restore)


# --- the key of an encrypted base ------------------------------------------------------------


def _credentials() -> tuple[str, str]:
    from asr_desktop.services.access import (
        PASSPHRASE_VARIABLE,
        USER_VARIABLE,
        environment_credentials,
    )

    given = environment_credentials()
    if given is not None:
        return given.login, given.password
    if not sys.stdin.isatty():
        raise ValidationError(
            f"La base est chiffrée : indiquez l'identifiant dans {USER_VARIABLE} et le mot de "
            f"passe dans {PASSPHRASE_VARIABLE}.",
            "user",
        )
    login = input("Identifiant : ").strip()
    return login, getpass.getpass("Mot de passe : ")


def _key_for(data_file: Path, database: Path) -> bytes | None:
    """None when ``data_file`` (the base, or the backup to restore) is plain SQLite; else the
    key of the base, opened with the user's password through the key file beside it."""
    from asr_desktop.persistence import keyslots
    from asr_desktop.persistence.cipher import is_encrypted
    from asr_desktop.services.access import unlock

    if not is_encrypted(data_file):
        return None
    if not keyslots.has_slots(database):
        raise ValidationError(
            f"{data_file.name} est chiffré (ou n'est pas une base) et le fichier de clés "
            f"{keyslots.slots_path(database).name} est introuvable à côté de la base.",
            "db",
        )
    login, password = _credentials()
    return unlock(database, login, password)


# --- is the window using the base? -----------------------------------------------------------


def window_has_it_open(database: Path) -> bool:
    """True when the window holds the base's lock file (QLockFile: ``flock`` on Unix, a file
    opened without write sharing on Windows); a lock left by a crash does not count."""
    lock = database.with_name(database.name + LOCK_SUFFIX)
    if not lock.exists():
        return False
    try:
        handle = open(lock, "a")  # noqa: SIM115 - released below
    except PermissionError:  # Windows: the window holds it
        return True
    except OSError:
        return False
    try:
        if os.name != "posix":
            return False
        import fcntl

        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return False
    finally:
        handle.close()


# --- the sub-commands ------------------------------------------------------------------------


def run_backup(args: argparse.Namespace) -> int:
    from asr_desktop.services.backups import backup_file

    source: Path = args.db
    if not source.is_file():
        raise ValidationError(f"La base {source} n'existe pas.", "db")
    if args.out.exists() and not args.overwrite:
        raise Conflict(
            f"Le fichier {args.out} existe déjà. Ajoutez --remplacer à la commande pour l'écraser."
        )
    key = _key_for(source, source)
    made = backup_file(source, args.out, key=key, overwrite=args.overwrite)
    print(f"Sauvegarde vérifiée : {made.path} ({format_int(made.size)} octets).")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from asr_desktop.services.backups import restore_backup

    target: Path = args.db
    if not args.backup.is_file():
        raise ValidationError(f"La sauvegarde {args.backup} n'existe pas.", "backup")
    if window_has_it_open(target):
        raise Conflict(
            f"La base {target.name} est ouverte dans ASR Desktop : fermez le programme, puis "
            "recommencez."
        )
    key = _key_for(args.backup, target)
    report = restore_backup(args.backup, target, key=key)
    print(f"Sauvegarde restaurée : {report.backup} → {report.database}.")
    if report.set_aside is not None:
        print(f"La base remplacée est gardée sous le nom {report.set_aside.name}.")
    if report.erasures_reapplied:
        print(
            f"{format_int(report.erasures_reapplied)} dossier(s) anonymisé(s) depuis cette "
            "sauvegarde l'ont été à nouveau."
        )
    log.info("Restauration : %d effacement(s) réappliqué(s)", report.erasures_reapplied)
    return 0
