"""Password rules (CNIL 2022-100, case 1), login delay and recovery-key writing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.passwords import (
    MAX_DELAY,
    LoginDelayed,
    check_password,
    format_delay,
    format_recovery_key,
    lock_delay,
    parse_recovery_key,
    remaining_delay,
)

T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.mark.parametrize(
    "password",
    [
        "Vx7#kLm2qP!z",  # 12 characters, four kinds
        "Vx7kLm2qPwz9Rt",  # 14 characters, upper + lower + digit
        "cheval pluie orange vélo table nuage crayon",  # seven different words
        "Été-Brûlé-7-Œuvre!",  # accented letters count as letters
    ],
)
def test_strong_passwords_are_accepted(password):
    assert check_password(password, "agent.dupont") == []


def test_a_short_password_is_refused_with_its_length_and_what_is_missing():
    reasons = check_password("court1!", "agent")
    assert len(reasons) == 1
    assert "7 caractères" in reasons[0]
    assert "une majuscule" in reasons[0]
    assert "12 caractères" in reasons[0]


def test_thirteen_characters_without_special_character_is_not_enough():
    reasons = check_password("Vx7kLm2qPwz9R", "agent")
    assert reasons and "trop simple" in reasons[0]


def test_long_password_of_lower_case_letters_only_is_refused():
    reasons = check_password("abcdefghijklmnopq", "agent")
    assert reasons and "une majuscule" in reasons[0] and "un chiffre" in reasons[0]


def test_a_passphrase_needs_seven_different_words():
    assert check_password("cheval pluie orange vélo table nuage", "agent")  # six words
    assert check_password("cheval pluie cheval pluie cheval pluie cheval", "agent")
    assert check_password("le la un de du à et ou", "agent")  # words too short


def test_the_password_may_not_contain_the_login_whatever_the_case_or_accents():
    reasons = check_password("Xq!9-Hélène.Martin-2026", "helene.martin")
    assert reasons == ["Le mot de passe ne doit pas contenir l'identifiant."]


def test_a_two_letter_login_is_not_searched_in_the_password():
    assert check_password("Vx7#kLm2qP!z", "Vx") == []


def test_common_password_stems_are_refused():
    reasons = check_password("Azerty123456!", "agent")
    assert any("azerty" in r for r in reasons)


def test_an_empty_password_is_refused():
    assert check_password("   ", "agent") == ["Le mot de passe est obligatoire."]


def test_lock_delay_is_free_for_four_failures_then_doubles_from_thirty_seconds():
    assert [lock_delay(n) for n in range(5)] == [timedelta(0)] * 5
    assert lock_delay(5) == timedelta(seconds=30)
    assert lock_delay(6) == timedelta(seconds=60)
    assert lock_delay(7) == timedelta(minutes=2)
    assert lock_delay(9) == timedelta(minutes=8)
    assert lock_delay(10) == MAX_DELAY == timedelta(minutes=15)
    assert lock_delay(1000) == MAX_DELAY


def test_remaining_delay_counts_down_from_the_last_failure():
    assert remaining_delay(5, T0, T0 + timedelta(seconds=10)) == timedelta(seconds=20)
    assert remaining_delay(5, T0, T0 + timedelta(seconds=30)) == timedelta(0)
    assert remaining_delay(4, T0, T0) == timedelta(0)


def test_failures_are_forgotten_after_a_quiet_day():
    assert remaining_delay(50, T0, T0 + timedelta(hours=24)) == timedelta(0)


def test_a_clock_set_back_does_not_lengthen_the_delay():
    assert remaining_delay(5, T0, T0 - timedelta(hours=3)) == timedelta(seconds=30)


def test_delay_message_is_in_french_minutes_and_seconds():
    assert format_delay(timedelta(seconds=30)) == "30 s"
    assert format_delay(timedelta(minutes=2)) == "2 min"
    assert format_delay(timedelta(seconds=150.2)) == "2 min 31 s"
    error = LoginDelayed(timedelta(seconds=90))
    assert str(error) == "Trop d'essais infructueux : réessayez dans 1 min 30 s."
    assert error.field == "password"


def test_recovery_key_is_shown_in_groups_of_four():
    raw = bytes(range(20))
    text = format_recovery_key(raw)
    groups = text.split("-")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    assert not set(text) & set("0189")  # no digits that read like letters


def test_recovery_key_typed_loosely_is_read_back():
    raw = bytes(range(100, 120))
    text = format_recovery_key(raw)
    assert parse_recovery_key(text) == raw
    assert parse_recovery_key(text.lower().replace("-", " ")) == raw
    assert parse_recovery_key(" " + text.replace("-", "") + "\n") == raw
    assert "O" in text and "I" in text
    assert parse_recovery_key(text.replace("O", "0").replace("I", "1")) == raw


def test_a_malformed_recovery_key_is_refused_in_french():
    with pytest.raises(ValidationError) as caught:
        parse_recovery_key("ABCD-EFGH")
    assert caught.value.field == "recovery_key"
    assert "clé de secours" in str(caught.value)
