"""What the benchmark (``asr-desktop bench``, product.md §6) measures on: the generated
demonstration database, kept in a cache folder keyed by size and seed, and the machine.

The database is a **plain** file made by ``services.demo.generate_demo`` (not encrypted): the
figures are those of an unencrypted base; the encryption overhead is a scenario of its own.
A file is reused as long as its sidecar ``.json`` says it was made by the same generator
(size, seed, program version); otherwise it is generated again (about 75 s for « large »).
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from asr_desktop import APPLICATION_NAME, ORGANISATION_NAME, __version__
from asr_desktop.services import NO_PROGRESS, Progress

log = logging.getLogger(__name__)

BENCH_SIZES = ("small", "realistic", "large")
DEFAULT_SEED = 2026


def default_cache_dir() -> Path:
    """``…/ASR Desktop/bench`` in the user's cache folder (platformdirs)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APPLICATION_NAME, ORGANISATION_NAME)) / "bench"


@dataclass(frozen=True)
class BenchDatabase:
    path: Path
    size: str
    seed: int
    generated_on: date  # the « today » the data was generated for
    reused: bool  # True: taken from the cache; False: generated in this run
    seconds: float  # generation time (0 when reused)
    encrypted: bool = False


def bench_database(
    size: str,
    seed: int = DEFAULT_SEED,
    cache_dir: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> BenchDatabase:
    """The plain demonstration database of ``size``/``seed``, from the cache or generated."""
    from asr_desktop.services.demo import generate_demo  # deferred: Faker is slow to import

    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-{size}-graine{seed}.db"
    sidecar = path.with_suffix(".json")
    wanted = {"size": size, "seed": seed, "version": __version__}
    if path.is_file() and sidecar.is_file():
        try:
            facts = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            facts = {}
        if {k: facts.get(k) for k in wanted} == wanted and "generated_on" in facts:
            return BenchDatabase(
                path, size, seed, date.fromisoformat(facts["generated_on"]), True, 0.0
            )
    sidecar.unlink(missing_ok=True)
    today = date.today()
    summary = generate_demo(path, size, seed, today=today, overwrite=True, progress=progress)
    sidecar.write_text(
        json.dumps({**wanted, "generated_on": today.isoformat(), "seconds": summary.seconds}),
        encoding="utf-8",
    )
    return BenchDatabase(path, size, seed, today, False, summary.seconds)


def encrypted_copy(source: BenchDatabase) -> tuple[Path, bytes]:
    """A SQLCipher copy of the bench database beside it (made once, then reused), and its
    key: the key is derived from the file name, since the data is invented and the copy
    only serves to measure the cost of decryption."""
    import hashlib

    from asr_desktop.persistence.cipher import encrypt_copy

    target = source.path.with_name(source.path.stem + "-chiffree.db")
    key = hashlib.sha256(f"asr-bench-{source.path.name}".encode()).digest()
    stamp = target.with_suffix(".json")
    if not (target.is_file() and stamp.is_file() and _same_source(stamp, source)):
        target.unlink(missing_ok=True)
        encrypt_copy(source.path, target, key)
        stamp.write_text(
            json.dumps({"source": source.path.name, "generated_on": str(source.generated_on)}),
            encoding="utf-8",
        )
    return target, key


def _same_source(stamp: Path, source: BenchDatabase) -> bool:
    try:
        facts = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return facts == {"source": source.path.name, "generated_on": str(source.generated_on)}


# --- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, object]:
    """Cores, system, Python, SQLite and SQLCipher versions (Qt is added by the worker)."""
    try:
        import sqlcipher3

        connection = sqlcipher3.connect(":memory:")
        try:
            row = connection.execute("PRAGMA cipher_version").fetchone()
            cipher = row[0] if row else None
        finally:
            connection.close()
    except Exception:  # not installed or not usable: said in the table, not fatal
        cipher = None
    return {
        "cores": os.cpu_count(),
        "system": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "sqlcipher": cipher,
        "asr_desktop": __version__,
    }


# --- timing ---------------------------------------------------------------------------------


def time_runs(action: Callable[[], object], runs: int, warm_up: int = 1) -> list[float]:
    """Seconds taken by ``action`` on each of ``runs`` calls, after ``warm_up`` calls whose
    time is not kept (first query plans, caches of the file)."""
    for _ in range(warm_up):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def summary(times: list[float]) -> dict[str, float]:
    """Median, min and max of a list of seconds."""
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "runs": len(times),
    }
