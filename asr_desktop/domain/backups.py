"""Which backup files to keep, and when an automatic backup is due (issue 6 point 4).

A backup file is named after the moment it was taken, to the second, and nothing else:
``asr-20261125-093012.db`` (a second one in the same second gets ``-2``, ``-3``…). The name
never carries a person's data and is enough to sort and rotate the folder.

Rotation keeps the union of four sets, never beyond the retention limit:

- the ``keep_recent`` newest backups;
- the newest backup of each of the last ``keep_daily`` calendar days (today included);
- the newest backup of each of the last ``keep_weekly`` weeks (Monday to Sunday, this one
  included);
- the newest backup of each of the last ``keep_monthly`` calendar months (this one included).

Keeping the *newest* of each period makes the plan stable: a past day, week or month never
receives a newer file, so a backup kept as « the newest of March » stays so until March leaves
the window. A backup older than ``retention_months`` months is deleted whatever the rules say:
backups hold personal data and follow its retention (domain.md §7.4). A backup dated after
``now`` (the clock was set back) counts as recent and is kept.

The values in force are dated parameters (``backup.*`` in ``domain.parameters``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from asr_desktop.domain.dates import add_months
from asr_desktop.domain.enums import LabelledEnum
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import Parameter
from asr_desktop.domain.parameters import value_at

PREFIX = "asr-"
SUFFIX = ".db"
_NAME = re.compile(r"^asr-(\d{8})-(\d{6})(?:-([1-9]\d{0,3}))?\.db$")


class KeepReason(LabelledEnum):
    """Why rotation keeps a backup (several reasons may apply)."""

    RECENT = ("recente", "parmi les plus récentes")
    DAILY = ("jour", "la plus récente du jour")
    WEEKLY = ("semaine", "la plus récente de la semaine")
    MONTHLY = ("mois", "la plus récente du mois")


def backup_name(taken_at: datetime, sequence: int = 1) -> str:
    """``asr-AAAAMMJJ-HHMMSS.db``; ``sequence`` 2, 3… for more backups within that second."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    tail = "" if sequence == 1 else f"-{sequence}"
    return f"{PREFIX}{taken_at:%Y%m%d-%H%M%S}{tail}{SUFFIX}"


