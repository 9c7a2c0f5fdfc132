"""Getting into a database: first start, sign-in, forgotten password, demonstration base.

What the window (``app.py`` and its dialogs) and the command line call, so that neither
touches key slots or engines:

- ``create_database``: first start — a new encrypted file, its random key, the key file with
  the first user's slot and the recovery slot, the first user (a coordinator); returns the
  recovery key to show once.
- ``unlock`` then ``open_encrypted``: the password opens the key slot (Argon2id, growing delay
  kept in the key file); only then is the file examined by the start-up gate and opened.
- ``open_plain`` then ``sign_in``: a plain file (created with ``--no-encryption``, or
  older); one whose accounts have no password opens without sign-in.
- ``recover``: the recovery key opens the file and gives a user a new password.
- ``create_demo``: the demonstration base, encrypted unless asked otherwise, with the
  documented ``demo`` account.

Credentials may come from ``ASR_USER``/``ASR_PASSPHRASE`` (scripts, CI, screenshots).
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import Parameters

from asr_desktop.domain.enums import UserRole
from asr_desktop.domain.errors import Conflict, ValidationError
from asr_desktop.domain.model import User
from asr_desktop.domain.passwords import check_password
from asr_desktop.persistence import cipher, keyslots
from asr_desktop.persistence.db import Database, open_database
from asr_desktop.services import NO_PROGRESS, Progress
from asr_desktop.services.auth import AuthService, check_new_account
from asr_desktop.services.container import Services, build_services
from asr_desktop.services.startup import remove_database_files

if TYPE_CHECKING:
    from asr_desktop.services.demo import DemoSummary

log = logging.getLogger(__name__)

USER_VARIABLE = "ASR_USER"
PASSPHRASE_VARIABLE = "ASR_PASSPHRASE"
#: The account of every demonstration base (README « Base de démonstration »).
DEMO_LOGIN = "demo"
DEMO_PASSWORD = "Clauses-Insertion-2026"
DEMO_DISPLAY_NAME = "Compte de démonstration"


@dataclass(frozen=True)
class Credentials:
    login: str
    password: str = field(repr=False)


def environment_credentials(environ: Mapping[str, str] | None = None) -> Credentials | None:
    """``ASR_USER`` and ``ASR_PASSPHRASE`` when both are set (non-interactive use)."""
    environ = os.environ if environ is None else environ
    login, password = environ.get(USER_VARIABLE, ""), environ.get(PASSPHRASE_VARIABLE, "")
    if login.strip() and password:
        return Credentials(login.strip(), password)
    return None


@dataclass(frozen=True)
class OpenedDatabase:
    """An open database and who is signed in (``user`` None: a base without accounts, or
    not signed in yet). ``auth`` checks the password again on the lock screen."""

    services: Services
    auth: AuthService
    user: User | None = None

    @property
    def path(self) -> Path:
        return self.services.path

    @property
    def encrypted(self) -> bool:
        return self.services.database.encrypted

    @property
    def needs_sign_in(self) -> bool:
        """A plain file whose accounts have passwords, nobody signed in yet."""
        return self.user is None and self.auth.has_passwords()

    def close(self) -> None:
        self.services.close()


def _opened(database: Database, user: User | None, cost: Parameters | None) -> OpenedDatabase:
    user_id = user.id if user is not None else None
    auth = AuthService(
        database.sessions,
        user_id,
        database_path=database.path if database.encrypted else None,
        database_key=database.key,
        cost=cost,
    )
    return OpenedDatabase(build_services(database, user_id), auth, user)


# --- first start ----------------------------------------------------------------------------


def create_database(
    path: str | Path,
    login: str,
    display_name: str,
    password: str,
    *,
    cost: Parameters | None = None,
) -> tuple[OpenedDatabase, str]:
    """A new encrypted database whose first user (a coordinator) is signed in, and the
    recovery key to show once. Nothing is written when a value is refused; a failure on
    the way leaves no file behind."""
    path = Path(path)
    if path.exists():
        raise Conflict(f"Le fichier {path.name} existe déjà.")
    check_new_account(login, display_name, password)
    key = keyslots.new_database_key()
    database = None
    try:
        database = open_database(path, key=key, create=True)
        auth = AuthService(database.sessions, database_path=path, database_key=key, cost=cost)
        user, recovery_key = auth.create_first_user(login, display_name, password)
    except BaseException:
        if database is not None:
            database.close()
        remove_database_files(path)
        raise
    log.info("nouvelle base chiffrée créée (utilisateur n° %s)", user.id)
    return _opened(database, user, cost), recovery_key or ""


# --- sign-in --------------------------------------------------------------------------------


def unlock(path: str | Path, login: str, password: str) -> bytes:
    """The key of an encrypted database, if ``password`` is ``login``'s (key slots)."""
    return keyslots.unlock(path, login, password)


def wait_before_next_try(path: str | Path, login: str | None) -> timedelta:
    """The delay still running for ``login`` (None: the recovery key) on this file."""
    return keyslots.remaining_wait(path, login)


