"""Repository of the hours ledger: versions of the monthly line of each placement, and totals.

Lines are only ever added; a correction retires the current version (``is_current`` false)
before the new one is inserted, so a partial unique index keeps one current version per
(placement, month). Totals count the current, non-rejected versions and are summed in SQL as
whole hundredths of an hour (SQLite's SUM over NUMERIC goes through floats; integers are exact).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Integer, cast, func, select, update
from sqlalchemy.orm import Session

from asr_desktop.domain.enums import ConversionRule, HoursStatus
from asr_desktop.domain.model import HoursEntry
from asr_desktop.persistence.models import HoursEntryRow

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
_CENTI_HOURS = cast(func.round(HoursEntryRow.credited_hours * 100), Integer)


def hours_to_domain(row: HoursEntryRow) -> HoursEntry:
    return HoursEntry(
        id=row.id,
        rule=ConversionRule(row.rule),
        status=HoursStatus(row.status),
        flags=tuple(row.flags or ()),
        **{n: getattr(row, n) for n in _FIELDS},
    )


def _hours(centi: int | None) -> Decimal:
    return (Decimal(centi or 0) / _HUNDRED).quantize(Decimal("0.01"))


def _counted():
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
            select(HoursEntryRow.lot_id, func.sum(_CENTI_HOURS))
            .where(_counted())
            .group_by(HoursEntryRow.lot_id)
        )
        if lot_ids is not None:
            query = query.where(HoursEntryRow.lot_id.in_(list(lot_ids)))
        return {lot_id: _hours(total) for lot_id, total in self._s.execute(query)}

    def credited_by_month(self, lot_id: int) -> list[tuple[date, Decimal]]:
        """(month, hours credited to the lot that month), in month order."""
        query = (
            select(HoursEntryRow.month, func.sum(_CENTI_HOURS))
            .where(_counted(), HoursEntryRow.lot_id == lot_id)
            .group_by(HoursEntryRow.month)
            .order_by(HoursEntryRow.month)
        )
        return [(month, _hours(total)) for month, total in self._s.execute(query)]

    def credited_by_placement(
        self, lot_id: int | None = None, placement_ids: Iterable[int] | None = None
    ) -> dict[int, Decimal]:
        """Hours credited per placement (optionally on one lot, or for some placements)."""
        query = (
            select(HoursEntryRow.placement_id, func.sum(_CENTI_HOURS))
            .where(_counted())
            .group_by(HoursEntryRow.placement_id)
        )
        if lot_id is not None:
            query = query.where(HoursEntryRow.lot_id == lot_id)
        if placement_ids is not None:
            query = query.where(HoursEntryRow.placement_id.in_(list(placement_ids)))
        return {pid: _hours(total) for pid, total in self._s.execute(query)}