def parse_backup_name(name: str) -> datetime | None:
    """The moment a backup was taken, read from its name; None for any other file name."""
    match = _NAME.match(name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    except ValueError:  # 20261341-…: digits, but no date
        return None


def newest_first(backups: Mapping[str, datetime]) -> list[str]:
    """Names from the newest backup to the oldest; within one second ``-2`` is newer than the
    plain name and ``-10`` newer than ``-9``."""
    return sorted(backups, key=lambda name: (backups[name], len(name), name), reverse=True)


def _whole(value: object, what: str, field: str, minimum: int) -> int:
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if number != number.to_integral_value() or number < minimum:
        raise ValidationError(f"{what} doit être un nombre entier d'au moins {minimum}.", field)
    return int(number)


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How many backups rotation keeps; defaults are those of ``domain.parameters``."""

    keep_recent: int = 10
    keep_daily: int = 7
    keep_weekly: int = 5
    keep_monthly: int = 6
    retention_months: int = 6

    def __post_init__(self) -> None:
        _whole(self.keep_recent, "Le nombre de sauvegardes récentes", "keep_recent", 1)
        _whole(self.keep_daily, "Le nombre de jours", "keep_daily", 0)
        _whole(self.keep_weekly, "Le nombre de semaines", "keep_weekly", 0)
        _whole(self.keep_monthly, "Le nombre de mois", "keep_monthly", 0)
        _whole(self.retention_months, "L'ancienneté maximale", "retention_months", 1)

    @classmethod
    def from_parameters(cls, parameters: Iterable[Parameter], on: date) -> RetentionPolicy:
        """The policy in force on ``on`` (values stored as Decimal are whole numbers; a
        fractional value typed in Paramètres is rounded down)."""
        rows = list(parameters)

        def whole(key: str) -> int:
            return int(value_at(rows, key, on))

        return cls(
            keep_recent=max(1, whole("backup.keep_recent")),
            keep_daily=max(0, whole("backup.keep_daily")),
            keep_weekly=max(0, whole("backup.keep_weekly")),
            keep_monthly=max(0, whole("backup.keep_monthly")),
            retention_months=max(1, whole("backup.retention_months")),
        )

    def oldest_allowed(self, now: datetime) -> datetime:
        """Backups taken before this moment are deleted, whatever the other rules say."""
        return datetime.combine(add_months(now.date(), -self.retention_months), now.time())


@dataclass(frozen=True, slots=True)
class RotationPlan:
    """What to keep (newest first, with the reasons) and what to delete (newest first);
    ``expired`` lists the deleted backups that were past the retention limit."""

    keep: tuple[tuple[str, frozenset[KeepReason]], ...]
    delete: tuple[str, ...]
    expired: tuple[str, ...]

    @property
    def kept(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.keep)

    def reasons(self, name: str) -> frozenset[KeepReason]:
        return dict(self.keep).get(name, frozenset())


def _newest_per_period(
    ordered: list[str],
    taken: Mapping[str, datetime],
    period_of: Callable[[datetime], Hashable],
    periods: set[Hashable],
) -> set[str]:
    """The newest name in each wanted period (``ordered`` is newest first)."""
    chosen: dict[Hashable, str] = {}
    for name in ordered:
        period = period_of(taken[name])
        if period in periods and period not in chosen:
            chosen[period] = name
    return set(chosen.values())


def _month_index(moment: date) -> int:
    return moment.year * 12 + moment.month - 1


def _week_start(moment: date) -> date:
    return moment - timedelta(days=moment.weekday())


def plan_rotation(
    backups: Mapping[str, datetime], now: datetime, policy: RetentionPolicy
) -> RotationPlan:
    """Split ``backups`` (file name → moment taken) into what rotation keeps and deletes."""
    ordered = newest_first(backups)
    limit = policy.oldest_allowed(now)
    expired = [name for name in ordered if backups[name] < limit]
    alive = [name for name in ordered if backups[name] >= limit]
    today = now.date()
    days = {today - timedelta(days=n) for n in range(policy.keep_daily)}
    weeks = {_week_start(today) - timedelta(weeks=n) for n in range(policy.keep_weekly)}
    months = {_month_index(today) - n for n in range(policy.keep_monthly)}
    chosen: dict[KeepReason, set[str]] = {
        KeepReason.RECENT: set(alive[: policy.keep_recent]),
        KeepReason.DAILY: _newest_per_period(alive, backups, datetime.date, days),
        KeepReason.WEEKLY: _newest_per_period(
            alive, backups, lambda moment: _week_start(moment.date()), weeks
        ),
        KeepReason.MONTHLY: _newest_per_period(
            alive, backups, lambda moment: _month_index(moment.date()), months
        ),
    }
    keep = []
    delete = []
    for name in ordered:
        reasons = frozenset(reason for reason, names in chosen.items() if name in names)
        if reasons:
            keep.append((name, reasons))
        else:
            delete.append(name)
    return RotationPlan(keep=tuple(keep), delete=tuple(delete), expired=tuple(expired))


def backup_due(
    last_backup_at: datetime | None, now: datetime, interval_minutes: int, changed: bool
) -> bool:
    """An automatic backup is due when the data changed since the last one and at least
    ``interval_minutes`` have passed (a last backup dated after ``now``, the clock having
    been set back, does not hold the next one back)."""
    if not changed:
        return False
    if last_backup_at is None or last_backup_at > now:
        return True
    return now - last_backup_at >= timedelta(minutes=max(0, interval_minutes))


def interval_in_force(parameters: Iterable[Parameter], on: date) -> int:
    """Minutes between two automatic backups (``backup.interval_minutes``, whole, ≥ 0)."""
    return max(0, int(value_at(list(parameters), "backup.interval_minutes", on)))
