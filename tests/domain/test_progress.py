"""Progress, forecast, penalty and what-if (product.md §3.3, domain.md §3.3.8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from asr_desktop.domain import rules
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.progress import RiskStatus


@pytest.mark.parametrize(
    ("required", "credited", "ratio", "shortfall", "excess"),
    [
        (1000, 250, D("0.25"), D("750"), D("0")),
        (833, 900, D("1.0804"), D("0"), D("67")),  # 900 ÷ 833 = 1,080432…
        (3, 1, D("0.3333"), D("2"), D("0")),
        (2, 1, D("0.5"), D("1"), D("0")),
        (0, 0, None, D("0"), D("0")),
        (0, 12, None, D("0"), D("12")),
    ],
)
def test_progress(required, credited, ratio, shortfall, excess):
    result = rules.progress(required, credited)
    assert result.ratio == ratio
    assert result.shortfall == shortfall
    assert result.excess == excess


def test_progress_percent():
    assert rules.progress(1000, 125).percent == D("12.5")
    assert rules.progress(0, 0).percent is None


@pytest.mark.parametrize(
    ("shortfall", "per_hour", "expected"),
    [
        (140, 30, D("4200.00")),
        ("12.345", 10, D("123.45")),
        ("0.005", 1, D("0.01")),  # HALF_UP to the cent
        (0, 30, D("0.00")),
        (140, None, D("0.00")),  # no penalty in the contract
    ],
)
def test_penalty(shortfall, per_hour, expected):
    assert rules.penalty(shortfall, per_hour) == expected


def test_penalty_rejects_negative_rate():
    with pytest.raises(ValidationError) as caught:
        rules.penalty(10, -1)
    assert caught.value.field == "penalty_per_hour"
    assert str(caught.value) == "La pénalité par heure manquante ne peut pas être négative."


@pytest.mark.parametrize(
    ("required", "forecast", "ended", "status"),
    [
        (1000, 1000, False, RiskStatus.ON_TRACK),
        (1000, 1200, True, RiskStatus.ON_TRACK),
        (1000, 999, False, RiskStatus.AT_RISK),
        (1000, 800, False, RiskStatus.AT_RISK),  # exactly 80 % is still "at risk"
        (1000, "799.99", False, RiskStatus.LATE),
        (1000, 999, True, RiskStatus.LATE),  # ended with a shortfall
        (0, 0, True, RiskStatus.ON_TRACK),
    ],
)
def test_risk_status(required, forecast, ended, status):
    assert rules.risk_status(required, forecast, ended=ended) is status


def test_risk_status_threshold_is_a_parameter():
    assert rules.risk_status(1000, 850, late_below="0.9") is RiskStatus.LATE


# History used below: Dec 500 h (outside the window), Jan 100, Feb 120, Mar 140 (two lines).
HISTORY = [
    (date(2025, 12, 1), 500),
    (date(2026, 1, 1), 100),
    (date(2026, 2, 1), 120),
    (date(2026, 3, 1), 90),
    (date(2026, 3, 15), 50),
    (date(2026, 4, 1), 999),  # current month: not a full month, not in the pace
]
TODAY = date(2026, 4, 15)


@pytest.mark.parametrize(
    ("pace_months", "start", "expected"),
    [
        (3, None, D("120")),  # (100 + 120 + 140) ÷ 3
        (1, None, D("140")),
        (4, None, D("215")),  # (500 + 100 + 120 + 140) ÷ 4
        (6, None, D("143.33")),  # 860 ÷ 6 (Oct and Nov count as 0)
        (3, date(2026, 3, 10), D("140")),  # young lot: only March is a full month of its life
        (3, date(2026, 4, 1), D("0")),  # no full month yet
    ],
)
def test_monthly_pace(pace_months, start, expected):
    assert rules.monthly_pace(HISTORY, TODAY, pace_months, start) == expected


@pytest.mark.parametrize(
    ("planned", "end", "remaining", "forecast", "status"),
    [
        # Apr, May, Jun to come at 120 h: 1 000 + 3 × 120 = 1 360 ; 90,67 % → at risk
        (0, date(2026, 6, 30), 3, D("1360"), RiskStatus.AT_RISK),
        # planned placements add 50 h a month: 1 000 + 3 × 170 = 1 510 → on track
        (50, date(2026, 6, 30), 3, D("1510"), RiskStatus.ON_TRACK),
        # ends this month: 1 000 + 120 = 1 120 ; 74,67 % → late
        (0, date(2026, 4, 30), 1, D("1120"), RiskStatus.LATE),
        # already ended: nothing more to come
        (0, date(2026, 4, 14), 0, D("1000"), RiskStatus.LATE),
    ],
)
def test_forecast_at_end(planned, end, remaining, forecast, status):
    result = rules.forecast_at_end(1500, 1000, HISTORY, TODAY, end, planned)
    assert result.pace == D("120")
    assert result.remaining_months == remaining
    assert result.forecast == forecast
    assert result.shortfall == max(D(0), D(1500) - forecast)
    assert result.status is status


def test_forecast_penalty():
    result = rules.forecast_at_end(1500, 1000, HISTORY, TODAY, date(2026, 6, 30))
    assert result.shortfall == D("140")
    assert result.penalty(30) == D("4200.00")
    assert result.ratio == D("0.9067")


@pytest.mark.parametrize(
    ("people", "weekly", "expected"),
    [(1, 35, D("151.67")), (2, 24, D("208")), (0, 35, D("0")), (3, "17.5", D("227.5"))],
)
def test_monthly_hours(people, weekly, expected):
    assert rules.monthly_hours(people, weekly) == expected


@pytest.mark.parametrize(
    ("from_month", "extra", "forecast", "status"),
    [
        # 2 people × 24 h × 52 ÷ 12 = 208 h a month. From March (past) → counted from April:
        # 3 months × 208 = 624 ; 1 360 + 624 = 1 984
        (date(2026, 3, 1), D("624"), D("1984"), RiskStatus.ON_TRACK),
        # from June only: 208 ; 1 360 + 208 = 1 568
        (date(2026, 6, 1), D("208"), D("1568"), RiskStatus.ON_TRACK),
        # after the end date: no effect
        (date(2026, 9, 1), D("0"), D("1360"), RiskStatus.AT_RISK),
    ],
)
def test_what_if(from_month, extra, forecast, status):
    result = rules.what_if(
        1500,
        1000,
        HISTORY,
        TODAY,
        date(2026, 6, 30),
        people=2,
        weekly_hours=24,
        from_month=from_month,
    )
    assert result.extra_hours == extra
    assert result.forecast == forecast
    assert result.status is status


def test_what_if_after_the_end_adds_nothing():
    result = rules.what_if(
        1500,
        1000,
        HISTORY,
        date(2026, 7, 1),
        date(2026, 6, 30),
        people=2,
        weekly_hours=24,
        from_month=date(2026, 3, 1),
    )
    assert result.extra_hours == 0
    assert result.forecast == D("1000")
    assert result.status is RiskStatus.LATE


def test_what_if_rejects_fractional_people():
    with pytest.raises(ValidationError) as caught:
        rules.what_if(
            1, 0, [], TODAY, date(2026, 6, 30), people="1.5", weekly_hours=24, from_month=TODAY
        )
    assert caught.value.field == "people"
