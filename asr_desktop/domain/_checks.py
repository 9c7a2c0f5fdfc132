"""Input checks shared by the rules: numbers to ``Decimal``, signs, shares, French messages.

Every check raises :class:`~asr_desktop.domain.errors.ValidationError` with a French sentence
that names the field in words and carries its English identifier in ``field``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from asr_desktop.domain.errors import ValidationError

HOUR_QUANTUM = Decimal("0.01")  # credited hours, forecasts, FTE: to the hundredth
CENT = Decimal("0.01")
WHOLE = Decimal("1")


class Label(NamedTuple):
    """French wording of a field, with its article, and its grammatical gender."""

    text: str
    feminine: bool = False


LABELS: dict[str, Label] = {
    "amount_ht": Label("Le montant HT"),
    "turnover": Label("Le chiffre d'affaires estimé du lot"),
    "labour_share": Label("La part de main-d'œuvre", True),
    "insertion_rate": Label("Le taux d'insertion"),
    "hourly_cost": Label("Le coût horaire"),
    "euros_per_hour": Label("Le montant par heure d'insertion"),
    "estimated_total_hours": Label("Le nombre total d'heures estimé"),
    "hours_percent": Label("Le pourcentage des heures travaillées"),
    "transferred_monthly_hours": Label("Le volume mensuel d'heures du personnel transféré"),
    "months": Label("La durée en mois", True),
    "turnover_per_hour": Label("Le chiffre d'affaires par heure"),
    "required_hours": Label("Le nombre d'heures requises"),
    "min_hours": Label("Le seuil d'heures", False),
    "worked_hours": Label("Le nombre d'heures travaillées"),
    "training_hours": Label("Le nombre d'heures de formation"),
    "invoice_amount": Label("Le montant facturé"),
    "hours": Label("Le nombre d'heures"),
    "credited_hours": Label("Le nombre d'heures créditées"),
    "credited": Label("Le nombre d'heures créditées"),
    "max_monthly_hours": Label("Le maximum mensuel d'heures"),
    "max_months_after_first_hire": Label("La durée maximale de comptage", True),
    "penalty_per_hour": Label("La pénalité par heure manquante", True),
    "shortfall_hours": Label("Le nombre d'heures manquantes"),
    "planned_monthly_hours": Label("Le volume mensuel d'heures prévu"),
    "pace_months": Label("Le nombre de mois pris pour le rythme"),
    "people": Label("Le nombre de personnes"),
    "weekly_hours": Label("La durée hebdomadaire", True),
    "share": Label("La part", True),
    "annual_hours": Label("La durée annuelle d'un ETP", True),
    "years": Label("La durée de conservation", True),
    "count": Label("L'effectif"),
    "threshold": Label("Le seuil des petits effectifs"),
    "duration_days": Label("La durée du contrat", True),
    "late_below": Label("Le seuil de retard"),
}


def label(field: str) -> Label:
    return LABELS.get(field, Label(f"La valeur « {field} »", True))


def agree(label_: Label, masculine: str, feminine: str) -> str:
    """Pick the adjective agreeing with the field's gender."""
    return feminine if label_.feminine else masculine


def to_decimal(value: object, field: str) -> Decimal:
    """Convert an int, a ``Decimal``, a float or a plain numeric string to a finite ``Decimal``.

    Floats go through ``str`` so that ``0.05`` becomes ``Decimal("0.05")``, not its binary value.
    French text (« 1 234,50 ») is the business of ``formats.parse_*``, not of this function.
    """
    lab = label(field)
    if value is None:
        raise ValidationError(f"{lab.text} est obligatoire.", field)
    if isinstance(value, bool):
        raise ValidationError(f"{lab.text} doit être un nombre.", field)
    try:
        if isinstance(value, Decimal):
            result = value
        elif isinstance(value, int):
            result = Decimal(value)
        elif isinstance(value, float):
            result = Decimal(str(value))
        elif isinstance(value, str):
            result = Decimal(value.strip())
        else:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError(
            f"{lab.text} doit être un nombre (valeur reçue : « {value} »).", field
        ) from None
    if not result.is_finite():
        raise ValidationError(f"{lab.text} doit être un nombre fini.", field)
    return result


def non_negative(value: object, field: str) -> Decimal:
    result = to_decimal(value, field)
    if result < 0:
        lab = label(field)
        raise ValidationError(
            f"{lab.text} ne peut pas être {agree(lab, 'négatif', 'négative')}.", field
        )
    return result


def positive(value: object, field: str) -> Decimal:
    result = to_decimal(value, field)
    if result <= 0:
        lab = label(field)
        raise ValidationError(
            f"{lab.text} doit être {agree(lab, 'supérieur', 'supérieure')} à zéro.", field
        )
    return result


def share(value: object, field: str) -> Decimal:
    """A ratio between 0 and 1 inclusive (0.05 means 5 %)."""
    result = to_decimal(value, field)
    if not Decimal(0) <= result <= Decimal(1):
        lab = label(field)
        raise ValidationError(
            f"{lab.text} doit être {agree(lab, 'compris', 'comprise')} entre 0 et 1 "
            f"(soit entre 0 % et 100 %) ; valeur reçue : {result}.",
            field,
        )
    return result


def whole_number(value: object, field: str, *, minimum: int = 0) -> int:
    """A whole number (int or integral Decimal, as dated parameters are) not below ``minimum``."""
    result = to_decimal(value, field)
    lab = label(field)
    if result != result.to_integral_value():
        raise ValidationError(f"{lab.text} doit être un nombre entier.", field)
    if result < minimum:
        raise ValidationError(
            f"{lab.text} doit être {agree(lab, 'supérieur', 'supérieure')} ou "
            f"{agree(lab, 'égal', 'égale')} à {minimum}.",
            field,
        )
    return int(result)


def round_whole(value: Decimal) -> Decimal:
    """Round HALF_UP to the whole unit (required hours)."""
    return value.quantize(WHOLE, rounding=ROUND_HALF_UP)


def round_hundredth(value: Decimal) -> Decimal:
    """Round HALF_UP to two decimals (credited hours, amounts, forecasts)."""
    return value.quantize(HOUR_QUANTUM, rounding=ROUND_HALF_UP)
