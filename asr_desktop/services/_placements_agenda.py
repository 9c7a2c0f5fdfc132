"""The follow-up agenda (product.md §4.1 alerts, §4.5 « agenda de suivi »): actions due,
contracts ending, follow-up points due, eligibility ending. Used by ``PlacementService``.

Texts are French and carry no personal data (the screen joins the names it shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from asr_desktop.domain import parameters as params
from asr_desktop.domain.criteria import CRITERIA_BY_CODE
from asr_desktop.domain.dates import add_months
from asr_desktop.domain.enums import FollowUpSubject, LabelledEnum, ParticipantStatus
from asr_desktop.domain.formats import format_date
from asr_desktop.domain.model import EligibilityRecord, FollowUpAction, Outcome, Placement
from asr_desktop.persistence.repositories.participants import EligibilityRepository
from asr_desktop.persistence.repositories.placements import (
    FollowUpRepository,
    OutcomeRepository,
    PlacementRepository,
)
from asr_desktop.persistence.repositories.settings import ParameterRepository
from asr_desktop.services._participants_eligibility import proof_valid_until

#: Longest proof window of the criteria catalogue, in months (to bound the search).
_LONGEST_WINDOW = max(c.proof_validity_months or 0 for c in CRITERIA_BY_CODE.values())


class AgendaKind(LabelledEnum):
    ACTION = ("action", "Action à faire")
    CONTRACT_END = ("fin_contrat", "Fin de contrat")
    OUTCOME = ("suivi_sortie", "Point de suivi après la sortie")
    ELIGIBILITY = ("eligibilite", "Fin d'éligibilité")


_CODES = {kind: kind.value for kind in AgendaKind}


@dataclass(frozen=True, slots=True)
class ExpiringEligibility:
    """A record whose explicit expiry comes soon, or — for a person not yet placed — whose
    proof becomes too old to support an entry (``proof_window``) after ``ends_on``."""

    record: EligibilityRecord
    ends_on: date
    proof_window: bool


@dataclass(frozen=True, slots=True)
class AgendaItem:
    due: date
    kind: AgendaKind
    text: str
    participant_id: int | None
    record_id: int


@dataclass(frozen=True, slots=True)
class Agenda:
    today: date
    horizon: date
    actions: tuple[FollowUpAction, ...]
    contracts_ending: tuple[Placement, ...]
    outcomes_due: tuple[Outcome, ...]
    eligibility_expiring: tuple[ExpiringEligibility, ...]

    def items(self) -> list[AgendaItem]:
        """Everything in one list, by due date (overdue first)."""
        found = [
            AgendaItem(
                a.due_date,
                AgendaKind.ACTION,
                ("En retard : " if a.due_date < self.today else "") + a.summary,
                a.subject_id if a.subject is FollowUpSubject.PARTICIPANT else None,
                a.id,
            )
            for a in self.actions
        ]
        found += [
            AgendaItem(
                p.end_date,
                AgendaKind.CONTRACT_END,
                (
                    f"Contrat terminé le {format_date(p.end_date)} : sortie à enregistrer."
                    if p.end_date < self.today
                    else f"Fin de contrat le {format_date(p.end_date)}."
                ),
                p.participant_id,
                p.id,
            )
            for p in self.contracts_ending
        ]
        found += [
            AgendaItem(
                o.due_date,
                AgendaKind.OUTCOME,
                f"Situation {o.point.label.lower()} à relever (prévue le {format_date(o.due_date)}).",
                o.participant_id,
                o.id,
            )
            for o in self.outcomes_due
        ]
        found += [
            AgendaItem(
                e.ends_on,
                AgendaKind.ELIGIBILITY,
                (
                    f"Justificatif « {CRITERIA_BY_CODE[e.record.criterion].label} » trop ancien "
                    f"pour une entrée après le {format_date(e.ends_on)}."
                    if e.proof_window
                    else f"Critère « {CRITERIA_BY_CODE[e.record.criterion].label} » expiré "
                    f"après le {format_date(e.ends_on)}."
                ),
                e.record.participant_id,
                e.record.id,
            )
            for e in self.eligibility_expiring
        ]
        code = _CODES  # ``kind.value`` is an enum descriptor: slow on 14 000 items
        return sorted(found, key=lambda i: (i.due, code[i.kind], i.record_id))


def build_agenda(s: Session, today: date, horizon_days: int) -> Agenda:
    horizon = today + timedelta(days=horizon_days)
    alert_days = int(
        params.value_at(
            ParameterRepository(s).list("alert.contract_end_days"), "alert.contract_end_days", today
        )
    )
    placements = PlacementRepository(s).ending_between(
        today - timedelta(days=horizon_days), today + timedelta(days=alert_days)
    )
    records = EligibilityRepository(s)
    expiring = [
        ExpiringEligibility(r, r.expires_on, False) for r in records.expiring(today, horizon)
    ]
    since = add_months(today, -_LONGEST_WINDOW)
    for record in records.proofs_since(since, ParticipantStatus.CANDIDATE):
        ends = proof_valid_until(record)
        if ends is None or not today <= ends <= horizon:
            continue
        if record.expires_on is None or record.expires_on > ends:  # else its expiry comes first
            expiring.append(ExpiringEligibility(record, ends, True))
    return Agenda(
        today=today,
        horizon=horizon,
        actions=tuple(FollowUpRepository(s).open_due_until(horizon)),
        contracts_ending=tuple(placements),
        outcomes_due=tuple(OutcomeRepository(s).unobserved_due_until(horizon)),
        eligibility_expiring=tuple(sorted(expiring, key=lambda e: (e.ends_on, e.record.id))),
    )
