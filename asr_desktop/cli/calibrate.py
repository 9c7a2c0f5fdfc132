"""``asr-desktop calibrate --method M …``: the required insertion hours of a lot (product.md §3.1).

The last line on standard output is the number of hours, a whole number rounded as the rule
rounds (HALF_UP), so scripts can read it. Inputs left out are taken from the dated parameters
in force at ``--date`` (today by default): those of the base given with ``--db``, otherwise the
documented defaults (``domain.parameters``). ``--details`` lists every input used, in French,
with where it came from.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from asr_desktop.cli._parser import (
    amount_value,
    date_value,
    hours_value,
    months_value,
    ratio_value,
)
from asr_desktop.domain import parameters, rules
from asr_desktop.domain.enums import CalibrationMethod, Sector
from asr_desktop.domain.errors import NotFound, ValidationError
from asr_desktop.domain.formats import (
    format_amount,
    format_date,
    format_hours,
    format_percent,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Input:
    """One input of the rules, as an option of the command line."""

    name: str  # argument of rules.calibrate
    option: str
    label: str
    parse: Callable[[str], object]
    show: Callable[[object], str]
    help: str


def _per_hour(value: object) -> str:
    return f"{format_amount(value)}/h"


def _percent(value: object) -> str:
    return format_percent(value, 2)


INPUTS: tuple[Input, ...] = (
    Input("amount_ht", "--amount", "Montant HT", amount_value, format_amount,
          "montant HT du lot, en euros (méthodes formula, per-euro ; cleaning : chiffre "
          "d'affaires estimé sur la période)"),
    Input("labour_share", "--labour-share", "Part de main-d'œuvre", ratio_value, _percent,
          "part de main-d'œuvre, ex. 0,5 ou 50 %% (formula)"),
    Input("insertion_rate", "--rate", "Taux d'insertion", ratio_value, _percent,
          "taux d'insertion, ex. 0,05 ou 5 %% (formula, cleaning)"),
    Input("hourly_cost", "--hourly-cost", "Coût horaire chargé", amount_value, _per_hour,
          "coût horaire chargé en euros (formula)"),
    Input("euros_per_hour", "--euros-per-hour", "Montant facturé par heure d'insertion",
          amount_value, format_amount, "une heure d'insertion par tranche de N euros (per-euro)"),
    Input("estimated_total_hours", "--total-hours", "Heures travaillées estimées", hours_value,
          format_hours, "total estimé des heures travaillées sur le lot (percent-hours)"),
    Input("hours_percent", "--hours-percent", "Part des heures travaillées", ratio_value,
          _percent, "part des heures travaillées réservée à l'insertion (percent-hours)"),
    Input("months", "--months", "Durée", months_value, lambda v: f"{v} mois",
          "durée du marché en mois (cleaning)"),
    Input("transferred_monthly_hours", "--transferred-hours",
          "Heures mensuelles du personnel transféré", hours_value, format_hours,
          "heures mensuelles du personnel repris (cleaning, 0 par défaut)"),
    Input("turnover_per_hour", "--turnover-per-hour", "Chiffre d'affaires par heure (C)",
          amount_value, _per_hour, "chiffre d'affaires par heure (cleaning)"),
    Input("min_hours", "--min-hours", "Seuil de la formule propreté", hours_value, format_hours,
          "en deçà, la formule propreté déconseille la clause (cleaning)"),
    Input("required_hours", "--hours", "Heures saisies", hours_value, format_hours,
          "nombre d'heures fixé à la main, ex. lu dans le CCAP (manual)"),
)  # fmt: skip
INPUTS_BY_NAME = {i.name: i for i in INPUTS}


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "calibrate",
        help="calculer les heures d'insertion à prévoir",
        description="Calcule le nombre d'heures d'insertion d'un lot. La dernière ligne écrite "
        "est ce nombre d'heures (entier, arrondi au plus proche).",
    )
    methods = ", ".join(f"{m.value} ({m.label})" for m in CalibrationMethod)
    parser.add_argument(
        "--method",
        "--methode",
        dest="method",
        required=True,
        choices=[m.value for m in CalibrationMethod],
        metavar="MÉTHODE",
        help=f"méthode de calcul : {methods}",
    )
    for item in INPUTS:
        parser.add_argument(
            item.option, dest=item.name, type=item.parse, metavar="VALEUR", help=item.help
        )
    parser.add_argument(
        "--sector",
        "--secteur",
        dest="sector",
        choices=[s.value for s in Sector],
        metavar="SECTEUR",
        help="secteur, pour la part de main-d'œuvre par défaut : "
        + ", ".join(s.value for s in Sector),
    )
    parser.add_argument(
        "--anru",
        action="store_true",
        help="travaux d'une opération ANRU : taux d'insertion ANRU par défaut",
    )
    parser.add_argument(
        "--date",
        dest="on",
        type=date_value,
        metavar="DATE",
        help="date des paramètres en vigueur (par défaut : aujourd'hui)",
    )
    parser.add_argument(
        "--db", type=Path, metavar="CHEMIN", help="prendre les paramètres datés de cette base"
    )
    parser.add_argument(
        "--details", action="store_true", help="afficher les valeurs utilisées et leur origine"
    )
    parser.set_defaults(run=run)


def _default_keys(args: argparse.Namespace) -> dict[str, str]:
    """Inputs that dated parameters may fill for the chosen method, with their keys."""
    rate_key = "insertion_rate.anru_works" if args.anru else "insertion_rate.default"
    method = CalibrationMethod(args.method)
    if method is CalibrationMethod.FORMULA:
        keys = {"hourly_cost": "hourly_cost", "insertion_rate": rate_key}
        if args.sector:
            keys["labour_share"] = f"labour_share.{args.sector}"
        return keys
    if method is CalibrationMethod.CLEANING:
        return {
            "insertion_rate": rate_key,
            "turnover_per_hour": "cleaning.turnover_per_hour",
            "min_hours": "cleaning.min_hours",
        }
    return {}


def _parameter_reader(db_path: Path | None):
    """(value_at(key, on) -> Decimal | None, close()) from the base or the documented defaults."""
    if db_path is None:

        def documented(key: str, on: date) -> Decimal | None:
            try:
                return parameters.value_at((), key, on)
            except KeyError:
                return None

        return documented, lambda: None

    from asr_desktop.cli._access import open_services_for  # deferred: SQLAlchemy

    services = open_services_for(db_path, read_only=True)

    def stored(key: str, on: date) -> Decimal | None:
        try:
            return services.parameters.value_at(key, on)
        except NotFound:
            return None

    return stored, services.close


def _origin(key: str, on: date, from_db: bool) -> str:
    spec = parameters.SPECS_BY_KEY.get(key)
    name = spec.label if spec else key
    where = "de la base" if from_db else "par défaut"
    return f"paramètre {where} « {name} » en vigueur le {format_date(on)}"


def run(args: argparse.Namespace) -> int:
    on: date = args.on or date.today()
    given = {i.name: getattr(args, i.name) for i in INPUTS if getattr(args, i.name) is not None}
    origins = dict.fromkeys(given, "saisi")
    value_at, close = _parameter_reader(args.db)
    try:
        for name, key in _default_keys(args).items():
            if name not in given and (value := value_at(key, on)) is not None:
                given[name] = value
                origins[name] = _origin(key, on, args.db is not None)
    finally:
        close()
    try:
        calibration = rules.calibrate(args.method, **given)
    except ValidationError as error:
        raise ValidationError(_with_option(error), error.field) from None
    hours = calibration.required_hours
    log.info("Calibrage %s : %s h", args.method, hours)
    if args.details:
        method = CalibrationMethod(args.method)
        print(f"Méthode : {method.value} — {method.label}")
        for name, value in given.items():
            item = INPUTS_BY_NAME[name]
            print(f"{item.label} : {item.show(value)} ({origins[name]})")
        if calibration.note:
            print(f"Remarque : {calibration.note}")
        print(f"Heures d'insertion à prévoir : {format_hours(hours)}")
    elif calibration.note:
        print(f"Remarque : {calibration.note}", file=sys.stderr)
    print(f"{hours:f}")
    return 0


def _with_option(error: ValidationError) -> str:
    """The rule's French message, with the option that sets the field."""
    item = INPUTS_BY_NAME.get(error.field or "")
    if item is None:
        return error.message
    hint = f"option {item.option}"
    if item.name == "labour_share":
        hint += " ou --sector pour la valeur par défaut du secteur"
    return f"{error.message.rstrip('.')} ({hint})."
