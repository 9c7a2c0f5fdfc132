"""Repositories of participants, their eligibility records and the prescribers who send them.

A participant row carries two derived keys the service computes and keeps up to date:
``search_key`` (accent-free, case-folded « last first ») and ``phone_key`` (the digits of the
phone in French national form). Searching and duplicate detection use them, so both work in SQL
on indexed columns. Anonymisation is a timestamp in the row, a flag in the domain value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, delete, func, or_, select, union_all, update
from sqlalchemy.orm import Session, aliased

from asr_desktop.domain.enums import EducationLevel, ParticipantStatus, PrescriberKind, Sex
from asr_desktop.domain.model import EligibilityRecord, Participant, Prescriber
from asr_desktop.persistence.models import EligibilityRow, ParticipantRow, PrescriberRow

_PARTICIPANT_FIELDS = (
    "reference",
    "last_name",
    "first_name",
    "birth_date",
    "phone",
    "email",
    "address",
    "postcode",
    "commune",
    "qpv",
    "qpv_code",
    "plie",
    "prescriber_id",
    "referent_id",
    "entry_date",
    "last_contact_date",
    "pass_iae_end",
    "restricted",
)
_ELIGIBILITY_FIELDS = (
    "participant_id",
    "criterion",
    "proof_type",
    "proof_date",
    "validated_by_id",
    "validated_on",
    "expires_on",
    "note",
)
#: Automatic references: « P- » and six digits (the demonstration data uses the same form).
REFERENCE_PREFIX = "P-"
_REFERENCE_GLOB = REFERENCE_PREFIX + "[0-9]" * 6


def participant_to_domain(row: ParticipantRow) -> Participant:
    return Participant(
        id=row.id,
        sex=Sex(row.sex),
        status=ParticipantStatus(row.status),
        education_level=EducationLevel(row.education_level) if row.education_level else None,
        anonymised=row.anonymised_at is not None,
        **{n: getattr(row, n) for n in _PARTICIPANT_FIELDS},
    )


#: The columns a list of participants reads (no ORM objects: 500 rows in a few milliseconds).
_LIST_COLUMNS = tuple(
    getattr(ParticipantRow, n)
    for n in ("id", "sex", "status", "education_level", "anonymised_at", *_PARTICIPANT_FIELDS)
)


def _participant_from_columns(row) -> Participant:
    return Participant(
        id=row["id"],
        sex=Sex(row["sex"]),
        status=ParticipantStatus(row["status"]),
        education_level=EducationLevel(row["education_level"]) if row["education_level"] else None,
        anonymised=row["anonymised_at"] is not None,
        **{n: row[n] for n in _PARTICIPANT_FIELDS},
    )


def participant_from_domain(
    value: Participant, search_key: str, phone_key: str | None, row: ParticipantRow | None = None
) -> ParticipantRow:
    row = row or ParticipantRow()
    for name in _PARTICIPANT_FIELDS:
        setattr(row, name, getattr(value, name))
    row.sex = value.sex.value
    row.status = value.status.value
    row.education_level = value.education_level.value if value.education_level else None
    if value.anonymised and row.anonymised_at is None:
        row.anonymised_at = datetime.now().replace(microsecond=0)
    elif not value.anonymised:
        row.anonymised_at = None
    row.search_key = search_key
    row.phone_key = phone_key
    return row


def eligibility_to_domain(row: EligibilityRow) -> EligibilityRecord:
    return EligibilityRecord(id=row.id, **{n: getattr(row, n) for n in _ELIGIBILITY_FIELDS})


def prescriber_to_domain(row: PrescriberRow) -> Prescriber:
    return Prescriber(id=row.id, name=row.name, kind=PrescriberKind(row.kind))


@dataclass(frozen=True, slots=True)
class ParticipantFilter:
    """What a participant list is restricted to; ``None`` means "any"."""

    words: tuple[str, ...] = ()  # normalised words that must all be in the name
    reference: str | None = None  # or: part of the reference
    phone_digits: str | None = None  # or: part of the phone key
    status: ParticipantStatus | None = None
    communes: tuple[str, ...] | None = None  # stored spellings of the commune asked for
    qpv: bool | None = None
    prescriber_id: int | None = None
    referent_id: int | None = None
    criterion: str | None = None


_GLOB_SPECIAL = str.maketrans({"*": "[*]", "?": "[?]", "[": "[[]"})


def _name_holds(word: str):
    """``search_key`` holds ``word``, or does once its spaces are removed (« ndiaye » meets
    « n diaye »). The second test builds a string per row, so it only runs on the rows that
    hold the word's letters in order (a GLOB, cheap): twice as fast on a whole-table walk."""
    key = ParticipantRow.search_key
    in_order = "*" + "*".join(c.translate(_GLOB_SPECIAL) for c in word) + "*"
    return or_(
        func.instr(key, word) > 0,
        and_(key.op("GLOB")(in_order), func.instr(func.replace(key, " ", ""), word) > 0),
    )


class ParticipantRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, participant_id: int) -> Participant | None:
        row = self._s.get(ParticipantRow, participant_id)
        return participant_to_domain(row) if row else None

    def find_by_reference(self, reference: str) -> Participant | None:
        row = self._s.scalars(
            select(ParticipantRow).where(func.upper(ParticipantRow.reference) == reference.upper())
        ).first()
        return participant_to_domain(row) if row else None

    def last_automatic_number(self) -> int:
        """The highest number among references of the form « P-000123 » (0 when none)."""
        top = self._s.scalar(
            select(func.max(ParticipantRow.reference)).where(
                ParticipantRow.reference.op("GLOB")(_REFERENCE_GLOB)
            )
        )
        return int(top[len(REFERENCE_PREFIX) :]) if top else 0

    def distinct_communes(self) -> list[str]:
        query = select(ParticipantRow.commune).where(ParticipantRow.commune.is_not(None)).distinct()
        return list(self._s.scalars(query))

    def search(self, wanted: ParticipantFilter, limit: int | None = None) -> list[Participant]:
        """Participants matching every filter, by name (``search_key``) then id.

        Written for the list's keystroke budget (product.md §6) on 50 000 people: the name
        words are tested on the ``search_key`` index while it is walked in order (the walk
        stops at ``limit``), reference and phone through sub-queries that read their own
        (covering) index once, and rows are read as plain columns, not ORM objects."""
        person = ParticipantRow
        query = select(*_LIST_COLUMNS).order_by(person.search_key, person.id)
        text_match = []
        if wanted.words:
            text_match.append(and_(*[_name_holds(w) for w in wanted.words]))
        other = aliased(ParticipantRow)
        found_ids = []
        if wanted.reference:
            found_ids.append(
                select(other.id).where(other.reference.contains(wanted.reference, autoescape=True))
            )
        if wanted.phone_digits:
            found_ids.append(
                select(other.id).where(func.instr(other.phone_key, wanted.phone_digits) > 0)
            )
        if found_ids:
            text_match.append(
                person.id.in_(found_ids[0] if len(found_ids) == 1 else union_all(*found_ids))
            )
        if text_match:
            query = query.where(or_(*text_match))
        if wanted.status is not None:
            query = query.where(person.status == wanted.status.value)
        if wanted.communes is not None:
            query = query.where(person.commune.in_(wanted.communes))
        if wanted.qpv is not None:
            query = query.where(person.qpv.is_(wanted.qpv))
        if wanted.prescriber_id is not None:
            query = query.where(person.prescriber_id == wanted.prescriber_id)
        if wanted.referent_id is not None:
            query = query.where(person.referent_id == wanted.referent_id)
        if wanted.criterion is not None:
            query = query.where(
                person.id.in_(
                    select(EligibilityRow.participant_id).where(
                        EligibilityRow.criterion == wanted.criterion
                    )
                )
            )
        if limit is not None:
            query = query.limit(limit)
        return [_participant_from_columns(r) for r in self._s.execute(query).mappings()]

    def same_name_and_birth(
        self, compact_keys: Sequence[str], birth_date: date
    ) -> list[Participant]:
        """Participants born on ``birth_date`` whose name, spaces removed, is one of the keys."""
        compact = func.replace(ParticipantRow.search_key, " ", "")
        query = select(ParticipantRow).where(
            ParticipantRow.birth_date == birth_date, compact.in_(list(compact_keys))
        )
        return [participant_to_domain(r) for r in self._s.scalars(query)]

    def same_phone(self, phone_key: str) -> list[Participant]:
        query = select(ParticipantRow).where(ParticipantRow.phone_key == phone_key)
        return [participant_to_domain(r) for r in self._s.scalars(query)]

    def same_email(self, email: str) -> list[Participant]:
        """Case-insensitive (ASCII case, which is what e-mail addresses use)."""
        query = select(ParticipantRow).where(
            func.lower(ParticipantRow.email) == email.strip().lower()
        )
        return [participant_to_domain(r) for r in self._s.scalars(query)]

    def add(self, value: Participant, search_key: str, phone_key: str | None) -> Participant:
        row = participant_from_domain(value, search_key, phone_key)
        self._s.add(row)
        self._s.flush()
        return participant_to_domain(row)

    def update(self, value: Participant, search_key: str, phone_key: str | None) -> Participant:
        row = self._s.get_one(ParticipantRow, value.id)
        participant_from_domain(value, search_key, phone_key, row)
        self._s.flush()
        return participant_to_domain(row)

    def set_status(self, participant_id: int, status: ParticipantStatus) -> None:
        self._s.execute(
            update(ParticipantRow)
            .where(ParticipantRow.id == participant_id)
            .values(status=status.value)
        )

    def touch_last_contact(self, participant_id: int, day: date) -> bool:
        """Move the last-contact date to ``day`` if it is later; True when it moved."""
        result = self._s.execute(
            update(ParticipantRow)
            .where(
                ParticipantRow.id == participant_id,
                or_(
                    ParticipantRow.last_contact_date.is_(None),
                    ParticipantRow.last_contact_date < day,
                ),
            )
            .values(last_contact_date=day)
        )
        return result.rowcount > 0

    def delete(self, participant_id: int) -> bool:
        result = self._s.execute(delete(ParticipantRow).where(ParticipantRow.id == participant_id))
        return result.rowcount > 0


class EligibilityRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, record_id: int) -> EligibilityRecord | None:
        row = self._s.get(EligibilityRow, record_id)
        return eligibility_to_domain(row) if row else None

    def list(self, participant_id: int) -> list[EligibilityRecord]:
        query = (
            select(EligibilityRow)
            .where(EligibilityRow.participant_id == participant_id)
            .order_by(EligibilityRow.criterion, EligibilityRow.id)
        )
        return [eligibility_to_domain(r) for r in self._s.scalars(query)]

    def expiring(self, start: date, end: date) -> list[EligibilityRecord]:
        """Records whose explicit expiry falls between ``start`` and ``end`` (inclusive)."""
        query = (
            select(EligibilityRow)
            .where(EligibilityRow.expires_on.between(start, end))
            .order_by(EligibilityRow.expires_on, EligibilityRow.id)
        )
        return [eligibility_to_domain(r) for r in self._s.scalars(query)]

    def proofs_since(self, since: date, status: ParticipantStatus) -> list[EligibilityRecord]:
        """Records with a proof dated on or after ``since``, of participants in ``status``."""
        query = (
            select(EligibilityRow)
            .join(ParticipantRow, ParticipantRow.id == EligibilityRow.participant_id)
            .where(EligibilityRow.proof_date >= since, ParticipantRow.status == status.value)
            .order_by(EligibilityRow.proof_date, EligibilityRow.id)
        )
        return [eligibility_to_domain(r) for r in self._s.scalars(query)]

    def add(self, value: EligibilityRecord) -> EligibilityRecord:
        row = EligibilityRow(**{n: getattr(value, n) for n in _ELIGIBILITY_FIELDS})
        self._s.add(row)
        self._s.flush()
        return eligibility_to_domain(row)

    def update(self, value: EligibilityRecord) -> EligibilityRecord:
        row = self._s.get_one(EligibilityRow, value.id)
        for name in _ELIGIBILITY_FIELDS:
            setattr(row, name, getattr(value, name))
        self._s.flush()
        return eligibility_to_domain(row)

    def delete(self, record_id: int) -> bool:
        result = self._s.execute(delete(EligibilityRow).where(EligibilityRow.id == record_id))
        return result.rowcount > 0

    def move(self, from_participant: int, to_participant: int) -> int:
        """Give every record of one participant to another (merge); returns how many moved."""
        result = self._s.execute(
            update(EligibilityRow)
            .where(EligibilityRow.participant_id == from_participant)
            .values(participant_id=to_participant)
        )
        return result.rowcount


class PrescriberRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, prescriber_id: int) -> Prescriber | None:
        row = self._s.get(PrescriberRow, prescriber_id)
        return prescriber_to_domain(row) if row else None

    def find(self, name: str, kind: PrescriberKind) -> Prescriber | None:
        row = self._s.scalars(
            select(PrescriberRow).where(
                func.lower(PrescriberRow.name) == name.lower(), PrescriberRow.kind == kind.value
            )
        ).first()
        return prescriber_to_domain(row) if row else None

    def list(self, kind: PrescriberKind | None = None) -> list[Prescriber]:
        query = select(PrescriberRow).order_by(func.lower(PrescriberRow.name), PrescriberRow.id)
        if kind is not None:
            query = query.where(PrescriberRow.kind == kind.value)
        return [prescriber_to_domain(r) for r in self._s.scalars(query)]

    def add(self, value: Prescriber) -> Prescriber:
        row = PrescriberRow(name=value.name, kind=value.kind.value)
        self._s.add(row)
        self._s.flush()
        return prescriber_to_domain(row)
