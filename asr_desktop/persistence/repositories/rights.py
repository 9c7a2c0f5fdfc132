"""SQL of the personal-data rights (domain.md §7.4, §7.5): everything held on one person, its
anonymisation, and the dates the retention review needs.

Which tables hold rows about a person is read from the schema, not listed by hand: the
participant table, every table with a foreign key to it, and in turn every table with a
foreign key to one of those (placement → hours_entry). A table added later is therefore
exported and anonymised without anyone remembering to. Audit entries are linked by
``entity``/``entity_id`` (table name and row id), not by a foreign key, and are added here.

Anonymisation keeps, in each of those tables, the primary key, the foreign keys (internal ids),
the timestamps of the row and the columns the committee figures need (``KEPT_COLUMNS``); every
other column is emptied (NULL, or "" when the column cannot be NULL) unless the caller gives a
replacement. A new column is therefore emptied by default, the safe side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    false,
    func,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from asr_desktop.domain.enums import ActionKind
from asr_desktop.persistence.models import (
    AuditEntryRow,
    Base,
    FollowUpActionRow,
    OutcomeRow,
    ParticipantRow,
    PlacementRow,
)

ROOT_TABLE = ParticipantRow.__tablename__
AUDIT_TABLE = AuditEntryRow.__tablename__
#: Columns of every row that say when it was written, not anything about the person.
TIMESTAMP_COLUMNS = frozenset({"created_at", "updated_at"})
#: What anonymisation keeps besides keys and timestamps: what the committee figures count
#: (domain.md §6.2: sex, age band, education, criterion, QPV, commune, prescriber, PLIE,
#: hours by modality and month, contracts by type and duration, outcomes at exit and M+6).
KEPT_COLUMNS: dict[str, frozenset[str]] = {
    "participant": frozenset(
        {
            "sex",
            "status",
            "commune",
            "qpv",
            "qpv_code",
            "education_level",
            "plie",
            "restricted",
            "entry_date",
        }
    ),
    "eligibility": frozenset({"criterion", "proof_date", "validated_on", "expires_on"}),
    "placement": frozenset(
        {
            "modality",
            "contract_type",
            "start_date",
            "end_date",
            "weekly_hours",
            "exit_date",
            "exit_situation",
        }
    ),
    "hours_entry": frozenset(
        {
            "month",
            "version",
            "is_current",
            "worked_hours",
            "training_hours",
            "invoice_amount",
            "rule",
            "labour_share_used",
            "hourly_cost_used",
            "training_counted",
            "credited_hours",
            "status",
            "flags",
            "validated_at",
        }
    ),
    "follow_up_action": frozenset({"kind", "occurred_on", "due_date", "done_on"}),
    "outcome": frozenset(
        {
            "point",
            "due_date",
            "observed_on",
            "situation",
            "outcome_class",
            "contract_type",
            "source",
        }
    ),
}
#: Participants handled per statement (SQLite limits the parameters of one statement).
_BATCH = 500
#: Columns whose value names the row of a non-personal table, tried in this order.
_LABEL_COLUMNS = ("display_name", "name", "title")


@dataclass(frozen=True, slots=True)
class PersonalTable:
    """A table holding rows about a person and how they link to it: ``links`` are the
    (column, referred table) pairs of its foreign keys to the participant or another
    personal table."""

    name: str
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class TableRows:
    """The rows of one table about one person: column names, raw values in column order,
    and for foreign keys to other tables the label of each referred row (id → label)."""

    table: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    references: Mapping[str, Mapping[int, str]]


@dataclass(frozen=True, slots=True)
class Identity:
    """What anonymisation needs to know about a participant before it starts."""

    birth_date: date
    entry_date: date | None
    anonymised: bool


@dataclass(frozen=True, slots=True)
class ContactDates:
    """What the retention review needs about one participant not yet anonymised."""

    participant_id: int
    reference: str
    last_name: str
    first_name: str
    status: str
    restricted: bool
    last_contact: date
    open_placements: int  # placements with neither an end nor an exit date


def personal_tables(metadata: MetaData = Base.metadata) -> tuple[PersonalTable, ...]:
    """The participant table and every table reached from it through foreign keys, in the
    schema's dependency order (the participant first)."""
    found: dict[str, list[tuple[str, str]]] = {ROOT_TABLE: []}
    grown = True
    while grown:
        grown = False
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                referred = fk.column.table.name
                if referred == table.name or referred not in found:
                    continue
                link = (fk.parent.name, referred)
                links = found.setdefault(table.name, [])
                if link not in links:
                    links.append(link)
                    grown = True
    return tuple(
        PersonalTable(t.name, tuple(sorted(found[t.name])))
        for t in metadata.sorted_tables
        if t.name in found
    )


