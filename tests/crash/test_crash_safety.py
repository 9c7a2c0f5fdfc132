"""Crash safety (issue 6 point 7): a writer killed with SIGKILL at random moments never loses
an acknowledged commit nor leaves half an operation; a full disk is a French message, a
rollback, and a program that works again once there is room.

The writer is ``crash_worker.py`` (a child process, forked from a zygote that imported the
program once). After every kill the parent checks the file as the next start would:
the start-up gate, ``integrity_check``, ``foreign_key_check``, the audit chain, every
acknowledged commit, and that every operation is whole — a batch has all its rows or none,
each row has its audit entry and each audit entry its row, each month of hours exactly one
current version, a placement made by the service its participant's status.

CI runs ``KILLS`` kills (50); ``-m stress`` runs ``STRESS_KILLS`` (default 500, or the
``ASR_CRASH_KILLS`` environment variable).
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker
from stdnum import luhn

from asr_desktop.domain.enums import AuthorityKind, CompanyKind, LegalMechanism, MarketKind, Sector
from asr_desktop.domain.model import Authority, Company, Market, Operation
from asr_desktop.persistence.db import check_before_opening, make_engine, open_database
from asr_desktop.services.audit import AuditService
from asr_desktop.services.container import build_services
from asr_desktop.services.settings import UserService

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "darwin",
    reason="the harness forks its writers (Linux)",
)

WORKER = Path(__file__).with_name("crash_worker.py")
KILLS = 50
STRESS_KILLS = int(os.environ.get("ASR_CRASH_KILLS", "500"))
LINE_TIMEOUT = 30.0  # seconds to wait for one line of the worker before failing


def siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


@pytest.fixture
def crash_db(tmp_path, migrated_template):
    """A database with what the writers build on (user, market, lot, employer)."""
    path = tmp_path / "crash.db"
    path.write_bytes(migrated_template.read_bytes())
    database = open_database(path, create=False)
    user = UserService(database.sessions).create_user("saisie", "Agent de saisie")
    services = build_services(database, user.id)
    authority = services.clauses.create_authority(
        Authority(id=None, name="Ville de Créteil", kind=AuthorityKind.COMMUNE)
    )
    operation = services.clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Médiathèque")
    )
    market = services.clauses.create_market(
        Market(
            id=None,
            operation_id=operation.id,
            reference="2025-MED",
            object="Construction de la médiathèque",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            notification_date=date(2024, 12, 1),
        )
    )
    lot = services.clauses.create_calibrated_lot(
        market.id,
        "1",
        "Gros œuvre",
        "manual",
        {"required_hours": 50000},
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
    )
    employer = services.companies.create_company(
        Company(id=None, siret=siret(41234567), name="Bâtisseurs du Val", kind=CompanyKind.ORDINARY)
    )
    database.close()
    setup = tmp_path / "setup.json"
    setup.write_text(
        json.dumps({"user_id": user.id, "lot_id": lot.id, "employer_id": employer.id}),
        encoding="utf-8",
    )
    return path, setup


# --- the worker ------------------------------------------------------------------------------


class Worker:
    """The zygote process and a thread reading its lines."""

    def __init__(self, db_path: Path, setup: Path):
        environment = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), str(db_path), str(setup)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.next_line() == "PRET"

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self) -> str:
        line = self.lines.get(timeout=LINE_TIMEOUT)
        if line is None:
            raise AssertionError("worker stopped: " + self.process.stderr.read()[-2000:])
        return line

    def send(self, command: str) -> int:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        first = self.next_line()
        assert first.startswith("PID "), first
        return int(first.split()[1])

    def until_end(self, pid: int) -> list[list[str]]:
        """The writer's lines up to its end (the zygote reaped it)."""
        lines = []
        while True:
            line = self.next_line()
            if line.startswith("FIN "):
                assert int(line.split()[1]) == pid
                return lines
            assert not line.startswith("ERREUR"), line
            lines.append(line.split(" ", 1) if line.startswith("RESULT") else line.split())

    def run_and_kill(self, seed: int, delay: float) -> list[list[str]]:
        pid = self.send(f"GO {seed}")
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        return self.until_end(pid)

    def close(self) -> None:
        try:
            self.process.stdin.write("QUIT\n")
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


# --- what was acknowledged, and the checks ---------------------------------------------------


@dataclass
class Acknowledged:
    participants: set[int] = field(default_factory=set)
    eligibility: set[tuple[int, int]] = field(default_factory=set)
    placements: set[tuple[int, int]] = field(default_factory=set)
    hours: set[tuple[int, int, str, int]] = field(default_factory=set)
    batches: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, line: list[str]) -> None:
        kind, *values = line
        if kind == "P":
            self.participants.add(int(values[0]))
        elif kind == "E":
            self.eligibility.add((int(values[0]), int(values[1])))
        elif kind == "PL":
            self.placements.add((int(values[0]), int(values[1])))
        elif kind == "H":
            self.hours.add((int(values[0]), int(values[1]), values[2], int(values[3])))
        elif kind == "B":
            self.batches[values[0]] = (int(values[1]), int(values[2]))
        else:
            raise AssertionError(f"unknown line {line}")

    @property
    def count(self) -> int:
        return (
            len(self.participants)
            + len(self.eligibility)
            + len(self.placements)
            + len(self.hours)
            + len(self.batches)
        )


def _rows(con, query: str, *args) -> list[tuple]:
    return con.execute(query, args).fetchall()


