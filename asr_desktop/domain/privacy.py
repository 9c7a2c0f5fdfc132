"""Personal-data rules: small-cell suppression, retention dates, the birth date an anonymised
record keeps, and the retention of the audit trail (domain.md §7.4, §7.5)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import TypeVar

from asr_desktop.domain._checks import whole_number
from asr_desktop.domain.dates import add_months, add_years, age_on, as_date
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import NBSP
from asr_desktop.domain.indicators import AGE_BANDS, age_band

K = TypeVar("K", bound=Hashable)

#: Default retention of a person's file after the last contact (CNIL 2023-095, domain.md §7.4);
#: the value in force is the dated parameter ``retention.years_after_last_contact``.
RETENTION_YEARS = 2
#: Default retention of the audit trail, in months (CNIL délibération 2021-122 on logging:
#: six months to one year); the value in force is the dated parameter
#: ``audit.retention_months``.
AUDIT_RETENTION_MONTHS = 12
#: The age bands of the committee figures (``indicators.AGE_BANDS``: « <26 », « 26-49 »,
#: « 50+ », domain.md §6.2) as ages: within working ages, where an anonymised record's
#: stand-in birth date goes when it can (it then reads about 21, 38 or 58 at entry, not 13
#: or 90), and the whole range otherwise.
_WORKING_BOUNDS: tuple[tuple[int, int], ...] = ((16, 25), (26, 49), (50, 66))
_WIDE_BOUNDS: tuple[tuple[int, int], ...] = ((0, 25), (26, 49), (50, 110))


def small_cell_text(threshold: int) -> str:
    """« < 5 » (with U+00A0) for a threshold of 5."""
    return f"<{NBSP}{threshold}"


def suppress_small(count: object, threshold: object, zero_is_safe: bool = True) -> int | str:
    """A count as it may leave the program (product.md §3.5, domain.md §7.5).

    Counts from 1 to ``threshold`` − 1 become « < threshold » (« < 5 » for the default threshold
    5, parameter ``export.small_cell_threshold``); counts at or above the threshold are shown.
    Zero is shown as 0 by default — "nobody" reveals nobody — but ``zero_is_safe=False``
    hides it too, for tables where an empty cell combined with others could single someone out.
    A threshold of 1 (or 0) suppresses nothing.
    """
    value = whole_number(count, "count")
    limit = whole_number(threshold, "threshold")
    if value == 0:
        return 0 if zero_is_safe or limit <= 1 else small_cell_text(limit)
    return small_cell_text(limit) if value < limit else value


def suppress_table(
    counts: Mapping[K, object],
    threshold: object,
    zero_is_safe: bool = True,
    protect_total: bool = False,
) -> dict[K, int | str]:
    """:func:`suppress_small` on every cell of a row or a small table (keys kept in order).

    With ``protect_total=True`` — for a row whose total is published — a single suppressed cell
    could be recovered by subtraction, so the smallest cell still shown (and above zero) is
    suppressed too (secondary suppression).
    """
    result: dict[K, int | str] = {
        key: suppress_small(value, threshold, zero_is_safe) for key, value in counts.items()
    }
    hidden = [key for key, value in result.items() if isinstance(value, str)]
    if protect_total and len(hidden) == 1:
        shown = [key for key, value in result.items() if isinstance(value, int) and value > 0]
        if shown:
            smallest = min(shown, key=lambda key: result[key])
            result[smallest] = small_cell_text(whole_number(threshold, "threshold"))
    return result


def retention_date(last_contact: date, years: object = RETENTION_YEARS) -> date:
    """Date from which a person's file is to be archived or anonymised: the last contact plus
    ``years`` calendar years (parameter ``retention.years_after_last_contact``, 2 by default,
    domain.md §7.4). A last contact on 29 February gives 28 February."""
    return add_years(as_date(last_contact, "last_contact"), whole_number(years, "years"))


def last_contact(dates: Iterable[date | None]) -> date | None:
    """The most recent of the dates at which the person was seen or heard of (None if none)."""
    known = [as_date(d, "last_contact") for d in dates if d is not None]
    return max(known) if known else None


def retention_due(last: date, today: date, years: object = RETENTION_YEARS) -> bool:
    """True when the file of a person last contacted on ``last`` is past its retention date."""
    return retention_date(last, years) <= as_date(today, "today")


def retention_cutoff(today: date, years: object = RETENTION_YEARS) -> date:
    """The latest last-contact date whose retention date is reached on ``today``: a file is
    due exactly when its last contact is on or before it (``retention_due``)."""
    today = as_date(today, "today")
    count = whole_number(years, "years")
    day = add_years(today, -count)
    while retention_date(day + timedelta(days=1), count) <= today:  # 29 February
        day += timedelta(days=1)
    while retention_date(day, count) > today:
        day -= timedelta(days=1)
    return day


def audit_cutoff(now: datetime, months: object = AUDIT_RETENTION_MONTHS) -> datetime:
    """Audit entries stamped before this moment are past their retention: ``now`` minus
    ``months`` calendar months (parameter ``audit.retention_months``, 12 by default), to the
    second. At least one month is kept."""
    count = whole_number(months, "months")
    if count < 1:
        raise ValidationError(
            "Le journal d'accès se conserve au moins un mois.", "audit.retention_months"
        )
    day = add_months(now.date(), -count)
    return datetime.combine(day, now.time()).replace(microsecond=0)


def _band_of(birth_date: date, on: date) -> int:
    return AGE_BANDS.index(age_band(birth_date, on))


def _latest_birth_for_age(on: date, age: int) -> date:
    """The latest birth date at which someone is at least ``age`` on ``on``."""
    day = add_years(on, -age)
    while age_on(day, on) < age:  # 29 February: the birthday is 1 March in common years
        day -= timedelta(days=1)
    return day


def _middle_of_range(on: date, band: int, bounds: tuple[tuple[int, int], ...]) -> date:
    """The middle of the range of birth dates whose age on ``on`` is within the bounds of
    ``band``."""
    low, high = bounds[band]
    latest = _latest_birth_for_age(on, low)
    earliest = _latest_birth_for_age(on, high + 1) + timedelta(days=1)
    return earliest + timedelta(days=(latest - earliest).days // 2)


def stand_in_birth_date(birth_date: date, entry_date: date | None) -> date:
    """The birth date an anonymised record keeps (domain.md §7.4: only what statistics need).

    The committee figures count people by age band at entry (« <26 », « 26-49 », « 50+ »,
    domain.md §6.2). The stand-in gives the same band on ``entry_date`` and depends on nothing
    else: it is the middle of the range of birth dates giving that band within working ages
    (16–25, 26–49, 50–66 at entry; 0–25 or 50–110 for someone outside them), so it reads about
    21, 38 or 58 at entry and the real birth date cannot be read back from it. (Keeping the
    band on several dates would narrow that range down to the birthday when the band changes
    between two of them.) Without an entry date, 1 July of the birth year.
    """
    birth_date = as_date(birth_date, "birth_date")
    if entry_date is None or entry_date < birth_date:
        return date(birth_date.year, 7, 1)
    band = _band_of(birth_date, entry_date)
    age = age_on(birth_date, entry_date)
    low, high = _WORKING_BOUNDS[band]
    bounds = _WORKING_BOUNDS if low <= age <= high else _WIDE_BOUNDS
    chosen = _middle_of_range(entry_date, band, bounds)
    if _band_of(chosen, entry_date) != band:  # pragma: no cover - by construction
        raise ValidationError("Date de naissance de remplacement incohérente.", "birth_date")
    return chosen
