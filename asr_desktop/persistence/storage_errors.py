"""A full disk (or a file-size limit) becomes one French, expected error: ``DiskFull``.

SQLite reports a refused write as ``SQLITE_FULL`` (« database or disk is full », the disk
is full: ENOSPC) or ``SQLITE_IOERR_WRITE`` (« disk I/O error »: EFBIG when a file-size limit
is reached, EDQUOT for a quota). SQLite then rolls the transaction back itself and the
connection stays usable: once space is back, the next write works.

The single place where this is translated for every service is the engine: the
``handle_error`` event sees every DB-API error, from statements and from ``COMMIT`` alike,
and raising ``DiskFull`` there replaces SQLAlchemy's ``OperationalError``; the session's
``begin()`` block then rolls back as for any exception. ``install_disk_full_translation``
registers it on an engine (``db.make_engine`` and ``cipher.make_encrypted_engine`` should
call it). File operations outside SQLite (copies, JSON files) use :func:`disk_full_guard`.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from asr_desktop.domain.errors import DomainError

#: errno values of a write the disk refused for lack of room.
FULL_ERRNOS = frozenset(
    code for code in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", None)) if code
)
#: SQLite result codes of a refused write (``sqlite_errorname``, Python ≥ 3.11).
FULL_SQLITE_NAMES = frozenset({"SQLITE_FULL", "SQLITE_IOERR_WRITE"})
#: Their messages, for drivers without ``sqlite_errorname`` (sqlcipher3).
FULL_SQLITE_MESSAGES = ("database or disk is full", "disk i/o error")

DEFAULT_MESSAGE = (
    "Le disque est plein : l'opération a été annulée et rien n'a été enregistré. "
    "Libérez de la place sur le disque (ou demandez-le au service informatique), "
    "puis recommencez."
)


class DiskFull(DomainError):
    """The disk refused a write (full, quota or file-size limit). The operation was rolled
    back; the program keeps working and the same action succeeds once space is back."""

    def __init__(self, message: str = DEFAULT_MESSAGE):
        super().__init__(message)


def is_disk_full(error: BaseException | None) -> bool:
    """True for an OSError or SQLite error meaning « no room to write » (also when it is
    the cause of another exception, e.g. SQLAlchemy's wrapper)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, DiskFull):
            return True
        if isinstance(error, OSError) and error.errno in FULL_ERRNOS:
            return True
        name = getattr(error, "sqlite_errorname", None)
        if name is not None:
            if name in FULL_SQLITE_NAMES:
                return True
        elif _is_sqlite_error(error) and str(error).lower().startswith(FULL_SQLITE_MESSAGES):
            return True
        error = getattr(error, "orig", None) or error.__cause__
        seen += 1
    return False


def _is_sqlite_error(error: BaseException) -> bool:
    if isinstance(error, sqlite3.Error):
        return True
    return type(error).__module__.split(".")[0] in {"sqlcipher3", "pysqlite3"}


def translate_disk_full(context: ExceptionContext) -> None:
    """``handle_error`` listener: raise ``DiskFull`` in place of a refused write."""
    if is_disk_full(context.original_exception):
        raise DiskFull() from context.original_exception


def install_disk_full_translation(engine: Engine) -> None:
    """Register :func:`translate_disk_full` on ``engine`` (once; calling again is harmless)."""
    if not event.contains(engine, "handle_error", translate_disk_full):
        event.listen(engine, "handle_error", translate_disk_full)


@contextmanager
def disk_full_guard(message: str = DEFAULT_MESSAGE) -> Iterator[None]:
    """Turn a refused write inside the block (OSError or SQLite error) into ``DiskFull``."""
    try:
        yield
    except DiskFull:
        raise
    except Exception as exc:
        if is_disk_full(exc):
            raise DiskFull(message) from exc
        raise
