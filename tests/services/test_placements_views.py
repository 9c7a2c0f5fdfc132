"""PlacementService, what the Suivi page reads: placements with their names (filters, limit,
search), lots to choose from, warnings of a placement being typed, agenda lines with who they
concern; and the kind of the next action when an action is marked done."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from stdnum import luhn

from asr_desktop.domain.enums import (
    ActionKind,
    AuthorityKind,
    CompanyKind,
    ContractType,
    FollowUpPoint,
    FollowUpSubject,
    LegalMechanism,
    LotStatus,
    MarketKind,
    Modality,
    Sector,
    Sex,
    Situation,
)
from asr_desktop.domain.errors import NotFound, ValidationError
from asr_desktop.domain.formats import normalise_text
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
from asr_desktop.persistence.repositories.placements import fold
from asr_desktop.services.container import build_services
from asr_desktop.services.placements import AgendaKind

DAY = date(2025, 6, 1)


def siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


@pytest.fixture
def sv(db):
    return build_services(db)


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


def make_lot(sv, market, number, title, publics=()):
    return sv.clauses.create_calibrated_lot(
        market.id, number, title, "manual", {"required_hours": 600}, eligible_publics=publics
    )


def make_company(sv, n, name, kind=CompanyKind.ORDINARY):
    return sv.companies.create_company(Company(id=None, siret=siret(n), name=name, kind=kind))


def make_person(sv, last, first, codes=("RSA",), proof=date(2025, 1, 10)):
    person = sv.participants.create(
        Participant(
            id=None,
            reference="",
            last_name=last,
            first_name=first,
            birth_date=date(1990, 3, 4),
            sex=Sex.FEMALE,
        ),
        allow_duplicate=True,
    )
    for code in codes:
        sv.participants.add_eligibility(
            EligibilityRecord(
                id=None,
                participant_id=person.id,
                criterion=code,
                proof_date=proof,
                validated_on=proof,
            )
        )
    return person


def place(sv, person, lot, employer, start, end=None, **fields):
    values = {"modality": Modality.DIRECT_HIRE, "contract_type": ContractType.CDD, **fields}
    return sv.placements.create(
        Placement(
            id=None,
            participant_id=person.id,
            lot_id=lot.id,
            employer_id=employer.id,
            start_date=start,
            end_date=end,
            weekly_hours=Decimal(35),
            **values,
        )
    ).placement


@pytest.fixture
def world(sv, market):
    """Two lots, two employers, three people, four placements (one exited)."""
    paint = make_lot(sv, market, "1", "Peinture – revêtements")
    lights = make_lot(sv, market, "2", "Éclairage public")
    builder = make_company(sv, 41234567, "Bâtiments du Val")
    electric = make_company(sv, 42234567, "Élec Créteil")
    helene = make_person(sv, "Dupré", "Hélène")
    omar = make_person(sv, "Benali", "Omar")
    zoe = make_person(sv, "Martin", "Zoé")
    first = place(sv, helene, paint, builder, date(2025, 2, 3), date(2025, 5, 30))
    second = place(sv, omar, lights, electric, date(2025, 3, 3), job_title="Électricien")
    third = place(sv, zoe, paint, electric, date(2025, 4, 7))
    sv.placements.close_placement(first.id, date(2025, 5, 30), Situation.CDI)
    fourth = place(sv, helene, lights, builder, date(2025, 5, 12))
    return {
        "lots": (paint, lights),
        "companies": (builder, electric),
        "people": (helene, omar, zoe),
        "placements": (first, second, third, fourth),
    }


def ids(listing):
    return [line.placement.id for line in listing.lines]


# --- listing --------------------------------------------------------------------------------------


def test_listing_shows_open_placements_newest_first_with_their_names(sv, world):
    first, second, third, fourth = world["placements"]

    listing = sv.placements.listing()

    assert ids(listing) == [fourth.id, third.id, second.id]
    assert listing.total == 3 and not listing.limited
    line = listing.lines[0]
    assert line.participant_name == "DUPRÉ Hélène"
    assert line.participant_reference.startswith("P-")
    assert line.lot_label == "2025-RES · lot 2 — Éclairage public"
    assert line.employer_name == "Bâtiments du Val"
    assert line.placement == sv.placements.get(fourth.id)


def test_listing_filters_by_exit_lot_employer_and_person(sv, world):
    first, second, third, fourth = world["placements"]
    paint, lights = world["lots"]
    builder, electric = world["companies"]
    helene = world["people"][0]

    assert ids(sv.placements.listing(exited=True)) == [first.id]
    assert ids(sv.placements.listing(exited=None)) == [fourth.id, third.id, second.id, first.id]
    assert ids(sv.placements.listing(exited=None, lot_id=paint.id)) == [third.id, first.id]
    assert ids(sv.placements.listing(employer_id=electric.id)) == [third.id, second.id]
    assert ids(sv.placements.listing(exited=None, participant_id=helene.id)) == [
        fourth.id,
        first.id,
    ]
    assert sv.placements.listing(lot_id=paint.id, employer_id=builder.id).lines == ()


def test_listing_is_limited_but_counts_every_match(sv, world):
    listing = sv.placements.listing(exited=None, limit=2)

    assert len(listing.lines) == 2 and listing.total == 4 and listing.limited
    assert ids(listing) == [world["placements"][3].id, world["placements"][2].id]
    with pytest.raises(ValidationError) as refused:
        sv.placements.listing(limit=0)
    assert refused.value.field == "limit"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("helene", [3]),  # the person, without accents
        ("DUPRE", [3]),
        ("electricien", [1]),  # the job title
        ("elec creteil", [2, 1]),  # the employer, every word
        ("eclairage", [3, 1]),  # the lot
        ("2025-res peinture", [2]),  # market reference and lot title
        ("benali peinture", []),  # every word must be found
    ],
)
def test_listing_search_ignores_case_and_accents_in_every_name(sv, world, query, expected):
    placements = world["placements"]

    listing = sv.placements.listing(query=query)

    assert ids(listing) == [placements[i].id for i in expected]
    assert listing.total == len(expected)


def test_listing_search_finds_a_reference_and_respects_the_limit(sv, world):
    zoe = world["people"][2]
    assert ids(sv.placements.listing(query=zoe.reference)) == [world["placements"][2].id]
    limited = sv.placements.listing(exited=None, query="e", limit=1)
    assert len(limited.lines) == 1 and limited.total == 4


@pytest.mark.parametrize(
    "text", ["Jean-Pierre N’DIAYE", "2021 · lot 3 — Maçonnerie – gros œuvre", "Straße Æ…", "中文 é"]
)
def test_the_sql_folding_matches_normalise_text(text):
    assert fold(text) == normalise_text(text)


# --- lot choices --------------------------------------------------------------------------------


def test_lot_choices_are_searched_without_accents_running_lots_first(sv, market, world):
    paint, lights = world["lots"]
    closed = make_lot(sv, market, "3", "Éclairage des parkings")
    sv.clauses.update_lot(replace(sv.clauses.get_lot(closed.id), status=LotStatus.COMPLETED))

    found = sv.placements.lot_choices("eclairage")

    assert [c.id for c in found] == [lights.id, closed.id]
    assert found[0].label == "2025-RES · lot 2 — Éclairage public"
    assert [c.id for c in sv.placements.lot_choices("", limit=1)] == [paint.id]
    assert sv.placements.lot_label(lights.id) == found[0].label
    with pytest.raises(NotFound):
        sv.placements.lot_label(404)


# --- warnings while typing ------------------------------------------------------------------------


def test_preview_warns_as_soon_as_person_and_start_date_are_known(sv, market, world):
    nobody = make_person(sv, "Lambert", "Noé", codes=())
    helene = world["people"][0]
    qpv_lot = make_lot(sv, market, "4", "Voirie", publics=("QPV",))
    etti = make_company(sv, 52345678, "Tremplin Intérim", CompanyKind.ETTI)
    before = sv.placements.listing(exited=None).total

    assert sv.placements.preview_warnings(nobody.id, date(2025, 3, 3)) == (
        "Aucun critère d'éligibilité valide au 03/03/2025.",
    )
    assert sv.placements.preview_warnings(helene.id, date(2025, 3, 3)) == ()
    on_qpv_lot = sv.placements.preview_warnings(helene.id, date(2025, 3, 3), lot_id=qpv_lot.id)
    assert len(on_qpv_lot) == 1 and "publics" in on_qpv_lot[0]
    young = make_person(sv, "Roux", "Léo", codes=("JEUNE",))
    at_etti = sv.placements.preview_warnings(
        young.id, date(2025, 3, 3), employer_id=etti.id, modality=Modality.ETTI
    )
    assert at_etti[0].startswith("Non éligible IAE")
    assert sv.placements.listing(exited=None).total == before  # nothing written
    with pytest.raises(NotFound):
        sv.placements.preview_warnings(404, date(2025, 3, 3))


def test_preview_gives_the_warnings_create_would_give(sv, world):
    nobody = make_person(sv, "Lambert", "Noé", codes=())
    paint = world["lots"][0]
    builder = world["companies"][0]
    preview = sv.placements.preview_warnings(
        nobody.id,
        date(2025, 3, 3),
        lot_id=paint.id,
        employer_id=builder.id,
        modality=Modality.DIRECT_HIRE,
        contract_type=ContractType.MISSION,
    )
    saved = sv.placements.create(
        Placement(
            id=None,
            participant_id=nobody.id,
            lot_id=paint.id,
            employer_id=builder.id,
            modality=Modality.DIRECT_HIRE,
            contract_type=ContractType.MISSION,
            start_date=date(2025, 3, 3),
        )
    )
    assert preview == saved.warnings and len(preview) == 2


# --- agenda lines ---------------------------------------------------------------------------------


def test_agenda_lines_say_who_each_item_concerns(sv, world):
    paint = world["lots"][0]
    builder = world["companies"][0]
    helene, omar, _zoe = world["people"]
    first, second, _third, _fourth = world["placements"]
    call = sv.placements.add_action(
        FollowUpAction(None, FollowUpSubject.PARTICIPANT, omar.id, ActionKind.CALL,
                       "Appeler Omar", date(2025, 5, 2), due_date=date(2025, 5, 20))
    )  # fmt: skip
    visit = sv.placements.add_action(
        FollowUpAction(None, FollowUpSubject.COMPANY, builder.id, ActionKind.SITE_VISIT,
                       "Visite", date(2025, 5, 2), due_date=date(2025, 6, 3))
    )  # fmt: skip
    sv.placements.add_action(
        FollowUpAction(None, FollowUpSubject.LOT, paint.id, ActionKind.NOTE,
                       "Bilan du lot", date(2025, 5, 2), due_date=date(2025, 6, 4))
    )  # fmt: skip
    sv.placements.update(replace(sv.placements.get(second.id), end_date=date(2025, 6, 20)))

    lines = sv.placements.agenda_lines(DAY, 30)

    items = sv.placements.agenda(DAY, 30).items()
    assert [line.item for line in lines] == items
    by_kind = {(line.item.kind, line.item.record_id): line for line in lines}
    late_call = by_kind[(AgendaKind.ACTION, call.id)]
    assert late_call.overdue and late_call.action == call
    assert late_call.subject == f"BENALI Omar ({omar.reference})"
    assert late_call.detail == "Appel"
    assert by_kind[(AgendaKind.ACTION, visit.id)].subject == "Entreprise : Bâtiments du Val"
    lot_line = next(line for line in lines if line.subject.startswith("Lot : "))
    assert lot_line.subject == "Lot : 2025-RES · lot 1 — Peinture – revêtements"
    ending = by_kind[(AgendaKind.CONTRACT_END, second.id)]
    assert not ending.overdue and ending.placement_id == second.id
    assert ending.detail == "Élec Créteil — Électricien"
    assert ending.placement == sv.placements.get(second.id)
    with pytest.raises(ValidationError):
        sv.placements.agenda_lines(DAY, -1)


def test_agenda_lines_carry_the_follow_up_point_to_observe(sv, world):
    first = world["placements"][0]
    helene = world["people"][0]

    lines = sv.placements.agenda_lines(date(2025, 11, 25), 30)

    line = next(line for line in lines if line.item.kind is AgendaKind.OUTCOME)
    assert line.outcome.point is FollowUpPoint.M6 and line.outcome.placement_id == first.id
    assert line.placement_id == first.id
    assert line.subject == f"DUPRÉ Hélène ({helene.reference})"
    assert line.detail == "Bâtiments du Val"
    assert sv.placements.get_outcome(line.outcome.id) == line.outcome
    with pytest.raises(NotFound):
        sv.placements.get_outcome(404)


# --- next action of a given kind -------------------------------------------------------------------


def test_marking_done_plans_the_next_action_of_the_kind_chosen(sv, world):
    omar = world["people"][1]
    call = sv.placements.add_action(
        FollowUpAction(None, FollowUpSubject.PARTICIPANT, omar.id, ActionKind.CALL,
                       "Appeler Omar", date(2025, 5, 2), due_date=date(2025, 5, 20))
    )  # fmt: skip

    done = sv.placements.mark_done(
        call.id, date(2025, 5, 21), "Rendez-vous bilan", date(2025, 6, 5), ActionKind.MEETING
    )

    assert done.next.kind is ActionKind.MEETING and done.next.due_date == date(2025, 6, 5)
    assert done.done.kind is ActionKind.CALL
    with pytest.raises(ValidationError) as refused:
        sv.placements.mark_done(done.next.id, date(2025, 6, 5), "Suite", date(2025, 7, 1), "fax")
    assert refused.value.field == "next_kind"


def test_the_agenda_view_filters_limits_to_the_closest_and_counts_everything(sv, world):
    omar = world["people"][1]

    def plan(due):
        return sv.placements.add_action(
            FollowUpAction(None, FollowUpSubject.PARTICIPANT, omar.id, ActionKind.CALL,
                           f"Appel du {due:%d/%m}", date(2025, 1, 2), due_date=due)
        )  # fmt: skip

    old, late, soon, later = (
        plan(date(2025, 2, 1)),
        plan(date(2025, 5, 25)),
        plan(date(2025, 6, 3)),
        plan(date(2025, 6, 20)),
    )
    view = sv.placements.agenda_view(DAY, 30, kind=AgendaKind.ACTION, limit=2)

    assert [line.action.id for line in view.lines] == [late.id, soon.id]  # closest to DAY
    assert view.total == 4 and view.limited
    full = sv.placements.agenda_view(DAY, 30)
    assert view.by_kind == full.by_kind and view.size == len(full.lines)
    assert view.by_kind[AgendaKind.ACTION] == 4 and view.overdue == full.overdue
    overdue = sv.placements.agenda_view(DAY, 30, kind="action", overdue_only=True)
    assert [line.action.id for line in overdue.lines] == [old.id, late.id]
    assert later.id in [line.item.record_id for line in full.lines]
    with pytest.raises(ValidationError) as refused:
        sv.placements.agenda_view(DAY, 30, kind="rien")
    assert refused.value.field == "kind"
