"""Accounts and login: the first user, new users, password checks, the growing delay.

Passwords are stored as Argon2id hashes (``argon2.PasswordHasher``: the encoded hash carries
its own parameters, so raising the cost later only needs ``check_needs_rehash`` at the next
login). When the database is encrypted the service is given its path and key, and every
password change also rewrites the user's key slot (``persistence.keyslots``), so the password
that opens the file and the one checked here stay the same.

Failed attempts are counted in memory, per service instance, for any typed login (known or
not, so the delay itself tells nothing about which logins exist), keyed by a digest of the
login rather than the text. Nothing is written to the database on a failure: a wrong password
leaves the file as it was. The count does not survive a restart, but a restart leads to the
key-slot unlock of the encrypted file, whose counters are kept in the key file
(``keyslots``); this service's count guards the lock screen of an open session.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain.enums import UserRole
from asr_desktop.domain.errors import Conflict, DomainError, NotFound, ValidationError
from asr_desktop.domain.model import User
from asr_desktop.domain.passwords import (
    WRONG_CREDENTIALS,
    LoginDelayed,
    check_password,
    effective_failures,
    normalise_login,
    password_bytes,
    remaining_delay,
)
from asr_desktop.persistence import keyslots
from asr_desktop.persistence.repositories.accounts import AccountRepository
from asr_desktop.persistence.repositories.settings import UserRepository
from asr_desktop.services import _validation as check

# Same rule as UserService.create_user (services/settings.py).
_LOGIN = re.compile(r"^[\w.@-]{2,60}$")


class NotAllowed(DomainError):
    """The signed-in user's role does not allow this action."""


def _check_login(login: object) -> str:
    cleaned = check.text(login, "login", "L'identifiant")
    if not _LOGIN.match(cleaned):
        raise ValidationError(
            "L'identifiant compte de 2 à 60 caractères : lettres, chiffres, point, tiret, "
            "tiret bas ou @, sans espace.",
            "login",
        )
    return cleaned


def _check_display_name(display_name: object) -> str:
    name = check.text(display_name, "display_name", "Le nom affiché")
    if len(name) > 120:
        raise ValidationError("Le nom affiché compte au plus 120 caractères.", "display_name")
    return name


def _bucket(login: str) -> str:
    """Failures are counted under a digest of the login, never the typed text."""
    return hashlib.sha256(normalise_login(login).encode()).hexdigest()


def _check_new_password(password: str, login: str) -> None:
    reasons = check_password(password, login)
    if reasons:
        raise ValidationError(" ".join(reasons), "password")


def check_new_account(login: object, display_name: object, password: str) -> None:
    """Refuse (ValidationError with the field) a login, name or password before anything is
    written — what ``create_first_user`` checks, for callers that must check first."""
    checked = _check_login(login)
    _check_display_name(display_name)
    _check_new_password(password, checked)


