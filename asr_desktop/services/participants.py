"""Participants (candidates and beneficiaries), their eligibility records and prescribers
(product.md §2, §3.4, §3.6; domain.md §4, §7).

Every public method is one unit of work. Each creation, change, merge or deletion of a personal
record writes one entry in the audit trail, in the same transaction, with ids and field names
only. A new participant is compared with the stored ones first: when some look alike, creation
is refused with :class:`PossibleDuplicates` unless the adviser confirms (``allow_duplicate``).
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain.criteria import CRITERIA_BY_CODE
from asr_desktop.domain.enums import AuditAction, ParticipantStatus, PrescriberKind
from asr_desktop.domain.errors import Conflict, NotFound, ValidationError
from asr_desktop.domain.formats import normalise_text
from asr_desktop.domain.model import (
    DuplicateCandidate,
    EligibilityRecord,
    Participant,
    Prescriber,
)
from asr_desktop.persistence.repositories.audit import AuditRepository
from asr_desktop.persistence.repositories.clauses import LotRepository
from asr_desktop.persistence.repositories.participants import (
    REFERENCE_PREFIX,
    EligibilityRepository,
    ParticipantFilter,
    ParticipantRepository,
    PrescriberRepository,
)
from asr_desktop.persistence.repositories.placements import (
    FollowUpRepository,
    OutcomeRepository,
    PlacementRepository,
)
from asr_desktop.services import _participants_checks as checks
from asr_desktop.services import _validation as check
from asr_desktop.services._participants_eligibility import (
    EligibilityLine,
    EligibilityStatus,
    assess,
    checked_record,
)
from asr_desktop.services._participants_record import (
    ParticipantRecord,
    PlacementLine,
    load_record,
)

__all__ = [
    "EligibilityLine",
    "EligibilityStatus",
    "ParticipantRecord",
    "ParticipantService",
    "PlacementLine",
    "PossibleDuplicates",
]

DEFAULT_LIMIT = 500
#: Fields a merge never copies from the dropped record (identity of the kept one, flags merged).
_NOT_FILLED = {"id", "reference", "anonymised", "status", "qpv", "plie", "restricted"}


class PossibleDuplicates(Conflict):
    """Creation refused because stored participants look alike; ``candidates`` says which."""

    def __init__(self, message: str, candidates: list[DuplicateCandidate]):
        super().__init__(message)
        self.candidates = candidates


class ParticipantService:
    def __init__(self, sessions: sessionmaker[Session], user_id: int | None = None):
        self._sessions = sessions
        self._user_id = user_id

    # --- participants -----------------------------------------------------------------------

    def create(self, participant: Participant, allow_duplicate: bool = False) -> Participant:
        """Store a new participant (reference « P-000123 » generated when empty)."""
        with self._sessions.begin() as s:
            value, phone_key = checks.checked_participant(s, participant, date.today())
            value = replace(value, id=None, anonymised=False)
            repo = ParticipantRepository(s)
            if not allow_duplicate:
                found = checks.duplicates(s, value)
                if found:
                    raise PossibleDuplicates(checks.duplicates_message(found), found)
            value = replace(value, reference=self._reference(repo, value.reference))
            stored = repo.add(
                value, checks.search_key(value.last_name, value.first_name), phone_key
            )
            self._audit(s, AuditAction.CREATE, "participant", stored.id)
            return stored

    def update(self, participant: Participant) -> Participant:
        with self._sessions.begin() as s:
            before = self._participant(s, participant.id)
            value, phone_key = checks.checked_participant(s, participant, date.today())
            value = replace(
                value, anonymised=before.anonymised, reference=value.reference or before.reference
            )
            if value.reference != before.reference:
                value = replace(
                    value,
                    reference=self._reference(ParticipantRepository(s), value.reference, before.id),
                )
            stored = ParticipantRepository(s).update(
                value, checks.search_key(value.last_name, value.first_name), phone_key
            )
            changed = checks.changed_fields(before, stored)
            if changed:
                self._audit(s, AuditAction.UPDATE, "participant", stored.id, _fields(changed))
            return stored

    def get(self, participant_id: int) -> Participant:
        with self._sessions.begin() as s:
            return self._participant(s, participant_id)

    def open_record(self, participant_id: int, on: date) -> ParticipantRecord:
        """The whole record, as the adviser opens it: one « consultation » entry goes to the
        audit trail (the record's id only), in the same transaction as the reading."""
        with self._sessions.begin() as s:
            record = load_record(s, self._participant(s, participant_id), on)
            self._audit(s, AuditAction.READ, "participant", participant_id)
            return record

    def reload_record(self, participant_id: int, on: date) -> ParticipantRecord:
        """The record again, after a change made from it (the change is audited itself; the
        consultation was when it was opened)."""
        with self._sessions.begin() as s:
            return load_record(s, self._participant(s, participant_id), on)

    def list_communes(self) -> list[str]:
        """Communes where participants live, each spelling once, in French order."""
        with self._sessions.begin() as s:
            communes = ParticipantRepository(s).distinct_communes()
        return sorted(communes, key=lambda c: (normalise_text(c), c))

    def search(
        self,
        query: str = "",
        *,
        status: ParticipantStatus | str | None = None,
        commune: str | None = None,
        qpv: bool | None = None,
        prescriber_id: int | None = None,
        referent_id: int | None = None,
        criterion: str | None = None,
        limit: int | None = DEFAULT_LIMIT,
    ) -> list[Participant]:
        """Participants whose name holds every word of ``query`` (case and accents ignored,
        in any order: « dupont jean » finds « Jean DUPONT »), or, when the query holds digits,
        whose reference or phone holds it; restricted by the filters given; by name; at most
        ``limit`` (the first ones by name)."""
        text = str(query or "").strip()
        digits = "".join(c for c in text if c.isdigit())
        # A name holds no digit: text with digits is a reference or a phone number.
        words = () if digits else tuple(normalise_text(text).split())
        has_letters = any(c.isalpha() for c in text)
        chosen_status = (
            None
            if status is None
            else check.enum_value(ParticipantStatus, status, "status", "Le statut")
        )
        code = None
        if criterion is not None:
            code = str(criterion).strip().upper()
            if code not in CRITERIA_BY_CODE:
                raise ValidationError(
                    f"Critère d'éligibilité inconnu : « {criterion} ».", "criterion"
                )
        with self._sessions.begin() as s:
            repo = ParticipantRepository(s)
            communes = None
            if check.optional_text(commune):
                wanted = normalise_text(commune)
                communes = tuple(c for c in repo.distinct_communes() if normalise_text(c) == wanted)
            return repo.search(
                ParticipantFilter(
                    words=words,
                    reference=text.upper() if digits else None,
                    phone_digits=digits if len(digits) >= 4 and not has_letters else None,
                    status=chosen_status,
                    communes=communes,
                    qpv=qpv,
                    prescriber_id=prescriber_id,
                    referent_id=referent_id,
                    criterion=code,
                ),
                limit,
            )

    def check_field(self, field: str, value: object, entry_date: date | None = None) -> None:
        """Check one field as it is typed, storing nothing: ``phone``, ``email``,
        ``postcode``, ``birth_date`` (age at ``entry_date``, today by default). Raises the
        ValidationError saving would raise; an empty value passes."""
        checks.check_field(field, value, entry_date or date.today())

    def find_duplicates(self, candidate: Participant) -> list[DuplicateCandidate]:
        """Stored participants resembling ``candidate``: same normalised name and birth date,
        same phone, same e-mail (case ignored); each with its reasons, best match first."""
        with self._sessions.begin() as s:
            return checks.duplicates(s, candidate)

    def merge(self, keep_id: int, drop_id: int) -> Participant:
        """Move the dropped record's eligibility, placements (with their hours), follow-up
        and outcomes to the kept one, fill the kept one's empty fields from it, delete it."""
        if keep_id == drop_id:
            raise ValidationError("Un dossier ne peut pas être fusionné avec lui-même.", "drop_id")
        with self._sessions.begin() as s:
            keep = self._participant(s, keep_id)
            drop = self._participant(s, drop_id)
            filled = {
                f.name: getattr(drop, f.name)
                for f in fields(Participant)
                if f.name not in _NOT_FILLED
                and getattr(keep, f.name) in (None, "")
                and getattr(drop, f.name) not in (None, "")
            }
            merged = replace(
                keep,
                **filled,
                qpv=keep.qpv or drop.qpv,
                plie=keep.plie or drop.plie,
                restricted=keep.restricted or drop.restricted,
                entry_date=min((d for d in (keep.entry_date, drop.entry_date) if d), default=None),
                last_contact_date=max(
                    (d for d in (keep.last_contact_date, drop.last_contact_date) if d),
                    default=None,
                ),
            )
            EligibilityRepository(s).move(drop_id, keep_id)
            PlacementRepository(s).move(drop_id, keep_id)
            FollowUpRepository(s).move(drop_id, keep_id)
            OutcomeRepository(s).move(drop_id, keep_id)
            repo = ParticipantRepository(s)
            repo.delete(drop_id)
            phone_key = checks.phone(merged.phone)[1]
            stored = repo.update(
                merged, checks.search_key(merged.last_name, merged.first_name), phone_key
            )
            changed = checks.changed_fields(keep, stored)
            detail = f"dossier n° {drop_id} fusionné" + (
                f" ; {_fields(changed)}" if changed else ""
            )
            self._audit(s, AuditAction.MERGE, "participant", keep_id, detail)
            self._audit(
                s,
                AuditAction.DELETE,
                "participant",
                drop_id,
                f"fusionné dans le dossier n° {keep_id}",
            )
            return stored

    def delete(self, participant_id: int) -> None:
        """Delete a record entered by mistake, with its eligibility, log and outcomes. A
        participant with placements cannot be deleted (merge or anonymise instead)."""
        with self._sessions.begin() as s:
            self._participant(s, participant_id)
            if PlacementRepository(s).list(participant_id=participant_id):
                raise Conflict(
                    "Ce dossier a des mises en emploi : il ne peut pas être supprimé. "
                    "Fusionnez-le avec un autre ou anonymisez-le."
                )
            ParticipantRepository(s).delete(participant_id)
            self._audit(s, AuditAction.DELETE, "participant", participant_id)

    # --- eligibility ------------------------------------------------------------------------

    def add_eligibility(self, record: EligibilityRecord) -> EligibilityRecord:
        with self._sessions.begin() as s:
            self._participant(s, record.participant_id)
            value = checked_record(s, replace(record, id=None), date.today(), self._user_id)
            stored = EligibilityRepository(s).add(value)
            self._audit(
                s,
                AuditAction.CREATE,
                "eligibility",
                stored.id,
                f"participant {stored.participant_id}",
            )
            return stored

    def update_eligibility(self, record: EligibilityRecord) -> EligibilityRecord:
        with self._sessions.begin() as s:
            before = self._record(s, record.id)
            if record.participant_id != before.participant_id:
                raise ValidationError(
                    "Un critère d'éligibilité ne peut pas changer de personne.", "participant_id"
                )
            value = checked_record(s, record, date.today(), self._user_id)
            stored = EligibilityRepository(s).update(value)
            changed = [
                f.name
                for f in fields(EligibilityRecord)
                if getattr(before, f.name) != getattr(stored, f.name)
            ]
            if changed:
                self._audit(
                    s,
                    AuditAction.UPDATE,
                    "eligibility",
                    stored.id,
                    f"participant {stored.participant_id} ; {_fields(changed)}",
                )
            return stored

    def delete_eligibility(self, record_id: int) -> None:
        with self._sessions.begin() as s:
            record = self._record(s, record_id)
            EligibilityRepository(s).delete(record_id)
            self._audit(
                s,
                AuditAction.DELETE,
                "eligibility",
                record_id,
                f"participant {record.participant_id}",
            )

    def list_eligibility(self, participant_id: int) -> list[EligibilityRecord]:
        with self._sessions.begin() as s:
            self._participant(s, participant_id)
            return EligibilityRepository(s).list(participant_id)

    def eligibility_status(
        self,
        participant_id: int,
        on: date,
        *,
        entry_date: date | None = None,
        lot_id: int | None = None,
    ) -> EligibilityStatus:
        """Each record's validity on ``on``, clause eligibility (for the lot's publics when a
        lot is given) and IAE eligibility by kind of structure (domain.md §4). Proof windows
        are checked at ``entry_date`` when given (eligibility assessed at entry)."""
        with self._sessions.begin() as s:
            self._participant(s, participant_id)
            publics: tuple[str, ...] = ()
            if lot_id is not None:
                lot = LotRepository(s).get(lot_id)
                if lot is None:
                    raise NotFound(f"Le lot n° {lot_id} n'existe pas (ou plus).")
                publics = lot.eligible_publics
            records = EligibilityRepository(s).list(participant_id)
        return assess(participant_id, records, on, entry_date, publics)

    # --- prescribers ------------------------------------------------------------------------

    def create_prescriber(self, prescriber: Prescriber) -> Prescriber:
        name = " ".join(check.text(prescriber.name, "name", "Le nom du prescripteur").split())
        kind = check.enum_value(PrescriberKind, prescriber.kind, "kind", "Le type de prescripteur")
        with self._sessions.begin() as s:
            repo = PrescriberRepository(s)
            same = repo.find(name, kind)
            if same is not None:
                raise Conflict(f"Le prescripteur « {same.name} » ({kind.label}) existe déjà.")
            return repo.add(Prescriber(id=None, name=name, kind=kind))

    def list_prescribers(self, kind: PrescriberKind | str | None = None) -> list[Prescriber]:
        chosen = (
            None
            if kind is None
            else check.enum_value(PrescriberKind, kind, "kind", "Le type de prescripteur")
        )
        with self._sessions.begin() as s:
            return PrescriberRepository(s).list(chosen)

    # --- helpers ----------------------------------------------------------------------------

    def _audit(
        self,
        s: Session,
        action: AuditAction,
        entity: str,
        entity_id: int,
        detail: str | None = None,
    ) -> None:
        AuditRepository(s).append(self._user_id, action, entity, entity_id, detail)

    @staticmethod
    def _reference(repo: ParticipantRepository, wanted: str, own_id: int | None = None) -> str:
        if wanted:
            if len(wanted) > 20:
                raise ValidationError("La référence compte au plus 20 caractères.", "reference")
            same = repo.find_by_reference(wanted)
            if same is not None and same.id != own_id:
                raise Conflict(f"La référence « {wanted} » est déjà celle d'un autre dossier.")
            return wanted
        number = repo.last_automatic_number() + 1
        while repo.find_by_reference(f"{REFERENCE_PREFIX}{number:06d}") is not None:
            number += 1
        return f"{REFERENCE_PREFIX}{number:06d}"

    @staticmethod
    def _participant(s: Session, participant_id: int | None) -> Participant:
        found = ParticipantRepository(s).get(participant_id) if participant_id is not None else None
        if found is None:
            raise NotFound(f"Le dossier n° {participant_id} n'existe pas (ou plus).")
        return found

    @staticmethod
    def _record(s: Session, record_id: int | None) -> EligibilityRecord:
        found = EligibilityRepository(s).get(record_id) if record_id is not None else None
        if found is None:
            raise NotFound(f"Le critère d'éligibilité n° {record_id} n'existe pas (ou plus).")
        return found


def _fields(names: list[str]) -> str:
    return "champs : " + ", ".join(names)
