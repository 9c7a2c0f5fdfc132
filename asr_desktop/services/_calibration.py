"""Calibration of a lot with the dated parameters in force (used by ``ClauseService``).

The rule itself is ``rules.calibrate``; this module only fills the inputs the adviser left
empty with the parameters in force at the market's reference date, and checks rates first so
that « 50 » for 50 % gets a helpful message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date

from sqlalchemy.orm import Session

from asr_desktop.domain import parameters as params
from asr_desktop.domain import rules
from asr_desktop.domain.enums import CalibrationMethod, MarketKind
from asr_desktop.domain.model import Calibration, Market, Operation
from asr_desktop.persistence.repositories.settings import ParameterRepository
from asr_desktop.services import _validation as check

_RATIO_INPUTS = {
    "labour_share": "La part de main-d'œuvre",
    "insertion_rate": "Le taux d'insertion",
    "hours_percent": "Le pourcentage des heures travaillées",
}
#: Inputs of a stored Calibration that are not inputs of the rule.
_NOT_INPUTS = {"method", "required_hours"}


def reference_date(market: Market, today: date | None = None) -> date:
    """The date whose parameters apply to a market: notification, else start, else today."""
    return market.notification_date or market.start_date or today or date.today()


def inputs_of(calibration: Calibration) -> dict[str, object]:
    """The inputs kept on a calibration, as ``rules.calibrate`` takes them back."""
    names = {f.name for f in fields(Calibration)} - _NOT_INPUTS
    result: dict[str, object] = {
        n: getattr(calibration, n) for n in names if getattr(calibration, n) is not None
    }
    if calibration.method is CalibrationMethod.MANUAL:
        result["required_hours"] = calibration.required_hours
    return result


def _parameter(repo: ParameterRepository, key: str, on: date):
    """The value of ``key`` on ``on``, or None when the key is neither stored nor documented."""
    rows = repo.list(key)
    if not rows and key not in params.SPECS_BY_KEY:
        return None
    return params.value_at(rows, key, on)


def resolve(
    session: Session,
    market: Market,
    operation: Operation,
    method: CalibrationMethod | str,
    inputs: Mapping[str, object],
    lot_amount: object = None,
) -> Calibration:
    """Compute a lot's calibration, filling empty inputs from the dated parameters.

    Defaults, all taken at :func:`reference_date` of the market:

    - ``amount_ht``: the lot's amount HT (formula, per-euro and cleaning methods);
    - ``hourly_cost``: parameter ``hourly_cost`` (formula);
    - ``insertion_rate``: ``insertion_rate.anru_works`` for a works market of an ANRU
      operation, ``insertion_rate.default`` otherwise (formula, cleaning);
    - ``labour_share``: ``labour_share.<sector of the market>`` when such a parameter exists
      (formula);
    - ``turnover_per_hour`` and ``min_hours``: ``cleaning.turnover_per_hour`` and
      ``cleaning.min_hours`` (cleaning).
    """
    chosen = check.enum_value(CalibrationMethod, method, "method", "La méthode de calcul")
    given = {k: v for k, v in inputs.items() if v is not None and v != ""}
    for name, what in _RATIO_INPUTS.items():
        if name in given:
            given[name] = check.ratio(given[name], name, what)
    on = reference_date(market)
    repo = ParameterRepository(session)

    def default(name: str, key: str) -> None:
        if name not in given:
            value = _parameter(repo, key, on)
            if value is not None:
                given[name] = value

    if (
        chosen
        in (CalibrationMethod.FORMULA, CalibrationMethod.PER_EURO, CalibrationMethod.CLEANING)
        and "amount_ht" not in given
        and lot_amount is not None
    ):
        given["amount_ht"] = lot_amount
    rate_key = (
        "insertion_rate.anru_works"
        if operation.anru and market.kind is MarketKind.WORKS
        else "insertion_rate.default"
    )
    if chosen is CalibrationMethod.FORMULA:
        default("hourly_cost", "hourly_cost")
        default("insertion_rate", rate_key)
        default("labour_share", f"labour_share.{market.sector.value}")
    elif chosen is CalibrationMethod.CLEANING:
        default("insertion_rate", rate_key)
        default("turnover_per_hour", "cleaning.turnover_per_hour")
        default("min_hours", "cleaning.min_hours")
    return rules.calibrate(chosen, **given)
