"""Demonstration data, part 6: the hours ledger, one line per placement and month.

Volumes reach 1,2 million lines, so lines are plain tuples and hours are whole hundredths
(integers). For hours lines ``credited = worked + training when counted`` is exactly what
``hours_rules.credit_hours`` gives for such values; invoice lines, fewer, go through
``credit_hours`` itself (the tests check every line of a file against it). The inputs are those
the hours service takes: the credited lot's training rule (and the ``training.counted``
parameter) and conversion coefficients. A month in which the person holds no valid eligibility
is refused by the hours service (blocking reason of ``check_hours_line``), so no line is made
for it; the warnings it would raise (above the monthly maximum, beyond the counting period after
the first hire) are stored as flags.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from asr_desktop.domain import parameters as params
from asr_desktop.domain.enums import ContractType, Modality
from asr_desktop.domain.hours_rules import (
    ABOVE_MONTHLY_MAX,
    BEYOND_MAX_MONTHS,
    credit_hours,
)
from asr_desktop.domain.model import Parameter
from asr_desktop.services._demo_companies import ConventionPlan
from asr_desktop.services._demo_jobs import PlacementPlan
from asr_desktop.services._demo_lots import LotPlan
from asr_desktop.services._demo_plan import Context, month_end, month_index, month_start

COLUMNS = (
    "id",
    "placement_id",
    "lot_id",
    "month",
    "version",
    "is_current",
    "worked_hours",
    "training_hours",
    "invoice_amount",
    "rule",
    "labour_share_used",
    "hourly_cost_used",
    "training_counted",
    "credited_hours",
    "proof_ref",
    "status",
    "flags",
    "reason",
    "created_by_id",
    "created_at",
    "validated_by_id",
    "validated_at",
)
_WORK_STUDY = (ContractType.PRO, ContractType.APPRENTICESHIP)
_REASONS = (
    "Relevé rectificatif transmis par l'entreprise.",
    "Heures de formation oubliées sur le premier relevé.",
    "Erreur de report corrigée après contrôle des bulletins de paie.",
)
_FLAG_LISTS: dict[tuple[bool, bool], list[str]] = {  # (above the monthly maximum, beyond)
    (False, False): [],
    (True, False): [ABOVE_MONTHLY_MAX],
    (False, True): [BEYOND_MAX_MONTHS],
    (True, True): [ABOVE_MONTHLY_MAX, BEYOND_MAX_MONTHS],
}
_MONTHLY = 52 / 12  # weeks in a month
_FULL_MONTH_35 = 15167  # 35 h × 52 / 12 = 151,67 h, in hundredths


def expected_lot_hours(placements: list[PlacementPlan], ctx: Context) -> dict[int, float]:
    """Hours each lot's placements should credit by the lot's end (extrapolated from the pace
    so far for a lot still running), to size the lots' requirements."""
    horizon = month_start(ctx.current_month) - timedelta(days=1)
    done: dict[int, float] = defaultdict(float)
    lots: dict[int, LotPlan] = {}
    for p in placements:
        last = min(p.end or horizon, horizon)
        days = (last - p.start).days + 1
        if days > 0:
            done[p.lot.id] += float(p.weekly) * _MONTHLY * 0.93 * days / 30.44
            lots[p.lot.id] = p.lot
    expected = {}
    for lot_id, hours in done.items():
        lot = lots[lot_id]
        if lot.end <= horizon:
            expected[lot_id] = hours
        else:
            elapsed = (horizon - lot.start).days / max(1, (lot.end - lot.start).days)
            expected[lot_id] = hours / max(elapsed, 0.25)
    return expected


