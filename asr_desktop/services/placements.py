"""Placements (mises en emploi), exits and follow-up: contact log, actions, outcomes at exit
and at M+6 / M+12, and the agenda (product.md §2, §3.4, §4.5; domain.md §5).

Every public method is one unit of work. A placement of a person without a valid eligibility is
stored with a warning, never refused (the adviser may be about to validate it). Closing a
placement records the exit, classifies the situation at exit and schedules the M+6 and M+12
follow-up points. Changes to placements and outcomes are written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain.enums import (
    ActionKind,
    AuditAction,
    ContractType,
    FollowUpPoint,
    FollowUpSubject,
    InformationSource,
    ParticipantStatus,
    Situation,
)
from asr_desktop.domain.errors import Conflict, NotFound, ValidationError
from asr_desktop.domain.formats import format_date
from asr_desktop.domain.model import FollowUpAction, Outcome, Placement
from asr_desktop.domain.outcomes import follow_up_due_dates
from asr_desktop.persistence.repositories.audit import AuditRepository
from asr_desktop.persistence.repositories.participants import ParticipantRepository
from asr_desktop.persistence.repositories.placements import (
    FollowUpRepository,
    OutcomeRepository,
    PlacementRepository,
)
from asr_desktop.services import _placements_checks as checks
from asr_desktop.services import _validation as check
from asr_desktop.services._placements_agenda import (
    Agenda,
    AgendaItem,
    AgendaKind,
    ExpiringEligibility,
    build_agenda,
)
from asr_desktop.services._placements_views import (
    AgendaLine,
    AgendaView,
    LotChoice,
    PlacementLine,
    PlacementListing,
    PlacementViews,
    fold_text,
)

__all__ = [
    "ActionDone",
    "Agenda",
    "AgendaItem",
    "AgendaKind",
    "AgendaLine",
    "AgendaView",
    "ClosedPlacement",
    "ExpiringEligibility",
    "LotChoice",
    "PlacementLine",
    "PlacementListing",
    "PlacementSaved",
    "PlacementService",
    "fold_text",
]

#: Kinds of log entries that count as a contact with the person (a note does not).
_CONTACT_KINDS = frozenset(ActionKind) - {ActionKind.NOTE}


@dataclass(frozen=True, slots=True)
class PlacementSaved:
    """The placement as stored, and what the adviser should look at (French sentences)."""

    placement: Placement
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClosedPlacement:
    placement: Placement
    exit_outcome: Outcome
    follow_ups: tuple[Outcome, ...]  # M+6 and M+12, to be observed


class ActionDone(NamedTuple):
    done: FollowUpAction
    next: FollowUpAction | None


class PlacementService(PlacementViews):
    def __init__(self, sessions: sessionmaker[Session], user_id: int | None = None):
        self._sessions = sessions
        self._user_id = user_id

    # --- placements -------------------------------------------------------------------------

    def create(self, placement: Placement) -> PlacementSaved:
        with self._sessions.begin() as s:
            value, lot, company = checks.checked_placement(s, replace(placement, id=None))
            warnings = checks.warnings(s, value, lot, company)
            stored = PlacementRepository(s).add(value)
            self._audit(s, AuditAction.CREATE, "placement", stored.id, _of(stored))
            person = checks.participant(s, stored.participant_id)
            if person.status is ParticipantStatus.CANDIDATE and stored.exit_date is None:
                self._set_status(s, person.id, ParticipantStatus.IN_PLACEMENT)
            return PlacementSaved(stored, warnings)

    def update(self, placement: Placement) -> PlacementSaved:
        """Change a placement; its person and its exit (see ``close_placement``) stay."""
        with self._sessions.begin() as s:
            before = self._placement(s, placement.id)
            if placement.participant_id != before.participant_id:
                raise ValidationError(
                    "Une mise en emploi ne peut pas changer de personne.", "participant_id"
                )
            value, lot, company = checks.checked_placement(
                s,
                replace(
                    placement, exit_date=before.exit_date, exit_situation=before.exit_situation
                ),
            )
            stored = PlacementRepository(s).update(value)
            changed = [n for n in _PLACEMENT_FIELDS if getattr(before, n) != getattr(stored, n)]
            if changed:
                detail = f"{_of(stored)} ; champs : {', '.join(changed)}"
                self._audit(s, AuditAction.UPDATE, "placement", stored.id, detail)
            return PlacementSaved(stored, checks.warnings(s, stored, lot, company))

    def get(self, placement_id: int) -> Placement:
        with self._sessions.begin() as s:
            return self._placement(s, placement_id)

    def list(
        self,
        *,
        participant_id: int | None = None,
        lot_id: int | None = None,
        employer_id: int | None = None,
        active_on: date | None = None,
    ) -> list[Placement]:
        """Placements by start date, restricted to a person, a lot, an employer, and/or those
        running on ``active_on`` (started, neither ended nor exited before it)."""
        with self._sessions.begin() as s:
            return PlacementRepository(s).list(participant_id, lot_id, employer_id, active_on)

    def close_placement(
        self,
        placement_id: int,
        exit_date: date,
        situation: Situation | str,
        *,
        contract_type: ContractType | str | None = None,
        employer_name: str | None = None,
        source: InformationSource | str | None = None,
    ) -> ClosedPlacement:
        """Record the exit from the clause and the situation at exit (classified), and
        schedule the follow-up points at M+6 and M+12 (domain.md §5.3)."""
        chosen = check.enum_value(Situation, situation, "situation", "La situation à la sortie")
        with self._sessions.begin() as s:
            placement = self._placement(s, placement_id)
            if placement.exit_date is not None:
                raise Conflict(
                    f"La sortie de cette mise en emploi est déjà enregistrée "
                    f"(le {format_date(placement.exit_date)})."
                )
            checks.observed_on(exit_date, "exit_date", "La date de sortie")
            if exit_date < placement.start_date:
                raise ValidationError(
                    f"La date de sortie ({format_date(exit_date)}) précède le début du contrat "
                    f"({format_date(placement.start_date)}).",
                    "exit_date",
                )
            closed = PlacementRepository(s).update(
                replace(placement, exit_date=exit_date, exit_situation=chosen)
            )
            self._audit(s, AuditAction.UPDATE, "placement", placement_id, "sortie enregistrée")
            outcomes = OutcomeRepository(s)
            at_exit = outcomes.add(
                Outcome(
                    id=None,
                    participant_id=placement.participant_id,
                    placement_id=placement_id,
                    point=FollowUpPoint.EXIT,
                    due_date=exit_date,
                    **checks.observation(exit_date, chosen, contract_type, employer_name, source),
                )
            )
            later = tuple(
                outcomes.add(
                    Outcome(
                        id=None,
                        participant_id=placement.participant_id,
                        placement_id=placement_id,
                        point=point,
                        due_date=due,
                    )
                )
                for point, due in follow_up_due_dates(exit_date).items()
            )
            for outcome in (at_exit, *later):
                self._audit(s, AuditAction.CREATE, "outcome", outcome.id, _of(closed))
            person = checks.participant(s, placement.participant_id)
            still_open = PlacementRepository(s).count_open(person.id)
            if person.status is ParticipantStatus.IN_PLACEMENT and not still_open:
                self._set_status(s, person.id, ParticipantStatus.FOLLOW_UP)
            return ClosedPlacement(closed, at_exit, later)

    # --- outcomes ---------------------------------------------------------------------------

    def record_outcome(
        self,
        outcome_id: int,
        observed_on: date,
        situation: Situation | str,
        *,
        contract_type: ContractType | str | None = None,
        employer_name: str | None = None,
        source: InformationSource | str | None = None,
    ) -> Outcome:
        """Record the situation observed at a follow-up point; its class follows from it."""
        chosen = check.enum_value(Situation, situation, "situation", "La situation")
        with self._sessions.begin() as s:
            repo = OutcomeRepository(s)
            outcome = repo.get(outcome_id)
            if outcome is None:
                raise NotFound(f"Le point de suivi n° {outcome_id} n'existe pas (ou plus).")
            checks.observed_on(observed_on, "observed_on", "La date d'observation")
            stored = repo.update(
                replace(
                    outcome,
                    **checks.observation(observed_on, chosen, contract_type, employer_name, source),
                )
            )
            detail = f"participant {stored.participant_id} ; point {stored.point.value}"
            self._audit(s, AuditAction.UPDATE, "outcome", outcome_id, detail)
            return stored

    def get_outcome(self, outcome_id: int) -> Outcome:
        with self._sessions.begin() as s:
            found = OutcomeRepository(s).get(outcome_id)
            if found is None:
                raise NotFound(f"Le point de suivi n° {outcome_id} n'existe pas (ou plus).")
            return found

    def list_outcomes(
        self, *, participant_id: int | None = None, placement_id: int | None = None
    ) -> list[Outcome]:
        with self._sessions.begin() as s:
            return OutcomeRepository(s).list(participant_id, placement_id)

    # --- follow-up actions ------------------------------------------------------------------

    def add_action(self, action: FollowUpAction) -> FollowUpAction:
        """Log a contact or plan an action (``due_date`` set) on a person, a company or a lot.
        A contact logged with a person moves their last-contact date (retention)."""
        with self._sessions.begin() as s:
            value = self._checked_action(s, replace(action, id=None))
            stored = FollowUpRepository(s).add(value)
            if stored.subject is FollowUpSubject.PARTICIPANT:
                self._audit(
                    s,
                    AuditAction.CREATE,
                    "follow_up_action",
                    stored.id,
                    f"participant {stored.subject_id}",
                )
                if stored.due_date is None and stored.kind in _CONTACT_KINDS:
                    self._touch_contact(s, stored.subject_id, stored.occurred_on)
            return stored

    def list_actions(self, subject: FollowUpSubject | str, subject_id: int) -> list[FollowUpAction]:
        """The log of one person, company or lot, most recent first."""
        chosen = check.enum_value(FollowUpSubject, subject, "subject", "Le sujet du suivi")
        with self._sessions.begin() as s:
            return FollowUpRepository(s).list(chosen, subject_id)

    def mark_done(
        self,
        action_id: int,
        done_on: date,
        next_action: str | None = None,
        next_due: date | None = None,
        next_kind: ActionKind | str | None = None,
    ) -> ActionDone:
        """Close an action; with ``next_due`` the next one (``next_action``) is planned, of
        the same kind unless ``next_kind`` is given."""
        if not isinstance(done_on, date):
            raise ValidationError("La date de réalisation est obligatoire.", "done_on")
        following = check.optional_text(next_action)
        if next_due is not None and following is None:
            raise ValidationError(
                "Indiquez l'action suivante à faire pour la planifier.", "next_action"
            )
        with self._sessions.begin() as s:
            repo = FollowUpRepository(s)
            action = repo.get(action_id)
            if action is None:
                raise NotFound(f"L'action n° {action_id} n'existe pas (ou plus).")
            if action.done_on is not None:
                raise Conflict(f"Cette action est déjà faite (le {format_date(action.done_on)}).")
            if done_on < action.occurred_on:
                raise ValidationError(
                    f"La date de réalisation ({format_date(done_on)}) précède la création de "
                    f"l'action ({format_date(action.occurred_on)}).",
                    "done_on",
                )
            kind = action.kind
            if next_kind not in (None, ""):
                kind = check.enum_value(ActionKind, next_kind, "next_kind", "Le type d'échange")
            if next_due is not None and next_due < done_on:
                raise ValidationError(
                    "L'échéance de l'action suivante précède la date de réalisation.", "next_due"
                )
            done = repo.update(replace(action, done_on=done_on, next_action=following))
            planned = None
            if next_due is not None:
                planned = repo.add(
                    replace(
                        action,
                        id=None,
                        kind=kind,
                        summary=following,
                        occurred_on=done_on,
                        user_id=self._user_id or action.user_id,
                        due_date=next_due,
                        done_on=None,
                        next_action=None,
                    )
                )
            if action.subject is FollowUpSubject.PARTICIPANT:
                detail = f"participant {action.subject_id} ; action faite"
                self._audit(s, AuditAction.UPDATE, "follow_up_action", action_id, detail)
                if planned is not None:
                    detail = f"participant {action.subject_id}"
                    self._audit(s, AuditAction.CREATE, "follow_up_action", planned.id, detail)
                if action.kind in _CONTACT_KINDS:
                    self._touch_contact(s, action.subject_id, done_on)
            return ActionDone(done, planned)

    def agenda(self, today: date, horizon_days: int = 30) -> Agenda:
        """What is due by ``today`` + ``horizon_days`` (overdue included): open actions,
        follow-up points to observe, eligibility ending; and the contracts ending within the
        alert parameter (``alert.contract_end_days``) or ended without an exit recorded."""
        if horizon_days < 0:
            raise ValidationError("L'horizon de l'agenda ne peut pas être négatif.", "horizon_days")
        with self._sessions.begin() as s:
            return build_agenda(s, today, horizon_days)

    # --- helpers ----------------------------------------------------------------------------

    def _checked_action(self, s: Session, a: FollowUpAction) -> FollowUpAction:
        subject = check.enum_value(FollowUpSubject, a.subject, "subject", "Le sujet du suivi")
        if subject is FollowUpSubject.PARTICIPANT:
            checks.participant(s, a.subject_id)
        elif subject is FollowUpSubject.COMPANY:
            checks.employer(s, a.subject_id)
        else:
            checks.lot(s, a.subject_id)
        if not isinstance(a.occurred_on, date):
            raise ValidationError("La date de l'échange est obligatoire.", "occurred_on")
        if a.due_date is not None and a.due_date < a.occurred_on:
            raise ValidationError(
                f"L'échéance ({format_date(a.due_date)}) précède la date de saisie "
                f"({format_date(a.occurred_on)}).",
                "due_date",
            )
        return replace(
            a,
            subject=subject,
            kind=check.enum_value(ActionKind, a.kind, "kind", "Le type d'échange"),
            summary=check.text(a.summary, "summary", "Le résumé"),
            user_id=a.user_id if a.user_id is not None else self._user_id,
            done_on=a.done_on,
            next_action=check.optional_text(a.next_action),
        )

    def _touch_contact(self, s: Session, participant_id: int, day: date) -> None:
        if day <= date.today() and ParticipantRepository(s).touch_last_contact(participant_id, day):
            detail = "champs : last_contact_date"
            self._audit(s, AuditAction.UPDATE, "participant", participant_id, detail)

    def _set_status(self, s: Session, participant_id: int, status: ParticipantStatus) -> None:
        ParticipantRepository(s).set_status(participant_id, status)
        self._audit(s, AuditAction.UPDATE, "participant", participant_id, "champs : status")

    def _audit(
        self, s: Session, action: AuditAction, entity: str, entity_id: int, detail: str | None
    ) -> None:
        AuditRepository(s).append(self._user_id, action, entity, entity_id, detail)

    @staticmethod
    def _placement(s: Session, placement_id: int | None) -> Placement:
        found = PlacementRepository(s).get(placement_id) if placement_id is not None else None
        if found is None:
            raise NotFound(f"La mise en emploi n° {placement_id} n'existe pas (ou plus).")
        return found


_PLACEMENT_FIELDS = (
    "lot_id",
    "employer_id",
    "modality",
    "contract_type",
    "start_date",
    "end_date",
    "weekly_hours",
    "job_title",
)


def _of(placement: Placement) -> str:
    return f"participant {placement.participant_id}"
