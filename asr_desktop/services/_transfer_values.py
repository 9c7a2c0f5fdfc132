"""The values a statement preview and import return (re-exported by ``services.transfer``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from asr_desktop.domain.enums import LabelledEnum


class RowStatus(LabelledEnum):
    """What importing a statement row would do."""

    NEW = ("a_creer", "À créer")
    SAME = ("identique", "Identique (déjà importée)")
    CORRECTION = ("correction", "Correction")
    REJECTED = ("rejetee", "Rejetée")


@dataclass(frozen=True, slots=True)
class StatementRow:
    """One data line of a statement: what it says, whom and what it was matched with, and its
    status. ``column`` and ``reason`` say why it is rejected (or, for a row written, what it
    carries: a plausibility warning, the values it corrects)."""

    line: int
    status: RowStatus
    reference: str = ""  # the participant's identifier (as stored once matched)
    person: str = ""  # the name as written in the file
    lot: str = ""  # the lot as written in the file
    month: date | None = None
    worked: Decimal | None = None
    training: Decimal | None = None
    proof: str | None = None
    column: str = ""
    reason: str = ""
    participant_id: int | None = None
    placement_id: int | None = None
    credited: Decimal | None = None  # hours that will count (after the lot's rules)
    previous: Decimal | None = None  # worked hours stored now, for a correction
    flags: tuple[str, ...] = ()  # warning codes stored on the line

    @property
    def rejected(self) -> bool:
        return self.status is RowStatus.REJECTED


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """A rejected line (``line`` 0: the file as a whole), the column and the French reason."""

    line: int
    column: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportSummary:
    file_name: str
    kind: str  # "CSV", "XLSX"…
    encoding: str | None
    sha256: str
    data_lines: int  # lines after the header, blank ones included
    skipped: int  # blank lines, total rows, rows without any hours
    counts: dict[RowStatus, int] = field(default_factory=dict)
    first_month: date | None = None
    last_month: date | None = None

    def count(self, status: RowStatus) -> int:
        return self.counts.get(status, 0)


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What a statement would write, computed without writing anything."""

    path: Path
    rows: tuple[StatementRow, ...]
    errors: tuple[ImportIssue, ...]
    summary: ImportSummary
    file_problem: str | None = None  # the file cannot be read at all
    headers: dict[str, str] = field(default_factory=dict)  # key → the file's column name
    #: The ledger plan behind the rows and the digest of what it was computed from (the
    #: import reuses it when the base has not changed meanwhile).
    plan: tuple = field(default=(), repr=False, compare=False)
    inputs_digest: str = field(default="", repr=False, compare=False)

    @property
    def rejected(self) -> int:
        return self.summary.count(RowStatus.REJECTED)

    @property
    def to_write(self) -> int:
        return self.summary.count(RowStatus.NEW) + self.summary.count(RowStatus.CORRECTION)

    @property
    def acceptable(self) -> bool:
        """Nothing rejected: the strict import may write it."""
        return self.file_problem is None and not self.errors


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import wrote: lines created, corrected (new versions), left unchanged, and the
    rejected rows skipped (``skip_invalid``); ``audit_id`` is the journal entry."""

    created: int
    corrected: int
    unchanged: int
    skipped_rejected: int
    audit_id: int | None
    preview: ImportPreview