def check_after_kill(path: Path, acked: Acknowledged) -> None:
    """What the next start would see: sound file, every acknowledged commit, no half op."""
    check_before_opening(path)  # the start-up gate lets it in
    con = sqlite3.connect(path)
    try:
        assert _rows(con, "PRAGMA integrity_check") == [("ok",)]
        assert _rows(con, "PRAGMA foreign_key_check") == []
        people = {r[0]: r[1] for r in _rows(con, "SELECT id, status FROM participant")}
        eligibility = set(_rows(con, "SELECT id, participant_id FROM eligibility"))
        placements = {
            r[0]: (r[1], r[2])
            for r in _rows(con, "SELECT id, participant_id, job_title FROM placement")
        }
        hours = {
            r[0]: r[1:]
            for r in _rows(
                con,
                "SELECT id, placement_id, month, version, is_current, proof_ref FROM hours_entry",
            )
        }
        audit = _rows(con, "SELECT action, entity, entity_id, detail FROM audit_entry")
    finally:
        con.close()

    # every acknowledged commit is there
    assert acked.participants <= set(people)
    assert acked.eligibility <= eligibility
    assert {(i, p) for i, (p, _) in placements.items()} >= acked.placements
    for entry, placement, month, version in acked.hours:
        assert hours[entry][:3] == (placement, month, version)
    batch_placements = Counter(title for _, title in placements.values() if title)
    batch_lines = Counter(row[4] for row in hours.values() if row[4])
    for tag, (count, lines) in acked.batches.items():
        assert batch_placements[f"LOT-{tag}"] == count
        assert batch_lines[f"LOT-{tag}"] == lines

    # nothing half done: batches whole, each row with its audit entry and the reverse
    batch_audit = Counter(detail for *_, detail in audit if detail and detail.startswith("import "))
    for label, count in batch_placements.items():
        tag = label.removeprefix("LOT-")
        assert batch_lines[label] == 12 * count, f"batch {tag} cut in the middle"
        assert batch_audit[f"import {tag}"] == 13 * count
    created = defaultdict(set)
    for action, entity, entity_id, _ in audit:
        if action == "creation" or (entity == "hours_entry" and action == "modification"):
            created[entity].add(entity_id)
    assert created["participant"] == set(people)
    assert created["eligibility"] == {i for i, _ in eligibility}
    assert created["placement"] == set(placements)
    assert created["hours_entry"] == set(hours)
    # each (placement, month): versions 1..n, exactly one current
    versions = defaultdict(list)
    for placement, month, version, current, _ in hours.values():
        versions[(placement, month)].append((version, current))
    for key, found in versions.items():
        assert sorted(v for v, _ in found) == list(range(1, len(found) + 1)), key
        assert sum(c for _, c in found) == 1, key
    # a placement made by the service moved its person out of « candidat » in the same commit
    for person, title in placements.values():
        if title is None:
            assert people[person] != "candidat"

    engine = make_engine(path)
    try:
        assert AuditService(sessionmaker(engine)).verify_chain() is None
    finally:
        engine.dispose()


def kill_many(crash_db, kills: int, seed: int) -> tuple[Acknowledged, float]:
    path, setup = crash_db
    rng = random.Random(seed)
    acked = Acknowledged()
    worker = Worker(path, setup)
    started = time.perf_counter()
    try:
        for round_number in range(kills):
            # early kills land while opening (recovery after the previous kill), later ones
            # inside commits, batches and checkpoints
            delay = rng.choice((rng.uniform(0.0, 0.15), rng.uniform(0.1, 0.6)))
            for line in worker.run_and_kill(seed * 10_000 + round_number, delay):
                acked.add(line)
            check_after_kill(path, acked)
    finally:
        worker.close()
    return acked, time.perf_counter() - started


def test_kills_at_random_moments_lose_nothing_acknowledged(crash_db):
    acked, seconds = kill_many(crash_db, KILLS, seed=2026)
    # the writers did real work between the kills: every kind of commit was acknowledged
    assert acked.participants and acked.placements and acked.hours and acked.batches
    print(f"\n{KILLS} kills in {seconds:.1f} s ({KILLS / seconds:.1f}/s), {acked.count} commits")


@pytest.mark.stress
def test_many_kills_lose_nothing_acknowledged(crash_db):
    acked, seconds = kill_many(crash_db, STRESS_KILLS, seed=7)
    assert len(acked.batches) > 10
    print(f"\n{STRESS_KILLS} kills in {seconds:.1f} s ({STRESS_KILLS / seconds:.1f}/s)")


# --- disk full -------------------------------------------------------------------------------


def test_a_full_disk_is_a_french_message_a_rollback_and_then_work_goes_on(crash_db):
    path, setup = crash_db
    worker = Worker(path, setup)
    try:
        # some eligible people for the import to use
        lines = worker.run_and_kill(1, 0.4)
        pid = worker.send("DISK 5")
        ((kind, payload),) = worker.until_end(pid)
    finally:
        worker.close()
    assert lines and kind == "RESULT"
    result = json.loads(payload)

    assert result["import_error"].startswith("Le disque est plein : ")
    assert "rien n'a été enregistré" in result["import_error"]
    assert result["import_rows_after_refusal"] == 0
    assert result["service_error"].startswith("Le disque est plein : ")
    assert result["people_after_refusal"] == 0
    assert result["backup_error"].startswith("Le disque est plein : la sauvegarde")
    assert result["backup_leftovers"] == []  # no half-written backup
    assert result["import_lines_after_lift"] > 0
    assert result["created_after_lift"] > 0
    assert result["backup_after_lift"].startswith("asr-")
    check_after_kill(path, Acknowledged())
