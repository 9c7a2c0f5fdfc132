"""Dialogs of the « Comptes » tab: a new account with its initial password, and a password —
a new one given by a coordinator, or one's own changed. The rules of CNIL deliberation
2022-100 are shown while typing (``first_user_dialog.rules_html``), and each dialog calls one
``AuthService`` method, closing only when it succeeded."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QWidget

from asr_desktop.domain.enums import UserRole
from asr_desktop.domain.errors import DomainError, ValidationError
from asr_desktop.domain.model import User
from asr_desktop.domain.passwords import WRONG_CREDENTIALS, LoginDelayed
from asr_desktop.services.auth import AuthService
from asr_desktop.ui.common import FormErrors, fill_combo
from asr_desktop.ui.first_user_dialog import MISMATCH, rules_html
from asr_desktop.ui.forms.ui_account_dialog import Ui_AccountDialog
from asr_desktop.ui.forms.ui_password_dialog import Ui_PasswordDialog

WRONG_OLD_PASSWORD = "Le mot de passe actuel est incorrect."


def follow_rules(
    label: QLabel, password: QLineEdit, confirmation: QLineEdit, login: Callable[[], str]
) -> Callable[[], None]:
    """Keep ``label`` in step with what is typed; returns the update function (connect it to
    other fields the rules depend on)."""

    def update(*_args) -> None:
        label.setText(rules_html(password.text(), confirmation.text(), login()))

    password.textChanged.connect(update)
    confirmation.textChanged.connect(update)
    update()
    return update


class AccountDialog(QDialog):
    """« Nouveau compte… »: login, display name, role and initial password;
    ``AuthService.create_user``. ``saved`` holds the new user afterwards."""

    def __init__(self, auth: AuthService, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = Ui_AccountDialog()
        self.ui.setupUi(self)
        self._auth = auth
        self.saved: User | None = None
        fill_combo(
            self.ui.roleCombo,
            [(role.label, role) for role in UserRole],
            current=UserRole.ADVISER,
        )
        buttons = self.ui.buttonBox
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Cré&er le compte")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.errors = FormErrors(self.ui.errorLabel)
        self.errors.bind("login", self.ui.loginEdit)
        self.errors.bind("display_name", self.ui.displayNameEdit)
        self.errors.bind("role", self.ui.roleCombo)
        self.errors.bind("password", self.ui.passwordEdit)
        self.errors.bind("confirmation", self.ui.confirmEdit)
        update = follow_rules(
            self.ui.rulesLabel,
            self.ui.passwordEdit,
            self.ui.confirmEdit,
            lambda: self.ui.loginEdit.text().strip(),
        )
        self.ui.loginEdit.textChanged.connect(update)
        self.ui.loginEdit.setFocus()

    def accept(self) -> None:
        self.errors.clear()
        password = self.ui.passwordEdit.text()
        if password != self.ui.confirmEdit.text():
            self.errors.show(MISMATCH, "confirmation")
            return
        user = self.errors.guard(
            lambda: self._auth.create_user(
                self.ui.loginEdit.text().strip(),
                self.ui.displayNameEdit.text().strip(),
                password,
                self.ui.roleCombo.currentData(),
            )
        )
        if user is None:
            return
        self.saved = user
        super().accept()


class PasswordDialog(QDialog):
    """A password for ``user``: with ``own`` the signed-in user changes theirs (the current
    one is asked, ``AuthService.change_password``), otherwise a coordinator gives a new one
    (``AuthService.reset_password``). ``saved`` is True afterwards."""

    def __init__(self, auth: AuthService, user: User, *, own: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = Ui_PasswordDialog()
        self.ui.setupUi(self)
        self._auth, self._user, self._own = auth, user, own
        self.saved = False
        if own:
            self.setWindowTitle("Changer mon mot de passe — ASR Desktop")
            self.ui.introLabel.setText(
                f"Nouveau mot de passe de votre compte « {user.login} ». Il servira dès "
                "maintenant pour ouvrir la base et déverrouiller la session."
            )
        else:
            self.setWindowTitle("Réinitialiser le mot de passe — ASR Desktop")
            self.ui.introLabel.setText(
                f"Nouveau mot de passe pour {user.display_name} (« {user.login} ») : "
                "l'ancien ne fonctionnera plus. Communiquez-le-lui de vive voix ; elle ou il "
                "pourra ensuite le changer dans Paramètres → Comptes."
            )
            self.ui.oldPasswordCaption.hide()
            self.ui.oldPasswordEdit.hide()
        buttons = self.ui.buttonBox
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.errors = FormErrors(self.ui.errorLabel)
        self.errors.bind("old_password", self.ui.oldPasswordEdit)
        self.errors.bind("password", self.ui.passwordEdit)
        self.errors.bind("confirmation", self.ui.confirmEdit)
        follow_rules(
            self.ui.rulesLabel, self.ui.passwordEdit, self.ui.confirmEdit, lambda: user.login
        )
        (self.ui.oldPasswordEdit if own else self.ui.passwordEdit).setFocus()

    def accept(self) -> None:
        self.errors.clear()
        password = self.ui.passwordEdit.text()
        if password != self.ui.confirmEdit.text():
            self.errors.show(MISMATCH, "confirmation")
            return
        try:
            if self._own:
                self._auth.change_password(self.ui.oldPasswordEdit.text(), password)
            else:
                self._auth.reset_password(self._user.id, password)
        except LoginDelayed as error:
            self.errors.show(error, "old_password")
            return
        except ValidationError as error:
            if self._own and error.message == WRONG_CREDENTIALS:
                self.errors.show(WRONG_OLD_PASSWORD, "old_password")
            else:
                self.errors.show(error)
            return
        except DomainError as error:  # not allowed, account gone…
            self.errors.show(str(error))
            return
        self.saved = True
        super().accept()
