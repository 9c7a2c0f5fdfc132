"""Dated parameters: the value in force at a date, and the documented defaults."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from asr_desktop.domain.model import Parameter
from asr_desktop.domain.parameters import SPECS, SPECS_BY_KEY, default_parameters, value_at

SMIC = [
    Parameter("smic.hourly", D("11.65"), date(2024, 1, 1)),
    Parameter("smic.hourly", D("11.88"), date(2024, 11, 1)),
    Parameter("smic.hourly", D("12.02"), date(2026, 1, 1)),
    Parameter("hourly_cost", D("28"), date(2025, 1, 1)),  # another key: never picked for SMIC
]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2024, 1, 1), D("11.65")),  # valid_from is inclusive
        (date(2024, 10, 31), D("11.65")),
        (date(2024, 11, 1), D("11.88")),
        (date(2025, 12, 31), D("11.88")),
        (date(2026, 1, 1), D("12.02")),
        (date(2030, 6, 1), D("12.02")),
        # before every row: the documented default of the spec
        (date(2023, 12, 31), D("11.88")),
    ],
)
def test_value_at_picks_the_latest_row_not_after_the_date(on, expected):
    assert value_at(SMIC, "smic.hourly", on) == expected


def test_value_at_ignores_row_order():
    assert value_at(list(reversed(SMIC)), "smic.hourly", date(2025, 6, 1)) == D("11.88")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("hourly_cost", D("30")),
        ("cleaning.min_hours", D("150")),
        ("cleaning.turnover_per_hour", D("25")),
        ("export.small_cell_threshold", D("5")),
        ("retention.years_after_last_contact", D("2")),
        ("fte.annual_hours", D("1607")),
        ("eligibility.max_months_after_first_hire", D("24")),
    ],
)
def test_value_at_falls_back_to_the_default(key, expected):
    assert value_at([], key, date(2026, 1, 1)) == expected


def test_value_at_uses_stored_row_over_default():
    assert value_at(SMIC, "hourly_cost", date(2025, 1, 1)) == D("28")
    assert value_at(SMIC, "hourly_cost", date(2024, 12, 31)) == D("30")


def test_value_at_unknown_key():
    with pytest.raises(KeyError):
        value_at([], "nope", date(2026, 1, 1))


def test_default_parameters_mirror_the_specs():
    rows = default_parameters()
    assert len(rows) == len(SPECS) == len(SPECS_BY_KEY)
    assert all(value_at(rows, r.key, date(2026, 1, 1)) == SPECS_BY_KEY[r.key].default for r in rows)
