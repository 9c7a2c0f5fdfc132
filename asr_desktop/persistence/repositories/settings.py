"""Repositories of dated parameters, users, committees and export records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from asr_desktop.domain.enums import CommitteeKind, ExportKind, UserRole
from asr_desktop.domain.model import Committee, ExportRecord, Parameter, User
from asr_desktop.persistence.models import CommitteeRow, ExportRecordRow, ParameterRow, UserRow

_COMMITTEE_FIELDS = (
    "meeting_date",
    "period_start",
    "period_end",
    "title",
    "authority_id",
    "operation_id",
    "qualitative_text",
)


def parameter_to_domain(row: ParameterRow) -> Parameter:
    return Parameter(
        key=row.key, value=row.value, valid_from=row.valid_from, note=row.note, id=row.id
    )


def user_to_domain(row: UserRow) -> User:
    return User(
        id=row.id,
        login=row.login,
        display_name=row.display_name,
        role=UserRole(row.role),
        active=row.active,
    )


def committee_to_domain(row: CommitteeRow) -> Committee:
    return Committee(
        id=row.id, kind=CommitteeKind(row.kind), **{n: getattr(row, n) for n in _COMMITTEE_FIELDS}
    )


def export_record_to_domain(row: ExportRecordRow) -> ExportRecord:
    return ExportRecord(
        id=row.id,
        kind=ExportKind(row.kind),
        created_at=row.created_at,
        user_id=row.user_id,
        committee_id=row.committee_id,
        named=row.named,
        row_count=row.row_count,
        sha256=row.sha256,
    )


class ParameterRepository:
    """Dated parameters: rows are only ever added, never changed, so the history stays."""

    def __init__(self, session: Session):
        self._s = session

    def list(self, key: str | None = None) -> list[Parameter]:
        query = select(ParameterRow).order_by(ParameterRow.key, ParameterRow.valid_from)
        if key is not None:
            query = query.where(ParameterRow.key == key)
        return [parameter_to_domain(r) for r in self._s.scalars(query)]

    def list_in_force(self, on: date) -> list[Parameter]:
        """For each key, the row in force on ``on`` (latest ``valid_from`` not after it)."""
        latest = (
            select(ParameterRow.key, func.max(ParameterRow.valid_from).label("vf"))
            .where(ParameterRow.valid_from <= on)
            .group_by(ParameterRow.key)
            .subquery()
        )
        query = (
            select(ParameterRow)
            .join(
                latest,
                (ParameterRow.key == latest.c.key) & (ParameterRow.valid_from == latest.c.vf),
            )
            .order_by(ParameterRow.key)
        )
        return [parameter_to_domain(r) for r in self._s.scalars(query)]

    def find(self, key: str, valid_from: date) -> Parameter | None:
        row = self._s.scalars(
            select(ParameterRow).where(
                ParameterRow.key == key, ParameterRow.valid_from == valid_from
            )
        ).first()
        return parameter_to_domain(row) if row else None

    def add(self, value: Parameter, created_by_id: int | None = None) -> Parameter:
        row = ParameterRow(
            key=value.key,
            value=value.value,
            valid_from=value.valid_from,
            note=value.note,
            created_by_id=created_by_id,
        )
        self._s.add(row)
        self._s.flush()
        self._s.refresh(row)  # read back as stored (Numeric scale)
        return parameter_to_domain(row)


class UserRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, user_id: int) -> User | None:
        row = self._s.get(UserRow, user_id)
        return user_to_domain(row) if row else None

    def find_by_login(self, login: str) -> User | None:
        row = self._s.scalars(
            select(UserRow).where(func.lower(UserRow.login) == login.lower())
        ).first()
        return user_to_domain(row) if row else None

    def list(self, active_only: bool = False) -> list[User]:
        query = select(UserRow).order_by(UserRow.display_name, UserRow.id)
        if active_only:
            query = query.where(UserRow.active.is_(True))
        return [user_to_domain(r) for r in self._s.scalars(query)]

    def count(self) -> int:
        return self._s.scalar(select(func.count()).select_from(UserRow)) or 0

    def add(self, value: User) -> User:
        row = UserRow(
            login=value.login,
            display_name=value.display_name,
            role=value.role.value,
            active=value.active,
        )
        self._s.add(row)
        self._s.flush()
        return user_to_domain(row)

    def set_active(self, user_id: int, active: bool) -> bool:
        result = self._s.execute(update(UserRow).where(UserRow.id == user_id).values(active=active))
        return result.rowcount > 0


class CommitteeRepository:
    def __init__(self, session: Session):
        self._s = session

    def get(self, committee_id: int) -> Committee | None:
        row = self._s.get(CommitteeRow, committee_id)
        return committee_to_domain(row) if row else None

    def list(self) -> list[Committee]:
        query = select(CommitteeRow).order_by(CommitteeRow.meeting_date.desc(), CommitteeRow.id)
        return [committee_to_domain(r) for r in self._s.scalars(query)]

    def add(self, value: Committee) -> Committee:
        row = CommitteeRow(
            kind=value.kind.value, **{n: getattr(value, n) for n in _COMMITTEE_FIELDS}
        )
        self._s.add(row)
        self._s.flush()
        return committee_to_domain(row)


class ExportRecordRepository:
    def __init__(self, session: Session):
        self._s = session

    def add(
        self,
        kind: ExportKind,
        *,
        user_id: int | None,
        committee_id: int | None,
        named: bool,
        row_count: int,
        sha256: str | None,
    ) -> ExportRecord:
        row = ExportRecordRow(
            kind=kind.value,
            user_id=user_id,
            committee_id=committee_id,
            named=named,
            row_count=row_count,
            sha256=sha256,
        )
        self._s.add(row)
        self._s.flush()
        self._s.refresh(row)  # created_at comes from the database clock
        return export_record_to_domain(row)

    def list(self, committee_id: int | None = None) -> list[ExportRecord]:
        query = select(ExportRecordRow).order_by(
            ExportRecordRow.created_at.desc(), ExportRecordRow.id.desc()
        )
        if committee_id is not None:
            query = query.where(ExportRecordRow.committee_id == committee_id)
        return [export_record_to_domain(r) for r in self._s.scalars(query)]
