"""Key slots: the database key, wrapped once per user password and once by the recovery key.

The database is encrypted (SQLCipher) with a random 256-bit key that nobody types. The file
``<database>.cles`` beside it holds that key several times, each copy encrypted with
AES-256-GCM under a key derived by Argon2id from one secret: a user's password (one slot per
login) or the recovery key shown once at creation. Changing a password rewrites one slot and
never re-encrypts the database; a forgotten password is replaced with the recovery key.

What the file holds, all of it public by design: the format version, a random file identity,
per slot the Argon2id parameters, salt, nonce and the wrapped key; a key check (HMAC of a
constant under the database key, so a wrong key given to ``add_slot`` is refused) and the
failed-attempt counters that make the growing delay survive a restart. Slot names are
``user:`` + SHA-256 of (file identity, login) — logins are pseudonymised, not secret. The GCM
associated data binds each wrapped key to the file identity and its slot name: a slot copied
to another name or another file no longer opens. No secret is ever written in clear; the file
is replaced atomically (temporary file, fsync, ``os.replace``).

Failed attempts are counted per slot; attempts on logins without a slot share one bucket
(``unknown``): writing the typed login to disk could write a password typed in the wrong field.
An unknown login costs the same Argon2id work as a known one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import Parameters, Type, profiles
from argon2.low_level import hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from asr_desktop.domain.errors import Conflict, DatabaseRefused, NotFound, ValidationError
from asr_desktop.domain.passwords import (
    RECOVERY_KEY_BYTES,
    WRONG_CREDENTIALS,
    LoginDelayed,
    effective_failures,
    format_recovery_key,
    normalise_login,
    parse_recovery_key,
    password_bytes,
    remaining_delay,
)

SLOTS_SUFFIX = ".cles"
FORMAT_VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
#: Argon2id cost of new slots (RFC 9106 "second recommended option": t=3, 64 MiB, p=4;
#: about 0.7 s on a two-core machine). Tests pass ``cost=argon2.profiles.CHEAPEST``.
DEFAULT_COST: Parameters = profiles.RFC_9106_LOW_MEMORY
RECOVERY = "recovery"
UNKNOWN = "unknown"
WRONG_RECOVERY_KEY = "Clé de secours incorrecte."
_REQUIRED_ENTRIES = {"version", "file_id", "key_check", "slots"}
_AAD_PREFIX = b"asr-desktop/key-slot/v1\x00"
_CHECK_PREFIX = b"asr-desktop/key-check/v1\x00"


def slots_path(database_path: str | Path) -> Path:
    """The key file of a database: ``base.db`` → ``base.db.cles``."""
    database_path = Path(database_path)
    return database_path.with_name(database_path.name + SLOTS_SUFFIX)


def has_slots(database_path: str | Path) -> bool:
    return slots_path(database_path).exists()


def new_database_key() -> bytes:
    """32 random bytes from the operating system's generator."""
    return secrets.token_bytes(KEY_BYTES)


