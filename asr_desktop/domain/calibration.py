"""Calibration of a lot's required insertion hours (product.md §3.1, domain.md §3.1).

Rounding, the same for every method: **required hours are whole hours, rounded HALF_UP** at the
very end of the computation (intermediate values are exact ``Decimal``). So 1 000 000 € × 50 % ×
5 % ÷ 30 €/h = 833,33… → 833 h, and 833,5 → 834 h.

Shares and rates are ratios between 0 and 1 (``Decimal("0.05")`` means 5 %); the French text
« 5 % » is turned into 0.05 by ``formats.parse_percent`` before it reaches these functions.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from asr_desktop.domain._checks import (
    label,
    non_negative,
    positive,
    round_whole,
    share,
    whole_number,
)
from asr_desktop.domain.enums import CalibrationMethod
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import Calibration

#: Default C of the cleaning formula: € of turnover per hour (80 % labour ÷ 20 €/h), §3.1.
#: Stored as the dated parameter ``cleaning.turnover_per_hour``; callers should pass it.
CLEANING_TURNOVER_PER_HOUR = Decimal("25")


def required_hours_formula(
    amount_ht: object, labour_share: object, insertion_rate: object, hourly_cost: object
) -> Decimal:
    """Generic formula, domain.md §3.1: amount HT × labour share × insertion rate ÷ hourly cost.

    >>> required_hours_formula(1_000_000, "0.5", "0.05", 30)
    Decimal('833')
    """
    amount = non_negative(amount_ht, "amount_ht")
    labour = share(labour_share, "labour_share")
    rate = share(insertion_rate, "insertion_rate")
    cost = positive(hourly_cost, "hourly_cost")
    return round_whole(amount * labour * rate / cost)


def required_hours_per_euro(amount_ht: object, euros_per_hour: object) -> Decimal:
    """One insertion hour per ``euros_per_hour`` € invoiced (frame agreements, domain.md §3.1).

    >>> required_hours_per_euro(500_000, 2_000)
    Decimal('250')
    """
    amount = non_negative(amount_ht, "amount_ht")
    ratio = positive(euros_per_hour, "euros_per_hour")
    return round_whole(amount / ratio)


def required_hours_percent(estimated_total_hours: object, hours_percent: object) -> Decimal:
    """A share of the hours worked on the lot (domain.md §3.1, "percentage of hours worked").

    ``hours_percent`` is a ratio like every other rate here: 0.05 for 5 %.
    """
    total = non_negative(estimated_total_hours, "estimated_total_hours")
    ratio = share(hours_percent, "hours_percent")
    return round_whole(total * ratio)


def cleaning_weighting(
    turnover: object,
    transferred_monthly_hours: object,
    months: object,
    turnover_per_hour: object = CLEANING_TURNOVER_PER_HOUR,
) -> Decimal:
    """P = 1 − (S × C) / (A / N) of the cleaning formula (domain.md §3.1), clamped to 0..1.

    A / N is the monthly turnover of the lot and S × C the monthly turnover already produced by the
    S hours of staff legally transferred with the contract; P is therefore the share of the work
    left for new hires. When the transferred staff already account for the whole monthly turnover
    (S × C ≥ A / N) there is no work to open to insertion and P is clamped to 0 rather than
    becoming negative. A zero turnover also gives 0.
    """
    amount = non_negative(turnover, "turnover")
    transferred = non_negative(transferred_monthly_hours, "transferred_monthly_hours")
    n_months = whole_number(months, "months", minimum=1)
    per_hour = positive(turnover_per_hour, "turnover_per_hour")
    if amount == 0:
        return Decimal(0)
    weighting = 1 - transferred * per_hour * n_months / amount
    return max(Decimal(0), weighting)


def required_hours_cleaning(
    turnover: object,
    insertion_rate: object,
    transferred_monthly_hours: object,
    months: object,
    turnover_per_hour: object = CLEANING_TURNOVER_PER_HOUR,
) -> Decimal:
    """Cleaning-sector formula (PACT Propreté / Inserpropre, domain.md §3.1): P × A / C × T.

    A = estimated turnover of the lot over the period, T = insertion rate, C = € of turnover per
    hour (default 25), N = months, S = monthly hours of transferred staff, P as in
    :func:`cleaning_weighting`. Whether the result is worth a clause is answered by
    :func:`cleaning_clause_advised`.
    """
    weighting = cleaning_weighting(turnover, transferred_monthly_hours, months, turnover_per_hour)
    rate = share(insertion_rate, "insertion_rate")
    amount = non_negative(turnover, "turnover")
    per_hour = positive(turnover_per_hour, "turnover_per_hour")
    return round_whole(weighting * amount / per_hour * rate)


def cleaning_clause_advised(required_hours: object, min_hours: object) -> bool:
    """False when the cleaning formula gives fewer than ``min_hours`` (parameter
    ``cleaning.min_hours``, 150 h by default): the PACT Propreté tool then advises against a
    clause (domain.md §3.1). Exactly ``min_hours`` is still advised."""
    return non_negative(required_hours, "required_hours") >= non_negative(min_hours, "min_hours")


def required_hours_manual(hours: object) -> Decimal:
    """Hours typed by hand (e.g. read in the CCAP); rounded HALF_UP to the whole hour like every
    other method, so that required hours are always whole."""
    return round_whole(non_negative(hours, "required_hours"))


# --- dispatcher -------------------------------------------------------------------------------

_NEEDED: dict[CalibrationMethod, tuple[str, ...]] = {
    CalibrationMethod.FORMULA: ("amount_ht", "labour_share", "insertion_rate", "hourly_cost"),
    CalibrationMethod.PER_EURO: ("amount_ht", "euros_per_hour"),
    CalibrationMethod.PERCENT_HOURS: ("estimated_total_hours", "hours_percent"),
    CalibrationMethod.CLEANING: ("amount_ht", "insertion_rate", "months"),
    CalibrationMethod.MANUAL: ("required_hours",),
}
_OPTIONAL: dict[CalibrationMethod, tuple[str, ...]] = {
    CalibrationMethod.CLEANING: ("transferred_monthly_hours", "turnover_per_hour", "min_hours"),
}
_COMMON_OPTIONAL = ("note",)


def needed_inputs(method: CalibrationMethod | str) -> tuple[str, ...]:
    """Names of the inputs a method needs (the UI greys out the others)."""
    return _NEEDED[_method(method)]


def _method(method: CalibrationMethod | str) -> CalibrationMethod:
    try:
        return CalibrationMethod(method)
    except ValueError:
        known = ", ".join(m.value for m in CalibrationMethod)
        raise ValidationError(
            f"Méthode de calcul inconnue : « {method} » (méthodes possibles : {known}).", "method"
        ) from None


def _check_inputs(method: CalibrationMethod, inputs: dict[str, object]) -> dict[str, object]:
    given = {k: v for k, v in inputs.items() if v is not None and v != ""}
    for name in _NEEDED[method]:
        if name not in given:
            raise ValidationError(
                f"{label(name).text} est nécessaire pour la méthode « {method.label} ».", name
            )
    allowed = set(_NEEDED[method]) | set(_OPTIONAL.get(method, ())) | set(_COMMON_OPTIONAL)
    for name in given:
        if name not in allowed:
            raise ValidationError(
                f"{label(name).text} ne sert pas à la méthode « {method.label} ».", name
            )
    return given


def _cleaning(inputs: dict[str, object]) -> Calibration:
    transferred = inputs.get("transferred_monthly_hours", 0)
    per_hour = inputs.get("turnover_per_hour", CLEANING_TURNOVER_PER_HOUR)
    hours = required_hours_cleaning(
        inputs["amount_ht"], inputs["insertion_rate"], transferred, inputs["months"], per_hour
    )
    note = inputs.get("note")
    if "min_hours" in inputs and not cleaning_clause_advised(hours, inputs["min_hours"]):
        minimum = non_negative(inputs["min_hours"], "min_hours")
        note = (
            f"Résultat inférieur à {minimum.normalize():f} h : la formule propreté déconseille "
            "de prévoir une clause sur ce lot."
        )
    return Calibration(
        method=CalibrationMethod.CLEANING,
        required_hours=hours,
        amount_ht=non_negative(inputs["amount_ht"], "amount_ht"),
        insertion_rate=share(inputs["insertion_rate"], "insertion_rate"),
        transferred_monthly_hours=non_negative(transferred, "transferred_monthly_hours"),
        months=whole_number(inputs["months"], "months", minimum=1),
        turnover_per_hour=positive(per_hour, "turnover_per_hour"),
        note=note,
    )


def _formula(inputs: dict[str, object]) -> Calibration:
    return Calibration(
        method=CalibrationMethod.FORMULA,
        required_hours=required_hours_formula(
            inputs["amount_ht"],
            inputs["labour_share"],
            inputs["insertion_rate"],
            inputs["hourly_cost"],
        ),
        amount_ht=non_negative(inputs["amount_ht"], "amount_ht"),
        labour_share=share(inputs["labour_share"], "labour_share"),
        insertion_rate=share(inputs["insertion_rate"], "insertion_rate"),
        hourly_cost=positive(inputs["hourly_cost"], "hourly_cost"),
        note=inputs.get("note"),
    )


def _per_euro(inputs: dict[str, object]) -> Calibration:
    return Calibration(
        method=CalibrationMethod.PER_EURO,
        required_hours=required_hours_per_euro(inputs["amount_ht"], inputs["euros_per_hour"]),
        amount_ht=non_negative(inputs["amount_ht"], "amount_ht"),
        euros_per_hour=positive(inputs["euros_per_hour"], "euros_per_hour"),
        note=inputs.get("note"),
    )


def _percent(inputs: dict[str, object]) -> Calibration:
    return Calibration(
        method=CalibrationMethod.PERCENT_HOURS,
        required_hours=required_hours_percent(
            inputs["estimated_total_hours"], inputs["hours_percent"]
        ),
        estimated_total_hours=non_negative(
            inputs["estimated_total_hours"], "estimated_total_hours"
        ),
        hours_percent=share(inputs["hours_percent"], "hours_percent"),
        note=inputs.get("note"),
    )


def _manual(inputs: dict[str, object]) -> Calibration:
    return Calibration(
        method=CalibrationMethod.MANUAL,
        required_hours=required_hours_manual(inputs["required_hours"]),
        note=inputs.get("note"),
    )


_BUILDERS: dict[CalibrationMethod, Callable[[dict[str, object]], Calibration]] = {
    CalibrationMethod.FORMULA: _formula,
    CalibrationMethod.PER_EURO: _per_euro,
    CalibrationMethod.PERCENT_HOURS: _percent,
    CalibrationMethod.CLEANING: _cleaning,
    CalibrationMethod.MANUAL: _manual,
}


def calibrate(method: CalibrationMethod | str, **inputs: object) -> Calibration:
    """Size a lot's clause with ``method`` and keep the inputs with the result.

    Input names are the fields of :class:`~asr_desktop.domain.model.Calibration`:

    - ``formula``: amount_ht, labour_share, insertion_rate, hourly_cost;
    - ``per-euro``: amount_ht, euros_per_hour;
    - ``percent-hours``: estimated_total_hours, hours_percent (ratio);
    - ``cleaning``: amount_ht (turnover A of the lot over the period), insertion_rate, months;
      optional transferred_monthly_hours (default 0), turnover_per_hour (default 25) and
      min_hours (the ``cleaning.min_hours`` parameter: below it the note advises against a
      clause);
    - ``manual``: required_hours.

    ``note`` is accepted by every method. ``None`` or empty values count as absent (the command
    line passes every option). A missing input, or one the method does not use, raises
    ``ValidationError`` naming it.
    """
    chosen = _method(method)
    return _BUILDERS[chosen](_check_inputs(chosen, inputs))
