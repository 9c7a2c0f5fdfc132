"""SQLCipher side of the database: keyed connections, engines, encrypted copies and backups.

The key is always the raw 256-bit database key (``PRAGMA key = "x'…'"``), never a passphrase:
SQLCipher's own PBKDF2 is skipped, the slow derivation happens once in ``keyslots`` (Argon2id).
Pages of the database and of its ``-wal`` file are encrypted (AES-256, HMAC per page), so the
file does not even start with the SQLite header and plain ``sqlite3`` says « file is not a
database ».

Engine: ``create_engine("sqlite+pysqlcipher://", creator=…)`` fails with SQLAlchemy 2.1: that
dialect always runs ``pragma key=<url password>`` on connect, an empty key here. The dialect
works with the key in the URL password, but then the key lives in ``engine.url``. Chosen: the
plain SQLite dialect with ``module=sqlcipher3`` and a ``creator`` that keys each connection
(the key stays in a closure; the file URL keeps SQLAlchemy's file pool, as ``db.make_engine``),
then the same pragmas as ``db._set_pragmas``. Each pooled connection's ``info`` holds the key
under ``KEY_INFO`` so that ``db.backup_database`` can write an encrypted copy of a live engine.
"""

from __future__ import annotations

from pathlib import Path

import sqlcipher3
from sqlalchemy import Engine, create_engine, event

from asr_desktop.domain.errors import DatabaseRefused

KEY_BYTES = 32
#: First 16 bytes of every unencrypted SQLite file.
PLAINTEXT_HEADER = b"SQLite format 3\x00"
_COPIED_PRAGMAS = ("application_id", "user_version")
#: Key of the database key in a pooled connection's ``info`` dictionary.
KEY_INFO = "asr_database_key"


def _key_text(key: bytes) -> str:
    """SQLCipher's raw-key form ``x'<64 hex digits>'``."""
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise ValueError("the database key must be 32 bytes")
    return f"x'{bytes(key).hex()}'"


def _key_pragma(key: bytes) -> str:
    return f'"{_key_text(key)}"'