# --- file -----------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _load(database_path: Path) -> dict:
    path = slots_path(database_path)
    if not path.exists():
        raise DatabaseRefused(f"Le fichier de clés {path.name} est introuvable.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatabaseRefused(f"Le fichier de clés {path.name} est illisible ({exc}).") from exc
    if not isinstance(data, dict) or not data.keys() >= _REQUIRED_ENTRIES:
        raise DatabaseRefused(f"Le fichier de clés {path.name} est incomplet.")
    version = data["version"]
    if version != FORMAT_VERSION:
        raise DatabaseRefused(
            f"Le fichier de clés {path.name} est au format {version}, inconnu de cette version "
            "d'ASR Desktop."
        )
    data.setdefault("failures", {})
    return data


def _save(database_path: Path, data: dict) -> None:
    target = slots_path(database_path)
    fd, temporary = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        directory = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


# --- cryptography ---------------------------------------------------------------------------


def _user_slot(file_id: str, login: str) -> str:
    digest = hashlib.sha256(f"{file_id}\x00{normalise_login(login)}".encode()).hexdigest()
    return f"user:{digest}"


def _aad(file_id: str, slot_name: str) -> bytes:
    return _AAD_PREFIX + file_id.encode("ascii") + b"\x00" + slot_name.encode("ascii")


def _key_check(db_key: bytes, file_id: str) -> str:
    return hmac.new(db_key, _CHECK_PREFIX + file_id.encode("ascii"), hashlib.sha256).hexdigest()


def _derive(secret: bytes, salt: bytes, time_cost: int, memory_cost: int, parallelism: int):
    return hash_secret_raw(secret, salt, time_cost, memory_cost, parallelism, KEY_BYTES, Type.ID)


def _wrap(db_key: bytes, secret: bytes, file_id: str, slot_name: str, cost: Parameters) -> dict:
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    kek = _derive(secret, salt, cost.time_cost, cost.memory_cost, cost.parallelism)
    wrapped = AESGCM(kek).encrypt(nonce, db_key, _aad(file_id, slot_name))
    return {
        "kdf": "argon2id",
        "argon2_version": cost.version,
        "time_cost": cost.time_cost,
        "memory_cost": cost.memory_cost,
        "parallelism": cost.parallelism,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped_key": _b64(wrapped),
    }


def _unwrap(slot: dict, secret: bytes, file_id: str, slot_name: str) -> bytes | None:
    try:
        kek = _derive(
            secret,
            _unb64(slot["salt"]),
            int(slot["time_cost"]),
            int(slot["memory_cost"]),
            int(slot["parallelism"]),
        )
        return AESGCM(kek).decrypt(
            _unb64(slot["nonce"]), _unb64(slot["wrapped_key"]), _aad(file_id, slot_name)
        )
    except (InvalidTag, KeyError, ValueError, TypeError):
        return None


def _burn(data: dict, secret: bytes) -> None:
    """Same Argon2id work as a real slot, for a login without one (no timing hint)."""
    model = next(iter(data["slots"].values()), None) or data.get(RECOVERY) or {}
    _derive(
        secret,
        secrets.token_bytes(SALT_BYTES),
        int(model.get("time_cost", DEFAULT_COST.time_cost)),
        int(model.get("memory_cost", DEFAULT_COST.memory_cost)),
        int(model.get("parallelism", DEFAULT_COST.parallelism)),
    )


def _require_key(data: dict, db_key: bytes) -> None:
    if len(db_key) != KEY_BYTES or not hmac.compare_digest(
        _key_check(db_key, data["file_id"]), data["key_check"]
    ):
        raise Conflict("Cette clé n'est pas celle de la base : les accès n'ont pas été modifiés.")


# --- failed attempts ------------------------------------------------------------------------


def _failures(data: dict, bucket: str, now: datetime) -> tuple[int, datetime | None]:
    entry = data["failures"].get(bucket)
    try:
        last = datetime.fromisoformat(entry["last"]).astimezone(UTC)
        return effective_failures(int(entry["count"]), last, now), last
    except (TypeError, KeyError, ValueError):  # no entry, or one damaged by hand
        return 0, None


def _check_delay(data: dict, bucket: str, now: datetime) -> None:
    count, last = _failures(data, bucket, now)
    wait = remaining_delay(count, last, now)
    if wait:
        raise LoginDelayed(wait)


def _record_failure(path: Path, data: dict, bucket: str, now: datetime) -> None:
    count, _last = _failures(data, bucket, now)
    data["failures"][bucket] = {"count": count + 1, "last": now.isoformat()}
    _save(path, data)


def _clear_failures(path: Path, data: dict, *buckets: str) -> None:
    if any(b in data["failures"] for b in buckets):
        for bucket in buckets:
            data["failures"].pop(bucket, None)
        _save(path, data)


def _now(now: datetime | None) -> datetime:
    """Aware UTC time (a naive ``now`` is taken as local time)."""
    return now.astimezone(UTC) if now is not None else datetime.now(UTC)


# --- public operations ----------------------------------------------------------------------


def create_slots(
    path: str | Path, db_key: bytes, login: str, password: str, *, cost: Parameters | None = None
) -> str:
    """Write the key file of a new database: the first user's slot and the recovery slot.
    Returns the recovery key, formatted for display; it is stored nowhere."""
    path = Path(path)
    if slots_path(path).exists():
        raise Conflict(f"La base {path.name} a déjà un fichier de clés.")
    if len(db_key) != KEY_BYTES:
        raise ValueError("database key must be 32 bytes")
    cost = cost or DEFAULT_COST
    file_id = secrets.token_hex(16)
    recovery = secrets.token_bytes(RECOVERY_KEY_BYTES)
    user = _user_slot(file_id, login)
    data = {
        "version": FORMAT_VERSION,
        "file_id": file_id,
        "key_check": _key_check(db_key, file_id),
        "slots": {user: _wrap(db_key, password_bytes(password), file_id, user, cost)},
        RECOVERY: _wrap(db_key, recovery, file_id, RECOVERY, cost),
        "failures": {},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    _save(path, data)
    return format_recovery_key(recovery)


def unlock(path: str | Path, login: str, password: str, *, now: datetime | None = None) -> bytes:
    """The database key, if ``password`` is ``login``'s. Otherwise ValidationError with the
    same message for an unknown login and a wrong password, or LoginDelayed while waiting."""
    path, now = Path(path), _now(now)
    data = _load(path)
    name = _user_slot(data["file_id"], login)
    slot = data["slots"].get(name)
    bucket = name if slot is not None else UNKNOWN
    _check_delay(data, bucket, now)
    secret = password_bytes(password)
    key = None
    if slot is None:
        _burn(data, secret)
    else:
        key = _unwrap(slot, secret, data["file_id"], name)
    if key is None or not hmac.compare_digest(_key_check(key, data["file_id"]), data["key_check"]):
        _record_failure(path, data, bucket, now)
        raise ValidationError(WRONG_CREDENTIALS, "password")
    _clear_failures(path, data, bucket, UNKNOWN)
    return key


def remaining_wait(
    path: str | Path, login: str | None, *, now: datetime | None = None
) -> timedelta:
    """How long before ``login`` may try again (``None``: the recovery key); zero when no
    delay runs. Reads the key file only."""
    path, now = Path(path), _now(now)
    data = _load(path)
    if login is None:
        bucket = RECOVERY
    else:
        name = _user_slot(data["file_id"], login)
        bucket = name if name in data["slots"] else UNKNOWN
    count, last = _failures(data, bucket, now)
    return remaining_delay(count, last, now)


def unlock_with_recovery(
    path: str | Path, recovery_key: str, *, now: datetime | None = None
) -> bytes:
    """The database key from the recovery key (typed with or without dashes, any case)."""
    path, now = Path(path), _now(now)
    data = _load(path)
    raw = parse_recovery_key(recovery_key, RECOVERY_KEY_BYTES)
    _check_delay(data, RECOVERY, now)
    key = _unwrap(data.get(RECOVERY) or {}, raw, data["file_id"], RECOVERY)
    if key is None or not hmac.compare_digest(_key_check(key, data["file_id"]), data["key_check"]):
        _record_failure(path, data, RECOVERY, now)
        raise ValidationError(WRONG_RECOVERY_KEY, "recovery_key")
    _clear_failures(path, data, RECOVERY)
    return key


def add_slot(
    path: str | Path,
    db_key: bytes,
    login: str,
    password: str,
    *,
    cost: Parameters | None = None,
    replace: bool = False,
) -> None:
    """Give ``login`` access with ``password`` (``replace``: reset an existing password)."""
    path = Path(path)
    data = _load(path)
    _require_key(data, db_key)
    name = _user_slot(data["file_id"], login)
    if name in data["slots"] and not replace:
        raise Conflict(f"L'identifiant « {login} » a déjà un accès à cette base.")
    data["slots"][name] = _wrap(
        db_key, password_bytes(password), data["file_id"], name, cost or DEFAULT_COST
    )
    data["failures"].pop(name, None)
    _save(path, data)


def remove_slot(path: str | Path, login: str) -> None:
    """Withdraw ``login``'s access. The last user access cannot be withdrawn."""
    path = Path(path)
    data = _load(path)
    name = _user_slot(data["file_id"], login)
    if name not in data["slots"]:
        raise NotFound(f"L'identifiant « {login} » n'a pas d'accès à cette base.")
    if len(data["slots"]) == 1:
        raise Conflict(
            "C'est le dernier accès à la base : sans lui, elle ne s'ouvrirait plus qu'avec la "
            "clé de secours."
        )
    del data["slots"][name]
    data["failures"].pop(name, None)
    _save(path, data)


def change_password(
    path: str | Path,
    login: str,
    old_password: str,
    new_password: str,
    *,
    cost: Parameters | None = None,
    now: datetime | None = None,
) -> None:
    """Re-wrap the database key under ``new_password`` once ``old_password`` has opened it."""
    db_key = unlock(path, login, old_password, now=now)
    add_slot(path, db_key, login, new_password, cost=cost, replace=True)


def renew_recovery_key(path: str | Path, db_key: bytes, *, cost: Parameters | None = None) -> str:
    """Replace the recovery key (lost or disclosed); the old one stops working."""
    path = Path(path)
    data = _load(path)
    _require_key(data, db_key)
    recovery = secrets.token_bytes(RECOVERY_KEY_BYTES)
    data[RECOVERY] = _wrap(db_key, recovery, data["file_id"], RECOVERY, cost or DEFAULT_COST)
    data["failures"].pop(RECOVERY, None)
    _save(path, data)
    return format_recovery_key(recovery)
