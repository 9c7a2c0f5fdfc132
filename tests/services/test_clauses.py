"""ClauseService: the authority → operation → market → lot hierarchy and lot calibration."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from asr_desktop.domain.enums import (
    AttributionRole,
    AuthorityKind,
    CalibrationMethod,
    CompanyKind,
    LegalMechanism,
    MarketKind,
    Sector,
)
from asr_desktop.domain.errors import Conflict, NotFound, ValidationError
from asr_desktop.domain.model import (
    Attribution,
    Authority,
    Calibration,
    Company,
    Lot,
    Market,
    Operation,
)
from asr_desktop.services.clauses import ClauseService
from asr_desktop.services.companies import CompanyService
from asr_desktop.services.settings import ParameterService

FORMULA = CalibrationMethod.FORMULA


@pytest.fixture
def clauses(sessions):
    return ClauseService(sessions)


def _market(
    clauses,
    operation_id,
    reference="M-2024-01",
    *,
    notified=None,
    start=None,
    sector=Sector.BUILDING,
    kind=MarketKind.WORKS,
):
    return clauses.create_market(
        Market(
            id=None,
            operation_id=operation_id,
            reference=reference,
            object="Construction d'un gymnase",
            mechanism=LegalMechanism.EXECUTION,
            kind=kind,
            sector=sector,
            notification_date=notified,
            start_date=start,
        )
    )


@pytest.fixture
def operation(clauses):
    authority = clauses.create_authority(
        Authority(id=None, name="Ville de Boissy-Saint-Léger", kind=AuthorityKind.COMMUNE)
    )
    return clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Groupe scolaire des Hautes-Varennes")
    )


@pytest.fixture
def market(clauses, operation):
    return _market(clauses, operation.id, notified=date(2024, 6, 1))


# --- calibration ------------------------------------------------------------------------------


def test_worked_example_stores_833_hours_with_its_inputs(clauses, market):
    lot = clauses.create_calibrated_lot(
        market.id,
        "1",
        "Gros œuvre",
        "formula",
        {
            "amount_ht": Decimal("1000000"),
            "labour_share": Decimal("0.5"),
            "insertion_rate": Decimal("0.05"),
            "hourly_cost": Decimal("30"),
        },
    )

    stored = clauses.get_lot(lot.id).calibration
    assert stored.required_hours == Decimal("833")
    assert stored.method is FORMULA
    assert (stored.amount_ht, stored.labour_share, stored.insertion_rate, stored.hourly_cost) == (
        Decimal("1000000"),
        Decimal("0.5"),
        Decimal("0.05"),
        Decimal("30"),
    )


def test_empty_hourly_cost_takes_the_value_in_force_at_notification(sessions, clauses, operation):
    ParameterService(sessions).add_value("hourly_cost", Decimal("35"), date(2025, 1, 1))
    old_market = _market(clauses, operation.id, "M-OLD", notified=date(2024, 12, 31))
    new_market = _market(clauses, operation.id, "M-NEW", notified=date(2025, 1, 1))
    inputs = {
        "amount_ht": 1_000_000,
        "labour_share": "0.5",
        "insertion_rate": "0.05",
        "hourly_cost": None,
    }

    old_lot = clauses.create_calibrated_lot(old_market.id, "1", "Lot unique", FORMULA, inputs)
    new_lot = clauses.create_calibrated_lot(new_market.id, "1", "Lot unique", FORMULA, inputs)

    assert old_lot.calibration.hourly_cost == Decimal("30")
    assert old_lot.calibration.required_hours == Decimal("833")
    # 1 000 000 × 0,5 × 0,05 ÷ 35 = 714,28… → 714 h
    assert clauses.get_lot(new_lot.id).calibration.hourly_cost == Decimal("35")
    assert clauses.get_lot(new_lot.id).calibration.required_hours == Decimal("714")


def test_start_date_serves_when_the_market_has_no_notification_date(sessions, clauses, operation):
    ParameterService(sessions).add_value("hourly_cost", Decimal("25"), date(2025, 1, 1))
    market = _market(clauses, operation.id, notified=None, start=date(2025, 2, 1))

    calibration = clauses.compute_calibration(
        market.id, FORMULA, {"amount_ht": 100_000, "labour_share": "0.5", "insertion_rate": "0.05"}
    )

    assert clauses.calibration_date(market.id) == date(2025, 2, 1)
    assert calibration.hourly_cost == Decimal("25")
    assert calibration.required_hours == Decimal("100")  # 100 000 × 0,5 × 0,05 ÷ 25


def test_labour_share_and_rate_default_from_the_sector_and_lot_amount(clauses, operation):
    cleaning = _market(
        clauses,
        operation.id,
        "NET-1",
        notified=date(2024, 1, 15),
        sector=Sector.CLEANING,
        kind=MarketKind.SERVICES,
    )

    lot = clauses.create_calibrated_lot(
        cleaning.id, "1", "Nettoyage des écoles", FORMULA, {}, amount_ht=Decimal("120000")
    )

    # 120 000 × 80 % (propreté) × 5 % ÷ 30 €/h = 160 h
    assert lot.calibration.labour_share == Decimal("0.8")
    assert lot.calibration.insertion_rate == Decimal("0.05")
    assert lot.calibration.amount_ht == Decimal("120000")
    assert lot.calibration.required_hours == Decimal("160")


def test_sector_without_labour_share_parameter_asks_for_it(clauses, operation):
    it_market = _market(
        clauses,
        operation.id,
        "INFO-1",
        notified=date(2024, 1, 15),
        sector=Sector.IT,
        kind=MarketKind.SERVICES,
    )
    with pytest.raises(ValidationError) as err:
        clauses.create_calibrated_lot(
            it_market.id, "1", "Maintenance", FORMULA, {"amount_ht": 50_000}
        )
    assert err.value.field == "labour_share"
    assert clauses.list_lots(it_market.id) == []


def test_calibrate_lot_replaces_method_inputs_and_result(clauses, market):
    lot = clauses.create_calibrated_lot(
        market.id,
        "3",
        "Menuiseries",
        "manual",
        {"required_hours": 500},
        amount_ht=Decimal("500000"),
    )
    assert lot.calibration.required_hours == Decimal("500")

    clauses.calibrate_lot(lot.id, "per-euro", {"euros_per_hour": 2000})

    stored = clauses.get_lot(lot.id).calibration
    assert stored.method is CalibrationMethod.PER_EURO
    assert stored.required_hours == Decimal("250")  # 500 000 € ÷ 2 000 €/h
    assert stored.euros_per_hour == Decimal("2000")
    assert stored.amount_ht == Decimal("500000")


def test_create_lot_recomputes_required_hours_from_the_inputs(clauses, market):
    calibration = Calibration(
        method=FORMULA,
        required_hours=Decimal("9999"),
        amount_ht=Decimal("600000"),
        labour_share=Decimal("0.5"),
        insertion_rate=Decimal("0.1"),
        hourly_cost=Decimal("30"),
    )
    lot = clauses.create_lot(
        Lot(id=None, market_id=market.id, number="4", title="Électricité", calibration=calibration)
    )
    assert clauses.get_lot(lot.id).calibration.required_hours == Decimal("1000")


def test_labour_share_given_as_fifty_is_refused_with_a_hint(clauses, market):
    with pytest.raises(ValidationError) as err:
        clauses.create_calibrated_lot(
            market.id, "1", "Gros œuvre", FORMULA, {"amount_ht": 1_000_000, "labour_share": 50}
        )
    assert err.value.field == "labour_share"
    assert "La part de main-d'œuvre" in err.value.message
    assert "0,5" in err.value.message and "50\u00a0%" in err.value.message


# --- validation -------------------------------------------------------------------------------


def test_empty_authority_name_is_refused(clauses):
    with pytest.raises(ValidationError) as err:
        clauses.create_authority(Authority(id=None, name="  ", kind=AuthorityKind.EPT))
    assert err.value.field == "name"
    assert str(err.value) == "Le nom du donneur d'ordre est obligatoire."


def test_operation_ending_before_it_starts_is_refused(clauses, operation):
    with pytest.raises(ValidationError) as err:
        clauses.create_operation(
            Operation(
                id=None,
                authority_id=operation.authority_id,
                name="Rénovation du gymnase",
                start_date=date(2025, 3, 1),
                end_date=date(2024, 12, 31),
            )
        )
    assert err.value.field == "end_date"
    assert "31/12/2024" in str(err.value) and "01/03/2025" in str(err.value)


def test_negative_market_amount_is_refused(clauses, operation):
    with pytest.raises(ValidationError) as err:
        clauses.create_market(
            Market(
                id=None,
                operation_id=operation.id,
                reference="M-9",
                object="Voirie",
                mechanism=LegalMechanism.EXECUTION,
                kind=MarketKind.WORKS,
                sector=Sector.PUBLIC_WORKS,
                amount_ht=Decimal("-10"),
            )
        )
    assert err.value.field == "amount_ht"
    assert "négative" in str(err.value)


def test_market_reference_is_unique_within_its_operation_only(clauses, operation, market):
    with pytest.raises(Conflict) as err:
        _market(clauses, operation.id, market.reference.lower())
    assert "Groupe scolaire des Hautes-Varennes" in str(err.value)

    other = clauses.create_operation(
        Operation(id=None, authority_id=operation.authority_id, name="Médiathèque")
    )
    assert _market(clauses, other.id, market.reference).reference == market.reference


def test_lot_number_is_unique_in_its_market(clauses, market):
    clauses.create_calibrated_lot(market.id, "2", "Charpente", "manual", {"required_hours": 100})
    with pytest.raises(Conflict) as err:
        clauses.create_calibrated_lot(
            market.id, "2", "Couverture", "manual", {"required_hours": 50}
        )
    assert "« 2 »" in str(err.value) and market.reference in str(err.value)


def test_eligible_publics_must_be_known_criteria(clauses, market):
    with pytest.raises(ValidationError) as err:
        clauses.create_calibrated_lot(
            market.id,
            "1",
            "Gros œuvre",
            "manual",
            {"required_hours": 100},
            eligible_publics=("RSA", "XYZ"),
        )
    assert err.value.field == "eligible_publics"
    assert "XYZ" in str(err.value)

    lot = clauses.create_calibrated_lot(
        market.id,
        "1",
        "Gros œuvre",
        "manual",
        {"required_hours": 100},
        eligible_publics=("RSA", "deld", "RSA"),
    )
    assert clauses.get_lot(lot.id).eligible_publics == ("RSA", "DELD")


def test_update_lot_keeps_calibration_and_changes_fields(clauses, market):
    lot = clauses.create_calibrated_lot(
        market.id, "1", "Gros œuvre", FORMULA, {"amount_ht": 1_000_000, "labour_share": "0.5"}
    )
    clauses.update_lot(replace(lot, title="Gros œuvre et VRD", penalty_per_hour=Decimal("45")))

    stored = clauses.get_lot(lot.id)
    assert stored.title == "Gros œuvre et VRD"
    assert stored.penalty_per_hour == Decimal("45")
    assert stored.calibration.required_hours == Decimal("833")


def test_missing_lot_is_not_found(clauses):
    with pytest.raises(NotFound):
        clauses.get_lot(404)


# --- tree and overview ------------------------------------------------------------------------


def test_list_tree_nests_authorities_operations_markets_and_lots(clauses):
    ville = clauses.create_authority(
        Authority(id=None, name="Ville de Créteil", kind=AuthorityKind.COMMUNE)
    )
    bailleur = clauses.create_authority(
        Authority(id=None, name="Bailleur Val Habitat", kind=AuthorityKind.BAILLEUR)
    )
    clauses.create_authority(
        Authority(id=None, name="Hôpital intercommunal", kind=AuthorityKind.HOPITAL)
    )
    school = clauses.create_operation(Operation(id=None, authority_id=ville.id, name="École"))
    pool = clauses.create_operation(Operation(id=None, authority_id=ville.id, name="Piscine"))
    housing = clauses.create_operation(
        Operation(id=None, authority_id=bailleur.id, name="Résidence du Parc")
    )
    m1 = _market(clauses, school.id, "E-1")
    m2 = _market(clauses, pool.id, "P-1")
    m3 = _market(clauses, housing.id, "R-1")
    for market_id, number in ((m1.id, "10"), (m1.id, "2"), (m2.id, "1"), (m3.id, "1")):
        clauses.create_calibrated_lot(
            market_id, number, f"Lot {number}", "manual", {"required_hours": 100}
        )

    tree = clauses.list_tree()

    shape = [
        (
            a.authority.name,
            [
                (
                    o.operation.name,
                    [(m.market.reference, [lot.number for lot in m.lots]) for m in o.markets],
                )
                for o in a.operations
            ],
        )
        for a in tree
    ]
    assert shape == [
        ("Bailleur Val Habitat", [("Résidence du Parc", [("R-1", ["1"])])]),
        ("Hôpital intercommunal", []),
        ("Ville de Créteil", [("École", [("E-1", ["2", "10"])]), ("Piscine", [("P-1", ["1"])])]),
    ]


def test_lot_overview_gives_names_and_attributions(sessions, clauses, market):
    lot = clauses.create_calibrated_lot(
        market.id, "1", "Gros œuvre", "manual", {"required_hours": 800}
    )
    companies = CompanyService(sessions)
    company = companies.create_company(
        Company(id=None, siret="73282932000074", name="Bâtiments du Val", kind=CompanyKind.ORDINARY)
    )
    companies.add_attribution(
        Attribution(id=None, lot_id=lot.id, company_id=company.id, role=AttributionRole.HOLDER)
    )

    overview = clauses.lot_overview(lot.id)

    assert overview.market.reference == "M-2024-01"
    assert overview.operation.name == "Groupe scolaire des Hautes-Varennes"
    assert overview.authority.name == "Ville de Boissy-Saint-Léger"
    assert [(a.role, a.hours_share, c.name) for a, c in overview.attributions] == [
        (AttributionRole.HOLDER, Decimal("1"), "Bâtiments du Val")
    ]
