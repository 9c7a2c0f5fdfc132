"""Demonstration data, part 7: outcomes (exit, M+6, M+12) and follow-up actions.

Outcome classes are those of ``outcomes.classify_outcome``; follow-up points fall on the dates
``outcomes.follow_up_due_dates`` gives. Some points are observed, some are due, some are late;
the same goes for actions (done, due, overdue), as an adviser's agenda really looks.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from asr_desktop.domain.enums import FollowUpPoint, Situation
from asr_desktop.domain.outcomes import classify_outcome, follow_up_due_dates
from asr_desktop.services import _demo_catalogue as cat
from asr_desktop.services._demo_companies import CompanyPlan
from asr_desktop.services._demo_jobs import PlacementPlan
from asr_desktop.services._demo_lots import LotPlan
from asr_desktop.services._demo_people import ParticipantPlan
from asr_desktop.services._demo_plan import Context, random_day, weighted

OUTCOME_COLUMNS = (
    "id",
    "participant_id",
    "placement_id",
    "point",
    "due_date",
    "observed_on",
    "situation",
    "outcome_class",
    "contract_type",
    "employer_name",
    "source",
    "created_at",
)
ACTION_COLUMNS = (
    "id",
    "participant_id",
    "company_id",
    "lot_id",
    "kind",
    "summary",
    "occurred_on",
    "user_id",
    "due_date",
    "done_on",
    "next_action",
    "created_at",
)
S = Situation
_CONTRACT_OF = {
    S.CDI: "CDI",
    S.CDD_LONG: "CDD",
    S.MISSION_LONG: "mission",
    S.BUSINESS_CREATION: "creation",
    S.CDD_SHORT: "CDD",
    S.MISSION_SHORT: "mission",
    S.SUBSIDISED: "PEC",
    S.OTHER_SIAE: "CDDI",
}
_LATER = [  # situation six or twelve months on
    (S.CDI, 22),
    (S.CDD_LONG, 12),
    (S.MISSION_LONG, 6),
    (S.CDD_SHORT, 10),
    (S.MISSION_SHORT, 10),
    (S.TRAINING, 8),
    (S.OTHER_SIAE, 4),
    (S.SUBSIDISED, 4),
    (S.JOBSEEKER, 18),
    (S.INACTIVE, 4),
    (S.UNKNOWN, 2),
]
_SOURCES = [("personne", 50), ("employeur", 25), ("prescripteur", 15)]


def _stamp(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0))


class FollowUpBuilder:
    def __init__(self, ctx: Context, companies: list[CompanyPlan]):
        self.ctx = ctx
        self.rng = ctx.rng("follow-up")
        self.company_names = [c.name for c in companies]
        self.outcomes: list[tuple] = []
        self.actions: list[tuple] = []

    # --- outcomes -------------------------------------------------------------------------------

    def outcomes_of(self, person: ParticipantPlan) -> None:
        for placement in person.placements:
            if placement.exit_situation is None:
                continue
            exit_date = placement.end
            observed = min(exit_date + timedelta(days=self.rng.randint(0, 10)), self.ctx.today)
            self._outcome(
                person, placement, FollowUpPoint.EXIT, exit_date, observed, placement.exit_situation
            )
            if placement is not person.placements[-1]:
                continue
            situation = placement.exit_situation
            for point, due in follow_up_due_dates(exit_date).items():
                if due > self.ctx.today + timedelta(days=30):
                    continue  # not yet on the agenda
                if due > self.ctx.today - timedelta(days=20) or self.rng.random() < 0.12:
                    self._outcome(person, placement, point, due, None, None)  # due or late
                    continue
                when = min(due + timedelta(days=self.rng.randint(0, 30)), self.ctx.today)
                if self.rng.random() < 0.1:
                    self._outcome(person, placement, point, due, when, S.UNKNOWN, "non_joint")
                    continue
                durable = classify_outcome(situation).value == "durable"
                situation = (
                    situation if durable and self.rng.random() < 0.8 else weighted(self.rng, _LATER)
                )
                self._outcome(person, placement, point, due, when, situation)

    def _outcome(self, person, placement, point, due, observed, situation, source=None) -> None:
        rng = self.rng
        if situation is not None and source is None:
            source = weighted(rng, _SOURCES)
        contract = _CONTRACT_OF.get(situation) if situation is not None else None
        employer = None
        if contract is not None and situation is not Situation.BUSINESS_CREATION:
            employer = (
                placement.employer.name if rng.random() < 0.4 else rng.choice(self.company_names)
            )
        created = _stamp(observed or min(due, self.ctx.today), 11)
        self.outcomes.append(
            (
                len(self.outcomes) + 1,
                person.id,
                placement.id,
                point.value,
                due,
                observed,
                situation.value if situation is not None else None,
                classify_outcome(situation).value if situation is not None else None,
                contract,
                employer,
                source,
                created,
            )
        )
        if observed is not None:
            person.last_contact = max(person.last_contact or observed, observed)

    # --- actions --------------------------------------------------------------------------------

    def _action(self, subject: tuple, wording, day: date, user_id: int, open_action: bool) -> None:
        rng, today = self.rng, self.ctx.today
        kind, summary, next_action = wording
        due = done = None
        if open_action:  # on the agenda: due soon, or already late
            day = max(day, today - timedelta(days=60))
            due = max(day + timedelta(days=3), today + timedelta(days=rng.randint(-40, 30)))
            next_action = next_action or "Faire le point"
        elif next_action and rng.random() < 0.5:
            due = day + timedelta(days=rng.randint(5, 30))
            done = min(due + timedelta(days=rng.randint(-4, 6)), today)
            if done < day:
                done = day
        participant_id, company_id, lot_id = subject
        self.actions.append(
            (
                len(self.actions) + 1,
                participant_id,
                company_id,
                lot_id,
                kind,
                summary,
                day,
                user_id,
                due,
                done,
                next_action if due is not None else None,
                _stamp(day, 9 + len(self.actions) % 8),
            )
        )

    def actions_of_person(self, person: ParticipantPlan) -> None:
        rng, today = self.rng, self.ctx.today
        ends = [p.end or today for p in person.placements if p.start <= today]
        horizon = min(max(ends + [person.entry_date]) + timedelta(days=180), today)
        for _ in range(1 + int(rng.expovariate(0.7))):
            day = random_day(rng, person.entry_date, horizon)
            self._action(
                (person.id, None, None),
                rng.choice(cat.PARTICIPANT_ACTIONS),
                day,
                person.referent_id,
                False,
            )
            person.last_contact = max(person.last_contact or day, day)
        if horizon >= today - timedelta(days=200) and rng.random() < 0.25:
            day = random_day(rng, today - timedelta(days=60), today)
            self._action(
                (person.id, None, None),
                rng.choice(cat.PARTICIPANT_ACTIONS),
                day,
                person.referent_id,
                True,
            )
            person.last_contact = max(person.last_contact or day, day)

    def actions_of_lots(self, lots: list[LotPlan], placements: list[PlacementPlan]) -> None:
        rng, today = self.rng, self.ctx.today
        employers = {p.employer.id for p in placements}
        for lot in lots:
            if lot.start > today:
                continue
            last = min(lot.end, today)
            for _ in range(rng.choice((0, 1, 1, 2))):
                day = random_day(rng, lot.start, last)
                self._action(
                    (None, None, lot.id),
                    rng.choice(cat.LOT_ACTIONS),
                    day,
                    lot.facilitator_id,
                    False,
                )
            holder = lot.attributions[0][0]
            if holder in employers or rng.random() < 0.5:
                day = random_day(rng, lot.start, last)
                open_action = lot.end >= today and rng.random() < 0.2
                self._action(
                    (None, holder, None),
                    rng.choice(cat.COMPANY_ACTIONS),
                    day,
                    lot.facilitator_id,
                    open_action,
                )
