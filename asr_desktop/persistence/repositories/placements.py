"""Repositories of placements (mises en emploi), follow-up actions and outcomes.

A follow-up action has exactly one subject, stored in one of three foreign-key columns
(participant, company or lot); the domain value carries it as ``subject`` + ``subject_id``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from asr_desktop.domain.enums import (
    ActionKind,
    ContractType,
    FollowUpPoint,
    FollowUpSubject,
    InformationSource,
    Modality,
    OutcomeClass,
    Situation,
)
from asr_desktop.domain.model import FollowUpAction, Outcome, Placement
from asr_desktop.persistence.models import FollowUpActionRow, OutcomeRow, PlacementRow

_PLACEMENT_FIELDS = (
    "participant_id",
    "lot_id",
    "employer_id",
    "start_date",
    "end_date",
    "weekly_hours",
    "job_title",
    "exit_date",
)
_ACTION_FIELDS = ("summary", "occurred_on", "user_id", "due_date", "done_on", "next_action")
_SUBJECT_COLUMN = {
    FollowUpSubject.PARTICIPANT: "participant_id",
    FollowUpSubject.COMPANY: "company_id",
    FollowUpSubject.LOT: "lot_id",
}
_OUTCOME_FIELDS = ("participant_id", "placement_id", "due_date", "observed_on", "employer_name")


def _code(value) -> str | None:
    return None if value is None else value.value


def placement_to_domain(row: PlacementRow) -> Placement:
    return Placement(
        id=row.id,
        modality=Modality(row.modality),
        contract_type=ContractType(row.contract_type),
        exit_situation=Situation(row.exit_situation) if row.exit_situation else None,
        **{n: getattr(row, n) for n in _PLACEMENT_FIELDS},
    )


def placement_from_domain(value: Placement, row: PlacementRow | None = None) -> PlacementRow:
    row = row or PlacementRow()
    for name in _PLACEMENT_FIELDS:
        setattr(row, name, getattr(value, name))
    row.modality = value.modality.value
    row.contract_type = value.contract_type.value
    row.exit_situation = _code(value.exit_situation)
    return row


def action_to_domain(row: FollowUpActionRow) -> FollowUpAction:
    subject = next(s for s, column in _SUBJECT_COLUMN.items() if getattr(row, column) is not None)
    return FollowUpAction(
        id=row.id,
        subject=subject,
        subject_id=getattr(row, _SUBJECT_COLUMN[subject]),
        kind=ActionKind(row.kind),
        **{n: getattr(row, n) for n in _ACTION_FIELDS},
    )


def action_from_domain(value: FollowUpAction, row: FollowUpActionRow | None = None):
    row = row or FollowUpActionRow()
    for subject, column in _SUBJECT_COLUMN.items():
        setattr(row, column, value.subject_id if subject is value.subject else None)
    row.kind = value.kind.value
    for name in _ACTION_FIELDS:
        setattr(row, name, getattr(value, name))
    return row


def outcome_to_domain(row: OutcomeRow) -> Outcome:
    return Outcome(
        id=row.id,
        point=FollowUpPoint(row.point),
        situation=Situation(row.situation) if row.situation else None,
        outcome_class=OutcomeClass(row.outcome_class) if row.outcome_class else None,
        contract_type=ContractType(row.contract_type) if row.contract_type else None,
        source=InformationSource(row.source) if row.source else None,
        **{n: getattr(row, n) for n in _OUTCOME_FIELDS},
    )


def outcome_from_domain(value: Outcome, row: OutcomeRow | None = None) -> OutcomeRow:
    row = row or OutcomeRow()
    for name in _OUTCOME_FIELDS:
        setattr(row, name, getattr(value, name))
    row.point = value.point.value
    row.situation = _code(value.situation)
    row.outcome_class = _code(value.outcome_class)
    row.contract_type = _code(value.contract_type)
    row.source = _code(value.source)
    return row


def _active_on(day: date):
    """Placement started on or before ``day`` and neither ended nor exited before it."""
    return (
        (PlacementRow.start_date <= day)
        & or_(PlacementRow.end_date.is_(None), PlacementRow.end_date >= day)
        & or_(PlacementRow.exit_date.is_(None), PlacementRow.exit_date >= day)
    )


class PlacementRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, placement_id: int) -> Placement | None:
        row = self._s.get(PlacementRow, placement_id)
        return placement_to_domain(row) if row else None

    def list(
        self,
        participant_id: int | None = None,
        lot_id: int | None = None,
        employer_id: int | None = None,
        active_on: date | None = None,
    ) -> list[Placement]:
        query = select(PlacementRow).order_by(PlacementRow.start_date, PlacementRow.id)
        if participant_id is not None:
            query = query.where(PlacementRow.participant_id == participant_id)
        if lot_id is not None:
            query = query.where(PlacementRow.lot_id == lot_id)
        if employer_id is not None:
            query = query.where(PlacementRow.employer_id == employer_id)
        if active_on is not None:
            query = query.where(_active_on(active_on))
        return [placement_to_domain(r) for r in self._s.scalars(query)]

    def ending_between(self, start: date, end: date) -> list[Placement]:
        """Placements not yet exited whose contract ends between ``start`` and ``end``."""
        query = (
            select(PlacementRow)
            .where(PlacementRow.end_date.between(start, end), PlacementRow.exit_date.is_(None))
            .order_by(PlacementRow.end_date, PlacementRow.id)
        )
        return [placement_to_domain(r) for r in self._s.scalars(query)]

    def first_start(self, participant_id: int) -> date | None:
        """Start of the participant's first clause placement (their first clause hire)."""
        return self._s.scalar(
            select(func.min(PlacementRow.start_date)).where(
                PlacementRow.participant_id == participant_id
            )
        )

    def count_open(self, participant_id: int) -> int:
        """Placements of the participant without an exit."""
        query = select(func.count()).where(
            PlacementRow.participant_id == participant_id, PlacementRow.exit_date.is_(None)
        )
        return self._s.scalar(query) or 0

    def add(self, value: Placement) -> Placement:
        row = placement_from_domain(value)
        self._s.add(row)
        self._s.flush()
        self._s.refresh(row)  # read back as stored (Numeric scale)
        return placement_to_domain(row)

    def update(self, value: Placement) -> Placement:
        row = self._s.get_one(PlacementRow, value.id)
        placement_from_domain(value, row)
        self._s.flush()
        self._s.refresh(row)
        return placement_to_domain(row)

    def move(self, from_participant: int, to_participant: int) -> int:
        result = self._s.execute(
            update(PlacementRow)
            .where(PlacementRow.participant_id == from_participant)
            .values(participant_id=to_participant)
        )
        return result.rowcount


class FollowUpRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, action_id: int) -> FollowUpAction | None:
        row = self._s.get(FollowUpActionRow, action_id)
        return action_to_domain(row) if row else None

    def list(self, subject: FollowUpSubject, subject_id: int) -> list[FollowUpAction]:
        """The log of one subject, most recent first."""
        column = getattr(FollowUpActionRow, _SUBJECT_COLUMN[subject])
        query = (
            select(FollowUpActionRow)
            .where(column == subject_id)
            .order_by(FollowUpActionRow.occurred_on.desc(), FollowUpActionRow.id.desc())
        )
        return [action_to_domain(r) for r in self._s.scalars(query)]

    def open_due_until(self, day: date) -> list[FollowUpAction]:
        """Actions to do (due date set, not done) due on or before ``day``, oldest first."""
        query = (
            select(FollowUpActionRow)
            .where(FollowUpActionRow.due_date <= day, FollowUpActionRow.done_on.is_(None))
            .order_by(FollowUpActionRow.due_date, FollowUpActionRow.id)
        )
        return [action_to_domain(r) for r in self._s.scalars(query)]

    def add(self, value: FollowUpAction) -> FollowUpAction:
        row = action_from_domain(value)
        self._s.add(row)
        self._s.flush()
        return action_to_domain(row)

    def update(self, value: FollowUpAction) -> FollowUpAction:
        row = self._s.get_one(FollowUpActionRow, value.id)
        action_from_domain(value, row)
        self._s.flush()
        return action_to_domain(row)

    def move(self, from_participant: int, to_participant: int) -> int:
        result = self._s.execute(
            update(FollowUpActionRow)
            .where(FollowUpActionRow.participant_id == from_participant)
            .values(participant_id=to_participant)
        )
        return result.rowcount


class OutcomeRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, outcome_id: int) -> Outcome | None:
        row = self._s.get(OutcomeRow, outcome_id)
        return outcome_to_domain(row) if row else None

    def list(
        self, participant_id: int | None = None, placement_id: int | None = None
    ) -> list[Outcome]:
        query = select(OutcomeRow).order_by(OutcomeRow.due_date, OutcomeRow.id)
        if participant_id is not None:
            query = query.where(OutcomeRow.participant_id == participant_id)
        if placement_id is not None:
            query = query.where(OutcomeRow.placement_id == placement_id)
        return [outcome_to_domain(r) for r in self._s.scalars(query)]

    def unobserved_due_until(self, day: date) -> list[Outcome]:
        query = (
            select(OutcomeRow)
            .where(OutcomeRow.due_date <= day, OutcomeRow.observed_on.is_(None))
            .order_by(OutcomeRow.due_date, OutcomeRow.id)
        )
        return [outcome_to_domain(r) for r in self._s.scalars(query)]

    def add(self, value: Outcome) -> Outcome:
        row = outcome_from_domain(value)
        self._s.add(row)
        self._s.flush()
        return outcome_to_domain(row)

    def update(self, value: Outcome) -> Outcome:
        row = self._s.get_one(OutcomeRow, value.id)
        outcome_from_domain(value, row)
        self._s.flush()
        return outcome_to_domain(row)

    def move(self, from_participant: int, to_participant: int) -> int:
        """Give the outcomes of one participant to another (merge). Outcomes belong to
        placements, which move too, so the (participant, placement, point) key stays unique."""
        result = self._s.execute(
            update(OutcomeRow)
            .where(OutcomeRow.participant_id == from_participant)
            .values(participant_id=to_participant)
        )
        return result.rowcount
