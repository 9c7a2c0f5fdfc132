"""Roles (issue 6 point 1): what only a coordinator may do — anonymise, purge the access
journal, activate or deactivate accounts — and the accounts that can never be deactivated."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from argon2 import profiles
from faker import Faker

from asr_desktop.domain.enums import Sex, UserRole
from asr_desktop.domain.errors import Conflict
from asr_desktop.domain.model import Participant
from asr_desktop.services.audit import AuditService
from asr_desktop.services.auth import AuthService, NotAllowed
from asr_desktop.services.participants import ParticipantService
from asr_desktop.services.rights import ANONYMOUS_NAME, RightsService
from asr_desktop.services.settings import UserService

fake = Faker("fr_FR")
PASSWORD = "Vx7#kLm2qP!z"


@pytest.fixture
def people(sessions):
    """A coordinator (the first account), an adviser, and a deactivated coordinator."""
    auth = AuthService(sessions, cost=profiles.CHEAPEST)
    coordinator, _key = auth.create_first_user("coord", fake.name(), PASSWORD)
    auth = AuthService(sessions, coordinator.id, cost=profiles.CHEAPEST)
    adviser = auth.create_user("conseil", fake.name(), PASSWORD, UserRole.ADVISER)
    former = auth.create_user("ancien", fake.name(), PASSWORD, UserRole.COORDINATOR)
    UserService(sessions, coordinator.id).set_active(former.id, False)
    return {"coordinator": coordinator, "adviser": adviser, "former": former}


def new_person(sessions) -> int:
    created = ParticipantService(sessions).create(
        Participant(
            id=None,
            reference="",
            last_name=fake.last_name(),
            first_name=fake.first_name(),
            birth_date=date(1988, 3, 14),
            sex=Sex.FEMALE,
        )
    )
    return created.id


# --- anonymisation and purge ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["adviser", "former"])
def test_only_an_active_coordinator_anonymises(sessions, people, who):
    person = new_person(sessions)
    rights = RightsService(sessions, people[who].id)

    with pytest.raises(NotAllowed, match="Seul un coordinateur peut anonymiser"):
        rights.anonymise(person)
    with pytest.raises(NotAllowed):
        rights.anonymise_many([person])

    assert ParticipantService(sessions).get(person).last_name != ANONYMOUS_NAME
    RightsService(sessions, people["coordinator"].id).anonymise(person)
    assert ParticipantService(sessions).get(person).last_name == ANONYMOUS_NAME


def test_without_a_signed_in_user_there_is_no_role_to_check(sessions, people):
    """The command line, the start-up gate and the erasures applied again after a restore."""
    person = new_person(sessions)
    assert RightsService(sessions, None).anonymise_many([person]) == 1


def test_only_a_coordinator_purges_the_access_journal(sessions, people):
    new_person(sessions)  # one audit entry
    tomorrow = datetime.now() + timedelta(days=1)
    before = AuditService(sessions).chain_status().entries

    with pytest.raises(NotAllowed, match="purger le journal"):
        AuditService(sessions, people["adviser"].id).purge(tomorrow)
    assert AuditService(sessions).chain_status().entries == before

    done = AuditService(sessions, people["coordinator"].id).purge(tomorrow)
    assert done.count == before
    assert AuditService(sessions).verify_chain() is None


# --- accounts ------------------------------------------------------------------------------


def test_an_adviser_cannot_activate_or_deactivate_accounts(sessions, people):
    users = UserService(sessions, people["adviser"].id)
    with pytest.raises(NotAllowed, match="Seul un coordinateur"):
        users.set_active(people["former"].id, True)
    with pytest.raises(NotAllowed):
        users.set_active(people["coordinator"].id, False)
    assert UserService(sessions).get_user(people["former"].id).active is False


def test_a_coordinator_deactivates_and_reactivates_an_adviser(sessions, people):
    users = UserService(sessions, people["coordinator"].id)
    assert users.set_active(people["adviser"].id, False).active is False
    assert users.set_active(people["adviser"].id, True).active is True


def test_nobody_deactivates_their_own_account(sessions, people):
    users = UserService(sessions, people["coordinator"].id)
    users.set_active(people["former"].id, True)  # another active coordinator exists now

    with pytest.raises(Conflict, match="votre propre compte"):
        users.set_active(people["coordinator"].id, False)
    assert users.get_user(people["coordinator"].id).active is True


def test_the_last_active_coordinator_stays_active(sessions, people):
    users = UserService(sessions)  # even without a signed-in user
    with pytest.raises(Conflict, match="dernier coordinateur actif"):
        users.set_active(people["coordinator"].id, False)
    assert users.get_user(people["coordinator"].id).active is True

    UserService(sessions, people["coordinator"].id).set_active(people["former"].id, True)
    UserService(sessions, people["former"].id).set_active(people["coordinator"].id, False)
    assert users.get_user(people["coordinator"].id).active is False


def test_accounts_that_can_sign_in_are_told_apart(sessions, people):
    legacy = UserService(sessions).create_user("sansmdp", fake.name())
    ids = UserService(sessions).with_password()
    assert people["adviser"].id in ids and people["coordinator"].id in ids
    assert legacy.id not in ids
