"""The retention review (domain.md §7.4): people whose last contact is older than the period in
force (2 years by default, a dated parameter), to anonymise in one step."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from sqlalchemy import insert, select, update

from asr_desktop.domain import rules
from asr_desktop.domain.enums import ActionKind, AuditAction, Sex
from asr_desktop.domain.model import Participant
from asr_desktop.persistence import models as m
from asr_desktop.persistence.db import open_database
from asr_desktop.services.container import build_services
from asr_desktop.services.demo import generate_demo

TODAY = date(2026, 11, 25)


@pytest.fixture
def services(db):
    return build_services(db)


def add_person(services, last_name: str, entry: date, last_contact: date | None) -> int:
    created = services.participants.create(
        Participant(
            id=None,
            reference="",
            last_name=last_name,
            first_name="Camille",
            birth_date=date(1985, 5, 17),
            sex=Sex.FEMALE,
            entry_date=entry,
            last_contact_date=last_contact,
        ),
        allow_duplicate=True,
    )
    return created.id


def test_people_past_two_years_since_the_last_contact_are_listed(services):
    due = add_person(services, "Perrin", date(2020, 3, 2), date(2024, 11, 25))
    add_person(services, "Garnier", date(2020, 3, 2), date(2024, 11, 26))  # due tomorrow
    older = add_person(services, "Renard", date(2019, 6, 1), date(2021, 1, 15))

    cases = services.rights.retention_review(TODAY)

    assert [c.participant_id for c in cases] == [older, due]  # longest overdue first
    first, second = cases
    assert (first.last_contact, first.due_date) == (date(2021, 1, 15), date(2023, 1, 15))
    assert (second.last_contact, second.due_date) == (date(2024, 11, 25), TODAY)
    assert second.display_name == "PERRIN Camille"
    assert [c.participant_id for c in services.rights.retention_review(date(2026, 11, 26))] == [
        older,
        due,
        due + 1,
    ]


def test_without_a_recorded_contact_the_entry_counts(services):
    person = add_person(services, "Lambert", date(2023, 9, 1), None)
    (case,) = services.rights.retention_review(date(2026, 1, 1))
    assert (case.participant_id, case.last_contact) == (person, date(2023, 9, 1))


def test_the_period_is_the_dated_parameter_in_force(services):
    add_person(services, "Perrin", date(2020, 3, 2), date(2023, 6, 1))
    assert services.rights.retention_years(TODAY) == 2
    assert len(services.rights.retention_review(TODAY)) == 1

    services.parameters.add_value("retention.years_after_last_contact", 4, date(2026, 1, 1))

    assert services.rights.retention_years(TODAY) == 4
    assert services.rights.retention_review(TODAY) == []
    assert len(services.rights.retention_review(date(2025, 12, 31))) == 1  # the old value


def test_a_later_contact_in_the_follow_up_log_postpones_the_date(services):
    person = add_person(services, "Perrin", date(2020, 3, 2), date(2023, 6, 1))
    actions = m.FollowUpActionRow.__table__
    with services.database.engine.begin() as con:
        con.execute(
            insert(actions).values(
                participant_id=person,
                kind=ActionKind.NOTE.value,
                summary="note interne",
                occurred_on=date(2026, 1, 10),
            )
        )
    assert len(services.rights.retention_review(TODAY)) == 1  # a note is no contact
    with services.database.engine.begin() as con:
        con.execute(
            insert(actions).values(
                participant_id=person,
                kind=ActionKind.CALL.value,
                summary="appel",
                occurred_on=date(2025, 2, 3),
            )
        )
    assert services.rights.retention_review(TODAY) == []
    (case,) = services.rights.retention_review(date(2027, 2, 3))
    assert case.last_contact == date(2025, 2, 3)


def test_anonymised_people_leave_the_review_in_one_step(services):
    ids = [add_person(services, name, date(2019, 1, 7), date(2021, 4, 1)) for name in "ABCD"]
    cases = services.rights.retention_review(TODAY)

    assert services.rights.anonymise_many([c.participant_id for c in cases]) == 4
    assert services.rights.retention_review(TODAY) == []
    entries = services.audit.list_entries(action=AuditAction.ANONYMISE)
    assert sorted(e.entity_id for e in entries) == ids


# --- on the demonstration data: placements and outcomes count as contacts --------------------


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("retention") / "demo.db"
    generate_demo(path, "small", seed=11, today=TODAY)
    return path


@pytest.fixture
def demo(tmp_path, demo_template):
    copy = tmp_path / "copy.db"
    shutil.copyfile(demo_template, copy)
    database = open_database(copy)
    yield build_services(database)
    database.close()


def test_a_placement_ending_later_than_the_recorded_contact_counts(demo):
    cases = demo.rights.retention_review(TODAY)
    assert cases, "la base de démonstration compte des dossiers anciens"
    case = next(c for c in reversed(cases) if demo.placements.list(participant_id=c.participant_id))
    placements = demo.placements.list(participant_id=case.participant_id)
    ends = [p.exit_date or p.end_date or p.start_date for p in placements]
    assert all(end <= case.last_contact for end in ends)

    table = m.PlacementRow.__table__
    with demo.database.engine.begin() as con:
        con.execute(
            update(table)
            .where(table.c.id == placements[0].id)
            .values(end_date=date(2025, 6, 30), exit_date=None)
        )
    assert case.participant_id not in {
        c.participant_id for c in demo.rights.retention_review(TODAY)
    }


def test_the_review_agrees_with_a_plain_reading_of_every_date(demo):
    """The SQL of the review against the rule applied in Python to every stored date."""
    tables = m.Base.metadata.tables
    dates: dict[int, list[date]] = {}
    with demo.database.engine.connect() as con:
        people = con.execute(
            select(
                m.ParticipantRow.id,
                m.ParticipantRow.last_contact_date,
                m.ParticipantRow.entry_date,
                m.ParticipantRow.created_at,
            ).where(m.ParticipantRow.anonymised_at.is_(None))
        ).all()
        for pid, start, end, leaving in con.execute(
            select(tables["placement"].c["participant_id", "start_date", "end_date", "exit_date"])
        ):
            dates.setdefault(pid, []).extend(d for d in (start, end, leaving) if d)
        actions = tables["follow_up_action"]
        for pid, kind, occurred, due, done in con.execute(
            select(actions.c["participant_id", "kind", "occurred_on", "due_date", "done_on"])
        ):
            if pid and kind != ActionKind.NOTE.value and (due is None or done is not None):
                dates.setdefault(pid, []).append(done or occurred)
        for pid, observed in con.execute(
            select(tables["outcome"].c["participant_id", "observed_on"])
        ):
            if observed:
                dates.setdefault(pid, []).append(observed)
    expected = set()
    for pid, contact, entry, created in people:
        known = [d for d in (contact, entry, *dates.get(pid, [])) if d]
        last = max(known) if known else created.date()
        if rules.retention_date(last, 2) <= TODAY:
            expected.add(pid)

    assert {c.participant_id for c in demo.rights.retention_review(TODAY)} == expected
    assert expected
