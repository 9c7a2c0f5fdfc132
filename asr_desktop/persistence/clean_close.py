"""The stamp of a clean close: what lets the next start skip reading the whole file.

The start-up gate reads every page of the database (``quick_check``, and for SQLCipher the
HMAC of every page): about a second per 400 MB, the largest part of the start on a large
base. A file that the program itself closed cleanly, verified at most ``MAX_AGE`` ago, and
not touched since (same size, same modification time to the nanosecond, no journal left)
cannot have been damaged by the program or by a crash — so the gate trusts it and checks
only its identity. Anything else — a crash, a copy, an edit by another program, a restore,
a week gone by — brings the full check back.

The stamp is ``<base>.controle`` beside the database: JSON with the size, the modification
time and the date of the last full check; no personal data. Opening the base for writing
removes it first, so a crash never leaves a stamp that vouches for a file being written.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

STAMP_SUFFIX = ".controle"
MAX_AGE = timedelta(days=7)
_JOURNALS = ("-wal", "-journal")


def stamp_path(database: str | Path) -> Path:
    return Path(str(database) + STAMP_SUFFIX)


def _journal_left(database: Path) -> bool:
    for suffix in _JOURNALS:
        journal = Path(str(database) + suffix)
        if journal.exists() and journal.stat().st_size > 0:
            return True
    return False


def trusted_since(database: str | Path, now: datetime | None = None) -> datetime | None:
    """When the file was last fully checked, if its clean-close stamp still vouches for it;
    None when the full check is due."""
    database = Path(database)
    try:
        stamp = json.loads(stamp_path(database).read_text(encoding="utf-8"))
        status = database.stat()
        verified_at = datetime.fromisoformat(stamp["verified_at"])
        same = stamp["size"] == status.st_size and stamp["mtime_ns"] == status.st_mtime_ns
    except (OSError, ValueError, KeyError, TypeError):
        return None
    now = now or datetime.now()
    if not same or _journal_left(database) or not (now - MAX_AGE <= verified_at <= now):
        return None
    return verified_at


def forget(database: str | Path) -> None:
    """Before writing: the stamp no longer vouches for anything."""
    try:
        stamp_path(database).unlink(missing_ok=True)
    except OSError:
        log.warning("témoin de fermeture impossible à retirer")


def write_stamp(database: str | Path, verified_at: datetime) -> bool:
    """After a clean close (every connection closed): vouch for the file as it is now.
    Nothing is written when a journal is left (the close was not complete)."""
    database = Path(database)
    try:
        if not database.exists() or _journal_left(database):
            return False
        status = database.stat()
        data = {
            "size": status.st_size,
            "mtime_ns": status.st_mtime_ns,
            "verified_at": verified_at.isoformat(timespec="seconds"),
        }
        partial = Path(str(stamp_path(database)) + ".partiel")
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, stamp_path(database))
    except OSError:
        log.warning("témoin de fermeture impossible à écrire")
        return False
    return True
