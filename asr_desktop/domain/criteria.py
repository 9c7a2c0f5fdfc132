"""Catalogue of eligibility criteria: clause publics and IAE criteria (domain.md §4).

Clause publics follow the AVE list (§4.1); IAE level 1 / level 2 criteria follow the arrêtés of
1 September 2021 and 4 September 2025 (§4.3). Proof validity windows are those implemented by the
national inclusion platform (§4.3), in months, relative to the date the proof is checked.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    label: str
    iae_level: int | None  # 1, 2 or None (clause public only)
    clause_public: bool  # counts for clause eligibility (AVE list, §4.1)
    proof_validity_months: int | None  # None: no window (age, decision valid at hiring…)
    sensitive: bool = False  # health (art. 9) or justice (art. 10) data: code and date only


CRITERIA: tuple[Criterion, ...] = (
    # IAE level 1 — one is enough
    Criterion("RSA", "Bénéficiaire du RSA", 1, True, 3),
    Criterion("ASS", "Allocataire de l'ASS", 1, True, 3),
    Criterion("AAH", "Bénéficiaire de l'AAH", 1, True, 3),
    Criterion("DETLD", "Demandeur d'emploi de très longue durée (24 mois et plus)", 1, True, 3),
    # IAE level 2
    Criterion("DELD", "Demandeur d'emploi de longue durée (12 à 24 mois)", 2, True, 3),
    Criterion("NIVEAU_3", "Niveau de formation 3 (CAP, BEP) ou infra", 2, False, 3),
    Criterion("SENIOR", "Senior (50 ans et plus)", 2, True, None),
    Criterion("JEUNE", "Jeune de moins de 26 ans", 2, True, None),
    Criterion("ASE", "Sortant de l'aide sociale à l'enfance", 2, False, 12),
    Criterion("RQTH", "Travailleur handicapé (RQTH)", 2, True, None, sensitive=True),
    Criterion("PARENT_ISOLE", "Parent isolé", 2, False, 3),
    Criterion("SANS_HEBERGEMENT", "Sans hébergement ou hébergé", 2, False, 3),
    Criterion("REFUGIE", "Réfugié, protection subsidiaire ou demandeur d'asile", 2, False, None),
    Criterion("ZRR", "Résident en zone de revitalisation rurale", 2, False, 6),
    Criterion("QPV", "Résident d'un quartier prioritaire (QPV)", 2, False, 6),
    Criterion("PPSMJ", "Sortant de détention ou sous main de justice", 2, False, 6, sensitive=True),
    Criterion("FLE", "Maîtrise du français inférieure au niveau A1", 2, False, 6),
    Criterion("MOBILITE", "Problème de mobilité", 2, False, 6),
    # Clause publics that are not IAE criteria
    Criterion(
        "MINIMA_AUTRES",
        "Autre minimum social (allocation d'insertion, pension d'invalidité)",
        None,
        True,
        3,
    ),
    Criterion("SALARIE_SIAE", "Salarié d'une SIAE (PASS IAE)", None, True, None),
    Criterion("EPIDE_E2C", "Suivi par l'EPIDE ou une E2C", None, True, 6),
    Criterion("GEIQ", "Salarié d'un GEIQ", None, True, None),
    Criterion("AVIS_MOTIVE", "Autre difficulté, sur avis motivé d'un prescripteur", None, True, 6),
    Criterion("PLIE", "Participant du PLIE", None, True, None),
)

CRITERIA_BY_CODE: dict[str, Criterion] = {c.code: c for c in CRITERIA}


def criterion(code: str) -> Criterion:
    """Return the criterion for a code; raise KeyError with the code if unknown."""
    return CRITERIA_BY_CODE[code]
