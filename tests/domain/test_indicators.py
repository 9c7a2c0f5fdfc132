"""Age bands, FTE, small-cell suppression, retention dates and month arithmetic."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from asr_desktop.domain import rules
from asr_desktop.domain.errors import ValidationError

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("birth", "on", "band"),
    [
        (date(2000, 6, 15), date(2026, 6, 14), "<26"),  # the day before the 26th birthday
        (date(2000, 6, 15), date(2026, 6, 15), "26-49"),  # on the birthday
        (date(1976, 6, 15), date(2026, 6, 14), "26-49"),
        (date(1976, 6, 15), date(2026, 6, 15), "50+"),
        (date(2010, 1, 1), date(2026, 1, 1), "<26"),
        (date(1950, 1, 1), date(2026, 1, 1), "50+"),
        # born on 29 February: one year older on 1 March in a common year
        (date(2000, 2, 29), date(2026, 2, 28), "<26"),
        (date(2000, 2, 29), date(2026, 3, 1), "26-49"),
        (date(1976, 2, 29), date(2026, 2, 28), "26-49"),
        (date(1976, 2, 29), date(2026, 3, 1), "50+"),
        (date(1976, 2, 29), date(2024, 2, 29), "26-49"),  # 48 on a leap day
    ],
)
def test_age_band(birth, on, band):
    assert rules.age_band(birth, on) == band


def test_age_band_labels_cover_every_band():
    assert list(rules.AGE_BAND_LABELS) == list(rules.AGE_BANDS) == ["<26", "26-49", "50+"]


def test_birth_after_the_date_is_refused():
    with pytest.raises(ValidationError) as caught:
        rules.age_band(date(2027, 1, 1), date(2026, 1, 1))
    assert caught.value.field == "birth_date"


@pytest.mark.parametrize(
    ("hours", "annual", "expected"),
    [
        (1607, 1607, D("1")),
        (538_768, 1607, D("335.26")),  # Grand Nancy: 538 768 h ≈ 335 FTE (domain.md §3.1)
        (800, 1607, D("0.50")),  # 0,4978… → 0,50
        (0, 1607, D("0")),
        (1600, 1600, D("1")),
    ],
)
def test_fte(hours, annual, expected):
    assert rules.fte(hours, annual) == expected


def test_fte_default_is_1607_hours():
    assert rules.fte(3214) == D("2")


def test_fte_refuses_zero_annual_hours():
    with pytest.raises(ValidationError) as caught:
        rules.fte(10, 0)
    assert caught.value.field == "annual_hours"


@pytest.mark.parametrize(
    ("count", "threshold", "zero_is_safe", "expected"),
    [
        (0, 5, True, 0),
        (0, 5, False, f"<{NBSP}5"),
        (1, 5, True, f"<{NBSP}5"),
        (4, 5, True, f"<{NBSP}5"),
        (5, 5, True, 5),
        (120, 5, True, 120),
        (9, 10, True, f"<{NBSP}10"),  # the text carries the actual threshold
        (10, 10, True, 10),
        (1, 1, True, 1),  # threshold 1 suppresses nothing
        (0, 1, False, 0),
        (D("3"), D("5"), True, f"<{NBSP}5"),  # parameter values are Decimal
    ],
)
def test_suppress_small(count, threshold, zero_is_safe, expected):
    assert rules.suppress_small(count, threshold, zero_is_safe) == expected


@pytest.mark.parametrize(("count", "field"), [(-1, "count"), ("2.5", "count")])
def test_suppress_small_rejects(count, field):
    with pytest.raises(ValidationError) as caught:
        rules.suppress_small(count, 5)
    assert caught.value.field == field


def test_suppress_table():
    row = {"F": 3, "M": 12, "NR": 0}
    assert rules.suppress_table(row, 5) == {"F": f"<{NBSP}5", "M": 12, "NR": 0}


def test_suppress_table_protects_a_published_total():
    row = {"<26": 3, "26-49": 40, "50+": 7, "inconnu": 0}
    assert rules.suppress_table(row, 5, protect_total=True) == {
        "<26": f"<{NBSP}5",
        "26-49": 40,
        "50+": f"<{NBSP}5",
        "inconnu": 0,
    }


def test_suppress_table_two_hidden_cells_need_nothing_more():
    row = {"a": 3, "b": 2, "c": 9}
    assert rules.suppress_table(row, 5, protect_total=True) == {
        "a": f"<{NBSP}5",
        "b": f"<{NBSP}5",
        "c": 9,
    }


@pytest.mark.parametrize(
    ("last_contact", "years", "expected"),
    [
        (date(2026, 3, 15), 2, date(2028, 3, 15)),
        (date(2024, 2, 29), 2, date(2026, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2026, 3, 15), D("3"), date(2029, 3, 15)),
        (datetime(2026, 3, 15, 10, 30), 2, date(2028, 3, 15)),
    ],
)
def test_retention_date(last_contact, years, expected):
    assert rules.retention_date(last_contact, years) == expected


def test_retention_default_is_two_years():
    assert rules.retention_date(date(2026, 1, 31)) == date(2028, 1, 31)


def test_retention_rejects_fractional_years():
    with pytest.raises(ValidationError) as caught:
        rules.retention_date(date(2026, 1, 31), D("1.5"))
    assert caught.value.field == "years"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert rules.add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 1), 1),
        (date(2026, 1, 1), date(2026, 1, 31), 0),
        (date(2024, 3, 10), date(2026, 3, 1), 24),
        (date(2026, 5, 1), date(2026, 3, 1), -2),
    ],
)
def test_months_between(start, end, expected):
    assert rules.months_between(start, end) == expected


def test_month_range_and_bounds():
    assert rules.month_range(date(2025, 11, 20), date(2026, 2, 3)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert rules.month_range(date(2026, 3, 1), date(2026, 2, 1)) == []
    assert rules.first_of_month(date(2026, 2, 17)) == date(2026, 2, 1)
    assert rules.last_of_month(date(2028, 2, 3)) == date(2028, 2, 29)
