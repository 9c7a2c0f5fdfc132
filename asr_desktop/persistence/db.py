"""The database file: opening it safely, migrating it in-process, backing it up, checking it.

Every connection gets the same pragmas (foreign keys, WAL, synchronous FULL, busy timeout,
secure delete). ``open_database`` is the one way in; it refuses a file that is not ours or
that a newer program wrote, before anything is written to it.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain.errors import DatabaseRefused
from asr_desktop.persistence.models import EXPECTED_TABLES, Base

log = logging.getLogger(__name__)

#: ``PRAGMA application_id`` of every ASR Desktop file: "ASRD" in ASCII.
APPLICATION_ID = 0x41535244
#: ``PRAGMA user_version``: the file-format generation (bumped with incompatible changes).
USER_VERSION = 1
BUSY_TIMEOUT_MS = 5000

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class Database:
    """An open database: its path, engine and the factory of short sessions."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]

    def close(self) -> None:
        self.engine.dispose()


def _set_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy manage transactions, but keep sqlite3 from opening them implicitly
    # before the pragmas below (journal_mode cannot change inside a transaction).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas)
    return engine


def _identify(path: Path) -> tuple[int, int, bool]:
    """Read (application_id, user_version, has_tables) with plain sqlite3, read-only."""
    uri = f"file:{path}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            has_tables = (
                con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
                > 0
            )
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(
            f"Le fichier {path.name} n'est pas une base ASR Desktop lisible ({exc})."
        ) from exc
    return app_id, version, has_tables


