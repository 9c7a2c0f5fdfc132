"""Eligibility records: checks on entry, and where a person stands on a date (domain.md §4),
through the rules of ``domain.eligibility``. Used by the participant, placement and hours
services.

On the expiry date: the criterion's proof window (3 months for an RSA certificate…) says until
when a proof can support a *new* entry; it is not stored as the record's expiry, because
eligibility is assessed at entry and an explicit ``expires_on`` ends it for the hours too
(domain.md §4.2, ``domain/eligibility.py``). The window's end is given instead as
``EligibilityLine.proof_valid_until`` and shown in the agenda for people not yet placed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from asr_desktop.domain.criteria import CRITERIA_BY_CODE
from asr_desktop.domain.eligibility import (
    clause_eligible,
    eligibility_issue,
    iae_eligible,
    proof_window_end,
    valid_criteria_codes,
)
from asr_desktop.domain.enums import CompanyKind
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_date
from asr_desktop.domain.model import EligibilityRecord
from asr_desktop.persistence.repositories.settings import UserRepository
from asr_desktop.services import _validation as check


@dataclass(frozen=True, slots=True)
class EligibilityLine:
    """One record as the eligibility panel shows it."""

    record: EligibilityRecord
    label: str  # the criterion's French label
    valid: bool
    issue: str | None  # why it is not valid (French), None when valid
    proof_valid_until: date | None  # last day the proof can support a new entry
    expired: bool = False  # its explicit expiry (``expires_on``) is past on the date asked


@dataclass(frozen=True, slots=True)
class EligibilityStatus:
    """Where a participant stands on a date: each record, clause and IAE eligibility."""

    participant_id: int
    on: date
    lines: tuple[EligibilityLine, ...]
    valid_codes: tuple[str, ...]
    clause_eligible: bool
    clause_explanation: str
    iae_ai_etti: tuple[bool, str]  # hire by an AI or an ETTI (2 level-2 criteria)
    iae_ei_aci: tuple[bool, str]  # hire by an EI, an ACI or an EITI (3 level-2 criteria)

    @property
    def iae_level1(self) -> bool:
        return any(CRITERIA_BY_CODE[c].iae_level == 1 for c in self.valid_codes)


def proof_valid_until(record: EligibilityRecord) -> date | None:
    criterion = CRITERIA_BY_CODE.get(record.criterion)
    if criterion is None:
        return None
    return proof_window_end(record.proof_date, criterion.proof_validity_months)


def assess(
    participant_id: int,
    records: Iterable[EligibilityRecord],
    on: date,
    entry_date: date | None = None,
    lot_publics: Iterable[str] = (),
) -> EligibilityStatus:
    records = list(records)
    lines = []
    for r in records:
        criterion = CRITERIA_BY_CODE[r.criterion]
        issue = eligibility_issue(
            validated_on=r.validated_on,
            on=on,
            expires_on=r.expires_on,
            proof_date=r.proof_date,
            proof_validity_months=criterion.proof_validity_months,
            entry_date=entry_date,
        )
        expired = r.expires_on is not None and on > r.expires_on
        lines.append(
            EligibilityLine(r, criterion.label, issue is None, issue, proof_valid_until(r), expired)
        )
    codes = sorted({line.record.criterion for line in lines if line.valid})
    clause_ok, clause_text = clause_check(records, on, entry_date, lot_publics)
    return EligibilityStatus(
        participant_id=participant_id,
        on=on,
        lines=tuple(lines),
        valid_codes=tuple(codes),
        clause_eligible=clause_ok,
        clause_explanation=clause_text,
        iae_ai_etti=iae_eligible(codes, CompanyKind.AI),
        iae_ei_aci=iae_eligible(codes, CompanyKind.EI),
    )


def clause_check(
    records: Iterable[EligibilityRecord],
    on: date,
    entry_date: date | None = None,
    lot_publics: Iterable[str] = (),
) -> tuple[bool, str]:
    """Clause eligibility on ``on`` (assessed at ``entry_date`` for the proof windows), with
    the French explanation; « Aucun critère d'éligibilité valide au … » when there is none."""
    codes = valid_criteria_codes(records, on, entry_date)
    if not codes:
        return False, f"Aucun critère d'éligibilité valide au {format_date(on)}."
    return clause_eligible(codes, lot_publics)


def iae_check(
    records: Iterable[EligibilityRecord], on: date, kind: CompanyKind
) -> tuple[bool, str]:
    return iae_eligible(valid_criteria_codes(records, on), kind)


def checked_record(
    s: Session, record: EligibilityRecord, today: date, user_id: int | None
) -> EligibilityRecord:
    """The record with its criterion known, dates plausible and the validator filled in."""
    code = (check.optional_text(record.criterion) or "").upper()
    if not code:
        raise ValidationError("Le critère d'éligibilité est obligatoire.", "criterion")
    criterion = CRITERIA_BY_CODE.get(code)
    if criterion is None:
        raise ValidationError(
            f"Critère d'éligibilité inconnu : « {record.criterion} ».", "criterion"
        )
    for field, what in (
        ("proof_date", "La date du justificatif"),
        ("validated_on", "La date de validation"),
        ("expires_on", "La date d'expiration"),
    ):
        value = getattr(record, field)
        if value is not None and not isinstance(value, date):
            raise ValidationError(f"{what} doit être une date (valeur reçue : « {value} »).", field)
    proof_type = check.optional_text(record.proof_type)
    note = check.optional_text(record.note)
    if criterion.sensitive and (proof_type or note):
        raise ValidationError(
            f"« {criterion.label} » est une donnée sensible : seuls le critère et ses dates sont "
            "conservés. Laissez le type de justificatif et la note vides.",
            "note" if note else "proof_type",
        )
    if proof_type is not None and len(proof_type) > 120:
        raise ValidationError(
            "Le type de justificatif compte au plus 120 caractères.", "proof_type"
        )
    _not_after(record.proof_date, today, "proof_date", "La date du justificatif")
    _not_after(record.validated_on, today, "validated_on", "La date de validation")
    validated_by = record.validated_by_id
    validated_on = record.validated_on
    if validated_on is not None and validated_by is None:
        validated_by = user_id
    if validated_by is not None and validated_on is None:
        validated_on = today
    if validated_by is not None and UserRepository(s).get(validated_by) is None:
        raise ValidationError(
            f"L'utilisateur n° {validated_by} (qui a validé) n'existe pas.", "validated_by_id"
        )
    if record.proof_date and validated_on and validated_on < record.proof_date:
        raise ValidationError(
            f"La validation ({format_date(validated_on)}) ne peut pas précéder la date du "
            f"justificatif ({format_date(record.proof_date)}).",
            "validated_on",
        )
    start = record.proof_date or validated_on
    if record.expires_on is not None and start is not None and record.expires_on < start:
        raise ValidationError(
            f"L'expiration ({format_date(record.expires_on)}) précède la date du justificatif "
            f"ou de la validation ({format_date(start)}).",
            "expires_on",
        )
    return replace(
        record,
        criterion=code,
        proof_type=proof_type,
        note=note,
        validated_by_id=validated_by,
        validated_on=validated_on,
    )


def _not_after(value: date | None, today: date, field: str, what: str) -> None:
    if value is not None and value > today:
        raise ValidationError(
            f"{what} ({format_date(value)}) est dans le futur : elle ne peut pas dépasser "
            f"aujourd'hui ({format_date(today)}).",
            field,
        )
