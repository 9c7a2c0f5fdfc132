"""CompanyService: SIRET checks, contacts, attributions and globalisation conventions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from asr_desktop.domain.enums import (
    AttributionRole,
    AuthorityKind,
    CompanyKind,
    LegalMechanism,
    MarketKind,
    Sector,
)
from asr_desktop.domain.errors import Conflict, NotFound, ValidationError
from asr_desktop.domain.model import (
    Attribution,
    Authority,
    Company,
    CompanyContact,
    GlobalisationConvention,
    Market,
    Operation,
)
from asr_desktop.services.clauses import ClauseService
from asr_desktop.services.companies import CompanyService

VALID_SIRET = "73282932000074"


@pytest.fixture
def companies(sessions):
    return CompanyService(sessions)


@pytest.fixture
def clauses(sessions):
    return ClauseService(sessions)


@pytest.fixture
def market(clauses):
    authority = clauses.create_authority(
        Authority(id=None, name="Grand Paris Sud Est Avenir", kind=AuthorityKind.EPT)
    )
    operation = clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Conservatoire de Sucy")
    )
    return clauses.create_market(
        Market(
            id=None,
            operation_id=operation.id,
            reference="2025-CONS",
            object="Réhabilitation",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            notification_date=date(2025, 2, 1),
        )
    )


def _lot(clauses, market, number, hours, globalisation_allowed=True):
    return clauses.create_calibrated_lot(
        market.id,
        number,
        f"Lot {number}",
        "manual",
        {"required_hours": hours},
        globalisation_allowed=globalisation_allowed,
    )


def _company(companies, name="Bâtiments du Val", siret=VALID_SIRET, **fields):
    return companies.create_company(
        Company(
            id=None, siret=siret, name=name, kind=fields.pop("kind", CompanyKind.ORDINARY), **fields
        )
    )


# --- SIRET ------------------------------------------------------------------------------------


def test_valid_siret_with_spaces_is_stored_compact(companies):
    company = _company(companies, siret="732 829 320 00074")
    assert companies.get_company(company.id).siret == VALID_SIRET
    assert companies.find_by_siret("732 829 320 00074").id == company.id


def test_siret_with_wrong_checksum_is_refused_in_french(companies):
    with pytest.raises(ValidationError) as err:
        _company(companies, siret="73282932000075")
    assert err.value.field == "siret"
    assert "SIRET" in str(err.value)
    assert "clé de contrôle" in str(err.value)
    assert companies.list_companies() == []


@pytest.mark.parametrize(
    ("siret", "expected"),
    [
        ("7328293200007", "14 chiffres ; « 7328293200007 » en compte 13"),
        ("7328293200007A", "que des chiffres"),
        ("", "Le SIRET est obligatoire."),
    ],
)
def test_siret_length_and_format_errors_say_what_is_wrong(companies, siret, expected):
    with pytest.raises(ValidationError) as err:
        _company(companies, siret=siret)
    assert expected in str(err.value)


def test_la_poste_establishment_siret_is_accepted(companies):
    # La Poste establishments do not follow the Luhn key (sum of digits multiple of 5)
    company = _company(companies, name="La Poste Créteil", siret="35600000049837")
    assert company.siret == "35600000049837"


def test_duplicate_siret_names_the_existing_company(companies):
    _company(companies, name="Bâtiments du Val")
    with pytest.raises(Conflict) as err:
        _company(companies, name="Autre nom", siret="732 829 320 00074")
    assert "« Bâtiments du Val »" in str(err.value)


def test_search_ignores_accents_and_case_and_finds_siret_prefix(companies):
    bati = _company(companies, name="Société Bâtir Ensemble", city="Créteil")
    insertion = _company(
        companies,
        name="Régie de quartier",
        siret="35600000049837",
        kind=CompanyKind.ACI,
        city="Champigny-sur-Marne",
    )

    assert [c.id for c in companies.search_companies("societe batir")] == [bati.id]
    assert [c.id for c in companies.search_companies("CRETEIL")] == [bati.id]
    assert [c.id for c in companies.search_companies("356 000")] == [insertion.id]
    assert companies.search_companies("   ") == []
    assert [c.id for c in companies.list_companies(CompanyKind.ACI)] == [insertion.id]


# --- contacts ---------------------------------------------------------------------------------


def test_contacts_can_be_added_changed_and_removed(companies):
    company = _company(companies)
    lea = companies.add_contact(
        CompanyContact(
            id=None, company_id=company.id, name="Léa Fontaine", role="Conductrice de travaux"
        )
    )
    companies.add_contact(
        CompanyContact(
            id=None, company_id=company.id, name="Bruno Aubert", email="bruno.aubert@example.org"
        )
    )

    companies.update_contact(replace(lea, phone="01 45 00 00 00"))
    assert [(c.name, c.phone) for c in companies.list_contacts(company.id)] == [
        ("Bruno Aubert", None),
        ("Léa Fontaine", "01 45 00 00 00"),
    ]

    companies.delete_contact(lea.id)
    assert [c.name for c in companies.list_contacts(company.id)] == ["Bruno Aubert"]
    with pytest.raises(NotFound):
        companies.delete_contact(lea.id)


def test_contact_with_a_malformed_email_is_refused(companies):
    company = _company(companies)
    with pytest.raises(ValidationError) as err:
        companies.add_contact(
            CompanyContact(
                id=None,
                company_id=company.id,
                name="Léa Fontaine",
                email="lea.fontaine.example.org",
            )
        )
    assert err.value.field == "email"


# --- attributions -----------------------------------------------------------------------------


def test_shares_of_a_lot_may_not_exceed_one(companies, clauses, market):
    lot = _lot(clauses, market, "1", 800)
    holder = _company(companies)
    partner = _company(companies, name="Menuiserie Morel", siret="35600000049837")
    third = _company(companies, name="Peintures Leroy", siret="35600000010000")
    first = companies.add_attribution(
        Attribution(
            id=None,
            lot_id=lot.id,
            company_id=holder.id,
            role=AttributionRole.LEAD,
            hours_share=Decimal("0.6"),
        )
    )
    companies.add_attribution(
        Attribution(
            id=None,
            lot_id=lot.id,
            company_id=partner.id,
            role=AttributionRole.CO_CONTRACTOR,
            hours_share=Decimal("0.4"),
        )
    )

    with pytest.raises(ValidationError) as err:
        companies.add_attribution(
            Attribution(
                id=None,
                lot_id=lot.id,
                company_id=third.id,
                role=AttributionRole.SUBCONTRACTOR,
                hours_share=Decimal("0.1"),
            )
        )
    assert err.value.field == "hours_share"
    assert "100\u00a0%" in str(err.value)

    # lowering the holder's share leaves room; the holder's own share is not counted twice
    companies.update_attribution(replace(first, hours_share=Decimal("0.5")))
    companies.add_attribution(
        Attribution(
            id=None,
            lot_id=lot.id,
            company_id=third.id,
            role=AttributionRole.SUBCONTRACTOR,
            hours_share=Decimal("0.1"),
        )
    )
    shares = sorted(a.hours_share for a in companies.list_attributions(lot_id=lot.id))
    assert shares == [Decimal("0.1"), Decimal("0.4"), Decimal("0.5")]


def test_share_above_one_and_duplicate_attribution_are_refused(companies, clauses, market):
    lot = _lot(clauses, market, "1", 800)
    company = _company(companies)
    with pytest.raises(ValidationError) as err:
        companies.add_attribution(
            Attribution(
                id=None,
                lot_id=lot.id,
                company_id=company.id,
                role=AttributionRole.HOLDER,
                hours_share=Decimal(60),
            )
        )
    assert "0,6" in str(err.value)

    companies.add_attribution(
        Attribution(
            id=None,
            lot_id=lot.id,
            company_id=company.id,
            role=AttributionRole.HOLDER,
            hours_share=Decimal("0.5"),
        )
    )
    with pytest.raises(Conflict):
        companies.add_attribution(
            Attribution(
                id=None,
                lot_id=lot.id,
                company_id=company.id,
                role=AttributionRole.HOLDER,
                hours_share=Decimal("0.1"),
            )
        )


def test_lots_of_company_lists_held_lots_with_their_hierarchy(companies, clauses, market):
    lot1, lot2 = _lot(clauses, market, "1", 800), _lot(clauses, market, "2", 200)
    _lot(clauses, market, "3", 100)
    company = _company(companies)
    for lot in (lot2, lot1):
        companies.add_attribution(
            Attribution(id=None, lot_id=lot.id, company_id=company.id, role=AttributionRole.HOLDER)
        )

    held = companies.lots_of_company(company.id)

    assert [
        (h.lot.number, h.market.reference, h.operation.name, h.authority.name) for h in held
    ] == [
        ("1", "2025-CONS", "Conservatoire de Sucy", "Grand Paris Sud Est Avenir"),
        ("2", "2025-CONS", "Conservatoire de Sucy", "Grand Paris Sud Est Avenir"),
    ]


# --- globalisation ----------------------------------------------------------------------------


@pytest.fixture
def held_lots(companies, clauses, market):
    company = _company(companies)
    lots = [_lot(clauses, market, "1", 833), _lot(clauses, market, "2", 167)]
    for lot in lots:
        companies.add_attribution(
            Attribution(id=None, lot_id=lot.id, company_id=company.id, role=AttributionRole.HOLDER)
        )
    return company, lots


def test_prorata_convention_shares_follow_required_hours(companies, held_lots):
    company, (lot1, lot2) = held_lots
    convention = companies.create_globalisation(
        GlobalisationConvention(
            id=None,
            company_id=company.id,
            name="Convention Atout Clauses 2025",
            allocation_key="prorata",
            lot_shares=((lot1.id, Decimal(0)), (lot2.id, Decimal(0))),
        )
    )

    assert convention.lot_shares == ((lot1.id, Decimal("0.833")), (lot2.id, Decimal("0.167")))
    assert [c.id for c in companies.list_globalisations(lot_id=lot2.id)] == [convention.id]


def test_manual_convention_shares_must_sum_to_one(companies, held_lots):
    company, (lot1, lot2) = held_lots
    with pytest.raises(ValidationError) as err:
        companies.create_globalisation(
            GlobalisationConvention(
                id=None,
                company_id=company.id,
                name="Convention",
                allocation_key="manual",
                lot_shares=((lot1.id, Decimal("0.6")), (lot2.id, Decimal("0.3"))),
            )
        )
    assert "90\u00a0%" in str(err.value)

    convention = companies.create_globalisation(
        GlobalisationConvention(
            id=None,
            company_id=company.id,
            name="Convention",
            allocation_key="manual",
            lot_shares=((lot1.id, Decimal("0.7")), (lot2.id, Decimal("0.3"))),
        )
    )
    stored = companies.get_globalisation(convention.id)
    assert stored.allocation_key == "manual"
    assert stored.lot_shares == ((lot1.id, Decimal("0.7")), (lot2.id, Decimal("0.3")))


def test_convention_only_pools_lots_the_company_holds_and_that_allow_it(
    companies, clauses, market, held_lots
):
    company, (lot1, _lot2) = held_lots
    foreign = _lot(clauses, market, "5", 300)
    closed = _lot(clauses, market, "6", 300, globalisation_allowed=False)
    companies.add_attribution(
        Attribution(id=None, lot_id=closed.id, company_id=company.id, role=AttributionRole.HOLDER)
    )

    with pytest.raises(ValidationError) as err:
        companies.create_globalisation(
            GlobalisationConvention(
                id=None, company_id=company.id, name="C", lot_shares=((lot1.id, 0), (foreign.id, 0))
            )
        )
    assert "n'est pas attributaire du lot « 5 »" in str(err.value)
    with pytest.raises(ValidationError) as err:
        companies.create_globalisation(
            GlobalisationConvention(
                id=None, company_id=company.id, name="C", lot_shares=((lot1.id, 0), (closed.id, 0))
            )
        )
    assert "n'autorise pas la globalisation" in str(err.value)
    assert companies.list_globalisations(company_id=company.id) == []
