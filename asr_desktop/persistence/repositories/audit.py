"""Repository of the audit trail: entries chained by hash (``domain.audit_chain``).

``append`` writes in the caller's transaction, after the change it records, so the entry and the
change are committed or rolled back together. The chain is in id order: each entry's
``prev_hash`` is the ``hash`` of the entry with the highest id before it (``GENESIS`` for the
first). Reading the last hash after the change has been flushed means this transaction already
holds SQLite's write lock, so no other writer can slip an entry in between.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from asr_desktop.domain.audit_chain import GENESIS, ChainLink, entry_hash
from asr_desktop.domain.enums import AuditAction
from asr_desktop.domain.model import AuditEntry
from asr_desktop.persistence.models import AuditEntryRow

#: Longest detail the column holds; a longer one is cut (it only lists ids and field names).
DETAIL_MAX = 300
_BATCH = 2000


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
        if detail is not None and len(detail) > DETAIL_MAX:
            detail = detail[: DETAIL_MAX - 1] + "…"
        self._s.flush()  # the change being recorded first: this takes the write lock
        previous = self._s.scalar(
            select(AuditEntryRow.hash).order_by(AuditEntryRow.id.desc()).limit(1)
        )
        prev_hash = previous or GENESIS
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
    ) -> list[AuditEntry]:
        """Entries, most recent first."""
        query = select(AuditEntryRow).order_by(AuditEntryRow.id.desc())
        if entity is not None:
            query = query.where(AuditEntryRow.entity == entity)
        if entity_id is not None:
            query = query.where(AuditEntryRow.entity_id == entity_id)
        if user_id is not None:
            query = query.where(AuditEntryRow.user_id == user_id)
        if since is not None:
            query = query.where(AuditEntryRow.at >= since)
        if limit is not None:
            query = query.limit(limit)
        return [audit_to_domain(r) for r in self._s.scalars(query)]

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
