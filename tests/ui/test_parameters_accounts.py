"""Paramètres → Comptes: a coordinator creates accounts, gives a new password, deactivates and
reactivates; everyone changes their own password and the idle time before the lock; an
adviser sees the list read-only, and cannot anonymise nor purge the journal either."""

from __future__ import annotations

import pytest
from argon2 import profiles
from faker import Faker
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMainWindow

from asr_desktop.domain.enums import UserRole
from asr_desktop.services.auth import AuthService
from asr_desktop.services.container import build_services
from asr_desktop.ui import qt_support
from asr_desktop.ui.lock import IDLE_SETTING, LockScreen
from asr_desktop.ui.pages.parameters import ParametersPage
from asr_desktop.ui.parameters import COORDINATORS_ONLY, accounts_view
from asr_desktop.ui.parameters.account_dialogs import (
    WRONG_OLD_PASSWORD,
    AccountDialog,
    PasswordDialog,
)
from asr_desktop.ui.parameters.accounts_view import NO_PASSWORD, AccountsView

fake = Faker("fr_FR")
PASSWORD = "Vx7#kLm2qP!z"
NEW_PASSWORD = "Rq9!hTw4eZ#p"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def settings(tmp_path, monkeypatch):
    ini = QSettings(str(tmp_path / "asr.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(qt_support, "user_settings", lambda: ini)
    monkeypatch.setattr(accounts_view, "PASSWORD_COST", profiles.CHEAPEST)
    return ini


@pytest.fixture
def people(db):
    auth = AuthService(db.sessions, cost=profiles.CHEAPEST)
    coordinator, _key = auth.create_first_user("coord", "Camille Coordination", PASSWORD)
    auth = AuthService(db.sessions, coordinator.id, cost=profiles.CHEAPEST)
    adviser = auth.create_user("conseil", fake.name(), PASSWORD, UserRole.ADVISER)
    return {"coordinator": coordinator, "adviser": adviser}


def opened_view(qtbot, db, user_id) -> AccountsView:
    view = AccountsView(build_services(db, user_id))
    qtbot.addWidget(view)
    view.load()
    return view


def row_texts(view: AccountsView) -> dict[str, list[str]]:
    model = view.proxy
    return {
        model.index(row, 0).data(): [model.index(row, c).data() for c in range(1, 5)]
        for row in range(model.rowCount())
    }


def select(view: AccountsView, login: str) -> None:
    view.select(next(u.id for u in view.users if u.login == login))


def dialog_answers(monkeypatch, dialog_class, fill):
    """``dialog.exec()`` fills the dialog as a user would, clicks OK, returns the result."""

    def run(dialog):
        fill(dialog)
        dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
        return dialog.result()

    monkeypatch.setattr(dialog_class, "exec", run)


def signs_in(db, login: str, password: str) -> bool:
    try:
        AuthService(db.sessions, cost=profiles.CHEAPEST).authenticate(login, password)
    except Exception:
        return False
    return True


def test_the_accounts_are_listed_with_who_can_sign_in(qtbot, qtmodeltester, db, people, settings):
    db_users = build_services(db).users
    db_users.create_user("ancien", "Ancien Compte")  # no password: a demonstration account
    view = opened_view(qtbot, db, people["coordinator"].id)

    qtmodeltester.check(view.model)
    rows = row_texts(view)
    assert rows["coord"] == ["Camille Coordination (vous)", "Coordinateur", "actif", "défini"]
    assert rows["conseil"][1:] == ["Conseiller", "actif", "défini"]
    assert rows["ancien"][3] == NO_PASSWORD
    assert view.intro_label.text().startswith("3 comptes actifs")


def test_a_coordinator_creates_an_account_with_the_rules_shown_live(
    qtbot, db, people, settings, monkeypatch, type_text
):
    seen: dict[str, str] = {}

    def fill(dialog: AccountDialog):
        type_text(dialog.ui.loginEdit, "h.lefevre")
        type_text(dialog.ui.displayNameEdit, "Hélène Lefèvre")
        dialog.ui.roleCombo.setCurrentIndex(dialog.ui.roleCombo.findData(UserRole.COORDINATOR))
        type_text(dialog.ui.passwordEdit, "court")
        seen["rules"] = dialog.ui.rulesLabel.text()
        dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()  # mismatch
        seen["mismatch"] = dialog.errors.shown.get("confirmation", "")
        type_text(dialog.ui.confirmEdit, "court")
        dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()  # too weak
        seen["weak"] = dialog.errors.shown.get("password", "")
        assert dialog.saved is None  # refused: the dialog stays open
        dialog.ui.passwordEdit.clear()
        dialog.ui.confirmEdit.clear()
        type_text(dialog.ui.passwordEdit, NEW_PASSWORD)
        type_text(dialog.ui.confirmEdit, NEW_PASSWORD)
        seen["good"] = dialog.ui.rulesLabel.text()

    dialog_answers(monkeypatch, AccountDialog, fill)
    view = opened_view(qtbot, db, people["coordinator"].id)

    qtbot.mouseClick(view.new_button, LEFT)

    assert "CNIL 2022-100" in seen["rules"] and "5 caractères" in seen["rules"]
    assert "diffèrent" in seen["mismatch"]
    assert "12 caractères" in seen["weak"]
    assert "conforme" in seen["good"]
    created = build_services(db).users.find_by_login("h.lefevre")
    assert created.display_name == "Hélène Lefèvre" and created.role is UserRole.COORDINATOR
    assert signs_in(db, "h.lefevre", NEW_PASSWORD)
    assert view.selected_user().login == "h.lefevre"
    assert "h.lefevre" in view.result_label.text()


def test_a_coordinator_gives_a_new_password(qtbot, db, people, settings, monkeypatch, type_text):
    def fill(dialog: PasswordDialog):
        assert not dialog.ui.oldPasswordEdit.isVisibleTo(dialog)
        type_text(dialog.ui.passwordEdit, NEW_PASSWORD)
        type_text(dialog.ui.confirmEdit, NEW_PASSWORD)

    dialog_answers(monkeypatch, PasswordDialog, fill)
    view = opened_view(qtbot, db, people["coordinator"].id)
    select(view, "conseil")

    qtbot.mouseClick(view.reset_button, LEFT)

    assert signs_in(db, "conseil", NEW_PASSWORD)
    assert not signs_in(db, "conseil", PASSWORD)


def test_deactivating_asks_first_and_never_applies_to_oneself(
    qtbot, db, people, settings, messages
):
    view = opened_view(qtbot, db, people["coordinator"].id)
    select(view, "coord")
    assert not view.active_button.isEnabled() and not view.reset_button.isEnabled()
    select(view, "conseil")
    assert view.active_button.text() == "&Désactiver"

    messages.answer = False
    qtbot.mouseClick(view.active_button, LEFT)
    assert build_services(db).users.find_by_login("conseil").active is True

    messages.answer = True
    qtbot.mouseClick(view.active_button, LEFT)
    assert "ne pourra plus se connecter" in messages.questions[-1][1]
    assert build_services(db).users.find_by_login("conseil").active is False
    assert row_texts(view)["conseil"][2] == "désactivé"
    assert view.active_button.text() == "Ré&activer"

    qtbot.mouseClick(view.active_button, LEFT)
    assert build_services(db).users.find_by_login("conseil").active is True


def test_everyone_changes_their_own_password_with_the_current_one(
    qtbot, db, people, settings, monkeypatch, type_text
):
    errors: list[str] = []

    def fill(dialog: PasswordDialog):
        type_text(dialog.ui.oldPasswordEdit, "pas le bon")
        type_text(dialog.ui.passwordEdit, NEW_PASSWORD)
        type_text(dialog.ui.confirmEdit, NEW_PASSWORD)
        dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
        errors.append(dialog.errors.shown.get("old_password", ""))
        assert dialog.ui.passwordEdit.text() == NEW_PASSWORD  # nothing typed is lost
        dialog.ui.oldPasswordEdit.clear()
        type_text(dialog.ui.oldPasswordEdit, PASSWORD)

    dialog_answers(monkeypatch, PasswordDialog, fill)
    view = opened_view(qtbot, db, people["adviser"].id)

    qtbot.mouseClick(view.change_button, LEFT)

    assert errors == [WRONG_OLD_PASSWORD]
    assert signs_in(db, "conseil", NEW_PASSWORD)
    assert "Votre mot de passe est changé" in view.result_label.text()


def test_an_adviser_sees_the_accounts_read_only(qtbot, db, people, settings):
    view = opened_view(qtbot, db, people["adviser"].id)
    select(view, "coord")
    assert view.model.rowCount() == 2
    assert not view.new_button.isEnabled()
    assert not view.reset_button.isEnabled() and not view.active_button.isEnabled()
    assert view.change_button.isEnabled()
    assert view.reset_password() is False and view.toggle_active() is False
    assert "Seul un coordinateur" in view.intro_label.text()


def test_an_adviser_cannot_anonymise_nor_purge_from_parametres(qtbot, db, people, settings):
    page = ParametersPage(build_services(db, people["adviser"].id))
    qtbot.addWidget(page)
    page.show_tab(ParametersPage.AUDIT_TAB)
    page.show_tab(ParametersPage.RETENTION_TAB)
    assert not page.audit_view.purge_button.isEnabled()
    assert page.retention_view.allowed is False
    assert page.retention_view.anonymise_button.toolTip() == COORDINATORS_ONLY

    coordinator_page = ParametersPage(build_services(db, people["coordinator"].id))
    qtbot.addWidget(coordinator_page)
    coordinator_page.show_tab(ParametersPage.RETENTION_TAB)
    assert coordinator_page.audit_view.purge_button.isEnabled()
    assert coordinator_page.retention_view.allowed is True


def test_the_idle_time_is_remembered_and_applies_at_once(qtbot, db, people, settings):
    window = QMainWindow()
    qtbot.addWidget(window)
    lock = LockScreen(window, lambda password: None, user_text="", idle_ms=600_000)
    view = AccountsView(build_services(db, people["adviser"].id))
    window.setCentralWidget(view)
    view.load()
    assert view.idle_spin.value() == 10  # the default

    view.idle_spin.setValue(25)

    assert int(settings.value(IDLE_SETTING)) == 25
    assert lock.timer.interval() == 25 * 60_000
    assert "25 minutes" in view.result_label.text()
    view.load()
    assert view.idle_spin.value() == 25
