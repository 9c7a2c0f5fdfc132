"""Backup rotation policy: names, which files are kept and why, when a backup is due."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest

from asr_desktop.domain.backups import (
    KeepReason,
    RetentionPolicy,
    backup_due,
    backup_name,
    interval_in_force,
    newest_first,
    parse_backup_name,
    plan_rotation,
)
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import Parameter

NOW = datetime(2026, 11, 25, 9, 30, 12)  # a Wednesday


def stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def files(*moments: str) -> dict[str, datetime]:
    taken = [stamp(m) for m in moments]
    return {backup_name(t): t for t in taken}


def name(moment: str) -> str:
    return backup_name(stamp(moment))


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("asr-20261125-093012.db", datetime(2026, 11, 25, 9, 30, 12)),
        ("asr-20261125-093012-2.db", datetime(2026, 11, 25, 9, 30, 12)),
        ("asr-20260229-000000.db", None),  # no 29 February in 2026
        ("asr-20261125-093012.db.partiel", None),
        ("asr-20261125-093012-0.db", None),
        ("asr-2026112-093012.db", None),
        ("asr-20261125-093012.sqlite", None),
        ("dupont-20261125-093012.db", None),
        ("notes.txt", None),
    ],
)
def test_parse_backup_name(text, expected):
    assert parse_backup_name(text) == expected


def test_names_carry_the_moment_and_nothing_else():
    moment = datetime(2026, 1, 2, 3, 4, 5)
    assert backup_name(moment) == "asr-20260102-030405.db"
    assert backup_name(moment, 3) == "asr-20260102-030405-3.db"
    assert parse_backup_name(backup_name(moment, 12)) == moment


def test_newest_first_orders_same_second_backups_by_sequence():
    moment = datetime(2026, 11, 25, 9, 0, 0)
    backups = {backup_name(moment, n): moment for n in (1, 2, 9, 10)}
    backups[backup_name(moment - timedelta(seconds=1))] = moment - timedelta(seconds=1)
    assert newest_first(backups) == [
        "asr-20261125-090000-10.db",
        "asr-20261125-090000-9.db",
        "asr-20261125-090000-2.db",
        "asr-20261125-090000.db",
        "asr-20261125-085959.db",
    ]


# --- rotation --------------------------------------------------------------------------------

ONLY_RECENT = RetentionPolicy(keep_recent=2, keep_daily=0, keep_weekly=0, keep_monthly=0)


@pytest.mark.parametrize(
    ("policy", "moments", "kept"),
    [
        # the N newest, nothing else
        (
            ONLY_RECENT,
            ["2026-11-25 09:00", "2026-11-25 08:00", "2026-11-24 18:00", "2026-11-20 10:00"],
            ["2026-11-25 09:00", "2026-11-25 08:00"],
        ),
        # one per day: the newest of each of the last 3 days (today included)
        (
            RetentionPolicy(keep_recent=1, keep_daily=3, keep_weekly=0, keep_monthly=0),
            [
                "2026-11-25 09:00",
                "2026-11-25 08:00",
                "2026-11-24 18:00",
                "2026-11-24 09:00",
                "2026-11-23 17:00",
                "2026-11-22 17:00",
            ],
            ["2026-11-25 09:00", "2026-11-24 18:00", "2026-11-23 17:00"],
        ),
        # one per week, Monday to Sunday: this week and the previous 2
        (
            RetentionPolicy(keep_recent=1, keep_daily=0, keep_weekly=3, keep_monthly=0),
            [
                "2026-11-25 09:00",  # this week (Mon 23)
                "2026-11-23 09:00",
                "2026-11-22 20:00",  # Sunday: newest of the week of the 16th
                "2026-11-16 08:00",
                "2026-11-10 08:00",  # week of the 9th
                "2026-11-08 08:00",  # week of the 2nd: out of the window
            ],
            ["2026-11-25 09:00", "2026-11-22 20:00", "2026-11-10 08:00"],
        ),
        # one per month: this month and the previous 2, each month's newest
        (
            RetentionPolicy(keep_recent=1, keep_daily=0, keep_weekly=0, keep_monthly=3),
            [
                "2026-11-25 09:00",
                "2026-11-01 09:00",
                "2026-10-31 23:59",
                "2026-10-02 10:00",
                "2026-09-15 10:00",
                "2026-08-31 10:00",  # out of the window
            ],
            ["2026-11-25 09:00", "2026-10-31 23:59", "2026-09-15 10:00"],
        ),
        # a day with no backup simply has nothing to keep; a gap does not pull older ones in
        (
            RetentionPolicy(keep_recent=1, keep_daily=3, keep_weekly=0, keep_monthly=0),
            ["2026-11-25 09:00", "2026-11-21 09:00", "2026-11-20 09:00"],
            ["2026-11-25 09:00"],
        ),
        # a backup dated in the future (clock set back) is the most recent one
        (
            ONLY_RECENT,
            ["2026-12-03 10:00", "2026-11-25 09:00", "2026-11-24 09:00"],
            ["2026-12-03 10:00", "2026-11-25 09:00"],
        ),
    ],
)
def test_rotation_keeps_recent_daily_weekly_monthly(policy, moments, kept):
    plan = plan_rotation(files(*moments), NOW, policy)
    assert list(plan.kept) == [name(m) for m in kept]
    assert set(plan.delete) == {name(m) for m in moments} - set(plan.kept)


def test_the_retention_limit_wins_over_every_rule():
    policy = RetentionPolicy(
        keep_recent=10, keep_daily=0, keep_weekly=0, keep_monthly=12, retention_months=2
    )
    backups = files("2026-11-25 09:00", "2026-09-25 09:31", "2026-09-25 09:29", "2026-06-01 09:00")
    plan = plan_rotation(backups, NOW, policy)
    # limit: 2026-09-25 09:30:12
    assert plan.kept == (name("2026-11-25 09:00"), name("2026-09-25 09:31"))
    assert plan.expired == (name("2026-09-25 09:29"), name("2026-06-01 09:00"))
    assert plan.delete == plan.expired


def test_even_the_only_backup_goes_once_past_the_limit():
    plan = plan_rotation(files("2026-01-10 10:00"), NOW, RetentionPolicy())
    assert plan.kept == ()
    assert plan.expired == (name("2026-01-10 10:00"),)


def test_reasons_say_why_a_backup_is_kept():
    backups = files("2026-11-25 09:00", "2026-11-25 08:00", "2026-11-24 09:00", "2026-10-12 09:00")
    plan = plan_rotation(backups, NOW, RetentionPolicy(keep_recent=1, keep_daily=2))
    assert plan.reasons(name("2026-11-25 09:00")) == set(KeepReason)
    # same week and month as the 25th, which is newer: kept for its day only
    assert plan.reasons(name("2026-11-24 09:00")) == {KeepReason.DAILY}
    assert plan.reasons(name("2026-10-12 09:00")) == {KeepReason.MONTHLY}
    assert plan.reasons(name("2026-11-25 08:00")) == frozenset()
    assert plan.delete == (name("2026-11-25 08:00"),)
    assert KeepReason.DAILY.label == "la plus récente du jour"


def test_an_empty_folder_plans_nothing():
    plan = plan_rotation({}, NOW, RetentionPolicy())
    assert (plan.keep, plan.delete, plan.expired) == ((), (), ())


def test_rotating_every_hour_for_a_year_keeps_a_bounded_stable_set():
    """Simulated hourly backups with rotation after each: the folder never grows past the
    rules' bound, always holds the newest, never anything past the limit, and a file kept as
    a month's newest survives until its month leaves the window."""
    policy = RetentionPolicy()
    bound = policy.keep_recent + policy.keep_daily + policy.keep_weekly + policy.keep_monthly
    folder: dict[str, datetime] = {}
    moment = datetime(2026, 1, 1, 0, 0)
    month_end = {}
    while moment < datetime(2027, 1, 1):
        folder[backup_name(moment)] = moment
        plan = plan_rotation(folder, moment, policy)
        for gone in plan.delete:
            del folder[gone]
        assert backup_name(moment) in folder
        assert len(folder) <= bound
        assert min(folder.values()) >= policy.oldest_allowed(moment)
        month_end[(moment.year, moment.month)] = backup_name(moment)
        moment += timedelta(hours=1)
    # at the end: last hour of each of the last 6 months is still there
    for month in range(7, 13):
        assert month_end[(2026, month)] in folder
    assert month_end[(2026, 6)] not in folder


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("keep_recent", 0),
        ("keep_daily", -1),
        ("keep_weekly", D("1.5")),
        ("retention_months", 0),
    ],
)
def test_policy_refuses_nonsense(field, value):
    with pytest.raises(ValidationError) as caught:
        RetentionPolicy(**{field: value})
    assert caught.value.field == field
    assert "nombre entier" in str(caught.value)


