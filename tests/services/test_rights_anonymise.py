"""« Anonymiser » (domain.md §7.4): every identifying field and free text goes, every committee
figure stays identical, the record keeps its ids, one audit entry is written.

No service computes the committee dossier yet (issue « Comités »): ``committee_figures`` below
computes the figures domain.md §6.2 lists from every stored row with the domain rules
(age bands, FTE, outcome classes, eligibility validity), plus the hours totals and lot progress
the hours service already gives.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import Date, String, Text, select, update
from sqlalchemy.orm import Session

from asr_desktop.domain.dates import months_between
from asr_desktop.domain.eligibility import valid_criteria_codes
from asr_desktop.domain.enums import AuditAction
from asr_desktop.domain.errors import NotFound
from asr_desktop.domain.indicators import age_band, fte
from asr_desktop.domain.outcomes import classify_outcome
from asr_desktop.persistence import models as m
from asr_desktop.persistence.db import open_database
from asr_desktop.persistence.repositories.participants import (
    eligibility_to_domain,
    participant_to_domain,
)
from asr_desktop.persistence.repositories.rights import (
    RightsRepository,
    cleared_columns,
    personal_tables,
)
from asr_desktop.services.container import build_services
from asr_desktop.services.demo import generate_demo

TODAY = date(2026, 11, 25)
PERIODS = [(date(year, 1, 1), date(year, 12, 31)) for year in range(2016, 2027)] + [
    (date(2010, 1, 1), TODAY)
]
IDENTIFYING = {
    "participant": {
        "reference",
        "last_name",
        "first_name",
        "birth_date",
        "phone",
        "email",
        "address",
        "postcode",
        "last_contact_date",
        "pass_iae_end",
        "search_key",
        "phone_key",
    },
    "eligibility": {"proof_type", "note"},
    "placement": {"job_title"},
    "hours_entry": {"proof_ref", "reason"},
    "follow_up_action": {"summary", "next_action"},
    "outcome": {"employer_name"},
}


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("rights") / "demo.db"
    generate_demo(path, "small", seed=2026, today=TODAY)
    return path


@pytest.fixture
def services(tmp_path, demo_template):
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    database = open_database(path)
    yield build_services(database, user_id=1)
    database.close()


def people_with_history(services, count: int) -> list[int]:
    """Participants with placements, hours and outcomes, most placements first."""
    placed = Counter(p.participant_id for p in services.placements.list())
    return [pid for pid, _n in placed.most_common(count)]


# --- the committee figures ------------------------------------------------------------------


def _in(day: date | None, period: tuple[date, date]) -> bool:
    return day is not None and period[0] <= day <= period[1]


def committee_figures(services) -> dict:
    """Every figure of domain.md §6.2 for each period, from all rows."""
    with Session(services.database.engine) as s:
        people = {r.id: participant_to_domain(r) for r in s.scalars(select(m.ParticipantRow))}
        records: dict[int, list] = {}
        for row in s.scalars(select(m.EligibilityRow)):
            records.setdefault(row.participant_id, []).append(eligibility_to_domain(row))
        placements = list(s.scalars(select(m.PlacementRow)))
        hours = list(s.scalars(select(m.HoursEntryRow).where(m.HoursEntryRow.is_current)))
        outcomes = list(s.scalars(select(m.OutcomeRow)))
        lots = {
            lot.id: (lot.market_id, s.get(m.MarketRow, lot.market_id))
            for lot in s.scalars(select(m.LotRow))
        }
    by_id = {p.id: p for p in placements}
    figures: dict = {}
    for period in PERIODS:
        active = [
            p
            for p in placements
            if p.start_date <= period[1] and (p.end_date or period[1]) >= period[0]
        ]
        counted = {p.participant_id for p in active}
        entered = {pid for pid, p in people.items() if _in(p.entry_date, period)}
        started = [p for p in placements if _in(p.start_date, period)]
        worked = [h for h in hours if _in(h.month, period)]
        credited = sum((h.credited_hours for h in worked), start=0)

        def tally(ids, key):
            return Counter(key(people[pid]) for pid in ids)

        figures[period] = {
            "people": len(counted),
            "new_entries": len(entered),
            "by_sex": tally(counted, lambda p: p.sex),
            "by_age_at_entry": tally(
                counted | entered, lambda p: age_band(p.birth_date, p.entry_date)
            ),
            "by_education": tally(counted, lambda p: p.education_level),
            "by_qpv": tally(counted, lambda p: (p.qpv, p.qpv_code)),
            "by_commune": tally(counted, lambda p: p.commune),
            "by_prescriber": tally(counted, lambda p: p.prescriber_id),
            "by_plie": tally(counted, lambda p: p.plie),
            "by_status": tally(counted, lambda p: p.status),
            "by_criterion": Counter(
                code
                for pid in counted
                for code in valid_criteria_codes(
                    records.get(pid, []), period[1], people[pid].entry_date, False
                )
            ),
            "by_criterion_recorded": Counter(
                r.criterion for pid in counted for r in records.get(pid, [])
            ),
            "contracts": Counter(
                (p.contract_type, months_between(p.start_date, p.end_date) if p.end_date else None)
                for p in started
            ),
            "weekly_hours": sum((p.weekly_hours or 0 for p in active), start=0),
            "hours": credited,
            "fte": fte(credited),
            "hours_by_modality": Counter(
                {
                    key: sum(
                        h.credited_hours for h in worked if by_id[h.placement_id].modality == key
                    )
                    for key in {by_id[h.placement_id].modality for h in worked}
                }
            ),
            "hours_by_commune": Counter(
                {
                    commune: sum(
                        h.credited_hours
                        for h in worked
                        if people[by_id[h.placement_id].participant_id].commune == commune
                    )
                    for commune in {
                        people[by_id[h.placement_id].participant_id].commune for h in worked
                    }
                }
            ),
            "hours_by_sector": Counter(
                {
                    sector: sum(
                        h.credited_hours for h in worked if lots[h.lot_id][1].sector == sector
                    )
                    for sector in {lots[h.lot_id][1].sector for h in worked}
                }
            ),
            "hours_by_lot": Counter(
                {
                    lot: sum(h.credited_hours for h in worked if h.lot_id == lot)
                    for lot in {h.lot_id for h in worked}
                }
            ),
            "exits": Counter(p.exit_situation for p in placements if _in(p.exit_date, period)),
            "outcomes": Counter(
                (o.point, o.outcome_class or (o.situation and classify_outcome(o.situation)))
                for o in outcomes
                if _in(o.observed_on or o.due_date, period)
            ),
        }
    figures["services"] = {
        "by_lot": services.hours.credited_by_lot(),
        "by_company": services.hours.credited_by_company(),
        "by_placement": services.hours.credited_by_placement(),
        "progress": [services.hours.lot_progress(lot, TODAY).progress for lot in sorted(lots)],
    }
    return figures


def test_every_committee_figure_stays_identical(services):
    before = committee_figures(services)
    chosen = people_with_history(services, 12)
    assert services.rights.anonymise_many(chosen) == len(chosen)
    after = committee_figures(services)

    assert after == before
    assert before[(date(2010, 1, 1), TODAY)]["people"] >= 12  # the figures are not empty
    for pid in chosen:
        anonymised = services.participants.get(pid)
        assert anonymised.anonymised and anonymised.last_name == "Anonyme"


def test_the_figures_would_see_a_birth_date_moved_across_a_band(services):
    """``committee_figures`` does read the birth date: the test above can fail."""
    before = committee_figures(services)
    person = services.participants.get(people_with_history(services, 1)[0])
    years = 40 if age_band(person.birth_date, person.entry_date) == "<26" else 20
    moved = date(person.entry_date.year - years, 1, 1)
    with services.database.engine.begin() as con:
        table = m.ParticipantRow.__table__
        con.execute(update(table).where(table.c.id == person.id).values(birth_date=moved))
    assert committee_figures(services) != before


# --- what goes and what stays ---------------------------------------------------------------


def test_every_identifying_column_is_cleared():
    for table in personal_tables():
        cleared = {c.name for c in cleared_columns(m.Base.metadata.tables[table.name])}
        assert IDENTIFYING.get(table.name, set()) <= cleared, table.name
        text_kept = {
            c.name
            for c in m.Base.metadata.tables[table.name].columns
            if isinstance(c.type, String | Text) and c.name not in cleared
        }
        # text kept is coded (sex, status, modality…) or territorial (commune, QPV code)
        assert text_kept <= {
            "sex",
            "status",
            "commune",
            "qpv_code",
            "education_level",
            "criterion",
            "modality",
            "contract_type",
            "exit_situation",
            "rule",
            "kind",
            "point",
            "situation",
            "outcome_class",
            "source",
        }, table.name


def test_no_identifying_text_is_left_in_the_rows_or_the_file(services):
    person = people_with_history(services, 1)[0]
    export = services.rights.export_person(person)
    planted: set[str] = set()
    with services.database.engine.begin() as con:
        for name, columns in IDENTIFYING.items():
            table = m.Base.metadata.tables[name]
            for row in export.table(name).rows:
                values = {
                    c: f"CANARI{name}{c}{row[0]}"
                    for c in columns
                    if not isinstance(table.c[c].type, Date)
                }
                con.execute(update(table).where(table.c.id == row[0]).values(values))
                planted.update(values.values())
    services.rights.anonymise(person)
    with services.database.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    after = services.rights.export_person(person)
    shown = {str(v) for t in after.tables for row in t.rows for v in row}
    assert not {c for c in planted if any(c in text for text in shown)}
    raw = services.database.path.read_bytes()
    wal = services.database.path.with_name(services.database.path.name + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert [c for c in planted if c.encode() in raw] == []


def test_the_record_keeps_its_ids_and_what_statistics_need(services):
    person = people_with_history(services, 1)[0]
    before = services.participants.get(person)
    placements = services.placements.list(participant_id=person)
    services.rights.anonymise(person)
    after = services.participants.get(person)

    assert after.id == before.id and after.reference == f"ANON-{person:06d}"
    assert (after.first_name, after.phone, after.email, after.address) == ("", None, None, None)
    assert after.birth_date != before.birth_date
    assert age_band(after.birth_date, after.entry_date) == age_band(
        before.birth_date, before.entry_date
    )
    kept = ("sex", "commune", "qpv", "qpv_code", "education_level", "plie", "entry_date")
    assert [getattr(after, f) for f in kept] == [getattr(before, f) for f in kept]
    assert [p.id for p in services.placements.list(participant_id=person)] == [
        p.id for p in placements
    ]
    assert all(p.id != person for p in services.participants.search(before.last_name))


def test_one_audit_entry_with_ids_only_and_a_second_time_changes_nothing(services):
    person = people_with_history(services, 1)[0]
    name = services.participants.get(person).last_name
    services.rights.anonymise(person)
    snapshot = services.rights.export_person(person).table("participant").rows
    assert services.rights.anonymise_many([person]) == 0

    entries = services.audit.list_entries(action=AuditAction.ANONYMISE)
    assert [(e.entity, e.entity_id, e.user_id) for e in entries] == [("participant", person, 1)]
    assert name not in (entries[0].detail or "")
    assert services.rights.export_person(person).table("participant").rows == snapshot
    assert services.audit.verify_chain() is None


def test_several_people_are_anonymised_all_or_none(services):
    chosen = people_with_history(services, 3)
    names = {pid: services.participants.get(pid).last_name for pid in chosen}
    with pytest.raises(NotFound):
        services.rights.anonymise_many([*chosen, 999_999])
    assert all(services.participants.get(pid).last_name == names[pid] for pid in chosen)
    assert services.audit.list_entries(action=AuditAction.ANONYMISE) == []


def test_a_reference_already_typed_for_someone_else_is_not_reused(services):
    person, other = people_with_history(services, 2)
    with services.database.engine.begin() as con:
        table = m.ParticipantRow.__table__
        con.execute(update(table).where(table.c.id == other).values(reference=f"ANON-{person:06d}"))
    services.rights.anonymise(person)
    assert services.participants.get(person).reference == f"ANON-{person:06d}-2"


def test_the_anonymised_records_can_be_listed_by_id_for_the_erasure_journal(services):
    chosen = people_with_history(services, 2)
    services.rights.anonymise_many(chosen)
    with services.database.sessions.begin() as s:
        repo = RightsRepository(s)
        stamps = repo.anonymised()
        assert set(stamps) == set(chosen)
        assert all(repo.is_anonymised(pid) for pid in chosen)
