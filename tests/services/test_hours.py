"""HoursService: the versioned ledger, checks and crediting by month, totals, lot progress."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from stdnum import luhn

from asr_desktop.domain.enums import (
    AttributionRole,
    AuditAction,
    AuthorityKind,
    CompanyKind,
    ContractType,
    ConversionRule,
    HoursStatus,
    LegalMechanism,
    MarketKind,
    Modality,
    Sector,
    Sex,
    Situation,
)
from asr_desktop.domain.errors import NotFound, ValidationError
from asr_desktop.domain.model import (
    Attribution,
    Authority,
    Company,
    EligibilityRecord,
    GlobalisationConvention,
    Market,
    Operation,
    Participant,
    Placement,
)
from asr_desktop.domain.progress import RiskStatus
from asr_desktop.services.container import build_services
from asr_desktop.services.settings import UserService

FEB, MAR, APR, MAY = (date(2025, m, 1) for m in (2, 3, 4, 5))


def siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


@pytest.fixture
def user(sessions):
    return UserService(sessions).create_user("saisie", "Agent de saisie")


@pytest.fixture
def sv(db, user):
    return build_services(db, user.id)


@pytest.fixture
def market(sv):
    authority = sv.clauses.create_authority(
        Authority(id=None, name="Ville de Créteil", kind=AuthorityKind.COMMUNE)
    )
    operation = sv.clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Médiathèque")
    )
    return sv.clauses.create_market(
        Market(
            id=None,
            operation_id=operation.id,
            reference="2025-MED",
            object="Construction de la médiathèque",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            notification_date=date(2024, 12, 1),
        )
    )


def make_lot(sv, market, number="1", required=1200, **fields):
    values = {"start_date": date(2025, 1, 1), "end_date": date(2025, 12, 31), **fields}
    return sv.clauses.create_calibrated_lot(
        market.id, number, f"Lot {number}", "manual", {"required_hours": required}, **values
    )


@pytest.fixture
def lot(sv, market):
    return make_lot(sv, market)


def make_company(sv, n, kind=CompanyKind.ORDINARY):
    return sv.companies.create_company(
        Company(id=None, siret=siret(n), name=f"Entreprise {n}", kind=kind)
    )


@pytest.fixture
def employer(sv):
    return make_company(sv, 41234567)


def make_person(sv, last="Leroy", eligible=True):
    created = sv.participants.create(
        Participant(
            id=None,
            reference="",
            last_name=last,
            first_name="Yanis",
            birth_date=date(1988, 11, 3),
            sex=Sex.MALE,
        ),
        allow_duplicate=True,
    )
    if eligible:
        sv.participants.add_eligibility(
            EligibilityRecord(
                id=None,
                participant_id=created.id,
                criterion="RSA",
                proof_date=date(2025, 1, 10),
                validated_on=date(2025, 1, 13),
            )
        )
    return created


def place(sv, lot, employer, person=None, start=date(2025, 2, 3), end=None, **fields):
    values = {
        "modality": Modality.DIRECT_HIRE,
        "contract_type": ContractType.CDI,
        "weekly_hours": Decimal(35),
        **fields,
    }
    return sv.placements.create(
        Placement(
            id=None,
            participant_id=(person or make_person(sv)).id,
            lot_id=lot.id,
            employer_id=employer.id,
            start_date=start,
            end_date=end,
            **values,
        )
    ).placement


@pytest.fixture
def placement(sv, lot, employer):
    return place(sv, lot, employer)


# --- recording and versions ------------------------------------------------------------------


def test_first_recording_is_version_1_credited_as_worked(sv, user, placement):
    entry, flags = sv.hours.record_month(
        placement.id, date(2025, 2, 17), Decimal("151.67"), proof_ref=" REL-2025-02 "
    )

    assert flags == ()
    assert (entry.month, entry.version, entry.status) == (FEB, 1, HoursStatus.ENTERED)
    assert (entry.credited_hours, entry.rule) == (Decimal("151.67"), ConversionRule.HOURS)
    assert (entry.proof_ref, entry.created_by_id, entry.lot_id) == (
        "REL-2025-02",
        user.id,
        placement.lot_id,
    )
    assert sv.hours.lines(placement_id=placement.id) == [entry]


def test_recording_the_same_values_again_changes_nothing(sv, placement):
    first = sv.hours.record_month(placement.id, FEB, 120, 0).entry
    audited = len(sv.audit.list_entries(entity="hours_entry"))

    again = sv.hours.record_month(placement.id, FEB, Decimal("120.00"), Decimal(0)).entry

    assert again == first
    assert sv.hours.history(placement.id, FEB) == [first]
    assert len(sv.audit.list_entries(entity="hours_entry")) == audited


def test_different_values_need_a_reason(sv, placement):
    first = sv.hours.record_month(placement.id, FEB, 120).entry
    with pytest.raises(ValidationError) as caught:
        sv.hours.record_month(placement.id, FEB, 110)
    assert caught.value.field == "reason"
    with pytest.raises(ValidationError):
        sv.hours.record_month(placement.id, FEB, 120, proof_ref="REL-BIS", reason="   ")
    assert sv.hours.history(placement.id, FEB) == [first]


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(sv, placement):
    first = sv.hours.record_month(placement.id, FEB, 120).entry
    second = sv.hours.record_month(placement.id, FEB, 110, reason="Relevé rectifié").entry
    third = sv.hours.record_month(placement.id, FEB, 112, reason="Heures sup. oubliées").entry

    history = sv.hours.history(placement.id, date(2025, 2, 28))
    assert [(v.id, v.version, v.worked_hours) for v in history] == [
        (first.id, 1, Decimal("120.00")),
        (second.id, 2, Decimal("110.00")),
        (third.id, 3, Decimal("112.00")),
    ]
    assert [v.reason for v in history] == [None, "Relevé rectifié", "Heures sup. oubliées"]
    assert sv.hours.lines(placement_id=placement.id) == [third]
    assert sv.hours.credited_by_lot() == {placement.lot_id: Decimal("112.00")}


def test_ledger_changes_are_audited(sv, placement):
    first = sv.hours.record_month(placement.id, FEB, 120).entry
    second = sv.hours.record_month(placement.id, FEB, 110, reason="Relevé rectifié").entry

    entries = sv.audit.list_entries(entity="hours_entry")
    assert [(e.action, e.entity_id) for e in entries] == [
        (AuditAction.UPDATE, second.id),
        (AuditAction.CREATE, first.id),
    ]
    assert entries[0].detail == f"placement {placement.id} ; version 2 (remplace n° {first.id})"


# --- checks ----------------------------------------------------------------------------------


def test_a_month_outside_the_placement_is_refused(sv, lot, employer):
    placement = place(sv, lot, employer, end=date(2025, 3, 31))
    for month in (date(2025, 1, 1), APR):
        with pytest.raises(ValidationError, match="en dehors des dates") as caught:
            sv.hours.record_month(placement.id, month, 35)
        assert caught.value.field == "month"
        assert sv.hours.history(placement.id, month) == []


def test_the_exit_date_ends_the_months_that_can_be_recorded(sv, placement):
    sv.placements.close_placement(placement.id, date(2025, 3, 14), Situation.CDI)
    assert sv.hours.record_month(placement.id, MAR, 60).entry.version == 1
    with pytest.raises(ValidationError):
        sv.hours.record_month(placement.id, APR, 60)


def test_hours_of_a_person_without_valid_eligibility_are_refused(sv, lot, employer):
    placement = place(sv, lot, employer, make_person(sv, "Noël", eligible=False))
    with pytest.raises(ValidationError, match="éligibilité valide") as caught:
        sv.hours.record_month(placement.id, FEB, 100)
    assert caught.value.field == "participant_id"
    assert sv.hours.lines() == []


def test_an_explicit_expiry_ends_the_months_that_count(sv, lot, employer):
    person = make_person(sv, "Perrin")
    record = sv.participants.list_eligibility(person.id)[0]
    sv.participants.update_eligibility(replace(record, expires_on=date(2025, 3, 15)))
    placement = place(sv, lot, employer, person)

    assert sv.hours.record_month(placement.id, MAR, 100).entry.version == 1
    with pytest.raises(ValidationError):
        sv.hours.record_month(placement.id, APR, 100)


def test_the_proof_window_is_judged_at_entry_not_each_month(sv, placement):
    """An RSA certificate of 10 January supports a hire on 3 February and the hours of June."""
    assert sv.hours.record_month(placement.id, date(2025, 6, 1), 140).flags == ()


def test_above_the_plausible_maximum_is_stored_with_a_flag(sv, placement):
    entry, flags = sv.hours.record_month(placement.id, FEB, 180, 30)

    assert [f.code for f in flags] == ["above_monthly_max"]
    assert "210" in flags[0].message
    assert entry.flags == ("above_monthly_max",)
    assert sv.hours.credited_by_lot()[placement.lot_id] == Decimal("210.00")


def test_the_maximum_in_force_for_the_month_applies(sv, placement):
    sv.parameters.add_value("hours.max_monthly", 150, APR)
    assert sv.hours.record_month(placement.id, MAR, 160).flags == ()
    assert [f.code for f in sv.hours.record_month(placement.id, APR, 160).flags] == [
        "above_monthly_max"
    ]


def test_months_beyond_the_counting_period_are_flagged(sv, placement):
    sv.parameters.add_value("eligibility.max_months_after_first_hire", 2, date(2024, 1, 1))
    assert sv.hours.record_month(placement.id, MAR, 100).flags == ()
    assert [f.code for f in sv.hours.record_month(placement.id, APR, 100).flags] == [
        "beyond_max_months"
    ]


@pytest.mark.parametrize(
    ("worked", "training", "field"),
    [(-1, 0, "worked_hours"), (10, -2, "training_hours"), ("dix", 0, "worked_hours")],
)
def test_negative_or_unreadable_hours_are_refused(sv, placement, worked, training, field):
    with pytest.raises(ValidationError) as caught:
        sv.hours.record_month(placement.id, FEB, worked, training)
    assert caught.value.field == field


def test_unknown_placement_is_reported(sv):
    with pytest.raises(NotFound):
        sv.hours.record_month(404, FEB, 10)


# --- crediting --------------------------------------------------------------------------------


def test_training_hours_count_per_lot_rule_and_dated_parameter(sv, market, employer, placement):
    sv.parameters.add_value("training.counted", 0, MAY)
    assert sv.hours.record_month(placement.id, APR, 100, 10).entry.credited_hours == Decimal(
        "110.00"
    )
    may = sv.hours.record_month(placement.id, MAY, 100, 10).entry
    assert (may.credited_hours, may.training_counted) == (Decimal("100.00"), False)

    strict_lot = make_lot(sv, market, "2", training_hours_counted=False)
    other = place(sv, strict_lot, employer)
    assert sv.hours.record_month(other.id, APR, 100, 10).entry.credited_hours == Decimal("100.00")


def test_an_invoice_converts_with_the_lot_coefficients_else_the_parameters(sv, market):
    ei = make_company(sv, 52345678, CompanyKind.EI)
    local_rule = make_lot(
        sv, market, "2", conversion_labour_share=Decimal("0.4"), conversion_hourly_cost=25
    )
    default_rule = make_lot(sv, market, "3")
    kw = {"modality": Modality.SIAE_SUBCONTRACT, "contract_type": ContractType.CDDI}
    on_local = place(sv, local_rule, ei, **kw)
    on_default = place(sv, default_rule, ei, **kw)

    local = sv.hours.record_month(on_local.id, MAR, 0, invoice_amount=3000).entry
    default = sv.hours.record_month(on_default.id, MAR, 0, invoice_amount="3000").entry

    assert (local.credited_hours, local.rule) == (Decimal("48.00"), ConversionRule.INVOICE)
    assert (local.labour_share_used, local.hourly_cost_used) == (Decimal("0.4"), Decimal("25"))
    assert default.credited_hours == Decimal("50.00")
    with pytest.raises(ValidationError) as caught:
        sv.hours.record_month(on_default.id, APR, 10, invoice_amount=3000)
    assert caught.value.field == "invoice_amount"


def test_an_invoice_is_refused_for_a_direct_hire(sv, placement):
    with pytest.raises(ValidationError) as caught:
        sv.hours.record_month(placement.id, FEB, 0, invoice_amount=1000)
    assert caught.value.field == "invoice_amount"


def test_hours_may_go_to_a_lot_pooled_by_a_globalisation_convention(sv, market, employer):
    lot_a = make_lot(sv, market, "A", globalisation_allowed=True)
    lot_b = make_lot(sv, market, "B", globalisation_allowed=True)
    lot_c = make_lot(sv, market, "C", globalisation_allowed=True)
    for held in (lot_a, lot_b, lot_c):
        sv.companies.add_attribution(
            Attribution(
                id=None, lot_id=held.id, company_id=employer.id, role=AttributionRole.HOLDER
            )
        )
    sv.companies.create_globalisation(
        GlobalisationConvention(
            id=None,
            company_id=employer.id,
            name="Convention médiathèque",
            start_date=date(2025, 1, 1),
            lot_shares=((lot_a.id, Decimal(0)), (lot_b.id, Decimal(0))),
        )
    )
    placement = place(sv, lot_a, employer)

    pooled = sv.hours.record_month(placement.id, MAR, 80, lot_id=lot_b.id).entry
    assert pooled.lot_id == lot_b.id
    assert sv.hours.credited_by_lot() == {lot_b.id: Decimal("80.00")}
    with pytest.raises(ValidationError) as caught:
        sv.hours.record_month(placement.id, APR, 80, lot_id=lot_c.id)
    assert caught.value.field == "lot_id"


# --- totals ------------------------------------------------------------------------------------


def test_totals_per_lot_month_and_placement_are_exact(sv, market, lot, employer):
    other_lot = make_lot(sv, market, "2")
    first = place(sv, lot, employer)
    second = place(sv, lot, employer)
    third = place(sv, other_lot, employer)
    for month in (FEB, MAR, APR):
        sv.hours.record_month(first.id, month, Decimal("151.67"))
    sv.hours.record_month(second.id, MAR, Decimal("0.1"))
    sv.hours.record_month(second.id, APR, Decimal("0.2"))
    sv.hours.record_month(third.id, MAR, 70)
    sv.hours.record_month(third.id, MAR, 75, reason="Correction")

    assert sv.hours.credited_by_lot() == {
        lot.id: Decimal("455.31"),
        other_lot.id: Decimal("75.00"),
    }
    assert sv.hours.credited_by_lot([other_lot.id]) == {other_lot.id: Decimal("75.00")}
    assert sv.hours.credited_by_month(lot.id) == [
        (FEB, Decimal("151.67")),
        (MAR, Decimal("151.77")),
        (APR, Decimal("151.87")),
    ]
    assert sv.hours.credited_by_placement(lot.id) == {
        first.id: Decimal("455.01"),
        second.id: Decimal("0.30"),
    }
    assert sv.hours.credited_by_placement()[third.id] == Decimal("75.00")


# --- validation --------------------------------------------------------------------------------


def test_validation_records_who_and_when_on_current_lines_only(sv, user, placement):
    feb = sv.hours.record_month(placement.id, FEB, 100).entry
    mar = sv.hours.record_month(placement.id, MAR, 100).entry

    validated = sv.hours.validate([feb.id, mar.id])
    assert [(e.id, e.status, e.validated_by_id) for e in validated] == [
        (feb.id, HoursStatus.VALIDATED, user.id),
        (mar.id, HoursStatus.VALIDATED, user.id),
    ]
    assert all(e.validated_at is not None for e in validated)

    corrected = sv.hours.record_month(placement.id, FEB, 90, reason="Erreur de relevé").entry
    assert corrected.status is HoursStatus.ENTERED
    with pytest.raises(ValidationError, match="corrigée"):
        sv.hours.validate([feb.id])
    with pytest.raises(NotFound):
        sv.hours.validate([404])
    assert sv.hours.validate([mar.id]) == [validated[1]]  # validating again changes nothing


# --- progress ----------------------------------------------------------------------------------


def _three_months(sv, placement):
    for month, hours in ((FEB, 100), (MAR, 120), (APR, 140)):
        sv.hours.record_month(placement.id, month, hours)


def test_lot_progress_on_track(sv, placement, lot):
    _three_months(sv, placement)

    result = sv.hours.lot_progress(lot.id, date(2025, 5, 15))

    assert (result.progress.required, result.progress.credited) == (Decimal(1200), Decimal(360))
    assert result.progress.ratio == Decimal("0.3000")
    assert result.forecast.pace == Decimal("120.00")
    assert result.forecast.remaining_months == 8
    assert result.forecast.forecast == Decimal("1320.00")
    assert result.status is RiskStatus.ON_TRACK
    assert result.penalty == Decimal("0.00")
    assert result.monthly == ((FEB, Decimal(100)), (MAR, Decimal(120)), (APR, Decimal(140)))


def test_lot_progress_late_with_the_penalty_of_the_expected_shortfall(sv, market, employer):
    lot = make_lot(sv, market, "2", required=2000, penalty_per_hour=30)
    _three_months(sv, place(sv, lot, employer))

    result = sv.hours.lot_progress(lot.id, date(2025, 5, 15))

    assert result.forecast.shortfall == Decimal("680.00")
    assert result.status is RiskStatus.LATE
    assert result.penalty == Decimal("20400.00")


def test_placements_still_to_start_raise_the_forecast(sv, placement, lot, employer):
    _three_months(sv, placement)
    place(sv, lot, employer, start=date(2025, 7, 1), end=date(2025, 9, 30))

    result = sv.hours.lot_progress(lot.id, date(2025, 5, 15))

    # 3 months × 151,67 h (35 h a week) spread over the 8 remaining months
    assert result.forecast.planned_monthly == Decimal("56.88")
    assert result.forecast.forecast == Decimal("1775.04")


def test_a_lot_without_end_date_has_progress_but_no_forecast(sv, market, employer):
    lot = make_lot(sv, market, "2", required=500, end_date=None, penalty_per_hour=10)
    sv.hours.record_month(place(sv, lot, employer).id, MAR, 100)

    result = sv.hours.lot_progress(lot.id, date(2025, 5, 15))

    assert result.forecast is None and result.status is None
    assert result.progress.shortfall == Decimal(400)
    assert result.penalty == Decimal("4000.00")
    with pytest.raises(NotFound):
        sv.hours.lot_progress(404, date(2025, 5, 15))
