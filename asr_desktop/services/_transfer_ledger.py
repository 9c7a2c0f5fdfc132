"""The rows of a statement against the hours ledger, with the rules of ``HoursService``.

Each matched row is checked and credited by the same functions as ``HoursService.
record_month`` (``_hours_ledger.context`` / ``check_line`` / ``credit`` / ``same_values``),
fed by :class:`_hours_ledger.LineInputs` filled with one query per kind for the whole file:
blocking flags reject the row with their reason, the other flags are kept on the line;
identical values change nothing; different values become version n + 1 of the month's line,
the previous version retired (kept in the history) — never overwritten.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from asr_desktop.domain import hours_rules
from asr_desktop.domain.enums import HoursStatus
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_hours
from asr_desktop.domain.hours_rules import Credit
from asr_desktop.domain.model import HoursEntry, Placement
from asr_desktop.persistence.repositories.clauses import LotRepository
from asr_desktop.persistence.repositories.transfer import StatementRepository
from asr_desktop.services import _hours_ledger as ledger
from asr_desktop.services._transfer_values import RowStatus, StatementRow

#: The key of the column a blocking flag points at.
_FLAG_COLUMNS = {
    hours_rules.OUTSIDE_PLACEMENT: "month",
    hours_rules.NOT_ELIGIBLE: "reference",
    hours_rules.LOT_NOT_COVERED: "lot",
}


@dataclass(frozen=True, slots=True)
class PlannedRow:
    row: StatementRow
    lot_id: int | None = None
    credit: Credit | None = None
    current: HoursEntry | None = None


@dataclass
class LedgerInputs:
    """Everything the rules read for the rows, and a digest of it: the rules being pure
    functions of these values, an import whose inputs have the digest of its preview can
    keep the preview's plan instead of checking 10 000 rows twice."""

    placements: dict[int, Placement]
    lines: ledger.LineInputs
    currents: dict[tuple[int, date], HoursEntry]
    digest: str


def load(s: Session, rows: list[StatementRow]) -> LedgerInputs:
    repo = StatementRepository(s)
    people = {r.participant_id for r in rows if not r.rejected and r.participant_id}
    placements = {p.id: p for p in repo.placements_of(people)}
    inputs = ledger.LineInputs(s)
    found = repo.eligibility_of(people)
    inputs.eligibility.update({pid: found.get(pid, []) for pid in people})
    starts = repo.first_starts(people)
    inputs.first_hire.update({pid: starts.get(pid) for pid in people})
    inputs.lots.update(LotRepository(s).get_many({p.lot_id for p in placements.values()}))
    months = {r.month for r in rows if not r.rejected and r.month}
    currents = repo.current_lines({r.placement_id for r in rows if r.placement_id}, months)
    state = (
        sorted(placements.items()),
        sorted(inputs.eligibility.items()),
        sorted(inputs.first_hire.items()),
        sorted(inputs.lots.items()),
        inputs.parameters(),
        sorted(currents.items()),
    )
    digest = hashlib.sha256(repr(state).encode()).hexdigest()
    return LedgerInputs(placements, inputs, currents, digest)


def plan(
    s: Session,
    rows: list[StatementRow],
    headers: dict[str, str],
    known: LedgerInputs | None = None,
) -> list[PlannedRow]:
    """Every row with its final status. ``headers``: key → the file's column name."""
    known = known or load(s, rows)
    seen: dict[tuple[int, date], int] = {}
    planned = []
    for row in rows:
        if row.rejected:
            planned.append(PlannedRow(row))
            continue
        planned.append(
            _plan_row(s, row, known.placements, known.lines, known.currents, seen, headers)
        )
    return planned


def _reject(row: StatementRow, column: str, reason: str) -> PlannedRow:
    return PlannedRow(replace(row, status=RowStatus.REJECTED, column=column, reason=reason))


def _plan_row(s, row, placements, inputs, currents, seen, headers) -> PlannedRow:
    placement = placements.get(row.placement_id)
    if placement is None or row.month is None:
        return _reject(row, headers["lot"], "La mise en emploi n'existe plus.")
    key = (placement.id, row.month)
    if key in seen:
        return _reject(
            row,
            headers["month"],
            f"Ligne en double : même personne, même lot et même mois que la ligne {seen[key]}.",
        )
    seen[key] = row.line
    ctx = ledger.context(s, placement, row.month, None, inputs)
    flags = ledger.check_line(ctx, row.worked, row.training)
    blocking = [f for f in flags if f.blocking]
    if blocking:
        column = headers[_FLAG_COLUMNS.get(blocking[0].code, "month")]
        return _reject(row, column, " ".join(f.message for f in blocking))
    try:
        credit = ledger.credit(ctx, row.worked, row.training, None)
    except ValidationError as error:
        return _reject(row, headers["worked"], error.message)
    warnings = tuple(f for f in flags if not f.blocking)
    current = currents.get(key)
    proof = row.proof if row.proof is not None else (current.proof_ref if current else None)
    note = " ".join(f.message for f in warnings)
    values = {"proof": proof, "credited": credit.hours, "flags": tuple(f.code for f in warnings)}
    if current is not None and ledger.same_values(
        current, ctx.lot_id, row.worked, row.training, None, proof
    ):
        status = RowStatus.SAME
        note = note or f"Déjà enregistrée (version {current.version})."
    elif current is not None:
        status = RowStatus.CORRECTION
        was = (
            f"Remplace {format_hours(current.worked_hours)} travaillées et "
            f"{format_hours(current.training_hours)} de formation (version {current.version})."
        )
        note = f"{was} {note}".strip()
        values["previous"] = current.worked_hours
    else:
        status = RowStatus.NEW
    final = replace(row, status=status, reason=note, **values)
    return PlannedRow(final, ctx.lot_id, credit, current)


def write(
    s: Session, planned: list[PlannedRow], user_id: int | None, reason: str
) -> tuple[int, int, int]:
    """Write the rows to create or correct; returns (created, corrected, unchanged)."""
    repo = StatementRepository(s)
    changing = [p for p in planned if p.row.status in (RowStatus.NEW, RowStatus.CORRECTION)]
    corrected = [p for p in changing if p.current is not None]
    versions = repo.last_versions({p.row.placement_id for p in corrected}) if corrected else {}
    repo.retire([p.current.id for p in corrected])
    entries = []
    for p in changing:
        row, credit = p.row, p.credit
        key = (row.placement_id, row.month)
        entries.append(
            HoursEntry(
                id=None,
                placement_id=row.placement_id,
                lot_id=p.lot_id,
                month=row.month,
                version=versions.get(key, 0) + 1,
                worked_hours=row.worked,
                training_hours=row.training,
                invoice_amount=None,
                rule=credit.rule,
                labour_share_used=credit.labour_share,
                hourly_cost_used=credit.hourly_cost,
                training_counted=credit.training_counted,
                credited_hours=credit.hours,
                proof_ref=row.proof,
                status=HoursStatus.ENTERED,
                flags=row.flags,
                reason=reason if p.current is not None else None,
                created_by_id=user_id,
            )
        )
    repo.add_lines(entries)
    unchanged = sum(1 for p in planned if p.row.status is RowStatus.SAME)
    return len(changing) - len(corrected), len(corrected), unchanged
