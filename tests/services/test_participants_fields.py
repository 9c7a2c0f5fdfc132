"""ParticipantService.check_field: the checks a form runs as each field is left, the same
ones saving runs; and the sex asked for in French when missing."""

from __future__ import annotations

from datetime import date

import pytest

from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import Participant
from asr_desktop.services.participants import ParticipantService


@pytest.fixture
def people(sessions):
    return ParticipantService(sessions)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("phone", "06 12", "dix chiffres"),
        ("email", "h.dupont@example", "n'est pas valide"),
        ("postcode", "9400", "cinq chiffres"),
        ("birth_date", date(2015, 1, 1), "entre 16 et 80 ans"),
    ],
)
def test_a_malformed_field_is_refused_with_its_name(people, field, value, words):
    with pytest.raises(ValidationError, match=words) as caught:
        people.check_field(field, value, date(2026, 11, 25))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "+33 6 39 98 12 34"),
        ("email", "h.dupont@example.org"),
        ("postcode", "94 000"),
        ("birth_date", date(1990, 5, 4)),
        ("phone", ""),
        ("birth_date", None),
    ],
)
def test_a_well_formed_or_empty_field_passes(people, field, value):
    people.check_field(field, value)


def test_the_age_is_checked_at_the_entry_date_given(people):
    people.check_field("birth_date", date(2009, 6, 1), date(2025, 6, 1))  # 16 that day
    with pytest.raises(ValidationError, match="15 ans"):
        people.check_field("birth_date", date(2009, 6, 2), date(2025, 6, 1))


def test_a_field_that_cannot_be_checked_alone_is_a_programming_error(people):
    with pytest.raises(ValueError, match="last_name"):
        people.check_field("last_name", "Dupont")


def test_a_missing_sex_is_asked_for_plainly(people):
    with pytest.raises(ValidationError) as caught:
        people.create(
            Participant(
                id=None,
                reference="",
                last_name="Dupont",
                first_name="Hélène",
                birth_date=date(1990, 5, 4),
                sex=None,
            )
        )
    assert (str(caught.value), caught.value.field) == ("Le sexe est obligatoire.", "sex")
