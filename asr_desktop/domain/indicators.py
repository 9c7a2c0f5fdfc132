"""Small computations behind the committee indicators (domain.md §6.2, product.md §3.5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from asr_desktop.domain._checks import non_negative, positive, round_hundredth
from asr_desktop.domain.dates import age_on

UNDER_26 = "<26"
FROM_26_TO_49 = "26-49"
FROM_50 = "50+"
AGE_BANDS: tuple[str, ...] = (UNDER_26, FROM_26_TO_49, FROM_50)
AGE_BAND_LABELS: dict[str, str] = {
    UNDER_26: "Moins de 26 ans",
    FROM_26_TO_49: "26 à 49 ans",
    FROM_50: "50 ans et plus",
}

#: Legal annual working time of one full-time equivalent (domain.md §3.1).
FTE_ANNUAL_HOURS = Decimal("1607")


def age_band(birth_date: date, on: date) -> str:
    """Age band on ``on`` — pass the entry date for "age at entry" (domain.md §6.2): « <26 »
    up to the day before the 26th birthday, « 26-49 » from it, « 50+ » from the 50th birthday.
    Someone born on 29 February has a birthday on 1 March in common years (see
    ``dates.age_on``)."""
    age = age_on(birth_date, on)
    if age < 26:
        return UNDER_26
    if age < 50:
        return FROM_26_TO_49
    return FROM_50


def fte(hours: object, annual_hours: object = FTE_ANNUAL_HOURS) -> Decimal:
    """Full-time equivalents: hours ÷ 1 607 (parameter ``fte.annual_hours``), to the
    hundredth HALF_UP. The Grand Nancy check: 538 768 h ≈ 335 FTE (domain.md §3.1)."""
    total = non_negative(hours, "hours")
    return round_hundredth(total / positive(annual_hours, "annual_hours"))
