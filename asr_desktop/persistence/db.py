"""The database file: opening it safely, migrating it in-process, backing it up, checking it.

Every connection gets the same pragmas (foreign keys, WAL, synchronous FULL, busy timeout,
secure delete). ``open_database`` is the one way in. Before anything is written, the start-up
gate (``check_before_opening``) reads the file read-only — the SQLCipher page check for an
encrypted file, ``quick_check``, the application id, the format and schema versions, the
expected tables — and refuses an empty, truncated, unreadable, foreign, damaged or newer file
with ``DatabaseDamaged`` (its ``problems`` say what is wrong, in French). The caller
(``services.startup``) then sets it aside and offers a verified backup.

An encrypted file is opened with its raw 256-bit key (``persistence.cipher``); a plain file
with ``key=None``.
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
from asr_desktop.persistence import cipher, clean_close, keyslots
from asr_desktop.persistence.models import EXPECTED_TABLES, Base
from asr_desktop.persistence.storage_errors import install_disk_full_translation

log = logging.getLogger(__name__)

#: ``PRAGMA application_id`` of every ASR Desktop file: "ASRD" in ASCII.
APPLICATION_ID = 0x41535244
#: ``PRAGMA user_version``: the file-format generation (bumped with incompatible changes).
USER_VERSION = 1
BUSY_TIMEOUT_MS = 5000
#: SQLCipher 4's page size: an encrypted file is a whole number of such pages.
CIPHER_PAGE_SIZE = 4096
_SQLITE_HEADER_SIZE = 100

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Kinds of DatabaseDamaged (what the start-up message and the tests tell apart).
EMPTY, TRUNCATED, UNREADABLE, DAMAGED, FOREIGN, NEWER, INCOMPLETE = (
    "vide",
    "tronquée",
    "illisible",
    "endommagée",
    "étrangère",
    "plus récente",
    "incomplète",
)


class DatabaseDamaged(DatabaseRefused):
    """The file exists but must not be opened for writing. ``kind`` is one of the constants
    above, ``problems`` the French findings; ``str()`` is the whole French message."""

    def __init__(self, path: Path, kind: str, problems: list[str]):
        self.path, self.kind, self.problems = Path(path), kind, list(problems)
        super().__init__(
            f"La base {self.path.name} ne peut pas être ouverte : " + " ".join(problems)
        )


class KeyRequired(DatabaseRefused):
    """The file is encrypted and no key was given: sign in first."""


@dataclass(frozen=True)
class Database:
    """An open database: its path, engine and the factory of short sessions. ``key`` is the
    raw key of an encrypted file (None: plain file), kept for checks and backups."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    key: bytes | None = field(default=None, repr=False, compare=False)
    read_only: bool = False
    verified_at: datetime | None = field(default=None, compare=False)  # last full check

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def close(self) -> None:
        """Close every connection; a base opened for writing and checked at start gets the
        stamp of a clean close (``clean_close``), so the next start can skip the full read."""
        self.engine.dispose()
        if not self.read_only and self.verified_at is not None:
            clean_close.write_stamp(self.path, self.verified_at)


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


def _set_read_only_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def make_engine(path: Path, key: bytes | None = None, *, read_only: bool = False) -> Engine:
    """Engine on ``path``: plain SQLite, or SQLCipher keyed with ``key``; ``read_only`` opens
    the file in ``mode=ro`` (nothing can be written, not even the journal mode)."""
    pragmas = _set_read_only_pragmas if read_only else _set_pragmas
    if key is not None:
        engine = cipher.make_encrypted_engine(path, key, read_only=read_only, pragmas=pragmas)
        install_disk_full_translation(engine)
        return engine
    # hide_parameters: an error's text (logged with its traceback) never carries the values
    # of the statement — names, addresses, notes of the people
    if read_only:
        engine = create_engine(
            f"sqlite:///file:{path}?mode=ro&uri=true",
            connect_args={"check_same_thread": False},
            hide_parameters=True,
        )
    else:
        engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False}, hide_parameters=True
        )
    event.listen(engine, "connect", pragmas)
    install_disk_full_translation(engine)  # a full disk: French DiskFull, rollback
    return engine


# --- the start-up gate ----------------------------------------------------------------------


@dataclass
class FileFacts:
    """What a read-only look at a database file found."""

    integrity: list[str]  # SQLCipher page check + quick_check findings; empty when sound
    application_id: int
    user_version: int
    tables: set[str]
    revision: str | None
    verified_at: datetime | None = None  # last full page check (now, or vouched by a stamp)


def _read_only_connection(path: Path, key: bytes | None):
    """A DBAPI connection that cannot write (``mode=ro``), keyed when ``key`` is given."""
    if key is not None:
        return cipher.connect_encrypted(path, key, read_only=True)
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise DatabaseDamaged(
            path,
            UNREADABLE,
            [f"le fichier n'est pas une base ASR Desktop lisible ({exc})."],
        ) from exc
    return connection


