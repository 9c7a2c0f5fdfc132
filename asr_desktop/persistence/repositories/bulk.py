"""Bulk writing into a freshly created database (the demonstration data generator).

Everything here is about volume: 1,2 million ledger lines must be written in seconds, which the
ORM (one object per row) and even SQLAlchemy Core's per-row parameter processing (about three
times slower than the driver alone) cannot do.

- :class:`BulkWriter` holds one connection for the whole generation. While it is open the file is
  in a fast mode (``synchronous=OFF``, in-memory rollback journal, bigger page cache), which is
  only acceptable because the file is a temporary one that the caller deletes if anything
  fails; :meth:`BulkWriter.finish` puts the program's settings back (WAL, ``synchronous=FULL``,
  ``secure_delete``), checkpoints and closes, so the file left behind is like any other.
- :meth:`BulkWriter.phase` is one transaction; inside it :meth:`Phase.insert` takes rows as
  tuples, in the order of the column names given, with primary keys assigned by the caller. The
  statement is SQLAlchemy Core's ``insert(table)`` compiled once and run by the driver's
  ``executemany`` in chunks. Each value is converted as SQLAlchemy's bind processor for its
  column converts it (dates → ISO text, decimals → REAL, booleans → 0/1, JSON → text); for the
  hot types a C-level equivalent is used, and only after checking on a sample that it gives
  the processor's result. ``None`` stays SQL ``NULL`` (also in a JSON column).
- Foreign keys stay enforced throughout; :meth:`BulkWriter.indexes_deferred` builds a big
  table's non-unique indexes once, after its rows, from the schema's own definitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from operator import methodcaller
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Numeric,
    Table,
    bindparam,
    insert,
    update,
)
from sqlalchemy.orm import Session

from asr_desktop.domain.model import Parameter
from asr_desktop.persistence.models import EXPECTED_TABLES, Base, ParameterRow
from asr_desktop.persistence.repositories.settings import ParameterRepository

DEFAULT_CHUNK = 10_000
#: Page cache while generating, in KiB (given negative to SQLite): 128 MiB.
_FAST_CACHE_KIB = 131_072
_MEMO_LIMIT = 200_000

Converter = Callable[[Any], Any]

#: A value of each converted type, to check a fast converter against SQLAlchemy's processor.
_SAMPLES: dict[type, Any] = {
    Date: date(2024, 2, 29),
    DateTime: datetime(2024, 2, 29, 13, 5, 7, 120),
    Numeric: Decimal("151.67"),
    Boolean: True,
    JSON: ["above_monthly_max"],
}


def _memoised_json(process: Converter) -> Converter:
    memo: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            key = tuple(value) if isinstance(value, list) else value
            return memo[key]
        except (KeyError, TypeError):
            result = process(value)
            if len(memo) < _MEMO_LIMIT:
                with suppress(TypeError):  # a dict inside: not memoised
                    memo[key] = result
            return result

    return convert


def _fast(column_type: Any, process: Converter) -> Converter:
    """A C-level equivalent of SQLAlchemy's bind processor for the hot types (dates to ISO
    text, decimals to REAL), used only when it gives the same result on a sample."""
    kind = next((k for k in _SAMPLES if isinstance(column_type, k)), None)
    if kind is None:
        return process
    if kind is JSON:
        return _memoised_json(process)
    fast: Converter
    if kind is Date:
        fast = date.isoformat
    elif kind is DateTime:
        fast = methodcaller("isoformat", " ", "microseconds")
    elif kind is Boolean:
        fast = int
    elif isinstance(column_type, Float):
        return process
    else:
        fast = float
    sample = _SAMPLES[kind]
    return fast if fast(sample) == process(sample) else process


class _PreparedInsert:
    """``insert(table)`` for a fixed list of columns, compiled once, with its converters."""

    def __init__(self, connection: Connection, table: Table, columns: Sequence[str]):
        missing_defaults = [
            c.name
            for c in table.columns
            if c.name not in columns and c.default is not None and c.server_default is None
        ]
        if missing_defaults:
            # the driver-level insert does not run Python-side defaults: they must be given
            raise ValueError(f"{table.name}: colonnes à fournir : {', '.join(missing_defaults)}")
        dialect = connection.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        self.sql = str(compiled)
        order = list(compiled.positiontup or ())
        if sorted(order) != sorted(columns):
            raise ValueError(f"{table.name}: colonnes inconnues ou en double dans {columns}")
        self.permutation = None if order == list(columns) else [columns.index(n) for n in order]
        self.converters: list[tuple[int, Converter]] = []
        for position, name in enumerate(order):
            column_type = table.c[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is None:
                continue
            self.converters.append((position, _fast(column_type, process)))

    def convert(self, rows: Iterable[Sequence[Any]]) -> list[tuple]:
        permutation, converters = self.permutation, self.converters
        out = []
        for row in rows:
            values = [row[i] for i in permutation] if permutation else list(row)
            for position, process in converters:
                value = values[position]
                if value is not None:
                    values[position] = process(value)
            out.append(tuple(values))
        return out


class Phase:
    """Inserts of one transaction (see :meth:`BulkWriter.phase`)."""

    def __init__(self, connection: Connection, chunk_size: int):
        self._connection = connection
        self._chunk_size = chunk_size
        self._prepared: dict[tuple[str, tuple[str, ...]], _PreparedInsert] = {}

    def insert(self, table_name: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Insert ``rows`` (tuples ordered like ``columns``) into ``table_name``; returns the
        number of rows written. Every column with a Python-side default must be given."""
        key = (table_name, tuple(columns))
        prepared = self._prepared.get(key)
        if prepared is None:
            table = Base.metadata.tables[table_name]
            prepared = self._prepared[key] = _PreparedInsert(self._connection, table, key[1])
        written = 0
        iterator = iter(rows)
        while chunk := list(islice(iterator, self._chunk_size)):
            self._connection.exec_driver_sql(prepared.sql, prepared.convert(chunk))
            written += len(chunk)
        return written

    def update_by_id(self, table_name: str, columns: Sequence[str], rows: Iterable[Sequence]):
        """``UPDATE table SET columns… WHERE id = ?`` for rows ``(id, value, …)``. Columns
        stamped on update (``updated_at``) keep their value: completing a row being generated
        is not a change anybody made, and the wall clock must not enter the file."""
        table = Base.metadata.tables[table_name]
        kept = {
            c.name: c for c in table.columns if c.onupdate is not None and c.name not in columns
        }
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(name) for name in columns} | kept)
        )
        params = [{"row_id": row[0], **dict(zip(columns, row[1:], strict=True))} for row in rows]
        for start in range(0, len(params), self._chunk_size):
            self._connection.execute(statement, params[start : start + self._chunk_size])

    def set_parameter_timestamps(self, created_at: datetime) -> None:
        """Date the parameter rows the new file was seeded with (they have no author)."""
        table = ParameterRow.__table__
        self._connection.execute(
            update(table).where(table.c.created_by_id.is_(None)).values(created_at=created_at)
        )


