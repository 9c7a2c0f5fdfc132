"""Child process of the crash-safety harness (issue 6 point 7): writes through the services
and acknowledges every commit, until the parent kills it with SIGKILL.

Run as ``python crash_worker.py DB SETUP_JSON``. The script is a « zygote »: it imports the
program once, then for each line read on stdin

- ``GO <seed>``: forks a writer (never opening the database itself, so the fork is clean),
  prints ``PID <pid>``, waits for the writer to die and prints ``FIN <pid> <status>``;
- ``DISK <seed>``: the same with the disk-full scenario, which prints ``RESULT <json>`` and
  exits by itself;
- ``QUIT``: stops.

A writer prints one line per commit, with ``os.write`` straight after the service call
returned (an unbuffered write of less than PIPE_BUF bytes: the line is whole in the pipe or
absent):

- ``P <participant>`` and ``E <eligibility> <participant>``: a candidate and its eligibility;
- ``PL <placement> <participant>``: a placement (``PlacementService.create``);
- ``H <entry> <placement> <YYYY-MM-DD> <version>``: a month of hours (``record_month``);
- ``B <tag> <placements> <lines>``: an import-like batch — placements and twelve months of
  hours for each, with their audit entries, in one transaction (tagged ``LOT-<tag>``).

Forking keeps a kill cheap (no interpreter start per kill); the writer is a real separate
process, so SIGKILL has its real effect: no ``finally``, no atexit, no flush.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import sqlite3
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from faker import Faker

from asr_desktop.domain.enums import AuditAction, ContractType, Modality, Sex
from asr_desktop.domain.model import EligibilityRecord, HoursEntry, Participant, Placement
from asr_desktop.persistence.db import open_database
from asr_desktop.persistence.repositories.audit import AuditRepository
from asr_desktop.persistence.repositories.hours import HoursRepository
from asr_desktop.persistence.repositories.placements import PlacementRepository
from asr_desktop.persistence.storage_errors import DiskFull, install_disk_full_translation
from asr_desktop.services.backups import BackupService
from asr_desktop.services.container import build_services

MONTHS = tuple(date(2025, m, 1) for m in range(2, 13))
BATCH_MONTHS = tuple(date(2025, m, 1) for m in range(1, 13))
PLACEMENT_START = date(2025, 1, 6)
TAG_PREFIX = "LOT-"


def ack(*parts: object) -> None:
    os.write(1, (" ".join(str(p) for p in parts) + "\n").encode())


@dataclass
class Known:
    """What the writer may build on: eligible participants and placements already stored."""

    eligible: list[int] = field(default_factory=list)
    placements: list[int] = field(default_factory=list)

    @classmethod
    def read(cls, path: str) -> Known:
        con = sqlite3.connect(path)
        try:
            eligible = [
                r[0] for r in con.execute("SELECT DISTINCT participant_id FROM eligibility")
            ]
            placements = [
                r[0] for r in con.execute("SELECT id FROM placement WHERE job_title IS NULL")
            ]
        finally:
            con.close()
        return cls(eligible, placements)


def import_batch(database, setup: dict, participant_ids: list[int], tag: str) -> int:
    """An import as the statement import will do it: every row and its audit entry in one
    unit of work — all or nothing. Returns the number of hour lines."""
    user_id, label = setup["user_id"], TAG_PREFIX + tag
    lines = 0
    with database.sessions.begin() as s:
        placements, hours, audit = PlacementRepository(s), HoursRepository(s), AuditRepository(s)
        for person in participant_ids:
            placement = placements.add(
                Placement(
                    id=None,
                    participant_id=person,
                    lot_id=setup["lot_id"],
                    employer_id=setup["employer_id"],
                    modality=Modality.DIRECT_HIRE,
                    contract_type=ContractType.CDI,
                    start_date=PLACEMENT_START,
                    weekly_hours=Decimal(35),
                    job_title=label,
                )
            )
            audit.append(user_id, AuditAction.CREATE, "placement", placement.id, f"import {tag}")
            for month in BATCH_MONTHS:
                worked = Decimal(100 + (placement.id + month.month) % 50)
                entry = hours.add(
                    HoursEntry(
                        id=None,
                        placement_id=placement.id,
                        lot_id=setup["lot_id"],
                        month=month,
                        version=1,
                        worked_hours=worked,
                        credited_hours=worked,
                        proof_ref=label,
                        created_by_id=user_id,
                    )
                )
                audit.append(user_id, AuditAction.CREATE, "hours_entry", entry.id, f"import {tag}")
                lines += 1
    return lines


def write_until_killed(db_path: str, setup: dict, seed: int) -> None:
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    database = open_database(db_path, create=False)
    services = build_services(database, setup["user_id"])
    known = Known.read(db_path)
    batch = 0
    while True:
        roll = rng.random()
        if roll < 0.3 or len(known.eligible) < 3:
            person = services.participants.create(
                Participant(
                    id=None,
                    reference="",
                    last_name=fake.last_name(),
                    first_name=fake.first_name(),
                    birth_date=date(1970, 1, 1) + timedelta(days=rng.randrange(12000)),
                    sex=rng.choice([Sex.FEMALE, Sex.MALE]),
                    phone=fake.phone_number(),
                ),
                allow_duplicate=True,
            )
            ack("P", person.id)
            record = services.participants.add_eligibility(
                EligibilityRecord(
                    id=None,
                    participant_id=person.id,
                    criterion="RSA",
                    proof_date=date(2025, 1, 2),
                    validated_on=date(2025, 1, 3),
                )
            )
            ack("E", record.id, person.id)
            known.eligible.append(person.id)
        elif roll < 0.5 or not known.placements:
            person = rng.choice(known.eligible)
            saved = services.placements.create(
                Placement(
                    id=None,
                    participant_id=person,
                    lot_id=setup["lot_id"],
                    employer_id=setup["employer_id"],
                    modality=Modality.DIRECT_HIRE,
                    contract_type=ContractType.CDI,
                    start_date=PLACEMENT_START,
                    weekly_hours=Decimal(35),
                )
            )
            ack("PL", saved.placement.id, person)
            known.placements.append(saved.placement.id)
        elif roll < 0.85:
            placement = rng.choice(known.placements)
            month = rng.choice(MONTHS)
            entry = services.hours.record_month(
                placement, month, Decimal(rng.randrange(20, 160)), reason="Relevé rectifié"
            ).entry
            ack("H", entry.id, placement, month.isoformat(), entry.version)
        else:
            batch += 1
            tag = f"{seed}-{batch}"
            people = rng.sample(known.eligible, min(len(known.eligible), rng.randrange(4, 12)))
            lines = import_batch(database, setup, people, tag)
            ack("B", tag, len(people), lines)


# --- disk full -------------------------------------------------------------------------------


def _sizes(db_path: str) -> int:
    return max(
        Path(db_path + suffix).stat().st_size
        for suffix in ("", "-wal")
        if Path(db_path + suffix).exists()
    )


def _person(last_name: str) -> Participant:
    return Participant(
        id=None,
        reference="",
        last_name=last_name,
        first_name="Disque",
        birth_date=date(1985, 5, 5),
        sex=Sex.FEMALE,
    )


def disk_full_scenario(db_path: str, setup: dict, seed: int) -> dict:
    """Under a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored so write() fails with EFBIG):
    a big import, a service call and a backup are refused with ``DiskFull`` and leave
    nothing; once the limit is lifted, the same process writes and backs up again."""
    result: dict = {}
    database = open_database(db_path, create=False)
    install_disk_full_translation(database.engine)  # until db.make_engine does it
    services = build_services(database, setup["user_id"])
    folder = Path(db_path).with_name("sauvegardes-disque")
    backups = BackupService(database, folder)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    people = Known.read(db_path).eligible
    database_size = _sizes(db_path)
    # the WAL was just emptied: it may grow by 64 kB, then the disk is « full » (the base
    # itself is only written by checkpoints, after commits); an import of 25 placements and
    # their 300 months of hours needs several times that
    room = 64 * 1024
    big_import = [people[n % len(people)] for n in range(25)]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)

    def limited(limit: int):
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))

    def refused(action) -> str | None:
        try:
            action()
        except DiskFull as exc:
            return str(exc)
        return None

    limited(room)
    result["import_error"] = refused(
        lambda: import_batch(database, setup, big_import, f"{seed}-plein")
    )
    limited(1)  # not a byte more: even a single record is refused
    result["service_error"] = refused(
        lambda: services.participants.create(_person("Plein"), allow_duplicate=True)
    )
    limited(database_size // 2)  # room for half a copy of the base
    result["backup_error"] = refused(lambda: backups.backup_now("test"))
    result["backup_leftovers"] = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    con = sqlite3.connect(db_path)
    try:
        result["import_rows_after_refusal"] = con.execute(
            "SELECT count(*) FROM hours_entry WHERE proof_ref = ?", (f"{TAG_PREFIX}{seed}-plein",)
        ).fetchone()[0]
        result["people_after_refusal"] = con.execute(
            "SELECT count(*) FROM participant WHERE last_name = 'Plein'"
        ).fetchone()[0]
    finally:
        con.close()
    result["import_lines_after_lift"] = import_batch(database, setup, people[:2], f"{seed}-apres")
    person = services.participants.create(_person("Après"), allow_duplicate=True)
    result["created_after_lift"] = person.id
    result["backup_after_lift"] = backups.backup_now("test").name
    backups.close()
    database.close()
    return result


# --- the zygote ------------------------------------------------------------------------------


def warm_up() -> None:
    """Load once, before any fork, what opening a database loads lazily (Alembic and the
    migration scripts), without opening the database: a writer then starts in ~0.1 s."""
    from alembic import command  # noqa: F401

    from asr_desktop.persistence.db import head_revision, known_revisions

    head_revision()
    known_revisions()
    Faker("fr_FR").last_name()


def serve(db_path: str, setup: dict) -> None:
    warm_up()
    ack("PRET")
    for line in sys.stdin:
        command, *rest = line.split()
        if command == "QUIT":
            return
        seed = int(rest[0])
        child = os.fork()
        if child == 0:  # the writer
            code = 0
            try:
                if command == "DISK":
                    ack("RESULT", json.dumps(disk_full_scenario(db_path, setup, seed)))
                else:
                    write_until_killed(db_path, setup, seed)
            except BaseException as exc:  # reported to the parent, which fails the test
                ack("ERREUR", type(exc).__name__, str(exc).replace("\n", " ")[:500])
                code = 1
            os._exit(code)
        ack("PID", child)
        _, status = os.waitpid(child, 0)
        ack("FIN", child, status)


if __name__ == "__main__":
    serve(sys.argv[1], json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
