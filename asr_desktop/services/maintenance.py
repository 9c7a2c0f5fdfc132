"""The database file itself: health report, row counts, backups (product.md §7 ``check``)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from asr_desktop.persistence.db import (
    Database,
    HealthReport,
    backup_database,
    check_database,
    row_counts,
)


def inspect_file(path: str | Path) -> HealthReport:
    """Read-only examination of any file, ours or not: nothing is created or written."""
    return check_database(path)


def report_as_dict(report: HealthReport) -> dict:
    """The report as plain JSON-ready data, with ``healthy`` and the French problems."""
    data = asdict(report)
    data["healthy"] = report.healthy
    data["problems"] = report.problems()
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
