"""The audit trail: entries chained by hash in the callers' transactions, read back, verified."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from asr_desktop.domain.audit_chain import GENESIS, entry_hash
from asr_desktop.domain.enums import AuditAction, Sex
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import Participant
from asr_desktop.persistence.repositories.audit import AuditRepository
from asr_desktop.services.audit import AuditService
from asr_desktop.services.container import build_services
from asr_desktop.services.participants import ParticipantService
from asr_desktop.services.settings import UserService


@pytest.fixture
def users(sessions):
    service = UserService(sessions)
    return service.create_user("anne", "Anne"), service.create_user("bruno", "Bruno")


@pytest.fixture
def audit(sessions):
    return AuditService(sessions)


def person(last="Lemoine", first="Camille", **fields) -> Participant:
    return Participant(
        id=None,
        reference="",
        last_name=last,
        first_name=first,
        birth_date=date(1987, 9, 21),
        sex=Sex.FEMALE,
        **fields,
    )


def _append(sessions, *entries):
    with sessions.begin() as s:
        repo = AuditRepository(s)
        return [repo.append(*entry) for entry in entries]


def _stored_chain(sessions):
    with sessions.begin() as s:
        return list(AuditRepository(s).links())


# --- writing --------------------------------------------------------------------------------


def test_entries_are_chained_from_genesis(sessions, users):
    anne, _ = users
    _append(
        sessions,
        (anne.id, AuditAction.CREATE, "participant", 1, None),
        (anne.id, AuditAction.UPDATE, "participant", 1, "champs : phone"),
        (None, AuditAction.EXPORT, "export_record", None, "liste"),
    )

    links = _stored_chain(sessions)
    assert [link.prev_hash for link in links] == [GENESIS, links[0].hash, links[1].hash]
    first = links[0]
    assert first.hash == entry_hash(GENESIS, first.at, anne.id, "creation", "participant", 1, None)


def test_the_time_is_stamped_now_to_the_second(sessions, users):
    before = datetime.now().replace(microsecond=0)
    (entry,) = _append(sessions, (users[0].id, AuditAction.READ, "participant", 7, None))
    after = datetime.now()

    assert entry.at.microsecond == 0
    assert before <= entry.at <= after


def test_an_over_long_detail_is_cut_to_the_column(sessions, users, audit):
    _append(sessions, (users[0].id, AuditAction.UPDATE, "participant", 7, "champs : " + "x" * 400))
    (entry,) = audit.list_entries()
    assert len(entry.detail) == 300
    assert audit.verify_chain() is None


def test_an_entry_is_rolled_back_with_the_change_it_records(sessions, users, audit):
    with pytest.raises(RuntimeError), sessions.begin() as s:
        AuditRepository(s).append(users[0].id, AuditAction.DELETE, "participant", 3)
        raise RuntimeError("échec de l'opération")
    assert audit.list_entries() == []


def test_a_refused_change_leaves_no_entry(db, users):
    services = build_services(db, users[0].id)
    with pytest.raises(ValidationError):
        services.participants.create(person(phone="pas un numéro"))
    assert services.audit.list_entries() == []


# --- reading ----------------------------------------------------------------------------------


def test_entries_are_listed_most_recent_first_and_filtered(sessions, users, audit):
    anne, bruno = users
    _append(
        sessions,
        (anne.id, AuditAction.CREATE, "participant", 1, None),
        (bruno.id, AuditAction.CREATE, "placement", 5, "participant 1"),
        (bruno.id, AuditAction.UPDATE, "participant", 1, "champs : commune"),
        (anne.id, AuditAction.CREATE, "participant", 2, None),
    )

    everything = audit.list_entries()
    assert [(e.entity, e.entity_id) for e in everything] == [
        ("participant", 2),
        ("participant", 1),
        ("placement", 5),
        ("participant", 1),
    ]
    assert [e.entity_id for e in audit.list_entries(entity="participant")] == [2, 1, 1]
    assert [e.action for e in audit.list_entries(entity="participant", entity_id=1)] == [
        AuditAction.UPDATE,
        AuditAction.CREATE,
    ]
    assert {e.user_id for e in audit.list_entries(user_id=bruno.id)} == {bruno.id}
    assert len(audit.list_entries(limit=2)) == 2
    assert audit.list_entries(since=datetime.now() + timedelta(hours=1)) == []
    assert len(audit.list_entries(since=datetime.now() - timedelta(hours=1))) == 4
    with pytest.raises(ValidationError):
        audit.list_entries(limit=0)


def test_services_record_who_did_what_by_ids(db, users):
    anne, bruno = users
    created = build_services(db, anne.id).participants.create(person(phone="06 39 98 44 10"))
    ParticipantService(db.sessions, bruno.id).update(replace(created, phone="06 39 98 44 11"))

    entries = AuditService(db.sessions).list_entries(entity="participant")
    assert [(e.action, e.user_id, e.entity_id) for e in entries] == [
        (AuditAction.UPDATE, bruno.id, created.id),
        (AuditAction.CREATE, anne.id, created.id),
    ]
    assert entries[0].detail == "champs : phone"


# --- verification -------------------------------------------------------------------------------


@pytest.fixture
def trail(db, users):
    """A trail written by the services: creation, changes, eligibility."""
    services = build_services(db, users[0].id)
    people = services.participants
    first = people.create(person())
    second = people.create(person("Carpentier", "Hugo"))
    people.update(replace(first, commune="Sucy-en-Brie"))
    people.update(replace(second, commune="Ormesson-sur-Marne"))
    people.delete(second.id)
    return [e.id for e in reversed(services.audit.list_entries())]


def test_an_untouched_trail_verifies(audit, trail):
    assert len(trail) == 5
    assert audit.verify_chain() is None


def test_an_empty_trail_verifies(audit):
    assert audit.verify_chain() is None


def test_a_detail_changed_behind_the_program_is_found(db, audit, trail):
    tampered = trail[2]
    with db.engine.begin() as con:
        con.execute(
            text("UPDATE audit_entry SET detail = 'champs : rien' WHERE id = :id"), {"id": tampered}
        )
    assert audit.verify_chain() == tampered


def test_a_changed_author_or_time_is_found(db, audit, trail):
    with db.engine.begin() as con:
        con.execute(text("UPDATE audit_entry SET user_id = NULL WHERE id = :id"), {"id": trail[3]})
    assert audit.verify_chain() == trail[3]
    with db.engine.begin() as con:
        con.execute(
            text("UPDATE audit_entry SET at = '2020-01-01 00:00:00.000000' WHERE id = :id"),
            {"id": trail[1]},
        )
    assert audit.verify_chain() == trail[1]


def test_a_removed_entry_breaks_the_chain_at_the_next_one(db, audit, trail):
    with db.engine.begin() as con:
        con.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": trail[1]})
    assert audit.verify_chain() == trail[2]


def test_a_rehashed_entry_still_breaks_the_link_to_the_next(db, audit, trail):
    """Recomputing the forged entry's own hash does not help: the next one points at the old."""
    target = trail[1]
    with db.engine.begin() as con:
        at, user_id, action, entity, entity_id, prev = con.execute(
            text(
                "SELECT at, user_id, action, entity, entity_id, prev_hash "
                "FROM audit_entry WHERE id = :id"
            ),
            {"id": target},
        ).one()
        forged = entry_hash(
            prev, datetime.fromisoformat(at), user_id, action, entity, entity_id, "falsifié"
        )
        con.execute(
            text("UPDATE audit_entry SET detail = 'falsifié', hash = :h WHERE id = :id"),
            {"h": forged, "id": target},
        )
    assert audit.verify_chain() == trail[2]


def test_the_container_exposes_the_people_side_services(db, users):
    services = build_services(db, users[0].id)
    created = services.participants.create(person())
    assert services.placements.list(participant_id=created.id) == []
    assert services.hours.lines() == []
    assert [e.entity_id for e in services.audit.list_entries()] == [created.id]
