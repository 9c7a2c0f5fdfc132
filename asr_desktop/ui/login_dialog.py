"""Sign-in: login and password, the growing delay shown as a countdown, and « Clé de
secours… » to choose a new password with the recovery key.

Like the first-user dialog, these dialogs receive what to call: ``attempt(login, password)``
(returns the result or raises ``ValidationError``/``LoginDelayed``), ``wait(login)`` (the
delay still running, to show the countdown after a failure) and, for the recovery,
``recover(recovery_key, login, new_password)``. Another expected failure closes the dialog
with ``failure`` set, for the caller to explain.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from asr_desktop.domain.errors import DomainError, ValidationError
from asr_desktop.domain.passwords import LoginDelayed, format_delay
from asr_desktop.ui.common import FormErrors
from asr_desktop.ui.first_user_dialog import MISMATCH, PasswordRules
from asr_desktop.ui.forms.ui_login_dialog import Ui_LoginDialog
from asr_desktop.ui.forms.ui_recovery_dialog import Ui_RecoveryDialog

log = logging.getLogger(__name__)

Wait = Callable[[str], timedelta]


class Countdown:
    """Shows « Trop d'essais infructueux : nouvel essai possible dans 25 s. » in ``label``
    (no line break inside « 25 s »)
    and keeps ``button`` disabled until the delay is over."""

    def __init__(self, label: QLabel, button: QPushButton, parent: QWidget):
        self._label, self._button = label, button
        self._left = 0
        self._timer = QTimer(parent)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        label.hide()

    @property
    def running(self) -> bool:
        return self._left > 0

    def start(self, delay: timedelta) -> None:
        self._left = max(0, int(-(-delay.total_seconds() // 1)))
        if self._left:
            self._timer.start()
        self._show()

    def _tick(self) -> None:
        self._left = max(0, self._left - 1)
        self._show()

    def _show(self) -> None:
        if self._left:
            wait = format_delay(timedelta(seconds=self._left)).replace(" ", "\u00a0")
            self._label.setText(f"Trop d'essais infructueux : nouvel essai possible dans {wait}.")
            self._label.show()
            self._button.setEnabled(False)
        else:
            self._timer.stop()
            self._label.hide()
            self._button.setEnabled(True)


class LoginDialog(QDialog):
    """After ``exec()``: ``result_value`` (what ``attempt`` returned; None when cancelled),
    ``recovered`` (the recovery dialog's result, if the password was reset that way) and
    ``failure``."""

    def __init__(
        self,
        database_path: Path,
        attempt: Callable[[str, str], Any],
        *,
        wait: Wait | None = None,
        recover: Callable[[str, str, str], Any] | None = None,
        recovery_wait: Callable[[], timedelta] | None = None,
        login: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_LoginDialog()
        self.ui.setupUi(self)
        self._attempt, self._wait = attempt, wait
        self._recover, self._recovery_wait = recover, recovery_wait
        self._path = Path(database_path)
        self.result_value: Any = None
        self.recovered: Any = None
        self.failure: DomainError | None = None
        self.ui.databaseLabel.setText(f"Base : {self._path}")
        self.ui.databaseLabel.setToolTip(str(self._path))
        ok = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Se connecter")
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("Quitter")
        self.ui.buttonBox.accepted.connect(self.submit)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.recoveryButton.setVisible(recover is not None)
        self.ui.recoveryButton.clicked.connect(self.open_recovery)
        self.errors = FormErrors(self.ui.errorLabel)
        self.errors.bind("login", self.ui.loginEdit)
        self.errors.bind("password", self.ui.passwordEdit)
        self.countdown = Countdown(self.ui.delayLabel, ok, self)
        self.ui.loginEdit.setText(login)
        (self.ui.passwordEdit if login else self.ui.loginEdit).setFocus()

    def submit(self) -> None:
        if self.countdown.running:
            return
        self.errors.clear()
        login, password = self.ui.loginEdit.text().strip(), self.ui.passwordEdit.text()
        if not login:
            self.errors.show("Saisissez votre identifiant.", "login")
            return
        try:
            result = self._attempt(login, password)
        except LoginDelayed as delayed:
            self.countdown.start(delayed.remaining)
            return
        except ValidationError as error:
            log.info("connexion refusée")
            self.ui.passwordEdit.clear()
            self.errors.show(error.message, "password")
            if self._wait is not None:
                self.countdown.start(self._wait(login))
            return
        except DomainError as error:
            self.failure = error
            self.reject()
            return
        self.ui.passwordEdit.clear()
        self.result_value = result
        self.accept()

    def open_recovery(self) -> None:
        if self._recover is None:
            return
        dialog = RecoveryDialog(
            self._recover,
            wait=self._recovery_wait,
            login=self.ui.loginEdit.text().strip(),
            parent=self,
        )
        dialog.exec()
        if dialog.failure is not None:
            self.failure = dialog.failure
            self.reject()
        elif dialog.result_value is not None:
            self.recovered = dialog.result_value
            self.accept()


class RecoveryDialog(QDialog):
    """Recovery key, login and the new password twice; ``recover`` does the rest."""

    def __init__(
        self,
        recover: Callable[[str, str, str], Any],
        *,
        wait: Callable[[], timedelta] | None = None,
        login: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_RecoveryDialog()
        self.ui.setupUi(self)
        self._recover, self._wait = recover, wait
        self.result_value: Any = None
        self.failure: DomainError | None = None
        ok = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Changer le mot de passe")
        self.ui.buttonBox.accepted.connect(self.submit)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.errors = FormErrors(self.ui.errorLabel)
        self.errors.bind("recovery_key", self.ui.recoveryKeyEdit)
        self.errors.bind("login", self.ui.loginEdit)
        self.errors.bind("password", self.ui.passwordEdit)
        self.errors.bind("confirmation", self.ui.confirmEdit)
        self.rules = PasswordRules(
            self.ui.rulesLabel, self.ui.passwordEdit, self.ui.confirmEdit, self.ui.loginEdit
        )
        self.countdown = Countdown(self.ui.delayLabel, ok, self)
        self.ui.loginEdit.setText(login)
        self.ui.recoveryKeyEdit.setFocus()
        if wait is not None:
            self.countdown.start(wait())

    def submit(self) -> None:
        if self.countdown.running:
            return
        self.errors.clear()
        password = self.ui.passwordEdit.text()
        if password != self.ui.confirmEdit.text():
            self.errors.show(MISMATCH, "confirmation")
            return
        if not self.ui.loginEdit.text().strip():
            self.errors.show("Saisissez l'identifiant dont le mot de passe est oublié.", "login")
            return
        try:
            result = self._recover(
                self.ui.recoveryKeyEdit.text(), self.ui.loginEdit.text().strip(), password
            )
        except LoginDelayed as delayed:
            self.countdown.start(delayed.remaining)
            return
        except ValidationError as error:
            log.info("clé de secours refusée (champ %s)", error.field)
            self.errors.show(error)
            if error.field == "recovery_key" and self._wait is not None:
                self.countdown.start(self._wait())
            return
        except DomainError as error:
            self.failure = error
            self.reject()
            return
        self.result_value = result
        self.accept()
