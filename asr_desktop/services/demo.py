"""Demonstration database: a realistic, coherent and reproducible GPSEA file (product.md §6 and
§7 ``demo``).

``generate_demo`` writes a new database with ten years of activity up to ``today``: the 16
communes of GPSEA and their contracting authorities, operations (ANRU renewal projects and
others), markets and lots sized by the calibration rules, companies of every kind with valid
SIRETs, participants of every public with their eligibility, placements, the monthly hours
ledger, follow-up, outcomes, committees, the export log and a sample of the audit trail.

The same seed and the same ``today`` give the same file content. Three sizes: ``small`` (tests),
``realistic`` (what the PLIE really holds) and ``large`` (the benchmark dataset of product.md
§6). The file is written under a temporary name beside the target and renamed only once
complete, so a cancelled or failed run never leaves a half-written database under the final
name.
"""

from __future__ import annotations

import logging
import os
import time as clock
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from asr_desktop.domain.enums import AuditAction, UserRole
from asr_desktop.domain.errors import Cancelled, Conflict, ValidationError
from asr_desktop.persistence.db import open_database
from asr_desktop.persistence.repositories.bulk import BulkWriter
from asr_desktop.services import NO_PROGRESS, Progress
from asr_desktop.services import _demo_clauses as clauses
from asr_desktop.services import _demo_companies as firms
from asr_desktop.services import _demo_hours as hours
from asr_desktop.services import _demo_journal as journal
from asr_desktop.services import _demo_lots as lots
from asr_desktop.services import _demo_people as people
from asr_desktop.services import _demo_rows as rows
from asr_desktop.services._demo_followup import ACTION_COLUMNS, OUTCOME_COLUMNS, FollowUpBuilder
from asr_desktop.services._demo_jobs import PlacementBuilder
from asr_desktop.services._demo_plan import SIZES, Context, SiretFactory, office_time

log = logging.getLogger(__name__)

DEMO_SIZES = ("small", "realistic", "large")
TEMPORARY_SUFFIX = ".en-cours"
_SIDECARS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    size: str
    seed: int
    counts: dict[str, int]  # rows per table
    seconds: float


