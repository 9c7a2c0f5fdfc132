"""Key slots beside the database: password and recovery unlock, no secret in clear, tampering,
growing delay kept in the file."""

from __future__ import annotations

import base64
import json
import os
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import profiles

from asr_desktop.domain.errors import Conflict, DatabaseRefused, NotFound, ValidationError
from asr_desktop.domain.passwords import WRONG_CREDENTIALS, LoginDelayed, parse_recovery_key
from asr_desktop.persistence import keyslots

CHEAP = profiles.CHEAPEST
ALICE_PW = "Vx7#kLm2qP!z"
BOB_PW = "Hq4$wErT9u!Lp"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def base(tmp_path):
    return tmp_path / "asr.db"


@pytest.fixture
def db_key():
    return keyslots.new_database_key()


@pytest.fixture
def recovery(base, db_key):
    return keyslots.create_slots(base, db_key, "alice", ALICE_PW, cost=CHEAP)


def _slots(base) -> dict:
    return json.loads(keyslots.slots_path(base).read_text(encoding="utf-8"))


def _write(base, data: dict) -> None:
    keyslots.slots_path(base).write_text(json.dumps(data), encoding="utf-8")


def test_the_password_unlocks_the_database_key(base, db_key, recovery):
    assert keyslots.slots_path(base).name == "asr.db.cles"
    assert keyslots.unlock(base, "alice", ALICE_PW) == db_key
    assert keyslots.unlock(base, "  Alice ", ALICE_PW) == db_key  # login without case


def test_wrong_password_and_unknown_login_get_the_same_message(base, recovery):
    with pytest.raises(ValidationError) as wrong:
        keyslots.unlock(base, "alice", ALICE_PW + "x")
    with pytest.raises(ValidationError) as unknown:
        keyslots.unlock(base, "mallory", ALICE_PW)
    assert str(wrong.value) == str(unknown.value) == WRONG_CREDENTIALS


def test_the_recovery_key_unlocks_even_typed_loosely(base, db_key, recovery):
    assert len(recovery.split("-")) == 8
    assert keyslots.unlock_with_recovery(base, recovery) == db_key
    assert keyslots.unlock_with_recovery(base, recovery.lower().replace("-", " ")) == db_key


def test_a_wrong_recovery_key_is_refused(base, recovery):
    other = keyslots.create_slots(base.with_name("autre.db"), bytes(32), "x", ALICE_PW, cost=CHEAP)
    with pytest.raises(ValidationError, match="Clé de secours incorrecte"):
        keyslots.unlock_with_recovery(base, other)


def test_the_key_file_holds_no_secret_in_clear(base, db_key, recovery):
    text = keyslots.slots_path(base).read_text(encoding="utf-8")
    raw_recovery = parse_recovery_key(recovery)
    for secret in (
        db_key.hex(),
        db_key.hex().upper(),
        base64.b64encode(db_key).decode(),
        base64.b32encode(db_key).decode().rstrip("="),
        ALICE_PW,
        recovery,
        recovery.replace("-", ""),
        raw_recovery.hex(),
        base64.b64encode(raw_recovery).decode(),
    ):
        assert secret not in text
    assert "alice" not in text.lower()  # logins are pseudonymised
    assert os.name != "posix" or keyslots.slots_path(base).stat().st_mode & 0o077 == 0


def _slot_names(base) -> set[str]:
    return set(_slots(base)["slots"])


def test_a_slot_filed_under_another_login_does_not_open(base, db_key, recovery):
    alice_slot = _slot_names(base)
    keyslots.add_slot(base, db_key, "bob", BOB_PW, cost=CHEAP)
    (bob_slot,) = _slot_names(base) - alice_slot
    data = _slots(base)
    data["slots"][bob_slot] = data["slots"][alice_slot.pop()]  # alice's slot as bob's
    _write(base, data)
    with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
        keyslots.unlock(base, "bob", ALICE_PW)


def test_a_changed_wrapped_key_is_refused(base, recovery):
    data = _slots(base)
    slot = next(iter(data["slots"].values()))
    wrapped = bytearray(base64.b64decode(slot["wrapped_key"]))
    wrapped[0] ^= 1
    slot["wrapped_key"] = base64.b64encode(bytes(wrapped)).decode()
    _write(base, data)
    with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
        keyslots.unlock(base, "alice", ALICE_PW)


def test_a_slot_copied_from_another_key_file_does_not_open(base, db_key, recovery):
    other = base.with_name("autre.db")  # same database key, another key file
    keyslots.create_slots(other, db_key, "bob", BOB_PW, cost=CHEAP)
    alice_slot = _slot_names(base)
    keyslots.add_slot(base, db_key, "bob", "Autre-mot-de-passe-9", cost=CHEAP)
    (bob_slot,) = _slot_names(base) - alice_slot
    data = _slots(base)
    data["slots"][bob_slot] = next(iter(_slots(other)["slots"].values()))
    _write(base, data)
    with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
        keyslots.unlock(base, "bob", BOB_PW)


def test_add_slot_needs_the_right_database_key(base, db_key, recovery):
    with pytest.raises(Conflict):
        keyslots.add_slot(base, keyslots.new_database_key(), "bob", BOB_PW, cost=CHEAP)
    with pytest.raises(Conflict):
        keyslots.add_slot(base, db_key, "ALICE", BOB_PW, cost=CHEAP)
    keyslots.add_slot(base, db_key, "bob", BOB_PW, cost=CHEAP)
    assert keyslots.unlock(base, "bob", BOB_PW) == db_key


