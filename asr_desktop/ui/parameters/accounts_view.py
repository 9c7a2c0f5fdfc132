"""« Comptes »: the people who use the program on this base, and what a coordinator does with
them — a new account with its initial password, a new password for someone who forgot theirs,
deactivating or reactivating an account — plus, for everyone, « Changer mon mot de passe… »
and the idle time before the automatic lock on this workstation.

Advisers see the list read-only (the buttons are disabled, and the services refuse anyway:
``AuthService._require_coordinator``, ``UserService.set_active``). The last sign-in is not
stored by the program, so it is not shown.
"""

from __future__ import annotations

from collections.abc import Callable

from argon2 import Parameters
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.enums import UserRole
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import format_int
from asr_desktop.domain.model import User
from asr_desktop.services.auth import AuthService
from asr_desktop.services.container import Services
from asr_desktop.ui import common, qt_support
from asr_desktop.ui.item_models import Column, RecordTableModel, SearchProxy
from asr_desktop.ui.lock import (
    IDLE_SETTING,
    MAX_IDLE_MINUTES,
    MIN_IDLE_MINUTES,
    LockScreen,
    idle_minutes,
)
from asr_desktop.ui.parameters import COORDINATORS_ONLY
from asr_desktop.ui.parameters.account_dialogs import AccountDialog, PasswordDialog

#: Argon2id cost of the passwords set here (None: ``keyslots.DEFAULT_COST``; tests lower it).
PASSWORD_COST: Parameters | None = None
NO_PASSWORD = "aucun : ne peut pas se connecter"


def account_service(services: Services) -> AuthService:
    """The accounts service of the open base, for the signed-in user; an encrypted base's
    key slots follow every password set here."""
    database = services.database
    return AuthService(
        database.sessions,
        services.user_id,
        database_path=database.path if database.encrypted else None,
        database_key=database.key,
        cost=PASSWORD_COST,
    )


def account_columns(me: Callable[[], int | None], with_password: Callable[[], set[int]]):
    """Columns of the list; ``me`` and ``with_password`` are read at each refill."""

    def inactive(user: User) -> str | None:
        return None if user.active else "muted"

    def password_tone(user: User) -> str | None:
        return "warning" if user.active and user.id not in with_password() else inactive(user)

    return [
        Column("Identifiant", lambda u: u.login, tone=inactive, width=150),
        Column(
            "Nom affiché",
            lambda u: u.display_name + (" (vous)" if u.id == me() else ""),
            tone=inactive,
            width=230,
        ),
        Column("Rôle", lambda u: u.role, tone=inactive, width=120),
        Column("État", lambda u: "actif" if u.active else "désactivé", tone=inactive, width=100),
        Column(
            "Mot de passe",
            lambda u: "défini" if u.id in with_password() else NO_PASSWORD,
            tone=password_tone,
        ),
    ]


