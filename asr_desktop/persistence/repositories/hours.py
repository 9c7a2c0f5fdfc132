"""Repository of the hours ledger: versions of the monthly line of each placement, and totals.

Lines are only ever added; a correction retires the current version (``is_current`` false)
before the new one is inserted, so a partial unique index keeps one current version per
(placement, month). Totals count the current, non-rejected versions and are summed in SQL as
whole hundredths of an hour (SQLite's SUM over NUMERIC goes through floats; integers are exact).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Integer, cast, func, or_, select, text, update
from sqlalchemy.orm import Session

from asr_desktop.domain.enums import ConversionRule, HoursStatus
from asr_desktop.domain.model import HoursEntry
from asr_desktop.persistence.models import (
    CompanyRow,
    HoursEntryRow,
    LotRow,
    MarketRow,
    ParticipantRow,
    PlacementRow,
)
from asr_desktop.persistence.repositories.placements import fold, placement_to_domain

_FIELDS = (
    "placement_id",
    "lot_id",
    "month",
    "version",
    "worked_hours",
    "training_hours",
    "invoice_amount",
    "labour_share_used",
    "hourly_cost_used",
    "training_counted",
    "credited_hours",
    "proof_ref",
    "reason",
    "created_by_id",
    "created_at",
    "validated_by_id",
    "validated_at",
)
_HUNDRED = Decimal(100)
#: Credited hours of one line in hundredths, as an exact integer.
CENTI_HOURS = cast(func.round(HoursEntryRow.credited_hours * 100), Integer)


def hours_to_domain(row: HoursEntryRow) -> HoursEntry:
    return HoursEntry(
        id=row.id,
        rule=ConversionRule(row.rule),
        status=HoursStatus(row.status),
        flags=tuple(row.flags or ()),
        **{n: getattr(row, n) for n in _FIELDS},
    )


def hours_from_centi(centi: int | None) -> Decimal:
    return (Decimal(centi or 0) / _HUNDRED).quantize(Decimal("0.01"))


def counted_lines():
    """Lines that count in totals: the current version, unless it was rejected."""
    return (HoursEntryRow.is_current.is_(True)) & (
        HoursEntryRow.status != HoursStatus.REJECTED.value
    )


class HoursRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, entry_id: int) -> HoursEntry | None:
        row = self._s.get(HoursEntryRow, entry_id)
        return hours_to_domain(row) if row else None

    def get_many(self, entry_ids: Iterable[int]) -> dict[int, HoursEntry]:
        ids = list(set(entry_ids))
        if not ids:
            return {}
        rows = self._s.scalars(select(HoursEntryRow).where(HoursEntryRow.id.in_(ids)))
        return {r.id: hours_to_domain(r) for r in rows}

    def is_current(self, entry_id: int) -> bool:
        return bool(
            self._s.scalar(select(HoursEntryRow.is_current).where(HoursEntryRow.id == entry_id))
        )

    def current(self, placement_id: int, month: date) -> HoursEntry | None:
        row = self._s.scalars(
            select(HoursEntryRow).where(
                HoursEntryRow.placement_id == placement_id,
                HoursEntryRow.month == month,
                HoursEntryRow.is_current.is_(True),
            )
        ).first()
        return hours_to_domain(row) if row else None

    def history(self, placement_id: int, month: date) -> list[HoursEntry]:
        """Every version of the line, oldest first."""
        query = (
            select(HoursEntryRow)
            .where(HoursEntryRow.placement_id == placement_id, HoursEntryRow.month == month)
            .order_by(HoursEntryRow.version)
        )
        return [hours_to_domain(r) for r in self._s.scalars(query)]

    def current_lines(
        self, placement_id: int | None = None, lot_id: int | None = None
    ) -> list[HoursEntry]:
        """Current versions, by placement then month."""
        query = (
            select(HoursEntryRow)
            .where(HoursEntryRow.is_current.is_(True))
            .order_by(HoursEntryRow.placement_id, HoursEntryRow.month)
        )
        if placement_id is not None:
            query = query.where(HoursEntryRow.placement_id == placement_id)
        if lot_id is not None:
            query = query.where(HoursEntryRow.lot_id == lot_id)
        return [hours_to_domain(r) for r in self._s.scalars(query)]

    def add(self, value: HoursEntry) -> HoursEntry:
        """Insert a version as the current one (retire the previous one first)."""
        row = HoursEntryRow(
            rule=value.rule.value,
            status=value.status.value,
            flags=list(value.flags),
            is_current=True,
            **{n: getattr(value, n) for n in _FIELDS if n != "created_at"},
        )
        self._s.add(row)
        self._s.flush()
        self._s.refresh(row)  # created_at from the database clock, Numeric scales
        return hours_to_domain(row)

    def retire(self, entry_id: int) -> None:
        """The version stops being the current one (it stays in the history)."""
        self._s.execute(
            update(HoursEntryRow).where(HoursEntryRow.id == entry_id).values(is_current=False)
        )
        self._s.flush()

    def set_status(
        self, entry_ids: Iterable[int], status: HoursStatus, user_id: int | None, at: datetime
    ) -> None:
        self._s.execute(
            update(HoursEntryRow)
            .where(HoursEntryRow.id.in_(list(entry_ids)))
            .values(status=status.value, validated_by_id=user_id, validated_at=at)
        )

    # --- totals ---------------------------------------------------------------------------

    def credited_by_lot(self, lot_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
        """Hours credited to each lot (lots without any line are absent)."""
        query = (
            select(HoursEntryRow.lot_id, func.sum(CENTI_HOURS))
            .where(counted_lines())
            .group_by(HoursEntryRow.lot_id)
        )
        if lot_ids is not None:
            query = query.where(HoursEntryRow.lot_id.in_(list(lot_ids)))
        return {lot_id: hours_from_centi(total) for lot_id, total in self._s.execute(query)}

    def credited_by_month(self, lot_id: int) -> list[tuple[date, Decimal]]:
        """(month, hours credited to the lot that month), in month order."""
        query = (
            select(HoursEntryRow.month, func.sum(CENTI_HOURS))
            .where(counted_lines(), HoursEntryRow.lot_id == lot_id)
            .group_by(HoursEntryRow.month)
            .order_by(HoursEntryRow.month)
        )
        return [(month, hours_from_centi(total)) for month, total in self._s.execute(query)]

    def credited_by_placement(
        self, lot_id: int | None = None, placement_ids: Iterable[int] | None = None
    ) -> dict[int, Decimal]:
        """Hours credited per placement (optionally on one lot, or for some placements)."""
        query = (
            select(HoursEntryRow.placement_id, func.sum(CENTI_HOURS))
            .where(counted_lines())
            .group_by(HoursEntryRow.placement_id)
        )
        if lot_id is not None:
            query = query.where(HoursEntryRow.lot_id == lot_id)
        if placement_ids is not None:
            query = query.where(HoursEntryRow.placement_id.in_(list(placement_ids)))
        return {pid: hours_from_centi(total) for pid, total in self._s.execute(query)}

    def credited_by_lot_month(self, lot_ids: Iterable[int]) -> list[tuple[int, date, Decimal]]:
        """(lot, month, hours credited) of the lots, each month with hours, in month order
        (the pools of the globalisation conventions)."""
        ids = list(set(lot_ids))
        if not ids:
            return []
        query = (
            select(HoursEntryRow.lot_id, HoursEntryRow.month, func.sum(CENTI_HOURS))
            .where(counted_lines(), HoursEntryRow.lot_id.in_(ids))
            .group_by(HoursEntryRow.lot_id, HoursEntryRow.month)
            .order_by(HoursEntryRow.month)
        )
        return [
            (lot_id, month, hours_from_centi(total))
            for lot_id, month, total in self._s.execute(query)
        ]


# --- the hours grid (Suivi « Heures »): placements active over a range of months --------------

_NEVER = date(9999, 12, 31)
#: A page of the placements active between two days, by person (``HoursGridRepository``).
_PAGE_BY_PERSON = text(
    """
    SELECT placement.id
    FROM participant CROSS JOIN placement ON placement.participant_id = participant.id
    WHERE placement.start_date <= :last
      AND coalesce(placement.end_date, :never) >= :first
      AND coalesce(placement.exit_date, :never) >= :first
    ORDER BY participant.search_key, placement.start_date, placement.id
    LIMIT :limit OFFSET :offset
    """
)


class HoursGridRepository:
    """Placements whose dates overlap a range of months, with the names the grid shows, one
    page at a time (ordered by person, accents ignored, then start); and the current lines of those placements
    over the months."""

    def __init__(self, session: Session):
        self._s = session

    def active_placements(
        self,
        first_day: date,
        last_day: date,
        lot_id: int | None = None,
        employer_id: int | None = None,
        words: Sequence[str] = (),
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[tuple], int]:
        """``(placement, last name, first name, reference, market reference, lot number, lot
        title, employer name)`` of the placements active at some point between ``first_day``
        and ``last_day`` (started by then, not ended nor exited before), and how many match in
        all. ``words`` (folded by ``normalise_text``): each in the person's name or reference,
        the lot's name or the employer's name."""
        # ``coalesce``: one scan of the placements, faster here than the OR of two index
        # lookups on the end date
        conditions = [
            PlacementRow.start_date <= last_day,
            func.coalesce(PlacementRow.end_date, _NEVER) >= first_day,
            func.coalesce(PlacementRow.exit_date, _NEVER) >= first_day,
        ]
        if lot_id is not None:
            conditions.append(PlacementRow.lot_id == lot_id)
        if employer_id is not None:
            conditions.append(PlacementRow.employer_id == employer_id)
        if words:
            driver = self._s.connection().connection.driver_connection
            driver.create_function("asr_fold", 1, fold, deterministic=True)
            lot_name = MarketRow.reference + " · lot " + LotRow.number + " — " + LotRow.title
            for word in words:  # each subquery runs once (few matching ids)
                people = select(ParticipantRow.id).where(
                    or_(
                        func.instr(ParticipantRow.search_key, word) > 0,
                        func.instr(func.lower(ParticipantRow.reference), word) > 0,
                    )
                )
                companies = select(CompanyRow.id).where(
                    func.instr(func.asr_fold(CompanyRow.name), word) > 0
                )
                lots = (
                    select(LotRow.id)
                    .join(MarketRow, MarketRow.id == LotRow.market_id)
                    .where(func.instr(func.asr_fold(lot_name), word) > 0)
                )
                conditions.append(
                    or_(
                        PlacementRow.participant_id.in_(people.scalar_subquery()),
                        PlacementRow.employer_id.in_(companies.scalar_subquery()),
                        PlacementRow.lot_id.in_(lots.scalar_subquery()),
                    )
                )
        if lot_id is None and employer_id is None and not words:
            # every active placement: count them, then walk the people in name order (their
            # index) and stop at the page; the planner would sort them all otherwise
            total = self._s.scalar(select(func.count(PlacementRow.id)).where(*conditions)) or 0
            chosen = list(
                self._s.scalars(
                    _PAGE_BY_PERSON,
                    {
                        "first": first_day.isoformat(),
                        "last": last_day.isoformat(),
                        "never": _NEVER.isoformat(),
                        "limit": -1 if limit is None else limit,
                        "offset": offset,
                    },
                )
            )
        else:  # filtered: every matching id in one query (the searches run once)
            matching = list(
                self._s.scalars(
                    select(PlacementRow.id)
                    .join(ParticipantRow, ParticipantRow.id == PlacementRow.participant_id)
                    .where(*conditions)
                    .order_by(  # « last first », accents and case folded
                        ParticipantRow.search_key, PlacementRow.start_date, PlacementRow.id
                    )
                )
            )
            total = len(matching)
            chosen = matching[offset : None if limit is None else offset + limit]
        if not chosen:
            return [], total
        rank = {placement_id: n for n, placement_id in enumerate(chosen)}
        details = self._named(
            select(
                PlacementRow,
                ParticipantRow.last_name,
                ParticipantRow.first_name,
                ParticipantRow.reference,
                MarketRow.reference,
                LotRow.number,
                LotRow.title,
                CompanyRow.name,
            )
        ).where(PlacementRow.id.in_(chosen))
        found = [(placement_to_domain(r[0]), *r[1:]) for r in self._s.execute(details)]
        found.sort(key=lambda line: rank[line[0].id])
        return found, total

    @staticmethod
    def _named(query):
        return (
            query.join(ParticipantRow, ParticipantRow.id == PlacementRow.participant_id)
            .join(LotRow, LotRow.id == PlacementRow.lot_id)
            .join(MarketRow, MarketRow.id == LotRow.market_id)
            .join(CompanyRow, CompanyRow.id == PlacementRow.employer_id)
        )

    def current_lines(
        self, placement_ids: Iterable[int], first_day: date, last_day: date
    ) -> list[HoursEntry]:
        """Current versions of the placements' lines between the two dates (months)."""
        ids = list(set(placement_ids))
        if not ids:
            return []
        query = select(HoursEntryRow).where(
            HoursEntryRow.placement_id.in_(ids),
            HoursEntryRow.month >= first_day,
            HoursEntryRow.month <= last_day,
            HoursEntryRow.is_current.is_(True),
        )
        return [hours_to_domain(r) for r in self._s.scalars(query)]
