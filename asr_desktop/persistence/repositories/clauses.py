"""Repositories of the clause hierarchy: authority → operation → market → lot.

Row ↔ domain mapping lives here (``*_to_domain`` / ``*_from_domain``): a lot's calibration is
stored flat in the ``cal_*`` columns, its eligible publics as a JSON list of criterion codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asr_desktop.domain.enums import (
    AuthorityKind,
    CalibrationMethod,
    LegalMechanism,
    LotStatus,
    MarketKind,
    Sector,
)
from asr_desktop.domain.model import Authority, Calibration, Lot, Market, Operation, Placement
from asr_desktop.persistence.models import (
    AuthorityRow,
    HoursEntryRow,
    LotRow,
    MarketRow,
    OperationRow,
    PlacementRow,
)
from asr_desktop.persistence.repositories.hours import CENTI_HOURS, counted_lines, hours_from_centi
from asr_desktop.persistence.repositories.placements import placement_to_domain

# --- mappings -------------------------------------------------------------------------------

_AUTHORITY_FIELDS = ("name", "commune", "siret", "contact_name", "contact_email", "contact_phone")
_OPERATION_FIELDS = (
    "authority_id",
    "name",
    "commune",
    "anru",
    "qpv",
    "qpv_code",
    "anru_convention",
    "start_date",
    "end_date",
)
_MARKET_FIELDS = (
    "operation_id",
    "reference",
    "object",
    "amount_ht",
    "max_amount_ht",
    "frame_agreement",
    "notification_date",
    "start_date",
    "end_date",
    "award_weight_pct",
    "no_clause_justification",
)
_LOT_FIELDS = (
    "market_id",
    "number",
    "title",
    "amount_ht",
    "start_date",
    "end_date",
    "penalty_per_hour",
    "globalisation_allowed",
    "training_hours_counted",
    "conversion_labour_share",
    "conversion_hourly_cost",
    "clause_text",
    "facilitator_id",
)
#: Calibration fields stored in the ``cal_<name>`` columns of the lot.
_CALIBRATION_FIELDS = (
    "amount_ht",
    "labour_share",
    "insertion_rate",
    "hourly_cost",
    "euros_per_hour",
    "hours_percent",
    "estimated_total_hours",
    "transferred_monthly_hours",
    "months",
    "turnover_per_hour",
    "note",
)


def _copy(source: object, target: object, names: Iterable[str]) -> None:
    for name in names:
        setattr(target, name, getattr(source, name))


def authority_to_domain(row: AuthorityRow) -> Authority:
    return Authority(
        id=row.id, kind=AuthorityKind(row.kind), **{n: getattr(row, n) for n in _AUTHORITY_FIELDS}
    )


def authority_from_domain(value: Authority, row: AuthorityRow | None = None) -> AuthorityRow:
    row = row or AuthorityRow()
    _copy(value, row, _AUTHORITY_FIELDS)
    row.kind = value.kind.value
    return row


def operation_to_domain(row: OperationRow) -> Operation:
    return Operation(id=row.id, **{n: getattr(row, n) for n in _OPERATION_FIELDS})


def operation_from_domain(value: Operation, row: OperationRow | None = None) -> OperationRow:
    row = row or OperationRow()
    _copy(value, row, _OPERATION_FIELDS)
    return row


def market_to_domain(row: MarketRow) -> Market:
    return Market(
        id=row.id,
        mechanism=LegalMechanism(row.mechanism),
        kind=MarketKind(row.kind),
        sector=Sector(row.sector),
        **{n: getattr(row, n) for n in _MARKET_FIELDS},
    )


def market_from_domain(value: Market, row: MarketRow | None = None) -> MarketRow:
    row = row or MarketRow()
    _copy(value, row, _MARKET_FIELDS)
    row.mechanism = value.mechanism.value
    row.kind = value.kind.value
    row.sector = value.sector.value
    return row


def lot_to_domain(row: LotRow) -> Lot:
    calibration = Calibration(
        method=CalibrationMethod(row.method),
        required_hours=row.required_hours,
        **{n: getattr(row, f"cal_{n}") for n in _CALIBRATION_FIELDS},
    )
    return Lot(
        id=row.id,
        calibration=calibration,
        status=LotStatus(row.status),
        eligible_publics=tuple(row.eligible_publics or ()),
        **{n: getattr(row, n) for n in _LOT_FIELDS},
    )


def lot_from_domain(value: Lot, row: LotRow | None = None) -> LotRow:
    row = row or LotRow()
    _copy(value, row, _LOT_FIELDS)
    row.status = value.status.value
    row.eligible_publics = list(value.eligible_publics)
    calibration = value.calibration
    row.method = calibration.method.value
    row.required_hours = calibration.required_hours
    for name in _CALIBRATION_FIELDS:
        setattr(row, f"cal_{name}", getattr(calibration, name))
    return row


# --- repositories ---------------------------------------------------------------------------


class AuthorityRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, authority_id: int) -> Authority | None:
        row = self._s.get(AuthorityRow, authority_id)
        return authority_to_domain(row) if row else None

    def list(self) -> list[Authority]:
        rows = self._s.scalars(select(AuthorityRow).order_by(AuthorityRow.name))
        return [authority_to_domain(r) for r in rows]

    def find_by_name(self, name: str) -> Authority | None:
        """Case-insensitive lookup (ASCII case; names differing by accents are distinct)."""
        row = self._s.scalars(
            select(AuthorityRow).where(func.lower(AuthorityRow.name) == name.lower())
        ).first()
        return authority_to_domain(row) if row else None

    def add(self, value: Authority) -> Authority:
        row = authority_from_domain(value)
        self._s.add(row)
        self._s.flush()
        return authority_to_domain(row)

    def update(self, value: Authority) -> Authority:
        row = self._s.get_one(AuthorityRow, value.id)
        authority_from_domain(value, row)
        self._s.flush()
        return authority_to_domain(row)


class OperationRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, operation_id: int) -> Operation | None:
        row = self._s.get(OperationRow, operation_id)
        return operation_to_domain(row) if row else None

    def list(self, authority_id: int | None = None) -> list[Operation]:
        query = select(OperationRow).order_by(OperationRow.authority_id, OperationRow.name)
        if authority_id is not None:
            query = query.where(OperationRow.authority_id == authority_id)
        return [operation_to_domain(r) for r in self._s.scalars(query)]

    def add(self, value: Operation) -> Operation:
        row = operation_from_domain(value)
        self._s.add(row)
        self._s.flush()
        return operation_to_domain(row)

    def update(self, value: Operation) -> Operation:
        row = self._s.get_one(OperationRow, value.id)
        operation_from_domain(value, row)
        self._s.flush()
        return operation_to_domain(row)


class MarketRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, market_id: int) -> Market | None:
        row = self._s.get(MarketRow, market_id)
        return market_to_domain(row) if row else None

    def list(self, operation_id: int | None = None) -> list[Market]:
        query = select(MarketRow).order_by(MarketRow.operation_id, MarketRow.reference)
        if operation_id is not None:
            query = query.where(MarketRow.operation_id == operation_id)
        return [market_to_domain(r) for r in self._s.scalars(query)]

    def find_by_reference(self, operation_id: int, reference: str) -> Market | None:
        row = self._s.scalars(
            select(MarketRow).where(
                MarketRow.operation_id == operation_id,
                func.lower(MarketRow.reference) == reference.lower(),
            )
        ).first()
        return market_to_domain(row) if row else None

    def add(self, value: Market) -> Market:
        row = market_from_domain(value)
        self._s.add(row)
        self._s.flush()
        self._s.refresh(row)  # read back as stored (Numeric scales)
        return market_to_domain(row)

    def update(self, value: Market) -> Market:
        row = self._s.get_one(MarketRow, value.id)
        market_from_domain(value, row)
        self._s.flush()
        self._s.refresh(row)  # read back as stored (Numeric scales)
        return market_to_domain(row)


class LotRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, lot_id: int) -> Lot | None:
        row = self._s.get(LotRow, lot_id)
        return lot_to_domain(row) if row else None

    def get_many(self, lot_ids: Iterable[int]) -> dict[int, Lot]:
        ids = list(set(lot_ids))
        if not ids:
            return {}
        rows = self._s.scalars(select(LotRow).where(LotRow.id.in_(ids)))
        return {r.id: lot_to_domain(r) for r in rows}

    def required_by_status(self) -> list[tuple[str, Decimal]]:
        """(status code, required hours) of every lot: two columns, no lot objects."""
        return [
            (status, required)
            for status, required in self._s.execute(select(LotRow.status, LotRow.required_hours))
        ]

    def list(self, market_id: int | None = None) -> list[Lot]:
        query = select(LotRow).order_by(LotRow.market_id, LotRow.number)
        if market_id is not None:
            query = query.where(LotRow.market_id == market_id)
        return [lot_to_domain(r) for r in self._s.scalars(query)]

    def find_by_number(self, market_id: int, number: str) -> Lot | None:
        row = self._s.scalars(
            select(LotRow).where(
                LotRow.market_id == market_id, func.lower(LotRow.number) == number.lower()
            )
        ).first()
        return lot_to_domain(row) if row else None

    def add(self, value: Lot) -> Lot:
        row = lot_from_domain(value)
        self._s.add(row)
        self._s.flush()
        self._s.refresh(row)  # read back as stored (Numeric scales)
        return lot_to_domain(row)

    def update(self, value: Lot) -> Lot:
        row = self._s.get_one(LotRow, value.id)
        lot_from_domain(value, row)
        self._s.flush()
        self._s.refresh(row)  # read back as stored (Numeric scales)
        return lot_to_domain(row)


# --- light reads for the Marchés tree -------------------------------------------------------


class ClauseOutlineRepository:
    """Plain tuples for the Marchés tree and its progress columns: thousands of rows read
    column by column, without building ORM objects (a full ``Lot`` costs ~50 µs, a tuple ~10)."""

    def __init__(self, session: Session):
        self._s = session

    def market_lines(self) -> list[tuple]:
        """(id, operation_id, reference, object, kind, notification, start, end) per market."""
        query = select(
            MarketRow.id,
            MarketRow.operation_id,
            MarketRow.reference,
            MarketRow.object,
            MarketRow.kind,
            MarketRow.notification_date,
            MarketRow.start_date,
            MarketRow.end_date,
        )
        return [(*row[:4], MarketKind(row[4]), *row[5:]) for row in self._s.execute(query)]

    def lot_lines(self) -> list[tuple]:
        """(id, market_id, number, title, status, required_hours, start, end) per lot."""
        query = select(
            LotRow.id,
            LotRow.market_id,
            LotRow.number,
            LotRow.title,
            LotRow.status,
            LotRow.required_hours,
            LotRow.start_date,
            LotRow.end_date,
        )
        return [(*row[:4], LotStatus(row[4]), *row[5:]) for row in self._s.execute(query)]

    def lot_terms(self) -> list[tuple]:
        """(id, required_hours, penalty_per_hour, start, end) per lot, the dates falling back
        on the market's when the lot has none (as the lot's progress does)."""
        query = select(
            LotRow.id,
            LotRow.required_hours,
            LotRow.penalty_per_hour,
            func.coalesce(LotRow.start_date, MarketRow.start_date),
            func.coalesce(LotRow.end_date, MarketRow.end_date),
        ).join(MarketRow, MarketRow.id == LotRow.market_id)
        return [tuple(row) for row in self._s.execute(query)]

    def credited_by_lot_month(self, since: date, before: date) -> list[tuple[int, date, Decimal]]:
        """(lot, month, hours credited) for the months from ``since`` to before ``before``,
        counted as the hours repository counts them (current, non-rejected lines)."""
        query = (
            select(HoursEntryRow.lot_id, HoursEntryRow.month, func.sum(CENTI_HOURS))
            .where(counted_lines(), HoursEntryRow.month >= since, HoursEntryRow.month < before)
            .group_by(HoursEntryRow.lot_id, HoursEntryRow.month)
        )
        return [
            (lot_id, month, hours_from_centi(total))
            for lot_id, month, total in self._s.execute(query)
        ]

    def placements_starting_after(self, day: date) -> list[Placement]:
        """Placements still to start after ``day``, not exited, with weekly hours: the ones
        that add planned hours to a forecast."""
        query = select(PlacementRow).where(
            PlacementRow.start_date > day,
            PlacementRow.exit_date.is_(None),
            PlacementRow.weekly_hours.is_not(None),
        )
        return [placement_to_domain(row) for row in self._s.scalars(query)]
