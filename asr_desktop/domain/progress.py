"""Progress, forecast, penalty and what-if of a clause (product.md §3.3, domain.md §3.3.8).

Works the same for a lot, a market, an operation, a company or a contracting authority: the
caller sums the required and credited hours of the scope. Hours are kept to the hundredth
(HALF_UP); ratios to four decimals (so 12,34 % can be shown); penalties to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from asr_desktop.domain._checks import (
    CENT,
    non_negative,
    round_hundredth,
    share,
    whole_number,
)
from asr_desktop.domain.dates import add_months, first_of_month, months_between
from asr_desktop.domain.enums import LabelledEnum

_RATIO_QUANTUM = Decimal("0.0001")
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)


class RiskStatus(LabelledEnum):
    """How a clause is doing against its requirement."""

    ON_TRACK = ("on_track", "Dans les temps")
    AT_RISK = ("at_risk", "Risque de déficit")
    LATE = ("late", "En retard")


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(_RATIO_QUANTUM, ROUND_HALF_UP) if whole > 0 else None


@dataclass(frozen=True, slots=True)
class Progress:
    """Required vs credited hours. ``ratio`` is credited ÷ required (0.5 = 50 %, may exceed 1),
    ``None`` when nothing is required; ``shortfall`` is never negative."""

    required: Decimal
    credited: Decimal
    ratio: Decimal | None
    shortfall: Decimal

    @property
    def percent(self) -> Decimal | None:
        """The ratio as a percentage (50.00 for 0.5)."""
        return None if self.ratio is None else self.ratio * 100

    @property
    def excess(self) -> Decimal:
        """Hours credited beyond the requirement."""
        return max(Decimal(0), self.credited - self.required)


def progress(required: object, credited: object) -> Progress:
    """Required, credited to date, ratio and shortfall (product.md §3.3)."""
    req = non_negative(required, "required_hours")
    done = round_hundredth(non_negative(credited, "credited"))
    return Progress(req, done, _ratio(done, req), max(Decimal(0), req - done))


def penalty(shortfall_hours: object, penalty_per_hour: object) -> Decimal:
    """Penalty the shortfall would cost, to the cent (domain.md §3.3.8). The rate is the lot's
    (local / per contract); ``None`` (no penalty in the contract) gives 0."""
    hours = non_negative(shortfall_hours, "shortfall_hours")
    if penalty_per_hour is None:
        return Decimal("0.00")
    rate = non_negative(penalty_per_hour, "penalty_per_hour")
    return (hours * rate).quantize(CENT, ROUND_HALF_UP)


def risk_status(
    required: object, forecast: object, *, ended: bool = False, late_below: object = Decimal("0.8")
) -> RiskStatus:
    """On track when the forecast reaches the requirement; late when the end date has passed
    with a shortfall, or when the forecast covers less than ``late_below`` (80 % by default) of
    the requirement; at risk in between."""
    req = non_negative(required, "required_hours")
    expected = non_negative(forecast, "credited")
    if req == 0 or expected >= req:
        return RiskStatus.ON_TRACK
    if ended or expected < req * share(late_below, "late_below"):
        return RiskStatus.LATE
    return RiskStatus.AT_RISK


@dataclass(frozen=True, slots=True)
class Forecast:
    """Hours expected at the end date, and what they mean for the clause."""

    required: Decimal
    credited: Decimal
    pace: Decimal  # average credited per month over the recent full months
    planned_monthly: Decimal  # hours per month of planned placements
    remaining_months: int  # months still to come, the current one included
    extra_hours: Decimal  # hours added by a what-if scenario
    forecast: Decimal
    shortfall: Decimal  # expected at the end date
    ratio: Decimal | None  # forecast ÷ required
    status: RiskStatus

    def penalty(self, penalty_per_hour: object) -> Decimal:
        """The penalty the expected shortfall would cost."""
        return penalty(self.shortfall, penalty_per_hour)


def monthly_pace(
    monthly_credited_history: Iterable[tuple[date, object]],
    today: date,
    pace_months: object = 3,
    start_date: date | None = None,
) -> Decimal:
    """Average hours credited per month over the last ``pace_months`` *full* months before the
    month of ``today`` (parameter ``forecast.pace_months``). Months without any line count as
    0; months before ``start_date`` (the clause's start) are left out of the average so a young
    lot is not diluted. Several entries for one month are summed."""
    count = whole_number(pace_months, "pace_months", minimum=1)
    current = first_of_month(today)
    window = [add_months(current, -i) for i in range(1, count + 1)]
    if start_date is not None:
        window = [m for m in window if m >= first_of_month(start_date)]
    if not window:
        return Decimal("0.00")
    totals = dict.fromkeys(window, Decimal(0))
    for month, hours in monthly_credited_history:
        key = first_of_month(month)
        if key in totals:
            totals[key] += non_negative(hours, "credited")
    return round_hundredth(sum(totals.values()) / len(window))


def _remaining_months(today: date, end_date: date) -> int:
    """Months still to come: the current month up to the end date's month, both included."""
    if end_date < today:
        return 0
    return months_between(today, end_date) + 1


def _forecast(
    required: object,
    credited: object,
    pace: Decimal,
    planned: object,
    remaining: int,
    extra: Decimal,
    ended: bool,
) -> Forecast:
    req = non_negative(required, "required_hours")
    done = round_hundredth(non_negative(credited, "credited"))
    monthly = round_hundredth(non_negative(planned, "planned_monthly_hours"))
    expected = round_hundredth(done + remaining * (pace + monthly) + extra)
    return Forecast(
        required=req,
        credited=done,
        pace=pace,
        planned_monthly=monthly,
        remaining_months=remaining,
        extra_hours=extra,
        forecast=expected,
        shortfall=max(Decimal(0), req - expected),
        ratio=_ratio(expected, req),
        status=risk_status(req, expected, ended=ended),
    )


def forecast_at_end(
    required: object,
    credited_to_date: object,
    monthly_credited_history: Iterable[tuple[date, object]],
    today: date,
    end_date: date,
    planned_monthly_hours: object = 0,
    pace_months: object = 3,
    start_date: date | None = None,
) -> Forecast:
    """Hours expected at ``end_date`` (product.md §3.3): credited to date + remaining months ×
    (recent pace + planned monthly hours).

    The pace is :func:`monthly_pace`. Remaining months are the current month (its statement
    usually arrives next month, so it is treated as still to come) through the end date's month,
    each counted whole; none once the end date has passed, in which case any shortfall makes the
    clause late.
    """
    pace = monthly_pace(monthly_credited_history, today, pace_months, start_date)
    remaining = _remaining_months(today, end_date)
    return _forecast(
        required,
        credited_to_date,
        pace,
        planned_monthly_hours,
        remaining,
        Decimal("0.00"),
        end_date < today,
    )


def monthly_hours(people: object, weekly_hours: object) -> Decimal:
    """Hours per month of ``people`` working ``weekly_hours`` a week: × 52 ÷ 12, to the hundredth
    (one person at 35 h → 151,67 h)."""
    count = whole_number(people, "people")
    weekly = non_negative(weekly_hours, "weekly_hours")
    return round_hundredth(count * weekly * WEEKS_PER_MONTH)


def what_if(
    required: object,
    credited_to_date: object,
    monthly_credited_history: Iterable[tuple[date, object]],
    today: date,
    end_date: date,
    *,
    people: object,
    weekly_hours: object,
    from_month: date,
    planned_monthly_hours: object = 0,
    pace_months: object = 3,
    start_date: date | None = None,
) -> Forecast:
    """The forecast if ``people`` more people worked ``weekly_hours`` a week from ``from_month``
    to the end date (product.md §3.3: "this company adds 2 people at 24 h/week from March").

    Extra hours = :func:`monthly_hours` × the months from ``from_month`` (or the current month
    if later) to the end date's month, both included. Everything else is
    :func:`forecast_at_end`; compare the two to show the difference.
    """
    pace = monthly_pace(monthly_credited_history, today, pace_months, start_date)
    start = max(first_of_month(from_month), first_of_month(today))
    months = 0 if end_date < today else max(0, months_between(start, end_date) + 1)
    extra = monthly_hours(people, weekly_hours) * months
    return _forecast(
        required,
        credited_to_date,
        pace,
        planned_monthly_hours,
        _remaining_months(today, end_date),
        extra,
        end_date < today,
    )
