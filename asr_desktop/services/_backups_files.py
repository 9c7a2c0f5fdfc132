"""Backup files on disk: checking one, and putting one back in place of the database.

Restoring never leaves a half-written database under the real name, nor the real name
missing: the backup is checked (the start-up gate), copied under a working name beside the
database, brought up to the program's schema, the erasures made since are applied again, the
copy passes the gate again, and only then does it replace the database in one rename. (The
longer ``integrity_check`` and ``foreign_key_check`` — 15 s on the « large » base — are left
to ``asr-desktop check``.) The file it replaces stays beside
it as ``<base>.avant-restauration-AAAAMMJJ-HHMMSS.db`` (hard link, else copy), with its
``-wal`` and its key slots, so nothing committed is ever lost by a restore.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from asr_desktop.domain.errors import DatabaseRefused, DomainError, ValidationError
from asr_desktop.persistence import keyslots
from asr_desktop.persistence.db import check_before_opening, make_engine, migrate_database
from asr_desktop.persistence.storage_errors import disk_full_guard
from asr_desktop.services._backups_journal import (
    ErasureJournal,
    anonymised_participants,
    journal_path_for,
    reapply_erasures,
    sync_directory,
)

log = logging.getLogger(__name__)

WORK_SUFFIX = ".restauration"
_SIDECARS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What a restore did: the backup put back, where the replaced file went (None when
    there was none), and how many erased people were anonymised again."""

    database: Path
    backup: Path
    set_aside: Path | None
    erasures_reapplied: int


def backup_problems(path: Path, key: bytes | None) -> tuple[str, ...]:
    """What makes a backup unusable (empty when sound): the start-up gate's checks — page
    check of an encrypted file, ``quick_check``, application id, format, known schema."""
    try:
        check_before_opening(path, key)
    except DomainError as exc:
        return (str(exc),)
    except OSError as exc:
        return (f"fichier illisible ({exc.strerror or exc}).",)
    return ()


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def remove_with_sidecars(path: Path) -> None:
    for suffix in ("", *_SIDECARS):
        _sidecar(path, suffix).unlink(missing_ok=True)


def copy_durably(source: Path, destination: Path) -> None:
    """Byte copy, flushed to the disk before returning."""
    with source.open("rb") as src, destination.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())


def set_aside(target: Path, moment: datetime) -> Path:
    """Keep the current database (with its ``-wal`` and key slots) under a dated name,
    without the real name ever going missing: a hard link (or a copy) first."""
    aside = target.with_name(
        f"{target.stem}.avant-restauration-{moment:%Y%m%d-%H%M%S}{target.suffix}"
    )
    remove_with_sidecars(aside)
    try:
        os.link(target, aside)
    except OSError:
        copy_durably(target, aside)
    wal = _sidecar(target, "-wal")
    if wal.exists():
        os.replace(wal, _sidecar(aside, "-wal"))
    _sidecar(target, "-shm").unlink(missing_ok=True)
    if keyslots.has_slots(target):
        shutil.copy2(keyslots.slots_path(target), keyslots.slots_path(aside))
    sync_directory(target.parent)
    return aside


def _journal_current(target: Path, key: bytes | None, journal: ErasureJournal) -> None:
    """Add to the journal the erasures of the database about to be replaced, when it can
    still be read (a damaged file is skipped: the journal already holds what it knew). A
    read-only connection, without the gate's full read of the file."""
    if not target.exists():
        return
    try:
        engine = make_engine(target, key, read_only=True)
    except DomainError as exc:
        log.warning("Journal des effacements : base actuelle non lue (%s)", type(exc).__name__)
        return
    try:
        journal.merge(anonymised_participants(sessionmaker(engine)))
    except (SQLAlchemyError, DomainError) as exc:
        log.warning("Journal des effacements : lecture impossible (%s)", type(exc).__name__)
    finally:
        engine.dispose()


def _prepare(work: Path, key: bytes | None, erased: set[int], user_id: int | None) -> int:
    """Bring the working copy (the bytes of a checked backup) to the program's schema,
    anonymise again the people erased since the backup, fold the WAL back into the file."""
    engine = make_engine(work, key)
    try:
        migrate_database(engine, work)
        again = reapply_erasures(sessionmaker(engine, expire_on_commit=False), erased, user_id)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    # a migration left a copy of the not-yet-erased state beside the working file: remove it
    for stale in work.parent.glob(f"{work.stem}.avant-migration-*{work.suffix}"):
        remove_with_sidecars(stale)
    for suffix in _SIDECARS:
        leftover = _sidecar(work, suffix)
        if leftover.exists() and leftover.stat().st_size == 0:
            leftover.unlink()
    return len(again)


def restore_backup(
    backup: str | Path,
    target: str | Path,
    *,
    key: bytes | None = None,
    journal_path: str | Path | None = None,
    user_id: int | None = None,
    clock: Callable[[], datetime] = datetime.now,
) -> RestoreReport:
    """Put ``backup`` in place of the database ``target`` (which must be closed by every
    program), re-applying the erasures journalled beside ``target``."""
    backup, target = Path(backup), Path(target)
    if not backup.is_file():
        raise ValidationError(f"La sauvegarde {backup} n'existe pas.", "backup")
    if target.exists() and backup.resolve() == target.resolve():
        raise ValidationError("La sauvegarde et la base sont le même fichier.", "backup")
    problems = backup_problems(backup, key)
    if problems:
        raise DatabaseRefused(
            f"La sauvegarde {backup.name} ne peut pas être restaurée : " + " ".join(problems)
        )
    journal = ErasureJournal(journal_path or journal_path_for(target))
    _journal_current(target, key, journal)
    erased = set(journal.entries())
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.with_name(target.name + WORK_SUFFIX)
    remove_with_sidecars(work)
    try:
        with disk_full_guard():
            copy_durably(backup, work)
            reapplied = _prepare(work, key, erased, user_id)
            after = backup_problems(work, key)  # the gate again, on the final bytes
            if after:
                raise DatabaseRefused(
                    f"La copie de {backup.name} n'a pas pu être vérifiée : " + " ".join(after)
                )
            aside = set_aside(target, clock()) if target.exists() else None
            os.replace(work, target)
            sync_directory(target.parent)
    except BaseException:
        remove_with_sidecars(work)
        raise
    log.info("Restauration de %s : %d effacement(s) réappliqué(s)", backup.name, reapplied)
    return RestoreReport(
        database=target, backup=backup, set_aside=aside, erasures_reapplied=reapplied
    )