def test_policy_and_interval_come_from_the_dated_parameters():
    rows = [
        Parameter("backup.keep_recent", D("3"), date(2026, 1, 1)),
        Parameter("backup.retention_months", D("12"), date(2026, 6, 1)),
        Parameter("backup.interval_minutes", D("30"), date(2026, 6, 1)),
    ]
    assert RetentionPolicy.from_parameters(rows, date(2026, 11, 25)) == RetentionPolicy(
        keep_recent=3, retention_months=12
    )
    assert RetentionPolicy.from_parameters(rows, date(2026, 5, 31)) == RetentionPolicy(
        keep_recent=3
    )
    assert RetentionPolicy.from_parameters([], date(2026, 1, 1)) == RetentionPolicy()
    assert interval_in_force(rows, date(2026, 11, 25)) == 30
    assert interval_in_force([], date(2026, 11, 25)) == 15


# --- when an automatic backup is due --------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "changed", "due"),
    [
        (None, True, True),  # never backed up
        (None, False, False),  # nothing changed: nothing to save
        (NOW - timedelta(minutes=15), True, True),
        (NOW - timedelta(minutes=14, seconds=59), True, False),
        (NOW - timedelta(days=3), False, False),
        (NOW + timedelta(hours=2), True, True),  # clock set back
    ],
)
def test_backup_due(last, changed, due):
    assert backup_due(last, NOW, 15, changed) is due
