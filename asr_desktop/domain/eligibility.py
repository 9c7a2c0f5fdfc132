"""Eligibility of a participant: validity of a record, IAE thresholds, clause publics (domain.md §4).

Choice about validity (domain.md §4.2): clause eligibility is **assessed at entry**, there is no
national validity period. So a record is valid on a date when

1. it has been validated (``validated_on`` is set — the date itself may be later than the hours'
   month, since the facilitator may validate "at the latest before hours are counted");
2. it has not expired: an explicit ``expires_on`` (local rule, end of an RQTH decision, of a
   PASS IAE…) ends it after that day, whatever the entry date;
3. its proof was fresh enough **when eligibility was assessed**: the criterion's proof window
   (``Criterion.proof_validity_months``, e.g. 3 months for an RSA certificate) is checked at the
   placement's entry date when one is given, otherwise at the date asked (a new entry on that
   day). The proof window never ends an eligibility already assessed at entry: an RSA certificate
   dated 10 January that supported a hire on 1 February still covers the hours of June.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from asr_desktop.domain.criteria import CRITERIA_BY_CODE, Criterion
from asr_desktop.domain.dates import add_months, day_before
from asr_desktop.domain.enums import CompanyKind
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_date
from asr_desktop.domain.model import EligibilityRecord

#: Level-2 criteria needed without a level-1 one, by kind of SIAE (domain.md §4.3).
IAE_LEVEL2_THRESHOLD: dict[CompanyKind, int] = {
    CompanyKind.AI: 2,
    CompanyKind.ETTI: 2,
    CompanyKind.EI: 3,
    CompanyKind.ACI: 3,
    CompanyKind.EITI: 3,
}
_THRESHOLD_WORDING = {2: "une AI ou une ETTI", 3: "une EI, un ACI ou une EITI"}


def proof_window_end(proof_date: date | None, validity_months: int | None) -> date | None:
    """Last day on which a proof dated ``proof_date`` is "less than N months old" (§4.3).

    A certificate of 10 January with a 3-month window can support an entry up to 9 April.
    ``None`` when there is no proof date or no window.
    """
    if proof_date is None or validity_months is None:
        return None
    return day_before(add_months(proof_date, validity_months))


def eligibility_issue(
    *,
    validated_on: date | None,
    on: date,
    expires_on: date | None = None,
    proof_date: date | None = None,
    proof_validity_months: int | None = None,
    entry_date: date | None = None,
) -> str | None:
    """Why a record is not valid on ``on`` (a French sentence), or ``None`` when it is.

    See the module docstring for the rule; ``entry_date`` is the date eligibility was assessed
    for the placement (its start), ``None`` to assess a new entry on ``on``.
    """
    if validated_on is None:
        return "L'éligibilité n'a pas encore été validée."
    if expires_on is not None and on > expires_on:
        return f"L'éligibilité a expiré le {format_date(expires_on)}."
    assessed_on = entry_date or on
    window_end = proof_window_end(proof_date, proof_validity_months)
    if window_end is not None and assessed_on > window_end:
        return (
            f"Le justificatif du {format_date(proof_date)} avait plus de {proof_validity_months} "
            f"mois au {format_date(assessed_on)} : il faut un justificatif plus récent."
        )
    return None


def eligibility_valid_on(
    *,
    validated_on: date | None,
    on: date,
    expires_on: date | None = None,
    proof_date: date | None = None,
    proof_validity_months: int | None = None,
    entry_date: date | None = None,
) -> bool:
    """True when the record is valid on ``on`` (see :func:`eligibility_issue`)."""
    return (
        eligibility_issue(
            validated_on=validated_on,
            on=on,
            expires_on=expires_on,
            proof_date=proof_date,
            proof_validity_months=proof_validity_months,
            entry_date=entry_date,
        )
        is None
    )


def record_valid_on(
    record: EligibilityRecord,
    on: date,
    entry_date: date | None = None,
    use_proof_window: bool = True,
) -> bool:
    """:func:`eligibility_valid_on` for a stored record, the proof window taken from the criteria
    catalogue (``use_proof_window=False`` ignores it, for territories whose charter has none)."""
    window = _criterion(record.criterion).proof_validity_months if use_proof_window else None
    return eligibility_valid_on(
        validated_on=record.validated_on,
        on=on,
        expires_on=record.expires_on,
        proof_date=record.proof_date,
        proof_validity_months=window,
        entry_date=entry_date,
    )


def valid_criteria_codes(
    records: Iterable[EligibilityRecord],
    on: date,
    entry_date: date | None = None,
    use_proof_window: bool = True,
) -> set[str]:
    """Codes of the participant's criteria valid on ``on``."""
    return {r.criterion for r in records if record_valid_on(r, on, entry_date, use_proof_window)}


