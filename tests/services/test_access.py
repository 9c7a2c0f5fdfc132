"""Getting into a database: first start on an encrypted file, sign-in, recovery key, demo base;
nothing personal readable in the files, nothing written by a wrong password."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date

import pytest
from argon2 import profiles
from faker import Faker

from asr_desktop.domain.enums import Sex
from asr_desktop.domain.errors import Conflict, ValidationError
from asr_desktop.domain.model import Participant
from asr_desktop.domain.passwords import WRONG_CREDENTIALS
from asr_desktop.persistence import keyslots
from asr_desktop.services import access
from asr_desktop.services.startup import DatabaseDamaged, FileState, examine

CHEAP = profiles.CHEAPEST
PASSWORD = "Vx7#kLm2qP!z"
NEW_PASSWORD = "Hq4$wErT9u!Lp"
fake = Faker("fr_FR")


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _side(path, suffix):
    return path.with_name(path.name + suffix)


@pytest.fixture
def created(tmp_path):
    path = tmp_path / "asr.db"
    opened, recovery = access.create_database(path, "coord", fake.name(), PASSWORD, cost=CHEAP)
    yield path, opened, recovery
    opened.close()


@pytest.fixture
def closed(created):
    path, opened, recovery = created
    opened.close()
    return path, recovery


def test_first_start_makes_an_encrypted_base_with_a_signed_in_coordinator(created):
    path, opened, recovery = created
    assert opened.encrypted and opened.user.role.value == "coordinateur"
    assert opened.services.user_id == opened.user.id
    assert len(recovery.replace("-", "")) == 32
    assert examine(path).state is FileState.ENCRYPTED
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_a_refused_first_account_creates_no_file(tmp_path):
    path = tmp_path / "asr.db"
    with pytest.raises(ValidationError) as refused:
        access.create_database(path, "coord", "Camille", "motdepasse", cost=CHEAP)
    assert refused.value.field == "password"
    with pytest.raises(ValidationError) as refused:
        access.create_database(path, "c", "Camille", PASSWORD, cost=CHEAP)
    assert refused.value.field == "login"
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_taken_for_a_new_base(closed):
    path, _recovery = closed
    with pytest.raises(Conflict):
        access.create_database(path, "autre", "Autre", PASSWORD, cost=CHEAP)


def test_canaries_in_personal_fields_never_appear_in_the_files(created):
    path, opened, _recovery = created
    mark = fake.lexify("????????", letters="bcdfghjklmnpqrstvwxz")
    canaries = {
        "last_name": f"Canarinom{mark}",
        "first_name": f"Canariprenom{mark}",
        "address": f"12 rue du Canari-{mark}",
        "email": f"canari{mark}@exemple.fr",
        "commune": f"Canariville{mark}",
    }
    stored = opened.services.participants.create(
        Participant(
            id=None,
            reference="",
            birth_date=date(1990, 5, 4),
            sex=Sex.FEMALE,
            postcode="94000",
            **canaries,
        )
    )
    wal = _side(path, "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # still in the journal
    files = [path, wal, keyslots.slots_path(path)]
    needles = [*canaries.values(), mark, mark.lower(), mark.upper()]  # search keys too
    for value in needles:
        needle = value.encode("utf-8")
        assert all(needle not in f.read_bytes() for f in files), value
    assert opened.services.participants.get(stored.id).email == canaries["email"]
    assert [p.id for p in opened.services.participants.search(canaries["last_name"])] == [stored.id]
    opened.close()  # the journal is folded into the file: still nothing readable
    assert all(v.encode() not in path.read_bytes() for v in needles)


def test_a_wrong_password_leaves_the_database_bytes_unchanged(closed):
    path, _recovery = closed
    before = _digest(path)
    for login in ("coord", "inconnu"):
        with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
            access.unlock(path, login, "Mauvais-Mot-De-Passe-1")
    assert _digest(path) == before
    assert not _side(path, "-wal").exists()


def test_sign_in_opens_the_base_for_that_user(closed):
    path, _recovery = closed
    key = access.unlock(path, "COORD", PASSWORD)
    opened = access.open_encrypted(path, key, "COORD", cost=CHEAP)
    try:
        assert opened.user.login == "coord"
        assert opened.auth.authenticate("coord", PASSWORD).id == opened.user.id
    finally:
        opened.close()


def test_a_deactivated_account_does_not_get_in_even_with_its_key_slot(created):
    path, opened, _recovery = created
    opened.auth.create_user("agent", "Agent", NEW_PASSWORD)
    agent = opened.services.users.find_by_login("agent")
    opened.services.users.set_active(agent.id, False)
    opened.close()
    key = access.unlock(path, "agent", NEW_PASSWORD)
    with pytest.raises(ValidationError, match="désactivé"):
        access.open_encrypted(path, key, "agent", cost=CHEAP)


def test_the_gate_refuses_a_damaged_encrypted_file_after_sign_in(closed):
    path, _recovery = closed
    data = bytearray(path.read_bytes())
    data[4096 * 2 + 50] ^= 0xFF
    path.write_bytes(bytes(data))
    key = access.unlock(path, "coord", PASSWORD)
    with pytest.raises(DatabaseDamaged, match="contrôle d'intégrité") as refused:
        access.open_encrypted(path, key, "coord", cost=CHEAP)
    assert refused.value.kind == "endommagée"
    assert path.read_bytes() == bytes(data)


def test_the_recovery_key_gives_a_new_password(closed):
    path, recovery = closed
    opened = access.recover(path, recovery.lower().replace("-", ""), "coord", NEW_PASSWORD)
    try:
        assert opened.user.login == "coord"
        assert opened.auth.authenticate("coord", NEW_PASSWORD).id == opened.user.id
    finally:
        opened.close()
    assert len(access.unlock(path, "coord", NEW_PASSWORD)) == 32
    with pytest.raises(ValidationError):
        access.unlock(path, "coord", PASSWORD)


def test_a_weak_new_password_is_refused_before_the_recovery_key_is_tried(closed):
    path, recovery = closed
    before = keyslots.slots_path(path).read_bytes()
    with pytest.raises(ValidationError) as refused:
        access.recover(path, recovery, "coord", "court")
    assert refused.value.field == "password"
    assert keyslots.slots_path(path).read_bytes() == before


def test_credentials_come_from_both_variables_or_not_at_all():
    given = access.environment_credentials({"ASR_USER": " coord ", "ASR_PASSPHRASE": "x y"})
    assert given == access.Credentials("coord", "x y")
    assert "x y" not in repr(given)
    assert access.environment_credentials({"ASR_USER": "coord"}) is None
    assert access.environment_credentials({"ASR_PASSPHRASE": "x"}) is None


# --- plain bases ----------------------------------------------------------------------------


def test_a_plain_base_without_passwords_opens_without_sign_in(db):
    db.close()
    opened = access.open_plain(db.path)
    try:
        assert not opened.needs_sign_in and opened.user is None and not opened.encrypted
    finally:
        opened.close()


def test_a_plain_base_with_accounts_asks_who_signs_in(db, sessions):
    from asr_desktop.services.auth import AuthService

    AuthService(sessions, cost=CHEAP).create_first_user("coord", "Camille", PASSWORD)
    opened = access.open_plain(db.path, cost=CHEAP)
    try:
        assert opened.needs_sign_in
        with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
            access.sign_in(opened, "coord", NEW_PASSWORD)
        signed = access.sign_in(opened, "coord", PASSWORD)
        assert signed.user.login == "coord" and signed.services.user_id == signed.user.id
    finally:
        opened.close()


# --- demonstration base ---------------------------------------------------------------------


def test_the_demo_base_is_encrypted_with_the_documented_account(tmp_path):
    path = tmp_path / "demo.db"
    made = access.create_demo(path, "small", today=date(2026, 11, 25), cost=CHEAP)
    assert made.encrypted and made.login == access.DEMO_LOGIN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db", "demo.db.cles"]
    key = access.unlock(path, access.DEMO_LOGIN, access.DEMO_PASSWORD)
    opened = access.open_encrypted(path, key, access.DEMO_LOGIN, cost=CHEAP)
    try:
        assert opened.user.role.value == "coordinateur"
        counts = opened.services.maintenance.row_counts()
        assert counts == made.summary.counts
        assert counts["participant"] > 0
    finally:
        opened.close()


def test_the_demo_base_unencrypted_on_request(tmp_path):
    path = tmp_path / "demo.db"
    made = access.create_demo(path, "small", encrypted=False, cost=CHEAP)
    assert not made.encrypted and made.recovery_key is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]
    opened = access.open_plain(path, cost=CHEAP)
    try:
        assert opened.needs_sign_in
        assert access.sign_in(opened, "demo", access.DEMO_PASSWORD).user.login == "demo"
    finally:
        opened.close()


def test_the_demo_password_follows_the_password_rules():
    from asr_desktop.domain.passwords import check_password

    assert check_password(access.DEMO_PASSWORD, access.DEMO_LOGIN) == []
