"""First-account, login and recovery dialogs, typed into and clicked as a user would, on real
encrypted files (cheap Argon2id)."""

from __future__ import annotations

import pytest
from argon2 import profiles
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from asr_desktop.domain.passwords import WRONG_CREDENTIALS
from asr_desktop.services import access
from asr_desktop.ui.first_user_dialog import FirstUserDialog
from asr_desktop.ui.login_dialog import LoginDialog, RecoveryDialog

CHEAP = profiles.CHEAPEST
PASSWORD = "Vx7#kLm2qP!z"
NEW_PASSWORD = "Hq4$wErT9u!Lp"


def _ok(dialog) -> None:
    dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.fixture
def base(tmp_path):
    """An encrypted base of « coord » (closed), and its recovery key."""
    path = tmp_path / "asr.db"
    opened, recovery = access.create_database(path, "coord", "Camille", PASSWORD, cost=CHEAP)
    opened.close()
    return path, recovery


def _first_user_dialog(qtbot, path):
    created = []

    def create(login, name, password):
        result = access.create_database(path, login, name, password, cost=CHEAP)
        created.append(result[0])
        return result

    dialog = FirstUserDialog(path, create)
    qtbot.addWidget(dialog)
    yield dialog
    for opened in created:
        opened.close()


@pytest.fixture
def first_user(qtbot, tmp_path):
    yield from _first_user_dialog(qtbot, tmp_path / "nouvelle.db")


# --- first account --------------------------------------------------------------------------


def test_password_rules_follow_what_is_typed(qtbot, first_user):
    ui = first_user.ui
    assert "CNIL 2022-100" in ui.rulesLabel.text()
    qtbot.keyClicks(ui.loginEdit, "coord")
    qtbot.keyClicks(ui.passwordEdit, "court1A")
    assert "compte 7 caractères" in ui.rulesLabel.text()
    assert "conforme" not in ui.rulesLabel.text()
    qtbot.keyClicks(ui.passwordEdit, "#xYz9!k")
    assert "Mot de passe conforme." in ui.rulesLabel.text()
    qtbot.keyClicks(ui.confirmEdit, "autre")
    assert "diffèrent" in ui.rulesLabel.text()


