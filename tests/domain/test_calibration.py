"""Calibration of required hours (product.md §3.1, domain.md §3.1)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from asr_desktop.domain import rules
from asr_desktop.domain.enums import CalibrationMethod
from asr_desktop.domain.errors import ValidationError


@pytest.mark.parametrize(
    ("amount", "labour", "rate", "cost", "expected"),
    [
        # MDE Sud 77 example (domain.md §3.1): 1 000 000 × 50 % × 5 % ÷ 30 = 833,33… → 833
        (1_000_000, "0.5", "0.05", 30, D("833")),
        # 100 000 × 50 % × 5 % ÷ 30 = 83,33 → 83
        (100_000, "0.5", "0.05", 30, D("83")),
        # 5 010 × 1 × 0,1 ÷ 1 = 501 exactly
        (5_010, 1, "0.1", 1, D("501")),
        # HALF_UP at the half: 667 × 1 × 0,5 ÷ 1 = 333,5 → 334
        (667, 1, "0.5", 1, D("334")),
        # 665 × 1 × 0,5 = 332,5 → 333 (HALF_UP, not banker's rounding which would give 332)
        (665, 1, "0.5", 1, D("333")),
        # cleaning sector preset: 200 000 × 80 % × 10 % ÷ 20 = 800
        (200_000, "0.8", "0.1", 20, D("800")),
        (0, "0.5", "0.05", 30, D("0")),
        (D("1000000"), D("0.5"), D("0.05"), D("30"), D("833")),
        (1_000_000.0, 0.5, 0.05, 30.0, D("833")),  # floats go through str, not binary
    ],
)
def test_formula(amount, labour, rate, cost, expected):
    assert rules.required_hours_formula(amount, labour, rate, cost) == expected


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"hourly_cost": 0}, "hourly_cost", "Le coût horaire doit être supérieur à zéro."),
        ({"hourly_cost": -5}, "hourly_cost", "Le coût horaire doit être supérieur à zéro."),
        ({"amount_ht": -1}, "amount_ht", "Le montant HT ne peut pas être négatif."),
        ({"labour_share": "1.2"}, "labour_share", "La part de main-d'œuvre doit être comprise"),
        ({"labour_share": -0.1}, "labour_share", "comprise entre 0 et 1"),
        ({"insertion_rate": 5}, "insertion_rate", "Le taux d'insertion doit être compris"),
        ({"amount_ht": "abc"}, "amount_ht", "Le montant HT doit être un nombre"),
        ({"amount_ht": None}, "amount_ht", "Le montant HT est obligatoire."),
        ({"hourly_cost": True}, "hourly_cost", "doit être un nombre"),
        ({"hourly_cost": float("nan")}, "hourly_cost", "nombre fini"),
    ],
)
def test_formula_rejects_bad_inputs(kwargs, field, fragment):
    args = {"amount_ht": 1000, "labour_share": 0.5, "insertion_rate": 0.05, "hourly_cost": 30}
    args.update(kwargs)
    with pytest.raises(ValidationError) as caught:
        rules.required_hours_formula(**args)
    assert caught.value.field == field
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("amount", "euros_per_hour", "expected"),
    [
        (500_000, 2_000, D("250")),  # 1 h per 2 000 € (beta.gouv 21BAM048, domain.md §3.1)
        (1_001_000, 2_000, D("501")),  # 500,5 → 501
        (999, 2_000, D("0")),  # 0,4995 → 0
        (1_000, 2_000, D("1")),  # 0,5 → 1 (HALF_UP)
    ],
)
def test_per_euro(amount, euros_per_hour, expected):
    assert rules.required_hours_per_euro(amount, euros_per_hour) == expected


def test_per_euro_rejects_zero_ratio():
    with pytest.raises(ValidationError) as caught:
        rules.required_hours_per_euro(500_000, 0)
    assert caught.value.field == "euros_per_hour"


@pytest.mark.parametrize(
    ("total", "ratio", "expected"),
    [
        (20_000, "0.05", D("1000")),
        (12_345, "0.07", D("864")),  # 864,15 → 864
        (10_001, "0.05", D("500")),  # 500,05 → 500
        (0, "0.1", D("0")),
    ],
)
def test_percent_of_hours(total, ratio, expected):
    assert rules.required_hours_percent(total, ratio) == expected


def test_percent_of_hours_wants_a_ratio():
    with pytest.raises(ValidationError) as caught:
        rules.required_hours_percent(20_000, 5)  # 5 means 500 %: refused, write 0.05
    assert caught.value.field == "hours_percent"


@pytest.mark.parametrize(
    ("turnover", "rate", "transferred", "months", "per_hour", "expected"),
    [
        # A = 600 000 € over N = 36 months, T = 5 %, S = 200 h/month, C = 25:
        # A/N = 16 666,67 ; S×C = 5 000 ; P = 1 − 5 000 / 16 666,67 = 0,7
        # A/C = 24 000 h ; × P = 16 800 ; × T = 840 h
        (600_000, "0.05", 200, 36, 25, D("840")),
        # no transferred staff: P = 1 → 600 000 / 25 × 5 % = 1 200
        (600_000, "0.05", 0, 36, 25, D("1200")),
        # S×C = 25 000 ≥ A/N = 16 666,67 → P clamped to 0 → 0 h
        (600_000, "0.05", 1_000, 36, 25, D("0")),
        # A = 120 000 over 12 months, S = 100 h, C = 25: A/N = 10 000, S×C = 2 500, P = 0,75
        # A/C = 4 800 h × 0,75 = 3 600 × 10 % = 360 h
        (120_000, "0.10", 100, 12, 25, D("360")),
        # small lot: 50 000 / 25 × 5 % = 100 h (below the 150 h advice threshold)
        (50_000, "0.05", 0, 12, 25, D("100")),
        (0, "0.05", 10, 12, 25, D("0")),
        # C = 20: 60 000 / 20 × 10 % = 300
        (60_000, "0.10", 0, 12, 20, D("300")),
    ],
)
def test_cleaning(turnover, rate, transferred, months, per_hour, expected):
    assert rules.required_hours_cleaning(turnover, rate, transferred, months, per_hour) == expected


def test_cleaning_default_turnover_per_hour_is_25():
    assert rules.required_hours_cleaning(600_000, "0.05", 200, 36) == D("840")


@pytest.mark.parametrize(
    ("transferred", "expected"),
    [(0, D(1)), (200, D("0.7")), (1_000, D(0)), (10_000, D(0))],
)
def test_cleaning_weighting_is_clamped(transferred, expected):
    assert rules.cleaning_weighting(600_000, transferred, 36, 25) == expected


@pytest.mark.parametrize(
    ("hours", "minimum", "advised"),
    [(D("149"), 150, False), (D("150"), 150, True), (D("840"), 150, True), (0, 150, False)],
)
def test_cleaning_advice_threshold(hours, minimum, advised):
    assert rules.cleaning_clause_advised(hours, minimum) is advised


def test_cleaning_rejects_zero_months():
    with pytest.raises(ValidationError) as caught:
        rules.required_hours_cleaning(600_000, "0.05", 0, 0)
    assert caught.value.field == "months"


@pytest.mark.parametrize(
    ("typed", "expected"), [(1500, D("1500")), ("120.4", D("120")), ("120.5", D("121"))]
)
def test_manual_is_rounded_like_the_others(typed, expected):
    assert rules.required_hours_manual(typed) == expected


def test_manual_rejects_negative():
    with pytest.raises(ValidationError):
        rules.required_hours_manual(-3)


@pytest.mark.parametrize(
    ("method", "inputs", "expected"),
    [
        (
            CalibrationMethod.FORMULA,
            {
                "amount_ht": 1_000_000,
                "labour_share": "0.5",
                "insertion_rate": "0.05",
                "hourly_cost": 30,
            },
            D("833"),
        ),
        ("per-euro", {"amount_ht": 500_000, "euros_per_hour": 2_000}, D("250")),
        ("percent-hours", {"estimated_total_hours": 20_000, "hours_percent": "0.05"}, D("1000")),
        (
            "cleaning",
            {
                "amount_ht": 600_000,
                "insertion_rate": "0.05",
                "months": 36,
                "transferred_monthly_hours": 200,
            },
            D("840"),
        ),
        ("manual", {"required_hours": 1_500}, D("1500")),
    ],
)
def test_calibrate_dispatches(method, inputs, expected):
    result = rules.calibrate(method, **inputs)
    assert result.method == CalibrationMethod(method)
    assert result.required_hours == expected


def test_calibrate_keeps_inputs_for_audit():
    result = rules.calibrate(
        "formula", amount_ht=1_000_000, labour_share="0.5", insertion_rate="0.05", hourly_cost=30
    )
    assert (result.amount_ht, result.labour_share, result.insertion_rate, result.hourly_cost) == (
        D("1000000"),
        D("0.5"),
        D("0.05"),
        D("30"),
    )
    assert result.euros_per_hour is None


def test_calibrate_cleaning_records_defaults_and_advice():
    result = rules.calibrate(
        "cleaning", amount_ht=50_000, insertion_rate="0.05", months=12, min_hours=150
    )
    assert result.required_hours == D("100")
    assert result.turnover_per_hour == D("25")
    assert result.transferred_monthly_hours == D("0")
    assert result.note == (
        "Résultat inférieur à 150 h : la formule propreté déconseille de prévoir une clause sur "
        "ce lot."
    )


def test_calibrate_cleaning_above_threshold_has_no_note():
    result = rules.calibrate(
        "cleaning", amount_ht=600_000, insertion_rate="0.05", months=36, min_hours=150
    )
    assert result.note is None


@pytest.mark.parametrize(
    ("method", "inputs", "missing", "message"),
    [
        (
            "formula",
            {"amount_ht": 1, "labour_share": 0.5, "insertion_rate": 0.05},
            "hourly_cost",
            "Le coût horaire est nécessaire pour la méthode",
        ),
        ("per-euro", {"amount_ht": 1}, "euros_per_hour", "Le montant par heure d'insertion"),
        (
            "percent-hours",
            {"hours_percent": 0.05, "estimated_total_hours": None},
            "estimated_total_hours",
            "Le nombre total d'heures estimé",
        ),
        ("cleaning", {"amount_ht": 1, "insertion_rate": 0.05}, "months", "La durée en mois"),
        ("manual", {"required_hours": ""}, "required_hours", "Le nombre d'heures requises"),
    ],
)
def test_calibrate_names_missing_input(method, inputs, missing, message):
    with pytest.raises(ValidationError) as caught:
        rules.calibrate(method, **inputs)
    assert caught.value.field == missing
    assert message in str(caught.value)


def test_calibrate_refuses_an_input_the_method_does_not_use():
    with pytest.raises(ValidationError) as caught:
        rules.calibrate("per-euro", amount_ht=1, euros_per_hour=2_000, hourly_cost=30)
    assert caught.value.field == "hourly_cost"
    assert "ne sert pas à la méthode" in str(caught.value)


def test_calibrate_refuses_unknown_method():
    with pytest.raises(ValidationError) as caught:
        rules.calibrate("magic", required_hours=1)
    assert caught.value.field == "method"
    assert "« magic »" in str(caught.value)


def test_needed_inputs():
    assert rules.needed_inputs("per-euro") == ("amount_ht", "euros_per_hour")
