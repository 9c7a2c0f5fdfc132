"""Eligibility validity, IAE thresholds and clause publics (domain.md §4)."""

from __future__ import annotations

from datetime import date

import pytest

from asr_desktop.domain import rules
from asr_desktop.domain.enums import CompanyKind
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import EligibilityRecord

# --- proof windows and validity -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proof", "months", "expected"),
    [
        (date(2026, 1, 10), 3, date(2026, 4, 9)),  # "less than 3 months old" up to 9 April
        (date(2025, 11, 30), 3, date(2026, 2, 27)),  # 30 Nov + 3 months clamps to 28 Feb
        (date(2026, 1, 10), 12, date(2027, 1, 9)),
        (date(2026, 1, 10), None, None),
        (None, 3, None),
    ],
)
def test_proof_window_end(proof, months, expected):
    assert rules.proof_window_end(proof, months) == expected


VALIDATED = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("kwargs", "valid"),
    [
        ({"validated_on": None}, False),
        ({}, True),
        ({"validated_on": date(2026, 7, 1)}, True),  # validated after the month: still counts
        ({"expires_on": date(2026, 6, 30), "on": date(2026, 6, 30)}, True),  # expiry day included
        ({"expires_on": date(2026, 6, 30), "on": date(2026, 7, 1)}, False),
        # RSA certificate of 10 January (3-month window), entry on 1 February: assessed at entry,
        # so June's hours are still covered
        (
            {
                "proof_date": date(2026, 1, 10),
                "proof_validity_months": 3,
                "entry_date": date(2026, 2, 1),
            },
            True,
        ),
        # the same proof for a *new* entry in June is too old
        ({"proof_date": date(2026, 1, 10), "proof_validity_months": 3}, False),
        (
            {
                "proof_date": date(2026, 1, 10),
                "proof_validity_months": 3,
                "entry_date": date(2026, 4, 9),
            },
            True,
        ),
        (
            {
                "proof_date": date(2026, 1, 10),
                "proof_validity_months": 3,
                "entry_date": date(2026, 4, 10),
            },
            False,
        ),
        # no proof date recorded: the validation alone stands
        ({"proof_validity_months": 3}, True),
        # an explicit expiry ends even an eligibility assessed at entry
        (
            {
                "proof_date": date(2026, 1, 10),
                "proof_validity_months": 3,
                "entry_date": date(2026, 2, 1),
                "expires_on": date(2026, 5, 31),
            },
            False,
        ),
    ],
)
def test_eligibility_valid_on(kwargs, valid):
    args = {"validated_on": VALIDATED, "on": date(2026, 6, 15), **kwargs}
    assert rules.eligibility_valid_on(**args) is valid


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"validated_on": None}, "L'éligibilité n'a pas encore été validée."),
        ({"expires_on": date(2026, 5, 31)}, "L'éligibilité a expiré le 31/05/2026."),
        (
            {"proof_date": date(2026, 1, 10), "proof_validity_months": 3},
            "Le justificatif du 10/01/2026 avait plus de 3 mois au 15/06/2026 : il faut un "
            "justificatif plus récent.",
        ),
    ],
)
def test_eligibility_issue_explains(kwargs, message):
    args = {"validated_on": VALIDATED, "on": date(2026, 6, 15), **kwargs}
    assert rules.eligibility_issue(**args) == message


def record(code, proof=date(2026, 1, 10), validated=VALIDATED, expires=None):
    return EligibilityRecord(
        id=None,
        participant_id=1,
        criterion=code,
        proof_date=proof,
        validated_on=validated,
        expires_on=expires,
    )


@pytest.mark.parametrize(
    ("rec", "entry", "use_window", "valid"),
    [
        (record("RSA"), date(2026, 2, 1), True, True),  # catalogue window 3 months, at entry
        (record("RSA"), None, True, False),  # new entry on 1 June: certificate too old
        (record("RSA"), None, False, True),  # territory without proof windows
        (record("SENIOR"), None, True, True),  # no window for age
        (record("ASE"), None, True, True),  # 12-month window: 10/01/2026 still fresh in June
        (record("RQTH", expires=date(2026, 3, 31)), date(2026, 2, 1), True, False),
    ],
)
def test_record_valid_on(rec, entry, use_window, valid):
    assert rules.record_valid_on(rec, date(2026, 6, 1), entry, use_window) is valid


def test_valid_criteria_codes():
    records = [record("RSA"), record("JEUNE"), record("DELD", validated=None)]
    assert rules.valid_criteria_codes(records, date(2026, 6, 1)) == {"JEUNE"}
    assert rules.valid_criteria_codes(records, date(2026, 6, 1), date(2026, 2, 1)) == {
        "RSA",
        "JEUNE",
    }


