"""Demonstration data, part 5: placements (mises en emploi) and the eligibility behind them.

A person's placements follow one another in time, each on a lot running at that time and open
to one of the person's criteria; modality and contract type follow the employer's kind (an ETTI
gives missions, an EI or an ACI gives CDDI, a GEIQ work-study contracts…, domain.md §5.1). Before
every placement the person holds a validated criterion whose proof was fresh enough at the
placement's start, so the hours it produces are eligible (domain.md §4.2).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from asr_desktop.domain.dates import add_months, add_years, age_on
from asr_desktop.domain.enums import CompanyKind, ContractType, Modality, Situation
from asr_desktop.services import _demo_catalogue as cat
from asr_desktop.services._demo_companies import CompanyPlan
from asr_desktop.services._demo_lots import LotPlan
from asr_desktop.services._demo_people import (
    ParticipantPlan,
    add_record,
    matching_codes,
    record_valid,
)
from asr_desktop.services._demo_plan import (
    Context,
    WeightedChoice,
    month_end,
    month_index,
    month_start,
    weighted,
)

K, M, C = CompanyKind, Modality, ContractType
#: Typical length of each contract on a clause, in months (min, max), before the size's scale.
_MONTHS: dict[ContractType, tuple[int, int]] = {
    C.CDI: (10, 24),
    C.CDI_SITE: (8, 20),
    C.CDD: (3, 12),
    C.CDD_USAGE: (2, 8),
    C.MISSION: (1, 8),
    C.CDDI: (4, 18),
    C.PRO: (6, 24),
    C.APPRENTICESHIP: (12, 24),
    C.PEC: (6, 12),
    C.CDD_TREMPLIN: (6, 24),
    C.CDI_INCLUSION: (12, 24),
    C.MAD: (2, 8),
    C.CREATION: (6, 12),
    C.OTHER: (1, 3),
}
_OPEN_ENDED = (C.CDI, C.CDI_SITE, C.CDI_INCLUSION)
_SIAE_EMPLOYERS = (K.EI, K.ACI, K.EITI, K.ETTI, K.AI)
_EXIT_LAST = [
    (Situation.CDI, 15),
    (Situation.CDD_LONG, 12),
    (Situation.MISSION_LONG, 5),
    (Situation.CIVIL_SERVICE, 1),
    (Situation.BUSINESS_CREATION, 2),
    (Situation.CDD_SHORT, 15),
    (Situation.MISSION_SHORT, 12),
    (Situation.SUBSIDISED, 5),
    (Situation.TRAINING, 10),
    (Situation.OTHER_SIAE, 5),
    (Situation.JOBSEEKER, 13),
    (Situation.INACTIVE, 3),
    (Situation.UNKNOWN, 2),
]
_EXIT_BETWEEN = [
    (Situation.CDD_SHORT, 3),
    (Situation.MISSION_SHORT, 4),
    (Situation.OTHER_SIAE, 1),
    (Situation.JOBSEEKER, 4),
]


@dataclass(slots=True)
class PlacementPlan:
    id: int
    participant: ParticipantPlan
    lot: LotPlan
    employer: CompanyPlan
    modality: Modality
    contract: ContractType
    start: date
    end: date | None
    weekly: Decimal
    job: str
    invoice: bool
    exit_situation: Situation | None = None
    eligible_until: date | None = None  # last day of eligible hours; None: no end

    @property
    def exit_date(self) -> date | None:
        return self.end if self.exit_situation is not None else None


class _Employers:
    """Who can employ someone on a lot, by modality."""

    def __init__(self, companies: list[CompanyPlan]):
        self.by_id = {c.id: c for c in companies}
        self.pools = {
            kind: WeightedChoice(own, [c.weight for c in own])
            for kind in K
            if (own := [c for c in companies if c.kind is kind])
        }

    def choose(self, rng: random.Random, lot: LotPlan, person: ParticipantPlan):
        members = [self.by_id[c] for c, _role, _s in lot.attributions]
        holder = members[0]
        age = age_on(person.birth_date, person.entry_date)
        if holder.kind in (K.EI, K.ACI):
            inclusion = age >= 57 and rng.random() < 0.3
            return holder, M.DIRECT_HIRE, C.CDI_INCLUSION if inclusion else C.CDDI
        if holder.kind is K.EITI:
            return holder, M.DIRECT_HIRE, C.CREATION
        if holder.kind is K.EA:
            return (
                holder,
                M.DIRECT_HIRE,
                weighted(rng, [(C.CDD_TREMPLIN, 6), (C.CDI, 2), (C.CDD, 2)]),
            )
        if holder.kind is K.ESAT:
            return holder, M.EA_ESAT, C.OTHER
        helpers = [m for m in members[1:] if m.kind is not K.ORDINARY]
        choices = [
            ("direct", 32),
            ("ETT", 12),
            ("ETTI", 26),
            ("AI", 8),
            ("GEIQ", 7),
            ("training", 3),
        ]
        if helpers:
            choices.append(("helper", 14))
        if K.EATT in self.pools:
            choices.append(("EATT", 1))
        route = weighted(rng, choices)
        if route == "direct":
            employer = rng.choice([m for m in members if m.kind is K.ORDINARY] or [holder])
            contract = weighted(
                rng,
                [
                    (C.CDI, 14),
                    (C.CDI_SITE, 10),
                    (C.CDD, 40),
                    (C.PRO, 14),
                    (C.APPRENTICESHIP, 8),
                    (C.PEC, 6),
                ],
            )
            return employer, M.DIRECT_HIRE, contract
        if route == "training":
            return holder, M.TRAINING, C.OTHER
        if route == "helper":
            employer = rng.choice(helpers)
            if employer.kind in (K.EA, K.ESAT):
                contract = C.CDD_TREMPLIN if employer.kind is K.EA else C.OTHER
                return employer, M.EA_ESAT, contract
            contract = C.CREATION if employer.kind is K.EITI else C.CDDI
            return employer, M.SIAE_SUBCONTRACT, contract
        kind = {"ETT": K.ETT, "ETTI": K.ETTI, "AI": K.AI, "GEIQ": K.GEIQ, "EATT": K.EATT}[route]
        employer = self.pools[kind].draw(rng)
        if kind is K.AI:
            return employer, M.AI, weighted(rng, [(C.CDD_USAGE, 7), (C.MAD, 3)])
        if kind is K.GEIQ:
            return employer, M.GEIQ, weighted(rng, [(C.PRO, 7), (C.APPRENTICESHIP, 3)])
        if kind is K.EATT:
            return employer, M.EA_ESAT, C.MISSION
        return employer, M.ETTI if kind is K.ETTI else M.ETT, C.MISSION


def _weekly(rng: random.Random, sector: str, contract: ContractType) -> Decimal:
    if contract is C.CDDI:
        return Decimal(rng.choice((26, 26, 30, 35)))
    if sector == "proprete":
        return Decimal(rng.choice((20, 24, 26, 30, 35)))
    if sector in ("batiment", "travaux_publics"):
        return Decimal(weighted(rng, [(35, 70), (39, 20), (30, 10)]))
    return Decimal(weighted(rng, [(35, 70), (28, 15), (24, 15)]))


class PlacementBuilder:
    """Allocates placements to people, month after month, until the size's count is reached."""

    def __init__(self, ctx: Context, lots: list[LotPlan], companies: list[CompanyPlan]):
        self.ctx = ctx
        self.rng = ctx.rng("placements")
        self.employers = _Employers(companies)
        self.placements: list[PlacementPlan] = []
        self.load: dict[int, int] = {}  # placements per lot so far
        self.active: dict[int, WeightedChoice] = {}
        for month in range(ctx.first_month, ctx.current_month + 3):
            first, last = month_start(month), month_end(month)
            running = [
                lot for lot in lots if lot.start <= last and lot.end >= first + timedelta(days=60)
            ]
            self.active[month] = WeightedChoice(running, [lot.weight for lot in running])

    def build(self, people: list[ParticipantPlan]) -> list[PlacementPlan]:
        """First placements for most people; then each person's further placements, within
        20 months of the first hire while that suffices, without that limit if the size needs
        more; last, people never placed so far."""
        rng, target = self.rng, self.ctx.plan.placements
        order = list(people)
        rng.shuffle(order)
        for person in order:
            if len(self.placements) >= target:
                break
            if rng.random() < 0.87:
                self._place(person, person.entry_date + timedelta(days=rng.randint(5, 90)))
        for span in (20, None):
            for person in order:
                if len(self.placements) >= target:
                    break
                if person.placements:
                    self._extend(person, span)
        for person in order:
            if len(self.placements) >= target:
                break
            if not person.placements:
                self._place(person, person.entry_date + timedelta(days=rng.randint(30, 200)))
                if person.placements:
                    self._extend(person, None)
        self._cover_employer_criteria(people)
        for person in people:
            self._exits(person)
        return self.placements

    def _cover_employer_criteria(self, people: list[ParticipantPlan]) -> None:
        """SIAE and GEIQ employees' criteria come with such placements; in a small file that
        drew none, someone placed earlier by such a structure holds the criterion."""
        for code in ("SALARIE_SIAE", "GEIQ"):
            if not any(code in person.codes for person in people):
                person = self.rng.choice(people)
                person.codes.add(code)
                add_record(person, self.rng, code, person.entry_date, self.ctx.today)

    def _extend(self, person: ParticipantPlan, span: int | None) -> None:
        """Further placements after the person's last one, until ``today``, the span limit (in
        months after the first hire) or the size's count is reached."""
        rng, today, target = self.rng, self.ctx.today, self.ctx.plan.placements
        limit = add_months(person.placements[0].start, span) if span else date.max
        failures = 0
        while len(self.placements) < target and failures < 3:
            last = person.placements[-1]
            if last.end is None or last.start > today:
                return  # open-ended, or planned in the future
            start = last.end + timedelta(days=rng.randint(1, 120))
            if start > limit or start > today + timedelta(days=45):
                return
            count = len(self.placements)
            self._place(person, start)
            failures += len(self.placements) == count

    def _place(self, person: ParticipantPlan, start: date) -> None:
        rng, today = self.rng, self.ctx.today
        if start > today and not (start <= today + timedelta(days=45) and rng.random() < 0.3):
            return
        candidates = self.active.get(month_index(start))
        if not candidates:
            return
        found: list[tuple[LotPlan, set[str]]] = []
        for _ in range(8):  # two lots that suit, the less loaded wins (no lot hoards people)
            lot = candidates.draw(rng)
            matching = matching_codes(person.codes, lot.eligible_publics)
            if matching and lot.start <= start <= lot.end - timedelta(days=30):
                found.append((lot, matching))
                if len(found) == 2:
                    break
        if not found:
            return
        lot, matching = min(found, key=lambda f: self.load.get(f[0].id, 0) / f[0].weight)
        self.load[lot.id] = self.load.get(lot.id, 0) + 1
        employer, modality, contract = self.employers.choose(rng, lot, person)
        low, high = _MONTHS[contract]
        months = max(1, round(rng.uniform(low, high) * self.ctx.plan.duration_scale))
        end: date | None = min(add_months(start, months) - timedelta(days=1), lot.end)
        if contract in _OPEN_ENDED and end >= today:
            end = None
        placement = PlacementPlan(
            id=len(self.placements) + 1,
            participant=person,
            lot=lot,
            employer=employer,
            modality=modality,
            contract=contract,
            start=start,
            end=end,
            weekly=_weekly(rng, lot.sector, contract),
            job=rng.choice(cat.JOB_TITLES[lot.sector]),
            invoice=modality.may_use_invoice and rng.random() < 0.4,
        )
        self._ensure_eligibility(person, placement, matching)
        person.placements.append(placement)
        self.placements.append(placement)

    def _ensure_eligibility(
        self, person: ParticipantPlan, placement: PlacementPlan, matching: set[str]
    ) -> None:
        """Prove the criteria when someone is first placed, and renew a proof that has become
        too old by the start of a later placement."""
        rng, today, start = self.rng, self.ctx.today, placement.start
        if not person.placements:
            for code in sorted(person.codes):
                add_record(person, rng, code, start, today)
        if placement.employer.kind in _SIAE_EMPLOYERS:
            person.codes.add("SALARIE_SIAE")
            matching = matching | matching_codes({"SALARIE_SIAE"}, placement.lot.eligible_publics)
            if person.pass_iae_end is None:
                person.pass_iae_end = add_years(start, 2) - timedelta(days=1)
                add_record(
                    person, rng, "SALARIE_SIAE", start, today, expires_on=person.pass_iae_end
                )
        if placement.employer.kind is K.GEIQ and "GEIQ" not in person.codes:
            person.codes.add("GEIQ")
            add_record(person, rng, "GEIQ", start, today)
        if not any(
            r.criterion in matching and record_valid(r, start, start) for r in person.records
        ):
            add_record(person, rng, sorted(matching)[0], start, today)

    def _exits(self, person: ParticipantPlan) -> None:
        """Situation at the end of each finished placement; records of people never placed;
        and, for each placement, the last day its hours are covered by an eligibility."""
        rng, today = self.rng, self.ctx.today
        for placement in person.placements:
            if placement.end is not None and placement.end < today:
                last = placement is person.placements[-1]
                placement.exit_situation = weighted(rng, _EXIT_LAST if last else _EXIT_BETWEEN)
        if not person.placements:
            assessed = min(person.entry_date + timedelta(days=rng.randint(0, 20)), today)
            pending = (today - person.entry_date).days < 90 and rng.random() < 0.4
            for code in sorted(person.codes):
                add_record(person, rng, code, assessed, today, validated=not pending)
        for placement in person.placements:
            matching = matching_codes(person.codes, placement.lot.eligible_publics)
            ends = [
                r.expires_on
                for r in person.records
                if r.criterion in matching and record_valid(r, placement.start, None)
            ]
            placement.eligible_until = None if None in ends else max(ends, default=date.min)