class AccountsView(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.me: User | None = None
        self.users: list[User] = []
        self._with_password: set[int] = set()
        self._build()
        self.new_button.clicked.connect(self.create_account)
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.change_button.clicked.connect(self.change_my_password)
        self.idle_spin.valueChanged.connect(self.set_idle_minutes)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.activated.connect(lambda _index: self.reset_password())

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.intro_label = QLabel(self)
        self.intro_label.setObjectName("accountsIntroLabel")
        self.intro_label.setWordWrap(True)
        layout.addWidget(self.intro_label)
        columns = account_columns(lambda: self._services.user_id, lambda: self._with_password)
        self.model: RecordTableModel[User] = RecordTableModel(columns, [], self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = common.record_view(self.proxy, "accountsTable", self)
        layout.addWidget(self.view, 1)

        tools = QHBoxLayout()
        self.new_button = self._button("&Nouveau compte…", "accountsNewButton", tools)
        self.reset_button = self._button(
            "&Réinitialiser le mot de passe…", "accountsResetButton", tools
        )
        self.active_button = self._button("&Désactiver", "accountsActiveButton", tools)
        tools.addStretch(1)
        self.change_button = self._button(
            "&Changer mon mot de passe…", "accountsChangePasswordButton", tools
        )
        layout.addLayout(tools)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("accountsResultLabel")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)

        group = QGroupBox("Verrouillage automatique de ce poste", self)
        row = QHBoxLayout(group)
        caption = QLabel("&Verrouiller la session après", group)
        self.idle_spin = QSpinBox(group)
        self.idle_spin.setObjectName("idleMinutesSpin")
        self.idle_spin.setRange(MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
        self.idle_spin.setSuffix(" min sans activité")
        self.idle_spin.setAccessibleName("Minutes sans activité avant le verrouillage")
        caption.setBuddy(self.idle_spin)
        note = QLabel(
            "Réglage de ce poste, pour toutes les bases : il s'applique tout de suite. "
            "Les données personnelles sont masquées jusqu'à la saisie du mot de passe.",
            group,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6368;")
        row.addWidget(caption)
        row.addWidget(self.idle_spin)
        row.addWidget(note, 1)
        layout.addWidget(group)

    def _button(self, text: str, name: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        row.addWidget(button)
        return button

    # --- data ---------------------------------------------------------------------------

    @property
    def manages_accounts(self) -> bool:
        """Whether the signed-in user is an active coordinator."""
        me = self.me
        return me is not None and me.active and me.role is UserRole.COORDINATOR

    def load(self) -> None:
        """Read the accounts and the idle time (when the tab is shown, after a change)."""
        users = self._services.users
        user_id = self._services.user_id
        try:
            self.me = users.get_user(user_id) if user_id is not None else None
        except DomainError:
            self.me = None
        self.users = users.list_users()
        self._with_password = users.with_password()
        self.model.set_rows(self.users)
        self._show_intro()
        self.idle_spin.blockSignals(True)
        self.idle_spin.setValue(idle_minutes(qt_support.user_settings()))
        self.idle_spin.blockSignals(False)
        self.change_button.setEnabled(self.me is not None)
        self.new_button.setEnabled(self.manages_accounts)
        self.new_button.setToolTip("" if self.manages_accounts else COORDINATORS_ONLY)
        self._selection_changed()

    def _show_intro(self) -> None:
        active = sum(1 for u in self.users if u.active)
        plural = "s" if active > 1 else ""
        counts = f"{format_int(active)} compte{plural} actif{plural}"
        if self.me is None:
            text = (
                f"{counts}. Personne n'est connecté à cette base : les comptes s'y gèrent une "
                "fois connecté avec un compte de coordinateur."
            )
        elif self.manages_accounts:
            text = (
                f"{counts}. Un compte désactivé ne peut plus se connecter ; ce qu'il a saisi "
                "et son historique au journal d'accès restent. Un compte sans mot de passe "
                "(base de démonstration) se connecte après « Réinitialiser le mot de passe »."
            )
        else:
            text = (
                f"{counts}. Seul un coordinateur crée les comptes, les désactive et donne un "
                "nouveau mot de passe à qui l'a oublié."
            )
        self.intro_label.setText(text)

    def selected_user(self) -> User | None:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.record_at(rows[0]) if rows else None

    def select(self, user_id: int) -> None:
        row = self.model.row_of(lambda u: u.id == user_id)
        if row >= 0:
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def _selection_changed(self, *_args) -> None:
        user = self.selected_user()
        manage = self.manages_accounts and user is not None
        mine = user is not None and user.id == self._services.user_id
        self.reset_button.setEnabled(manage and not mine)
        self.active_button.setText("Ré&activer" if user and not user.active else "&Désactiver")
        self.active_button.setEnabled(manage and not mine)
        for button in (self.reset_button, self.active_button):
            button.setToolTip("" if self.manages_accounts else COORDINATORS_ONLY)
        if manage and mine:
            self.reset_button.setToolTip("Pour votre compte : « Changer mon mot de passe… ».")
            self.active_button.setToolTip("Votre propre compte ne peut pas être désactivé.")

    def _reload(self, user_id: int | None, message: str) -> None:
        self.load()
        if user_id is not None:
            self.select(user_id)
        self.result_label.setText(message)
        common.changes().changed.emit("app_user")

    # --- actions ------------------------------------------------------------------------

    def create_account(self) -> User | None:
        dialog = AccountDialog(account_service(self._services), self)
        if not dialog.exec() or dialog.saved is None:
            return None
        user = dialog.saved
        self._reload(
            user.id,
            f"Compte « {user.login} » créé ({user.role.label.lower()}) : communiquez-lui son "
            "mot de passe initial de vive voix.",
        )
        return user

    def reset_password(self) -> bool:
        user = self.selected_user()
        if user is None or not self.manages_accounts:
            return False
        if user.id == self._services.user_id:  # one's own: with the current password
            return self.change_my_password()
        dialog = PasswordDialog(account_service(self._services), user, own=False, parent=self)
        if not dialog.exec() or not dialog.saved:
            return False
        self._reload(user.id, f"Nouveau mot de passe enregistré pour « {user.login} ».")
        return True

    def toggle_active(self) -> bool:
        user = self.selected_user()
        if user is None or not self.manages_accounts:
            return False
        if user.active:
            question = (
                f"Désactiver le compte de {user.display_name} (« {user.login} ») ?\n\n"
                "Il ne pourra plus se connecter ni ouvrir la base. Ce qu'il a saisi et son "
                "historique restent ; le compte peut être réactivé à tout moment."
            )
            if not common.confirm(self, "Désactiver un compte", question, "Désactiver"):
                return False
        try:
            changed = self._services.users.set_active(user.id, not user.active)
        except DomainError as error:
            common.show_error(self, error, "Changement impossible")
            return False
        state = "réactivé" if changed.active else "désactivé"
        self._reload(user.id, f"Compte « {user.login} » {state}.")
        return True

    def change_my_password(self) -> bool:
        if self.me is None:
            return False
        dialog = PasswordDialog(account_service(self._services), self.me, own=True, parent=self)
        if not dialog.exec() or not dialog.saved:
            return False
        self.result_label.setText(
            "Votre mot de passe est changé : utilisez-le à la prochaine ouverture et pour "
            "déverrouiller la session."
        )
        return True

    def set_idle_minutes(self, minutes: int) -> None:
        """Remember the idle time on this workstation and apply it to the open session."""
        settings = qt_support.user_settings()
        settings.setValue(IDLE_SETTING, minutes)
        settings.sync()
        lock = self.window().findChild(LockScreen)
        if lock is not None:
            lock.timer.setInterval(minutes * 60_000)  # restarts the running countdown
        self.result_label.setText(
            f"La session se verrouillera après {format_int(minutes)} minute"
            f"{'s' if minutes > 1 else ''} sans activité."
        )
