"""The demonstration database (product.md §6 and §7 ``demo``): complete, coherent with the
rules, reproducible, and never left half-written."""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from stdnum.fr import siret

from asr_desktop.domain import rules
from asr_desktop.domain.audit_chain import GENESIS, ChainLink, first_break
from asr_desktop.domain.criteria import CRITERIA_BY_CODE
from asr_desktop.domain.dates import first_of_month
from asr_desktop.domain.eligibility import clause_eligible, valid_criteria_codes
from asr_desktop.domain.enums import CalibrationMethod, CompanyKind, EducationLevel, Modality, Sex
from asr_desktop.domain.errors import Cancelled, Conflict, ValidationError
from asr_desktop.domain.formats import normalise_text
from asr_desktop.domain.hours_rules import check_hours_line, credit_hours
from asr_desktop.domain.indicators import age_band
from asr_desktop.domain.model import EligibilityRecord
from asr_desktop.persistence import models as m
from asr_desktop.persistence.db import check_database, open_database
from asr_desktop.persistence.models import EXPECTED_TABLES
from asr_desktop.persistence.repositories.clauses import lot_to_domain
from asr_desktop.services._calibration import inputs_of
from asr_desktop.services._participants_checks import phone, search_key
from asr_desktop.services.container import open_services
from asr_desktop.services.demo import DEMO_SIZES, generate_demo

TODAY = date(2026, 3, 15)
LAST_HOURS_MONTH = date(2026, 2, 1)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return generate_demo(path, "small", seed=7, today=TODAY)


@pytest.fixture(scope="module")
def session(small):
    database = open_database(small.path, create=False)
    with Session(database.engine) as s:
        yield s
    database.close()


def digest(path: Path) -> str:
    """SHA-256 of every row of every table, in id order."""
    sha = hashlib.sha256()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for table in (*EXPECTED_TABLES, "alembic_version"):
            for row in con.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                sha.update(repr(row).encode())
    finally:
        con.close()
    return sha.hexdigest()


class Recorder:
    """A progress object that records the calls and cancels after ``stop_after`` of them."""

    def __init__(self, stop_after: int | None = None):
        self.calls: list[tuple[int, int, str]] = []
        self.stop_after = stop_after
        self.cancelled = False

    def __call__(self, done: int, total: int, text: str = "") -> None:
        self.calls.append((done, total, text))
        if self.stop_after is not None and len(self.calls) >= self.stop_after:
            self.cancelled = True


# --- the file -----------------------------------------------------------------------------------


