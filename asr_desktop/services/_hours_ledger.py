"""What the hours service needs to check, credit and sum a ledger line (used by
``HoursService``): the dated parameters in force for the month, the eligibility of the person,
the globalisation conventions, and the progress of a lot.

Choices, stated once:

- training hours count when the credited lot counts them *and* the dated parameter
  ``training.counted`` is 1 on the month (the parameter is the territory's switch, the lot's
  flag its contract's rule);
- an invoice amount converts with the lot's coefficients, else the dated parameters
  ``conversion.invoice.labour_share`` / ``conversion.invoice.hourly_cost``;
- eligibility is judged on the first day worked in the month (the month's first day, or the
  placement's start), the proof windows at the placement's start (assessed at entry), against
  the publics of the placement's lot;
- the placement ends at its exit date when that comes before the contract's end date.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from asr_desktop.domain import parameters as params
from asr_desktop.domain.dates import first_of_month, last_of_month, months_between
from asr_desktop.domain.errors import NotFound
from asr_desktop.domain.hours_rules import (
    Credit,
    Flag,
    allocate_globalised_hours,
    check_hours_line,
    credit_hours,
)
from asr_desktop.domain.model import (
    GlobalisationConvention,
    HoursEntry,
    Lot,
    Parameter,
    Placement,
)
from asr_desktop.domain.progress import (
    Forecast,
    Progress,
    RiskStatus,
    forecast_at_end,
    monthly_hours,
    penalty,
    progress,
)
from asr_desktop.persistence.repositories.clauses import LotRepository, MarketRepository
from asr_desktop.persistence.repositories.companies import GlobalisationRepository
from asr_desktop.persistence.repositories.hours import HoursRepository
from asr_desktop.persistence.repositories.participants import EligibilityRepository
from asr_desktop.persistence.repositories.placements import PlacementRepository
from asr_desktop.persistence.repositories.settings import ParameterRepository
from asr_desktop.services._participants_eligibility import clause_check


@dataclass(frozen=True, slots=True)
class LineContext:
    placement: Placement
    month: date
    lot_id: int  # the lot credited
    placement_end: date | None
    eligible: bool
    globalisation_groups: tuple[frozenset[int], ...]
    first_hire: date | None
    max_monthly: Decimal
    max_months: Decimal
    training_counted: bool
    labour_share: Decimal
    hourly_cost: Decimal


@dataclass(frozen=True, slots=True)
class LotProgress:
    """Where a lot's clause stands: progress to date, forecast at its end date (``None``
    without an end date), the penalty the shortfall would cost, and the risk status
    (``None`` when it cannot be judged, without an end date)."""

    lot_id: int
    today: date
    progress: Progress
    forecast: Forecast | None
    penalty: Decimal
    status: RiskStatus | None
    monthly: tuple[tuple[date, Decimal], ...]  # hours credited per month


def _lot(s: Session, lot_id: int) -> Lot:
    found = LotRepository(s).get(lot_id)
    if found is None:
        raise NotFound(f"Le lot n° {lot_id} n'existe pas (ou plus).")
    return found


def _value(rows: list[Parameter], key: str, on: date) -> Decimal:
    return params.value_at(rows, key, on)


def _groups(s: Session, placement_lot: int, month: date) -> tuple[frozenset[int], ...]:
    """Lots pooled with the placement's by the conventions in force during the month."""
    groups = []
    for convention, shares in GlobalisationRepository(s).list(lot_id=placement_lot):
        if convention.start_date is not None and convention.start_date > last_of_month(month):
            continue
        if convention.end_date is not None and convention.end_date < month:
            continue
        groups.append(frozenset(lot_id for lot_id, _share in shares))
    return tuple(groups)


class LineInputs:
    """What :func:`context` reads from the database, remembered for the lines of one
    transaction: a bulk import reads each lot, person and the parameters once. A bulk caller
    may fill the dictionaries beforehand (one query for many people)."""

    def __init__(self, s: Session):
        self._s = s
        self.lots: dict[int, Lot] = {}
        self.eligibility: dict[int, list] = {}
        self.first_hire: dict[int, date | None] = {}
        self._parameters: list[Parameter] | None = None

    def lot(self, lot_id: int) -> Lot:
        if lot_id not in self.lots:
            self.lots[lot_id] = _lot(self._s, lot_id)
        return self.lots[lot_id]

    def parameters(self) -> list[Parameter]:
        if self._parameters is None:
            self._parameters = ParameterRepository(self._s).list()
        return self._parameters

    def records(self, participant_id: int) -> list:
        if participant_id not in self.eligibility:
            self.eligibility[participant_id] = EligibilityRepository(self._s).list(participant_id)
        return self.eligibility[participant_id]

    def first_start(self, participant_id: int) -> date | None:
        if participant_id not in self.first_hire:
            found = PlacementRepository(self._s).first_start(participant_id)
            self.first_hire[participant_id] = found
        return self.first_hire[participant_id]


