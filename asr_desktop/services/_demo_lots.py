"""Demonstration data, part 2: lots and the sizing of their clauses.

Lots are planned with their market (dates, method, rates, publics) but sized only once the
placements are known (:func:`size_lots`): the amount is chosen so that the required hours the
calibration rule gives are in proportion to the hours the lot will really see, and the rule
(``rules.calibrate``) computes the stored result from the inputs kept, exactly as
``ClauseService`` would; rates and coefficients are the dated parameters in force at the
market's notification date unless the clause says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from asr_desktop.domain import parameters as params
from asr_desktop.domain import rules
from asr_desktop.domain.dates import add_months, months_between
from asr_desktop.domain.enums import CalibrationMethod, MarketKind, UserRole
from asr_desktop.domain.formats import format_hours
from asr_desktop.domain.model import Calibration, Parameter
from asr_desktop.services import _demo_catalogue as cat
from asr_desktop.services._demo_clauses import CLAUSE_PUBLICS, MarketPlan, UserPlan
from asr_desktop.services._demo_plan import Context, WeightedChoice, weighted

_THOUSAND = Decimal(1000)


@dataclass(slots=True)
class LotPlan:
    id: int
    market: MarketPlan
    number: str
    title: str
    start: date
    end: date
    method: CalibrationMethod
    inputs: dict[str, object]
    eligible_publics: tuple[str, ...]
    penalty: Decimal
    globalisation_allowed: bool
    training_counted: bool
    conversion_share: Decimal | None
    conversion_cost: Decimal | None
    facilitator_id: int
    weight: float
    with_text: bool
    calibration: Calibration | None = None
    amount: Decimal | None = None
    status: str = "not_started"
    attributions: list[tuple[int, str, Decimal]] = field(default_factory=list)

    @property
    def sector(self) -> str:
        return self.market.operation.sector


_LOTS_WEIGHT = {"batiment": 5.0, "travaux_publics": 2.0}
_SIZE_FACTOR = {"batiment": 1.5, "travaux_publics": 1.2, "informatique": 0.5}


def build_lots(
    ctx: Context, markets: list[MarketPlan], users: list[UserPlan], parameters: list[Parameter]
) -> list[LotPlan]:
    rng = ctx.rng("lots")
    advisers = [u.id for u in users if u.role is UserRole.ADVISER]
    counts = [1] * len(markets)
    chooser = WeightedChoice(
        range(len(markets)), [_LOTS_WEIGHT.get(m.operation.sector, 0.6) for m in markets]
    )
    for _ in range(max(0, ctx.plan.lots - len(markets))):
        counts[chooser.draw(rng)] += 1
    lots: list[LotPlan] = []
    for market, n in zip(markets, counts, strict=True):
        trades = cat.TRADES[market.operation.sector]
        first = rng.randrange(len(trades))
        duration = months_between(market.start, market.end)
        for rank in range(n):
            title = trades[(first + rank) % len(trades)]
            if rank >= len(trades):
                title = f"{title} ({rank // len(trades) + 1})"
            start = add_months(market.start, rng.randint(0, max(0, min(4, duration // 4))))
            end = add_months(market.end, -rng.randint(0, max(0, min(3, duration // 5))))
            end = max(end, add_months(start, 4))
            lots.append(_plan_lot(rng, ctx, len(lots) + 1, market, rank, title, start, end))
            lots[-1].facilitator_id = rng.choice(advisers)
    for lot in lots:
        lot.inputs = _method_inputs(rng, lot, parameters)
    return lots


def _plan_lot(rng, ctx, lot_id, market, rank, title, start, end) -> LotPlan:
    sector, operation = market.operation.sector, market.operation
    reserved = market.mechanism.value.startswith(("L2113", "R2123"))
    if reserved:
        method = weighted(
            rng, [(CalibrationMethod.MANUAL, 7), (CalibrationMethod.PERCENT_HOURS, 3)]
        )
    elif sector == "proprete":
        method = weighted(rng, [(CalibrationMethod.CLEANING, 6), (CalibrationMethod.FORMULA, 4)])
    elif market.frame:
        method = weighted(rng, [(CalibrationMethod.PER_EURO, 5), (CalibrationMethod.FORMULA, 5)])
    else:
        method = weighted(
            rng,
            [
                (CalibrationMethod.FORMULA, 75),
                (CalibrationMethod.PERCENT_HOURS, 15),
                (CalibrationMethod.MANUAL, 10),
            ],
        )
    if operation.anru and rng.random() < 0.5:
        publics: tuple[str, ...] = ("QPV",)
    elif rng.random() < 0.45:
        publics = ()  # the AVE list of clause publics applies
    else:
        local = ("QPV", "PARENT_ISOLE", "REFUGIE", "PPSMJ")
        publics = CLAUSE_PUBLICS + tuple(c for c in local if rng.random() < 0.5)
    specific = rng.random() < 0.1
    return LotPlan(
        id=lot_id,
        market=market,
        number=str(rank + 1),
        title=title,
        start=start,
        end=end,
        method=method,
        inputs={},
        eligible_publics=publics,
        penalty=Decimal(rng.choice((20, 30, 30, 30, 50, 60))),
        globalisation_allowed=rng.random() < 0.25,
        training_counted=rng.random() < 0.85,
        conversion_share=Decimal("0.60") if specific else None,
        conversion_cost=Decimal("28") if specific else None,
        facilitator_id=0,
        weight=min(3.0, max(0.3, rng.lognormvariate(0, 0.6))) * _SIZE_FACTOR.get(sector, 1.0),
        with_text=rng.random() < 0.6,
    )


def _method_inputs(rng, lot: LotPlan, parameters: list[Parameter]) -> dict[str, object]:
    """The rates and coefficients of the lot's method, taken as ``_calibration.resolve`` does:
    the parameters in force at the market's notification date unless the clause says else."""
    market, on = lot.market, lot.market.notification
    rate_key = (
        "insertion_rate.anru_works"
        if market.operation.anru and market.kind is MarketKind.WORKS
        else "insertion_rate.default"
    )
    rate = params.value_at(parameters, rate_key, on)
    if not market.operation.anru and rng.random() < 0.3:
        rate = Decimal(rng.choice(("0.07", "0.10")))
    if lot.method is CalibrationMethod.FORMULA:
        share = Decimal(cat.LABOUR_SHARE[lot.sector])
        if "Peinture" in lot.title:
            share = params.value_at(parameters, "labour_share.peinture", on)
        elif "Charpente" in lot.title or "métallerie" in lot.title:
            share = params.value_at(parameters, "labour_share.charpente_metallique", on)
        return {
            "labour_share": share,
            "insertion_rate": rate,
            "hourly_cost": params.value_at(parameters, "hourly_cost", on),
        }
    if lot.method is CalibrationMethod.PER_EURO:
        return {"euros_per_hour": Decimal(rng.choice((1500, 2000, 2500, 3000)))}
    if lot.method is CalibrationMethod.PERCENT_HOURS:
        return {"hours_percent": Decimal(rng.choice(("0.05", "0.07", "0.10")))}
    if lot.method is CalibrationMethod.CLEANING:
        return {
            "insertion_rate": rate,
            "months": max(1, months_between(lot.start, lot.end) + 1),
            "transferred_monthly_hours": Decimal("151.67") * rng.choice((0, 0, 1, 2, 3)),
            "turnover_per_hour": params.value_at(parameters, "cleaning.turnover_per_hour", on),
            "min_hours": params.value_at(parameters, "cleaning.min_hours", on),
        }
    return {}