def test_first_account_creates_the_base_and_shows_the_recovery_key_once(
    qtbot, first_user, tmp_path, type_text
):
    ui = first_user.ui
    qtbot.keyClicks(ui.loginEdit, "coord")
    type_text(ui.displayNameEdit, "Hélène Coordination")
    qtbot.keyClicks(ui.passwordEdit, PASSWORD)
    qtbot.keyClicks(ui.confirmEdit, PASSWORD)
    _ok(first_user)

    assert ui.pages.currentWidget() is ui.keyPage
    key = ui.recoveryKeyEdit.text()
    assert key == first_user.recovery_key and len(key.replace("-", "")) == 32
    assert ui.passwordEdit.text() == ""  # the password does not stay in the form
    assert (tmp_path / "nouvelle.db").exists() and (tmp_path / "nouvelle.db.cles").exists()
    assert first_user.result_value.user.display_name == "Hélène Coordination"

    qtbot.mouseClick(ui.copyButton, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == key
    first_user.show()
    qtbot.keyClick(first_user, Qt.Key.Key_Escape)  # the key must be acknowledged first
    assert first_user.isVisible() and ui.pages.currentWidget() is ui.keyPage
    assert not ui.continueButton.isEnabled()
    ui.notedCheck.click()
    qtbot.mouseClick(ui.continueButton, Qt.MouseButton.LeftButton)
    assert first_user.result() == QDialog.DialogCode.Accepted


def test_a_weak_password_or_a_mismatch_is_shown_and_nothing_is_created(qtbot, first_user, tmp_path):
    ui = first_user.ui
    qtbot.keyClicks(ui.loginEdit, "coord")
    qtbot.keyClicks(ui.displayNameEdit, "Camille")
    qtbot.keyClicks(ui.passwordEdit, PASSWORD)
    qtbot.keyClicks(ui.confirmEdit, PASSWORD + "x")
    _ok(first_user)
    assert first_user.errors.shown == {
        "confirmation": "Les deux saisies du mot de passe diffèrent."
    }

    ui.passwordEdit.setText("azertyuiop12")
    ui.confirmEdit.setText("azertyuiop12")
    _ok(first_user)
    assert "azerty" in first_user.errors.shown["password"]
    assert ui.pages.currentWidget() is ui.formPage
    assert list(tmp_path.iterdir()) == []


# --- login ----------------------------------------------------------------------------------


@pytest.fixture
def login(qtbot, base):
    path, _recovery = base
    dialog = LoginDialog(
        path,
        lambda login, password: (login, access.unlock(path, login, password)),
        wait=lambda login: access.wait_before_next_try(path, login),
        recover=lambda key, login, password: access.recover(path, key, login, password, cost=CHEAP),
        recovery_wait=lambda: access.wait_before_next_try(path, None),
    )
    qtbot.addWidget(dialog)
    return dialog


def test_the_right_password_gives_the_key(qtbot, login, base):
    login.show()
    qtbot.keyClicks(login.ui.loginEdit, "Coord")
    qtbot.keyClicks(login.ui.passwordEdit, PASSWORD)
    qtbot.keyClick(login.ui.passwordEdit, Qt.Key.Key_Return)
    assert login.result() == QDialog.DialogCode.Accepted
    who, key = login.result_value
    assert who == "Coord" and len(key) == 32


def test_wrong_passwords_then_a_countdown_and_the_file_unchanged(qtbot, login, base):
    path, _recovery = base
    before = path.read_bytes()
    qtbot.keyClicks(login.ui.loginEdit, "coord")
    for attempt in range(5):
        assert not login.countdown.running, attempt
        qtbot.keyClicks(login.ui.passwordEdit, f"Mauvais-{attempt}")
        _ok(login)
        assert login.errors.shown["password"] == WRONG_CREDENTIALS
        assert login.ui.passwordEdit.text() == ""
    assert login.countdown.running
    assert login.ui.delayLabel.isVisibleTo(login)
    assert "nouvel essai possible dans 30\u00a0s" in login.ui.delayLabel.text()
    assert not login.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    qtbot.keyClicks(login.ui.passwordEdit, PASSWORD)
    login.submit()  # Entrée during the countdown does nothing
    assert login.result_value is None
    assert path.read_bytes() == before


def test_no_recovery_button_without_a_recovery_key(qtbot, tmp_path):
    dialog = LoginDialog(tmp_path / "claire.db", lambda login, password: None)
    qtbot.addWidget(dialog)
    assert not dialog.ui.recoveryButton.isVisibleTo(dialog)


# --- recovery key ---------------------------------------------------------------------------


def test_the_recovery_key_sets_a_new_password(qtbot, base):
    path, recovery = base
    dialog = RecoveryDialog(
        lambda key, login, password: access.recover(path, key, login, password, cost=CHEAP),
        login="coord",
    )
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.ui.recoveryKeyEdit, recovery.replace("-", " ").lower())
    qtbot.keyClicks(dialog.ui.passwordEdit, NEW_PASSWORD)
    qtbot.keyClicks(dialog.ui.confirmEdit, NEW_PASSWORD)
    _ok(dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    opened = dialog.result_value
    try:
        assert opened.user.login == "coord"
    finally:
        opened.close()
    assert len(access.unlock(path, "coord", NEW_PASSWORD)) == 32
    with pytest.raises(Exception, match="incorrect"):
        access.unlock(path, "coord", PASSWORD)


def test_a_wrong_recovery_key_is_shown_on_its_field(qtbot, base):
    path, _recovery = base
    before = path.read_bytes()
    dialog = RecoveryDialog(
        lambda key, login, password: access.recover(path, key, login, password, cost=CHEAP)
    )
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.ui.recoveryKeyEdit, "AAAA-" * 7 + "AAAA")
    qtbot.keyClicks(dialog.ui.loginEdit, "coord")
    qtbot.keyClicks(dialog.ui.passwordEdit, NEW_PASSWORD)
    qtbot.keyClicks(dialog.ui.confirmEdit, NEW_PASSWORD)
    _ok(dialog)
    assert dialog.errors.shown == {"recovery_key": "Clé de secours incorrecte."}
    assert dialog.result_value is None
    assert path.read_bytes() == before


def test_the_login_dialog_opens_the_recovery_dialog(qtbot, login, monkeypatch):
    def recovered(dialog):
        dialog.result_value = "ouverte avec la clé de secours"
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RecoveryDialog, "exec", recovered)
    qtbot.mouseClick(login.ui.recoveryButton, Qt.MouseButton.LeftButton)
    assert login.recovered == "ouverte avec la clé de secours"
    assert login.result() == QDialog.DialogCode.Accepted


# --- plain base with accounts -----------------------------------------------------------------


def test_a_plain_base_with_accounts_signs_in_through_the_same_dialog(qtbot, db, sessions):
    from asr_desktop.services.auth import AuthService

    AuthService(sessions, cost=CHEAP).create_first_user("coord", "Camille", PASSWORD)
    opened = access.open_plain(db.path, cost=CHEAP)
    try:
        assert opened.needs_sign_in
        dialog = LoginDialog(
            db.path,
            lambda login, password: access.sign_in(opened, login, password),
            wait=opened.auth.remaining_wait,
        )
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.ui.loginEdit, "coord")
        qtbot.keyClicks(dialog.ui.passwordEdit, PASSWORD)
        _ok(dialog)
        assert dialog.result_value.user.login == "coord"
        assert dialog.result_value.services.user_id == dialog.result_value.user.id
    finally:
        opened.close()
