"""The audit trail (product.md §2, domain.md §7.5): who created, changed, merged or deleted
which record, when — read back, and checked for tampering through its hash chain.

Entries are written by the other services, in their own transactions, through
``AuditRepository.append``; this service only reads them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain.audit_chain import first_break
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import AuditEntry
from asr_desktop.persistence.repositories.audit import AuditRepository

DEFAULT_LIMIT = 1000


class AuditService:
    def __init__(self, sessions: sessionmaker[Session], user_id: int | None = None):
        self._sessions = sessions
        self._user_id = user_id

    def list_entries(
        self,
        entity: str | None = None,
        user_id: int | None = None,
        since: datetime | None = None,
        limit: int | None = DEFAULT_LIMIT,
        *,
        entity_id: int | None = None,
    ) -> list[AuditEntry]:
        """Entries, most recent first: of one kind of record (``"participant"``,
        ``"placement"``, ``"hours_entry"``…, optionally one record), by one user, since a
        moment; at most ``limit``."""
        if limit is not None and limit < 1:
            raise ValidationError("Le nombre d'entrées demandé doit être positif.", "limit")
        with self._sessions.begin() as s:
            return AuditRepository(s).list(entity, entity_id, user_id, since, limit)

    def verify_chain(self) -> int | None:
        """Id of the first entry whose hash does not follow from its content and its
        predecessor (changed, inserted or removed behind the program's back), or None when
        the whole trail holds."""
        with self._sessions.begin() as s:
            return first_break(AuditRepository(s).links())
