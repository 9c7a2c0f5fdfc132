"""The database file itself: health report, row counts, backups (product.md §7 ``check``),
the state of its backup folder and of its audit trail's hash chain (issue 6).

Everything here only reads: ``backup_state`` checks the backups with the start-up gate
(remembered results of ``verifications.json`` are reused, but the manifest is never written),
``audit_chain_state`` reads the trail through a read-only connection.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from asr_desktop.domain.backups import newest_first
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import format_date, format_int, format_number
from asr_desktop.persistence.db import (
    Database,
    HealthReport,
    backup_database,
    check_database,
    make_engine,
    row_counts,
)
from asr_desktop.services._backups_listing import Verifier, backups_in
from asr_desktop.services.audit import AuditService

#: A newest verified backup older than this (a week) is reported as stale: a week of work
#: could be lost with the disk.
STALE_AFTER_HOURS = 7 * 24


def inspect_file(path: str | Path) -> HealthReport:
    """Read-only examination of any file, ours or not: nothing is created or written."""
    return check_database(path)


# --- backups ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BackupState:
    """The backups of one folder as ``asr-desktop check`` reports them. ``age_hours`` is the
    age of the newest *verified* backup (the one a restore would use); ``ok`` is false when
    there is none, or when it is older than ``STALE_AFTER_HOURS``; ``verdict`` says it in
    French. ``failing`` counts the backups newer than it that fail the checks."""

    folder: Path
    count: int
    newest_at: datetime | None
    newest_verified: str | None
    newest_verified_at: datetime | None
    age_hours: float | None
    failing: int
    ok: bool
    verdict: str

    def as_dict(self) -> dict:
        return {
            "folder": str(self.folder),
            "count": self.count,
            "newest_at": _iso(self.newest_at),
            "newest_verified": self.newest_verified,
            "newest_verified_at": _iso(self.newest_verified_at),
            "age_hours": self.age_hours,
            "failing": self.failing,
            "ok": self.ok,
            "verdict": self.verdict,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def _when(moment: datetime) -> str:
    return f"{format_date(moment.date())} à {moment:%H:%M}"


def _age_text(hours: float) -> str:
    if hours < 48:
        return f"{format_number(hours, 1)} h"
    return f"{format_int(int(hours // 24))} jours"


def backup_state(
    folder: str | Path,
    key: bytes | None = None,
    now: datetime | None = None,
    *,
    stale_after_hours: float = STALE_AFTER_HOURS,
) -> BackupState:
    """The backups ``asr-AAAAMMJJ-HHMMSS.db`` of ``folder`` (``services.backups.
    default_backup_folder``): how many, the newest, the newest that passes the start-up
    gate (``key``: the database key, encrypted backups), its age. Newer backups that fail are
    read in full each time; nothing is written."""
    folder = Path(folder)
    now = now or datetime.now()
    taken = backups_in(folder)
    names = newest_first(taken)
    verifier = Verifier(folder, key)  # remembered results are reused; never saved from here
    verified: str | None = None
    failing = 0
    for name in names:
        try:
            _size, problems = verifier.problems(folder / name)
        except FileNotFoundError:  # rotated away meanwhile
            continue
        if not problems:
            verified = name
            break
        failing += 1
    newest_at = taken[names[0]] if names else None
    verified_at = taken[verified] if verified is not None else None
    age = None
    if verified_at is not None:
        age = round(max((now - verified_at).total_seconds(), 0) / 3600, 1)
    ok, verdict = _backup_verdict(len(names), verified_at, age, failing, stale_after_hours)
    return BackupState(
        folder, len(names), newest_at, verified, verified_at, age, failing, ok, verdict
    )


def _backup_verdict(
    count: int,
    verified_at: datetime | None,
    age: float | None,
    failing: int,
    stale_after_hours: float,
) -> tuple[bool, str]:
    advice = (
        "ouvrez la base dans ASR Desktop, qui la sauvegarde à chaque démarrage puis "
        "régulièrement dans ce dossier."
    )
    if count == 0:
        return False, "Aucune sauvegarde dans ce dossier : " + advice
    if verified_at is None or age is None:
        return False, (
            f"Aucune des {format_int(count)} sauvegardes ne passe les contrôles : " + advice
        )
    failed = (
        f" ({format_int(failing)} sauvegarde(s) plus récente(s) ne passe(nt) pas les contrôles)"
        if failing
        else ""
    )
    if age > stale_after_hours:
        return False, (
            f"La dernière sauvegarde vérifiée date du {_when(verified_at)}, il y a "
            f"{_age_text(age)}{failed} : le travail fait depuis n'est pas protégé ; " + advice
        )
    if failing:
        return False, (
            f"La dernière sauvegarde vérifiée date du {_when(verified_at)}, il y a "
            f"{_age_text(age)}, mais {format_int(failing)} sauvegarde(s) plus récente(s) ne "
            "passe(nt) pas les contrôles : vérifiez le disque."
        )
    return True, (
        f"Sauvegardes à jour : la plus récente, vérifiée, date du {_when(verified_at)} "
        f"(il y a {_age_text(age)})."
    )


# --- audit trail ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditChainState:
    """Whether the audit trail's hash chain holds (``checked`` false when the file could not
    be read far enough: ``verdict`` says why, in French)."""

    checked: bool
    entries: int = 0
    broken_id: int | None = None
    verdict: str = ""

    @property
    def intact(self) -> bool | None:
        return (self.broken_id is None) if self.checked else None

    def as_dict(self) -> dict:
        return {
            "checked": self.checked,
            "entries": self.entries,
            "intact": self.intact,
            "broken_id": self.broken_id,
            "verdict": self.verdict,
        }


def audit_chain_state(report: HealthReport, key: bytes | None = None) -> AuditChainState:
    """Verify the audit trail of the file ``report`` describes (``AuditService.chain_status``
    on a read-only connection); only a file of ours at the program's schema is read."""
    if report.encrypted and key is None:
        return AuditChainState(False, verdict="non vérifié (base chiffrée, clé nécessaire)")
    if not report.application_id_ok or report.missing_tables:
        return AuditChainState(False, verdict="non vérifié (pas une base ASR Desktop complète)")
    if report.schema_revision != report.head_revision:
        return AuditChainState(False, verdict="non vérifié (schéma d'une autre version)")
    try:
        engine = make_engine(Path(report.path), key, read_only=True)
    except DomainError as exc:
        return AuditChainState(False, verdict=f"non vérifié ({exc})")
    try:
        status = AuditService(sessionmaker(engine)).chain_status()
    except (SQLAlchemyError, DomainError) as exc:
        return AuditChainState(False, verdict=f"non vérifié (lecture impossible : {exc})")
    finally:
        engine.dispose()
    entries = format_int(status.entries)
    if status.intact:
        return AuditChainState(True, status.entries, None, f"chaîne intacte ({entries} entrées)")
    return AuditChainState(
        True,
        status.entries,
        status.broken_id,
        f"chaîne rompue à l'entrée n° {status.broken_id} ({entries} entrées) : le journal a "
        "été modifié en dehors du programme",
    )


