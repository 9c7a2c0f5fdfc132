"""Calendar-month arithmetic used by the rules (ledger months, follow-up points, retention).

Months are represented by the ``date`` of their first day. Adding months clamps the day to the
end of the target month: 31 January + 1 month = 28 (or 29) February, 29 February + 12 months =
28 February. No time zones, no ``datetime``: the ledger, the contracts and the follow-up points
are all whole days.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import date, datetime, timedelta

from asr_desktop.domain.errors import ValidationError


def as_date(value: date, field: str = "date") -> date:
    """A ``date`` from a ``date`` or a ``datetime`` (time dropped); anything else is refused."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ValidationError(f"Date attendue (valeur reçue : « {value} »).", field)


def first_of_month(day: date) -> date:
    """First day of the month of ``day``."""
    return as_date(day).replace(day=1)


def days_in_month(year: int, month: int) -> int:
    return _stdlib_calendar.monthrange(year, month)[1]


def last_of_month(day: date) -> date:
    """Last day of the month of ``day``."""
    day = as_date(day)
    return day.replace(day=days_in_month(day.year, day.month))


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, the day clamped to the target month's end."""
    day = as_date(day)
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def months_between(start: date, end: date) -> int:
    """Number of month steps from the month of ``start`` to the month of ``end``.

    Days are ignored: ``months_between(31 Jan, 1 Feb) == 1``; same month gives 0; an ``end`` in an
    earlier month gives a negative number.
    """
    start, end = as_date(start), as_date(end)
    return (end.year - start.year) * 12 + (end.month - start.month)


def month_range(start: date, end: date) -> list[date]:
    """First days of every month from the month of ``start`` to the month of ``end``, inclusive.

    Empty when ``end`` is in an earlier month than ``start``.
    """
    first = first_of_month(start)
    return [add_months(first, i) for i in range(months_between(start, end) + 1)]


def age_on(birth_date: date, on: date) -> int:
    """Age in completed years on ``on``.

    The birthday is reached when (month, day) of ``on`` is not before that of the birth date, so
    someone born on 29 February becomes one year older on 1 March in a common year (same
    convention as most civil-status software; the other reading, 28 February, differs by one day
    once every four years at most).
    """
    birth_date, on = as_date(birth_date, "birth_date"), as_date(on, "on")
    if on < birth_date:
        raise ValidationError(
            "La date de naissance est postérieure à la date de calcul.", "birth_date"
        )
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def day_before(day: date) -> date:
    return as_date(day) - timedelta(days=1)
