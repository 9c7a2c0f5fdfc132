"""Repositories of companies (with their contacts), attributions and globalisation conventions."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Integer, cast, delete, func, select
from sqlalchemy.orm import Session

from asr_desktop.domain.enums import AttributionRole, CompanyKind
from asr_desktop.domain.model import (
    Attribution,
    Authority,
    Company,
    CompanyContact,
    GlobalisationConvention,
    Lot,
    Market,
    Operation,
)
from asr_desktop.persistence.models import (
    AttributionRow,
    AuthorityRow,
    CompanyContactRow,
    CompanyRow,
    GlobalisationLotRow,
    GlobalisationRow,
    HoursEntryRow,
    LotRow,
    MarketRow,
    OperationRow,
    PlacementRow,
)
from asr_desktop.persistence.repositories.clauses import (
    authority_to_domain,
    lot_to_domain,
    market_to_domain,
    operation_to_domain,
)
from asr_desktop.persistence.repositories.hours import CENTI_HOURS, counted_lines, hours_from_centi

_COMPANY_FIELDS = (
    "siret",
    "name",
    "address",
    "postcode",
    "city",
    "naf",
    "contact_name",
    "contact_email",
    "contact_phone",
)
_CONTACT_FIELDS = ("company_id", "name", "role", "phone", "email")
_GLOBALISATION_FIELDS = (
    "company_id",
    "name",
    "signed_on",
    "start_date",
    "end_date",
    "allocation_key",
)


def company_to_domain(row: CompanyRow) -> Company:
    return Company(
        id=row.id, kind=CompanyKind(row.kind), **{n: getattr(row, n) for n in _COMPANY_FIELDS}
    )


def company_from_domain(value: Company, row: CompanyRow | None = None) -> CompanyRow:
    row = row or CompanyRow()
    for name in _COMPANY_FIELDS:
        setattr(row, name, getattr(value, name))
    row.kind = value.kind.value
    return row


def contact_to_domain(row: CompanyContactRow) -> CompanyContact:
    return CompanyContact(id=row.id, **{n: getattr(row, n) for n in _CONTACT_FIELDS})


def attribution_to_domain(row: AttributionRow) -> Attribution:
    return Attribution(
        id=row.id,
        lot_id=row.lot_id,
        company_id=row.company_id,
        role=AttributionRole(row.role),
        hours_share=row.hours_share,
    )


class CompanyRepository:
    def __init__(self, session: Session):
        self._s = session

    # companies

    def get(self, company_id: int) -> Company | None:
        row = self._s.get(CompanyRow, company_id)
        return company_to_domain(row) if row else None

    def get_many(self, company_ids: list[int]) -> dict[int, Company]:
        if not company_ids:
            return {}
        rows = self._s.scalars(select(CompanyRow).where(CompanyRow.id.in_(set(company_ids))))
        return {r.id: company_to_domain(r) for r in rows}

    def get_by_siret(self, siret: str) -> Company | None:
        row = self._s.scalars(select(CompanyRow).where(CompanyRow.siret == siret)).first()
        return company_to_domain(row) if row else None

    def list(self, kind: CompanyKind | None = None) -> list[Company]:
        query = select(CompanyRow).order_by(func.lower(CompanyRow.name), CompanyRow.id)
        if kind is not None:
            query = query.where(CompanyRow.kind == kind.value)
        return [company_to_domain(r) for r in self._s.scalars(query)]

    def with_siret_prefix(self, digits: str, limit: int) -> list[Company]:
        query = (
            select(CompanyRow)
            .where(CompanyRow.siret.startswith(digits, autoescape=True))
            .order_by(CompanyRow.siret)
            .limit(limit)
        )
        return [company_to_domain(r) for r in self._s.scalars(query)]

    def search_texts(self) -> list[tuple[int, str]]:
        """(id, "name city siret") of every company by name: light rows for a text search."""
        query = select(CompanyRow.id, CompanyRow.name, CompanyRow.city, CompanyRow.siret).order_by(
            func.lower(CompanyRow.name), CompanyRow.id
        )
        return [
            (i, f"{name} {city or ''} {siret}") for i, name, city, siret in self._s.execute(query)
        ]

    def list_with_lot_counts(self) -> list[tuple[Company, int]]:
        """Every company by name, with the number of lots it holds (any role): plain columns,
        no ORM objects, for a list of thousands."""
        held = (
            select(AttributionRow.company_id, func.count(AttributionRow.id).label("lots"))
            .group_by(AttributionRow.company_id)
            .subquery()
        )
        columns = [getattr(CompanyRow, name) for name in _COMPANY_FIELDS]
        query = (
            select(CompanyRow.id, CompanyRow.kind, func.coalesce(held.c.lots, 0), *columns)
            .outerjoin(held, held.c.company_id == CompanyRow.id)
            .order_by(func.lower(CompanyRow.name), CompanyRow.id)
        )
        return [
            (
                Company(
                    id=company_id,
                    kind=CompanyKind(kind),
                    **dict(zip(_COMPANY_FIELDS, values, strict=True)),
                ),
                lots,
            )
            for company_id, kind, lots, *values in self._s.execute(query)
        ]

    def add(self, value: Company) -> Company:
        row = company_from_domain(value)
        self._s.add(row)
        self._s.flush()
        return company_to_domain(row)

    def update(self, value: Company) -> Company:
        row = self._s.get_one(CompanyRow, value.id)
        company_from_domain(value, row)
        self._s.flush()
        return company_to_domain(row)

    # contacts

    def get_contact(self, contact_id: int) -> CompanyContact | None:
        row = self._s.get(CompanyContactRow, contact_id)
        return contact_to_domain(row) if row else None

    def list_contacts(self, company_id: int) -> list[CompanyContact]:
        query = (
            select(CompanyContactRow)
            .where(CompanyContactRow.company_id == company_id)
            .order_by(CompanyContactRow.name, CompanyContactRow.id)
        )
        return [contact_to_domain(r) for r in self._s.scalars(query)]

    def add_contact(self, value: CompanyContact) -> CompanyContact:
        row = CompanyContactRow(**{n: getattr(value, n) for n in _CONTACT_FIELDS})
        self._s.add(row)
        self._s.flush()
        return contact_to_domain(row)

    def update_contact(self, value: CompanyContact) -> CompanyContact:
        row = self._s.get_one(CompanyContactRow, value.id)
        for name in _CONTACT_FIELDS:
            setattr(row, name, getattr(value, name))
        self._s.flush()
        return contact_to_domain(row)

    def delete_contact(self, contact_id: int) -> bool:
        result = self._s.execute(
            delete(CompanyContactRow).where(CompanyContactRow.id == contact_id)
        )
        return result.rowcount > 0


class AttributionRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, attribution_id: int) -> Attribution | None:
        row = self._s.get(AttributionRow, attribution_id)
        return attribution_to_domain(row) if row else None

    def find(self, lot_id: int, company_id: int) -> Attribution | None:
        row = self._s.scalars(
            select(AttributionRow).where(
                AttributionRow.lot_id == lot_id, AttributionRow.company_id == company_id
            )
        ).first()
        return attribution_to_domain(row) if row else None

    def list(self, lot_id: int | None = None, company_id: int | None = None) -> list[Attribution]:
        query = select(AttributionRow).order_by(AttributionRow.lot_id, AttributionRow.id)
        if lot_id is not None:
            query = query.where(AttributionRow.lot_id == lot_id)
        if company_id is not None:
            query = query.where(AttributionRow.company_id == company_id)
        return [attribution_to_domain(r) for r in self._s.scalars(query)]

    def list_with_companies(self, lot_id: int) -> list[tuple[Attribution, Company]]:
        query = (
            select(AttributionRow, CompanyRow)
            .join(CompanyRow, CompanyRow.id == AttributionRow.company_id)
            .where(AttributionRow.lot_id == lot_id)
            .order_by(AttributionRow.id)
        )
        return [(attribution_to_domain(a), company_to_domain(c)) for a, c in self._s.execute(query)]

    def shares_total(self, lot_id: int, exclude_id: int | None = None) -> Decimal:
        """Sum of the hour shares already given on a lot (optionally without one attribution)."""
        # summed in Python from Decimal values: SQLite's SUM on NUMERIC goes through floats
        query = select(AttributionRow.hours_share).where(AttributionRow.lot_id == lot_id)
        if exclude_id is not None:
            query = query.where(AttributionRow.id != exclude_id)
        rows = self._s.scalars(query)
        return sum((r for r in rows), Decimal(0))

    def held_lots(
        self, company_id: int
    ) -> list[tuple[Attribution, Lot, Market, Operation, Authority]]:
        """Every lot where the company holds an attribution, with its place in the hierarchy."""
        query = (
            select(AttributionRow, LotRow, MarketRow, OperationRow, AuthorityRow)
            .join(LotRow, LotRow.id == AttributionRow.lot_id)
            .join(MarketRow, MarketRow.id == LotRow.market_id)
            .join(OperationRow, OperationRow.id == MarketRow.operation_id)
            .join(AuthorityRow, AuthorityRow.id == OperationRow.authority_id)
            .where(AttributionRow.company_id == company_id)
            .order_by(AuthorityRow.name, OperationRow.name, MarketRow.reference, LotRow.number)
        )
        return [
            (
                attribution_to_domain(a),
                lot_to_domain(lot),
                market_to_domain(m),
                operation_to_domain(o),
                authority_to_domain(au),
            )
            for a, lot, m, o, au in self._s.execute(query)
        ]

    def add(self, value: Attribution) -> Attribution:
        row = AttributionRow(
            lot_id=value.lot_id,
            company_id=value.company_id,
            role=value.role.value,
            hours_share=value.hours_share,
        )
        self._s.add(row)
        self._s.flush()
        self._s.refresh(row)  # read back as stored (Numeric scale)
        return attribution_to_domain(row)

    def update(self, value: Attribution) -> Attribution:
        row = self._s.get_one(AttributionRow, value.id)
        row.role = value.role.value
        row.hours_share = value.hours_share
        self._s.flush()
        self._s.refresh(row)  # read back as stored (Numeric scale)
        return attribution_to_domain(row)

    def delete(self, attribution_id: int) -> bool:
        result = self._s.execute(delete(AttributionRow).where(AttributionRow.id == attribution_id))
        return result.rowcount > 0


class GlobalisationRepository:
    """Globalisation conventions; ``lot_shares`` holds the stored share of each lot, ``None``
    under the "prorata" key (the service computes those from the lots' required hours)."""

    def __init__(self, session: Session):
        self._s = session

    def _lot_shares(self, ids: list[int]) -> dict[int, list[tuple[int, Decimal | None]]]:
        shares: dict[int, list[tuple[int, Decimal | None]]] = {i: [] for i in ids}
        if ids:
            query = (
                select(GlobalisationLotRow)
                .where(GlobalisationLotRow.globalisation_id.in_(ids))
                .order_by(GlobalisationLotRow.id)
            )
            for r in self._s.scalars(query):
                shares[r.globalisation_id].append((r.lot_id, r.share))
        return shares

    def _to_domain(
        self, rows: list[GlobalisationRow]
    ) -> list[tuple[GlobalisationConvention, list[tuple[int, Decimal | None]]]]:
        shares = self._lot_shares([r.id for r in rows])
        return [
            (
                GlobalisationConvention(
                    id=r.id, **{n: getattr(r, n) for n in _GLOBALISATION_FIELDS}
                ),
                shares[r.id],
            )
            for r in rows
        ]

    def get(
        self, convention_id: int
    ) -> tuple[GlobalisationConvention, list[tuple[int, Decimal | None]]] | None:
        row = self._s.get(GlobalisationRow, convention_id)
        return self._to_domain([row])[0] if row else None

    def list(
        self, company_id: int | None = None, lot_id: int | None = None
    ) -> list[tuple[GlobalisationConvention, list[tuple[int, Decimal | None]]]]:
        query = select(GlobalisationRow).order_by(GlobalisationRow.name, GlobalisationRow.id)
        if company_id is not None:
            query = query.where(GlobalisationRow.company_id == company_id)
        if lot_id is not None:
            query = query.where(
                GlobalisationRow.id.in_(
                    select(GlobalisationLotRow.globalisation_id).where(
                        GlobalisationLotRow.lot_id == lot_id
                    )
                )
            )
        return self._to_domain(list(self._s.scalars(query)))

    def add(
        self, value: GlobalisationConvention, lot_shares: list[tuple[int, Decimal | None]]
    ) -> int:
        row = GlobalisationRow(**{n: getattr(value, n) for n in _GLOBALISATION_FIELDS})
        self._s.add(row)
        self._s.flush()
        self._s.add_all(
            GlobalisationLotRow(globalisation_id=row.id, lot_id=lot, share=share)
            for lot, share in lot_shares
        )
        self._s.flush()
        return row.id


class EmployerHoursRepository:
    """Hours credited on the placements a company employs (the ledger's current, non-rejected
    lines, as ``HoursRepository`` counts them), summed in whole hundredths."""

    def __init__(self, session: Session):
        self._s = session

    def credited_by_employer(self, company_ids: list[int] | None = None) -> dict[int, Decimal]:
        # summed per placement first (an index scan), then per employer: twice as fast on
        # a large ledger as joining every line to its placement
        lines = select(HoursEntryRow.placement_id, func.sum(CENTI_HOURS).label("centi")).where(
            counted_lines()
        )
        if company_ids is not None:
            employed = select(PlacementRow.id).where(PlacementRow.employer_id.in_(company_ids))
            lines = lines.where(HoursEntryRow.placement_id.in_(employed))
        per_placement = lines.group_by(HoursEntryRow.placement_id).subquery()
        query = (
            select(PlacementRow.employer_id, func.sum(per_placement.c.centi))
            .join(per_placement, per_placement.c.placement_id == PlacementRow.id)
            .group_by(PlacementRow.employer_id)
        )
        return {company_id: hours_from_centi(total) for company_id, total in self._s.execute(query)}

    def credited_by_year(self, company_id: int) -> list[tuple[int, Decimal]]:
        """(year, hours credited that year on the company's placements), in year order."""
        year = cast(func.strftime("%Y", HoursEntryRow.month), Integer)
        query = (
            select(year, func.sum(CENTI_HOURS))
            .join(PlacementRow, PlacementRow.id == HoursEntryRow.placement_id)
            .where(counted_lines(), PlacementRow.employer_id == company_id)
            .group_by(year)
            .order_by(year)
        )
        return [(int(y), hours_from_centi(total)) for y, total in self._s.execute(query)]