def kept_columns(table: Table) -> frozenset[str]:
    """Columns anonymisation leaves as they are: keys, timestamps, ``KEPT_COLUMNS``."""
    keys = {c.name for c in table.columns if c.primary_key or c.foreign_keys}
    return frozenset(keys | TIMESTAMP_COLUMNS | KEPT_COLUMNS.get(table.name, frozenset()))


def cleared_columns(table: Table) -> tuple[Column[Any], ...]:
    """Columns anonymisation empties or replaces."""
    kept = kept_columns(table)
    return tuple(c for c in table.columns if c.name not in kept)


@cache
def _schema() -> tuple[dict[str, Table], tuple[PersonalTable, ...]]:
    """The program's tables and its personal tables (read once: the schema does not change
    while the program runs)."""
    return dict(Base.metadata.tables), personal_tables()


def _rows_condition(
    tables: Mapping[str, Table],
    links: Mapping[str, tuple[tuple[str, str], ...]],
    name: str,
    participant_ids: Sequence[int],
) -> ColumnElement[bool]:
    """The rows of ``name`` about these participants, following its links up to the root."""
    table = tables[name]
    if name == ROOT_TABLE:
        return table.c.id.in_(participant_ids)
    conditions = []
    for column, referred in links[name]:
        if referred == ROOT_TABLE:
            conditions.append(table.c[column].in_(participant_ids))
        else:
            parent = tables[referred]
            inner = _rows_condition(tables, links, referred, participant_ids)
            conditions.append(table.c[column].in_(select(parent.c.id).where(inner)))
    return or_(*conditions) if conditions else false()


