"""Outcome classes and follow-up points (domain.md §5.2, §5.3)."""

from __future__ import annotations

from datetime import date

import pytest

from asr_desktop.domain import rules
from asr_desktop.domain.enums import ContractType, FollowUpPoint, OutcomeClass, Situation
from asr_desktop.domain.errors import ValidationError

DURABLE, TRANSITION, POSITIVE, OTHER = (
    OutcomeClass.DURABLE,
    OutcomeClass.TRANSITION,
    OutcomeClass.POSITIVE,
    OutcomeClass.OTHER,
)


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        (Situation.CDI, DURABLE),
        (Situation.CDD_LONG, DURABLE),
        (Situation.MISSION_LONG, DURABLE),
        (Situation.CIVIL_SERVICE, DURABLE),
        (Situation.BUSINESS_CREATION, DURABLE),
        (Situation.CDD_SHORT, TRANSITION),
        (Situation.MISSION_SHORT, TRANSITION),
        (Situation.SUBSIDISED, TRANSITION),
        (Situation.TRAINING, POSITIVE),
        (Situation.OTHER_SIAE, POSITIVE),
        (Situation.JOBSEEKER, OTHER),
        (Situation.INACTIVE, OTHER),
        (Situation.UNKNOWN, OTHER),
        ("cdd_moins_6m", TRANSITION),  # the stored code works too
    ],
)
def test_classify_outcome(situation, expected):
    assert rules.classify_outcome(situation) is expected


def test_every_situation_is_classified():
    assert {rules.classify_outcome(s) for s in Situation} == set(OutcomeClass)


def test_only_other_is_not_dynamic():
    assert [c for c in OutcomeClass if not c.is_dynamic] == [OTHER]


def test_unknown_situation():
    with pytest.raises(ValidationError) as caught:
        rules.classify_outcome("lottery")
    assert caught.value.field == "situation"


@pytest.mark.parametrize(
    ("contract", "days", "expected"),
    [
        (ContractType.CDI, None, DURABLE),
        (ContractType.CDI_SITE, None, DURABLE),
        (ContractType.CDI_INCLUSION, None, DURABLE),
        (ContractType.CREATION, None, DURABLE),
        (ContractType.CDD, 182, DURABLE),  # 6 months (365 ÷ 2 rounded down)
        (ContractType.CDD, 181, TRANSITION),
        (ContractType.CDD, 30, TRANSITION),
        (ContractType.MISSION, 200, DURABLE),
        (ContractType.MISSION, 90, TRANSITION),
        (ContractType.CDD_USAGE, 10, TRANSITION),
        (ContractType.PRO, 365, DURABLE),  # work-study contracts are fixed-term contracts
        (ContractType.APPRENTICESHIP, 120, TRANSITION),
        (ContractType.CDD_TREMPLIN, 400, DURABLE),
        (ContractType.PEC, 365, TRANSITION),  # subsidised contract, ordinary employer
        (ContractType.CDDI, 120, POSITIVE),  # hired by another SIAE
        (ContractType.MAD, None, POSITIVE),
        (ContractType.OTHER, 365, OTHER),
        ("CDD", 182, DURABLE),
    ],
)
def test_classify_contract_by_days(contract, days, expected):
    assert rules.classify_contract(contract, days) is expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 1), date(2026, 8, 31), DURABLE),  # 1 March → 31 August = 6 months
        (date(2026, 3, 1), date(2026, 8, 30), TRANSITION),
        (date(2026, 8, 31), date(2027, 2, 27), DURABLE),  # 31 Aug + 6 months = 28 Feb (clamped)
        (date(2026, 8, 31), date(2027, 2, 26), TRANSITION),
        (date(2026, 1, 1), date(2026, 6, 30), DURABLE),  # 181 days, but 6 calendar months
        (date(2026, 1, 1), date(2026, 1, 1), TRANSITION),
    ],
)
def test_classify_contract_by_dates(start, end, expected):
    assert rules.classify_contract(ContractType.CDD, start=start, end=end) is expected


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"contract_type": ContractType.CDD}, "duration_days"),
        ({"contract_type": ContractType.MISSION, "duration_days": -3}, "duration_days"),
        (
            {"contract_type": ContractType.CDD, "start": date(2026, 3, 1), "end": date(2026, 2, 1)},
            "end",
        ),
        ({"contract_type": "stage"}, "contract_type"),
    ],
)
def test_classify_contract_rejects(kwargs, field):
    with pytest.raises(ValidationError) as caught:
        rules.classify_contract(**kwargs)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("exit_date", "m6", "m12"),
    [
        (date(2026, 3, 15), date(2026, 9, 15), date(2027, 3, 15)),
        (date(2026, 8, 31), date(2027, 2, 28), date(2027, 8, 31)),  # clamped to February's end
        (date(2027, 8, 31), date(2028, 2, 29), date(2028, 8, 31)),  # leap year
        (date(2026, 12, 31), date(2027, 6, 30), date(2027, 12, 31)),
        (date(2028, 2, 29), date(2028, 8, 29), date(2029, 2, 28)),
    ],
)
def test_follow_up_due_dates(exit_date, m6, m12):
    dates = rules.follow_up_due_dates(exit_date)
    assert dates == {FollowUpPoint.M6: m6, FollowUpPoint.M12: m12}
    assert dates["M6"] == m6  # StrEnum keys answer to their code
