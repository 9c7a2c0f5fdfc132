"""Repositories of placements (mises en emploi), follow-up actions and outcomes.

A follow-up action has exactly one subject, stored in one of three foreign-key columns
(participant, company or lot); the domain value carries it as ``subject`` + ``subject_id``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
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
from asr_desktop.domain.formats import normalise_text
from asr_desktop.domain.model import FollowUpAction, Outcome, Placement
from asr_desktop.persistence.models import (
    CompanyRow,
    FollowUpActionRow,
    LotRow,
    MarketRow,
    OutcomeRow,
    ParticipantRow,
    PlacementRow,
)

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
#: Lists read plain column tuples (no ORM instances): several times faster on large bases.
#: In the order of the domain dataclass fields (read positionally by ``_placement_of``...).
_PLACEMENT_COLUMNS = tuple(
    getattr(PlacementRow, n)
    for n in ("id", "participant_id", "lot_id", "employer_id", "modality", "contract_type")
    + ("start_date", "end_date", "weekly_hours", "job_title", "exit_date", "exit_situation")
)
_ACTION_COLUMNS = tuple(
    getattr(FollowUpActionRow, n)
    for n in ("id", "participant_id", "company_id", "lot_id", "kind", "summary", "occurred_on")
    + ("user_id", "due_date", "done_on", "next_action")
)
_OUTCOME_COLUMNS = tuple(
    getattr(OutcomeRow, n)
    for n in ("id", "participant_id", "point", "due_date", "placement_id", "observed_on")
    + ("situation", "outcome_class", "contract_type", "employer_name", "source")
)
#: Ids per ``IN (...)`` query, well under SQLite's limit on bound variables.
_CHUNK = 5000


def _codes(enum) -> dict:
    return {member.value: member for member in enum} | {None: None, "": None}


_MODALITIES, _CONTRACTS, _SITUATIONS = _codes(Modality), _codes(ContractType), _codes(Situation)
_KINDS, _POINTS, _CLASSES = _codes(ActionKind), _codes(FollowUpPoint), _codes(OutcomeClass)
_SOURCES = _codes(InformationSource)


def _placement_of(v) -> Placement:
    """A placement from the values of ``_PLACEMENT_COLUMNS`` (lists: no ORM instance)."""
    return Placement(
        *v[:4], _MODALITIES[v[4]], _CONTRACTS[v[5]], *v[6:11], _SITUATIONS[v[11]]
    )  # fmt: skip


def _action_of(v) -> FollowUpAction:
    subject, subject_id = (
        (FollowUpSubject.PARTICIPANT, v[1]) if v[1] is not None
        else (FollowUpSubject.COMPANY, v[2]) if v[2] is not None
        else (FollowUpSubject.LOT, v[3])
    )  # fmt: skip
    return FollowUpAction(v[0], subject, subject_id, _KINDS[v[4]], *v[5:])


def _outcome_of(v) -> Outcome:
    return Outcome(
        *v[:2], _POINTS[v[2]], *v[3:6], _SITUATIONS[v[6]], _CLASSES[v[7]], _CONTRACTS[v[8]],
        v[9], _SOURCES[v[10]],
    )  # fmt: skip


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
        query = select(*_PLACEMENT_COLUMNS).order_by(PlacementRow.start_date, PlacementRow.id)
        if participant_id is not None:
            query = query.where(PlacementRow.participant_id == participant_id)
        if lot_id is not None:
            query = query.where(PlacementRow.lot_id == lot_id)
        if employer_id is not None:
            query = query.where(PlacementRow.employer_id == employer_id)
        if active_on is not None:
            query = query.where(_active_on(active_on))
        return [_placement_of(r) for r in self._s.execute(query)]

    def ending_between(self, start: date, end: date) -> list[Placement]:
        """Placements not yet exited whose contract ends between ``start`` and ``end``."""
        query = (
            select(*_PLACEMENT_COLUMNS)
            .where(PlacementRow.end_date.between(start, end), PlacementRow.exit_date.is_(None))
            .order_by(PlacementRow.end_date, PlacementRow.id)
        )
        return [_placement_of(r) for r in self._s.execute(query)]

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
            select(*_ACTION_COLUMNS)
            .where(FollowUpActionRow.due_date <= day, FollowUpActionRow.done_on.is_(None))
            .order_by(FollowUpActionRow.due_date, FollowUpActionRow.id)
        )
        return [_action_of(r) for r in self._s.execute(query)]

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
            select(*_OUTCOME_COLUMNS)
            .where(OutcomeRow.due_date <= day, OutcomeRow.observed_on.is_(None))
            .order_by(OutcomeRow.due_date, OutcomeRow.id)
        )
        return [_outcome_of(r) for r in self._s.execute(query)]

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


# --- what the follow-up screens show beside the values (names and labels, read-only) -----------


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _CHUNK):
        yield wanted[start : start + _CHUNK]


_NEWEST = (PlacementRow.start_date.desc(), PlacementRow.id.desc())


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str | None) -> str:
    """``normalise_text``, remembered: the names of lots and companies are folded once per
    search keystroke by the ``asr_fold`` SQL function."""
    return normalise_text(text)


def _lot_name():
    """How the follow-up screens name a lot (``services._placements_views.lot_label``)."""
    return MarketRow.reference + " · lot " + LotRow.number + " — " + LotRow.title


def _listing_conditions(exited, lot_id, employer_id, participant_id) -> list:
    conditions = []
    if exited is True:
        conditions.append(PlacementRow.exit_date.is_not(None))
    elif exited is False:
        conditions.append(PlacementRow.exit_date.is_(None))
    for column, value in (
        (PlacementRow.lot_id, lot_id),
        (PlacementRow.employer_id, employer_id),
        (PlacementRow.participant_id, participant_id),
    ):
        if value is not None:
            conditions.append(column == value)
    return conditions


class FollowUpLabelRepository:
    """Placements with the names they are shown with, and the names of the people, lots and
    companies the agenda speaks of. One query per list; no ORM instances."""

    def __init__(self, session: Session):
        self._s = session

    def placements(
        self,
        exited: bool | None = None,
        lot_id: int | None = None,
        employer_id: int | None = None,
        participant_id: int | None = None,
        limit: int | None = None,
        words: Sequence[str] = (),
    ) -> tuple[list[tuple], int]:
        """``(placement, last name, first name, reference, market reference, lot number, lot
        title, employer name)`` tuples, most recent start first (``limit`` at most), and how
        many placements match in all. ``exited``: True only exited, False only open.
        ``words`` (folded by ``normalise_text``): each in the person's name or reference, the
        lot's name, the employer's name or the job title."""
        conditions = _listing_conditions(exited, lot_id, employer_id, participant_id)
        newest = select(PlacementRow.id).order_by(*_NEWEST)
        if words:  # the subqueries run once: every matching id, usually few
            titles = self._distinct_titles()
            conditions += [self._holds(word, titles) for word in words]
            matching = list(self._s.scalars(newest.where(*conditions)))
            total, chosen = len(matching), matching[:limit]
        else:
            total = self._s.scalar(select(func.count(PlacementRow.id)).where(*conditions)) or 0
            chosen = list(self._s.scalars(newest.where(*conditions).limit(limit)))
        rank = {placement_id: n for n, placement_id in enumerate(chosen)}
        width = len(_PLACEMENT_COLUMNS)
        found: list[tuple] = []
        for chunk in _chunks(chosen):
            query = (
                select(
                    *_PLACEMENT_COLUMNS,
                    ParticipantRow.last_name,
                    ParticipantRow.first_name,
                    ParticipantRow.reference,
                    MarketRow.reference,
                    LotRow.number,
                    LotRow.title,
                    CompanyRow.name,
                )
                .join(ParticipantRow, ParticipantRow.id == PlacementRow.participant_id)
                .join(LotRow, LotRow.id == PlacementRow.lot_id)
                .join(MarketRow, MarketRow.id == LotRow.market_id)
                .join(CompanyRow, CompanyRow.id == PlacementRow.employer_id)
                .where(PlacementRow.id.in_(chunk))
            )
            found += [(_placement_of(r), *r[width:]) for r in self._s.execute(query)]
        found.sort(key=lambda line: rank[line[0].id])
        return found, total

    def _register_fold(self) -> None:
        """``asr_fold(text)`` in SQL: ``fold`` (a connection keeps it; registering is cheap)."""
        driver = self._s.connection().connection.driver_connection
        driver.create_function("asr_fold", 1, fold, deterministic=True)

    def _distinct_titles(self) -> list[str]:
        return [t for t in self._s.scalars(select(PlacementRow.job_title).distinct()) if t]

    def _holds(self, word: str, titles: list[str]):
        """Placements whose person, lot, employer or job title holds ``word`` (folded): the
        people through their folded ``search_key`` (each test on its own index), companies,
        lots and titles through the ``fold`` SQL function (remembered between calls)."""
        self._register_fold()
        by_name = select(ParticipantRow.id).where(func.instr(ParticipantRow.search_key, word) > 0)
        by_reference = select(ParticipantRow.id).where(
            func.instr(func.lower(ParticipantRow.reference), word) > 0
        )
        companies = select(CompanyRow.id).where(
            func.instr(func.asr_fold(CompanyRow.name), word) > 0
        )
        lots = (
            select(LotRow.id)
            .join(MarketRow, MarketRow.id == LotRow.market_id)
            .where(func.instr(func.asr_fold(_lot_name()), word) > 0)
        )
        return or_(
            PlacementRow.participant_id.in_(by_name.scalar_subquery()),
            PlacementRow.participant_id.in_(by_reference.scalar_subquery()),
            PlacementRow.employer_id.in_(companies.scalar_subquery()),
            PlacementRow.lot_id.in_(lots.scalar_subquery()),
            PlacementRow.job_title.in_([title for title in titles if word in fold(title)]),
        )

    def lots(
        self, words: Sequence[str] = (), limit: int | None = None
    ) -> list[tuple[int, str, str, str, str, date | None]]:
        """``(id, market reference, number, title, status code, end date)`` of the lots whose
        name holds every word (folded); running lots first, then by name."""
        self._register_fold()
        running = LotRow.status.in_(("not_started", "in_progress"))
        query = (
            select(
                LotRow.id, MarketRow.reference, LotRow.number, LotRow.title, LotRow.status,
                LotRow.end_date,
            )
            .join(MarketRow, MarketRow.id == LotRow.market_id)
            .where(*(func.instr(func.asr_fold(_lot_name()), word) > 0 for word in words))
            .order_by(running.desc(), MarketRow.reference, LotRow.number, LotRow.id)
            .limit(limit)
        )  # fmt: skip
        return [tuple(r) for r in self._s.execute(query)]

    def lot_labels(self, lot_ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
        """``{lot id: (market reference, number, title)}``."""
        columns = (LotRow.id, MarketRow.reference, LotRow.number, LotRow.title)
        return self._by_id(lot_ids, columns, (MarketRow, MarketRow.id == LotRow.market_id))

    def people(self, participant_ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
        """``{participant id: (last name, first name, reference)}``."""
        row = ParticipantRow
        return self._by_id(participant_ids, (row.id, row.last_name, row.first_name, row.reference))

    def company_names(self, company_ids: Iterable[int]) -> dict[int, str]:
        found = self._by_id(company_ids, (CompanyRow.id, CompanyRow.name))
        return {company_id: name for company_id, (name,) in found.items()}

    def placement_employers(self, placement_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """``{placement id: (employer name, job title or "")}``."""
        columns = (PlacementRow.id, CompanyRow.name, PlacementRow.job_title)
        found = self._by_id(
            placement_ids, columns, (CompanyRow, CompanyRow.id == PlacementRow.employer_id)
        )
        return {key: (name, title or "") for key, (name, title) in found.items()}

    def _by_id(self, ids: Iterable[int], columns: tuple, join=None) -> dict[int, tuple]:
        """``{id: the other columns}`` for ``ids`` (the first column), by chunks."""
        found: dict[int, tuple] = {}
        for chunk in _chunks(ids):
            query = select(*columns).where(columns[0].in_(chunk))
            if join is not None:
                query = query.join(*join)
            found.update({r[0]: tuple(r[1:]) for r in self._s.execute(query)})
        return found