def context(
    s: Session,
    placement: Placement,
    month: date,
    lot_id: int | None,
    inputs: LineInputs | None = None,
) -> LineContext:
    known = inputs or LineInputs(s)
    target = known.lot(placement.lot_id if lot_id is None else lot_id)
    own_lot = target if target.id == placement.lot_id else known.lot(placement.lot_id)
    rows = known.parameters()
    records = known.records(placement.participant_id)
    judged_on = max(month, placement.start_date)
    eligible, _why = clause_check(
        records, judged_on, placement.start_date, own_lot.eligible_publics
    )
    ends = [d for d in (placement.end_date, placement.exit_date) if d is not None]
    groups: Collection[frozenset[int]] = ()
    if target.id != placement.lot_id:
        groups = _groups(s, placement.lot_id, month)
    return LineContext(
        placement=placement,
        month=month,
        lot_id=target.id,
        placement_end=min(ends) if ends else None,
        eligible=eligible,
        globalisation_groups=tuple(groups),
        first_hire=known.first_start(placement.participant_id),
        max_monthly=_value(rows, "hours.max_monthly", month),
        max_months=_value(rows, "eligibility.max_months_after_first_hire", month),
        training_counted=target.training_hours_counted
        and _value(rows, "training.counted", month) == 1,
        labour_share=target.conversion_labour_share
        or _value(rows, "conversion.invoice.labour_share", month),
        hourly_cost=target.conversion_hourly_cost
        or _value(rows, "conversion.invoice.hourly_cost", month),
    )


def check_line(ctx: LineContext, worked: Decimal, training: Decimal) -> list[Flag]:
    return check_hours_line(
        month=ctx.month,
        worked_hours=worked,
        training_hours=training,
        placement_start=ctx.placement.start_date,
        placement_end=ctx.placement_end,
        eligible=ctx.eligible,
        max_monthly_hours=ctx.max_monthly,
        placement_lot_id=ctx.placement.lot_id,
        lot_id=ctx.lot_id,
        globalisation_groups=ctx.globalisation_groups,
        first_hire_date=ctx.first_hire,
        max_months_after_first_hire=ctx.max_months,
    )


def credit(ctx: LineContext, worked: Decimal, training: Decimal, invoice: Decimal | None) -> Credit:
    return credit_hours(
        ctx.placement.modality,
        worked,
        training,
        invoice,
        training_counted=ctx.training_counted,
        labour_share=ctx.labour_share,
        hourly_cost=ctx.hourly_cost,
    )


def same_values(
    current: HoursEntry,
    lot_id: int,
    worked: Decimal,
    training: Decimal,
    invoice: Decimal | None,
    proof: str | None,
) -> bool:
    """True when recording these values again would change nothing."""
    return (
        current.lot_id == lot_id
        and current.worked_hours == worked
        and current.training_hours == training
        and current.invoice_amount == invoice
        and current.proof_ref == proof
    )


# --- progress of a lot ------------------------------------------------------------------------


def _planned_monthly(placements: list[Placement], today: date, end: date) -> Decimal:
    """Hours per remaining month that placements not yet started will add, spread so that
    remaining months × the result = their hours up to the end date (each placement counted
    from its start month to its end month, at its weekly hours × 52 ÷ 12)."""
    remaining = months_between(today, end) + 1
    if remaining <= 0:
        return Decimal(0)
    total = Decimal(0)
    for p in placements:
        if p.weekly_hours is None or p.start_date <= today or p.exit_date is not None:
            continue
        last = min(d for d in (p.end_date, end) if d is not None)
        months = months_between(p.start_date, last) + 1
        if months > 0:
            total += monthly_hours(1, p.weekly_hours) * months
    return total / remaining


