"""Checks of a placement (mise en emploi) and the warnings it deserves (used by
``PlacementService``; product.md §2, §3.4; domain.md §3.3, §4, §5.1).

Refused: missing participant, lot or employer; dates out of order; weekly hours outside 0–48;
an execution modality that the employer's kind cannot carry (an ETTI mission needs an ETTI…).
Warned, never refused: no valid eligibility at the start date (clause publics of the lot, and the
IAE thresholds when the employer is an SIAE), a contract type unusual for the employer, a start
after the lot's end, ledger lines left outside new dates. Also the checks of an observed
exit or follow-up situation (domain.md §5.2).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from asr_desktop.domain.dates import last_of_month
from asr_desktop.domain.eligibility import IAE_LEVEL2_THRESHOLD
from asr_desktop.domain.enums import (
    CompanyKind,
    ContractType,
    InformationSource,
    Modality,
    Situation,
)
from asr_desktop.domain.errors import NotFound, ValidationError
from asr_desktop.domain.formats import format_date, format_number
from asr_desktop.domain.model import Company, Lot, Participant, Placement
from asr_desktop.domain.outcomes import classify_outcome
from asr_desktop.persistence.repositories.clauses import LotRepository
from asr_desktop.persistence.repositories.companies import CompanyRepository
from asr_desktop.persistence.repositories.hours import HoursRepository
from asr_desktop.persistence.repositories.participants import (
    EligibilityRepository,
    ParticipantRepository,
)
from asr_desktop.services import _validation as check
from asr_desktop.services._participants_eligibility import clause_check, iae_check

MAX_WEEKLY_HOURS = Decimal(48)  # legal maximum of a working week (Code du travail L3121-20)

_SIAE = frozenset(k for k in CompanyKind if k.is_siae)
#: The kinds of employer an execution modality requires (domain.md §1.3, §3.3); modalities
#: absent here (direct hire, training) suit any employer.
EMPLOYER_KINDS: dict[Modality, frozenset[CompanyKind]] = {
    Modality.ETT: frozenset({CompanyKind.ETT, CompanyKind.EATT}),
    Modality.ETTI: frozenset({CompanyKind.ETTI}),
    Modality.AI: frozenset({CompanyKind.AI}),
    Modality.GEIQ: frozenset({CompanyKind.GEIQ}),
    Modality.SIAE_SUBCONTRACT: _SIAE,
    Modality.EA_ESAT: frozenset({CompanyKind.EA, CompanyKind.EATT, CompanyKind.ESAT}),
}
_CDDI_EMPLOYERS = frozenset({CompanyKind.EI, CompanyKind.ACI, CompanyKind.EITI})
_MISSION_MODALITIES = frozenset({Modality.ETT, Modality.ETTI})


def participant(s: Session, participant_id: int | None) -> Participant:
    found = ParticipantRepository(s).get(participant_id) if participant_id is not None else None
    if found is None:
        raise NotFound(f"Le dossier n° {participant_id} n'existe pas (ou plus).")
    return found


def lot(s: Session, lot_id: int | None) -> Lot:
    found = LotRepository(s).get(lot_id) if lot_id is not None else None
    if found is None:
        raise NotFound(f"Le lot n° {lot_id} n'existe pas (ou plus).")
    return found


def employer(s: Session, company_id: int | None) -> Company:
    found = CompanyRepository(s).get(company_id) if company_id is not None else None
    if found is None:
        raise NotFound(f"L'employeur n° {company_id} n'existe pas (ou plus).")
    return found


def checked_placement(s: Session, p: Placement) -> tuple[Placement, Lot, Company]:
    """The placement with its fields checked, and its lot and employer."""
    participant(s, p.participant_id)
    the_lot, company = lot(s, p.lot_id), employer(s, p.employer_id)
    modality = check.enum_value(Modality, p.modality, "modality", "La modalité")
    contract = check.enum_value(
        ContractType, p.contract_type, "contract_type", "Le type de contrat"
    )
    if not isinstance(p.start_date, date):
        raise ValidationError("La date de début du contrat est obligatoire.", "start_date")
    for field, what in (("end_date", "La date de fin"), ("exit_date", "La date de sortie")):
        value = getattr(p, field)
        if value is not None and not isinstance(value, date):
            raise ValidationError(f"{what} doit être une date (valeur reçue : « {value} »).", field)
    check.dates_in_order(p.start_date, p.end_date, "end_date", "du contrat")
    if p.exit_date is not None and p.exit_date < p.start_date:
        raise ValidationError(
            f"La date de sortie ({format_date(p.exit_date)}) précède le début du contrat "
            f"({format_date(p.start_date)}).",
            "exit_date",
        )
    weekly = check.non_negative(p.weekly_hours, "weekly_hours", "La durée hebdomadaire")
    if weekly is not None and weekly > MAX_WEEKLY_HOURS:
        raise ValidationError(
            f"La durée hebdomadaire ({format_number(weekly)} h) dépasse le maximum légal de "
            f"{format_number(MAX_WEEKLY_HOURS)} h.",
            "weekly_hours",
        )
    allowed = EMPLOYER_KINDS.get(modality)
    if allowed is not None and company.kind not in allowed:
        kinds = ", ".join(sorted(k.value for k in allowed))
        raise ValidationError(
            f"La modalité « {modality.label} » suppose un employeur de type {kinds} ; "
            f"« {company.name} » est : {company.kind.label}.",
            "modality",
        )
    title = check.optional_text(p.job_title)
    if title is not None and len(title) > 150:
        raise ValidationError("L'intitulé du poste compte au plus 150 caractères.", "job_title")
    value = replace(
        p, modality=modality, contract_type=contract, weekly_hours=weekly, job_title=title
    )
    return value, the_lot, company


def warnings(s: Session, p: Placement, the_lot: Lot, company: Company) -> tuple[str, ...]:
    """What the adviser should look at before going on (French sentences)."""
    return draft_warnings(s, p, the_lot, company)


def draft_warnings(
    s: Session, p: Placement, the_lot: Lot | None, company: Company | None
) -> tuple[str, ...]:
    """``warnings`` for a placement still being typed: what needs the lot or the employer is
    left out while they are unknown (``None``); ``p.modality`` or ``p.contract_type`` may be
    None too."""
    found: list[str] = []
    records = EligibilityRepository(s).list(p.participant_id)
    publics = the_lot.eligible_publics if the_lot is not None else ()
    ok, explanation = clause_check(records, p.start_date, p.start_date, publics)
    if not ok:
        found.append(explanation)
    kind = company.kind if company is not None else None
    if kind in IAE_LEVEL2_THRESHOLD and p.modality is not Modality.TRAINING:
        iae_ok, iae_text = iae_check(records, p.start_date, kind)
        if not iae_ok:
            found.append(iae_text)
    if p.contract_type is ContractType.CDDI and kind is not None and kind not in _CDDI_EMPLOYERS:
        found.append(
            "Un CDD d'insertion (CDDI) est normalement signé avec une EI, un ACI ou une EITI ; "
            f"l'employeur est : {kind.label}."
        )
    if (
        p.contract_type is ContractType.MISSION
        and p.modality is not None
        and p.modality not in _MISSION_MODALITIES
    ):
        found.append(
            "Un contrat de mission correspond à de l'intérim (ETT ou ETTI), pas à la modalité "
            f"« {p.modality.label} »."
        )
    if the_lot is not None and the_lot.end_date is not None and p.start_date > the_lot.end_date:
        found.append(
            f"Le contrat commence le {format_date(p.start_date)}, après la fin du lot "
            f"({format_date(the_lot.end_date)})."
        )
    if p.id is not None:
        outside = [
            line
            for line in HoursRepository(s).current_lines(placement_id=p.id)
            if _month_outside(line.month, p.start_date, p.end_date)
        ]
        if outside:
            plural = "s" if len(outside) > 1 else ""
            found.append(
                f"{len(outside)} ligne{plural} d'heures saisie{plural} hors des dates du "
                "contrat : vérifiez-les dans le relevé."
            )
    return tuple(found)


def _month_outside(month: date, start: date, end: date | None) -> bool:
    return last_of_month(month) < start or (end is not None and month > end)


# --- exits and follow-up points -------------------------------------------------------------------


def observed_on(day: object, field: str, what: str) -> None:
    """A date a situation was observed on: given, and not in the future."""
    if not isinstance(day, date):
        raise ValidationError(f"{what} est obligatoire.", field)
    if day > date.today():
        raise ValidationError(f"{what} ({format_date(day)}) est dans le futur.", field)


def observation(
    day: date,
    situation: Situation,
    contract_type: ContractType | str | None,
    employer_name: str | None,
    source: InformationSource | str | None,
) -> dict[str, object]:
    """The fields of an observed outcome, its class following from the situation."""
    return {
        "observed_on": day,
        "situation": situation,
        "outcome_class": classify_outcome(situation),
        "contract_type": None
        if contract_type in (None, "")
        else check.enum_value(ContractType, contract_type, "contract_type", "Le type de contrat"),
        "employer_name": check.optional_text(employer_name),
        "source": None
        if source in (None, "")
        else check.enum_value(InformationSource, source, "source", "La source de l'information"),
    }