class LedgerBuilder:
    """Builds the ledger lines of placements, chunk after chunk, and keeps the totals."""

    def __init__(
        self,
        ctx: Context,
        parameters: list[Parameter],
        lots: list[LotPlan],
        conventions: list[ConventionPlan],
        coordinator_id: int,
    ):
        self.ctx = ctx
        self.rng = ctx.rng("hours")
        self.next_id = 1
        self.credited_by_lot: dict[int, int] = defaultdict(int)  # hundredths of an hour
        self.corrections: list[tuple[int, datetime]] = []  # (line id, when) for the audit
        self.coordinator_id = coordinator_id
        self.cap = datetime.combine(ctx.today, time(8, 0))  # nothing is dated after this
        horizon = ctx.history_start
        self.max_monthly = int(params.value_at(parameters, "hours.max_monthly", ctx.today) * 100)
        self.max_months = int(
            params.value_at(parameters, "eligibility.max_months_after_first_hire", ctx.today)
        )
        self.lots = {lot.id: lot for lot in lots}
        counted = params.value_at(parameters, "training.counted", ctx.today) == 1
        self.counts_training = {lot.id: lot.training_counted and counted for lot in lots}
        self.invoice_share = params.value_at(parameters, "conversion.invoice.labour_share", horizon)
        self.invoice_cost = params.value_at(parameters, "conversion.invoice.hourly_cost", horizon)
        self.months = {  # first day, last day, « 2026-03 », midnight of the last day
            m: (
                month_start(m),
                month_end(m),
                f"{month_start(m):%Y-%m}",
                datetime.combine(month_end(m), time(0, 0)),
            )
            for m in range(ctx.first_month - 1, ctx.current_month + 1)
        }
        self.statements: dict[tuple[int, int, bool], tuple] = {}
        self.pools: dict[tuple[int, int], list[ConventionPlan]] = defaultdict(list)
        for convention in conventions:
            for lot_id, _share in convention.lots:
                self.pools[(convention.company_id, lot_id)].append(convention)

    def lines(self, placements: list[PlacementPlan]) -> list[tuple]:
        out: list[tuple] = []
        for placement in placements:
            self._placement_lines(placement, out)
        return out

    def _placement_lines(self, p: PlacementPlan, out: list[tuple]) -> None:
        ctx, rng, months = self.ctx, self.rng, self.months
        first = month_index(p.start)
        last = min(month_index(p.end) if p.end else ctx.last_hours_month, ctx.last_hours_month)
        first_hire = month_index(p.participant.placements[0].start)
        lot_id = p.lot.id
        pools = self.pools.get((p.employer.id, lot_id), ())
        pooling = bool(pools) and p.modality is Modality.DIRECT_HIRE
        work_study = p.contract in _WORK_STUDY or p.modality is Modality.GEIQ
        training_only = p.modality is Modality.TRAINING
        weekly = float(p.weekly)
        monthly = weekly * _MONTHLY * 2
        full_time, start, end = weekly >= 35, p.start, p.end or date.max
        eligible_until = p.eligible_until or date.max
        for month in range(first, last + 1):
            day1, last_day, _period, _midnight = months[month]
            if start <= day1 and end >= last_day:
                coverage = 1.0
            else:
                coverage = ((min(end, last_day) - max(start, day1)).days + 1) / last_day.day
            draw = rng.random()  # presence: 55 % full, 35 % nearly full, 10 % absences
            if draw < 0.55:
                presence = 1.0
            elif draw < 0.9:
                presence = 0.9 + (draw - 0.55) / 3.5
            else:
                presence = draw * 5 - 4.1
            if coverage == 1.0 and presence == 1.0 and weekly == 35:
                total = _FULL_MONTH_35
            else:
                total = int(monthly * coverage * presence + 0.5) * 50
            if coverage == 1.0 and full_time and rng.random() < 0.0008:
                total = rng.randint(201, 215) * 100  # overtime on a busy site
            training = int(total * 0.2 / 50) * 50 if work_study else 0
            worked = total - training
            if training_only:
                worked, training = 0, total
            target = lot_id
            if pooling and rng.random() < 0.3:
                pooled = [c for c in pools if c.start <= day1 <= c.end]
                if pooled:
                    target = rng.choice([i for i, _s in pooled[0].lots if i != lot_id])
            if max(day1, start) > eligible_until:
                continue  # no valid eligibility any more: the hours service refuses the line
            beyond = month - first_hire >= self.max_months
            self._line(p, month, target, worked, training, beyond, out)

    def _flags(self, worked: int, training: int, beyond: bool) -> list[str]:
        """The warnings ``check_hours_line`` raises that the hours service keeps on a line
        (blocking reasons refuse the line: such lines are not generated). The lists are
        shared between lines and never changed."""
        return _FLAG_LISTS[(worked + training > self.max_monthly, beyond)]

    def _line(self, p, month, target, worked, training, beyond, out) -> None:
        """One line; training counted and conversion coefficients are those of the lot
        credited, as the hours service takes them."""
        ctx, rng, lot = self.ctx, self.rng, self.lots[target]
        counted = self.counts_training[target]
        created, validated, reference = self._statement(p.employer.id, month, p.invoice)
        if p.invoice:
            share = lot.conversion_share or self.invoice_share
            cost = lot.conversion_cost or self.invoice_cost
            amount = (Decimal(worked + training) * cost / share / 100).quantize(Decimal("0.01"))
            credit = credit_hours(
                p.modality, 0, 0, amount, training_counted=counted, labour_share=share,
                hourly_cost=cost,
            )  # fmt: skip
            credited, rule = int(credit.hours * 100), credit.rule.value
            worked = training = 0
            amount_value, share_used, cost_used = float(amount), float(share), float(cost)
        else:
            credited = worked + (training if counted else 0)
            rule, amount_value, share_used, cost_used = "heures", None, None, None
        flags = self._flags(worked, training, beyond)
        if validated > self.cap or (month >= ctx.last_hours_month - 1 and rng.random() < 0.5):
            status = "saisie"
        elif flags and flags[0] == ABOVE_MONTHLY_MAX and rng.random() < 0.4:
            status = "rejetee"  # the adviser did not accept the overtime declared
        else:
            status = "validee"
        checked = status != "saisie"
        row = (
            self.next_id, p.id, target, self.months[month][0], 1, True, worked / 100,
            training / 100, amount_value, rule, share_used, cost_used, counted, credited / 100,
            reference, status, flags, None,
            p.lot.facilitator_id, created, self.coordinator_id if checked else None,
            validated if checked else None,
        )  # fmt: skip
        self.next_id += 1
        if (
            status == "validee"
            and not p.invoice
            and month < ctx.last_hours_month - 3
            and rng.random() < 0.004
        ):
            out.append(row[:5] + (False,) + row[6:])  # this version is replaced by a correction
            out.append(self._correction(p, row, rng.choice((-800, -350, -200, 150, 400, 700))))
            return
        if status != "rejetee":
            self.credited_by_lot[target] += credited
        out.append(row)

    def _correction(self, p: PlacementPlan, previous: tuple, delta: int) -> tuple:
        worked, training = round(previous[6] * 100), round(previous[7] * 100)
        if p.modality is Modality.TRAINING:  # every hour of such a line is a training hour
            training = max(0, training + delta)
        else:
            worked = max(0, worked + delta)
        credited = worked + (training if self.counts_training[previous[2]] else 0)
        when = min(previous[21] + timedelta(days=self.rng.randint(10, 40)), self.cap)
        row = list(previous)
        row[0], row[4], row[5] = self.next_id, 2, True
        row[6], row[7], row[13] = worked / 100, training / 100, credited / 100
        row[16] = self._flags(worked, training, BEYOND_MAX_MONTHS in previous[16])
        row[17] = self.rng.choice(_REASONS)
        row[19], row[21] = when, min(when + timedelta(hours=2), self.cap)
        self.next_id += 1
        self.credited_by_lot[row[2]] += credited
        self.corrections.append((row[0], when))
        return tuple(row)

    def _statement(self, employer_id: int, month: int, invoice: bool) -> tuple:
        """When a company's statement (or invoice) for ``month`` was keyed in — early the next
        month — when it was checked, and its reference."""
        key = (employer_id, month, invoice)
        found = self.statements.get(key)
        if found is None:
            if len(self.statements) > 50_000:  # bounded: a company's months come together
                self.statements.clear()
            _day1, _last, period, midnight = self.months[month]
            spread = employer_id + month
            seconds = (9 + spread % 8) * 3600 + (spread + 12 * employer_id) % 60 * 60
            created = min(
                midnight + timedelta(5 + (spread + 6 * employer_id) % 11, seconds), self.cap
            )
            checked = created + timedelta(2 + spread % 6, 3600)
            reference = (
                f"FAC-{period}-{employer_id:05d}" if invoice else f"REL-{employer_id:05d}-{period}"
            )
            found = self.statements[key] = (created, checked, reference)
        return found