def test_small_demo_fills_every_table_and_is_a_healthy_asr_file(small):
    assert not [p for p in small.path.parent.iterdir() if ".en-cours" in p.name]
    assert set(small.counts) == set(EXPECTED_TABLES)
    assert all(n > 0 for n in small.counts.values()), small.counts
    report = check_database(small.path)
    assert report.healthy, report.problems()
    assert report.foreign_key_problems == 0
    assert report.row_counts == small.counts
    assert small.size == "small" and small.seed == 7 and small.seconds >= 0
    con = sqlite3.connect(small.path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()


def _schema(path: Path) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        con.close()


def test_demo_schema_is_exactly_that_of_a_new_file(small, tmp_path):
    fresh = open_database(tmp_path / "neuve.db")
    fresh.close()
    assert _schema(small.path) == _schema(tmp_path / "neuve.db")


def test_demo_opens_with_the_program_services(small):
    services = open_services(small.path, create=False)
    try:
        tree = services.clauses.list_tree()
        assert len(tree) == small.counts["authority"]
        assert services.audit.verify_chain() is None
        someone = services.participants.get(1)
        found = services.participants.search(f"{someone.first_name} {someone.last_name}")
        assert someone.id in [p.id for p in found]
        assert services.parameters.value_at("smic.hourly", date(2023, 6, 1)) == Decimal("11.52")
    finally:
        services.close()


def test_same_seed_and_day_give_the_same_data_another_seed_other_data(small, tmp_path):
    again = generate_demo(tmp_path / "again.db", "small", seed=7, today=TODAY)
    other = generate_demo(tmp_path / "other.db", "small", seed=8, today=TODAY)
    assert digest(again.path) == digest(small.path)
    assert digest(other.path) != digest(small.path)


def test_existing_file_is_refused_and_left_untouched(tmp_path):
    target = tmp_path / "existante.db"
    target.write_bytes(b"ne pas toucher")
    with pytest.raises(Conflict, match="existante.db"):
        generate_demo(target, "small", today=TODAY)
    assert target.read_bytes() == b"ne pas toucher"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existante.db"]


def test_overwrite_replaces_an_existing_database(tmp_path):
    target = tmp_path / "base.db"
    target.write_bytes(b"ancienne base")
    (tmp_path / "base.db-wal").write_bytes(b"journal d'une ancienne base")
    summary = generate_demo(target, "small", today=TODAY, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.db"]
    assert check_database(summary.path).healthy


def test_cancelled_run_leaves_no_file(tmp_path):
    target = tmp_path / "annulee.db"
    progress = Recorder(stop_after=6)
    with pytest.raises(Cancelled):
        generate_demo(target, "small", today=TODAY, progress=progress)
    assert list(tmp_path.iterdir()) == []
    dones = [done for done, _total, _text in progress.calls]
    assert dones == sorted(dones)
    assert all(text for _done, _total, text in progress.calls)


def test_progress_reaches_its_total_in_french(tmp_path):
    progress = Recorder()
    generate_demo(tmp_path / "suivie.db", "small", today=TODAY, progress=progress)
    done, total, text = progress.calls[-1]
    assert done == total and "démonstration" in text
    assert any("heures" in text for _d, _t, text in progress.calls)


def test_unknown_size_is_refused_in_french(tmp_path):
    with pytest.raises(ValidationError) as error:
        generate_demo(tmp_path / "x.db", "énorme")
    assert error.value.field == "size"
    assert "énorme" in str(error.value) and all(s in str(error.value) for s in DEMO_SIZES)
    assert list(tmp_path.iterdir()) == []


# --- content ------------------------------------------------------------------------------------


def test_sirets_are_valid_and_every_kind_of_company_is_there(session):
    companies = session.scalars(select(m.CompanyRow)).all()
    authorities = session.scalars(select(m.AuthorityRow)).all()
    assert all(siret.is_valid(c.siret) for c in companies)
    assert all(siret.is_valid(a.siret) for a in authorities if a.siret)
    assert {c.kind for c in companies} == {k.value for k in CompanyKind}


def test_lots_carry_the_calibration_the_rules_give(session):
    for row in session.scalars(select(m.LotRow)):
        lot = lot_to_domain(row)
        again = rules.calibrate(lot.calibration.method, **inputs_of(lot.calibration))
        assert again.required_hours == lot.calibration.required_hours, lot.id
        if lot.calibration.method is CalibrationMethod.FORMULA:
            assert lot.calibration.amount_ht == lot.amount_ht


def test_participants_keys_and_references_are_those_of_the_participant_service(session):
    people = session.scalars(select(m.ParticipantRow).order_by(m.ParticipantRow.id)).all()
    assert people[0].reference == "P-000001"
    for p in people:
        assert p.reference == f"P-{p.id:06d}"
        assert p.search_key == search_key(p.last_name, p.first_name)
        assert p.search_key == normalise_text(f"{p.last_name} {p.first_name}")
        assert p.phone_key == phone(p.phone)[1]


def test_every_criterion_is_used_and_eligibility_is_proven(session):
    records = session.scalars(select(m.EligibilityRow)).all()
    assert {r.criterion for r in records} == set(CRITERIA_BY_CODE)
    assert all(r.proof_date is not None and r.proof_type for r in records)
    assert any(r.expires_on is not None for r in records)
    sensitive = {c for c, crit in CRITERIA_BY_CODE.items() if crit.sensitive}
    assert all(r.note is None for r in records if r.criterion in sensitive)


def _records(session: Session) -> dict[int, list[EligibilityRecord]]:
    by_person: dict[int, list[EligibilityRecord]] = defaultdict(list)
    for r in session.scalars(select(m.EligibilityRow)):
        by_person[r.participant_id].append(
            EligibilityRecord(
                r.id, r.participant_id, r.criterion, r.proof_type, r.proof_date,
                r.validated_by_id, r.validated_on, r.expires_on, r.note,
            )
        )  # fmt: skip
    return by_person


def test_every_placement_starts_with_a_valid_clause_eligibility(session):
    records = _records(session)
    lots = {lot.id: lot for lot in session.scalars(select(m.LotRow))}
    for p in session.scalars(select(m.PlacementRow)):
        codes = valid_criteria_codes(records[p.participant_id], p.start_date, p.start_date)
        ok, why = clause_eligible(codes, lots[p.lot_id].eligible_publics)
        assert ok, (p.id, why)


def check_lines(session: Session, lines: list[m.HoursEntryRow]) -> None:
    """Each line against credit_hours and check_hours_line, with the inputs the hours service
    uses (the credited lot's training rule and coefficients, eligibility judged on the first
    day worked in the month, the proof windows at the placement's start)."""
    placements = {p.id: p for p in session.scalars(select(m.PlacementRow))}
    lots = {lot.id: lot for lot in session.scalars(select(m.LotRow))}
    records = _records(session)
    first_hire: dict[int, date] = {}
    for p in placements.values():
        first_hire[p.participant_id] = min(
            first_hire.get(p.participant_id, p.start_date), p.start_date
        )
    groups = defaultdict(set)
    for pooled in session.scalars(select(m.GlobalisationLotRow)):
        groups[pooled.globalisation_id].add(pooled.lot_id)
    for line in lines:
        p, lot = placements[line.placement_id], lots[line.lot_id]
        credit = credit_hours(
            Modality(p.modality), line.worked_hours, line.training_hours, line.invoice_amount,
            training_counted=lot.training_hours_counted,
            labour_share=lot.conversion_labour_share or Decimal("0.5"),
            hourly_cost=lot.conversion_hourly_cost or Decimal("30"),
        )  # fmt: skip
        assert (credit.hours, credit.rule.value) == (line.credited_hours, line.rule), line.id
        assert line.training_counted == credit.training_counted
        assert line.labour_share_used == credit.labour_share
        assert line.hourly_cost_used == credit.hourly_cost
        judged = max(line.month, p.start_date)
        codes = valid_criteria_codes(records[p.participant_id], judged, p.start_date)
        flags = check_hours_line(
            month=line.month, worked_hours=line.worked_hours,
            training_hours=line.training_hours, placement_start=p.start_date,
            placement_end=p.exit_date or p.end_date,
            eligible=clause_eligible(codes, lots[p.lot_id].eligible_publics)[0],
            max_monthly_hours=200, placement_lot_id=p.lot_id, lot_id=line.lot_id,
            globalisation_groups=list(groups.values()),
            first_hire_date=first_hire[p.participant_id], max_months_after_first_hire=24,
        )  # fmt: skip
        assert not [f.code for f in flags if f.blocking], line.id
        assert [f.code for f in flags] == list(line.flags), line.id


def test_every_hour_line_is_credited_and_flagged_as_the_rules_say(session):
    lines = session.scalars(select(m.HoursEntryRow)).all()
    assert any(line.invoice_amount is not None for line in lines)
    assert any(line.flags for line in lines)
    check_lines(session, lines)


def test_hours_stay_inside_placements_and_before_the_current_month(session):
    rows = session.execute(
        select(m.HoursEntryRow.month, m.PlacementRow.start_date, m.PlacementRow.end_date).join(
            m.PlacementRow, m.PlacementRow.id == m.HoursEntryRow.placement_id
        )
    ).all()
    for month, start, end in rows:
        assert month == first_of_month(month) and month <= LAST_HOURS_MONTH
        assert month >= first_of_month(start)
        assert end is None or month <= end


def test_audit_trail_is_a_valid_chain(session):
    rows = session.scalars(select(m.AuditEntryRow).order_by(m.AuditEntryRow.id)).all()
    assert rows[0].prev_hash == GENESIS
    links = [
        ChainLink(r.id, r.at, r.user_id, r.action, r.entity, r.entity_id, r.detail, r.prev_hash, r.hash)
        for r in rows
    ]  # fmt: skip
    assert first_break(links) is None
    assert max(r.at for r in rows).date() <= TODAY


def test_statuses_follow_the_placements(session):
    today_running = {
        p.participant_id
        for p in session.scalars(select(m.PlacementRow))
        if p.start_date <= TODAY and (p.end_date is None or p.end_date >= TODAY)
    }
    for person in session.scalars(select(m.ParticipantRow)):
        assert (person.status == "en_emploi") == (person.id in today_running), person.id
        assert person.last_contact_date is None or person.last_contact_date <= TODAY


def test_globalisation_pools_lots_the_company_holds(session):
    for convention in session.scalars(select(m.GlobalisationRow)):
        lots = session.scalars(
            select(m.LotRow).join(m.GlobalisationLotRow, m.GlobalisationLotRow.lot_id == m.LotRow.id).where(
                m.GlobalisationLotRow.globalisation_id == convention.id
            )
        ).all()  # fmt: skip
        assert len(lots) >= 2 and all(lot.globalisation_allowed for lot in lots)


def test_bulk_rows_are_stored_exactly_as_sqlalchemy_stores_them(small, tmp_path):
    """A ledger line written by SQLAlchemy Core next to one written by the bulk path: every
    column (dates, times, decimals, booleans, JSON) holds the same stored value."""
    copy = tmp_path / "copie.db"
    copy.write_bytes(small.path.read_bytes())
    database = open_database(copy, create=False)
    table = m.HoursEntryRow.__table__
    try:
        with database.engine.begin() as con:
            line = con.execute(
                select(table).where(table.c.flags != "[]", table.c.validated_at.is_not(None))
            ).first()
            values = dict(line._mapping)
            values.update(id=10_000_000, version=99, is_current=False)
            con.execute(insert(table), [values])
            columns = [
                c.name for c in table.columns if c.name not in ("id", "version", "is_current")
            ]
            quoted = ", ".join(f"quote({c})" for c in columns)
            bulk, core = (
                con.exec_driver_sql(f"SELECT {quoted} FROM hours_entry WHERE id = ?", (i,)).one()
                for i in (line.id, 10_000_000)
            )
        assert bulk == core
    finally:
        database.close()


@pytest.mark.stress
def test_realistic_demo_covers_every_public(tmp_path):
    summary = generate_demo(tmp_path / "realiste.db", "realistic", seed=2026, today=TODAY)
    counts = summary.counts
    assert all(n > 0 for n in counts.values())
    assert counts["authority"] == 40 and counts["operation"] == 120 and counts["lot"] == 400
    assert counts["company"] == 500 and counts["participant"] == 3_000
    assert counts["placement"] == 4_000 and counts["hours_entry"] > 20_000
    report = check_database(summary.path)
    assert report.healthy, report.problems()
    database = open_database(summary.path, create=False)
    try:
        with Session(database.engine) as s:
            people = s.scalars(select(m.ParticipantRow)).all()
            assert {p.sex for p in people} == {s.value for s in Sex}
            assert {p.education_level for p in people} == {e.value for e in EducationLevel}
            assert {age_band(p.birth_date, p.entry_date) for p in people} == {"<26", "26-49", "50+"}
            assert sum(p.qpv for p in people) > 300
            assert {p.modality for p in s.scalars(select(m.PlacementRow))} == {
                m.value for m in Modality
            }
            assert {r.criterion for r in s.scalars(select(m.EligibilityRow))} == set(
                CRITERIA_BY_CODE
            )
            statuses = {lot.status for lot in s.scalars(select(m.LotRow))}
            assert statuses == {"not_started", "in_progress", "completed", "closed_shortfall"}
            versions = s.execute(
                select(func.count(), func.sum(m.HoursEntryRow.is_current)).group_by(
                    m.HoursEntryRow.placement_id, m.HoursEntryRow.month
                )
            ).all()
            assert any(n == 2 for n, _current in versions)  # corrections kept as versions
            assert all(current == 1 for _n, current in versions)
            placement_lot = {p.id: p.lot_id for p in s.scalars(select(m.PlacementRow))}
            lines = s.scalars(select(m.HoursEntryRow)).all()
            pooled = [line for line in lines if line.lot_id != placement_lot[line.placement_id]]
            assert pooled and any(line.invoice_amount is not None for line in lines)
            check_lines(s, lines)
    finally:
        database.close()
