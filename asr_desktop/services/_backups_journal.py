"""The erasure journal: which people were anonymised, and when — so that restoring an older
backup never brings one of them back (issue 6 point 4).

It lives in a small JSON file beside the database (``<base>.effacements.json``), out of the
backups' reach: a backup holds the state of its day, the journal the erasures made since.
It holds internal participant ids and dates only, never a name. It is filled from the
database itself (every record whose ``anonymised_at`` is set), at each backup, before each
restore and whenever the window calls ``BackupService.sync_erasure_journal`` after an
anonymisation; entries are never removed.

After a restore, every journalled id present and not anonymised in the restored file is
anonymised again through ``RightsService.anonymise_many`` (one transaction).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.persistence.models import ParticipantRow
from asr_desktop.persistence.repositories.rights import RightsRepository
from asr_desktop.persistence.storage_errors import disk_full_guard

log = logging.getLogger(__name__)

JOURNAL_SUFFIX = ".effacements.json"
FORMAT_VERSION = 1


def journal_path_for(database_path: str | Path) -> Path:
    """``/…/asr-desktop.db`` → ``/…/asr-desktop.db.effacements.json``."""
    path = Path(database_path)
    return path.with_name(path.name + JOURNAL_SUFFIX)


class ErasureJournal:
    """Participant id → moment of anonymisation, kept in a JSON file written atomically."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def entries(self) -> dict[int, datetime]:
        """What the file holds (empty when there is no file yet)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # never silently: a lost journal could let an erased person come back
            raise OSError(f"Journal des effacements illisible : {self.path.name} ({exc})") from exc
        return {
            int(item["participant_id"]): datetime.fromisoformat(item["anonymised_at"])
            for item in data.get("erasures", [])
        }

    def merge(self, found: Mapping[int, datetime]) -> int:
        """Add the erasures not yet journalled (an id already there keeps its first date);
        returns how many were added. The file is rewritten only when something is new."""
        known = self.entries()
        new = {pid: at for pid, at in found.items() if pid not in known}
        if not new:
            return 0
        known.update(new)
        self._write(known)
        log.info("Journal des effacements : %d ajout(s), %d au total", len(new), len(known))
        return len(new)

    def _write(self, erasures: Mapping[int, datetime]) -> None:
        data = {
            "format": FORMAT_VERSION,
            "about": "Dossiers anonymisés (identifiants internes) : une restauration les "
            "anonymise à nouveau. Aucun nom.",
            "erasures": [
                {"participant_id": pid, "anonymised_at": at.isoformat(timespec="seconds")}
                for pid, at in sorted(erasures.items())
            ],
        }
        write_json_atomically(self.path, data)


def write_json_atomically(path: Path, data: object) -> None:
    """Write ``data`` as JSON to ``path`` through a temporary file, flushed then renamed:
    the file is always whole, old or new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with disk_full_guard():
        handle, temporary = tempfile.mkstemp(
            prefix=path.name + ".", suffix=".partiel", dir=path.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        sync_directory(path.parent)


def sync_directory(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where directories cannot be
    opened, as on Windows, whose renames are journalled by NTFS)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def anonymised_participants(sessions: sessionmaker[Session]) -> dict[int, datetime]:
    """Every anonymised record of a database: id → moment of anonymisation."""
    # One read, ids and dates only; a candidate for RightsRepository once its owner adds it.
    query = select(ParticipantRow.id, ParticipantRow.anonymised_at).where(
        ParticipantRow.anonymised_at.is_not(None)
    )
    with sessions.begin() as s:
        return {pid: at for pid, at in s.execute(query)}


def to_reapply(sessions: sessionmaker[Session], erased: Iterable[int]) -> list[int]:
    """The journalled ids that a (restored) database holds and has not anonymised."""
    wanted = sorted(set(erased))
    if not wanted:
        return []
    with sessions.begin() as s:
        repo = RightsRepository(s)
        present = repo.exists(wanted)
        return [pid for pid in wanted if pid in present and not repo.is_anonymised(pid)]


def reapply_erasures(
    sessions: sessionmaker[Session], erased: Iterable[int], user_id: int | None
) -> list[int]:
    """Anonymise again, in one transaction, every journalled person the database brought
    back; returns their ids (ids only: never logged with anything else)."""
    from asr_desktop.services.rights import RightsService  # the one way to anonymise

    again = to_reapply(sessions, erased)
    if again:
        RightsService(sessions, user_id).anonymise_many(again)
    return again
