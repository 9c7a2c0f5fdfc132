"""Outcome classes at exit and at follow-up points (domain.md §5.2, §5.3).

National IAE classes (DGEFP): durable employment, transition employment, positive exit (the
three "dynamic" exits) and other. "Positive exit" is only the third class (§5.2).
"""

from __future__ import annotations

from datetime import date

from asr_desktop.domain._checks import whole_number
from asr_desktop.domain.dates import add_months, as_date, day_before
from asr_desktop.domain.enums import ContractType, FollowUpPoint, OutcomeClass, Situation
from asr_desktop.domain.errors import ValidationError

_SITUATION_CLASS: dict[Situation, OutcomeClass] = {
    Situation.CDI: OutcomeClass.DURABLE,
    Situation.CDD_LONG: OutcomeClass.DURABLE,
    Situation.MISSION_LONG: OutcomeClass.DURABLE,
    Situation.CIVIL_SERVICE: OutcomeClass.DURABLE,
    Situation.BUSINESS_CREATION: OutcomeClass.DURABLE,
    Situation.CDD_SHORT: OutcomeClass.TRANSITION,
    Situation.MISSION_SHORT: OutcomeClass.TRANSITION,
    Situation.SUBSIDISED: OutcomeClass.TRANSITION,
    Situation.TRAINING: OutcomeClass.POSITIVE,
    Situation.OTHER_SIAE: OutcomeClass.POSITIVE,
    Situation.JOBSEEKER: OutcomeClass.OTHER,
    Situation.INACTIVE: OutcomeClass.OTHER,
    Situation.UNKNOWN: OutcomeClass.OTHER,
}

#: A fixed-term contract of at least this many days counts as "6 months or more" when only a
#: number of days is known (365 / 2, rounded down). With start and end dates the comparison is
#: made in calendar months instead, which is exact.
SIX_MONTHS_DAYS = 182

_ALWAYS: dict[ContractType, OutcomeClass] = {
    ContractType.CDI: OutcomeClass.DURABLE,
    ContractType.CDI_SITE: OutcomeClass.DURABLE,
    ContractType.CDI_INCLUSION: OutcomeClass.DURABLE,
    ContractType.CREATION: OutcomeClass.DURABLE,
    ContractType.PEC: OutcomeClass.TRANSITION,
    ContractType.CDDI: OutcomeClass.POSITIVE,
    ContractType.MAD: OutcomeClass.POSITIVE,
    ContractType.OTHER: OutcomeClass.OTHER,
}
_BY_DURATION = (
    ContractType.CDD,
    ContractType.CDD_USAGE,
    ContractType.MISSION,
    ContractType.PRO,
    ContractType.APPRENTICESHIP,
    ContractType.CDD_TREMPLIN,
)


def classify_outcome(situation: Situation | str) -> OutcomeClass:
    """Outcome class of an observed situation (domain.md §5.2).

    Durable: CDI, CDD or temp mission of 6 months or more, civil service, business creation.
    Transition: CDD or mission under 6 months, subsidised contract with an ordinary employer.
    Positive: qualifying or pre-qualifying training, hire by another SIAE.
    Other: jobseeker, inactive, unknown.
    """
    try:
        return _SITUATION_CLASS[Situation(situation)]
    except ValueError:
        raise ValidationError(f"Situation inconnue : « {situation} ».", "situation") from None


def _at_least_six_months(duration_days: object, start: date | None, end: date | None) -> bool:
    if start is not None and end is not None:
        start, end = as_date(start), as_date(end)
        if end < start:
            raise ValidationError("La fin du contrat précède son début.", "end")
        return end >= day_before(add_months(start, 6))  # the end date is the last day worked
    if duration_days is None:
        raise ValidationError(
            "La durée du contrat (ou ses dates de début et de fin) est nécessaire pour classer "
            "un CDD ou une mission.",
            "duration_days",
        )
    return whole_number(duration_days, "duration_days") >= SIX_MONTHS_DAYS


def classify_contract(
    contract_type: ContractType | str,
    duration_days: object = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> OutcomeClass:
    """Outcome class of a contract signed at exit or at a follow-up point (domain.md §5.1–5.2).

    - CDI (including CDI de chantier and CDI inclusion) and business creation: durable.
    - CDD, CDD d'usage, mission, CDD Tremplin and work-study contracts (which are fixed-term
      contracts): durable from 6 months, transition below. With ``start`` and ``end`` (the last
      day worked, inclusive) the duration is counted in calendar months: 1 March → 31 August is
      6 months, 1 March → 30 August is not. Otherwise ``duration_days`` ≥ ``SIX_MONTHS_DAYS``.
    - PEC (subsidised contract with an ordinary employer): transition.
    - CDDI and making-available by an AI/GEIQ: positive (hire by another insertion structure).
    - Other contract: other (not enough to call it a dynamic exit).
    """
    try:
        kind = ContractType(contract_type)
    except ValueError:
        raise ValidationError(
            f"Type de contrat inconnu : « {contract_type} ».", "contract_type"
        ) from None
    if kind in _ALWAYS:
        return _ALWAYS[kind]
    if _at_least_six_months(duration_days, start, end):
        return OutcomeClass.DURABLE
    return OutcomeClass.TRANSITION


def follow_up_due_dates(exit_date: date) -> dict[FollowUpPoint, date]:
    """Dates of the follow-up points after an exit from the clause (domain.md §5.3): M+6 and
    M+12 in calendar months, the day clamped to the end of the month (31 August → 28/29 February
    and 31 August)."""
    exit_date = as_date(exit_date, "exit_date")
    return {
        FollowUpPoint.M6: add_months(exit_date, 6),
        FollowUpPoint.M12: add_months(exit_date, 12),
    }
