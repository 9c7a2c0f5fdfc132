"""The start-up gate around the database file: where it may live, what state it is in, and
what to do with a file that must not be opened (domain.md §7, architecture §3.4.9).

- ``location_problem``: a database on a network share (UNC path, mapped network drive, Linux
  nfs/cifs/sshfs mount) or in a folder synchronised by OneDrive, Dropbox, Google Drive or
  iCloud is refused with a French explanation — SQLite's locks and its WAL journal do not work
  there, and the synchronisation copies a file while it is being written.
- ``examine``: before any write, what the file is: missing (first start), plain, encrypted
  (sign in first) or unfit to open (with the French reason).
- ``set_aside``: an unfit file is renamed with a dated name (``base.db`` →
  ``base.db.ecartee-20261125-0930``), its journal files and key file with it, content
  untouched; ``backup_candidates`` lists the backups that pass the same gate, newest first,
  and ``restore_backup`` puts one in its place.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path, PurePath, PureWindowsPath

from asr_desktop.domain.errors import Conflict, DatabaseRefused
from asr_desktop.persistence import clean_close, keyslots
from asr_desktop.persistence.cipher import is_encrypted
from asr_desktop.persistence.db import (
    DatabaseDamaged,
    HealthReport,
    KeyRequired,
    check_before_opening,
    check_database,
)

ASIDE_MARK = ".ecartee-"
SIDE_FILES = ("-wal", "-shm", "-journal")
#: Where backups are looked for, relative to the database's folder ("" = the folder itself;
#: ``{stem}``/``{name}``: those of the database): services.backups keeps its rotated
#: ``asr-AAAAMMJJ-HHMMSS.db`` files in a folder per database.
BACKUP_FOLDERS = ("", "sauvegardes", "backups/{stem}", "backups/{name}")
#: Names of backups (``{stem}``/``{suffix}``: those of the database): before a migration
#: (db.migrate_database), automatic ones, and the name « Fichier → Sauvegarder la base… »
#: suggests.
BACKUP_PATTERNS = (
    "{stem}.avant-migration-*{suffix}",
    "{stem}.sauvegarde-*{suffix}",
    "asr-sauvegarde-*.db",
    "asr-[0-9]*.db",  # services.backups (domain.backups.backup_name)
)
#: At most this many recent files are verified when looking for a backup to offer.
MAX_VERIFIED_BACKUPS = 20
_NOT_BACKUPS = (ASIDE_MARK, ".partiel", ".en-cours", ".lock", keyslots.SLOTS_SUFFIX, *SIDE_FILES)

#: Folder names of the synchronisation clients (compared without case).
CLOUD_FOLDERS = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "mon drive": "Google Drive",
    "my drive": "Google Drive",
    "icloud drive": "iCloud",
    "iclouddrive": "iCloud",
    "com~apple~clouddocs": "iCloud",
}
#: Linux file systems that live on another machine.
NETWORK_FILE_SYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "afs", "ncpfs", "ceph",
     "glusterfs", "fuse.glusterfs", "davfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs",
     "9p.network", "lustre", "gpfs", "beegfs"}
)  # fmt: skip
DRIVE_REMOTE = 4  # GetDriveTypeW
_LOCAL_ADVICE = (
    "Choisissez un dossier local de cet ordinateur (par défaut, le dossier de données "
    "d'ASR Desktop), puis faites des sauvegardes vers le partage si besoin."
)


# --- where the database may live -------------------------------------------------------------


def _windows_drive_type(root: str) -> int:
    import ctypes  # Windows only: kernel32

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


def _mount_points(mounts_text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) of each line of ``/proc/mounts``."""
    points = []
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
            points.append((point, fields[2]))
    return points


def _file_system_of(path: str, mounts_text: str) -> str | None:
    """The type of the file system holding ``path`` (longest mount point that contains it)."""
    best, kind = -1, None
    for point, fs_type in _mount_points(mounts_text):
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) > best:
            best, kind = len(point), fs_type
    return kind


