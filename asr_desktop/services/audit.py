"""The audit trail (product.md §2, domain.md §7.5): who created, changed, merged or deleted
which record, when — read back, checked for tampering through its hash chain, and purged of the
entries older than the retention period (parameter ``audit.retention_months``, 12 months by
default, CNIL délibération 2021-122).

Entries are written by the other services, in their own transactions, through
``AuditRepository.append``. Nothing in the program changes an entry, and :meth:`AuditService.purge`
is the only way one is removed: it removes the oldest ones and records the purge as a new
entry holding the anchor the remaining chain starts from, so verification still finds any
entry changed, inserted or removed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain import parameters as params
from asr_desktop.domain import privacy
from asr_desktop.domain.audit_chain import first_break
from asr_desktop.domain.enums import AuditAction
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import AuditEntry
from asr_desktop.persistence.repositories.audit import AuditRepository
from asr_desktop.persistence.repositories.settings import ParameterRepository
from asr_desktop.services.settings import require_coordinator

DEFAULT_LIMIT = 1000
RETENTION_KEY = "audit.retention_months"

#: What each kind of record is called in the trail (``entity`` is the table's name).
ENTITY_LABELS: dict[str, str] = {
    "participant": "Candidat",
    "eligibility": "Éligibilité",
    "placement": "Mise en emploi",
    "hours_entry": "Ligne d'heures",
    "follow_up_action": "Action de suivi",
    "outcome": "Sortie ou suivi",
    "lot": "Lot",
    "market": "Marché",
    "operation": "Opération",
    "authority": "Donneur d'ordre",
    "company": "Entreprise",
    "company_contact": "Contact d'entreprise",
    "attribution": "Attribution",
    "globalisation": "Globalisation",
    "parameter": "Paramètre",
    "committee": "Comité",
    "export_record": "Export",
    "app_user": "Utilisateur",
    "audit_entry": "Journal d'accès",
}


def entity_label(entity: str) -> str:
    """« Candidat » for ``participant``…; an unknown kind as it is stored."""
    return ENTITY_LABELS.get(entity, entity)


@dataclass(frozen=True, slots=True)
class ChainStatus:
    """Result of a verification: how many entries, and the first one that does not follow
    from its content and its predecessor (None when the whole trail holds)."""

    entries: int
    broken_at: AuditEntry | None = None
    broken_id: int | None = None

    @property
    def intact(self) -> bool:
        return self.broken_id is None


@dataclass(frozen=True, slots=True)
class AuditPurge:
    """What a purge removed (or would remove): entries stamped before ``cutoff``."""

    cutoff: datetime
    count: int
    last_id: int | None = None
    anchor: str | None = None


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
        action: AuditAction | None = None,
        until: datetime | None = None,
        without_user: bool = False,
    ) -> list[AuditEntry]:
        """Entries, most recent first: of one kind of record (``"participant"``,
        ``"placement"``, ``"hours_entry"``…, optionally one record), by one user, of one
        action, from ``since`` (inclusive) to ``until`` (exclusive); at most ``limit``.
        ``without_user``: only the entries written without a signed-in user."""
        if limit is not None and limit < 1:
            raise ValidationError("Le nombre d'entrées demandé doit être positif.", "limit")
        if since is not None and until is not None and until <= since:
            raise ValidationError("La fin de la période doit suivre son début.", "until")
        with self._sessions.begin() as s:
            return AuditRepository(s).list(
                entity,
                entity_id,
                user_id,
                since,
                limit,
                action=action,
                until=until,
                without_user=without_user,
            )

    def entities(self) -> list[str]:
        """The kinds of record the trail speaks of (table names; see :func:`entity_label`)."""
        with self._sessions.begin() as s:
            return AuditRepository(s).entities()

    def verify_chain(self) -> int | None:
        """Id of the first entry whose hash does not follow from its content and its
        predecessor (changed, inserted or removed behind the program's back), or None when
        the whole trail holds. After a purge, the chain starts from the purge's anchor."""
        with self._sessions.begin() as s:
            repo = AuditRepository(s)
            return first_break(repo.links(), repo.chain_start())

    def chain_status(self) -> ChainStatus:
        """:meth:`verify_chain` with what the window shows: the number of entries and the
        entry where the chain breaks."""
        with self._sessions.begin() as s:
            repo = AuditRepository(s)
            broken = first_break(repo.links(), repo.chain_start())
            return ChainStatus(
                entries=repo.count(),
                broken_at=repo.get(broken) if broken is not None else None,
                broken_id=broken,
            )

    # --- retention ----------------------------------------------------------------------

    def retention_months(self, today: date | None = None) -> int:
        """How long entries are kept, in months (the value in force on ``today``)."""
        with self._sessions.begin() as s:
            return self._months(s, today or date.today())

    def purge_preview(self, before: datetime | None = None) -> AuditPurge:
        """What :meth:`purge` would remove now, without removing anything."""
        with self._sessions.begin() as s:
            cutoff = self._cutoff(s, before)
            found = AuditRepository(s).purgeable(cutoff)
        if found is None:
            return AuditPurge(cutoff, 0)
        return AuditPurge(cutoff, found[0], found[1])

    def purge(self, before: datetime | None = None) -> AuditPurge:
        """Remove the entries older than the retention period (or stamped before ``before``)
        and record the purge as a new entry anchoring the chain that remains. The only way
        the program removes audit entries. Coordinators only (``NotAllowed`` for an
        adviser)."""
        with self._sessions.begin() as s:
            require_coordinator(s, self._user_id, "purger le journal d'accès")
            cutoff = self._cutoff(s, before)
            done = AuditRepository(s).purge_before(cutoff, self._user_id)
        if done is None:
            return AuditPurge(cutoff, 0)
        purged, _entry = done
        return AuditPurge(cutoff, purged.count, purged.last_id, purged.anchor)

    @staticmethod
    def _months(s: Session, on: date) -> int:
        values = ParameterRepository(s).list(RETENTION_KEY)
        return int(params.value_at(values, RETENTION_KEY, on))

    def _cutoff(self, s: Session, before: datetime | None) -> datetime:
        if before is not None:
            if not isinstance(before, datetime):
                raise ValidationError(
                    "La date limite de purge doit être une date et une heure.", "before"
                )
            return before.replace(microsecond=0)
        now = datetime.now().replace(microsecond=0)
        return privacy.audit_cutoff(now, self._months(s, now.date()))