def lot_progress(s: Session, lot_id: int, today: date) -> LotProgress:
    lot = _lot(s, lot_id)
    market = MarketRepository(s).get(lot.market_id)
    required = lot.calibration.required_hours
    hours = HoursRepository(s)
    credited = hours.credited_by_lot([lot_id]).get(lot_id, Decimal(0))
    monthly = hours.credited_by_month(lot_id)
    adjustment = pooling_adjustment(s, lot_id)
    if adjustment:  # the lot's part of the pools of its globalisation conventions
        credited += sum(adjustment.values(), Decimal(0))
        merged = dict(monthly)
        for month, change in adjustment.items():
            merged[month] = merged.get(month, Decimal(0)) + change
        monthly = sorted((m, h) for m, h in merged.items() if h)
    done = progress(required, credited)
    end = lot.end_date or (market.end_date if market else None)
    start = lot.start_date or (market.start_date if market else None)
    if end is None:
        return LotProgress(
            lot_id, today, done, None, penalty(done.shortfall, lot.penalty_per_hour), None,
            tuple(monthly),
        )  # fmt: skip
    rows = ParameterRepository(s).list("forecast.pace_months")
    planned = _planned_monthly(PlacementRepository(s).list(lot_id=lot_id), today, end)
    forecast = forecast_at_end(
        required,
        credited,
        monthly,
        today,
        end,
        planned_monthly_hours=planned,
        pace_months=_value(rows, "forecast.pace_months", today),
        start_date=first_of_month(start) if start else None,
    )
    return LotProgress(
        lot_id=lot_id,
        today=today,
        progress=done,
        forecast=forecast,
        penalty=forecast.penalty(lot.penalty_per_hour),
        status=forecast.status,
        monthly=tuple(monthly),
    )


# --- globalisation: the pooled obligations (domain.md §3.3.7) ---------------------------------


@dataclass(frozen=True, slots=True)
class PooledLot:
    """One lot of a convention: its share by the key, the hours credited on its own lines
    while the convention is in force (``declared``), and its part of the pool (``allocated``),
    in total and month by month ``(month, declared, allocated)``."""

    lot_id: int
    share: Decimal
    declared: Decimal
    allocated: Decimal
    monthly: tuple[tuple[date, Decimal, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class PooledObligation:
    """A globalisation convention, the hours pooled under it and how they go back to its
    lots by its key (« prorata » of the lots' required hours, or « manual » shares)."""

    convention: GlobalisationConvention
    pool: Decimal
    lots: tuple[PooledLot, ...]


def _in_force(convention: GlobalisationConvention, month: date) -> bool:
    if convention.start_date is not None and convention.start_date > last_of_month(month):
        return False
    return convention.end_date is None or convention.end_date >= month


def pooled_obligations(s: Session, lot_id: int | None = None) -> list[PooledObligation]:
    """The conventions (pooling ``lot_id``, or all), each month's pool allocated back to the
    lots by the convention's key (``hours_rules.allocate_globalised_hours``: hundredths, the
    lots' parts summing exactly to the pool). Under « prorata », lots without required hours
    in all keep their own hours."""
    found = GlobalisationRepository(s).list(lot_id=lot_id)
    lot_ids = {i for _convention, shares in found for i, _share in shares}
    lots = LotRepository(s).get_many(lot_ids)
    monthly = HoursRepository(s).credited_by_lot_month(lot_ids)
    result = []
    for convention, shares in found:
        ids = [i for i, _share in shares]
        required = {i: lots[i].calibration.required_hours for i in ids}
        manual = {i: share or Decimal(0) for i, share in shares}
        key = convention.allocation_key
        weights = manual if key == "manual" else required
        total_weight = sum(weights.values(), Decimal(0))
        declared: dict[date, dict[int, Decimal]] = {}
        for lot, month, hours in monthly:
            if lot in required and _in_force(convention, month):
                declared.setdefault(month, dict.fromkeys(ids, Decimal(0)))[lot] += hours
        lines: dict[int, list[tuple[date, Decimal, Decimal]]] = {i: [] for i in ids}
        for month, own in sorted(declared.items()):
            pool = sum(own.values(), Decimal(0))
            if total_weight == 0:
                split = own
            else:
                split = allocate_globalised_hours(
                    pool, required, key, manual if key == "manual" else None
                )
            for i in ids:
                lines[i].append((month, own[i], split[i]))
        pooled = tuple(
            PooledLot(
                i,
                (weights[i] / total_weight).quantize(Decimal("0.0001"))
                if total_weight
                else Decimal(0),
                sum((d for _m, d, _a in lines[i]), Decimal(0)),
                sum((a for _m, _d, a in lines[i]), Decimal(0)),
                tuple(lines[i]),
            )
            for i in ids
        )
        total = sum((p.declared for p in pooled), Decimal(0))
        result.append(PooledObligation(replace(convention, lot_shares=()), total, pooled))
    return result


def pooling_adjustment(s: Session, lot_id: int) -> dict[date, Decimal]:
    """What the conventions add to (or take from) a lot's credited hours, month by month:
    its part of each pool minus the hours declared on it."""
    by_month: dict[date, Decimal] = {}
    for obligation in pooled_obligations(s, lot_id):
        for pooled in obligation.lots:
            if pooled.lot_id != lot_id:
                continue
            for month, declared, allocated in pooled.monthly:
                by_month[month] = by_month.get(month, Decimal(0)) + allocated - declared
    return by_month