class BulkWriter:
    """One connection to a new database file, in fast mode until :meth:`finish`."""

    def __init__(self, engine: Engine, chunk_size: int = DEFAULT_CHUNK):
        engine.dispose()  # no other pooled connection may stay open: journal mode changes
        self._engine = engine
        self._chunk_size = chunk_size
        self._connection: Connection | None = engine.connect()
        self._pragmas(
            "PRAGMA journal_mode=MEMORY",
            "PRAGMA synchronous=OFF",
            f"PRAGMA cache_size=-{_FAST_CACHE_KIB}",
            "PRAGMA temp_store=MEMORY",
            "PRAGMA secure_delete=OFF",
        )

    def _pragmas(self, *statements: str) -> None:
        assert self._connection is not None
        for statement in statements:
            self._connection.exec_driver_sql(statement)
        self._connection.commit()

    def parameters(self) -> list[Parameter]:
        """The dated parameters stored in the file (those it was seeded with, and any added)."""
        assert self._connection is not None
        with Session(bind=self._connection) as session:
            values = ParameterRepository(session).list()
        self._connection.rollback()
        return values

    @contextmanager
    def phase(self) -> Iterator[Phase]:
        """One transaction: committed when the block ends, rolled back on an exception."""
        assert self._connection is not None, "BulkWriter déjà fermé"
        with self._connection.begin():
            yield Phase(self._connection, self._chunk_size)

    @contextmanager
    def indexes_deferred(self, table_name: str) -> Iterator[None]:
        """Load a big table without its non-unique indexes, then build them once (faster than
        maintaining them row by row); they are created from the schema, with the same DDL as
        a new file. On an exception they are not rebuilt: the caller deletes the file."""
        assert self._connection is not None
        indexes = [i for i in Base.metadata.tables[table_name].indexes if not i.unique]
        for index in indexes:
            index.drop(self._connection)
        self._connection.commit()
        yield
        for index in indexes:
            index.create(self._connection)
        self._connection.commit()

    def row_counts(self) -> dict[str, int]:
        """Rows per table of the schema (``EXPECTED_TABLES``)."""
        assert self._connection is not None
        counts = {
            table: self._connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one()
            for table in EXPECTED_TABLES
        }
        self._connection.commit()
        return counts

    def finish(self) -> None:
        """Back to the program's settings (WAL, full sync), fold the journal, close."""
        if self._connection is None:
            return
        self._pragmas(
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            "PRAGMA secure_delete=ON",
            "PRAGMA wal_checkpoint(TRUNCATE)",
        )
        self.close()

    def close(self) -> None:
        """Close without restoring anything (the caller is about to delete the file)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._engine.dispose()