def connect_encrypted(
    path: str | Path, key: bytes, *, check_same_thread: bool = True, read_only: bool = False
) -> sqlcipher3.Connection:
    """A sqlcipher3 connection keyed with ``key``, checked by reading the schema. A missing
    file becomes a new encrypted database at its first write; ``read_only`` opens the file in
    ``mode=ro`` (a missing file is then an error)."""
    path = Path(path)
    _key_text(key)
    try:
        if read_only:
            connection = sqlcipher3.connect(
                f"file:{path}?mode=ro", uri=True, check_same_thread=check_same_thread
            )
        else:
            connection = sqlcipher3.connect(str(path), check_same_thread=check_same_thread)
    except sqlcipher3.DatabaseError as exc:
        raise DatabaseRefused(f"La base {path.name} ne s'ouvre pas ({exc}).") from exc
    try:
        connection.execute(f"PRAGMA key = {_key_pragma(key)}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        connection.close()
        raise DatabaseRefused(
            f"La base {path.name} ne s'ouvre pas avec cette clé, ou elle est endommagée."
        ) from exc
    return connection


def integrity_problems(connection: sqlcipher3.Connection) -> list[str]:
    """Pages whose HMAC fails (``cipher_integrity_check``) and SQLite's ``quick_check``
    findings; empty when the file is sound."""
    problems = [str(row[0]) for row in connection.execute("PRAGMA cipher_integrity_check")]
    try:
        quick = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
    except sqlcipher3.DatabaseError as exc:  # a page that fails its HMAC cannot be read
        quick = [str(exc)]
    return problems + [line for line in quick if line != "ok"]


def is_encrypted(path: str | Path) -> bool:
    """True when the file is not plain SQLite: a SQLCipher database (or a file that is no
    database at all — only the key can tell). A missing or empty file is not encrypted."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb") as handle:
        return handle.read(len(PLAINTEXT_HEADER)) != PLAINTEXT_HEADER


def make_encrypted_engine(
    path: str | Path, key: bytes, *, read_only: bool = False, pragmas=None
) -> Engine:
    """SQLAlchemy engine on the encrypted file, each connection keyed then given ``pragmas``
    (default: those of ``db.make_engine`` — foreign keys, WAL, synchronous FULL, busy
    timeout, secure delete)."""
    path = Path(path)
    _key_text(key)  # refuse a malformed key now rather than at the first connection
    if pragmas is None:
        from asr_desktop.persistence.db import _set_pragmas as pragmas  # no import cycle

    def connect() -> sqlcipher3.Connection:
        return connect_encrypted(path, key, check_same_thread=False, read_only=read_only)

    def remember_key(_dbapi_connection, record) -> None:
        record.info[KEY_INFO] = bytes(key)

    engine = create_engine(  # hide_parameters: no person's data in a logged error's text
        f"sqlite:///{path}", module=sqlcipher3, creator=connect, hide_parameters=True
    )
    event.listen(engine, "connect", pragmas)
    event.listen(engine, "connect", remember_key)
    return engine


# --- copies ---------------------------------------------------------------------------------


def _partial(destination: Path) -> Path:
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partiel")
    partial.unlink(missing_ok=True)
    return partial


def _finish(partial: Path, destination: Path, key: bytes | None) -> Path:
    """Check the written copy, then give it its final name (never a half-written file)."""
    try:
        if key is None:
            check = sqlcipher3.connect(f"file:{partial}?mode=ro", uri=True)
            problems = [r[0] for r in check.execute("PRAGMA quick_check") if r[0] != "ok"]
        else:
            check = connect_encrypted(partial, key)
            problems = integrity_problems(check)
        check.close()
    except (sqlcipher3.DatabaseError, DatabaseRefused) as exc:
        problems = [str(exc)]
    if problems:
        partial.unlink(missing_ok=True)
        raise DatabaseRefused(f"La copie vers {destination.name} n'a pas pu être vérifiée.")
    partial.replace(destination)
    return destination


def _export(source: sqlcipher3.Connection, target: Path, target_key: str) -> None:
    """``sqlcipher_export`` into an attached file (``target_key`` '' for plaintext); it does
    not carry the header pragmas, copied here by hand."""
    source.execute("ATTACH DATABASE ? AS target KEY ?", (str(target), target_key))
    try:
        source.execute("SELECT sqlcipher_export('target')")
        for pragma in _COPIED_PRAGMAS:
            value = int(source.execute(f"PRAGMA main.{pragma}").fetchone()[0])
            source.execute(f"PRAGMA target.{pragma} = {value}")
    finally:
        source.execute("DETACH DATABASE target")


def _same_file(first: Path, second: Path) -> bool:
    return first.resolve() == second.resolve()


def encrypt_copy(plain_path: str | Path, encrypted_path: str | Path, key: bytes) -> Path:
    """Encrypted copy of a plain SQLite database (schema, rows, application_id and
    user_version); the plain file is only read."""
    plain_path, encrypted_path = Path(plain_path), Path(encrypted_path)
    if _same_file(plain_path, encrypted_path):
        raise ValueError("source and destination are the same file")
    if not plain_path.exists() or is_encrypted(plain_path):
        raise DatabaseRefused(f"{plain_path.name} n'est pas une base SQLite en clair.")
    partial = _partial(encrypted_path)
    source = sqlcipher3.connect(f"file:{plain_path}?mode=ro", uri=True)
    try:
        _export(source, partial, _key_text(key))
    finally:
        source.close()
    return _finish(partial, encrypted_path, key)


def decrypt_copy(encrypted_path: str | Path, plain_path: str | Path, key: bytes) -> Path:
    """Plain copy of an encrypted database (support, export of a person's data). The copy is
    readable by anyone: the caller decides where it goes and for how long."""
    encrypted_path, plain_path = Path(encrypted_path), Path(plain_path)
    if _same_file(plain_path, encrypted_path):
        raise ValueError("source and destination are the same file")
    partial = _partial(plain_path)
    source = connect_encrypted(encrypted_path, key)
    try:
        _export(source, partial, "")
    finally:
        source.close()
    return _finish(partial, plain_path, None)


def rekey(path: str | Path, old_key: bytes, new_key: bytes) -> None:
    """Re-encrypt every page under ``new_key`` (one transaction: all or nothing). The key
    slots must then be rewritten for the new key; ``keyslots`` does not do it by itself."""
    connection = connect_encrypted(path, old_key)
    try:
        connection.execute(f"PRAGMA rekey = {_key_pragma(new_key)}")
    finally:
        connection.close()
    connect_encrypted(path, new_key).close()


def backup_encrypted(
    source: Engine | sqlcipher3.Connection, destination: str | Path, key: bytes
) -> Path:
    """Consistent copy of a live encrypted database with the backup API, written under
    ``key`` (usually the database key; SQLCipher re-encrypts pages for another key), into a
    temporary name, checked, then renamed. A plaintext source is refused: use
    ``encrypt_copy`` for it."""
    destination = Path(destination)
    partial = _partial(destination)
    raw = source.raw_connection() if isinstance(source, Engine) else None
    connection = raw.driver_connection if raw is not None else source
    try:
        if not isinstance(connection, sqlcipher3.Connection):
            raise DatabaseRefused(
                "Cette base n'est pas chiffrée : sa copie chiffrée se fait autrement."
            )
        target = connect_encrypted(partial, key)
        try:
            connection.backup(target)
        except sqlcipher3.OperationalError as exc:  # e.g. a source opened without a key
            raise DatabaseRefused(
                f"La sauvegarde chiffrée vers {destination.name} a échoué ({exc})."
            ) from exc
        finally:
            target.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        if raw is not None:
            raw.close()
    return _finish(partial, destination, key)
