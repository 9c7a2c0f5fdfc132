"""The « floors » of the benchmark (``asr-desktop bench``): the bare SQL a scenario cannot
avoid, run with the standard ``sqlite3`` module straight on the file, without SQLAlchemy,
domain objects or widgets. A scenario's time divided by its floor says how much the program
adds on top of reading the data.

Each query is the indexed equivalent of what the program asks for (same rows, same order,
same limits); the connection is read-only (``mode=ro``) so a floor never writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from asr_desktop.persistence.models import EXPECTED_TABLES

_PARTICIPANT_LIST = (
    "id, sex, status, education_level, anonymised_at, reference, last_name, first_name, "
    "birth_date, phone, email, address, postcode, commune, qpv, qpv_code, plie, prescriber_id, "
    "referent_id, entry_date, last_contact_date, pass_iae_end, restricted"
)
_COUNTED = "is_current = 1 AND status != 'rejected'"


@contextmanager
def read_only(path: str | Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def search_participants(connection: sqlite3.Connection, word: str, limit: int) -> list[tuple]:
    """The people whose accent-folded name key holds ``word``, walking the ``search_key``
    index in order and stopping at ``limit`` rows."""
    return connection.execute(
        f"SELECT {_PARTICIPANT_LIST} FROM participant WHERE instr(search_key, ?) > 0 "
        "ORDER BY search_key, id LIMIT ?",
        (word, limit),
    ).fetchall()


def common_last_name(connection: sqlite3.Connection, letters: int = 6) -> str:
    """The first word of the most frequent name key with at least ``letters`` letters (the
    worst case of a keystroke search: its prefixes match the most people); the most frequent
    first word of any length when none is that long."""
    for shortest in (letters, 1):
        row = connection.execute(
            "SELECT substr(search_key, 1, instr(search_key || ' ', ' ') - 1) AS word, "
            "count(*) AS n FROM participant WHERE anonymised_at IS NULL "
            "GROUP BY word HAVING length(word) >= ? ORDER BY n DESC, word LIMIT 1",
            (shortest,),
        ).fetchone()
        if row:
            return row[0]
    return ""


def biggest_lot(connection: sqlite3.Connection) -> int | None:
    """The lot with the most hour lines (the heaviest lot page)."""
    row = connection.execute(
        "SELECT lot_id FROM hours_entry GROUP BY lot_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def read_lot(connection: sqlite3.Connection, lot_id: int) -> int:
    """The lot with its market, operation and authority; its attributions with the
    companies; its ledger (hours credited per month); its placements with the person and
    the employer, and the hours credited on each; its contact log. Returns the rows read."""
    queries = (
        (
            "SELECT l.*, m.*, o.*, a.* FROM lot l JOIN market m ON m.id = l.market_id "
            "JOIN operation o ON o.id = m.operation_id JOIN authority a ON a.id = o.authority_id "
            "WHERE l.id = ?"
        ),
        "SELECT t.*, c.* FROM attribution t JOIN company c ON c.id = t.company_id WHERE t.lot_id = ?",
        (
            "SELECT month, sum(CAST(round(credited_hours * 100) AS INTEGER)) FROM hours_entry "
            f"WHERE lot_id = ? AND {_COUNTED} GROUP BY month ORDER BY month"
        ),
        (
            "SELECT p.*, pa.last_name, pa.first_name, c.name FROM placement p "
            "JOIN participant pa ON pa.id = p.participant_id "
            "JOIN company c ON c.id = p.employer_id WHERE p.lot_id = ?"
        ),
        (
            "SELECT placement_id, sum(CAST(round(credited_hours * 100) AS INTEGER)) "
            f"FROM hours_entry WHERE lot_id = ? AND {_COUNTED} GROUP BY placement_id"
        ),
        "SELECT * FROM follow_up_action WHERE lot_id = ? ORDER BY occurred_on DESC",
    )
    return sum(len(connection.execute(sql, (lot_id,)).fetchall()) for sql in queries)


def dashboard_aggregates(connection: sqlite3.Connection) -> dict[str, object]:
    """What the Tableau de bord shows today, in SQL alone: rows per table, and lots per
    state with the hours they require."""
    counts = {
        table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for table in EXPECTED_TABLES
    }
    by_status = connection.execute(
        "SELECT status, count(*), sum(required_hours) FROM lot GROUP BY status"
    ).fetchall()
    return {"counts": counts, "lots": by_status}