def test_replacing_a_slot_resets_the_password(base, db_key, recovery):
    keyslots.add_slot(base, db_key, "alice", BOB_PW, cost=CHEAP, replace=True)
    assert keyslots.unlock(base, "alice", BOB_PW) == db_key
    with pytest.raises(ValidationError):
        keyslots.unlock(base, "alice", ALICE_PW)


def test_removed_access_no_longer_opens_and_the_last_one_stays(base, db_key, recovery):
    keyslots.add_slot(base, db_key, "bob", BOB_PW, cost=CHEAP)
    keyslots.remove_slot(base, "bob")
    with pytest.raises(ValidationError):
        keyslots.unlock(base, "bob", BOB_PW)
    with pytest.raises(NotFound):
        keyslots.remove_slot(base, "bob")
    with pytest.raises(Conflict, match="dernier accès"):
        keyslots.remove_slot(base, "alice")
    assert keyslots.unlock(base, "alice", ALICE_PW) == db_key


def test_change_password_needs_the_old_one(base, db_key, recovery):
    before = keyslots.slots_path(base).read_bytes()
    with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
        keyslots.change_password(base, "alice", "pas-le-bon", BOB_PW, cost=CHEAP)
    assert _slots(base)["slots"] == json.loads(before)["slots"]
    keyslots.change_password(base, "alice", ALICE_PW, BOB_PW, cost=CHEAP)
    assert keyslots.unlock(base, "alice", BOB_PW) == db_key
    with pytest.raises(ValidationError):
        keyslots.unlock(base, "alice", ALICE_PW)


def test_a_renewed_recovery_key_replaces_the_old_one(base, db_key, recovery):
    renewed = keyslots.renew_recovery_key(base, db_key, cost=CHEAP)
    assert renewed != recovery
    assert keyslots.unlock_with_recovery(base, renewed) == db_key
    with pytest.raises(ValidationError):
        keyslots.unlock_with_recovery(base, recovery)


def test_a_second_key_file_is_not_created_over_the_first(base, db_key, recovery):
    with pytest.raises(Conflict):
        keyslots.create_slots(base, db_key, "bob", BOB_PW, cost=CHEAP)
    assert keyslots.unlock(base, "alice", ALICE_PW) == db_key


def test_failures_grow_a_delay_kept_in_the_file(base, db_key, recovery):
    for attempt in range(5):
        with pytest.raises(ValidationError, match=WRONG_CREDENTIALS):
            keyslots.unlock(base, "alice", "faux", now=T0 + timedelta(seconds=attempt))
    last = T0 + timedelta(seconds=4)
    # the right password must wait too: 30 s after the fifth failure
    with pytest.raises(LoginDelayed) as delayed:
        keyslots.unlock(base, "alice", ALICE_PW, now=last + timedelta(seconds=10))
    assert delayed.value.remaining == timedelta(seconds=20)
    assert "réessayez dans 20 s" in str(delayed.value)
    # a sixth failure after the wait doubles it
    with pytest.raises(ValidationError):
        keyslots.unlock(base, "alice", "faux", now=last + timedelta(seconds=31))
    with pytest.raises(LoginDelayed) as doubled:
        keyslots.unlock(base, "alice", ALICE_PW, now=last + timedelta(seconds=32))
    assert doubled.value.remaining == timedelta(seconds=59)
    opened = keyslots.unlock(base, "alice", ALICE_PW, now=last + timedelta(seconds=92))
    assert opened == db_key
    assert _slots(base)["failures"] == {}


def test_unknown_logins_share_one_delay_that_spares_known_ones(base, db_key, recovery):
    for attempt in range(5):
        with pytest.raises(ValidationError):
            keyslots.unlock(base, f"inconnu{attempt}", "faux", now=T0)
    with pytest.raises(LoginDelayed):
        keyslots.unlock(base, "encore-un-autre", "faux", now=T0 + timedelta(seconds=1))
    assert "inconnu" not in keyslots.slots_path(base).read_text(encoding="utf-8")
    assert keyslots.unlock(base, "alice", ALICE_PW, now=T0 + timedelta(seconds=1)) == db_key


def test_writes_leave_no_temporary_file(base, db_key, recovery):
    keyslots.add_slot(base, db_key, "bob", BOB_PW, cost=CHEAP)
    with pytest.raises(ValidationError):
        keyslots.unlock(base, "bob", "faux")
    assert sorted(p.name for p in base.parent.iterdir()) == ["asr.db.cles"]


def test_an_unreadable_or_newer_key_file_is_refused(base, recovery):
    data = _slots(base)
    data["version"] = 2
    _write(base, data)
    with pytest.raises(DatabaseRefused, match="format 2"):
        keyslots.unlock(base, "alice", ALICE_PW)
    keyslots.slots_path(base).write_text("{pas du json", encoding="utf-8")
    with pytest.raises(DatabaseRefused, match="illisible"):
        keyslots.unlock(base, "alice", ALICE_PW)
    keyslots.slots_path(base).unlink()
    with pytest.raises(DatabaseRefused, match="introuvable"):
        keyslots.unlock(base, "alice", ALICE_PW)


def test_an_accent_typed_as_two_characters_is_the_same_password(base, db_key):
    composed = "Été-Brûlé-7-Œuvre!"
    keyslots.create_slots(base, db_key, "alice", composed, cost=CHEAP)
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert keyslots.unlock(base, "alice", decomposed) == db_key
