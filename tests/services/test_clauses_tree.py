"""ClauseService.outline and standings: the light hierarchy of the Marchés tree and the
progress of every lot in a few queries, the same figures as HoursService.lot_progress."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest

from asr_desktop.domain.enums import (
    AuthorityKind,
    LegalMechanism,
    LotStatus,
    MarketKind,
    Sector,
)
from asr_desktop.domain.model import Authority, Market, Operation
from asr_desktop.domain.progress import RiskStatus
from asr_desktop.persistence.db import open_database
from asr_desktop.services.container import build_services
from asr_desktop.services.demo import generate_demo

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("tree") / "small.db"
    generate_demo(path, "small", seed=7, today=TODAY)
    database = open_database(path)
    with database.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


@pytest.fixture
def demo(tmp_path, demo_file):
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_file, path)
    database = open_database(path)
    yield build_services(database)
    database.close()


@pytest.fixture
def services(db):
    return build_services(db)


def _branch(services, name="Ville de Sucy-en-Brie", operation_name="Écoles"):
    clauses = services.clauses
    authority = clauses.create_authority(
        Authority(id=None, name=name, kind=AuthorityKind.COMMUNE, commune="Sucy-en-Brie")
    )
    operation = clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name=operation_name)
    )
    return authority, operation


def _market(services, operation_id, reference, **dates):
    return services.clauses.create_market(
        Market(
            id=None,
            operation_id=operation_id,
            reference=reference,
            object="Travaux",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            **dates,
        )
    )


def test_the_outline_orders_each_level_naturally_and_keeps_empty_branches(services):
    authority, operation = _branch(services)
    _branch(services, "Ville d'Alfortville", "Gymnase")
    market = _market(services, operation.id, "M-10", notification_date=date(2025, 1, 6))
    _market(services, operation.id, "M-9")
    for number in ("10", "2", "1"):
        services.clauses.create_calibrated_lot(
            market.id, number, f"Lot {number}", "manual", {"required_hours": 100}
        )

    outline = services.clauses.outline()

    assert [a.name for a in outline.authorities] == ["Ville d'Alfortville", authority.name]
    assert [o.name for o in outline.operations] == ["Écoles", "Gymnase"]
    assert [m.reference for m in outline.markets] == ["M-9", "M-10"]
    assert [lot.number for lot in outline.lots] == ["1", "2", "10"]
    first = outline.lots[0]
    assert (first.market_id, first.status, first.required_hours) == (
        market.id,
        LotStatus.NOT_STARTED,
        Decimal(100),
    )
    assert outline.markets[1].notification_date == date(2025, 1, 6)


def test_a_lot_without_end_date_has_no_forecast_but_its_penalty_on_the_shortfall(services):
    _authority, operation = _branch(services)
    market = _market(services, operation.id, "M-1")
    lot = services.clauses.create_calibrated_lot(
        market.id, "1", "Voirie", "manual", {"required_hours": 200}, penalty_per_hour=10
    )

    standing = services.clauses.standings(TODAY)[lot.id]

    assert (standing.credited, standing.forecast, standing.status) == (0, None, None)
    assert standing.penalty == Decimal("2000.00")


def test_a_lot_ended_without_hours_is_late(services):
    _authority, operation = _branch(services)
    market = _market(
        services, operation.id, "M-1", start_date=date(2024, 1, 1), end_date=date(2025, 12, 31)
    )
    lot = services.clauses.create_calibrated_lot(
        market.id, "1", "Voirie", "manual", {"required_hours": 200}
    )

    standing = services.clauses.standings(TODAY)[lot.id]

    assert standing.end_date == date(2025, 12, 31)  # the market's, the lot has none
    assert standing.status is RiskStatus.LATE


def test_standings_give_the_figures_of_lot_progress_for_every_lot(demo):
    standings = demo.clauses.standings(TODAY)
    lots = demo.clauses.list_lots()

    assert set(standings) == {lot.id for lot in lots}
    assert any(s.credited > 0 for s in standings.values())
    for lot in lots:
        one = demo.hours.lot_progress(lot.id, TODAY)
        standing = standings[lot.id]
        assert standing.credited == one.progress.credited
        assert standing.forecast == one.forecast
        assert standing.status == one.status
        assert standing.penalty == one.penalty