# --- the report -------------------------------------------------------------------------------


def report_as_dict(
    report: HealthReport,
    *,
    backups: BackupState | None = None,
    audit_chain: AuditChainState | None = None,
) -> dict:
    """The report as plain JSON-ready data, with ``healthy`` and the French problems; with
    ``backups`` and ``audit_chain`` when given. A broken audit chain is a problem of the file
    (``healthy`` false); the backups' state is reported beside it, not as a problem of the
    file."""
    data = asdict(report)
    problems = report.problems()
    if audit_chain is not None:
        data["audit_chain"] = audit_chain.as_dict()
        if audit_chain.checked and not audit_chain.intact:
            problems.append(f"Journal d'accès : {audit_chain.verdict}")
    if backups is not None:
        data["backups"] = backups.as_dict()
    data["healthy"] = report.healthy and not problems
    data["problems"] = problems
    return data


class MaintenanceService:
    def __init__(self, database: Database):
        self._database = database

    @property
    def path(self) -> Path:
        return Path(self._database.path)

    def health(self) -> HealthReport:
        return check_database(self._database.path, self._database.key)

    def row_counts(self) -> dict[str, int]:
        """Rows per table of product.md §2, counted in one read transaction."""
        return row_counts(self._database.engine)

    def backup_to(self, destination: str | Path) -> Path:
        return backup_database(self._database.engine, Path(destination))
