"""Demonstration data, part 8: committees, the export log, dated parameter changes and a
bounded sample of the audit trail, chained as ``domain.audit_chain`` requires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from asr_desktop.domain.audit_chain import GENESIS, entry_hash
from asr_desktop.domain.enums import AuditAction, ExportKind
from asr_desktop.services import _demo_catalogue as cat
from asr_desktop.services._demo_clauses import OperationPlan
from asr_desktop.services._demo_plan import Context, office_time

COMMITTEE_COLUMNS = (
    "id",
    "kind",
    "meeting_date",
    "period_start",
    "period_end",
    "title",
    "authority_id",
    "operation_id",
    "qualitative_text",
    "created_at",
)
EXPORT_COLUMNS = (
    "id",
    "kind",
    "created_at",
    "user_id",
    "committee_id",
    "named",
    "row_count",
    "sha256",
)
PARAMETER_COLUMNS = ("id", "key", "value", "valid_from", "note", "created_by_id", "created_at")
AUDIT_COLUMNS = (
    "id",
    "at",
    "user_id",
    "action",
    "entity",
    "entity_id",
    "detail",
    "prev_hash",
    "hash",
)
#: Past values of the hourly SMIC, before the documented default (1 November 2024).
SMIC_HISTORY = (
    (date(2023, 1, 1), Decimal("11.27"), "Revalorisation au 1er janvier 2023"),
    (date(2023, 5, 1), Decimal("11.52"), "Revalorisation anticipée au 1er mai 2023"),
    (date(2024, 1, 1), Decimal("11.65"), "Revalorisation au 1er janvier 2024"),
)


@dataclass(slots=True)
class AuditEvent:
    at: datetime
    user_id: int | None
    action: AuditAction
    entity: str
    entity_id: int | None
    detail: str | None


def parameter_rows(ctx: Context, first_id: int, coordinator_id: int) -> list[tuple]:
    """The SMIC changes that were in force before the default, as an adviser keyed them."""
    rows = []
    for valid_from, value, note in SMIC_HISTORY:
        created = datetime.combine(valid_from - timedelta(days=12), time(10, 30))
        if created.date() <= ctx.today:
            rows.append(
                (
                    first_id + len(rows),
                    "smic.hourly",
                    value,
                    valid_from,
                    note,
                    coordinator_id,
                    created,
                )
            )
    return rows


def _semester_title(year: int, first: bool) -> str:
    return f"Comité technique – {'1er' if first else '2nd'} semestre {year}"


def committee_rows(ctx: Context, anru_operations: list[OperationPlan]) -> list[tuple]:
    """Two technical committees a year (GPSEA charter, art. 6), the annual review, and the
    steering committees of the renewal projects; the next meeting is already planned."""
    rng, horizon = ctx.rng("committees"), ctx.today + timedelta(days=75)
    planned: list[tuple] = []
    for year in range(ctx.history_start.year, ctx.today.year + 1):
        planned.append(
            (
                "technique",
                date(year, 9, rng.randint(10, 25)),
                date(year, 1, 1),
                date(year, 6, 30),
                _semester_title(year, True),
                None,
            )
        )
        planned.append(
            (
                "technique",
                date(year + 1, 2, rng.randint(3, 20)),
                date(year, 7, 1),
                date(year, 12, 31),
                _semester_title(year, False),
                None,
            )
        )
        planned.append(
            (
                "bilan_annuel",
                date(year + 1, 3, rng.randint(10, 28)),
                date(year, 1, 1),
                date(year, 12, 31),
                f"Bilan annuel {year}",
                None,
            )
        )
        for operation in anru_operations[:3]:
            if operation.start and operation.start.year <= year <= operation.end.year:
                planned.append(
                    (
                        "pilotage",
                        date(year + 1, 4, rng.randint(2, 25)),
                        date(year, 1, 1),
                        date(year, 12, 31),
                        f"Comité de pilotage – {operation.name} – {year}",
                        operation,
                    )
                )
    rows = []
    for kind, meeting, start, end, title, operation in sorted(planned, key=lambda p: p[1]):
        if meeting > horizon or end < ctx.history_start:
            continue
        text = (
            rng.choice(cat.COMMITTEE_TEXTS) if meeting <= ctx.today and rng.random() < 0.6 else None
        )
        created = datetime.combine(min(meeting - timedelta(days=30), ctx.today), time(9, 15))
        rows.append(
            (
                len(rows) + 1,
                kind,
                meeting,
                start,
                end,
                title,
                operation.authority.id if operation else None,
                operation.id if operation else None,
                text,
                created,
            )
        )
    return rows


def export_rows(ctx: Context, committees: list[tuple], user_ids: list[int]) -> list[tuple]:
    """What left the program: each held committee's dossier (PDF + XLSX, pseudonymised), and
    the other exports of a year (lists, certificates, access requests, statement templates)."""
    rng = ctx.rng("exports")
    events: list[tuple] = []
    for committee in committees:
        meeting = committee[2]
        if meeting > ctx.today:
            continue
        when = datetime.combine(meeting - timedelta(days=2), time(14, 5))
        rows = rng.randint(40, 400)
        for kind in (ExportKind.DOSSIER_PDF, ExportKind.DOSSIER_XLSX):
            events.append((when, kind, user_ids[0], committee[0], False, rows))
            when += timedelta(minutes=3)
    others = (
        (ExportKind.PARTICIPANTS, False, (50, 900)),
        (ExportKind.ACCESS_REQUEST, True, (1, 60)),
        (ExportKind.CERTIFICATE, False, (1, 1)),
        (ExportKind.STATEMENT_TEMPLATE, False, (1, 12)),
        (ExportKind.LIST, False, (10, 300)),
    )
    for _ in range(6 * (ctx.today.year - ctx.history_start.year + 1)):
        kind, named, (low, high) = rng.choice(others)
        day = ctx.history_start + timedelta(
            days=rng.randint(0, (ctx.today - ctx.history_start).days)
        )
        events.append(
            (office_time(rng, day), kind, rng.choice(user_ids), None, named, rng.randint(low, high))
        )
    events.sort(key=lambda e: e[0])
    return [
        (i, kind.value, when, user, committee, named, count, f"{rng.getrandbits(256):064x}")
        for i, (when, kind, user, committee, named, count) in enumerate(events, start=1)
    ]


def audit_rows(events: list[AuditEvent], limit: int) -> list[tuple]:
    """The events in time order, at most ``limit`` of them (the most recent), each entry's
    hash covering its content and the previous hash."""
    chosen = sorted(events, key=lambda e: (e.at, e.entity, e.entity_id or 0))[-limit:]
    rows, previous = [], GENESIS
    for index, event in enumerate(chosen, start=1):
        at = event.at.replace(microsecond=0)
        digest = entry_hash(
            previous,
            at,
            event.user_id,
            event.action.value,
            event.entity,
            event.entity_id,
            event.detail,
        )
        rows.append(
            (
                index,
                at,
                event.user_id,
                event.action.value,
                event.entity,
                event.entity_id,
                event.detail,
                previous,
                digest,
            )
        )
        previous = digest
    return rows


def export_detail(kind: str, named: bool) -> str:
    return f"{kind}, {'nominatif' if named else 'pseudonymisé'}"
