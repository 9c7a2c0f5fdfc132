"""Crediting, line checks and globalisation of realised hours (domain.md §3.3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from asr_desktop.domain import rules
from asr_desktop.domain.enums import ConversionRule, Modality
from asr_desktop.domain.errors import ValidationError

# --- credit_hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("modality", "worked", "training", "counted", "expected", "from_training"),
    [
        (Modality.DIRECT_HIRE, "151.67", 0, True, D("151.67"), D("0")),
        (Modality.ETTI, 140, 0, False, D("140"), D("0")),
        # professionalisation contract: 120 h at work + 31,5 h of training (§3.3.1)
        (Modality.DIRECT_HIRE, 120, "31.5", True, D("151.5"), D("31.5")),
        (Modality.DIRECT_HIRE, 120, "31.5", False, D("120"), D("0")),
        (Modality.GEIQ, 100, 20, False, D("100"), D("0")),
        # pre-recruitment training: every hour of the line is a training hour (§3.3.6)
        (Modality.TRAINING, 35, 0, True, D("35"), D("35")),
        (Modality.TRAINING, 35, 0, False, D("0"), D("0")),
        # hundredths, HALF_UP
        (Modality.ETT, "7.333", 0, True, D("7.33"), D("0")),
        (Modality.ETT, "7.335", 0, True, D("7.34"), D("0")),
        (Modality.AI, 0, 0, True, D("0"), D("0")),
    ],
)
def test_credit_hours_paid_or_invoiced(
    modality, worked, training, counted, expected, from_training
):
    credit = rules.credit_hours(modality, worked, training, training_counted=counted)
    assert credit.hours == expected
    assert credit.from_training == from_training
    assert credit.rule is ConversionRule.HOURS
    assert credit.labour_share is None and credit.hourly_cost is None


@pytest.mark.parametrize(
    ("modality", "invoice", "share", "cost", "expected"),
    [
        # 10 000 € × 50 % ÷ 30 €/h = 166,666… → 166,67 h (§3.3.4)
        (Modality.SIAE_SUBCONTRACT, 10_000, "0.5", 30, D("166.67")),
        # 3 000 € × 80 % ÷ 20 €/h = 120 h
        (Modality.EA_ESAT, 3_000, "0.8", 20, D("120")),
        (Modality.SIAE_SUBCONTRACT, 0, "0.5", 30, D("0")),
    ],
)
def test_credit_hours_from_invoice(modality, invoice, share, cost, expected):
    credit = rules.credit_hours(
        modality,
        invoice_amount=invoice,
        labour_share=share,
        hourly_cost=cost,
        training_counted=True,
    )
    assert credit.hours == expected
    assert credit.rule is ConversionRule.INVOICE
    assert (credit.labour_share, credit.hourly_cost) == (D(share), D(cost))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (
            {
                "modality": Modality.DIRECT_HIRE,
                "invoice_amount": 1000,
                "labour_share": 0.5,
                "hourly_cost": 30,
            },
            "invoice_amount",
        ),
        (
            {
                "modality": Modality.SIAE_SUBCONTRACT,
                "worked_hours": 10,
                "invoice_amount": 1000,
                "labour_share": 0.5,
                "hourly_cost": 30,
            },
            "invoice_amount",
        ),
        (
            {"modality": Modality.SIAE_SUBCONTRACT, "invoice_amount": 1000, "hourly_cost": 30},
            "labour_share",
        ),
        (
            {
                "modality": Modality.SIAE_SUBCONTRACT,
                "invoice_amount": 1000,
                "labour_share": 0.5,
                "hourly_cost": 0,
            },
            "hourly_cost",
        ),
        (
            {
                "modality": Modality.EA_ESAT,
                "invoice_amount": -1,
                "labour_share": 0.5,
                "hourly_cost": 30,
            },
            "invoice_amount",
        ),
        ({"modality": Modality.DIRECT_HIRE, "worked_hours": -1}, "worked_hours"),
        ({"modality": Modality.DIRECT_HIRE, "training_hours": "x"}, "training_hours"),
    ],
)
def test_credit_hours_rejects(kwargs, field):
    with pytest.raises(ValidationError) as caught:
        rules.credit_hours(training_counted=True, **kwargs)
    assert caught.value.field == field


def test_invoice_on_direct_hire_message():
    with pytest.raises(ValidationError) as caught:
        rules.credit_hours(
            Modality.DIRECT_HIRE,
            invoice_amount=1000,
            labour_share=0.5,
            hourly_cost=30,
            training_counted=True,
        )
    assert str(caught.value).endswith("pas pour : Embauche directe.")


# --- check_hours_line -----------------------------------------------------------------------------

BASE = {
    "month": date(2026, 3, 1),
    "worked_hours": 100,
    "training_hours": 0,
    "placement_start": date(2026, 2, 15),
    "placement_end": date(2026, 6, 30),
    "eligible": True,
    "max_monthly_hours": 200,
    "placement_lot_id": 1,
    "max_months_after_first_hire": 24,
}


def codes(**changes):
    return [flag.code for flag in rules.check_hours_line(**{**BASE, **changes})]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"month": date(2026, 2, 1)}, []),  # month partly in the placement
        ({"month": date(2026, 6, 20)}, []),  # any day of the month is taken as its month
        ({"month": date(2026, 1, 1)}, ["outside_placement"]),
        ({"month": date(2026, 7, 1)}, ["outside_placement"]),
        ({"placement_end": None, "month": date(2026, 12, 1)}, []),
        ({"worked_hours": 180, "training_hours": 30}, ["above_monthly_max"]),
        ({"worked_hours": 200}, []),  # exactly the maximum is plausible
        ({"eligible": False}, ["not_eligible"]),
        ({"lot_id": 1}, []),
        ({"lot_id": 2}, ["lot_not_covered"]),
        ({"lot_id": 2, "globalisation_groups": [{1, 2, 3}]}, []),
        ({"lot_id": 2, "globalisation_groups": [{2, 3}]}, ["lot_not_covered"]),
        ({"lot_id": 2, "globalisation_groups": [{1, 4}, {2, 3}]}, ["lot_not_covered"]),
        # first hire March 2024 + 24 months: February 2026 is the 24th month, March 2026 is not
        ({"first_hire_date": date(2024, 3, 10), "month": date(2026, 2, 1)}, []),
        ({"first_hire_date": date(2024, 3, 10)}, ["beyond_max_months"]),
        ({"first_hire_date": date(2024, 3, 10), "max_months_after_first_hire": None}, []),
        # several reasons at once, in a stable order
        (
            {"month": date(2026, 8, 1), "worked_hours": 250, "eligible": False, "lot_id": 9},
            ["outside_placement", "above_monthly_max", "not_eligible", "lot_not_covered"],
        ),
    ],
)
def test_check_hours_line(changes, expected):
    assert codes(**changes) == expected


def test_check_messages_are_french_and_precise():
    flags = rules.check_hours_line(**{**BASE, "month": date(2026, 1, 1), "worked_hours": 210})
    assert flags[0].message == (
        "Le mois de janvier 2026 est en dehors des dates du placement "
        "(du 15/02/2026 au 30/06/2026)."
    )
    assert flags[0].blocking is True
    assert flags[1].message == (
        "210\u00a0h déclarées en janvier 2026 : c'est plus que le maximum plausible de "
        "200\u00a0h par mois."
    )
    assert flags[1].blocking is False


def test_check_beyond_max_months_names_last_month():
    [flag] = rules.check_hours_line(**{**BASE, "first_hire_date": date(2024, 3, 10)})
    assert flag.blocking is False
    assert "dernier mois compté, février 2026" in flag.message


def test_check_rejects_negative_hours():
    with pytest.raises(ValidationError) as caught:
        rules.check_hours_line(**{**BASE, "worked_hours": -1})
    assert caught.value.field == "worked_hours"


@pytest.mark.parametrize(
    ("placement_lot", "lot", "groups", "covered"),
    [(1, 1, (), True), (1, 2, (), False), (1, 2, [(1, 2)], True), (1, 2, [(2, 3), (1,)], False)],
)
def test_lot_covered(placement_lot, lot, groups, covered):
    assert rules.lot_covered(placement_lot, lot, groups) is covered


# --- allocate_globalised_hours --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "required", "expected"),
    [
        (100, {"A": 600, "B": 300, "C": 100}, {"A": D("60"), "B": D("30"), "C": D("10")}),
        # 10 000 hundredths ÷ 3 = 3 333,33 each; the leftover hundredth goes to the first lot
        (100, {"A": 1, "B": 1, "C": 1}, {"A": D("33.34"), "B": D("33.33"), "C": D("33.33")}),
        # 1 000 hundredths: A 666,67 → 666 + leftover (largest fraction) ; B 333,33 → 333
        (10, {"A": 2, "B": 1}, {"A": D("6.67"), "B": D("3.33")}),
        # 5 hundredths ÷ 3: floors 1/1/1, two leftovers to A and B (tie → order)
        ("0.05", {"A": 1, "B": 1, "C": 1}, {"A": D("0.02"), "B": D("0.02"), "C": D("0.01")}),
        # 2 hundredths weighted 1:3 → quotas 0,5 and 1,5: equal fractions, the larger weight wins
        ("0.02", {"x": 1, "y": 3}, {"x": D("0"), "y": D("0.02")}),
        (50, {"A": 833, "B": 0}, {"A": D("50"), "B": D("0")}),
        (0, {"A": 1, "B": 3}, {"A": D("0"), "B": D("0")}),
    ],
)
def test_allocate_prorata(hours, required, expected):
    result = rules.allocate_globalised_hours(hours, required)
    assert result == expected
    assert list(result) == list(required)


@pytest.mark.parametrize(
    ("hours", "required"),
    [
        ("1234.57", {1: 833, 2: 250, 3: 1000, 4: 17}),
        ("0.01", {1: 1, 2: 1}),
        ("999.99", {1: 3, 2: 7, 3: 11, 4: 13, 5: 17}),
    ],
)
def test_allocation_preserves_the_total_to_the_hundredth(hours, required):
    result = rules.allocate_globalised_hours(hours, required)
    assert sum(result.values()) == D(hours)
    assert all(value == value.quantize(D("0.01")) for value in result.values())


def test_allocate_manual_shares():
    result = rules.allocate_globalised_hours(
        10, {"A": 100, "B": 100}, key="manual", manual_shares={"A": "0.25", "B": "0.75"}
    )
    assert result == {"A": D("2.5"), "B": D("7.5")}


def test_allocate_manual_shares_thirds_are_normalised():
    third = "0.3333"
    result = rules.allocate_globalised_hours(
        1,
        {"A": 0, "B": 0, "C": 0},
        key="manual",
        manual_shares={"A": third, "B": third, "C": "0.3334"},
    )
    assert result == {"A": D("0.33"), "B": D("0.33"), "C": D("0.34")}


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"lot_required": {}}, "ne couvre aucun lot"),
        ({"lot_required": {"A": 0, "B": 0}}, "aucun lot de la convention n'a d'heures requises"),
        ({"key": "magic"}, "Clé de répartition inconnue"),
        ({"key": "manual"}, "demande une part pour chaque lot"),
        ({"key": "manual", "manual_shares": {"A": 0.5, "B": 0.4}}, "totaliser 100 %"),
        (
            {"key": "manual", "manual_shares": {"A": 1}},
            "aucune part n'est donnée pour ces lots : B",
        ),
        (
            {"key": "manual", "manual_shares": {"A": 0.5, "B": 0.25, "Z": 0.25}},
            "ne font pas partie de la convention : Z",
        ),
        ({"hours": -1}, "ne peut pas être négatif"),
    ],
)
def test_allocate_rejects(kwargs, fragment):
    args = {"hours": 10, "lot_required": {"A": 1, "B": 1}, **kwargs}
    with pytest.raises(ValidationError) as caught:
        rules.allocate_globalised_hours(**args)
    assert fragment in str(caught.value)
