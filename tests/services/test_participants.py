"""ParticipantService: identity checks, search, duplicates, merge, eligibility, prescribers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from faker import Faker
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
    ParticipantStatus,
    PrescriberKind,
    Sector,
    Sex,
    Situation,
)
from asr_desktop.domain.errors import Conflict, NotFound, ValidationError
from asr_desktop.domain.model import (
    Authority,
    Company,
    EligibilityRecord,
    FollowUpAction,
    Market,
    Operation,
    Participant,
    Placement,
    Prescriber,
)
from asr_desktop.services.container import build_services
from asr_desktop.services.participants import PossibleDuplicates
from asr_desktop.services.settings import UserService

TODAY = date.today()


def person(last="Dupont", first="Hélène", born=date(1990, 5, 4), **fields) -> Participant:
    return Participant(
        id=None,
        reference=fields.pop("reference", ""),
        last_name=last,
        first_name=first,
        birth_date=born,
        sex=fields.pop("sex", Sex.FEMALE),
        **fields,
    )


def record(participant_id, code="RSA", proof=date(2025, 1, 10), validated=date(2025, 1, 12), **f):
    return EligibilityRecord(
        id=None,
        participant_id=participant_id,
        criterion=code,
        proof_date=proof,
        validated_on=validated,
        **f,
    )


def siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


@pytest.fixture
def user(sessions):
    return UserService(sessions).create_user("conseillere", "Conseillère référente")


@pytest.fixture
def sv(db, user):
    return build_services(db, user.id)


@pytest.fixture
def people(sv):
    return sv.participants


@pytest.fixture
def lot(sv):
    authority = sv.clauses.create_authority(
        Authority(id=None, name="Ville de Limeil-Brévannes", kind=AuthorityKind.COMMUNE)
    )
    operation = sv.clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Groupe scolaire")
    )
    market = sv.clauses.create_market(
        Market(
            id=None,
            operation_id=operation.id,
            reference="2025-GS",
            object="Construction",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            notification_date=date(2024, 12, 1),
        )
    )
    return sv.clauses.create_calibrated_lot(
        market.id, "1", "Gros œuvre", "manual", {"required_hours": 800}, eligible_publics=("RSA",)
    )


@pytest.fixture
def employer(sv):
    return sv.companies.create_company(
        Company(id=None, siret=siret(41234567), name="Bâtiments du Val", kind=CompanyKind.ORDINARY)
    )


def place(sv, participant_id, lot, employer, start=date(2025, 2, 1), end=date(2025, 7, 31)):
    return sv.placements.create(
        Placement(
            id=None,
            participant_id=participant_id,
            lot_id=lot.id,
            employer_id=employer.id,
            modality=Modality.DIRECT_HIRE,
            contract_type=ContractType.CDD,
            start_date=start,
            end_date=end,
            weekly_hours=Decimal(35),
        )
    ).placement


# --- creation and field checks ----------------------------------------------------------------


def test_references_are_generated_in_sequence_and_a_given_one_is_kept(people):
    first = people.create(person())
    second = people.create(person("Martin", "Jean", date(1985, 1, 2), sex=Sex.MALE))
    third = people.create(person("Bernard", "Lucie", date(1999, 3, 3), reference=" plie-77 "))

    assert (first.reference, second.reference) == ("P-000001", "P-000002")
    assert third.reference == "PLIE-77"
    assert people.create(person("Petit", "Zoé", date(2000, 1, 1))).reference == "P-000003"


def test_a_reference_already_used_is_refused(people):
    people.create(person(reference="P-000042"))
    with pytest.raises(Conflict, match="P-000042"):
        people.create(person("Martin", "Jean", date(1985, 1, 2), reference="p-000042"))


def test_entry_date_defaults_to_today_and_phone_is_stored_in_national_form(people):
    created = people.create(person(phone="+33 (0)6 39 98 12 34", email=" h.dupont@example.org "))

    assert created.entry_date == TODAY
    assert created.phone == "06 39 98 12 34"
    assert created.email == "h.dupont@example.org"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"last": "  "}, "last_name"),
        ({"first": ""}, "first_name"),
        ({"phone": "06 12 34"}, "phone"),
        ({"phone": "numéro"}, "phone"),
        ({"email": "h.dupont@example"}, "email"),
        ({"postcode": "9400"}, "postcode"),
        ({"postcode": "94A00"}, "postcode"),
        ({"sex": "X"}, "sex"),
        ({"education_level": "bac"}, "education_level"),
    ],
)
def test_malformed_fields_are_refused_with_the_field_named(people, fields, field):
    with pytest.raises(ValidationError) as caught:
        people.create(person(**fields))
    assert caught.value.field == field


def test_birth_date_must_give_an_age_between_16_and_80_at_entry(people):
    entry = date(2025, 6, 1)
    too_young = date(2009, 6, 2)  # 15 the day before their 16th birthday
    with pytest.raises(ValidationError, match="15 ans") as caught:
        people.create(person(born=too_young, entry_date=entry))
    assert caught.value.field == "birth_date"
    with pytest.raises(ValidationError, match="81 ans"):
        people.create(person(born=date(1944, 5, 31), entry_date=entry))

    sixteen = people.create(person(born=date(2009, 6, 1), entry_date=entry))
    assert sixteen.birth_date == date(2009, 6, 1)


def test_an_international_number_is_accepted_and_kept(people):
    created = people.create(person(phone="+32 2 555 12 34"))
    assert created.phone == "+32 2 555 12 34"


def test_unknown_prescriber_or_referent_is_refused(people):
    with pytest.raises(ValidationError) as caught:
        people.create(person(prescriber_id=999))
    assert caught.value.field == "prescriber_id"
    with pytest.raises(ValidationError) as caught:
        people.create(person(referent_id=999))
    assert caught.value.field == "referent_id"


def test_a_qpv_code_implies_a_qpv_resident(people):
    created = people.create(person(qpv_code="qn09412m"))
    assert created.qpv is True
    assert created.qpv_code == "QN09412M"


def test_get_and_update_of_an_unknown_record_say_so(people):
    with pytest.raises(NotFound):
        people.get(404)
    with pytest.raises(NotFound):
        people.update(replace(person(), id=404))


# --- search ----------------------------------------------------------------------------------


@pytest.fixture
def crowd(people):
    """A few generated people around the ones the tests look for."""
    fake = Faker("fr_FR")
    fake.seed_instance(20260303)
    for _ in range(8):
        people.create(
            person(fake.last_name(), fake.first_name(), fake.date_of_birth(None, 20, 60)),
            allow_duplicate=True,
        )


def test_search_ignores_accents_case_and_word_order(people, crowd):
    helene = people.create(person("Dupont", "Hélène"))
    jean = people.create(person("Dupont", "Jean", date(1980, 2, 2), sex=Sex.MALE))

    assert [p.id for p in people.search("helene")] == [helene.id]
    assert [p.id for p in people.search("HÉLÈNE dupont")] == [helene.id]
    assert [p.id for p in people.search("dupont jean")] == [jean.id]
    assert [p.id for p in people.search("jean dupont")] == [jean.id]
    assert {p.id for p in people.search("dupont")} == {helene.id, jean.id}


def test_search_meets_names_written_with_or_without_apostrophes_and_hyphens(people):
    ndiaye = people.create(person("N'Diaye", "Marie-Claire"))
    assert [p.id for p in people.search("ndiaye")] == [ndiaye.id]
    assert [p.id for p in people.search("marie claire")] == [ndiaye.id]


def test_search_by_reference_or_phone(people, crowd):
    target = people.create(person("Rousseau", "Inès", phone="06 39 98 55 11"))

    assert [p.id for p in people.search(target.reference)] == [target.id]
    assert [p.id for p in people.search(target.reference.lower())] == [target.id]
    assert [p.id for p in people.search("06 39 98 55")] == [target.id]


def test_search_keeps_up_with_a_renamed_person(people):
    created = people.create(person("Durand", "Chloé"))
    people.update(replace(created, last_name="Lefèvre"))

    assert people.search("durand") == []
    assert [p.last_name for p in people.search("lefevre chloe")] == ["Lefèvre"]


def test_search_filters_combine(sv, people, user):
    mission_locale = people.create_prescriber(
        Prescriber(
            id=None, name="Mission locale Plateau Briard", kind=PrescriberKind.MISSION_LOCALE
        )
    )
    a = people.create(
        person("Moreau", "Léa", commune="Créteil", qpv=True, prescriber_id=mission_locale.id)
    )
    b = people.create(
        person("Moreau", "Paul", date(1970, 1, 1), sex=Sex.MALE, commune="Sucy-en-Brie")
    )
    c = people.create(
        person("Moreau", "Anna", date(1995, 1, 1), commune="CRETEIL", referent_id=user.id)
    )
    people.add_eligibility(record(b.id, "SENIOR", proof=None))
    people.update(replace(c, status=ParticipantStatus.EXITED))

    assert {p.id for p in people.search(commune="creteil")} == {a.id, c.id}
    assert [p.id for p in people.search(qpv=True)] == [a.id]
    assert [p.id for p in people.search(prescriber_id=mission_locale.id)] == [a.id]
    assert [p.id for p in people.search(referent_id=user.id)] == [c.id]
    assert [p.id for p in people.search(criterion="senior")] == [b.id]
    assert [p.id for p in people.search("moreau", status=ParticipantStatus.EXITED)] == [c.id]
    assert [p.id for p in people.search("moreau", status="candidat")] == [a.id, b.id]
    assert len(people.search("moreau", limit=2)) == 2


def test_search_refuses_an_unknown_criterion(people):
    with pytest.raises(ValidationError) as caught:
        people.search(criterion="LICORNE")
    assert caught.value.field == "criterion"


# --- duplicates ------------------------------------------------------------------------------


def test_same_name_and_birth_date_is_a_duplicate_whatever_the_accents_and_order(people):
    stored = people.create(person("Dupont", "Hélène"))

    found = people.find_duplicates(person("DUPONT", "helene"))
    assert [d.participant.id for d in found] == [stored.id]
    assert found[0].reasons == ("Même nom et même date de naissance",)
    swapped = people.find_duplicates(person("Hélène", "Dupont"))
    assert [d.participant.id for d in swapped] == [stored.id]


def test_a_namesake_born_another_day_is_not_a_duplicate(people):
    people.create(person("Dupont", "Hélène"))
    assert people.find_duplicates(person("Dupont", "Hélène", date(1991, 5, 4))) == []


def test_same_phone_in_another_form_and_same_email_in_another_case(people):
    stored = people.create(person(phone="06 39 98 12 34", email="Helene.D@example.org"))
    other = person("Martin", "Julie", date(2001, 1, 1))

    by_phone = people.find_duplicates(replace(other, phone="+33639981234"))
    assert [(d.participant.id, d.reasons) for d in by_phone] == [
        (stored.id, ("Même numéro de téléphone",))
    ]
    by_email = people.find_duplicates(replace(other, email="helene.d@EXAMPLE.org"))
    assert by_email[0].reasons == ("Même adresse électronique",)


def test_candidates_with_more_reasons_come_first_and_a_record_is_not_its_own_duplicate(people):
    weak = people.create(person("Martin", "Julie", date(2001, 1, 1), phone="06 39 98 00 01"))
    strong = people.create(person(phone="06 39 98 00 02", email="h@example.org"))

    found = people.find_duplicates(person(phone="06 39 98 00 01", email="h@example.org"))
    assert [d.participant.id for d in found] == [strong.id, weak.id]
    assert found[0].score > found[1].score
    assert len(found[0].reasons) == 2
    assert people.find_duplicates(strong) == []


def test_creation_of_a_lookalike_is_refused_unless_confirmed(people):
    stored = people.create(person())

    with pytest.raises(PossibleDuplicates) as caught:
        people.create(person("DUPONT", "Helene"))
    assert isinstance(caught.value, Conflict)
    assert stored.reference in str(caught.value)
    assert "même nom et même date de naissance" in str(caught.value)
    assert [d.participant.id for d in caught.value.candidates] == [stored.id]
    assert len(people.search("dupont")) == 1

    confirmed = people.create(person("DUPONT", "Helene"), allow_duplicate=True)
    assert confirmed.id != stored.id


def test_updating_the_phone_updates_what_duplicates_compare(people):
    stored = people.create(person(phone="06 39 98 12 34"))
    people.update(replace(stored, phone="07 00 00 00 01"))
    other = person("Martin", "Julie", date(2001, 1, 1))

    assert people.find_duplicates(replace(other, phone="06 39 98 12 34")) == []
    assert len(people.find_duplicates(replace(other, phone="0700000001"))) == 1


# --- merge and deletion ----------------------------------------------------------------------


def test_merge_moves_the_history_fills_gaps_and_deletes_the_other_record(sv, people, lot, employer):
    keep = people.create(person(phone="06 39 98 12 34", last_contact_date=date(2025, 1, 5)))
    drop = people.create(
        person(
            "DUPONT",
            "Helene",
            email="h.dupont@example.org",
            commune="Boissy-Saint-Léger",
            restricted=True,
            last_contact_date=date(2025, 3, 1),
        ),
        allow_duplicate=True,
    )
    people.add_eligibility(record(drop.id))
    placement = place(sv, drop.id, lot, employer)
    sv.hours.record_month(placement.id, date(2025, 2, 1), Decimal("140"))
    sv.placements.add_action(
        FollowUpAction(
            id=None,
            subject=FollowUpSubject.PARTICIPANT,
            subject_id=drop.id,
            kind=ActionKind.CALL,
            summary="Point sur le chantier",
            occurred_on=date(2025, 2, 20),
        )
    )
    sv.placements.close_placement(placement.id, date(2025, 4, 30), Situation.CDD_SHORT)

    merged = people.merge(keep.id, drop.id)

    assert merged.id == keep.id
    assert (merged.last_name, merged.phone) == ("Dupont", "06 39 98 12 34")
    assert (merged.email, merged.commune) == ("h.dupont@example.org", "Boissy-Saint-Léger")
    assert merged.restricted is True
    assert merged.last_contact_date == date(2025, 3, 1)
    with pytest.raises(NotFound):
        people.get(drop.id)
    assert [r.criterion for r in people.list_eligibility(keep.id)] == ["RSA"]
    assert [p.id for p in sv.placements.list(participant_id=keep.id)] == [placement.id]
    assert len(sv.placements.list_outcomes(participant_id=keep.id)) == 3
    assert len(sv.placements.list_actions(FollowUpSubject.PARTICIPANT, keep.id)) == 1
    assert sv.hours.credited_by_placement()[placement.id] == Decimal("140.00")
    assert [p.id for p in people.search("dupont")] == [keep.id]
    merges = sv.audit.list_entries(entity="participant", entity_id=keep.id)
    assert merges[0].action is AuditAction.MERGE
    assert f"{drop.id}" in merges[0].detail
    assert "email" in merges[0].detail and "example.org" not in merges[0].detail


def test_merge_with_itself_or_a_missing_record_changes_nothing(people):
    keep = people.create(person())
    with pytest.raises(ValidationError):
        people.merge(keep.id, keep.id)
    with pytest.raises(NotFound):
        people.merge(keep.id, 404)
    assert people.get(keep.id) == keep


def test_delete_removes_a_record_without_placements_only(sv, people, lot, employer):
    mistaken = people.create(person())
    people.add_eligibility(record(mistaken.id))
    people.delete(mistaken.id)
    with pytest.raises(NotFound):
        people.get(mistaken.id)

    placed = people.create(person("Martin", "Jean", date(1980, 1, 1), sex=Sex.MALE))
    place(sv, placed.id, lot, employer)
    with pytest.raises(Conflict, match="mises en emploi"):
        people.delete(placed.id)
    assert people.get(placed.id).id == placed.id


# --- eligibility -----------------------------------------------------------------------------


def test_eligibility_record_is_stored_with_its_criterion_normalised_and_validator(people, user):
    owner = people.create(person())
    stored = people.add_eligibility(record(owner.id, " rsa ", proof_type="Attestation CAF"))

    assert stored.criterion == "RSA"
    assert stored.validated_by_id == user.id
    assert stored.expires_on is None  # the proof window is not an expiry (domain.md §4.2)
    assert people.list_eligibility(owner.id) == [stored]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "LICORNE"}, "criterion"),
        ({"code": ""}, "criterion"),
        ({"proof": TODAY + timedelta(days=1), "validated": None}, "proof_date"),
        ({"validated": TODAY + timedelta(days=2)}, "validated_on"),
        ({"proof": date(2025, 1, 10), "validated": date(2025, 1, 9)}, "validated_on"),
        ({"expires_on": date(2025, 1, 1)}, "expires_on"),
        ({"code": "RQTH", "note": "Reconnaissance suite à un accident"}, "note"),
        ({"code": "PPSMJ", "proof_type": "Jugement"}, "proof_type"),
    ],
)
def test_implausible_eligibility_records_are_refused(people, changes, field):
    owner = people.create(person())
    with pytest.raises(ValidationError) as caught:
        people.add_eligibility(record(owner.id, **changes))
    assert caught.value.field == field
    assert people.list_eligibility(owner.id) == []


def test_eligibility_update_and_delete(people):
    owner = people.create(person())
    stored = people.add_eligibility(record(owner.id))

    changed = people.update_eligibility(replace(stored, expires_on=date(2025, 12, 31)))
    assert changed.expires_on == date(2025, 12, 31)
    with pytest.raises(ValidationError):
        people.update_eligibility(replace(stored, participant_id=owner.id + 1))
    people.delete_eligibility(stored.id)
    assert people.list_eligibility(owner.id) == []
    with pytest.raises(NotFound):
        people.delete_eligibility(stored.id)


def test_status_with_a_level_1_criterion_is_clause_and_iae_eligible(people):
    owner = people.create(person())
    people.add_eligibility(record(owner.id, "RSA"))

    status = people.eligibility_status(owner.id, date(2025, 2, 1))
    assert status.valid_codes == ("RSA",)
    assert status.clause_eligible and status.iae_level1
    assert status.iae_ai_etti[0] and status.iae_ei_aci[0]
    assert status.lines[0].proof_valid_until == date(2025, 4, 9)


def test_status_counts_level_2_criteria_against_the_structure_thresholds(people):
    owner = people.create(person())
    for code in ("JEUNE", "NIVEAU_3"):
        people.add_eligibility(record(owner.id, code))

    status = people.eligibility_status(owner.id, date(2025, 2, 1))
    assert status.iae_ai_etti[0] is True
    assert status.iae_ei_aci[0] is False
    assert "il en faut 3" in status.iae_ei_aci[1]
    assert status.clause_eligible  # JEUNE is a clause public


def test_status_explains_why_a_record_is_not_valid(people):
    owner = people.create(person())
    people.add_eligibility(record(owner.id, "DELD", expires_on=date(2025, 3, 31)))
    people.add_eligibility(record(owner.id, "SENIOR", proof=None, validated=None))

    status = people.eligibility_status(owner.id, date(2025, 4, 15))
    issues = {line.record.criterion: line.issue for line in status.lines}
    assert "expiré le 31/03/2025" in issues["DELD"]
    assert "pas encore été validée" in issues["SENIOR"]
    assert status.valid_codes == ()
    assert status.clause_explanation == "Aucun critère d'éligibilité valide au 15/04/2025."


def test_status_checks_proofs_at_the_entry_date_and_the_lot_publics(people, lot):
    owner = people.create(person())
    people.add_eligibility(record(owner.id, "JEUNE", proof=None))
    people.add_eligibility(record(owner.id, "RSA", proof=date(2025, 1, 10)))

    late_entry = people.eligibility_status(owner.id, date(2025, 6, 1))
    assert late_entry.valid_codes == ("JEUNE",)  # the RSA proof is more than 3 months old
    early_entry = people.eligibility_status(owner.id, date(2025, 6, 1), entry_date=date(2025, 2, 1))
    assert early_entry.valid_codes == ("JEUNE", "RSA")

    on_lot = people.eligibility_status(owner.id, date(2025, 6, 1), lot_id=lot.id)  # RSA only
    assert on_lot.clause_eligible is False
    assert "Bénéficiaire du RSA" in on_lot.clause_explanation


# --- prescribers -----------------------------------------------------------------------------


def test_prescribers_are_created_once_and_listed_by_name(people):
    ft = people.create_prescriber(
        Prescriber(id=None, name="France Travail Créteil", kind=PrescriberKind.FRANCE_TRAVAIL)
    )
    ccas = people.create_prescriber(Prescriber(id=None, name=" CCAS  de Sucy ", kind="CCAS"))

    assert ccas.name == "CCAS de Sucy"
    assert people.list_prescribers() == [ccas, ft]
    assert people.list_prescribers(PrescriberKind.FRANCE_TRAVAIL) == [ft]
    with pytest.raises(Conflict):
        people.create_prescriber(
            Prescriber(id=None, name="france travail créteil", kind=PrescriberKind.FRANCE_TRAVAIL)
        )
    with pytest.raises(ValidationError):
        people.create_prescriber(Prescriber(id=None, name="", kind=PrescriberKind.OTHER))


# --- audit -----------------------------------------------------------------------------------


def test_changes_to_a_person_are_audited_with_field_names_only(sv, people, user):
    created = people.create(person(phone="06 39 98 12 34"))
    people.update(replace(created, phone="07 00 00 00 01", commune="Créteil"))
    people.update(replace(people.get(created.id), commune="Créteil"))  # nothing changes

    entries = sv.audit.list_entries(entity="participant", entity_id=created.id)
    assert [e.action for e in entries] == [AuditAction.UPDATE, AuditAction.CREATE]
    assert entries[0].detail == "champs : phone, commune"
    assert entries[0].user_id == user.id
    texts = " ".join(e.detail or "" for e in entries)
    for personal in ("Dupont", "Hélène", "06 39", "07 00", "Créteil"):
        assert personal not in texts


def test_eligibility_changes_are_audited_without_the_criterion(sv, people):
    owner = people.create(person())
    stored = people.add_eligibility(record(owner.id, "RQTH", proof=None))
    people.update_eligibility(replace(stored, expires_on=date(2026, 1, 1)))
    people.delete_eligibility(stored.id)

    entries = sv.audit.list_entries(entity="eligibility")
    assert [e.action for e in entries] == [
        AuditAction.DELETE,
        AuditAction.UPDATE,
        AuditAction.CREATE,
    ]
    assert all(e.entity_id == stored.id for e in entries)
    assert all("RQTH" not in (e.detail or "") for e in entries)
    assert "expires_on" in entries[1].detail