def _facts(
    connection, encrypted: bool, *, full_integrity: bool = False, pages: bool = True
) -> FileFacts:
    """``pages``: read every page (SQLCipher HMAC + quick_check); False only for a file the
    clean-close stamp vouches for."""
    errors = (sqlite3.DatabaseError, cipher.sqlcipher3.DatabaseError)
    integrity: list[str] = []
    if encrypted and pages:
        integrity += [str(r[0]) for r in connection.execute("PRAGMA cipher_integrity_check")]
    check = "integrity_check" if full_integrity else "quick_check"
    try:
        if pages:
            rows = connection.execute(f"PRAGMA {check}")
            integrity += [str(r[0]) for r in rows if r[0] != "ok"]
    except errors as exc:  # a page that cannot be read at all
        integrity.append(str(exc))
    try:
        tables = {
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        app_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    except errors as exc:
        integrity.append(str(exc))
        return FileFacts(integrity, 0, 0, set(), None)
    return FileFacts(integrity, app_id, version, tables, revision)


def _size_problem(path: Path, encrypted: bool) -> DatabaseDamaged | None:
    """An empty or cut-off file, seen from its size and (plain) its header."""
    size = path.stat().st_size
    if size == 0:
        return DatabaseDamaged(path, EMPTY, ["le fichier est vide (0 octet)."])
    if encrypted:
        if size % CIPHER_PAGE_SIZE:
            return DatabaseDamaged(
                path,
                TRUNCATED,
                [
                    f"le fichier chiffré est tronqué ({size} octets, pas un nombre entier de "
                    f"pages de {CIPHER_PAGE_SIZE} octets)."
                ],
            )
        return None
    with path.open("rb") as handle:
        header = handle.read(_SQLITE_HEADER_SIZE)
    if len(header) < _SQLITE_HEADER_SIZE:
        return DatabaseDamaged(path, TRUNCATED, [f"le fichier est tronqué ({size} octets)."])
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if page_size < 512 or size % page_size or pages * page_size > size:
        return DatabaseDamaged(
            path,
            TRUNCATED,
            [f"le fichier est tronqué ({size} octets au lieu de {pages * page_size})."],
        )
    return None


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def _identity_problem(path: Path, facts: FileFacts) -> DatabaseDamaged | None:
    """Foreign, newer or incomplete; None for a file of ours (or one without any table)."""
    never_filled = not facts.tables and facts.application_id in (0, APPLICATION_ID)
    if never_filled and facts.user_version <= USER_VERSION:
        return None  # created but never filled: migrate_database creates the schema
    if facts.application_id != APPLICATION_ID:
        return DatabaseDamaged(
            path,
            FOREIGN,
            [
                "le fichier n'est pas une base ASR Desktop (identifiant d'application "
                f"{facts.application_id:#x})."
            ],
        )
    if facts.user_version > USER_VERSION:
        return DatabaseDamaged(
            path,
            NEWER,
            [
                "elle a été écrite par une version plus récente d'ASR Desktop (format "
                f"{facts.user_version}, cette version lit le format {USER_VERSION}). "
                "Installez la dernière version du programme."
            ],
        )
    if facts.revision is None or facts.revision not in known_revisions():
        return DatabaseDamaged(
            path,
            NEWER if facts.revision else INCOMPLETE,
            [
                f"elle a un schéma inconnu ({facts.revision or 'absent'}) : elle a été écrite "
                "par une version plus récente ou par un autre programme."
            ],
        )
    missing = [t for t in EXPECTED_TABLES if t not in facts.tables]
    if facts.revision == head_revision() and missing:
        return DatabaseDamaged(path, INCOMPLETE, ["tables absentes : " + ", ".join(missing) + "."])
    return None


def check_before_opening(
    path: str | Path, key: bytes | None = None, *, trust_clean_close: bool = True
) -> FileFacts:
    """The start-up gate: read-only examination of an existing file, before any write.

    Raises ``DatabaseDamaged`` (empty, truncated, unreadable, damaged, foreign, newer,
    incomplete), ``KeyRequired`` for an encrypted file without ``key``, ``DatabaseRefused``
    for a plain file given a key or a wrong key. Returns the facts of a file fit to open."""
    path = Path(path)
    encrypted = cipher.is_encrypted(path)
    if key is None and encrypted:
        if not keyslots.has_slots(path):
            raise DatabaseDamaged(
                path,
                UNREADABLE,
                [
                    "le fichier n'est pas une base SQLite lisible et aucun fichier de clés "
                    f"({keyslots.slots_path(path).name}) ne l'accompagne : ce n'est pas une "
                    "base ASR Desktop, ou son fichier de clés a été perdu."
                ],
            )
        raise KeyRequired(f"La base {path.name} est chiffrée : connectez-vous pour l'ouvrir.")
    if key is not None and not encrypted and path.stat().st_size > 0:
        raise DatabaseRefused(f"La base {path.name} n'est pas chiffrée : elle s'ouvre sans clé.")
    problem = _size_problem(path, encrypted)
    if problem is not None:
        raise problem
    try:
        connection = _read_only_connection(path, key)
    except DatabaseRefused as exc:
        if isinstance(exc, DatabaseDamaged):
            raise
        raise DatabaseDamaged(
            path,
            UNREADABLE,
            [
                "elle ne s'ouvre pas avec sa clé : le fichier est endommagé, ou ce n'est pas la clé de cette base."
            ],
        ) from exc
    trusted = clean_close.trusted_since(path) if trust_clean_close else None
    try:
        facts = _facts(connection, encrypted, pages=trusted is None)
    finally:
        connection.close()
    facts.verified_at = trusted or datetime.now()
    if facts.integrity:
        shown = "; ".join(facts.integrity[:3]) + (" ; …" if len(facts.integrity) > 3 else "")
        raise DatabaseDamaged(path, DAMAGED, [f"le contrôle d'intégrité a échoué ({shown})."])
    problem = _identity_problem(path, facts)
    if problem is not None:
        raise problem
    return facts


def open_database(
    path: str | Path,
    *,
    key: bytes | None = None,
    create: bool = True,
    migrate: bool = True,
    read_only: bool = False,
) -> Database:
    """Open (and if needed create and migrate) the database at ``path``.

    ``key``: the raw key of an encrypted file (a new file is then created encrypted).
    An existing file passes the start-up gate first (``check_before_opening``); a missing
    file is refused when ``create`` is false or ``read_only`` is true. ``read_only`` never
    migrates: a file behind the program's schema is refused."""
    path = Path(path)
    verified_at = datetime.now()
    if path.exists():
        facts = check_before_opening(path, key)
        verified_at = facts.verified_at
        if read_only and facts.revision != head_revision():
            raise DatabaseRefused(
                f"La base {path.name} doit d'abord être mise à jour : ouvrez-la une fois avec "
                "le programme."
            )
    elif not create or read_only:
        raise DatabaseRefused(f"La base {path} n'existe pas.")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    if not read_only:
        clean_close.forget(path)  # from now on the file changes: a crash must be checked
    engine = make_engine(path, key, read_only=read_only)
    try:
        if migrate and not read_only:
            migrate_database(engine, path)
    except BaseException:
        engine.dispose()
        raise
    return Database(
        path=path,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        key=key,
        read_only=read_only,
        verified_at=verified_at,
    )


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
    """Consistent copy of a live database with the backup API, into a temporary name first,
    then checked and renamed: a half-written backup never carries the final name. The copy of
    an encrypted database is encrypted under the same key."""
    destination = Path(destination)
    raw = engine.raw_connection()
    try:
        key = raw.info.get(cipher.KEY_INFO)
        if key is not None:
            return cipher.backup_encrypted(raw.driver_connection, destination, key)
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".partiel")
        partial.unlink(missing_ok=True)
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

