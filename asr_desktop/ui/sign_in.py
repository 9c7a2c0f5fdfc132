"""The start-up sequence of dialogs for one database file (``app.Launcher`` runs it).

Missing file: the first-account dialog (``FirstUserDialog``), then the recovery key shown
once. Encrypted file: the login dialog (``LoginDialog``: growing delay, « Clé de secours… »);
only the password that opens the key slot lets the file be examined by the start-up gate
and opened. Plain file whose accounts have passwords: the same dialog, checked against the
hashes. A file the gate refuses: a French box offering to set it aside and restore the newest
verified backup, or to start a new base — or to change nothing.

Credentials given by ``ASR_USER``/``ASR_PASSPHRASE`` (and, with ``--demo``, the documented
demonstration account) are tried first; without a screen they are the only way in.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from argon2 import Parameters
from PySide6.QtWidgets import QMessageBox, QWidget

from asr_desktop.domain.errors import DatabaseRefused, ValidationError
from asr_desktop.services import access, startup
from asr_desktop.ui.first_user_dialog import FirstUserDialog
from asr_desktop.ui.login_dialog import LoginDialog

log = logging.getLogger(__name__)


class SignIn:
    """One pass through the start-up gate for ``path``: first account, sign-in, unfit file.
    ``run()`` returns the signed-in database (``OpenedDatabase``), or None when the user
    closed a dialog; it raises ``DomainError`` for what the caller must explain.
    Not ``interactive`` (no screen): no dialog, credentials from the environment only."""

    MAX_ROUNDS = 4  # a file set aside or restored is examined again

    def __init__(
        self,
        path: Path,
        interactive: bool,
        *,
        demo: bool = False,
        cost: Parameters | None = None,
        parent: QWidget | None = None,
    ):
        self.path, self.interactive, self.cost, self.parent = path, interactive, cost, parent
        self.credentials = access.environment_credentials()
        self.demo_credentials = (
            access.Credentials(access.DEMO_LOGIN, access.DEMO_PASSWORD) if demo else None
        )
        self._proven: tuple[str, bytes] | None = None  # (login, key) already unlocked

    def run(self):
        for _round in range(self.MAX_ROUNDS):
            found = startup.examine(self.path)
            if found.state is startup.FileState.NEW:
                return self.first_start()
            if found.state is startup.FileState.UNFIT:
                if not self.unfit(found.problem or "", None):
                    return None
                continue
            outcome = self.plain() if found.state is startup.FileState.PLAIN else self.encrypted()
            if outcome is not _AGAIN:
                return outcome
        return None

    # --- first start ---------------------------------------------------------------------

    def first_start(self):
        if self.credentials is not None:
            login, password = self.credentials.login, self.credentials.password
            opened, recovery = access.create_database(
                self.path, login, login, password, cost=self.cost
            )
            if sys.stderr is not None:
                sys.stderr.write(
                    f"Nouvelle base chiffrée {self.path.name}, premier compte « {login} ». "
                    f"Clé de secours (notez-la, elle ne sera plus affichée) : {recovery}\n"
                )
            return opened
        if not self.interactive:
            raise DatabaseRefused(
                f"La base {self.path.name} n'existe pas : à la première ouverture, ASR Desktop "
                "fait créer le premier compte. Sans fenêtre, définissez ASR_USER et "
                "ASR_PASSPHRASE."
            )

        dialog = FirstUserDialog(
            self.path,
            lambda login, name, password: access.create_database(
                self.path, login, name, password, cost=self.cost
            ),
            self.parent,
        )
        dialog.exec()
        if dialog.failure is not None:
            raise dialog.failure
        return dialog.result_value

    # --- sign-in ---------------------------------------------------------------------------

    def _given(self):
        return [c for c in (self.credentials, self.demo_credentials) if c is not None]

    def encrypted(self):
        if self._proven is None:
            refused = None
            for given in self._given():
                try:
                    self._proven = (
                        given.login,
                        access.unlock(self.path, given.login, given.password),
                    )
                    break
                except ValidationError as error:
                    refused = refused or error
        if self._proven is None:
            if not self.interactive:
                raise DatabaseRefused(_no_screen(self.path, "est chiffrée", refused))
            dialog = self._login_dialog(
                lambda login, password: (login, access.unlock(self.path, login, password)),
                lambda login: access.wait_before_next_try(self.path, login),
                recover=lambda key, login, password: access.recover(
                    self.path, key, login, password, cost=self.cost
                ),
            )
            if dialog.recovered is not None:
                return dialog.recovered
            if dialog.result_value is None:
                return None
            self._proven = dialog.result_value
        login, key = self._proven
        try:
            return access.open_encrypted(self.path, key, login, cost=self.cost)
        except startup.DatabaseDamaged as damaged:
            return _AGAIN if self.unfit(str(damaged), key) else None

    def plain(self):
        opened = access.open_plain(self.path, cost=self.cost)
        if not opened.needs_sign_in:
            return opened
        refused = None
        for given in self._given():
            try:
                return access.sign_in(opened, given.login, given.password)
            except ValidationError as error:
                refused = refused or error
        if not self.interactive:
            opened.close()
            raise DatabaseRefused(_no_screen(self.path, "demande une connexion", refused))
        dialog = self._login_dialog(
            lambda login, password: access.sign_in(opened, login, password),
            opened.auth.remaining_wait,
        )
        if dialog.result_value is None:
            opened.close()
        return dialog.result_value

    def _login_dialog(self, attempt, wait, recover=None):
        first = self.credentials.login if self.credentials is not None else ""
        dialog = LoginDialog(
            self.path,
            attempt,
            wait=wait,
            recover=recover,
            recovery_wait=lambda: access.wait_before_next_try(self.path, None),
            login=first,
            parent=self.parent,
        )
        dialog.exec()
        if dialog.failure is not None:
            raise dialog.failure
        return dialog

    # --- a file that must not be opened ----------------------------------------------------

    def unfit(self, problem: str, key: bytes | None) -> bool:
        """Offer to set the file aside (and restore the newest verified backup); True when
        something was done and the file is to be examined again."""
        candidates = startup.backup_candidates(self.path, key)
        text = startup.refusal_text(problem, candidates)
        if not self.interactive:
            raise DatabaseRefused(text)
        choice = ask_unfit(self.parent, self.path, text, candidates)
        if choice is None:
            return False
        aside = startup.set_aside(self.path, keep_key_file=choice == "restore")
        log.warning("base inutilisable mise de côté sous %s", aside.name)
        if choice == "restore":
            startup.restore_backup(candidates[0], self.path, key)
            log.warning("sauvegarde %s restaurée", candidates[0].path.name)
        else:
            self._proven = None
        return True


def _no_screen(path: Path, what: str, refused: ValidationError | None) -> str:
    if refused is not None:
        return (
            f"La base {path.name} {what} : l'identifiant et le mot de passe donnés par ASR_USER "
            f"et ASR_PASSPHRASE ne l'ouvrent pas ({refused})"
        )
    return (
        f"La base {path.name} {what} : définissez ASR_USER et ASR_PASSPHRASE pour l'ouvrir "
        "sans fenêtre de connexion."
    )


_AGAIN = object()  # SignIn: examine the file again (it was set aside or restored)


def ask_unfit(parent, path: Path, text: str, candidates) -> str | None:
    """« restore », « new » or None (leave everything as it is)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Base inutilisable", text, parent=parent)
    box.setInformativeText(
        f"Mettre de côté renomme le fichier en « {path.name}.ecartee-date-heure » à côté de la "
        "base, sans le modifier : il reste disponible pour une récupération."
    )
    restore = None
    if candidates:
        newest = candidates[0]
        restore = box.addButton(
            f"Mettre de côté et restaurer la sauvegarde du {newest.taken_at:%d/%m/%Y à %H:%M}",
            QMessageBox.ButtonRole.AcceptRole,
        )
    new = box.addButton(
        "Mettre de côté et créer une nouvelle base", QMessageBox.ButtonRole.DestructiveRole
    )
    leave = box.addButton("Ne rien changer", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore or leave)
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return "restore"
    return "new" if clicked is new else None