def open_database(path: str | Path, *, create: bool = True, migrate: bool = True) -> Database:
    """Open (and if needed create and migrate) the database at ``path``.

    Refuses, with a French message, a file that belongs to another program, one written by a
    newer version of ASR Desktop, and a missing file when ``create`` is false.
    """
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        app_id, version, has_tables = _identify(path)
        if has_tables and app_id != APPLICATION_ID:
            raise DatabaseRefused(
                f"Le fichier {path.name} n'est pas une base ASR Desktop "
                f"(identifiant d'application {app_id:#x})."
            )
        if version > USER_VERSION:
            raise DatabaseRefused(
                f"La base {path.name} a été écrite par une version plus récente d'ASR Desktop "
                f"(format {version}, cette version lit le format {USER_VERSION}). "
                "Installez la dernière version du programme."
            )
    elif not create:
        raise DatabaseRefused(f"La base {path} n'existe pas.")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    if migrate:
        migrate_database(engine, path)
    return Database(path=path, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


# --- migrations -----------------------------------------------------------------------------


def _alembic_config(connection=None):
    from alembic.config import Config  # deferred: alembic costs start-up time

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as con:
        if not inspect(con).has_table("alembic_version"):
            return None
        return con.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate_database(engine: Engine, path: Path) -> None:
    """New file: create_all + stamp head. Older file: backup, then upgrade with FKs off."""
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    head = script.get_current_head()
    with engine.connect() as con:
        has_tables = bool(inspect(con).get_table_names())
    if not has_tables:
        Base.metadata.create_all(engine)
        with engine.begin() as con:
            con.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
            con.exec_driver_sql(f"PRAGMA user_version={USER_VERSION}")
            command.stamp(_alembic_config(con), "head")
        _seed_defaults(engine)
        log.info("Base créée au schéma %s", head)
        return
    current = current_revision(engine)
    if current == head:
        return
    known = {rev.revision for rev in script.walk_revisions()}
    if current is None or current not in known:
        raise DatabaseRefused(
            f"La base {path.name} a un schéma inconnu ({current or 'absent'}) : elle a été écrite "
            "par une version plus récente ou par un autre programme."
        )
    backup_path = path.with_name(
        f"{path.stem}.avant-migration-{datetime.now():%Y%m%d-%H%M%S}{path.suffix}"
    )
    backup_database(engine, backup_path)
    log.info("Migration %s -> %s (sauvegarde préalable faite)", current, head)
    with engine.connect() as con:
        con.exec_driver_sql("PRAGMA foreign_keys=OFF")
        con.commit()
        with con.begin():
            command.upgrade(_alembic_config(con), "head")
        problems = con.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        con.exec_driver_sql("PRAGMA foreign_keys=ON")
    if problems:
        raise DatabaseRefused(
            f"La migration a laissé {len(problems)} référence(s) cassée(s) ; la sauvegarde "
            f"{backup_path.name} est intacte."
        )


def _seed_defaults(engine: Engine) -> None:
    """A new file starts with the documented default parameters (domain.parameters)."""
    from asr_desktop.domain.parameters import default_parameters
    from asr_desktop.persistence.models import ParameterRow

    with Session(engine) as session, session.begin():
        session.add_all(
            ParameterRow(key=p.key, value=p.value, valid_from=p.valid_from, note=p.note)
            for p in default_parameters()
        )


# --- backup ---------------------------------------------------------------------------------


def backup_database(engine: Engine, destination: Path) -> Path:
    """Consistent copy of a live database with sqlite3's backup API, into a temporary name
    first, then renamed: a half-written backup never carries the final name."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partiel")
    partial.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(target)
            ok = target.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            target.close()
    finally:
        raw.close()
    if ok != "ok":
        partial.unlink(missing_ok=True)
        raise DatabaseRefused(f"La sauvegarde vers {destination.name} n'a pas pu être vérifiée.")
    partial.replace(destination)
    return destination


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the schema, counted in one read transaction."""
    with engine.connect() as connection:
        return {
            table: connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one()
            for table in EXPECTED_TABLES
        }


# --- health check ---------------------------------------------------------------------------


@dataclass
class HealthReport:
    path: str
    integrity: str = "non vérifiée"
    foreign_key_problems: int = 0
    application_id_ok: bool = False
    user_version: int = 0
    schema_revision: str | None = None
    head_revision: str | None = None
    missing_tables: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return (
            self.integrity == "ok"
            and self.foreign_key_problems == 0
            and self.application_id_ok
            and not self.missing_tables
            and self.schema_revision == self.head_revision
            and self.user_version == USER_VERSION
        )

    def problems(self) -> list[str]:
        out = []
        if self.integrity != "ok":
            out.append(f"Intégrité : {self.integrity}")
        if self.foreign_key_problems:
            out.append(f"{self.foreign_key_problems} référence(s) cassée(s)")
        if not self.application_id_ok:
            out.append("Ce fichier n'est pas identifié comme une base ASR Desktop")
        if self.user_version != USER_VERSION:
            out.append(f"Format {self.user_version} au lieu de {USER_VERSION}")
        if self.schema_revision != self.head_revision:
            out.append(f"Schéma {self.schema_revision} au lieu de {self.head_revision}")
        if self.missing_tables:
            out.append("Tables absentes : " + ", ".join(self.missing_tables))
        return out


def check_database(path: str | Path) -> HealthReport:
    """Read-only examination of a database file: nothing is created or written."""
    path = Path(path)
    report = HealthReport(path=str(path), head_revision=head_revision())
    if not path.exists():
        report.integrity = "fichier absent"
        return report
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.DatabaseError as exc:
        report.integrity = str(exc)
        return report
    try:
        report.integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        report.foreign_key_problems = len(con.execute("PRAGMA foreign_key_check").fetchall())
        report.application_id_ok = (
            con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        )
        report.user_version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        report.missing_tables = [t for t in EXPECTED_TABLES if t not in tables]
        if "alembic_version" in tables:
            report.schema_revision = con.execute(
                "SELECT version_num FROM alembic_version"
            ).fetchone()[0]
        for table in EXPECTED_TABLES:
            if table in tables:
                report.row_counts[table] = con.execute(
                    f'SELECT count(*) FROM "{table}"'
                ).fetchone()[0]
    except sqlite3.DatabaseError as exc:
        report.integrity = str(exc)
    finally:
        con.close()
    return report
