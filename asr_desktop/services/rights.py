"""Personal-data rights and retention (product.md §3.7, §4.4; domain.md §7.4, §7.5).

- **Access** (« Exporter ses données »): everything held on one person — every row of every
  table that refers to them, found from the schema — with French headings, as XLSX or JSON.
- **Anonymisation** (« Anonymiser »): names, contact details, free texts and everything else
  not needed by the committee figures are emptied; the record keeps its ids, sex, commune,
  QPV, education level, prescriber, PLIE flag, entry date, codes and dates of its placements,
  hours and outcomes, and a stand-in birth date with the same age band at entry
  (``privacy.stand_in_birth_date``). Every committee figure is therefore unchanged.
  Irreversible: asking for confirmation is the window's job.
- **Retention review**: people whose last contact is older than the retention period in force
  (2 years by default, parameter ``retention.years_after_last_contact``), to anonymise in one
  step with :meth:`RightsService.anonymise_many`.

Every export and anonymisation writes one audit entry with internal ids only.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain import parameters as params
from asr_desktop.domain import privacy
from asr_desktop.domain.enums import AuditAction, ExportKind, ParticipantStatus
from asr_desktop.domain.errors import NotFound, ValidationError
from asr_desktop.domain.model import ExportRecord
from asr_desktop.persistence.repositories.audit import AuditRepository
from asr_desktop.persistence.repositories.rights import (
    ROOT_TABLE,
    RightsRepository,
    TableRows,
)
from asr_desktop.persistence.repositories.settings import (
    ExportRecordRepository,
    ParameterRepository,
)
from asr_desktop.services._rights_files import SUFFIXES, write_export
from asr_desktop.services._rights_labels import column_title, presenter, table_title
from asr_desktop.services.settings import require_coordinator

__all__ = [
    "ExportedTable",
    "PersonExport",
    "RetentionCase",
    "RightsService",
    "export_file_name",
    "write_export",
]

log = logging.getLogger(__name__)

RETENTION_KEY = "retention.years_after_last_contact"
#: What an anonymised record shows instead of a name.
ANONYMOUS_NAME = "Anonyme"
#: Reference of an anonymised record: no longer the one written on paper files.
ANONYMOUS_REFERENCE = "ANON-{id:06d}"
#: Detail of the audit entry of an anonymisation (no personal data, as every entry).
_ERASED = "identité, coordonnées et textes libres effacés"


@dataclass(frozen=True, slots=True)
class ExportedTable:
    """One kind of information about the person: French title and headings, and the rows
    as they read (codes in French, referred rows by name and number, dates as dates)."""

    table: str
    title: str
    columns: tuple[str, ...]
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True, slots=True)
class PersonExport:
    participant_id: int
    reference: str
    produced_at: datetime
    tables: tuple[ExportedTable, ...]

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables)

    def table(self, name: str) -> ExportedTable:
        for table in self.tables:
            if table.table == name:
                return table
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class RetentionCase:
    """A person past the retention date: when they were last seen, since when their record
    is due for anonymisation, and whether a placement is still open (then they are listed but
    should be checked first)."""

    participant_id: int
    reference: str
    last_name: str
    first_name: str
    status: ParticipantStatus
    last_contact: date
    due_date: date
    restricted: bool = False
    open_placements: int = 0

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


def export_file_name(participant_id: int, on: date, suffix: str = ".xlsx") -> str:
    """A file name that says what the file is without naming the person:
    « donnees-dossier-123-2026-11-25.xlsx »."""
    if suffix not in SUFFIXES:
        raise ValidationError("Format d'export inconnu (.xlsx ou .json).", "suffix")
    return f"donnees-dossier-{participant_id}-{on.isoformat()}{suffix}"


class RightsService:
    def __init__(self, sessions: sessionmaker[Session], user_id: int | None = None):
        self._sessions = sessions
        self._user_id = user_id

    # --- access ---------------------------------------------------------------------------

    def export_person(self, participant_id: int) -> PersonExport:
        """Everything held on one person, for an access request (art. 15). Recorded in the
        audit trail as an export of the record."""
        with self._sessions.begin() as s:
            export = self._gather(s, participant_id)
            self._audit(s, AuditAction.EXPORT, participant_id, _export_detail(export, None))
            return export

    def export_person_to(self, participant_id: int, path: str | Path) -> ExportRecord:
        """:meth:`export_person` written at ``path`` (``.xlsx`` or ``.json``), logged as an
        export of named data with its row count and SHA-256, in the same transaction as its
        audit entry: a file that could not be written leaves no trace, and the reverse."""
        with self._sessions.begin() as s:
            export = self._gather(s, participant_id)
            written = write_export(export, path)
            digest = hashlib.sha256(written.read_bytes()).hexdigest()
            record = ExportRecordRepository(s).add(
                ExportKind.ACCESS_REQUEST,
                user_id=self._user_id,
                committee_id=None,
                named=True,
                row_count=export.row_count,
                sha256=digest,
            )
            self._audit(s, AuditAction.EXPORT, participant_id, _export_detail(export, record.id))
        log.info("export droit d'accès : dossier %s, %s lignes", participant_id, export.row_count)
        return record

    # --- anonymisation --------------------------------------------------------------------

    def anonymise(self, participant_id: int) -> None:
        """Remove every identifying field and free text of one person, keeping what the
        committee figures need (see the module docstring). Irreversible. Coordinators only."""
        self.anonymise_many([participant_id])

    def anonymise_many(self, participant_ids: Iterable[int]) -> int:
        """:meth:`anonymise` for several people in one transaction: all or none, one audit
        entry per person. Returns how many records were anonymised (those already anonymised
        are left as they are). Coordinators only (``NotAllowed`` for an adviser)."""
        wanted = list(dict.fromkeys(_whole(i) for i in participant_ids))
        with self._sessions.begin() as s:
            require_coordinator(s, self._user_id, "anonymiser un dossier")
            if not wanted:
                return 0
            repo = RightsRepository(s)
            found = repo.identities(wanted)
            missing = [i for i in wanted if i not in found]
            if missing:
                numbers = ", ".join(str(i) for i in missing[:10])
                raise NotFound(f"Dossier(s) introuvable(s) : n° {numbers}.")
            todo = [i for i in wanted if not found[i].anonymised]
            if not todo:
                return 0
            now = datetime.now().replace(microsecond=0)
            references = _anonymous_references(repo, todo)
            repo.anonymise(
                {
                    pid: {
                        "reference": references[pid],
                        "last_name": ANONYMOUS_NAME,
                        "first_name": "",
                        "birth_date": privacy.stand_in_birth_date(
                            found[pid].birth_date, found[pid].entry_date
                        ),
                        "search_key": "",
                        "anonymised_at": now,
                    }
                    for pid in todo
                }
            )
            AuditRepository(s).append_many(
                self._user_id, AuditAction.ANONYMISE, ROOT_TABLE, [(pid, _ERASED) for pid in todo]
            )
        with self._sessions() as s:  # the erased values leave the file and its journal too
            RightsRepository(s).fold_journal()
        log.info("anonymisation : %s dossier(s)", len(todo))
        return len(todo)

    # --- retention ------------------------------------------------------------------------

    def retention_years(self, today: date | None = None) -> int:
        """The retention period in force on ``today``, in years after the last contact."""
        on = today or date.today()
        with self._sessions.begin() as s:
            values = ParameterRepository(s).list(RETENTION_KEY)
        return int(params.value_at(values, RETENTION_KEY, on))

    def retention_review(self, today: date | None = None) -> list[RetentionCase]:
        """People not yet anonymised whose retention date (last contact + the period in force
        on ``today``) is reached, the longest overdue first. The last contact is the latest of
        the recorded last contact, the entry, the placements (start, planned end, exit), the
        contacts of the follow-up log and the outcomes observed; the record's creation date
        when none is known."""
        on = today or date.today()
        with self._sessions.begin() as s:
            values = ParameterRepository(s).list(RETENTION_KEY)
            years = int(params.value_at(values, RETENTION_KEY, on))
            people = RightsRepository(s).last_contacts(privacy.retention_cutoff(on, years))
        due_dates: dict[date, date] = {}
        cases = []
        for person in people:
            last = person.last_contact
            if last not in due_dates:
                due_dates[last] = privacy.retention_date(last, years)
            cases.append(
                RetentionCase(
                    participant_id=person.participant_id,
                    reference=person.reference,
                    last_name=person.last_name,
                    first_name=person.first_name,
                    status=ParticipantStatus(person.status),
                    last_contact=last,
                    due_date=due_dates[last],
                    restricted=person.restricted,
                    open_placements=person.open_placements,
                )
            )
        cases.sort(key=lambda c: (c.due_date, c.participant_id))
        return cases

    # --- helpers --------------------------------------------------------------------------

    def _gather(self, s: Session, participant_id: int) -> PersonExport:
        repo = RightsRepository(s)
        if not repo.exists([participant_id]):
            raise NotFound(f"Le dossier n° {participant_id} n'existe pas (ou plus).")
        tables = tuple(_present(found) for found in repo.rows_about(participant_id))
        reference = tables[0].rows[0][tables[0].columns.index("reference")]
        return PersonExport(
            participant_id=participant_id,
            reference=str(reference),
            produced_at=datetime.now().replace(microsecond=0),
            tables=tables,
        )

    def _audit(self, s: Session, action: AuditAction, participant_id: int, detail: str) -> None:
        AuditRepository(s).append(self._user_id, action, ROOT_TABLE, participant_id, detail)


def _present(found: TableRows) -> ExportedTable:
    readers = [presenter(found.table, c, found.references.get(c)) for c in found.columns]
    return ExportedTable(
        table=found.table,
        title=table_title(found.table),
        columns=found.columns,
        headers=tuple(column_title(found.table, c) for c in found.columns),
        rows=tuple(
            tuple(read(value) for read, value in zip(readers, row, strict=True))
            for row in found.rows
        ),
    )


def _anonymous_references(repo: RightsRepository, participant_ids: list[int]) -> dict[int, str]:
    """« ANON-000123 »: no longer the reference written on paper files (a suffix in the
    unlikely case someone typed that very reference for another record)."""
    chosen = {pid: ANONYMOUS_REFERENCE.format(id=pid) for pid in participant_ids}
    taken = repo.references_taken(list(chosen.values()))
    for pid, reference in chosen.items():
        suffix = 2
        while reference in taken:
            reference = f"{ANONYMOUS_REFERENCE.format(id=pid)}-{suffix}"
            suffix += 1
        chosen[pid] = reference
        taken.add(reference)
    return chosen


def _export_detail(export: PersonExport, record_id: int | None) -> str:
    where = f" ; export n° {record_id}" if record_id is not None else ""
    return f"droit d'accès : {export.row_count} lignes{where}"


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"Numéro de dossier invalide : « {value} ».", "participant_ids")
    return value
