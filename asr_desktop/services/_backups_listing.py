"""The backups of a folder and whether each passed the checks — without reading hundreds of
megabytes at every listing.

Checking a backup in full (the start-up gate: ``quick_check``…) reads the whole file: about
3 s for the « large » base. So the result is remembered in ``verifications.json`` in the
folder, per file name with the size and modification time it had: a file is read in full
once (at creation for the backups this program makes), and again only if it changed.
Restoring always checks the chosen file again in full.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asr_desktop.domain.backups import newest_first, parse_backup_name
from asr_desktop.domain.errors import DomainError
from asr_desktop.services._backups_files import backup_problems
from asr_desktop.services._backups_journal import write_json_atomically

log = logging.getLogger(__name__)

MANIFEST_NAME = "verifications.json"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class BackupFile:
    """One backup of the folder: when it was taken (from its name), its size, and whether it
    passed the checks of the start-up gate (``problems`` says why not, in French)."""

    path: Path
    taken_at: datetime
    size: int
    verified: bool
    problems: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name


def backups_in(folder: Path) -> dict[str, datetime]:
    """File name → moment taken, for every ``asr-AAAAMMJJ-HHMMSS.db`` of ``folder``."""
    if not folder.is_dir():
        return {}
    found = {}
    for entry in os.scandir(folder):
        taken = parse_backup_name(entry.name)
        if taken is not None and entry.is_file():
            found[entry.name] = taken
    return found


class Verifier:
    """Check results of one folder, kept in its manifest. A result obtained without the key
    of an encrypted file is never reused with the key, nor the reverse."""

    def __init__(self, folder: Path, key: bytes | None):
        self._folder = folder
        self._key = key
        self._manifest = folder / MANIFEST_NAME
        self._known: dict[str, dict] | None = None
        self._dirty = False

    def _entries(self) -> dict[str, dict]:
        if self._known is None:
            try:
                data = json.loads(self._manifest.read_text(encoding="utf-8"))
                self._known = dict(data.get("checked", {}))
            except (OSError, ValueError, AttributeError):
                self._known = {}  # no manifest yet, or unreadable: check again
        return self._known

    def refresh(self) -> None:
        """Read the manifest again at the next check (another program may have added to it)."""
        if not self._dirty:
            self._known = None

    def _signature(self, path: Path) -> dict:
        stat = path.stat()
        return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "key": self._key is not None}

    def problems(self, path: Path) -> tuple[int, tuple[str, ...]]:
        """(size, problems) of a backup, read in full only when not known as it is."""
        signature = self._signature(path)
        known = self._entries().get(path.name)
        if known is not None and all(known.get(k) == v for k, v in signature.items()):
            return signature["size"], tuple(known.get("problems", ()))
        problems = backup_problems(path, self._key)
        self._entries()[path.name] = {**signature, "problems": list(problems)}
        self._dirty = True
        return signature["size"], problems

    def remember_sound(self, path: Path) -> None:
        """A backup this program just made and checked."""
        self._entries()[path.name] = {**self._signature(path), "problems": []}
        self._dirty = True
        self.save()

    def save(self) -> None:
        """Write the manifest if something was learnt (names no longer there are dropped);
        a manifest that cannot be written only costs a new check next time."""
        if not self._dirty:
            return
        present = backups_in(self._folder)
        checked = {name: v for name, v in self._entries().items() if name in present}
        try:
            write_json_atomically(self._manifest, {"format": FORMAT_VERSION, "checked": checked})
        except (OSError, DomainError) as exc:
            log.warning("Sauvegardes : registre des vérifications non écrit (%s)", exc)
            return
        self._dirty = False


def listing(folder: Path, verifier: Verifier) -> list[BackupFile]:
    """The backups of ``folder``, newest first, each with its check."""
    verifier.refresh()
    taken = backups_in(folder)
    files = []
    for name in newest_first(taken):
        path = folder / name
        try:
            size, problems = verifier.problems(path)
        except FileNotFoundError:  # rotated away meanwhile
            continue
        files.append(BackupFile(path, taken[name], size, not problems, problems))
    verifier.save()
    return files


def first_verified(folder: Path, verifier: Verifier) -> BackupFile | None:
    """The newest backup that passes the checks; older ones are only read if needed."""
    verifier.refresh()
    taken = backups_in(folder)
    try:
        for name in newest_first(taken):
            path = folder / name
            try:
                size, problems = verifier.problems(path)
            except FileNotFoundError:
                continue
            if not problems:
                return BackupFile(path, taken[name], size, True)
        return None
    finally:
        verifier.save()
