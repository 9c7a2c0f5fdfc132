"""The benchmark's Qt scenarios, each in a fresh Python process
(``python -m asr_desktop.ui.bench_worker``): this package imports no Qt, and a start-up is
only a start-up in a process that has loaded nothing yet.

Without a screen (no ``DISPLAY`` on Linux) the workers use Qt's ``offscreen`` platform.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from asr_desktop.cli._bench_report import BYTES, Scenario, unavailable

log = logging.getLogger(__name__)

WORKER = "asr_desktop.ui.bench_worker"
TIMEOUT_SECONDS = 600


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    if sys.platform.startswith("linux") and not (
        environment.get("DISPLAY") or environment.get("WAYLAND_DISPLAY")
    ):
        environment["QT_QPA_PLATFORM"] = "offscreen"
    environment.pop("ASR_USER", None)  # the bench base has no accounts to sign in to
    environment.pop("ASR_PASSPHRASE", None)
    return environment


def _worker(arguments: list[str]) -> tuple[float, dict]:
    """Run one worker; (time it was launched, the JSON it printed). Raises RuntimeError
    with the worker's last error line when it fails."""
    launched = time.time()
    done = subprocess.run(
        [sys.executable, "-m", WORKER, *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=_environment(),
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        errors = [line for line in done.stderr.splitlines() if line.strip()]
        last = errors[-1] if errors else f"code de sortie {done.returncode}"
        raise RuntimeError(f"{arguments[0]} : {last}")
    return launched, json.loads(lines[-1])


def _figure(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
        "times": values,
    }


def run_qt_scenarios(path: Path, runs: int, targets, failures: list[str]) -> dict:
    """Start-up vs a bare window (``runs`` fresh processes each, interleaved), the pages (one
    process) and the peak memory with every page visited (one process)."""
    result: dict = {"extras": {}}
    startup: list[float] = []
    floor: list[float] = []
    floor_rss: list[float] = []
    phases: list[dict] = []
    try:
        _worker(["floor-window"])  # warm-up: Qt's libraries into the OS cache
        _worker(["startup", "--db", str(path)])
        for _ in range(runs):
            launched, bare = _worker(["floor-window"])
            floor.append(bare["loop_reached_at"] - launched)
            if bare.get("peak_rss_bytes"):
                floor_rss.append(bare["peak_rss_bytes"])
            launched, app = _worker(["startup", "--db", str(path)])
            startup.append(app["loop_reached_at"] - launched)
            phases.append({k: round(v - launched, 4) for k, v in app.items() if k.endswith("_at")})
        result["machine"] = {"qt": bare.get("qt"), "pyside6": bare.get("pyside6")}
        result["extras"]["startup_phases"] = phases
        result["extras"]["qt_platform"] = bare.get("platform")
        result["startup"] = Scenario(
            "startup",
            "Démarrage jusqu'à la fenêtre utilisable (boucle d'événements atteinte)",
            _figure(startup),
            _figure(floor),
            "fenêtre PySide6 nue affichée, boucle atteinte",
            budget=1.5,
            ratio_goal=2,
            ratio_in_budget=True,
        )
    except (RuntimeError, subprocess.TimeoutExpired, ValueError, KeyError) as error:
        failures.append(f"démarrage — {error}")
        result["startup"] = unavailable(
            "startup", "Démarrage jusqu'à la fenêtre utilisable", 1.5, "échec de la mesure"
        )

    pages_label = {
        "search_page": ("Recherche par frappe (page Candidats, liste rafraîchie)", 0.050, 3),
        "lot_page": ("Page d'un lot (Marchés : clic sur le lot, volet affiché)", 0.150, None),
        "dashboard_page": ("Tableau de bord (page construite et affichée)", 1.0, None),
    }
    try:
        arguments = ["pages", "--db", str(path), "--runs", str(runs), "--word", targets.name]
        if targets.lot_id is not None:
            arguments += ["--lot", str(targets.lot_id)]
        _launched, pages = _worker(arguments)
        result["extras"]["search_page_before_paint"] = pages.get("search_listed")
        result["extras"]["markets_page"] = {
            "build_seconds": pages.get("markets_build"),
            "timings": pages.get("markets_timings"),
            "lot_shown": pages.get("lot_shown"),
        }
        for key, source in (
            ("search_page", "search"),
            ("lot_page", "lot"),
            ("dashboard_page", "dashboard"),
        ):
            label, budget, goal = pages_label[key]
            values = pages.get(source) or []
            result[key] = (
                Scenario(key, label, _figure(values), budget=budget, ratio_goal=goal)
                if values
                else unavailable(key, label, budget, "aucun lot avec des heures")
            )
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
        failures.append(f"pages — {error}")
        for key, (label, budget, _goal) in pages_label.items():
            result[key] = unavailable(key, label, budget, "échec de la mesure")

    memory_label = "Mémoire maximale (RSS), toutes les pages visitées"
    try:
        _launched, memory = _worker(["memory", "--db", str(path)])
        peak = memory.get("peak_rss_bytes")
        result["memory"] = (
            Scenario(
                "memory",
                memory_label,
                _figure([float(peak)]),
                _figure(floor_rss) if floor_rss else None,
                "fenêtre PySide6 nue",
                budget=400e6,
                unit=BYTES,
            )
            if peak
            else unavailable("memory", memory_label, 400e6, "mesure impossible sur ce système")
        )
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
        failures.append(f"mémoire — {error}")
        result["memory"] = unavailable("memory", memory_label, 400e6, "échec de la mesure")
    return result
