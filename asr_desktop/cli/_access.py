"""Encrypted databases on the command line: who signs in, and the key that opens the file.

The user and the password come from ``ASR_USER`` and ``ASR_PASSPHRASE`` when both are set
(scripts, scheduled tasks, CI); otherwise they are asked on the terminal (the password without
echo). Without a terminal and without those variables, the command stops with a French
message (exit 2) and nothing is written.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from asr_desktop.domain.errors import ValidationError
from asr_desktop.services import access
from asr_desktop.services.container import Services
from asr_desktop.services.startup import FileState, examine


def credentials(path: Path) -> access.Credentials:
    """From the environment, else from the terminal; ValidationError when neither exists."""
    given = access.environment_credentials()
    if given is not None:
        return given
    if sys.stdin is None or not sys.stdin.isatty():
        raise ValidationError(
            f"La base {path.name} est chiffrée : définissez ASR_USER (identifiant) et "
            "ASR_PASSPHRASE (mot de passe), ou lancez la commande dans un terminal.",
            "login",
        )
    print(f"La base {path.name} est chiffrée.", file=sys.stderr)
    login = input("Identifiant : ").strip()
    password = getpass.getpass("Mot de passe : ")
    return access.Credentials(login, password)


def database_key(path: Path) -> bytes | None:
    """The key of an encrypted database (after sign-in), None for any other file."""
    if examine(path).state is not FileState.ENCRYPTED:
        return None
    given = credentials(path)
    return access.unlock(path, given.login, given.password)


def open_services_for(path: Path, *, read_only: bool = False) -> Services:
    """Every service on an existing database, plain or encrypted (never created here)."""
    from asr_desktop.services.container import open_services  # deferred: SQLAlchemy

    key = database_key(path) if path.exists() else None
    return open_services(path, key=key, create=False, read_only=read_only)
