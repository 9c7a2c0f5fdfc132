"""The pure rules behind the rights services (``domain.privacy``): the stand-in birth date of
an anonymised record, the last contact, the retention and the audit cutoff dates."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.indicators import age_band
from asr_desktop.domain.parameters import SPECS_BY_KEY
from asr_desktop.domain.privacy import (
    audit_cutoff,
    last_contact,
    retention_due,
    stand_in_birth_date,
)


@pytest.mark.parametrize(
    ("birth", "entry", "band"),
    [
        (date(2000, 3, 5), date(2025, 6, 1), "<26"),
        (date(1999, 6, 2), date(2025, 6, 1), "<26"),  # 26 the next day
        (date(1999, 6, 1), date(2025, 6, 1), "26-49"),  # 26 on the day
        (date(1975, 6, 2), date(2025, 6, 1), "26-49"),  # 50 the next day
        (date(1975, 6, 1), date(2025, 6, 1), "50+"),
        (date(1960, 2, 29), date(2010, 3, 1), "50+"),  # 29 February, birthday on 1 March
        (date(1950, 1, 1), date(2024, 1, 1), "50+"),  # 74: beyond working ages
    ],
)
def test_the_stand_in_gives_the_same_age_band_at_entry(birth, entry, band):
    stand_in = stand_in_birth_date(birth, entry)
    assert age_band(birth, entry) == band == age_band(stand_in, entry)
    assert stand_in != birth


def test_the_stand_in_depends_only_on_the_band_and_the_entry():
    """Two people of the same band who entered the same day get the same stand-in, about
    38 years before the entry for « 26-49 »."""
    entry = date(2025, 6, 1)
    stand_in = stand_in_birth_date(date(1980, 1, 3), entry)
    assert stand_in == stand_in_birth_date(date(1995, 11, 30), entry)
    assert (entry - stand_in).days // 365 in (37, 38)
    assert (entry - stand_in_birth_date(date(2003, 1, 1), entry)).days // 365 in (20, 21)
    assert (entry - stand_in_birth_date(date(1970, 1, 1), entry)).days // 365 in (57, 58)


def test_the_stand_in_holds_on_random_people():
    rng = random.Random(6)
    for _ in range(5000):
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
        entry = birth + timedelta(days=rng.randrange(16 * 365, 80 * 365))
        assert age_band(stand_in_birth_date(birth, entry), entry) == age_band(birth, entry)


def test_without_an_entry_date_only_the_year_is_kept():
    assert stand_in_birth_date(date(1987, 9, 21), None) == date(1987, 7, 1)


def test_the_last_contact_is_the_latest_known_date():
    assert last_contact([None, date(2024, 1, 2), date(2023, 5, 6)]) == date(2024, 1, 2)
    assert last_contact([None, None]) is None


def test_the_retention_date_is_due_on_the_day():
    assert retention_due(date(2024, 11, 25), date(2026, 11, 25))
    assert not retention_due(date(2024, 11, 26), date(2026, 11, 25))
    assert not retention_due(date(2024, 11, 25), date(2026, 11, 25), years=3)


def test_the_audit_cutoff_is_the_retention_in_months_before_now():
    now = datetime(2026, 3, 31, 14, 5, 9, 500)
    assert audit_cutoff(now) == datetime(2025, 3, 31, 14, 5, 9)
    assert audit_cutoff(now, 1) == datetime(2026, 2, 28, 14, 5, 9)
    with pytest.raises(ValidationError):
        audit_cutoff(now, 0)


def test_the_audit_retention_is_a_documented_dated_parameter():
    spec = SPECS_BY_KEY["audit.retention_months"]
    assert (spec.default, spec.unit) == (12, "mois")
    assert "2021-122" in spec.source
