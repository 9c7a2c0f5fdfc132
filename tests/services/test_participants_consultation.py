"""ParticipantService: opening a record (everything it shows, one « consultation » in the audit
trail with ids only), the communes list, and the search as the list page uses it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from stdnum import luhn

from asr_desktop.domain.enums import (
    ActionKind,
    AuditAction,
    AuthorityKind,
    CompanyKind,
    ContractType,
    FollowUpSubject,
    LegalMechanism,
    MarketKind,
    Modality,
    Sector,
    Sex,
    Situation,
)
from asr_desktop.domain.errors import NotFound
from asr_desktop.domain.model import (
    Authority,
    Company,
    EligibilityRecord,
    FollowUpAction,
    Market,
    Operation,
    Participant,
    Placement,
)
from asr_desktop.services.container import build_services
from asr_desktop.services.settings import UserService

ON = date(2026, 11, 25)


def _siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


@pytest.fixture
def user(sessions):
    return UserService(sessions).create_user("conseillere", "Claire Conseil")


@pytest.fixture
def sv(db, user):
    return build_services(db, user.id)


@pytest.fixture
def helene(sv, user):
    return sv.participants.create(
        Participant(
            id=None,
            reference="",
            last_name="Dupont",
            first_name="Hélène",
            birth_date=date(1990, 5, 4),
            sex=Sex.FEMALE,
            commune="Créteil",
            referent_id=user.id,
            entry_date=date(2025, 1, 6),
        )
    )


def _placed(sv, participant_id) -> Placement:
    authority = sv.clauses.create_authority(
        Authority(id=None, name="Ville de Créteil", kind=AuthorityKind.COMMUNE)
    )
    operation = sv.clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Médiathèque")
    )
    market = sv.clauses.create_market(
        Market(
            id=None,
            operation_id=operation.id,
            reference="2025-MED",
            object="Construction",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            notification_date=date(2024, 12, 1),
        )
    )
    lot = sv.clauses.create_calibrated_lot(
        market.id, "3", "Peinture", "manual", {"required_hours": 600}
    )
    employer = sv.companies.create_company(
        Company(id=None, siret=_siret(41234567), name="Peintures du Val", kind=CompanyKind.ORDINARY)
    )
    return sv.placements.create(
        Placement(
            id=None,
            participant_id=participant_id,
            lot_id=lot.id,
            employer_id=employer.id,
            modality=Modality.DIRECT_HIRE,
            contract_type=ContractType.CDD,
            start_date=date(2025, 2, 3),
            end_date=date(2025, 7, 31),
            weekly_hours=Decimal(35),
        )
    ).placement


def test_opening_a_record_writes_one_consultation_with_ids_only(sv, helene, user):
    before = sv.audit.list_entries("participant", entity_id=helene.id)

    sv.participants.open_record(helene.id, ON)

    after = sv.audit.list_entries("participant", entity_id=helene.id)
    new = [e for e in after if e.id not in {b.id for b in before}]
    assert [(e.action, e.entity, e.entity_id, e.user_id) for e in new] == [
        (AuditAction.READ, "participant", helene.id, user.id)
    ]
    assert new[0].detail is None  # no name, no birth date: the id says whose record it was
    assert sv.audit.verify_chain() is None


def test_reloading_after_a_change_is_not_a_new_consultation(sv, helene):
    sv.participants.open_record(helene.id, ON)
    sv.participants.reload_record(helene.id, ON)

    reads = [
        e
        for e in sv.audit.list_entries("participant", entity_id=helene.id)
        if e.action is AuditAction.READ
    ]
    assert len(reads) == 1


def test_an_unknown_record_cannot_be_opened_and_nothing_is_logged(sv):
    with pytest.raises(NotFound):
        sv.participants.open_record(404, ON)
    assert sv.audit.list_entries("participant", entity_id=404) == []


def test_the_record_holds_eligibility_placements_log_and_outcomes(sv, helene, user):
    people = sv.participants
    people.add_eligibility(
        EligibilityRecord(
            id=None,
            participant_id=helene.id,
            criterion="RQTH",
            validated_on=date(2024, 1, 10),
            expires_on=date(2025, 12, 31),
        )
    )
    people.add_eligibility(
        EligibilityRecord(
            id=None,
            participant_id=helene.id,
            criterion="RSA",
            proof_type="Attestation CAF",
            proof_date=date(2026, 10, 2),
            validated_on=date(2026, 10, 5),
        )
    )
    placement = _placed(sv, helene.id)
    sv.placements.close_placement(placement.id, date(2025, 7, 31), Situation.CDI)
    sv.placements.add_action(
        FollowUpAction(
            id=None,
            subject=FollowUpSubject.PARTICIPANT,
            subject_id=helene.id,
            kind=ActionKind.CALL,
            summary="Point sur la fin de contrat",
            occurred_on=date(2025, 7, 20),
        )
    )
    sv.placements.add_action(
        FollowUpAction(
            id=None,
            subject=FollowUpSubject.PARTICIPANT,
            subject_id=helene.id,
            kind=ActionKind.MEETING,
            summary="Entretien d'entrée",
            occurred_on=date(2025, 1, 6),
        )
    )

    record = people.open_record(helene.id, ON)

    assert record.participant.id == helene.id
    assert record.referent_name == "Claire Conseil"
    by_code = {line.record.criterion: line for line in record.eligibility.lines}
    assert by_code["RQTH"].expired and "expiré le 31/12/2025" in by_code["RQTH"].issue
    assert not by_code["RSA"].expired
    assert by_code["RSA"].valid is True
    assert record.user_name(by_code["RSA"].record.validated_by_id) == "Claire Conseil"
    assert [line.lot_label for line in record.placements] == ["2025-MED – lot 3 : Peinture"]
    assert [line.employer_name for line in record.placements] == ["Peintures du Val"]
    assert [a.summary for a in record.actions] == [
        "Point sur la fin de contrat",
        "Entretien d'entrée",
    ]  # newest first
    assert [o.point.value for o in record.outcomes] == ["sortie", "M6", "M12"]


def test_communes_are_listed_once_in_french_order(sv):
    for last, commune in (("A", "Créteil"), ("B", "alfortville"), ("C", "Créteil"), ("D", None)):
        sv.participants.create(
            Participant(
                id=None,
                reference="",
                last_name=last,
                first_name="Zoé",
                birth_date=date(1990, 1, int(ord(last) - 60)),
                sex=Sex.FEMALE,
                commune=commune,
            )
        )
    assert sv.participants.list_communes() == ["alfortville", "Créteil"]


def test_digits_search_references_and_phones_only(sv, helene):
    other = sv.participants.create(
        Participant(
            id=None,
            reference="",
            last_name="Martin",
            first_name="Paul",
            birth_date=date(1985, 2, 2),
            sex=Sex.MALE,
            phone="06 12 34 56 78",
        )
    )
    assert [p.id for p in sv.participants.search("0612")] == [other.id]
    assert [p.id for p in sv.participants.search(helene.reference)] == [helene.id]
    assert [p.id for p in sv.participants.search("P-00000")] == [helene.id, other.id]


def test_search_limit_gives_the_first_ones_by_name(sv, helene):
    for first in ("Anne", "Berthe", "Chloé"):
        sv.participants.create(
            Participant(
                id=None,
                reference="",
                last_name="Durand",
                first_name=first,
                birth_date=date(1991, 3, 3),
                sex=Sex.FEMALE,
            )
        )
    found = sv.participants.search("dur", limit=2)
    assert [p.first_name for p in found] == ["Anne", "Berthe"]
