"""What the company record reads: lots held per company, hours credited on the placements a
company employs (in total and per year)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from stdnum import luhn

from asr_desktop.domain.enums import (
    AttributionRole,
    AuthorityKind,
    CompanyKind,
    ContractType,
    LegalMechanism,
    MarketKind,
    Modality,
    Sector,
    Sex,
)
from asr_desktop.domain.model import (
    Attribution,
    Authority,
    Company,
    EligibilityRecord,
    Market,
    Operation,
    Participant,
    Placement,
)
from asr_desktop.services.container import build_services


def siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


@pytest.fixture
def sv(db):
    return build_services(db)


@pytest.fixture
def lots(sv):
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
            object="Construction de la médiathèque",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            notification_date=date(2024, 1, 10),
        )
    )
    return [
        sv.clauses.create_calibrated_lot(
            market.id,
            number,
            f"Lot {number}",
            "manual",
            {"required_hours": 1200},
            start_date=date(2024, 1, 1),
            end_date=date(2026, 12, 31),
        )
        for number in ("1", "2")
    ]


def company(sv, n: int, kind=CompanyKind.ORDINARY) -> Company:
    return sv.companies.create_company(
        Company(id=None, siret=siret(n), name=f"Entreprise {n}", kind=kind)
    )


def place(sv, lot, employer, start=date(2024, 11, 4)) -> Placement:
    person = sv.participants.create(
        Participant(
            id=None,
            reference="",
            last_name="Leroy",
            first_name="Yanis",
            birth_date=date(1988, 11, 3),
            sex=Sex.MALE,
        ),
        allow_duplicate=True,
    )
    sv.participants.add_eligibility(
        EligibilityRecord(
            id=None,
            participant_id=person.id,
            criterion="RSA",
            proof_date=date(2024, 10, 10),
            validated_on=date(2024, 10, 14),
        )
    )
    return sv.placements.create(
        Placement(
            id=None,
            participant_id=person.id,
            lot_id=lot.id,
            employer_id=employer.id,
            modality=Modality.DIRECT_HIRE,
            contract_type=ContractType.CDI,
            start_date=start,
            weekly_hours=Decimal(35),
        )
    ).placement


def test_lots_held_are_counted_per_company_whatever_the_role(sv, lots):
    holder, partner = company(sv, 41), company(sv, 42)
    company(sv, 43)  # holds nothing
    first, second = lots
    for lot, member, role, share in (
        (first, holder, AttributionRole.LEAD, "0.6"),
        (first, partner, AttributionRole.CO_CONTRACTOR, "0.4"),
        (second, holder, AttributionRole.HOLDER, "1"),
    ):
        sv.companies.add_attribution(
            Attribution(
                id=None, lot_id=lot.id, company_id=member.id, role=role, hours_share=Decimal(share)
            )
        )

    listed = sv.companies.list_with_lot_counts()

    assert [(company.name, lots) for company, lots in listed] == [
        ("Entreprise 41", 2),
        ("Entreprise 42", 1),
        ("Entreprise 43", 0),
    ]
    assert listed[0][0] == sv.companies.get_company(holder.id)


def test_hours_are_credited_to_the_employer_in_total_and_per_year(sv, lots):
    builder, agency, idle = company(sv, 51), company(sv, 52, CompanyKind.ETTI), company(sv, 53)
    first, second = lots
    hired = place(sv, first, builder)
    other = place(sv, second, builder)
    seconded = place(sv, first, agency)
    sv.hours.record_month(hired.id, date(2024, 11, 1), Decimal("151.67"))
    sv.hours.record_month(hired.id, date(2024, 12, 1), Decimal("100.10"))
    sv.hours.record_month(hired.id, date(2025, 1, 1), Decimal("80"))
    sv.hours.record_month(other.id, date(2025, 2, 1), Decimal("20.25"))
    sv.hours.record_month(seconded.id, date(2025, 1, 1), 60)
    sv.hours.record_month(seconded.id, date(2025, 1, 1), 70, reason="Relevé corrigé")

    totals = sv.hours.credited_by_company()

    assert totals == {builder.id: Decimal("352.02"), agency.id: Decimal("70.00")}
    assert idle.id not in totals
    assert sv.hours.credited_by_company([agency.id, idle.id]) == {agency.id: Decimal("70.00")}
    assert sv.hours.credited_by_company_year(builder.id) == [
        (2024, Decimal("251.77")),
        (2025, Decimal("100.25")),
    ]
    assert sv.hours.credited_by_company_year(agency.id) == [(2025, Decimal("70.00"))]
    assert sv.hours.credited_by_company_year(idle.id) == []