class RightsRepository:
    def __init__(self, session: Session):
        self._s = session
        self._tables, self._personal = _schema()
        self._links = {t.name: t.links for t in self._personal}

    # --- export -------------------------------------------------------------------------

    def rows_about(self, participant_id: int) -> list[TableRows]:
        """Every row of every personal table about the participant (the participant's own
        row first), then the audit entries about any of those rows; empty lists kept."""
        result: list[TableRows] = []
        ids_by_table: dict[str, list[int]] = {}
        for personal in self._personal:
            table = self._tables[personal.name]
            condition = _rows_condition(self._tables, self._links, personal.name, [participant_id])
            rows = self._s.execute(
                select(*table.columns).where(condition).order_by(*table.primary_key.columns)
            ).all()
            ids_by_table[personal.name] = [row.id for row in rows]
            result.append(self._table_rows(table, rows))
        result.append(self._audit_rows(participant_id, ids_by_table))
        return result

    def _audit_rows(self, participant_id: int, ids: Mapping[str, list[int]]) -> TableRows:
        table = self._tables[AUDIT_TABLE]
        about = [
            and_(table.c.entity == name, table.c.entity_id.in_(found))
            for name, found in ids.items()
            if found
        ]
        # entries about a deleted eligibility or a merged record name the person in ``detail``
        mention = f"participant {participant_id}"
        about.append(table.c.detail == mention)
        about.append(table.c.detail.like(f"{mention} %"))
        about.append(and_(table.c.entity == ROOT_TABLE, table.c.entity_id == participant_id))
        rows = self._s.execute(select(*table.columns).where(or_(*about)).order_by(table.c.id)).all()
        return self._table_rows(table, rows)

    def _table_rows(self, table: Table, rows: Sequence[Any]) -> TableRows:
        columns = tuple(c.name for c in table.columns)
        references: dict[str, dict[int, str]] = {}
        for column in table.columns:
            for fk in column.foreign_keys:
                referred = fk.column.table
                label = next((referred.c[n] for n in _LABEL_COLUMNS if n in referred.c), None)
                wanted = {getattr(r, column.name) for r in rows} - {None}
                if label is None or not wanted or referred.name in self._links:
                    continue
                found = self._s.execute(
                    select(fk.column, label).where(fk.column.in_(sorted(wanted)))
                ).all()
                references[column.name] = {key: str(text) for key, text in found}
        return TableRows(
            table=table.name,
            columns=columns,
            rows=tuple(tuple(getattr(r, c) for c in columns) for r in rows),
            references=references,
        )

    # --- anonymisation ------------------------------------------------------------------

    def exists(self, participant_ids: Sequence[int]) -> set[int]:
        """The ids among ``participant_ids`` that are stored."""
        found: set[int] = set()
        for chunk in _chunks(participant_ids):
            query = select(ParticipantRow.id).where(ParticipantRow.id.in_(chunk))
            found.update(self._s.scalars(query))
        return found

    def is_anonymised(self, participant_id: int) -> bool:
        stamp = self._s.scalar(
            select(ParticipantRow.anonymised_at).where(ParticipantRow.id == participant_id)
        )
        return stamp is not None

    def anonymised(self) -> dict[int, datetime]:
        """Every anonymised participant with the moment of its anonymisation (ids only)."""
        query = select(ParticipantRow.id, ParticipantRow.anonymised_at).where(
            ParticipantRow.anonymised_at.is_not(None)
        )
        return {pid: at for pid, at in self._s.execute(query)}

    def identities(self, participant_ids: Sequence[int]) -> dict[int, Identity]:
        """Birth date, entry date (the first placement's start when none is set) and
        whether already anonymised, of each participant given that is stored."""
        p = ParticipantRow
        first_start = (
            select(func.min(PlacementRow.start_date))
            .where(PlacementRow.participant_id == p.id)
            .scalar_subquery()
        )
        found: dict[int, Identity] = {}
        for chunk in _chunks(participant_ids):
            query = select(p.id, p.birth_date, p.entry_date, first_start, p.anonymised_at).where(
                p.id.in_(chunk)
            )
            for pid, birth, entry, start, stamp in self._s.execute(query):
                entered = entry or (date.fromisoformat(start) if isinstance(start, str) else start)
                found[pid] = Identity(birth, entered, stamp is not None)
        return found

    def references_taken(self, references: Sequence[str]) -> set[str]:
        """Which of these references some record already has."""
        taken: set[str] = set()
        for chunk in _chunks(references):
            query = select(ParticipantRow.reference).where(ParticipantRow.reference.in_(chunk))
            taken.update(self._s.scalars(query))
        return taken

    def anonymise(
        self, identities: Mapping[int, Mapping[str, Any]], batch: int = _BATCH
    ) -> dict[str, int]:
        """Empty every cleared column of every row about these participants; the
        participant rows take ``identities[participant_id]`` (reference, names, birth
        date… as the caller chose) for the columns given. Returns the rows changed per
        table."""
        ids = list(identities)
        changed: dict[str, int] = {}
        for personal in self._personal:  # keys are kept: every condition still holds
            table = self._tables[personal.name]
            empties = {c.name: _empty_or_none(c) for c in cleared_columns(table)}
            if not empties:
                continue
            if personal.name == ROOT_TABLE:
                changed[ROOT_TABLE] = self._anonymise_people(table, empties, identities)
                continue
            missing = [n for n, v in empties.items() if v is _NO_EMPTY]
            if missing:
                raise ValueError(f"pas de valeur vide pour {personal.name}.{missing}")
            total = 0
            for chunk in _chunks(ids, batch):
                condition = _rows_condition(self._tables, self._links, personal.name, chunk)
                total += self._s.execute(update(table).where(condition).values(empties)).rowcount
            changed[personal.name] = total
        return changed

    def _anonymise_people(
        self, table: Table, empties: dict[str, Any], identities: Mapping[int, Mapping[str, Any]]
    ) -> int:
        rows = []
        for pid, given in identities.items():
            unknown = set(given) - set(empties)
            if unknown:
                raise ValueError(f"colonnes gardées ou inconnues : {sorted(unknown)}")
            values = {**empties, **given}
            missing = [n for n, v in values.items() if v is _NO_EMPTY]
            if missing:
                raise ValueError(f"pas de valeur vide pour {ROOT_TABLE}.{missing}")
            rows.append({"pid": pid, **{f"v_{k}": v for k, v in values.items()}})
        if not rows:
            return 0
        names = [k.removeprefix("v_") for k in rows[0] if k != "pid"]
        statement = (
            update(table)
            .where(table.c.id == bindparam("pid"))
            .values({n: bindparam(f"v_{n}") for n in names})
        )
        self._s.execute(statement, rows)
        return len(rows)

    def fold_journal(self) -> bool:
        """After an anonymisation is committed, on a session that has not read anything: copy
        the write-ahead journal into the file and empty it (``wal_checkpoint(TRUNCATE)``).
        Until then the file keeps the old pages and the journal its older frames, both still
        holding the erased values. False when a reader elsewhere kept the checkpoint from
        finishing (the next one folds the rest; closing the base deletes the journal)."""
        row = self._s.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        return row is not None and row[0] == 0

    # --- retention ----------------------------------------------------------------------

    def last_contacts(self, not_after: date) -> list[ContactDates]:
        """Participants not anonymised whose last contact is on or before ``not_after``, with
        that date: the latest of the recorded last contact, the entry, the placements (start,
        planned end, exit), the contacts of the follow-up log (notes are none; a planned
        action once done) and the outcomes observed — the record's creation date when none
        of them is known. Computed in SQL: dates are ISO text, so text order is date order."""
        p = ParticipantRow
        pl = PlacementRow
        a = FollowUpActionRow
        o = OutcomeRow
        cutoff = not_after.isoformat()
        placement_latest = (
            select(
                func.max(
                    func.max(
                        _text(pl.start_date),
                        _text(func.coalesce(pl.end_date, pl.start_date)),
                        _text(func.coalesce(pl.exit_date, pl.start_date)),
                    ),
                    type_=String,
                )
            )
            .where(pl.participant_id == p.id)
            .scalar_subquery()
        )
        open_placements = (
            select(func.count())
            .where(pl.participant_id == p.id, pl.end_date.is_(None), pl.exit_date.is_(None))
            .scalar_subquery()
        )
        action_latest = (
            select(func.max(_text(func.coalesce(a.done_on, a.occurred_on)), type_=String))
            .where(
                a.participant_id == p.id,
                a.kind != ActionKind.NOTE.value,
                or_(a.due_date.is_(None), a.done_on.is_not(None)),
            )
            .scalar_subquery()
        )
        outcome_latest = (
            select(func.max(_text(o.observed_on), type_=String))
            .where(o.participant_id == p.id)
            .scalar_subquery()
        )
        known = func.max(
            *(
                func.coalesce(column, "")
                for column in (
                    _text(p.last_contact_date),
                    _text(p.entry_date),
                    placement_latest,
                    action_latest,
                    outcome_latest,
                )
            ),
            type_=String,
        )
        last = func.coalesce(func.nullif(known, ""), func.date(p.created_at), type_=String)
        candidates = (  # cheap, indexed-free test first: both stored dates old enough
            select(p.id)
            .where(
                p.anonymised_at.is_(None),
                func.coalesce(_text(p.last_contact_date), "") <= cutoff,
                func.coalesce(_text(p.entry_date), "") <= cutoff,
            )
            .subquery()
        )
        query = (
            select(
                p.id,
                p.reference,
                p.last_name,
                p.first_name,
                p.status,
                p.restricted,
                last,
                open_placements,
            )
            .join(candidates, candidates.c.id == p.id)
            .where(last <= cutoff)
            .order_by(p.id)
        )
        return [
            ContactDates(
                participant_id=row[0],
                reference=row[1],
                last_name=row[2],
                first_name=row[3],
                status=row[4],
                restricted=bool(row[5]),
                last_contact=date.fromisoformat(row[6][:10]),
                open_placements=int(row[7]),
            )
            for row in self._s.execute(query)
        ]


def _text(column: Any) -> Any:
    """A date column read as its stored ISO text (no conversion per row)."""
    return type_coerce(column, String)


_NO_EMPTY = object()


def _empty_or_none(column: Column[Any]) -> Any:
    """What a cleared column holds: NULL, or "" for text that cannot be NULL; ``_NO_EMPTY``
    for a mandatory column of another type (the caller must give its replacement)."""
    if column.nullable:
        return None
    if isinstance(column.type, String | Text):
        return ""
    return _NO_EMPTY


def _chunks(values: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    values = list(values)
    return [values[i : i + size] for i in range(0, len(values), size)]