def _real_path(path: Path) -> Path:
    """``path`` with the links of its existing part resolved (the rest may not exist yet)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate.resolve() / path.relative_to(candidate)
    return path


def location_problem(
    path: str | PurePath,
    *,
    platform: str | None = None,
    mounts_text: str | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> str | None:
    """Why the database must not live at ``path`` (French), or None. ``platform``,
    ``mounts_text`` (``/proc/mounts``) and ``drive_type`` (``GetDriveTypeW``) are read from
    the system unless given (tests give them)."""
    platform = platform or sys.platform
    windows = platform.startswith("win")
    text = str(path)
    shown = text
    if windows or text.startswith("\\\\"):
        pure = PureWindowsPath(text)
        if pure.drive.startswith("\\\\") or text.startswith("//"):
            return (
                f"La base ne peut pas être ouverte depuis un dossier réseau ({pure.drive or text}) "
                ": SQLite y perd ses verrous et son journal, et deux postes pourraient "
                f"l'abîmer en l'écrivant ensemble. {_LOCAL_ADVICE}"
            )
        if windows and pure.drive:
            kind = (drive_type or _windows_drive_type)(pure.drive + "\\")
            if kind == DRIVE_REMOTE:
                return (
                    f"Le lecteur {pure.drive} est un lecteur réseau : la base ne peut pas y "
                    "être placée, SQLite y perd ses verrous et son journal. " + _LOCAL_ADVICE
                )
        parts = pure.parts
    else:
        parts = PurePath(text).parts
    for part in parts:
        folded = part.casefold()
        for marker, service in CLOUD_FOLDERS.items():
            if (
                folded == marker
                or folded.startswith(marker + " ")
                or folded.startswith(marker + "-")
            ):
                return (
                    f"Le dossier « {part} » est synchronisé par {service} : la synchronisation "
                    "copie la base pendant qu'elle est écrite (risque de fichier abîmé ou de "
                    "copies en conflit) et emporte des données personnelles hors du poste. "
                    + _LOCAL_ADVICE
                )
    if platform.startswith("linux"):
        if mounts_text is None:
            try:
                mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
            except OSError:
                mounts_text = ""
        real = str(_real_path(Path(text))) if mounts_text else text
        fs_type = _file_system_of(real, mounts_text)
        if fs_type is not None and (
            fs_type in NETWORK_FILE_SYSTEMS or fs_type.startswith(("nfs", "cifs", "smb"))
        ):
            return (
                f"Le dossier de {shown} est un partage réseau ({fs_type}) : SQLite y perd ses "
                f"verrous et son journal. {_LOCAL_ADVICE}"
            )
    return None


# --- what the file is ------------------------------------------------------------------------


class FileState(StrEnum):
    NEW = "nouvelle"  # no file: first start
    PLAIN = "en clair"
    ENCRYPTED = "chiffrée"  # sign in, then the gate runs with the key
    UNFIT = "inutilisable"  # the gate refused it: set aside and offer a backup


@dataclass(frozen=True)
class Examination:
    path: Path
    state: FileState
    problem: str | None = None  # French, when UNFIT


def examine(path: str | Path) -> Examination:
    """The file's state before anything is written. A plain file passes the whole gate here;
    an encrypted one (any file with a key file beside it) only after sign-in."""
    path = Path(path)
    if not path.exists():
        return Examination(path, FileState.NEW)
    if not path.is_file():
        return Examination(path, FileState.UNFIT, f"{path} n'est pas un fichier.")
    if keyslots.has_slots(path):
        return Examination(path, FileState.ENCRYPTED)
    try:
        check_before_opening(path)
    except KeyRequired:
        return Examination(path, FileState.ENCRYPTED)
    except DatabaseRefused as refused:
        return Examination(path, FileState.UNFIT, str(refused))
    return Examination(path, FileState.PLAIN)


def inspect_file(path: str | Path, key: bytes | None = None) -> HealthReport:
    """Read-only examination (``asr-desktop check``); ``key`` for an encrypted file, whose
    report otherwise only says that it is encrypted."""
    return check_database(path, key)


# --- set aside, backups, restore -------------------------------------------------------------


def _move(source: Path, target: Path) -> None:
    if source.exists():
        os.replace(source, target)


def set_aside(path: str | Path, *, keep_key_file: bool = True, now: datetime | None = None) -> Path:
    """Rename an unfit database (and its ``-wal``/``-shm`` files) to a dated name beside it;
    its bytes are not changed. The key file is copied beside the set-aside file (it still
    opens with the same passwords) and stays in place when ``keep_key_file`` (a backup under
    the same key may be restored), or is moved with it. Returns the new name."""
    path = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M")
    target = path.with_name(f"{path.name}{ASIDE_MARK}{stamp}")
    number = 2
    while target.exists() or keyslots.has_slots(target):
        target = path.with_name(f"{path.name}{ASIDE_MARK}{stamp}-{number}")
        number += 1
    clean_close.forget(path)  # a file set aside is vouched for by nobody
    os.replace(path, target)
    for suffix in SIDE_FILES:
        _move(Path(str(path) + suffix), Path(str(target) + suffix))
    keys = keyslots.slots_path(path)
    if keys.exists():
        if keep_key_file:
            shutil.copy2(keys, keyslots.slots_path(target))
        else:
            os.replace(keys, keyslots.slots_path(target))
    return target


@dataclass(frozen=True)
class BackupCandidate:
    path: Path
    taken_at: datetime  # the file's modification time
    encrypted: bool


def _backup_files(path: Path, folders: Iterable[Path] | None) -> list[Path]:
    if folders is None:
        names = [f.format(stem=path.stem, name=path.name) for f in BACKUP_FOLDERS]
        folders = [path.parent / name if name else path.parent for name in dict.fromkeys(names)]
    patterns = [p.format(stem=path.stem, suffix=path.suffix) for p in BACKUP_PATTERNS]
    found: dict[Path, None] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for pattern in patterns:
            for file in folder.glob(pattern):
                if (
                    file.is_file()
                    and file != path
                    and not any(m in file.name for m in _NOT_BACKUPS)
                ):
                    found[file] = None
    return sorted(found, key=lambda f: f.stat().st_mtime, reverse=True)


def backup_candidates(
    path: str | Path, key: bytes | None = None, *, folders: Iterable[Path] | None = None
) -> list[BackupCandidate]:
    """Backups of the database at ``path`` that pass the start-up gate, newest first: with
    ``key``, the encrypted copies that open with it; without, the plain copies. Looked for in
    ``folders`` (default: the database's folder and its ``sauvegardes`` sub-folder)."""
    path = Path(path)
    out = []
    for file in _backup_files(path, folders)[:MAX_VERIFIED_BACKUPS]:
        encrypted = is_encrypted(file)
        if encrypted != (key is not None):
            continue
        try:
            check_before_opening(file, key)
        except DatabaseRefused:
            continue
        out.append(BackupCandidate(file, datetime.fromtimestamp(file.stat().st_mtime), encrypted))
    return out


def restore_backup(candidate: BackupCandidate, path: str | Path, key: bytes | None = None) -> Path:
    """Copy ``candidate`` to ``path`` (which must be free: set the old file aside first),
    through a temporary name checked before it gets the final name; the people erased since
    that backup (journal beside ``path``) are erased again in the copy."""
    from asr_desktop.services._backups_files import restore_backup as restore_with_erasures

    path = Path(path)
    if path.exists():
        raise Conflict(f"La base {path.name} existe encore : mettez-la d'abord de côté.")
    return restore_with_erasures(
        candidate.path, path, key=key if candidate.encrypted else None
    ).database


def remove_database_files(path: str | Path) -> None:
    """Delete a database, its journal files and its key file (a creation that failed)."""
    path = Path(path)
    clean_close.forget(path)
    for file in (path, *(Path(str(path) + s) for s in SIDE_FILES), keyslots.slots_path(path)):
        with contextlib.suppress(FileNotFoundError):
            file.unlink()


def refusal_text(problem: str, candidates: list[BackupCandidate]) -> str:
    """The French explanation of an unfit file, naming the newest verified backup."""
    text = f"{problem} Le fichier n'a pas été modifié."
    if candidates:
        newest = candidates[0]
        text += (
            f" Sauvegarde vérifiée la plus récente : {newest.path.name} "
            f"({newest.taken_at:%d/%m/%Y à %H:%M})."
        )
    else:
        text += " Aucune sauvegarde vérifiée n'a été trouvée à côté de la base."
    return text


__all__ = [
    "BackupCandidate",
    "DatabaseDamaged",
    "Examination",
    "FileState",
    "backup_candidates",
    "examine",
    "inspect_file",
    "location_problem",
    "refusal_text",
    "remove_database_files",
    "restore_backup",
    "set_aside",
]