def _criterion(code: str) -> Criterion:
    try:
        return CRITERIA_BY_CODE[code]
    except KeyError:
        raise ValidationError(f"Critère d'éligibilité inconnu : « {code} ».", "criteria") from None


def _labels(criteria: Iterable[Criterion]) -> str:
    return ", ".join(c.label for c in criteria)


def _count_wording(criteria: list[Criterion]) -> str:
    if not criteria:
        return "aucun critère de niveau 2"
    plural = "s" if len(criteria) > 1 else ""
    return f"{len(criteria)} critère{plural} de niveau 2 ({_labels(criteria)})"


def iae_eligible(criteria_codes: Iterable[str], structure_kind: CompanyKind) -> tuple[bool, str]:
    """IAE eligibility for a hire by an SIAE (domain.md §4.3), with a French explanation.

    One level-1 criterion is enough; otherwise an AI or an ETTI needs 2 level-2 criteria and an
    EI, an ACI or an EITI needs 3. ``criteria_codes`` are the codes valid at the date considered
    (see :func:`valid_criteria_codes`); a code unknown to the catalogue raises
    ``ValidationError``. For a structure that is not an SIAE the answer is ``False`` with an
    explanation (IAE eligibility does not apply).
    """
    criteria = sorted({_criterion(code) for code in criteria_codes}, key=lambda c: c.code)
    threshold = IAE_LEVEL2_THRESHOLD.get(structure_kind)
    if threshold is None:
        return False, (
            "L'éligibilité IAE ne concerne que les SIAE (EI, ETTI, AI, ACI, EITI), "
            f"pas : {structure_kind.label}."
        )
    level1 = [c for c in criteria if c.iae_level == 1]
    if level1:
        return True, f"Éligible IAE : critère de niveau 1 ({_labels(level1)})."
    level2 = [c for c in criteria if c.iae_level == 2]
    wording = (
        f"{_count_wording(level2)} ; il en faut {threshold} pour {_THRESHOLD_WORDING[threshold]}"
    )
    if len(level2) >= threshold:
        return True, f"Éligible IAE : {wording}."
    return False, f"Non éligible IAE : aucun critère de niveau 1 et {wording}."


def clause_eligible(
    criteria_codes: Iterable[str], lot_eligible_publics: Iterable[str] = ()
) -> tuple[bool, str]:
    """Clause eligibility (domain.md §4.1), with a French explanation.

    When the lot lists its publics (``Lot.eligible_publics``), one of the participant's valid
    criteria must be among them — the lot's list is authoritative, so a local public such as QPV
    counts there even though the AVE list does not include it. When the lot lists none, any
    criterion of the AVE clause list (``Criterion.clause_public``) is enough.
    """
    criteria = sorted({_criterion(code) for code in criteria_codes}, key=lambda c: c.code)
    if not criteria:
        return False, "La personne n'a aucun critère d'éligibilité valide."
    publics = set(lot_eligible_publics)
    if publics:
        matched = [c for c in criteria if c.code in publics]
        if matched:
            return True, f"Éligible à la clause : {_labels(matched)}."
        wanted = ", ".join(
            CRITERIA_BY_CODE[p].label if p in CRITERIA_BY_CODE else p for p in sorted(publics)
        )
        return False, (
            "Aucun critère valide de la personne ne fait partie des publics retenus pour ce lot "
            f"({wanted})."
        )
    matched = [c for c in criteria if c.clause_public]
    if matched:
        return True, f"Éligible à la clause : {_labels(matched)}."
    return False, "Aucun critère valide de la personne ne relève des publics de la clause."