class AuthService:
    """``database_path``/``database_key`` are given when the file is encrypted (key slots to
    keep in step); ``cost`` sets the Argon2id parameters (tests use ``profiles.CHEAPEST``)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        user_id: int | None = None,
        *,
        database_path: str | Path | None = None,
        database_key: bytes | None = None,
        cost: Parameters | None = None,
    ):
        if (database_path is None) != (database_key is None):
            raise ValueError("database_path and database_key go together")
        self._sessions = sessions
        self._user_id = user_id
        self._path = Path(database_path) if database_path is not None else None
        self._key = database_key
        self._cost = cost or keyslots.DEFAULT_COST
        self._hasher = PasswordHasher.from_parameters(self._cost)
        self._failures: dict[str, tuple[int, datetime]] = {}
        self._decoy: str | None = None

    @property
    def encrypted(self) -> bool:
        return self._key is not None

    @property
    def cost(self) -> Parameters:
        return self._cost

    # --- accounts ---------------------------------------------------------------------------

    def create_first_user(
        self, login: str, display_name: str, password: str
    ) -> tuple[User, str | None]:
        """First start: the first user, a coordinator. Returns the user and, for an encrypted
        database, the recovery key to show once (None otherwise)."""
        login, name = _check_login(login), _check_display_name(display_name)
        _check_new_password(password, login)
        password_hash = self._hasher.hash(password_bytes(password))
        recovery_key = None
        try:
            with self._sessions.begin() as s:
                users = UserRepository(s)
                if users.count() > 0:
                    raise Conflict(
                        "Le premier utilisateur existe déjà : les comptes suivants sont créés "
                        "par un coordinateur."
                    )
                user = users.add(User(None, login, name, UserRole.COORDINATOR))
                AccountRepository(s).set_password_hash(user.id, password_hash)
                if self._key is not None:
                    recovery_key = keyslots.create_slots(
                        self._path, self._key, login, password, cost=self._cost
                    )
        except BaseException:
            if recovery_key is not None:  # slots written but the user was not saved
                keyslots.slots_path(self._path).unlink(missing_ok=True)
            raise
        return user, recovery_key

    def create_user(
        self,
        login: str,
        display_name: str,
        password: str,
        role: UserRole | str = UserRole.ADVISER,
    ) -> User:
        """A new account, created by a coordinator, with its first password."""
        login, name = _check_login(login), _check_display_name(display_name)
        chosen = check.enum_value(UserRole, role, "role", "Le rôle")
        _check_new_password(password, login)
        password_hash = self._hasher.hash(password_bytes(password))
        slot_written = False
        try:
            with self._sessions.begin() as s:
                self._require_coordinator(s)
                users = UserRepository(s)
                if users.find_by_login(login) is not None:
                    raise Conflict(f"L'identifiant « {login} » est déjà pris.")
                user = users.add(User(None, login, name, chosen))
                AccountRepository(s).set_password_hash(user.id, password_hash)
                if self._key is not None:
                    keyslots.add_slot(self._path, self._key, login, password, cost=self._cost)
                    slot_written = True
        except BaseException:
            if slot_written:  # the account was not saved: neither is its access
                with contextlib.suppress(DomainError, OSError):
                    keyslots.remove_slot(self._path, login)
            raise
        return user

    def reset_password(self, user_id: int, new_password: str) -> None:
        """A coordinator gives a user a new password (forgotten password)."""
        with self._sessions.begin() as s:
            self._require_coordinator(s)
            user = UserRepository(s).get(user_id)
            if user is None:
                raise NotFound(f"L'utilisateur n° {user_id} n'existe pas.")
            _check_new_password(new_password, user.login)
            AccountRepository(s).set_password_hash(
                user_id, self._hasher.hash(password_bytes(new_password))
            )
            if self._key is not None:
                keyslots.add_slot(
                    self._path, self._key, user.login, new_password, cost=self._cost, replace=True
                )

    def change_password(
        self, old_password: str, new_password: str, now: datetime | None = None
    ) -> None:
        """The signed-in user replaces their password (the old one is asked again)."""
        if self._user_id is None:
            raise NotAllowed("Connectez-vous pour changer de mot de passe.")
        with self._sessions.begin() as s:
            user = UserRepository(s).get(self._user_id)
        if user is None:
            raise NotFound(f"L'utilisateur n° {self._user_id} n'existe pas.")
        self.authenticate(user.login, old_password, now)
        _check_new_password(new_password, user.login)
        if new_password == old_password:
            raise ValidationError("Le nouveau mot de passe doit différer de l'ancien.", "password")
        new_hash = self._hasher.hash(password_bytes(new_password))
        slot_changed = False
        try:
            with self._sessions.begin() as s:
                AccountRepository(s).set_password_hash(user.id, new_hash)
                if self._key is not None:
                    keyslots.add_slot(
                        self._path,
                        self._key,
                        user.login,
                        new_password,
                        cost=self._cost,
                        replace=True,
                    )
                    slot_changed = True
        except BaseException:
            if slot_changed:  # the database kept the old password: so must the key file
                with contextlib.suppress(DomainError, OSError):
                    keyslots.add_slot(
                        self._path,
                        self._key,
                        user.login,
                        old_password,
                        cost=self._cost,
                        replace=True,
                    )
            raise

    def recover_password(self, login: str, new_password: str) -> User:
        """Forgotten password: the database key came from the recovery key (that is the
        proof), ``login`` gets ``new_password`` in the database and in its key slot."""
        if self._key is None:
            raise NotAllowed("Seule une base chiffrée a une clé de secours.")
        with self._sessions.begin() as s:
            found = AccountRepository(s).credentials(str(login or ""))
            if found is None:
                raise ValidationError(f"Aucun compte n'a l'identifiant « {login} ».", "login")
            user = found[0]
            if not user.active:
                raise ValidationError(
                    "Ce compte est désactivé : adressez-vous à un coordinateur.", "login"
                )
            _check_new_password(new_password, user.login)
            AccountRepository(s).set_password_hash(
                user.id, self._hasher.hash(password_bytes(new_password))
            )
            keyslots.add_slot(
                self._path, self._key, user.login, new_password, cost=self._cost, replace=True
            )
        self._failures.pop(_bucket(user.login), None)
        return user

    # --- login ------------------------------------------------------------------------------

    def account(self, login: str) -> User | None:
        """The user with this login (any case), without checking a password: for a login
        already proven by the key slots of an encrypted database."""
        with self._sessions.begin() as s:
            found = AccountRepository(s).credentials(str(login or ""))
        return found[0] if found is not None else None

    def has_passwords(self) -> bool:
        """Whether any account can sign in (False: a base without accounts, or a demo base
        whose generated accounts have no password)."""
        with self._sessions.begin() as s:
            return AccountRepository(s).count_with_password() > 0

    def remaining_wait(self, login: str, now: datetime | None = None) -> timedelta:
        """How long before ``login`` may try again on this service (lock screen)."""
        now = now.astimezone(UTC) if now is not None else datetime.now(UTC)
        count, last = self._failures.get(_bucket(login), (0, None))
        return remaining_delay(count, last, now)

    def authenticate(self, login: str, password: str, now: datetime | None = None) -> User:
        """The user if ``password`` is theirs. Otherwise « Identifiant ou mot de passe
        incorrect. » whether the login exists or not; LoginDelayed while a delay runs."""
        now = now.astimezone(UTC) if now is not None else datetime.now(UTC)
        bucket = _bucket(login)
        count, last = self._failures.get(bucket, (0, None))
        count = effective_failures(count, last, now)
        wait = remaining_delay(count, last, now)
        if wait:
            raise LoginDelayed(wait)
        with self._sessions.begin() as s:
            accounts = AccountRepository(s)
            found = accounts.credentials(str(login or ""))
            user, stored = found if found is not None else (None, None)
            if user is None or not self._verify(stored, password or ""):
                self._failures[bucket] = (count + 1, now)
                raise ValidationError(WRONG_CREDENTIALS, "password")
            self._failures.pop(bucket, None)
            if not user.active:
                raise ValidationError(
                    "Ce compte est désactivé : adressez-vous à un coordinateur.", "login"
                )
            if self._hasher.check_needs_rehash(stored):
                accounts.set_password_hash(user.id, self._hasher.hash(password_bytes(password)))
        return user

    def _verify(self, stored: str | None, password: str) -> bool:
        """Argon2id check; an account without a hash costs the same work and fails."""
        if stored is None:
            if self._decoy is None:
                self._decoy = self._hasher.hash(secrets.token_urlsafe(16))
            stored = self._decoy
        try:
            return self._hasher.verify(stored, password_bytes(password))
        except (VerificationError, InvalidHashError):
            return False

    def _require_coordinator(self, s: Session) -> User:
        acting = UserRepository(s).get(self._user_id) if self._user_id is not None else None
        if acting is None or not acting.active or acting.role is not UserRole.COORDINATOR:
            raise NotAllowed("Seul un coordinateur peut gérer les comptes et les mots de passe.")
        return acting
