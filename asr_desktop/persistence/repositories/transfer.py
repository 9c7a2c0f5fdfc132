"""What statement templates and statement imports read and write, many rows at a time.

A 10 000-row statement must be checked and written in a few seconds (product.md §6): every
lookup here takes the whole list of keys and answers with one query per chunk, and the ledger
lines of an import are inserted with one ``executemany`` (no ORM object per line).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from datetime import date

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from asr_desktop.domain.enums import ConversionRule, HoursStatus
from asr_desktop.domain.model import EligibilityRecord, HoursEntry, Placement
from asr_desktop.persistence.models import (
    CompanyRow,
    EligibilityRow,
    HoursEntryRow,
    LotRow,
    MarketRow,
    ParticipantRow,
    PlacementRow,
)
from asr_desktop.persistence.repositories.placements import (
    _PLACEMENT_COLUMNS,
    _placement_of,
    placement_to_domain,
)

_CHUNK = 500
#: Plain column lists (no ORM instance per row: several times faster for thousands of rows),
#: in the order of the domain dataclasses' fields.
_ELIGIBILITY_COLUMNS = tuple(
    getattr(EligibilityRow, n)
    for n in ("id", "participant_id", "criterion", "proof_type", "proof_date")
    + ("validated_by_id", "validated_on", "expires_on", "note")
)
_HOURS_COLUMNS = tuple(getattr(HoursEntryRow, f.name) for f in fields(HoursEntry))


def _hours_of(v) -> HoursEntry:
    """A ledger line from the values of ``_HOURS_COLUMNS``."""
    values = list(v)
    values[8] = ConversionRule(values[8])
    values[14] = HoursStatus(values[14])
    values[15] = tuple(values[15] or ())
    return HoursEntry(*values)


def _chunks(values: Iterable) -> Iterator[list]:
    wanted = sorted(set(values))
    for start in range(0, len(wanted), _CHUNK):
        yield wanted[start : start + _CHUNK]


def _overlapping(first_day: date, last_day: date) -> list:
    """Placements active at some point between the two days (started, not ended or exited)."""
    return [
        PlacementRow.start_date <= last_day,
        or_(PlacementRow.end_date.is_(None), PlacementRow.end_date >= first_day),
        or_(PlacementRow.exit_date.is_(None), PlacementRow.exit_date >= first_day),
    ]


class StatementRepository:
    def __init__(self, session: Session):
        self._s = session

    def _core(self, query):
        """Rows of a column query without the ORM's per-row work (thousands of rows)."""
        return self._s.connection().execute(query)

    # --- templates ------------------------------------------------------------------------

    def company_placements(
        self, company_id: int, first_day: date, last_day: date
    ) -> list[tuple[Placement, str, str, str, str, str]]:
        """``(placement, reference, last name, first name, market reference, lot number)`` of
        the company's placements active between the two days, by person then start."""
        query = (
            select(
                PlacementRow,
                ParticipantRow.reference,
                ParticipantRow.last_name,
                ParticipantRow.first_name,
                MarketRow.reference,
                LotRow.number,
            )
            .join(ParticipantRow, ParticipantRow.id == PlacementRow.participant_id)
            .join(LotRow, LotRow.id == PlacementRow.lot_id)
            .join(MarketRow, MarketRow.id == LotRow.market_id)
            .where(PlacementRow.employer_id == company_id, *_overlapping(first_day, last_day))
            .order_by(
                ParticipantRow.last_name,
                ParticipantRow.first_name,
                PlacementRow.start_date,
                PlacementRow.id,
            )
        )
        return [(placement_to_domain(r[0]), *r[1:]) for r in self._s.execute(query)]

    def companies_with_placements(self, first_day: date, last_day: date) -> list[int]:
        """Ids of the companies employing someone placed between the two days."""
        query = (
            select(PlacementRow.employer_id)
            .where(*_overlapping(first_day, last_day))
            .distinct()
            .order_by(PlacementRow.employer_id)
        )
        return list(self._s.scalars(query))

    def company_by_siret(self, siret: str) -> tuple[int, str, str] | None:
        row = self._s.execute(
            select(CompanyRow.id, CompanyRow.siret, CompanyRow.name).where(
                CompanyRow.siret == siret
            )
        ).first()
        return tuple(row) if row else None

    def companies(self, company_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """``{id: (siret, name)}``."""
        found: dict[int, tuple[str, str]] = {}
        for chunk in _chunks(company_ids):
            query = select(CompanyRow.id, CompanyRow.siret, CompanyRow.name).where(
                CompanyRow.id.in_(chunk)
            )
            found.update({r[0]: (r[1], r[2]) for r in self._s.execute(query)})
        return found

    # --- matching the rows of a statement -------------------------------------------------

    def people_by_reference(self, references: Iterable[str]) -> dict[str, tuple]:
        """``{reference: (id, reference, last name, first name, birth date)}``."""
        found: dict[str, tuple] = {}
        for chunk in _chunks(references):
            query = select(*self._person_columns()).where(ParticipantRow.reference.in_(chunk))
            found.update({r[1]: tuple(r) for r in self._s.execute(query)})
        return found

    def people_born_on(self, birth_dates: Iterable[date]) -> list[tuple]:
        """``(id, reference, last name, first name, birth date)`` of everyone born on one of
        the days (the names are compared by the caller, accents and case folded)."""
        found: list[tuple] = []
        for chunk in _chunks(birth_dates):
            query = select(*self._person_columns()).where(ParticipantRow.birth_date.in_(chunk))
            found += [tuple(r) for r in self._s.execute(query)]
        return found

    @staticmethod
    def _person_columns() -> tuple:
        row = ParticipantRow
        return (row.id, row.reference, row.last_name, row.first_name, row.birth_date)

    def all_lots(self) -> list[tuple[int, str, str]]:
        """``(lot id, market reference, lot number)`` of every lot (a few thousand at most;
        references are compared folded by the caller, which SQL cannot do)."""
        query = select(LotRow.id, MarketRow.reference, LotRow.number).join(
            MarketRow, MarketRow.id == LotRow.market_id
        )
        return [tuple(r) for r in self._s.execute(query)]

    def placements_of(self, participant_ids: Iterable[int]) -> list[Placement]:
        found: list[Placement] = []
        for chunk in _chunks(participant_ids):
            query = select(*_PLACEMENT_COLUMNS).where(PlacementRow.participant_id.in_(chunk))
            found += [_placement_of(r) for r in self._core(query)]
        return found

    def eligibility_of(self, participant_ids: Iterable[int]) -> dict[int, list[EligibilityRecord]]:
        """Every eligibility record of the people (by criterion), people without any absent."""
        found: dict[int, list[EligibilityRecord]] = {}
        for chunk in _chunks(participant_ids):
            query = (
                select(*_ELIGIBILITY_COLUMNS)
                .where(EligibilityRow.participant_id.in_(chunk))
                .order_by(EligibilityRow.criterion, EligibilityRow.id)
            )
            for row in self._core(query):
                found.setdefault(row[1], []).append(EligibilityRecord(*row))
        return found

    def first_starts(self, participant_ids: Iterable[int]) -> dict[int, date]:
        """Start of each person's first clause placement."""
        found: dict[int, date] = {}
        for chunk in _chunks(participant_ids):
            query = (
                select(PlacementRow.participant_id, func.min(PlacementRow.start_date))
                .where(PlacementRow.participant_id.in_(chunk))
                .group_by(PlacementRow.participant_id)
            )
            found.update({pid: start for pid, start in self._s.execute(query)})
        return found

    # --- the ledger -----------------------------------------------------------------------

    def current_lines(
        self, placement_ids: Iterable[int], months: Iterable[date]
    ) -> dict[tuple[int, date], HoursEntry]:
        """``{(placement id, month): current version}`` of the placements over the months."""
        found: dict[tuple[int, date], HoursEntry] = {}
        wanted = sorted(set(months))
        if not wanted:
            return found
        for chunk in _chunks(placement_ids):
            query = select(*_HOURS_COLUMNS).where(
                HoursEntryRow.placement_id.in_(chunk),
                HoursEntryRow.is_current.is_(True),
                HoursEntryRow.month.between(wanted[0], wanted[-1]),
            )
            for row in self._core(query):
                entry = _hours_of(row)
                found[(entry.placement_id, entry.month)] = entry
        return found

    def last_versions(self, placement_ids: Iterable[int]) -> dict[tuple[int, date], int]:
        """``{(placement id, month): highest version}`` (retired versions included)."""
        found: dict[tuple[int, date], int] = {}
        for chunk in _chunks(placement_ids):
            query = (
                select(
                    HoursEntryRow.placement_id, HoursEntryRow.month, func.max(HoursEntryRow.version)
                )
                .where(HoursEntryRow.placement_id.in_(chunk))
                .group_by(HoursEntryRow.placement_id, HoursEntryRow.month)
            )
            found.update({(pid, month): top for pid, month, top in self._s.execute(query)})
        return found

    def retire(self, entry_ids: Sequence[int]) -> None:
        """The versions stop being current (they stay in the history)."""
        for chunk in _chunks(entry_ids):
            self._s.execute(
                update(HoursEntryRow).where(HoursEntryRow.id.in_(chunk)).values(is_current=False)
            )

    def add_lines(self, entries: Sequence[HoursEntry]) -> int:
        """Insert the versions as the current ones, in one statement; returns the count."""
        if not entries:
            return 0
        rows = [
            {
                "placement_id": e.placement_id,
                "lot_id": e.lot_id,
                "month": e.month,
                "version": e.version,
                "is_current": True,
                "worked_hours": e.worked_hours,
                "training_hours": e.training_hours,
                "invoice_amount": e.invoice_amount,
                "rule": e.rule.value,
                "labour_share_used": e.labour_share_used,
                "hourly_cost_used": e.hourly_cost_used,
                "training_counted": e.training_counted,
                "credited_hours": e.credited_hours,
                "proof_ref": e.proof_ref,
                "status": e.status.value,
                "flags": list(e.flags),
                "reason": e.reason,
                "created_by_id": e.created_by_id,
            }
            for e in entries
        ]
        self._s.connection().execute(insert(HoursEntryRow.__table__), rows)
        return len(rows)
