"""Automatic backups of the open database: one at start (after the gate and the sign-in),
one every few minutes when the data changed (the interval is a dated parameter, checked every
minute), one at close. The copies run on one background thread — a single writer, so two
backups never overlap — and the window never waits for them, except at close.

A failed backup is logged (no personal data: only the kind of error) and said in the status
bar; the program goes on, and the next attempt comes with the next change.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from asr_desktop.domain.errors import DomainError
from asr_desktop.services.backups import BackupService
from asr_desktop.services.backups import default_backup_folder as backup_folder

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 60_000


class AutoBackup(QObject):
    """Owns the ``BackupService`` of one open database and its timer."""

    #: French sentence for the status bar after each attempt.
    reported = Signal(str)

    def __init__(self, database, user_id: int | None, parent: QObject | None = None):
        super().__init__(parent)
        self.service = BackupService(database, backup_folder(Path(database.path)), user_id=user_id)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sauvegarde")
        self._pending: Future | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self._submit("démarrage", force=True)
        self.timer.start()

    def check(self) -> None:
        """What the timer does: a backup if the data changed and the interval has passed."""
        if self._pending is None or self._pending.done():
            self._submit("périodique", force=False)

    def wait(self) -> None:
        """Block until the backup under way, if any, is finished (tests, close)."""
        if self._pending is not None:
            self._pending.result()

    def stop(self) -> None:
        """At close: one last backup if anything changed since the previous one, then release
        the service. Waits for it: the data must be safe before the program ends."""
        self.timer.stop()
        try:
            self.wait()
            self._run("fermeture", force=False, ignore_interval=True)
        finally:
            self._worker.shutdown(wait=True)
            self.service.close()

    def _submit(self, reason: str, *, force: bool) -> None:
        self._pending = self._worker.submit(self._run, reason, force=force)

    def _run(self, reason: str, *, force: bool, ignore_interval: bool = False) -> None:
        try:
            self.service.sync_erasure_journal()  # erased people stay erased after a restore
            if force:
                made = self.service.backup_now(reason)
            else:
                made = self.service.maybe_backup(reason=reason, ignore_interval=ignore_interval)
        except (DomainError, OSError) as error:
            log.warning("sauvegarde automatique (%s) impossible : %s", reason, type(error).__name__)
            self.reported.emit(f"Sauvegarde automatique impossible : {error}")
            return
        if made is not None:
            log.info("sauvegarde automatique (%s) faite", reason)
            self.reported.emit("Base sauvegardée automatiquement.")