def generate_demo(
    path: str | Path,
    size: str = "realistic",
    seed: int = 2026,
    *,
    today: date | None = None,
    overwrite: bool = False,
    progress: Progress = NO_PROGRESS,
) -> DemoSummary:
    """Write a demonstration database at ``path`` and say what it holds.

    Raises ``ValidationError`` for an unknown size or a seed that is not an integer,
    ``Conflict`` when ``path`` exists and ``overwrite`` is false (the file is left untouched),
    ``Cancelled`` when ``progress.cancelled`` becomes true (nothing is left on disk).
    """
    if size not in DEMO_SIZES:
        raise ValidationError(
            f"Taille de démonstration inconnue : « {size} » (tailles possibles : "
            f"{', '.join(DEMO_SIZES)}).",
            "size",
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError(f"La graine doit être un nombre entier (reçu : « {seed} »).", "seed")
    target = Path(path)
    if target.exists() and not overwrite:
        raise Conflict(
            f"Le fichier {target.name} existe déjà : choisissez un autre nom ou demandez "
            "explicitement son remplacement."
        )
    started = clock.perf_counter()
    temporary = target.with_name(target.name + TEMPORARY_SUFFIX)
    _remove(temporary)
    writer: BulkWriter | None = None
    try:
        database = open_database(temporary)
        writer = BulkWriter(database.engine)
        ctx = Context(seed, today or date.today(), SIZES[size])
        counts = _Generation(ctx, writer, progress).run()
        writer.finish()
    except BaseException:
        if writer is not None:
            writer.close()
        _remove(temporary)
        raise
    if overwrite:
        _remove(target)
    os.replace(temporary, target)
    seconds = round(clock.perf_counter() - started, 2)
    log.info("Base de démonstration « %s » (graine %s) écrite en %.1f s", size, seed, seconds)
    return DemoSummary(target, size, seed, counts, seconds)


def _remove(path: Path) -> None:
    for suffix in ("", *_SIDECARS):
        Path(str(path) + suffix).unlink(missing_ok=True)


class _Steps:
    """Reports each step to ``progress`` and stops at the first step after a cancellation."""

    def __init__(self, progress: Progress, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, text: str) -> None:
        if self.progress.cancelled:
            raise Cancelled("Création de la base de démonstration annulée.")
        self.progress(self.done, self.total, text)
        self.done += 1

    def finished(self) -> None:
        self.progress(self.total, self.total, "Base de démonstration prête.")


class _Generation:
    """Plans every value in memory (the lots are sized from their placements), then writes
    them phase by phase, one transaction each, the ledger in chunks."""

    def __init__(self, ctx: Context, writer: BulkWriter, progress: Progress):
        self.ctx, self.writer = ctx, writer
        size = ctx.plan.placements
        self.chunk = max(500, size // 20)
        self.steps = _Steps(progress, 12 + -(-size // self.chunk))
        self.audit: list[journal.AuditEvent] = []

    def run(self) -> dict[str, int]:
        self._plan()
        self._write()
        counts = self.writer.row_counts()
        self.steps.finished()
        return counts

    # --- planning ---------------------------------------------------------------------------

    def _plan(self) -> None:
        ctx, step = self.ctx, self.steps
        step("Préparation des donneurs d'ordre, opérations, marchés et lots")
        self.parameters = self.writer.parameters()
        sirets = SiretFactory(ctx.rng("siret"))
        self.users = clauses.build_users(ctx)
        self.coordinator = next(u.id for u in self.users if u.role is UserRole.COORDINATOR)
        self.authorities = clauses.build_authorities(ctx, sirets)
        self.operations = clauses.build_operations(ctx, self.authorities)
        self.markets = clauses.build_markets(ctx, self.operations)
        self.lots = lots.build_lots(ctx, self.markets, self.users, self.parameters)
        step("Préparation des entreprises et des attributions")
        self.companies = firms.build_companies(ctx, sirets)
        self.contacts = firms.build_contacts(ctx, self.companies)
        firms.attribute_lots(ctx, self.lots, self.companies)
        self.conventions = firms.build_conventions(ctx, self.lots)
        step("Préparation des candidats et de leurs mises en emploi")
        self.prescribers = people.build_prescribers()
        self.people = people.build_participants(ctx, self.users, self.prescribers)
        self.placements = PlacementBuilder(ctx, self.lots, self.companies).build(self.people)
        lots.size_lots(self.lots, hours.expected_lot_hours(self.placements, ctx), ctx)
        step("Préparation du suivi et des sorties")
        follow = FollowUpBuilder(ctx, self.companies)
        for person in self.people:
            follow.outcomes_of(person)
            follow.actions_of_person(person)
            self._last_contact(person)
            people.finish_status(person, ctx.today)
        follow.actions_of_lots(self.lots, self.placements)
        self.follow = follow
        self.committees = journal.committee_rows(ctx, [o for o in self.operations if o.anru])
        user_ids = [u.id for u in self.users]
        self.exports = journal.export_rows(ctx, self.committees, user_ids)

    def _last_contact(self, person: people.ParticipantPlan) -> None:
        today = self.ctx.today
        days = [person.entry_date, person.last_contact or person.entry_date]
        days += [p.start for p in person.placements if p.start <= today]
        days += [p.end for p in person.placements if p.end is not None and p.end <= today]
        person.last_contact = max(days)

    # --- writing ----------------------------------------------------------------------------

    def _insert(self, phase, table_rows: rows.Rows) -> int:
        table, columns, values = table_rows
        return phase.insert(table, columns, values)

    def _write(self) -> None:
        ctx, step, writer = self.ctx, self.steps, self.writer
        step("Écriture des utilisateurs et des paramètres datés")
        with writer.phase() as phase:
            self._insert(phase, rows.users(ctx, self.users))
            phase.set_parameter_timestamps(
                rows.Stamps(ctx).at(ctx.history_start - timedelta(days=60), 9)
            )
            first_id = max((p.id or 0 for p in self.parameters), default=0) + 1
            smic = journal.parameter_rows(ctx, first_id, self.coordinator)
            phase.insert("parameter", journal.PARAMETER_COLUMNS, smic)
        for row in smic:
            self._event(row[6], self.coordinator, AuditAction.CREATE, "parameter", row[0], row[1])
        step("Écriture des donneurs d'ordre, opérations, marchés et lots")
        with writer.phase() as phase:
            for table_rows in (
                rows.authorities(ctx, self.authorities),
                rows.operations(ctx, self.operations),
                rows.markets(ctx, self.markets),
                rows.lots(ctx, self.lots),
            ):
                self._insert(phase, table_rows)
        step("Écriture des entreprises et des attributions")
        since = self._company_dates()
        with writer.phase() as phase:
            self._insert(phase, rows.companies(ctx, self.companies, since))
            self._insert(phase, rows.contacts(ctx, self.contacts, since))
            self._insert(phase, rows.attributions(ctx, self.lots))
            for table_rows in rows.conventions(ctx, self.conventions):
                self._insert(phase, table_rows)
        step("Écriture des candidats et de leurs éligibilités")
        with writer.phase() as phase:
            self._insert(phase, rows.prescribers(ctx, self.prescribers))
            self._insert(phase, rows.participants(ctx, self.people))
            self._insert(phase, rows.eligibility(ctx, self.people))
        step("Écriture des mises en emploi")
        with writer.phase() as phase:
            self._insert(phase, rows.placements(ctx, self.placements))
        self._write_ledger()
        step("Écriture du suivi, des sorties et de l'avancement des lots")
        with writer.phase() as phase:
            phase.update_by_id("lot", ("status",), self._lot_statuses())
            phase.insert("follow_up_action", ACTION_COLUMNS, self.follow.actions)
            phase.insert("outcome", OUTCOME_COLUMNS, self.follow.outcomes)
        step("Écriture des comités, des exports et du journal d'audit")
        with writer.phase() as phase:
            phase.insert("committee", journal.COMMITTEE_COLUMNS, self.committees)
            phase.insert("export_record", journal.EXPORT_COLUMNS, self.exports)
            phase.insert("audit_entry", journal.AUDIT_COLUMNS, self._audit_rows())
        step("Finalisation du fichier")

    def _write_ledger(self) -> None:
        ledger = hours.LedgerBuilder(
            self.ctx, self.parameters, self.lots, self.conventions, self.coordinator
        )
        total = len(self.placements)
        with self.writer.indexes_deferred("hours_entry"):
            for start in range(0, total, self.chunk):
                part = self.placements[start : start + self.chunk]
                done = min(start + self.chunk, total)
                self.steps(f"Écriture des heures ({done} / {total} mises en emploi)")
                with self.writer.phase() as phase:
                    phase.insert("hours_entry", hours.COLUMNS, ledger.lines(part))
        self.ledger = ledger

    def _lot_statuses(self) -> list[tuple[int, str]]:
        out = []
        for lot in self.lots:
            credited = Decimal(self.ledger.credited_by_lot.get(lot.id, 0)) / 100
            lot.status = lots.lot_status(lot, credited, self.ctx.today)
            out.append((lot.id, lot.status))
        return out

    def _company_dates(self) -> dict[int, date]:
        since: dict[int, date] = {}
        for lot in self.lots:
            for company_id, _role, _share in lot.attributions:
                day = lot.market.notification
                since[company_id] = min(since.get(company_id, day), day)
        for p in self.placements:
            day = p.start - timedelta(days=30)
            since[p.employer.id] = min(since.get(p.employer.id, day), day)
        return since

    # --- audit trail --------------------------------------------------------------------------

    def _event(self, at, user_id, action: AuditAction, entity: str, entity_id, detail=None):
        self.audit.append(journal.AuditEvent(at, user_id, action, entity, entity_id, detail))

    def _audit_rows(self) -> list[tuple]:
        """Exports, corrections and parameter changes always; a sample of the rest."""
        ctx, rng = self.ctx, self.ctx.rng("audit")
        for export in self.exports:
            self._event(export[2], export[3], AuditAction.EXPORT, "export_record", export[0],
                        journal.export_detail(export[1], export[5]))  # fmt: skip
        for line_id, when in self.ledger.corrections:
            self._event(
                when, self.coordinator, AuditAction.UPDATE, "hours_entry", line_id, "version 2"
            )
        budget = max(0, ctx.plan.audit_entries - len(self.audit))
        pool = []
        for lot in self.lots:
            pool.append(
                (
                    lot.market.notification,
                    lot.facilitator_id,
                    AuditAction.CREATE,
                    "lot",
                    lot.id,
                    None,
                )
            )
        for person in self.people:
            pool.append(
                (
                    person.entry_date,
                    person.referent_id,
                    AuditAction.CREATE,
                    "participant",
                    person.id,
                    None,
                )
            )
            seen = person.last_contact or person.entry_date
            pool.append(
                (seen, person.referent_id, AuditAction.READ, "participant", person.id, None)
            )
        for p in self.placements:
            day = min(p.start - timedelta(days=3), ctx.today)
            pool.append(
                (day, p.participant.referent_id, AuditAction.CREATE, "placement", p.id, None)
            )
        for day, user, action, entity, entity_id, detail in rng.sample(
            pool, min(budget, len(pool))
        ):
            # a lot of a market notified later was entered ahead: it is logged when entered
            day = min(day, ctx.today - timedelta(days=1))
            self._event(office_time(rng, day), user, action, entity, entity_id, detail)
        return journal.audit_rows(self.audit, max(ctx.plan.audit_entries, len(self.audit)))
