"""Personal-data rules: small-cell suppression and retention dates (domain.md §7.4, §7.5)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import date
from typing import TypeVar

from asr_desktop.domain._checks import whole_number
from asr_desktop.domain.dates import add_years, as_date
from asr_desktop.domain.formats import NBSP

K = TypeVar("K", bound=Hashable)

#: Default retention of a person's file after the last contact (CNIL 2023-095, domain.md §7.4);
#: the value in force is the dated parameter ``retention.years_after_last_contact``.
RETENTION_YEARS = 2


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