NOT_CHECKED_ENCRYPTED = "non vérifiée (base chiffrée : identifiant et mot de passe nécessaires)"


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
    encrypted: bool = False

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


def check_database(path: str | Path, key: bytes | None = None) -> HealthReport:
    """Read-only examination of a database file (``key``: an encrypted file's key): nothing
    is created or written. An encrypted file without its key is only reported as such."""
    path = Path(path)
    report = HealthReport(path=str(path), head_revision=head_revision())
    if not path.exists():
        report.integrity = "fichier absent"
        return report
    report.encrypted = cipher.is_encrypted(path)
    if report.encrypted and key is None:
        report.integrity = (
            NOT_CHECKED_ENCRYPTED
            if keyslots.has_slots(path)
            else "fichier illisible : ni base SQLite, ni base chiffrée accompagnée de son "
            "fichier de clés"
        )
        return report
    try:
        con = _read_only_connection(path, key if report.encrypted else None)
    except DatabaseRefused as exc:
        report.integrity = str(exc)
        return report
    errors = (sqlite3.DatabaseError, cipher.sqlcipher3.DatabaseError)
    try:
        facts = _facts(con, report.encrypted, full_integrity=True)
        report.integrity = "; ".join(facts.integrity) if facts.integrity else "ok"
        report.foreign_key_problems = len(con.execute("PRAGMA foreign_key_check").fetchall())
        report.application_id_ok = facts.application_id == APPLICATION_ID
        report.user_version = facts.user_version
        report.missing_tables = [t for t in EXPECTED_TABLES if t not in facts.tables]
        report.schema_revision = facts.revision
        for table in EXPECTED_TABLES:
            if table in facts.tables:
                report.row_counts[table] = con.execute(
                    f'SELECT count(*) FROM "{table}"'
                ).fetchone()[0]
    except errors as exc:
        report.integrity = str(exc)
    finally:
        con.close()
    return report
