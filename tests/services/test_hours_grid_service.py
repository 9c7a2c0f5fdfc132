"""HoursService.grid (the Suivi « Heures » grid: placements active over a range of months, a
page at a time, with their lines of those months) and the globalisation pools
(HoursService.pooled_obligations, lot_progress counting a lot's part of its pools)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import test_hours as base

from asr_desktop.domain.enums import AttributionRole
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import Attribution, GlobalisationConvention

FEB, MAR, APR = base.FEB, base.MAR, base.APR
JAN = date(2025, 1, 1)
make_company, make_lot, make_person, place = (
    base.make_company,
    base.make_lot,
    base.make_person,
    base.place,
)
# the fixtures of the hours service tests
user, sv, market, lot, employer = base.user, base.sv, base.market, base.lot, base.employer


def test_the_grid_lists_the_placements_active_over_the_months_by_person(sv, lot, employer):
    early = place(sv, lot, employer, make_person(sv, "Zola"), start=date(2025, 1, 6))
    ended = place(
        sv, lot, employer, make_person(sv, "Martin"), start=date(2024, 6, 3), end=date(2025, 1, 31)
    )
    later = place(sv, lot, employer, make_person(sv, "Abel"), start=date(2025, 4, 14))
    sv.hours.record_month(early.id, FEB, 120)
    sv.hours.record_month(early.id, MAR, 130)

    grid = sv.hours.grid(date(2025, 2, 15), APR)
    assert grid.months == (FEB, MAR, APR)
    assert [r.placement.id for r in grid.rows] == [later.id, early.id]  # Abel, then Zola
    assert ended.id not in [r.placement.id for r in grid.rows]  # ended in January
    row = grid.rows[1]
    assert row.participant_name == "ZOLA Yanis" and row.employer_name == "Entreprise 41234567"
    assert {m: e.worked_hours for m, e in row.lines.items()} == {
        FEB: Decimal("120.00"),
        MAR: Decimal("130.00"),
    }
    assert sv.hours.grid(JAN, JAN).total == 2  # Martin and Zola were active in January


def test_the_grid_filters_pages_and_searches(sv, market, lot, employer):
    other_lot = make_lot(sv, market, "2")
    other_employer = make_company(sv, 51234567)
    names = ["Bernard", "Dubois", "Élodie", "Fabre"]
    for name in names:
        place(sv, lot, employer, make_person(sv, name))
    place(sv, other_lot, other_employer, make_person(sv, "Garnier"))

    assert sv.hours.grid(FEB, APR, lot_id=other_lot.id).total == 1
    assert sv.hours.grid(FEB, APR, employer_id=employer.id).total == 4
    first = sv.hours.grid(FEB, APR, limit=2)
    second = sv.hours.grid(FEB, APR, offset=2, limit=2)
    assert (first.total, len(first.rows), second.offset) == (5, 2, 2)
    shown = [r.participant_name for r in first.rows + second.rows]
    assert shown == ["BERNARD Yanis", "DUBOIS Yanis", "ÉLODIE Yanis", "FABRE Yanis"]
    assert [r.participant_name for r in sv.hours.grid(FEB, APR, query="elodie").rows] == [
        "ÉLODIE Yanis"
    ]
    assert sv.hours.grid(FEB, APR, query="entreprise 51234567").total == 1
    assert sv.hours.grid(FEB, APR, query="inconnu").total == 0


def test_the_grid_refuses_reversed_or_too_long_ranges(sv):
    with pytest.raises(ValidationError) as caught:
        sv.hours.grid(APR, FEB)
    assert caught.value.field == "last_month"
    with pytest.raises(ValidationError):
        sv.hours.grid(JAN, date(2026, 1, 1))  # 13 months


def pooled_lots(sv, market, employer, key="prorata", shares=(0, 0)):
    lot_a = make_lot(sv, market, "A", required=3000, globalisation_allowed=True)
    lot_b = make_lot(sv, market, "B", required=1000, globalisation_allowed=True)
    for held in (lot_a, lot_b):
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
            start_date=date(2025, 3, 1),
            allocation_key=key,
            lot_shares=((lot_a.id, Decimal(shares[0])), (lot_b.id, Decimal(shares[1]))),
        )
    )
    return lot_a, lot_b


def test_hours_of_a_pool_go_back_to_each_lot_by_its_key(sv, market, employer):
    lot_a, lot_b = pooled_lots(sv, market, employer)
    placement = place(sv, lot_a, employer)
    sv.hours.record_month(placement.id, FEB, 100)  # before the convention: lot A only
    sv.hours.record_month(placement.id, MAR, 100)
    sv.hours.record_month(placement.id, APR, Decimal("50.01"))

    (obligation,) = sv.hours.pooled_obligations(lot_b.id)
    assert obligation.pool == Decimal("150.01")
    parts = {p.lot_id: (p.share, p.declared, p.allocated) for p in obligation.lots}
    assert parts[lot_a.id] == (Decimal("0.75"), Decimal("150.01"), Decimal("112.51"))
    assert parts[lot_b.id] == (Decimal("0.25"), Decimal("0"), Decimal("37.50"))

    today = date(2025, 5, 15)
    assert sv.hours.lot_progress(lot_b.id, today).progress.credited == Decimal("37.50")
    assert sv.hours.lot_progress(lot_a.id, today).progress.credited == Decimal("212.51")
    assert dict(sv.hours.lot_progress(lot_b.id, today).monthly) == {
        MAR: Decimal("25.00"),
        APR: Decimal("12.50"),
    }


def test_a_manual_key_splits_the_pool_by_its_shares(sv, market, employer):
    lot_a, lot_b = pooled_lots(sv, market, employer, "manual", ("0.4", "0.6"))
    sv.hours.record_month(place(sv, lot_b, employer).id, MAR, 100)
    (obligation,) = sv.hours.pooled_obligations()
    assert {p.lot_id: p.allocated for p in obligation.lots} == {
        lot_a.id: Decimal("40.00"),
        lot_b.id: Decimal("60.00"),
    }
    assert sv.hours.lot_progress(lot_a.id, date(2025, 5, 15)).progress.credited == Decimal("40.00")


def test_a_lot_without_convention_keeps_its_own_hours(sv, lot, employer):
    sv.hours.record_month(place(sv, lot, employer).id, MAR, 70)
    assert sv.hours.pooled_obligations(lot.id) == []
    assert sv.hours.lot_progress(lot.id, date(2025, 5, 15)).progress.credited == Decimal("70.00")