def test_unknown_criterion_is_refused():
    with pytest.raises(ValidationError) as caught:
        rules.record_valid_on(record("NOPE"), date(2026, 6, 1))
    assert caught.value.field == "criteria"
    assert "« NOPE »" in str(caught.value)


# --- IAE thresholds (§4.3) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "kind", "eligible"),
    [
        ({"RSA"}, CompanyKind.EI, True),  # one level-1 criterion is enough
        ({"DETLD"}, CompanyKind.ACI, True),
        ({"DELD", "JEUNE"}, CompanyKind.AI, True),  # AI: 2 level-2 criteria
        ({"DELD", "JEUNE"}, CompanyKind.ETTI, True),
        ({"DELD", "JEUNE"}, CompanyKind.EI, False),  # EI: 3 needed
        ({"DELD", "JEUNE"}, CompanyKind.ACI, False),
        ({"DELD", "JEUNE"}, CompanyKind.EITI, False),
        ({"DELD", "JEUNE", "QPV"}, CompanyKind.EI, True),
        ({"DELD", "JEUNE", "QPV"}, CompanyKind.EITI, True),
        ({"DELD"}, CompanyKind.AI, False),
        (set(), CompanyKind.AI, False),
        # PLIE and SIAE employment are clause publics, not IAE level-2 criteria
        ({"PLIE", "SALARIE_SIAE", "DELD"}, CompanyKind.AI, False),
        (["DELD", "DELD"], CompanyKind.AI, False),  # duplicates count once
        # not an SIAE: IAE eligibility does not apply, even with RSA
        ({"RSA"}, CompanyKind.GEIQ, False),
        ({"DELD", "JEUNE"}, CompanyKind.ORDINARY, False),
    ],
)
def test_iae_eligible(codes, kind, eligible):
    assert rules.iae_eligible(codes, kind)[0] is eligible


@pytest.mark.parametrize(
    ("codes", "kind", "explanation"),
    [
        ({"RSA"}, CompanyKind.EI, "Éligible IAE : critère de niveau 1 (Bénéficiaire du RSA)."),
        (
            {"JEUNE"},
            CompanyKind.EI,
            "Non éligible IAE : aucun critère de niveau 1 et 1 critère de niveau 2 (Jeune de moins "
            "de 26 ans) ; il en faut 3 pour une EI, un ACI ou une EITI.",
        ),
        (
            {"JEUNE", "QPV"},
            CompanyKind.AI,
            "Éligible IAE : 2 critères de niveau 2 (Jeune de moins de 26 ans, Résident d'un "
            "quartier prioritaire (QPV)) ; il en faut 2 pour une AI ou une ETTI.",
        ),
        (
            set(),
            CompanyKind.ETTI,
            "Non éligible IAE : aucun critère de niveau 1 et aucun critère de niveau 2 ; il en faut "
            "2 pour une AI ou une ETTI.",
        ),
    ],
)
def test_iae_explanation(codes, kind, explanation):
    assert rules.iae_eligible(codes, kind)[1] == explanation


def test_iae_thresholds_table():
    assert {k.value: v for k, v in rules.IAE_LEVEL2_THRESHOLD.items()} == {
        "AI": 2,
        "ETTI": 2,
        "EI": 3,
        "ACI": 3,
        "EITI": 3,
    }


# --- clause publics (§4.1) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "publics", "eligible"),
    [
        ({"RSA"}, (), True),
        ({"RQTH"}, (), True),
        ({"QPV"}, (), False),  # QPV is a local public, not in the AVE list
        ({"QPV"}, ("QPV", "RSA"), True),  # …but the lot may retain it
        ({"RSA"}, ("QPV",), False),  # the lot's list is authoritative
        ({"JEUNE", "QPV"}, ("QPV",), True),
        (set(), (), False),
    ],
)
def test_clause_eligible(codes, publics, eligible):
    assert rules.clause_eligible(codes, publics)[0] is eligible


@pytest.mark.parametrize(
    ("codes", "publics", "explanation"),
    [
        ({"RSA"}, (), "Éligible à la clause : Bénéficiaire du RSA."),
        (set(), (), "La personne n'a aucun critère d'éligibilité valide."),
        ({"QPV"}, (), "Aucun critère valide de la personne ne relève des publics de la clause."),
        (
            {"RSA"},
            ("QPV", "CHARTE_LOCALE"),
            "Aucun critère valide de la personne ne fait partie des publics retenus pour ce lot "
            "(CHARTE_LOCALE, Résident d'un quartier prioritaire (QPV)).",
        ),
    ],
)
def test_clause_explanation(codes, publics, explanation):
    assert rules.clause_eligible(codes, publics)[1] == explanation
