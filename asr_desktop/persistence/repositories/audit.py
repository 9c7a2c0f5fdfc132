"""Repository of the audit trail: entries chained by hash (``domain.audit_chain``).

``append`` writes in the caller's transaction, after the change it records, so the entry and the
change are committed or rolled back together. The chain is in id order: each entry's
``prev_hash`` is the ``hash`` of the entry with the highest id before it (``GENESIS`` for the
first). Reading the last hash after the change has been flushed means this transaction already
holds SQLite's write lock, so no other writer can slip an entry in between.

Entries are never changed. The only deletion is :meth:`AuditRepository.purge_before`, which
removes the oldest entries (a prefix of the chain) past the retention period and appends one
entry recording it, whose detail carries the *anchor*: the hash of the last entry removed,
which the first entry kept points to. Verification then starts from the anchor of the latest
purge entry instead of ``GENESIS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from asr_desktop.domain.audit_chain import GENESIS, ChainLink, entry_hash
from asr_desktop.domain.enums import AuditAction
from asr_desktop.domain.model import AuditEntry
from asr_desktop.persistence.models import AuditEntryRow

#: Longest detail the column holds; a longer one is cut (it only lists ids and field names).
DETAIL_MAX = 300
_BATCH = 2000
#: The purge entry: a deletion of audit entries, with the number removed and the anchor.
PURGE_ENTITY = "audit_entry"
_ANCHOR = re.compile(r"ancre ([0-9a-f]{64})$")


@dataclass(frozen=True, slots=True)
class PurgedPrefix:
    """What a purge removed: how many entries, up to which id, and that entry's hash."""

    count: int
    last_id: int
    anchor: str


def purge_detail(count: int, anchor: str) -> str:
    return f"purge de {count} entrées anciennes ; ancre {anchor}"


def audit_to_domain(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        action=AuditAction(row.action),
        entity=row.entity,
        entity_id=row.entity_id,
        user_id=row.user_id,
        detail=row.detail,
    )


