"""Automatic, verified, rotating backups, and restoring one (issue 6 point 4).

``BackupService(database, folder)`` is built once per opened database; the window calls
``backup_now("démarrage")`` after the start-up gate, ``maybe_backup()`` every few minutes
and ``maybe_backup(reason="fermeture", ignore_interval=True)`` at close.

- A backup is made with SQLite's backup API (``MaintenanceService.backup_to``: encrypted for
  an encrypted database) into a temporary name, checked, renamed ``asr-AAAAMMJJ-HHMMSS.db``
  (no personal data in the name), then the folder is rotated (``domain.backups``).
- « Changed since the last backup » is read from ``PRAGMA data_version`` on a connection this
  service keeps for that alone: it moves whenever any other connection, of this process or
  another, commits (a checkpoint run by another connection moves it too: at worst one
  backup more).
- Restoring (``restore``, or ``restore_backup`` when no database is open) checks the backup,
  puts it in place safely and anonymises again every person erased since — the erasure
  journal beside the database (``_backups_journal``) remembers them.

The folder should be per database (``…/backups/<name of the base>/``): rotation considers
every ``asr-*.db`` file in it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from asr_desktop.domain.backups import (
    RetentionPolicy,
    RotationPlan,
    backup_due,
    backup_name,
    interval_in_force,
    parse_backup_name,
    plan_rotation,
)
from asr_desktop.domain.errors import Conflict, ValidationError
from asr_desktop.persistence.db import (
    Database,
    backup_database,
    check_before_opening,
    make_engine,
)
from asr_desktop.persistence.storage_errors import disk_full_guard
from asr_desktop.services._backups_files import (
    RestoreReport,
    remove_with_sidecars,
    restore_backup,
)
from asr_desktop.services._backups_journal import (
    ErasureJournal,
    anonymised_participants,
    journal_path_for,
    sync_directory,
)
from asr_desktop.services._backups_listing import (
    BackupFile,
    Verifier,
    backups_in,
    first_verified,
    listing,
)
from asr_desktop.services.maintenance import MaintenanceService
from asr_desktop.services.settings import ParameterService

__all__ = [
    "BackupFile",
    "BackupService",
    "RestoreReport",
    "backup_file",
    "default_backup_folder",
    "list_backups",
    "newest_verified",
    "restore_backup",
]

log = logging.getLogger(__name__)

BACKUP_FULL_MESSAGE = (
    "Le disque est plein : la sauvegarde n'a pas pu être faite. La base elle-même n'est pas "
    "touchée. Libérez de la place sur le disque, puis recommencez."
)
#: A ``.partiel`` file older than this is what a killed backup left: rotation removes it.
_STALE_PARTIAL = timedelta(hours=1)


def default_backup_folder(database_path: str | Path) -> Path:
    """``<folder of the base>/backups/<name of the base>``: one folder per database (the
    rotation treats every backup of the folder as its own), where the start-up gate looks
    (``startup.BACKUP_FOLDERS``) and what ``asr-desktop check`` reports on."""
    database_path = Path(database_path)
    return database_path.parent / "backups" / database_path.stem


def list_backups(folder: str | Path, key: bytes | None = None) -> list[BackupFile]:
    """The backups of ``folder``, newest first, each with its check (``key``: the database
    key of encrypted backups). Usable without an open database (start-up gate)."""
    folder = Path(folder)
    return listing(folder, Verifier(folder, key))


def newest_verified(folder: str | Path, key: bytes | None = None) -> BackupFile | None:
    """The newest backup of ``folder`` that passes the checks (older ones are only read if
    the newer fail)."""
    folder = Path(folder)
    return first_verified(folder, Verifier(folder, key))


def backup_file(
    source: str | Path,
    destination: str | Path,
    *,
    key: bytes | None = None,
    overwrite: bool = False,
) -> BackupFile:
    """One backup of the database file ``source`` to a chosen file (``asr-desktop backup``),
    read through a read-only connection after the start-up gate's checks: the database is
    never written, whatever its schema version. Encrypted (same key) when the base is."""
    source, destination = Path(source), Path(destination)
    if not source.is_file():
        raise ValidationError(f"La base {source} n'existe pas.", "db")
    if destination.exists():
        if destination.resolve() == source.resolve():
            raise ValidationError("La sauvegarde ne peut pas remplacer la base elle-même.", "out")
        if not overwrite:
            raise Conflict(f"Le fichier {destination} existe déjà.")
    check_before_opening(source, key)
    engine = make_engine(source, key, read_only=True)
    try:
        with disk_full_guard(BACKUP_FULL_MESSAGE):
            backup_database(engine, destination)
    except BaseException:
        remove_with_sidecars(destination.with_name(destination.name + ".partiel"))
        raise
    finally:
        engine.dispose()
    log.info("Sauvegarde vers un fichier choisi : %d octets", destination.stat().st_size)
    return BackupFile(
        destination, datetime.now().replace(microsecond=0), destination.stat().st_size, True
    )


class BackupService:
    def __init__(
        self,
        database: Database,
        folder: str | Path,
        *,
        user_id: int | None = None,
        journal_path: str | Path | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._database = database
        self._folder = Path(folder)
        self._user_id = user_id
        self._clock = clock
        self._key = database.key
        self._journal = ErasureJournal(journal_path or journal_path_for(database.path))
        self._maintenance = MaintenanceService(database)
        self._parameters = ParameterService(database.sessions, user_id)
        self._verifier = Verifier(self._folder, self._key)
        self._watch = database.engine.raw_connection()  # for PRAGMA data_version only
        self._version_at_backup: int | None = None

    @property
    def folder(self) -> Path:
        return self._folder

    @property
    def journal_path(self) -> Path:
        return self._journal.path

    def close(self) -> None:
        """Release the watching connection (before closing or replacing the database)."""
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    # --- making backups -----------------------------------------------------------------

    def _data_version(self) -> int | None:
        if self._watch is None:
            return None
        return int(self._watch.driver_connection.execute("PRAGMA data_version").fetchone()[0])

    def has_changed(self) -> bool:
        """True when something was committed since this service's last backup (always true
        before its first one)."""
        return self._version_at_backup is None or self._data_version() != self._version_at_backup

    def _free_name(self, moment: datetime) -> Path:
        sequence = 1
        while True:
            path = self._folder / backup_name(moment, sequence)
            partial = path.with_name(path.name + ".partiel")
            if not path.exists() and not partial.exists():
                return path
            sequence += 1

    def backup_now(self, reason: str = "manuelle") -> BackupFile:
        """Back up now into the folder (checked, then renamed), then rotate the folder.
        Raises ``DiskFull`` (nothing left behind) when the disk refuses the copy."""
        moment = self._clock().replace(microsecond=0)
        self._folder.mkdir(parents=True, exist_ok=True)
        destination = self._free_name(moment)
        version = self._data_version()  # read first: a commit during the copy counts next time
        started = datetime.now()
        try:
            with disk_full_guard(BACKUP_FULL_MESSAGE):
                self._maintenance.backup_to(destination)
                sync_directory(self._folder)
        except BaseException:
            remove_with_sidecars(destination.with_name(destination.name + ".partiel"))
            raise
        self._version_at_backup = version
        self._verifier.remember_sound(destination)
        seconds = (datetime.now() - started).total_seconds()
        size = destination.stat().st_size
        log.info(
            "Sauvegarde (%s) : %s, %d octets en %.2f s", reason, destination.name, size, seconds
        )
        self.sync_erasure_journal()
        self.rotate(moment)
        return BackupFile(destination, moment, size, True)

    def maybe_backup(
        self,
        now: datetime | None = None,
        *,
        reason: str = "automatique",
        ignore_interval: bool = False,
    ) -> BackupFile | None:
        """Back up when the data changed since the last backup and the interval in force
        (``backup.interval_minutes``) has passed since the newest backup of the folder;
        ``ignore_interval`` for the backup at close. None when nothing was due."""
        now = now or self._clock()
        newest = max(backups_in(self._folder).values(), default=None)
        interval = 0
        if not ignore_interval:
            interval = interval_in_force(self._parameters.list_all(), now.date())
        if not backup_due(newest, now, interval, self.has_changed()):
            return None
        return self.backup_now(reason)

    # --- the folder ---------------------------------------------------------------------

    def policy(self, now: datetime | None = None) -> RetentionPolicy:
        """The rotation rules in force (dated parameters ``backup.*``)."""
        on = (now or self._clock()).date()
        return RetentionPolicy.from_parameters(self._parameters.list_all(), on)

    def rotate(self, now: datetime | None = None) -> RotationPlan:
        """Delete the backups the policy no longer keeps, and what killed backups left."""
        now = now or self._clock()
        plan = plan_rotation(backups_in(self._folder), now, self.policy(now))
        for name in plan.delete:
            remove_with_sidecars(self._folder / name)
        for partial in self._folder.glob("asr-*.db.partiel"):
            taken = parse_backup_name(partial.name.removesuffix(".partiel"))
            if taken is not None and taken < now - _STALE_PARTIAL:
                partial.unlink(missing_ok=True)
        if plan.delete:
            log.info(
                "Rotation des sauvegardes : %d supprimée(s) dont %d trop ancienne(s), %d gardée(s)",
                len(plan.delete),
                len(plan.expired),
                len(plan.keep),
            )
        return plan

    def list_backups(self) -> list[BackupFile]:
        """The backups of the folder, newest first, each checked (read in full once per file:
        the results are kept in ``verifications.json``)."""
        return listing(self._folder, self._verifier)

    def newest_verified(self) -> BackupFile | None:
        """The newest backup of the folder that passes the checks."""
        return first_verified(self._folder, self._verifier)

    # --- erasures and restore -----------------------------------------------------------

    def sync_erasure_journal(self) -> int:
        """Journal every anonymisation of the database not yet journalled (call it after an
        anonymisation); returns how many were added."""
        with disk_full_guard():
            return self._journal.merge(anonymised_participants(self._database.sessions))

    def restore(self, backup: str | Path, target: str | Path | None = None) -> RestoreReport:
        """Put ``backup`` in place of ``target`` (by default this service's database, which
        is then closed: the caller opens the restored file again). The people erased since
        the backup are anonymised again."""
        target = Path(target) if target is not None else Path(self._database.path)
        self.sync_erasure_journal()
        if target.resolve() == Path(self._database.path).resolve():
            self.close()
            self._database.close()
        return restore_backup(
            backup,
            target,
            key=self._key,
            journal_path=self._journal.path,
            user_id=self._user_id,
            clock=self._clock,
        )
