"""First start: the first account (a coordinator), then the recovery key shown once.

The dialog does not know how a database is made: it receives ``create(login, display_name,
password)`` which returns ``(result, recovery_key)`` or raises ``ValidationError`` (shown
under its field). Another expected failure closes the dialog with ``failure`` set. The
password rules of CNIL deliberation 2022-100 (``domain.passwords``) are shown while typing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QWidget

from asr_desktop.domain.errors import DomainError, ValidationError
from asr_desktop.domain.passwords import (
    MIN_LENGTH_ALL_KINDS,
    MIN_LENGTH_THREE_KINDS,
    MIN_PASSPHRASE_WORDS,
    check_password,
)
from asr_desktop.ui.common import FormErrors
from asr_desktop.ui.forms.ui_first_user_dialog import Ui_FirstUserDialog

log = logging.getLogger(__name__)

OK_COLOUR, BAD_COLOUR, NEUTRAL_COLOUR = "#1b7a34", "#b3261e", "#5f6368"
RULES_TEXT = (
    f"Recommandation CNIL 2022-100 : au moins {MIN_LENGTH_ALL_KINDS} caractères avec "
    f"majuscule, minuscule, chiffre et caractère spécial ; ou {MIN_LENGTH_THREE_KINDS} "
    f"caractères avec majuscule, minuscule et chiffre ; ou une phrase de "
    f"{MIN_PASSPHRASE_WORDS} mots différents. Ni l'identifiant, ni une suite courante "
    "(azerty, 123456…)."
)
MISMATCH = "Les deux saisies du mot de passe diffèrent."


def _mark(ok: bool, text: str) -> str:
    colour = OK_COLOUR if ok else NEUTRAL_COLOUR
    return f'<span style="color:{colour}">{"✓" if ok else "○"} {escape(text)}</span>'


def rules_html(password: str, confirmation: str, login: str) -> str:
    """The rules, what the typed password already has, and the verdict (rich text)."""
    parts = [f'<span style="color:{NEUTRAL_COLOUR}">{escape(RULES_TEXT)}</span>']
    if password:
        length = len(password)
        checks = [
            _mark(length >= MIN_LENGTH_ALL_KINDS, f"{length} caractère{'s' if length > 1 else ''}"),
            _mark(any(c.isupper() for c in password), "majuscule"),
            _mark(any(c.islower() for c in password), "minuscule"),
            _mark(any(c.isdigit() for c in password), "chiffre"),
            _mark(any(not c.isalnum() for c in password), "caractère spécial"),
        ]
        parts.append(" &nbsp; ".join(checks))
        reasons = check_password(password, login)
        if reasons:
            parts.append(f'<span style="color:{BAD_COLOUR}">{escape(" ".join(reasons))}</span>')
        else:
            parts.append(f'<b style="color:{OK_COLOUR}">✓ Mot de passe conforme.</b>')
        if confirmation and confirmation != password:
            parts.append(f'<span style="color:{BAD_COLOUR}">{MISMATCH}</span>')
    return "<br>".join(parts)


class PasswordRules:
    """Keeps ``label`` in step with what is typed in the password, confirmation and login
    fields."""

    def __init__(
        self, label: QLabel, password: QLineEdit, confirmation: QLineEdit, login: QLineEdit
    ):
        self._label, self._password, self._confirmation, self._login = (
            label,
            password,
            confirmation,
            login,
        )
        for edit in (password, confirmation, login):
            edit.textChanged.connect(self.update)
        self.update()

    def update(self) -> None:
        self._label.setText(
            rules_html(self._password.text(), self._confirmation.text(), self._login.text())
        )


class FirstUserDialog(QDialog):
    """``create(login, display_name, password) -> (result, recovery_key)``; after
    ``exec()``, ``result_value`` holds the result (None when cancelled) and ``failure`` an
    error that is not about a field (the caller explains it)."""

    def __init__(
        self,
        database_path: Path,
        create: Callable[[str, str, str], tuple[Any, str]],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_FirstUserDialog()
        self.ui.setupUi(self)
        self._create = create
        self.result_value: Any = None
        self.recovery_key: str | None = None
        self.failure: DomainError | None = None
        self.ui.databaseLabel.setText(f"Base : {database_path}")
        self.ui.databaseLabel.setToolTip(str(database_path))
        buttons = self.ui.buttonBox
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Créer la base")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        self.errors = FormErrors(self.ui.errorLabel)
        self.errors.bind("login", self.ui.loginEdit)
        self.errors.bind("display_name", self.ui.displayNameEdit)
        self.errors.bind("password", self.ui.passwordEdit)
        self.errors.bind("confirmation", self.ui.confirmEdit)
        self.rules = PasswordRules(
            self.ui.rulesLabel, self.ui.passwordEdit, self.ui.confirmEdit, self.ui.loginEdit
        )
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        fixed.setPointSizeF(max(fixed.pointSizeF(), 10) * 1.35)
        fixed.setWeight(QFont.Weight.DemiBold)
        self.ui.recoveryKeyEdit.setFont(fixed)
        self.ui.recoveryKeyEdit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ui.recoveryKeyEdit.setMinimumHeight(44)
        self.ui.copyButton.clicked.connect(self.copy_key)
        self.ui.notedCheck.toggled.connect(self.ui.continueButton.setEnabled)
        self.ui.continueButton.clicked.connect(self.accept)
        self.ui.pages.setCurrentWidget(self.ui.formPage)
        self.ui.loginEdit.setFocus()

    def submit(self) -> None:
        """« Créer la base »: check the confirmation, then create; show the key page."""
        self.errors.clear()
        password = self.ui.passwordEdit.text()
        if password != self.ui.confirmEdit.text():
            self.errors.show(MISMATCH, "confirmation")
            return
        try:
            result, key = self._create(
                self.ui.loginEdit.text().strip(), self.ui.displayNameEdit.text().strip(), password
            )
        except ValidationError as error:
            log.info("premier compte refusé (champ %s)", error.field)
            self.errors.show(error)
            return
        except DomainError as error:
            self.failure = error
            self.reject()
            return
        self.result_value, self.recovery_key = result, key
        self.ui.passwordEdit.clear()
        self.ui.confirmEdit.clear()
        self.show_recovery_key(key)

    def show_recovery_key(self, key: str) -> None:
        self.ui.recoveryKeyEdit.setText(key)
        self.ui.pages.setCurrentWidget(self.ui.keyPage)
        self.setWindowTitle("Clé de secours — ASR Desktop")
        self.ui.copyButton.setFocus()

    def copy_key(self) -> None:
        QGuiApplication.clipboard().setText(self.ui.recoveryKeyEdit.text())
        self.ui.copiedLabel.setText("Copiée dans le presse-papiers : collez-la en lieu sûr.")

    def reject(self) -> None:
        if self.ui.pages.currentWidget() is self.ui.keyPage and self.failure is None:
            return  # the base exists: the key must be acknowledged, not dismissed
        super().reject()
