"""PlacementService: placements and their warnings, exits and outcomes, follow-up, agenda."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from stdnum import luhn

from asr_desktop.domain.enums import (
    ActionKind,
    AuditAction,
    AuthorityKind,
    CompanyKind,
    ContractType,
    FollowUpPoint,
    FollowUpSubject,
    InformationSource,
    LegalMechanism,
    MarketKind,
    Modality,
    OutcomeClass,
    ParticipantStatus,
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
)
from asr_desktop.services.container import build_services
from asr_desktop.services.placements import AgendaKind
from asr_desktop.services.settings import UserService

TODAY = date.today()


def siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


@pytest.fixture
def user(sessions):
    return UserService(sessions).create_user("facilitateur", "Facilitateur")


@pytest.fixture
def sv(db, user):
    return build_services(db, user.id)


@pytest.fixture
def market(sv):
    authority = sv.clauses.create_authority(
        Authority(id=None, name="Paris Habitat", kind=AuthorityKind.BAILLEUR)
    )
    operation = sv.clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Résidence des Sablières")
    )
    return sv.clauses.create_market(
        Market(
            id=None,
            operation_id=operation.id,
            reference="2025-RES",
            object="Réhabilitation",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            notification_date=date(2024, 12, 1),
        )
    )


def make_lot(sv, market, number="1", publics=(), **fields):
    return sv.clauses.create_calibrated_lot(
        market.id, number, f"Lot {number}", "manual", {"required_hours": 600},
        eligible_publics=publics, **fields,
    )  # fmt: skip


@pytest.fixture
def lot(sv, market):
    return make_lot(sv, market)


def make_company(sv, n, kind=CompanyKind.ORDINARY, name=None):
    return sv.companies.create_company(
        Company(id=None, siret=siret(n), name=name or f"Structure {n}", kind=kind)
    )


@pytest.fixture
def employer(sv):
    return make_company(sv, 41234567, name="Bâtiments du Val")


def make_person(sv, last="Garcia", first="Inès", codes=("RSA",), proof=date(2025, 1, 10)):
    created = sv.participants.create(
        Participant(
            id=None,
            reference="",
            last_name=last,
            first_name=first,
            birth_date=date(1992, 7, 14),
            sex=Sex.FEMALE,
        ),
        allow_duplicate=True,
    )
    for code in codes:
        sv.participants.add_eligibility(
            EligibilityRecord(
                id=None,
                participant_id=created.id,
                criterion=code,
                proof_date=proof,
                validated_on=proof,
            )
        )
    return created


@pytest.fixture
def ines(sv):
    return make_person(sv)


def draft(person, lot, employer, start=date(2025, 2, 3), end=date(2025, 7, 31), **fields):
    values = {
        "modality": Modality.DIRECT_HIRE,
        "contract_type": ContractType.CDD,
        "weekly_hours": Decimal(35),
        **fields,
    }
    return Placement(
        id=None,
        participant_id=person.id,
        lot_id=lot.id,
        employer_id=employer.id,
        start_date=start,
        end_date=end,
        **values,
    )


# --- creation ----------------------------------------------------------------------------------


def test_an_eligible_placement_is_stored_without_warnings(sv, ines, lot, employer):
    saved = sv.placements.create(draft(ines, lot, employer, job_title=" Maçon "))

    assert saved.warnings == ()
    assert saved.placement.id is not None
    assert saved.placement.job_title == "Maçon"
    assert sv.placements.get(saved.placement.id) == saved.placement


def test_a_person_without_eligibility_is_placed_with_a_warning(sv, lot, employer):
    nobody = make_person(sv, "Lambert", "Noé", codes=())
    saved = sv.placements.create(draft(nobody, lot, employer, start=date(2025, 3, 3)))

    assert saved.warnings == ("Aucun critère d'éligibilité valide au 03/03/2025.",)
    assert sv.placements.get(saved.placement.id).start_date == date(2025, 3, 3)


def test_a_criterion_outside_the_lot_publics_is_warned(sv, market, ines, employer):
    qpv_lot = make_lot(sv, market, "2", publics=("QPV",))
    saved = sv.placements.create(draft(ines, qpv_lot, employer))

    assert len(saved.warnings) == 1
    assert "publics retenus pour ce lot" in saved.warnings[0]


def test_a_stale_proof_at_the_start_date_is_warned(sv, ines, lot, employer):
    saved = sv.placements.create(draft(ines, lot, employer, start=date(2025, 5, 5)))
    assert saved.warnings == ("Aucun critère d'éligibilité valide au 05/05/2025.",)


def test_an_siae_hire_checks_the_iae_thresholds(sv, lot):
    etti = make_company(sv, 52345678, CompanyKind.ETTI)
    young = make_person(sv, "Roux", "Léo", codes=("JEUNE",))
    saved = sv.placements.create(
        draft(young, lot, etti, modality=Modality.ETTI, contract_type=ContractType.MISSION)
    )

    assert len(saved.warnings) == 1
    assert saved.warnings[0].startswith("Non éligible IAE")


def test_unusual_contract_types_are_warned(sv, ines, lot, employer):
    cddi = sv.placements.create(draft(ines, lot, employer, contract_type=ContractType.CDDI))
    mission = sv.placements.create(draft(ines, lot, employer, contract_type="mission"))

    assert "CDD d'insertion" in cddi.warnings[0]
    assert "intérim" in mission.warnings[0]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end": date(2025, 2, 2)}, "end_date"),
        ({"start": None}, "start_date"),
        ({"exit_date": date(2025, 1, 1)}, "exit_date"),
        ({"weekly_hours": Decimal("48.5")}, "weekly_hours"),
        ({"weekly_hours": -1}, "weekly_hours"),
        ({"modality": "stage"}, "modality"),
        ({"contract_type": "CDX"}, "contract_type"),
        ({"modality": Modality.ETTI}, "modality"),
        ({"modality": Modality.EA_ESAT}, "modality"),
    ],
)
def test_impossible_placements_are_refused(sv, ines, lot, employer, fields, field):
    with pytest.raises(ValidationError) as caught:
        sv.placements.create(draft(ines, lot, employer, **fields))
    assert caught.value.field == field
    assert sv.placements.list(participant_id=ines.id) == []


def test_the_modality_must_suit_the_employer_kind(sv, ines, lot):
    esat = make_company(sv, 61234567, CompanyKind.ESAT)
    ok = sv.placements.create(
        draft(ines, lot, esat, modality=Modality.EA_ESAT, weekly_hours=Decimal(48))
    )
    assert ok.placement.modality is Modality.EA_ESAT
    with pytest.raises(ValidationError, match="suppose un employeur de type ETTI"):
        sv.placements.create(draft(ines, lot, esat, modality=Modality.ETTI))


def test_unknown_lot_employer_or_person_is_reported(sv, ines, lot, employer):
    with pytest.raises(NotFound, match="lot"):
        sv.placements.create(replace(draft(ines, lot, employer), lot_id=404))
    with pytest.raises(NotFound, match="employeur"):
        sv.placements.create(replace(draft(ines, lot, employer), employer_id=404))
    with pytest.raises(NotFound, match="dossier"):
        sv.placements.create(replace(draft(ines, lot, employer), participant_id=404))


def test_a_candidate_placed_becomes_in_placement(sv, ines, lot, employer):
    assert ines.status is ParticipantStatus.CANDIDATE
    sv.placements.create(draft(ines, lot, employer))
    assert sv.participants.get(ines.id).status is ParticipantStatus.IN_PLACEMENT


def test_lists_by_person_lot_employer_and_date(sv, market, ines, lot, employer):
    other_lot = make_lot(sv, market, "2")
    other_employer = make_company(sv, 71234567)
    tom = make_person(sv, "Blanc", "Tom")
    a = sv.placements.create(draft(ines, lot, employer, date(2025, 1, 6), date(2025, 3, 31)))
    b = sv.placements.create(draft(tom, other_lot, employer, date(2025, 3, 1), None))
    c = sv.placements.create(draft(tom, lot, other_employer, date(2025, 5, 1), date(2025, 9, 30)))
    a, b, c = a.placement, b.placement, c.placement
    sv.placements.close_placement(c.id, date(2025, 5, 20), Situation.JOBSEEKER)

    assert sv.placements.list(participant_id=tom.id) == [
        b,
        replace(c, exit_date=date(2025, 5, 20), exit_situation=Situation.JOBSEEKER),
    ]
    assert [p.id for p in sv.placements.list(lot_id=lot.id)] == [a.id, c.id]
    assert [p.id for p in sv.placements.list(employer_id=employer.id)] == [a.id, b.id]
    assert [p.id for p in sv.placements.list(active_on=date(2025, 3, 15))] == [a.id, b.id]
    assert [p.id for p in sv.placements.list(active_on=date(2025, 5, 10))] == [b.id, c.id]
    assert [p.id for p in sv.placements.list(active_on=date(2025, 6, 1))] == [b.id]
    assert sv.placements.list(active_on=date(2024, 12, 31)) == []


# --- update --------------------------------------------------------------------------------------


def test_update_changes_the_contract_but_not_the_person(sv, ines, lot, employer):
    created = sv.placements.create(draft(ines, lot, employer)).placement
    longer = sv.placements.update(replace(created, end_date=date(2025, 12, 31)))
    assert longer.placement.end_date == date(2025, 12, 31)

    tom = make_person(sv, "Blanc", "Tom")
    with pytest.raises(ValidationError) as caught:
        sv.placements.update(replace(created, participant_id=tom.id))
    assert caught.value.field == "participant_id"
    entry = sv.audit.list_entries(entity="placement", entity_id=created.id)[0]
    assert (entry.action, entry.detail) == (
        AuditAction.UPDATE,
        f"participant {ines.id} ; champs : end_date",
    )


def test_shortening_a_contract_warns_of_hours_left_outside(sv, ines, lot, employer):
    created = sv.placements.create(draft(ines, lot, employer)).placement
    sv.hours.record_month(created.id, date(2025, 2, 1), Decimal(100))
    sv.hours.record_month(created.id, date(2025, 3, 1), Decimal(100))

    saved = sv.placements.update(replace(created, end_date=date(2025, 2, 28)))
    assert saved.warnings == (
        "1 ligne d'heures saisie hors des dates du contrat : vérifiez-les dans le relevé.",
    )


# --- exit and outcomes ----------------------------------------------------------------------------


def test_closing_records_the_exit_and_schedules_m6_and_m12(sv, ines, lot, employer):
    created = sv.placements.create(draft(ines, lot, employer)).placement

    closed = sv.placements.close_placement(
        created.id, date(2025, 8, 31), Situation.CDD_SHORT, source="personne"
    )

    assert (closed.placement.exit_date, closed.placement.exit_situation) == (
        date(2025, 8, 31),
        Situation.CDD_SHORT,
    )
    assert closed.exit_outcome.point is FollowUpPoint.EXIT
    assert closed.exit_outcome.outcome_class is OutcomeClass.TRANSITION
    assert closed.exit_outcome.source is InformationSource.PERSON
    assert [(o.point, o.due_date, o.observed_on) for o in closed.follow_ups] == [
        (FollowUpPoint.M6, date(2026, 2, 28), None),
        (FollowUpPoint.M12, date(2026, 8, 31), None),
    ]
    assert len(sv.placements.list_outcomes(placement_id=created.id)) == 3
    assert sv.participants.get(ines.id).status is ParticipantStatus.FOLLOW_UP


def test_a_person_still_in_another_placement_stays_in_placement(sv, ines, lot, employer):
    first = sv.placements.create(draft(ines, lot, employer)).placement
    sv.placements.create(draft(ines, lot, employer, start=date(2025, 3, 1)))
    sv.placements.close_placement(first.id, date(2025, 2, 28), Situation.CDD_SHORT)
    assert sv.participants.get(ines.id).status is ParticipantStatus.IN_PLACEMENT


def test_an_exit_cannot_be_recorded_twice_nor_before_the_start_nor_in_the_future(
    sv, ines, lot, employer
):
    created = sv.placements.create(draft(ines, lot, employer)).placement
    with pytest.raises(ValidationError) as caught:
        sv.placements.close_placement(created.id, date(2025, 1, 31), Situation.CDI)
    assert caught.value.field == "exit_date"
    with pytest.raises(ValidationError):
        sv.placements.close_placement(created.id, TODAY + timedelta(days=1), Situation.CDI)
    with pytest.raises(ValidationError) as caught:
        sv.placements.close_placement(created.id, date(2025, 5, 1), "promotion")
    assert caught.value.field == "situation"
    assert sv.placements.list_outcomes(placement_id=created.id) == []

    sv.placements.close_placement(created.id, date(2025, 5, 1), Situation.CDI)
    with pytest.raises(Conflict, match="01/05/2025"):
        sv.placements.close_placement(created.id, date(2025, 6, 1), Situation.CDI)


def test_a_follow_up_point_is_classified_when_observed(sv, ines, lot, employer):
    created = sv.placements.create(draft(ines, lot, employer)).placement
    m6 = sv.placements.close_placement(created.id, date(2025, 3, 31), Situation.CDD_SHORT)
    m6 = m6.follow_ups[0]

    observed = sv.placements.record_outcome(
        m6.id,
        date(2025, 10, 2),
        "formation",
        employer_name=" AFPA ",
        source=InformationSource.PRESCRIBER,
    )
    assert observed.outcome_class is OutcomeClass.POSITIVE
    assert (observed.observed_on, observed.employer_name) == (date(2025, 10, 2), "AFPA")
    again = sv.placements.record_outcome(m6.id, date(2025, 10, 3), Situation.CDI)
    assert again.outcome_class is OutcomeClass.DURABLE
    with pytest.raises(NotFound):
        sv.placements.record_outcome(404, date(2025, 10, 2), Situation.CDI)
    with pytest.raises(ValidationError):
        sv.placements.record_outcome(m6.id, TODAY + timedelta(days=3), Situation.CDI)


# --- follow-up actions ---------------------------------------------------------------------------


def action(subject, subject_id, occurred=date(2025, 4, 1), kind=ActionKind.CALL, **fields):
    return FollowUpAction(
        id=None,
        subject=subject,
        subject_id=subject_id,
        kind=kind,
        summary=fields.pop("summary", "Point d'étape"),
        occurred_on=occurred,
        **fields,
    )


def test_actions_on_people_companies_and_lots_are_listed_most_recent_first(
    sv, user, ines, lot, employer
):
    P, C, L = FollowUpSubject.PARTICIPANT, FollowUpSubject.COMPANY, FollowUpSubject.LOT
    first = sv.placements.add_action(action(P, ines.id, date(2025, 3, 1)))
    second = sv.placements.add_action(action(P, ines.id, date(2025, 4, 1), ActionKind.MEETING))
    on_company = sv.placements.add_action(action(C, employer.id, kind=ActionKind.SITE_VISIT))
    on_lot = sv.placements.add_action(action("lot", lot.id, kind=ActionKind.NOTE))

    assert sv.placements.list_actions(P, ines.id) == [second, first]
    assert sv.placements.list_actions("entreprise", employer.id) == [on_company]
    assert sv.placements.list_actions(L, lot.id) == [on_lot]
    assert first.user_id == user.id


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"subject_id": 404}, NotFound),
        ({"summary": "  "}, ValidationError),
        ({"kind": "pigeon"}, ValidationError),
        ({"due_date": date(2025, 3, 1)}, ValidationError),
        ({"occurred": None}, ValidationError),
    ],
)
def test_incomplete_actions_are_refused(sv, ines, changes, error):
    subject_id = changes.pop("subject_id", ines.id)
    with pytest.raises(error):
        sv.placements.add_action(action(FollowUpSubject.PARTICIPANT, subject_id, **changes))


def test_a_contact_moves_the_last_contact_date_forward_only(sv, ines):
    P = FollowUpSubject.PARTICIPANT
    sv.placements.add_action(action(P, ines.id, date(2025, 4, 1)))
    assert sv.participants.get(ines.id).last_contact_date == date(2025, 4, 1)

    sv.placements.add_action(action(P, ines.id, date(2025, 3, 1)))
    sv.placements.add_action(action(P, ines.id, date(2025, 5, 1), ActionKind.NOTE))
    sv.placements.add_action(action(P, ines.id, date(2025, 5, 2), due_date=date(2025, 6, 1)))
    assert sv.participants.get(ines.id).last_contact_date == date(2025, 4, 1)


def test_mark_done_closes_the_action_and_plans_the_next_one(sv, ines):
    P = FollowUpSubject.PARTICIPANT
    planned = sv.placements.add_action(
        action(
            P, ines.id, date(2025, 4, 1), summary="Rappeler l'employeur", due_date=date(2025, 4, 15)
        )
    )

    done, following = sv.placements.mark_done(
        planned.id, date(2025, 4, 14), "Relancer pour le relevé", date(2025, 5, 5)
    )

    assert (done.done_on, done.next_action) == (date(2025, 4, 14), "Relancer pour le relevé")
    assert following is not None
    assert (following.summary, following.due_date, following.done_on) == (
        "Relancer pour le relevé",
        date(2025, 5, 5),
        None,
    )
    assert sv.participants.get(ines.id).last_contact_date == date(2025, 4, 14)
    with pytest.raises(Conflict):
        sv.placements.mark_done(planned.id, date(2025, 4, 20))
    assert sv.placements.mark_done(following.id, date(2025, 5, 5)).next is None


def test_mark_done_refuses_inconsistent_dates_and_a_next_due_without_action(sv, ines):
    planned = sv.placements.add_action(
        action(FollowUpSubject.PARTICIPANT, ines.id, date(2025, 4, 1), due_date=date(2025, 4, 15))
    )
    with pytest.raises(ValidationError) as caught:
        sv.placements.mark_done(planned.id, date(2025, 4, 2), None, date(2025, 5, 1))
    assert caught.value.field == "next_action"
    with pytest.raises(ValidationError) as caught:
        sv.placements.mark_done(planned.id, date(2025, 3, 31))
    assert caught.value.field == "done_on"
    with pytest.raises(ValidationError) as caught:
        sv.placements.mark_done(planned.id, date(2025, 4, 10), "Relancer", date(2025, 4, 9))
    assert caught.value.field == "next_due"
    with pytest.raises(NotFound):
        sv.placements.mark_done(404, date(2025, 4, 10))


# --- agenda --------------------------------------------------------------------------------------

AGENDA_DAY = date(2025, 6, 1)


def test_agenda_lists_open_actions_due_within_the_horizon_overdue_included(sv, ines):
    P = FollowUpSubject.PARTICIPANT

    def plan(summary, due):
        return sv.placements.add_action(
            action(P, ines.id, date(2025, 4, 1), summary=summary, due_date=due)
        )

    late = plan("Relancer l'entreprise", date(2025, 5, 1))
    soon = plan("Préparer le comité", date(2025, 6, 10))
    plan("Bilan à trois mois", date(2025, 8, 1))
    done = plan("Appeler la mission locale", date(2025, 5, 15))
    sv.placements.mark_done(done.id, date(2025, 5, 14))

    agenda = sv.placements.agenda(AGENDA_DAY, horizon_days=30)
    assert [a.id for a in agenda.actions] == [late.id, soon.id]
    texts = [i.text for i in agenda.items() if i.kind is AgendaKind.ACTION]
    assert texts == ["En retard : Relancer l'entreprise", "Préparer le comité"]


def test_agenda_lists_contracts_ending_within_the_alert_parameter(sv, market, lot, employer):
    def contract(last, end):
        person = make_person(sv, last, "Sam", proof=date(2025, 4, 1))
        return sv.placements.create(draft(person, lot, employer, date(2025, 4, 7), end)).placement

    in_20_days = contract("Aubert", date(2025, 6, 21))
    in_45_days = contract("Brun", date(2025, 7, 16))
    ended_unclosed = contract("Caron", date(2025, 5, 20))
    exited = contract("Denis", date(2025, 6, 10))
    sv.placements.close_placement(exited.id, date(2025, 5, 30), Situation.CDI)

    agenda = sv.placements.agenda(AGENDA_DAY)
    assert [p.id for p in agenda.contracts_ending] == [ended_unclosed.id, in_20_days.id]
    texts = {i.record_id: i.text for i in agenda.items() if i.kind is AgendaKind.CONTRACT_END}
    assert texts[ended_unclosed.id] == "Contrat terminé le 20/05/2025 : sortie à enregistrer."
    assert texts[in_20_days.id] == "Fin de contrat le 21/06/2025."

    sv.parameters.add_value("alert.contract_end_days", 60, date(2025, 1, 1))
    wider = sv.placements.agenda(AGENDA_DAY)
    assert [p.id for p in wider.contracts_ending] == [
        ended_unclosed.id,
        in_20_days.id,
        in_45_days.id,
    ]


def test_agenda_lists_follow_up_points_due(sv, ines, lot, employer):
    created = sv.placements.create(draft(ines, lot, employer, date(2024, 9, 2), None)).placement
    closed = sv.placements.close_placement(created.id, date(2024, 12, 15), Situation.CDD_SHORT)

    agenda = sv.placements.agenda(AGENDA_DAY, horizon_days=30)
    assert agenda.outcomes_due == (closed.follow_ups[0],)
    item = next(i for i in agenda.items() if i.kind is AgendaKind.OUTCOME)
    assert item.text == "Situation à 6 mois à relever (prévue le 15/06/2025)."
    assert item.participant_id == ines.id


def test_agenda_lists_eligibility_ending(sv, lot, employer):
    expiring = make_person(sv, "Fabre", "Lou", codes=())
    rqth = sv.participants.add_eligibility(
        EligibilityRecord(
            id=None,
            participant_id=expiring.id,
            criterion="RQTH",
            validated_on=date(2025, 1, 2),
            expires_on=date(2025, 6, 20),
        )
    )
    candidate = make_person(sv, "Girard", "Ana", proof=date(2025, 3, 15))  # RSA: to 14/06
    placed = make_person(sv, "Hubert", "Max", proof=date(2025, 3, 15))
    sv.placements.create(draft(placed, lot, employer, date(2025, 4, 1)))

    agenda = sv.placements.agenda(AGENDA_DAY, horizon_days=30)
    found = [
        (e.record.participant_id, e.ends_on, e.proof_window) for e in agenda.eligibility_expiring
    ]
    assert found == [
        (candidate.id, date(2025, 6, 14), True),
        (expiring.id, date(2025, 6, 20), False),
    ]
    texts = [i.text for i in agenda.items() if i.kind is AgendaKind.ELIGIBILITY]
    assert texts[1] == "Critère « Travailleur handicapé (RQTH) » expiré après le 20/06/2025."
    assert "trop ancien" in texts[0]
    assert rqth.id in [i.record_id for i in agenda.items()]


def test_agenda_items_come_in_due_date_order(sv, ines, lot, employer):
    sv.placements.add_action(
        action(FollowUpSubject.LOT, lot.id, date(2025, 5, 1), due_date=date(2025, 6, 25))
    )
    sv.placements.create(draft(ines, lot, employer, date(2025, 2, 3), date(2025, 6, 5)))

    items = sv.placements.agenda(AGENDA_DAY).items()
    assert [(i.due, i.kind) for i in items] == [
        (date(2025, 6, 5), AgendaKind.CONTRACT_END),
        (date(2025, 6, 25), AgendaKind.ACTION),
    ]
    assert items[1].participant_id is None
    with pytest.raises(ValidationError):
        sv.placements.agenda(AGENDA_DAY, horizon_days=-1)


# --- audit ---------------------------------------------------------------------------------------


def test_placements_and_outcomes_are_audited_by_ids_only(sv, ines, lot, employer):
    created = sv.placements.create(draft(ines, lot, employer, job_title="Coffreur")).placement
    closed = sv.placements.close_placement(created.id, date(2025, 5, 1), Situation.CDI)

    placement_entries = sv.audit.list_entries(entity="placement", entity_id=created.id)
    assert [e.action for e in placement_entries] == [AuditAction.UPDATE, AuditAction.CREATE]
    outcome_ids = {e.entity_id for e in sv.audit.list_entries(entity="outcome")}
    assert outcome_ids == {closed.exit_outcome.id, *(o.id for o in closed.follow_ups)}
    details = " ".join(e.detail or "" for e in sv.audit.list_entries())
    assert "Coffreur" not in details and "Garcia" not in details