def _round(value: Decimal, quantum: Decimal) -> Decimal:
    return (value / quantum).quantize(Decimal(1), ROUND_HALF_UP) * quantum


def size_lots(lots: list[LotPlan], expected_hours: dict[int, float], ctx: Context) -> None:
    """Choose each lot's amount from the hours it will see, then calibrate it with the rule.

    ``expected_hours``: hours the lot's placements will have produced by its end (extrapolated
    for a lot still running). A lot with none gets hours in proportion to its planned size.
    """
    rng = ctx.rng("sizing")
    for lot in lots:
        expected = expected_hours.get(lot.id, 0.0)
        if expected > 0:
            # realisation ends between 55 % and 160 % of the requirement, mostly near 115 %
            target = expected / min(1.6, max(0.55, rng.gauss(1.15, 0.2)))
        else:
            target = 900 * lot.weight
        _calibrate(lot, Decimal(str(round(max(target, 70.0), 2))))
        market = lot.market
        market.amount += lot.amount or 0
    for market in {lot.market.id: lot.market for lot in lots}.values():
        if market.frame:
            market.max_amount = _round(
                market.amount * Decimal(rng.choice(("1.2", "1.5", "2"))), _THOUSAND
            )


def _calibrate(lot: LotPlan, target: Decimal) -> None:
    inputs = dict(lot.inputs)
    method = lot.method
    cost, share = Decimal(30), Decimal("0.5")
    if method is CalibrationMethod.FORMULA:
        amount = (
            target * inputs["hourly_cost"] / (inputs["labour_share"] * inputs["insertion_rate"])
        )
        inputs["amount_ht"] = lot.amount = max(_round(amount, _THOUSAND), _THOUSAND * 20)
    elif method is CalibrationMethod.PER_EURO:
        inputs["amount_ht"] = lot.amount = _round(target * inputs["euros_per_hour"], _THOUSAND)
    elif method is CalibrationMethod.PERCENT_HOURS:
        total = _round(target / inputs["hours_percent"], Decimal(10))
        inputs["estimated_total_hours"] = total
        lot.amount = _round(total * cost / share, _THOUSAND)
    elif method is CalibrationMethod.CLEANING:
        per_hour = inputs["turnover_per_hour"]
        transferred = inputs["transferred_monthly_hours"] * per_hour * inputs["months"]
        amount = target * per_hour / inputs["insertion_rate"] + transferred
        inputs["amount_ht"] = lot.amount = _round(amount, _THOUSAND)
    else:
        hours = max(_round(target, Decimal(10)), Decimal(70))
        inputs = {"required_hours": hours, "note": "Volume d'heures fixé au CCAP."}
        lot.amount = _round(hours * cost / share, _THOUSAND)
    lot.calibration = rules.calibrate(method, **inputs)


def clause_text(lot: LotPlan) -> str | None:
    if not lot.with_text or lot.calibration is None:
        return None
    return (
        f"Action d'insertion : {format_hours(lot.calibration.required_hours)} à réaliser par des "
        "personnes éloignées de l'emploi, selon l'article "
        f"{lot.market.mechanism.value} du code de la commande publique."
    )


def lot_status(lot: LotPlan, credited: Decimal, today: date) -> str:
    if lot.start > today:
        return "not_started"
    if lot.end >= today:
        return "in_progress"
    required = lot.calibration.required_hours if lot.calibration else Decimal(0)
    return "completed" if credited >= required else "closed_shortfall"
