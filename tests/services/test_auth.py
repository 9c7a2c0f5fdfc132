"""Accounts and login: first user, Argon2id hashes, one message for every wrong login, delay
after failures, key slots kept in step with passwords."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import profiles
from faker import Faker

from asr_desktop.domain.enums import UserRole
from asr_desktop.domain.errors import Conflict, ValidationError
from asr_desktop.domain.passwords import WRONG_CREDENTIALS, LoginDelayed
from asr_desktop.persistence import keyslots
from asr_desktop.persistence.repositories.accounts import AccountRepository
from asr_desktop.services.auth import AuthService, NotAllowed
from asr_desktop.services.settings import UserService

CHEAP = profiles.CHEAPEST
PASSWORD = "Vx7#kLm2qP!z"
OTHER = "Hq4$wErT9u!Lp"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
fake = Faker("fr_FR")


@pytest.fixture
def auth(sessions):
    return AuthService(sessions, cost=CHEAP)


@pytest.fixture
def coordinator(auth):
    user, _recovery = auth.create_first_user("coord", fake.name(), PASSWORD)
    return user


@pytest.fixture
def db_key():
    return keyslots.new_database_key()


@pytest.fixture
def encrypted_auth(db, db_key):
    """The service as it runs on an encrypted file: slots beside ``db.path``."""
    return AuthService(db.sessions, database_path=db.path, database_key=db_key, cost=CHEAP)


def _stored_hash(sessions, login):
    with sessions.begin() as s:
        return AccountRepository(s).credentials(login)[1]


def _file_digest(path) -> str:
    wal = path.with_name(path.name + "-wal")
    data = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    return hashlib.sha256(data).hexdigest()


def test_the_first_user_is_a_coordinator_with_an_argon2id_hash(auth, sessions):
    user, recovery = auth.create_first_user("coord", fake.name(), PASSWORD)
    assert user.role is UserRole.COORDINATOR and user.active
    assert recovery is None  # plain database: no key slots
    stored = _stored_hash(sessions, "coord")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_there_is_only_one_first_user(auth, coordinator, sessions):
    with pytest.raises(Conflict, match="premier utilisateur existe déjà"):
        auth.create_first_user("autre", fake.name(), OTHER)
    assert [u.login for u in UserService(sessions).list_users()] == ["coord"]


def test_a_weak_first_password_is_refused_with_the_reason(auth, sessions):
    with pytest.raises(ValidationError) as caught:
        auth.create_first_user("coord", fake.name(), "motdepasse")
    assert caught.value.field == "password"
    assert "12 caractères" in str(caught.value)
    with pytest.raises(ValidationError, match="ne doit pas contenir l'identifiant"):
        auth.create_first_user("coordination", fake.name(), "Coordination-2026!")
    assert not UserService(sessions).has_users()


def test_the_right_password_signs_in_whatever_the_login_case(auth, coordinator):
    assert auth.authenticate("Coord", PASSWORD, T0) == coordinator


def test_wrong_password_and_unknown_login_get_the_same_message(auth, coordinator):
    with pytest.raises(ValidationError) as wrong:
        auth.authenticate("coord", PASSWORD + "!", T0)
    with pytest.raises(ValidationError) as unknown:
        auth.authenticate("personne", PASSWORD, T0)
    assert str(wrong.value) == str(unknown.value) == WRONG_CREDENTIALS


def test_a_wrong_password_leaves_the_database_file_unchanged(db, auth, coordinator):
    before = _file_digest(db.path)
    for _attempt in range(6):
        with pytest.raises(ValidationError):
            auth.authenticate("coord", "faux", T0)
    assert _file_digest(db.path) == before


def test_failures_impose_a_growing_delay_even_for_the_right_password(auth, coordinator):
    for attempt in range(5):
        with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
            auth.authenticate("coord", "faux", T0 + timedelta(seconds=attempt))
    last = T0 + timedelta(seconds=4)
    with pytest.raises(LoginDelayed) as delayed:
        auth.authenticate("coord", PASSWORD, last + timedelta(seconds=5))
    assert delayed.value.remaining == timedelta(seconds=25)
    with pytest.raises(ValidationError):
        auth.authenticate("coord", "faux", last + timedelta(seconds=30))
    with pytest.raises(LoginDelayed) as doubled:
        auth.authenticate("coord", PASSWORD, last + timedelta(seconds=31))
    assert doubled.value.remaining == timedelta(seconds=59)
    assert auth.authenticate("coord", PASSWORD, last + timedelta(seconds=90)) == coordinator
    # success clears the count: one more mistake brings no delay
    with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
        auth.authenticate("coord", "faux", last + timedelta(seconds=91))


def test_unknown_logins_are_delayed_the_same_way(auth, coordinator):
    for _attempt in range(5):
        with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
            auth.authenticate("personne", "faux", T0)
    with pytest.raises(LoginDelayed):
        auth.authenticate("personne", "faux", T0 + timedelta(seconds=1))


def test_a_deactivated_account_cannot_sign_in(auth, coordinator, sessions):
    adviser = AuthService(sessions, coordinator.id, cost=CHEAP).create_user(
        "conseil", fake.name(), PASSWORD
    )
    UserService(sessions).set_active(adviser.id, False)
    with pytest.raises(ValidationError, match="désactivé"):
        auth.authenticate("conseil", PASSWORD, T0)


def test_an_account_without_password_cannot_sign_in(auth, sessions):
    UserService(sessions).create_user("ancien", fake.name())
    with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
        auth.authenticate("ancien", "", T0)


def test_a_stronger_cost_rehashes_at_the_next_login(auth, coordinator, sessions):
    old = _stored_hash(sessions, "coord")
    stronger = dataclasses.replace(CHEAP, memory_cost=16, hash_len=16)
    upgraded = AuthService(sessions, cost=stronger)
    assert upgraded.authenticate("coord", PASSWORD, T0) == coordinator
    new = _stored_hash(sessions, "coord")
    assert new != old and "m=16," in new
    assert auth.authenticate("coord", PASSWORD, T0) == coordinator


def test_a_coordinator_creates_accounts_that_can_sign_in(sessions, coordinator):
    as_coordinator = AuthService(sessions, coordinator.id, cost=CHEAP)
    adviser = as_coordinator.create_user("conseil1", fake.name(), OTHER)
    assert adviser.role is UserRole.ADVISER
    assert as_coordinator.authenticate("conseil1", OTHER, T0) == adviser
    with pytest.raises(Conflict, match="déjà pris"):
        as_coordinator.create_user("CONSEIL1", fake.name(), OTHER)


def test_only_a_coordinator_manages_accounts(sessions, coordinator):
    adviser = AuthService(sessions, coordinator.id, cost=CHEAP).create_user(
        "conseil1", fake.name(), OTHER
    )
    for acting in (None, adviser.id):
        service = AuthService(sessions, acting, cost=CHEAP)
        with pytest.raises(NotAllowed, match="Seul un coordinateur"):
            service.create_user("conseil2", fake.name(), OTHER)
        with pytest.raises(NotAllowed):
            service.reset_password(coordinator.id, "Nouveau-Mot-2-Passe")
    assert [u.login for u in UserService(sessions).list_users() if u.login == "conseil2"] == []


def test_changing_password_needs_the_old_one(sessions, coordinator):
    mine = AuthService(sessions, coordinator.id, cost=CHEAP)
    with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
        mine.change_password("faux", OTHER, T0)
    with pytest.raises(ValidationError, match="différer"):
        mine.change_password(PASSWORD, PASSWORD, T0)
    mine.change_password(PASSWORD, OTHER, T0)
    assert mine.authenticate("coord", OTHER, T0) == coordinator
    with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
        mine.authenticate("coord", PASSWORD, T0)


def test_first_user_on_an_encrypted_database_gets_a_recovery_key(encrypted_auth, db, db_key):
    user, recovery = encrypted_auth.create_first_user("coord", fake.name(), PASSWORD)
    assert recovery and len(recovery.split("-")) == 8
    assert keyslots.unlock(db.path, "coord", PASSWORD) == db_key
    assert keyslots.unlock_with_recovery(db.path, recovery) == db_key


def test_key_slots_follow_account_changes(encrypted_auth, db, db_key):
    coordinator, _recovery = encrypted_auth.create_first_user("coord", fake.name(), PASSWORD)
    acting = AuthService(
        db.sessions, coordinator.id, database_path=db.path, database_key=db_key, cost=CHEAP
    )
    adviser = acting.create_user("conseil1", fake.name(), OTHER)
    assert keyslots.unlock(db.path, "conseil1", OTHER) == db_key
    acting.reset_password(adviser.id, "Reinit-Conseil-42")
    assert keyslots.unlock(db.path, "conseil1", "Reinit-Conseil-42") == db_key
    acting.change_password(PASSWORD, "Nouveau-Chef-2026", T0)
    assert keyslots.unlock(db.path, "coord", "Nouveau-Chef-2026") == db_key
    with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
        keyslots.unlock(db.path, "coord", PASSWORD)


def test_a_failed_first_user_leaves_no_key_file(encrypted_auth, db, sessions):
    UserService(sessions).create_user("deja", fake.name())
    with pytest.raises(Conflict):
        encrypted_auth.create_first_user("coord", fake.name(), PASSWORD)
    assert not keyslots.has_slots(db.path)