class AuditRepository:
    def __init__(self, session: Session):
        self._s = session

    def append(
        self,
        user_id: int | None,
        action: AuditAction,
        entity: str,
        entity_id: int | None,
        detail: str | None = None,
    ) -> AuditEntry:
        """Add an entry at the end of the chain, stamped now (to the second)."""
        self._s.flush()  # the change being recorded first: this takes the write lock
        previous = self._s.scalar(
            select(AuditEntryRow.hash).order_by(AuditEntryRow.id.desc()).limit(1)
        )
        return self._add(previous or GENESIS, user_id, action, entity, entity_id, detail)

    def append_many(
        self,
        user_id: int | None,
        action: AuditAction,
        entity: str,
        entries: list[tuple[int | None, str | None]],
    ) -> int:
        """:meth:`append` for many (entity id, detail) pairs of one action at once: the
        same chain, written with one statement. Returns how many were added."""
        if not entries:
            return 0
        self._s.flush()
        previous = (
            self._s.scalar(select(AuditEntryRow.hash).order_by(AuditEntryRow.id.desc()).limit(1))
            or GENESIS
        )
        at = datetime.now().replace(microsecond=0)
        rows = []
        for entity_id, detail in entries:
            if detail is not None and len(detail) > DETAIL_MAX:
                detail = detail[: DETAIL_MAX - 1] + "…"
            digest = entry_hash(previous, at, user_id, action.value, entity, entity_id, detail)
            rows.append(
                {
                    "at": at,
                    "user_id": user_id,
                    "action": action.value,
                    "entity": entity,
                    "entity_id": entity_id,
                    "detail": detail,
                    "prev_hash": previous,
                    "hash": digest,
                }
            )
            previous = digest
        self._s.execute(insert(AuditEntryRow), rows)
        return len(rows)

    def _add(
        self,
        prev_hash: str,
        user_id: int | None,
        action: AuditAction,
        entity: str,
        entity_id: int | None,
        detail: str | None,
    ) -> AuditEntry:
        if detail is not None and len(detail) > DETAIL_MAX:
            detail = detail[: DETAIL_MAX - 1] + "…"
        at = datetime.now().replace(microsecond=0)
        row = AuditEntryRow(
            at=at,
            user_id=user_id,
            action=action.value,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            prev_hash=prev_hash,
            hash=entry_hash(prev_hash, at, user_id, action.value, entity, entity_id, detail),
        )
        self._s.add(row)
        self._s.flush()
        return audit_to_domain(row)

    def list(
        self,
        entity: str | None = None,
        entity_id: int | None = None,
        user_id: int | None = None,
        since: datetime | None = None,
        limit: int | None = None,
        *,
        action: AuditAction | None = None,
        until: datetime | None = None,
        without_user: bool = False,
    ) -> list[AuditEntry]:
        """Entries, most recent first; ``since`` inclusive, ``until`` exclusive;
        ``without_user``: only those written without a signed-in user."""
        query = select(AuditEntryRow).order_by(AuditEntryRow.id.desc())
        if entity is not None:
            query = query.where(AuditEntryRow.entity == entity)
        if entity_id is not None:
            query = query.where(AuditEntryRow.entity_id == entity_id)
        if user_id is not None:
            query = query.where(AuditEntryRow.user_id == user_id)
        if without_user:
            query = query.where(AuditEntryRow.user_id.is_(None))
        if action is not None:
            query = query.where(AuditEntryRow.action == action.value)
        if since is not None:
            query = query.where(AuditEntryRow.at >= since)
        if until is not None:
            query = query.where(AuditEntryRow.at < until)
        if limit is not None:
            query = query.limit(limit)
        return [audit_to_domain(r) for r in self._s.scalars(query)]

    def entities(self) -> list[str]:
        """The kinds of record the trail speaks of, for the filters."""
        query = select(AuditEntryRow.entity).distinct().order_by(AuditEntryRow.entity)
        return list(self._s.scalars(query))

    def count(self) -> int:
        return self._s.scalar(select(func.count()).select_from(AuditEntryRow)) or 0

    def get(self, entry_id: int) -> AuditEntry | None:
        row = self._s.get(AuditEntryRow, entry_id)
        return audit_to_domain(row) if row else None

    # --- purge ------------------------------------------------------------------------------

    def purgeable(self, cutoff: datetime) -> tuple[int, int] | None:
        """(count, last id) of the oldest entries a purge at ``cutoff`` removes: every entry
        before the first one stamped at or after ``cutoff`` (a clock set back cannot make the
        purge cut a hole in the chain). None when there are none."""
        boundary = self._s.scalar(
            select(func.min(AuditEntryRow.id)).where(AuditEntryRow.at >= cutoff)
        )
        query = select(func.count(), func.max(AuditEntryRow.id))
        if boundary is not None:
            query = query.where(AuditEntryRow.id < boundary)
        count, last_id = self._s.execute(query).one()
        return (count, last_id) if count else None

    def purge_before(
        self, cutoff: datetime, user_id: int | None
    ) -> tuple[PurgedPrefix, AuditEntry] | None:
        """Remove the entries :meth:`purgeable` names and append the entry recording it,
        anchored on the hash of the last one removed. None when there was nothing to remove."""
        found = self.purgeable(cutoff)
        if found is None:
            return None
        count, last_id = found
        anchor = self._s.scalar(select(AuditEntryRow.hash).where(AuditEntryRow.id == last_id))
        self._s.execute(delete(AuditEntryRow).where(AuditEntryRow.id <= last_id))
        purged = PurgedPrefix(count, last_id, anchor or GENESIS)
        previous = self._s.scalar(
            select(AuditEntryRow.hash).order_by(AuditEntryRow.id.desc()).limit(1)
        )
        entry = self._add(
            previous or purged.anchor,
            user_id,
            AuditAction.DELETE,
            PURGE_ENTITY,
            last_id,
            purge_detail(count, purged.anchor),
        )
        return purged, entry

    def chain_start(self) -> str:
        """The hash the first entry kept must point to: the anchor of the latest purge entry,
        or ``GENESIS`` when the trail was never purged."""
        detail = self._s.scalar(
            select(AuditEntryRow.detail)
            .where(
                AuditEntryRow.action == AuditAction.DELETE.value,
                AuditEntryRow.entity == PURGE_ENTITY,
            )
            .order_by(AuditEntryRow.id.desc())
            .limit(1)
        )
        found = _ANCHOR.search(detail or "")
        return found.group(1) if found else GENESIS

    def links(self) -> Iterator[ChainLink]:
        """Every entry as the hash chain sees it, in id order, read in batches."""
        columns = (
            AuditEntryRow.id,
            AuditEntryRow.at,
            AuditEntryRow.user_id,
            AuditEntryRow.action,
            AuditEntryRow.entity,
            AuditEntryRow.entity_id,
            AuditEntryRow.detail,
            AuditEntryRow.prev_hash,
            AuditEntryRow.hash,
        )
        last_id = 0
        while True:
            batch = self._s.execute(
                select(*columns)
                .where(AuditEntryRow.id > last_id)
                .order_by(AuditEntryRow.id)
                .limit(_BATCH)
            ).all()
            if not batch:
                return
            for row in batch:
                yield ChainLink(*row)
            last_id = batch[-1][0]
