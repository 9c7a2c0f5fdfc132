"""One object holding every service of an open database: what the window and the command
line receive. Built once per opened file; each service opens its own short sessions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asr_desktop.persistence.db import Database, open_database
from asr_desktop.services.audit import AuditService
from asr_desktop.services.clauses import ClauseService
from asr_desktop.services.companies import CompanyService
from asr_desktop.services.hours import HoursService
from asr_desktop.services.maintenance import MaintenanceService
from asr_desktop.services.participants import ParticipantService
from asr_desktop.services.placements import PlacementService
from asr_desktop.services.rights import RightsService
from asr_desktop.services.settings import CommitteeService, ParameterService, UserService
from asr_desktop.services.transfer import TransferService


@dataclass(frozen=True)
class Services:
    database: Database
    clauses: ClauseService
    companies: CompanyService
    parameters: ParameterService
    users: UserService
    committees: CommitteeService
    maintenance: MaintenanceService
    participants: ParticipantService
    placements: PlacementService
    hours: HoursService
    audit: AuditService
    rights: RightsService
    transfer: TransferService
    user_id: int | None = None  # who is signed in (None: a base without accounts)

    @property
    def path(self) -> Path:
        return Path(self.database.path)

    def close(self) -> None:
        self.database.close()


def build_services(database: Database, user_id: int | None = None) -> Services:
    sessions = database.sessions
    return Services(
        database=database,
        clauses=ClauseService(sessions, user_id),
        companies=CompanyService(sessions, user_id),
        parameters=ParameterService(sessions, user_id),
        users=UserService(sessions, user_id),
        committees=CommitteeService(sessions, user_id),
        maintenance=MaintenanceService(database),
        participants=ParticipantService(sessions, user_id),
        placements=PlacementService(sessions, user_id),
        hours=HoursService(sessions, user_id),
        audit=AuditService(sessions, user_id),
        rights=RightsService(sessions, user_id),
        transfer=TransferService(sessions, user_id),
        user_id=user_id,
    )


def open_services(
    path: str | Path,
    *,
    key: bytes | None = None,
    create: bool = True,
    user_id: int | None = None,
    read_only: bool = False,
) -> Services:
    """Open (creating and migrating when needed) the database at ``path``; ``key`` for an
    encrypted file, ``read_only`` to look without writing (persistence.db.open_database)."""
    database = open_database(path, key=key, create=create, read_only=read_only)
    return build_services(database, user_id)