def open_encrypted(
    path: str | Path, key: bytes, login: str, *, cost: Parameters | None = None
) -> OpenedDatabase:
    """Open an encrypted database (start-up gate, migration) for ``login``, whose password
    opened ``key``. Raises ``DatabaseDamaged`` when the gate refuses the file."""
    database = open_database(path, key=key, create=False)
    try:
        user = AuthService(database.sessions).account(login)
        if user is None or not user.active:
            raise ValidationError(
                "Ce compte est désactivé ou supprimé : adressez-vous à un coordinateur.", "login"
            )
    except BaseException:
        database.close()
        raise
    return _opened(database, user, cost)


def open_plain(path: str | Path, *, cost: Parameters | None = None) -> OpenedDatabase:
    """Open a plain database (gate, migration; created if missing), nobody signed in yet."""
    return _opened(open_database(path), None, cost)


def sign_in(opened: OpenedDatabase, login: str, password: str) -> OpenedDatabase:
    """The same open plain database, signed in as ``login`` (checked against its hash)."""
    user = opened.auth.authenticate(login, password)
    return _opened(opened.services.database, user, opened.auth.cost)


def recover(
    path: str | Path,
    recovery_key: str,
    login: str,
    new_password: str,
    *,
    cost: Parameters | None = None,
) -> OpenedDatabase:
    """Forgotten password: the recovery key opens the database and ``login`` gets
    ``new_password``; the user is then signed in."""
    reasons = check_password(new_password, login)
    if reasons:
        raise ValidationError(" ".join(reasons), "password")
    key = keyslots.unlock_with_recovery(path, recovery_key)
    database = open_database(path, key=key, create=False)
    try:
        auth = AuthService(database.sessions, database_path=path, database_key=key, cost=cost)
        user = auth.recover_password(login, new_password)
    except BaseException:
        database.close()
        raise
    log.info("mot de passe remplacé avec la clé de secours (utilisateur n° %s)", user.id)
    return _opened(database, user, cost)


# --- demonstration base ---------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCreated:
    summary: DemoSummary
    login: str
    password: str = field(repr=False)
    recovery_key: str | None = field(default=None, repr=False)  # None: not encrypted

    @property
    def encrypted(self) -> bool:
        return self.recovery_key is not None


def _add_demo_account(path: Path, cost: Parameters | None) -> None:
    database = open_database(path)
    try:
        users = build_services(database).users.list_users(active_only=True)
        coordinator = next((u for u in users if u.role is UserRole.COORDINATOR), None)
        if coordinator is None:
            AuthService(database.sessions, cost=cost).create_first_user(
                DEMO_LOGIN, DEMO_DISPLAY_NAME, DEMO_PASSWORD
            )
        else:
            AuthService(database.sessions, coordinator.id, cost=cost).create_user(
                DEMO_LOGIN, DEMO_DISPLAY_NAME, DEMO_PASSWORD, UserRole.COORDINATOR
            )
    finally:
        database.close()  # the last connection folds the WAL back into the file


def create_demo(
    path: str | Path,
    size: str = "realistic",
    seed: int = 2026,
    *,
    encrypted: bool = True,
    overwrite: bool = False,
    today: date | None = None,
    progress: Progress = NO_PROGRESS,
    cost: Parameters | None = None,
) -> DemoCreated:
    """A demonstration base at ``path`` (invented data), with the ``demo`` account
    (coordinator, password ``DEMO_PASSWORD``); encrypted unless ``encrypted`` is false. The
    data is generated into a plain working file — invented people only — then copied
    encrypted; the final name appears only once everything is written."""
    from asr_desktop.services import demo as demo_module  # deferred: Faker is slow to import

    target = Path(path)
    if target.exists() and not overwrite:
        raise Conflict(
            f"Le fichier {target.name} existe déjà : choisissez un autre nom ou demandez "
            "explicitement son remplacement."
        )
    work = target.with_name(target.name + ".demo-en-cours")
    sealed = target.with_name(target.name + ".chiffree-en-cours")
    remove_database_files(work)
    remove_database_files(sealed)
    recovery_key = None
    try:
        summary = demo_module.generate_demo(
            work, size, seed, today=today, overwrite=True, progress=progress
        )
        _add_demo_account(work, cost)
        final = work
        if encrypted:
            key = keyslots.new_database_key()
            cipher.encrypt_copy(work, sealed, key)
            recovery_key = keyslots.create_slots(sealed, key, DEMO_LOGIN, DEMO_PASSWORD, cost=cost)
            final = sealed
        remove_database_files(target)
        os.replace(final, target)
        if encrypted:
            os.replace(keyslots.slots_path(sealed), keyslots.slots_path(target))
    finally:
        remove_database_files(work)
        remove_database_files(sealed)
    counts = dict(summary.counts)
    counts["app_user"] = counts.get("app_user", 0) + 1
    summary = dataclasses.replace(summary, path=target, counts=counts)
    return DemoCreated(summary, DEMO_LOGIN, DEMO_PASSWORD, recovery_key)
