"""Scenarios of the benchmark that need no window (product.md §6), each with its floor.

A scenario is measured through the services, as the pages call them; its floor is the bare
SQL it cannot avoid (``persistence.repositories.bench_floors``), run on the same file in the
same process. The scenarios that need Qt (start-up, pages, memory) run in fresh processes
(``ui.bench_worker``); ``cli.bench`` puts both together.

Every function returns plain dictionaries (seconds), ready for the JSON report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from asr_desktop.domain.enums import FollowUpSubject
from asr_desktop.domain.formats import normalise_text
from asr_desktop.persistence.repositories import bench_floors as floors
from asr_desktop.services.bench_data import summary, time_runs
from asr_desktop.services.container import Services, open_services

#: How many rows the Candidats page asks for (its SEARCH_LIMIT 200, + 1 to say « précisez »).
SEARCH_ROWS = 201
KEYSTROKES = 6


@dataclass(frozen=True)
class Targets:
    """What the scenarios work on, chosen once per database: the most common last name
    (its first letters are typed one by one) and the lot with the most hour lines."""

    name: str
    lot_id: int | None

    @property
    def keystrokes(self) -> list[str]:
        return [self.name[:n] for n in range(1, min(KEYSTROKES, len(self.name)) + 1)]

    def as_dict(self) -> dict[str, object]:
        # The name is invented (Faker) but only its length is reported: no name in outputs.
        return {"name_letters": len(self.name), "lot_id": self.lot_id}


def choose_targets(path: str | Path) -> Targets:
    with floors.read_only(path) as connection:
        return Targets(floors.common_last_name(connection), floors.biggest_lot(connection))


def _figures(times: list[float]) -> dict[str, object]:
    return {**summary(times), "times": times}


def search_scenario(services: Services, path: Path, targets: Targets, runs: int) -> dict:
    """ParticipantService.search for 1 to 6 letters of a common name (one figure per
    keystroke) vs the indexed SQL alone."""
    keys = targets.keystrokes
    words = [normalise_text(k) for k in keys]
    service_times: list[float] = []
    floor_times: list[float] = []
    search = services.participants.search
    for prefix in keys:  # warm-up: first plans, file pages in the OS cache
        search(prefix, limit=SEARCH_ROWS)
    with floors.read_only(path) as connection:
        for word in words:
            floors.search_participants(connection, word, SEARCH_ROWS)
        for _ in range(runs):
            for prefix, word in zip(keys, words, strict=True):
                started = time.perf_counter()
                search(prefix, limit=SEARCH_ROWS)
                service_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                floors.search_participants(connection, word, SEARCH_ROWS)
                floor_times.append(time.perf_counter() - started)
    return {"figure": _figures(service_times), "floor": _figures(floor_times)}


def lot_services(services: Services, lot_id: int, today: date) -> None:
    """What the lot pane asks the services for when a lot is shown (ui.markets.lot_pane)."""
    services.clauses.lot_overview(lot_id)
    services.hours.lot_progress(lot_id, today)
    services.placements.listing(exited=None, lot_id=lot_id)
    services.hours.credited_by_placement(lot_id)
    services.placements.list_actions(FollowUpSubject.LOT, lot_id)


def lot_scenario(services: Services, path: Path, targets: Targets, runs: int) -> dict:
    lot_id = targets.lot_id
    if lot_id is None:
        return {"unavailable": "aucun lot avec des heures dans cette base"}
    today = date.today()
    figure = time_runs(lambda: lot_services(services, lot_id, today), runs)
    with floors.read_only(path) as connection:
        floor = time_runs(lambda: floors.read_lot(connection, lot_id), runs)
    return {"figure": _figures(figure), "floor": _figures(floor)}


def dashboard_services(services: Services) -> None:
    """What the Tableau de bord asks for today: rows per table and every lot (by state)."""
    services.maintenance.row_counts()
    services.clauses.list_lots()


def dashboard_scenario(services: Services, path: Path, runs: int) -> dict:
    figure = time_runs(lambda: dashboard_services(services), runs)
    with floors.read_only(path) as connection:
        floor = time_runs(lambda: floors.dashboard_aggregates(connection), runs)
    return {"figure": _figures(figure), "floor": _figures(floor)}


def encrypted_search_scenario(
    plain: Services, encrypted_path: Path, key: bytes, targets: Targets, runs: int
) -> dict:
    """The encryption overhead: the same keystroke searches on a SQLCipher copy (figure)
    vs on the plain file (floor)."""
    encrypted = open_services(encrypted_path, key=key, create=False)
    try:
        keys = targets.keystrokes

        def type_all(services: Services) -> list[float]:
            times = []
            for prefix in keys:
                started = time.perf_counter()
                services.participants.search(prefix, limit=SEARCH_ROWS)
                times.append(time.perf_counter() - started)
            return times

        type_all(encrypted), type_all(plain)  # warm-up
        figure: list[float] = []
        floor: list[float] = []
        for _ in range(runs):
            figure += type_all(encrypted)
            floor += type_all(plain)
    finally:
        encrypted.close()
    return {"figure": _figures(figure), "floor": _figures(floor)}


def open_scenario(path: Path, runs: int) -> dict:
    """Opening the file through the start-up gate and building the services (the part of
    start-up that is not Qt), vs a bare sqlite3 connection reading the schema."""

    def open_and_close() -> None:
        open_services(path, create=False).close()

    def bare() -> None:
        with floors.read_only(path) as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()

    return {
        "figure": _figures(time_runs(open_and_close, runs)),
        "floor": _figures(time_runs(bare, runs)),
    }
