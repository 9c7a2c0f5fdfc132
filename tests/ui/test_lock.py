"""Automatic lock: after a short idle time the main window (and any open dialog) is covered,
nothing under the panel can be reached, and only the right password uncovers it."""

from __future__ import annotations

import pytest
from argon2 import profiles
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout

from asr_desktop.domain.errors import ValidationError
from asr_desktop.services.auth import AuthService
from asr_desktop.services.container import build_services
from asr_desktop.ui.lock import (
    DEFAULT_IDLE_MINUTES,
    IDLE_SETTING,
    LockPanel,
    LockScreen,
    idle_minutes,
)
from asr_desktop.ui.main_window import MainWindow

PASSWORD = "Vx7#kLm2qP!z"
CANARY = "CANARI-Dupont-Lefebvre"  # a name that must not be visible while locked


@pytest.fixture
def account(sessions):
    auth = AuthService(sessions, cost=profiles.CHEAPEST)
    user, _ = auth.create_first_user("coord", "Camille Coordination", PASSWORD)
    return AuthService(sessions, user.id, cost=profiles.CHEAPEST), user


@pytest.fixture
def window(qtbot, db, account):
    _auth, user = account
    main = MainWindow(build_services(db, user.id))
    qtbot.addWidget(main)
    label = QLabel(CANARY, main.ui.pageStack.currentWidget())  # stands for a personal field
    label.setObjectName("canaryLabel")
    main.resize(1000, 700)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def lock(window, account):
    auth, user = account
    screen = LockScreen(
        window,
        lambda password: auth.authenticate(user.login, password),
        user_text=f"Session de {user.display_name}",
        idle_ms=80,
        wait=lambda: auth.remaining_wait(user.login),
    ).install()
    yield screen
    screen.stop()


def _panel_covers(window, panel: LockPanel) -> bool:
    """Every sampled point of the window (menus, pages, status bar) belongs to the panel."""
    rect = window.rect()
    points = [QPoint(x, y) for x in (5, rect.width() // 2, rect.width() - 5)
              for y in (5, rect.height() // 2, rect.height() - 5)]  # fmt: skip
    for point in points:
        child = window.childAt(point)
        while child is not None and child is not panel:
            child = child.parentWidget()
        if child is not panel:
            return False
    return True


def _canary_visible(window) -> bool:
    """Whether the canary's text colour shows anywhere in a grab of the window."""
    label = window.findChild(QLabel, "canaryLabel")
    label.setStyleSheet("color: rgb(250, 0, 250);")
    image = window.grab().toImage()
    magenta = QColor(250, 0, 250).rgb()
    return any(
        image.pixel(x, y) == magenta
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    )


def test_idle_time_locks_and_hides_everything(qtbot, window, lock):
    assert _canary_visible(window)  # the check can see it when it is there
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)

    [panel] = lock.panels
    assert panel.geometry() == window.rect()
    assert _panel_covers(window, panel)
    assert not _canary_visible(window)
    assert not window.centralWidget().isEnabled()
    assert not window.menuBar().isEnabled()
    assert "Camille Coordination" in panel.findChild(QLabel, "lockUserLabel").text()


def test_shortcuts_do_nothing_while_locked(qtbot, window, lock):
    lock.lock()
    start = window.current_index
    qtbot.keyClick(lock.panels[0].password, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_index == start
    assert lock.is_locked


def test_a_wrong_password_keeps_it_locked_the_right_one_uncovers(qtbot, window, lock):
    lock.lock()
    panel = lock.panels[0]
    qtbot.keyClicks(panel.password, "Mauvais-Mot-De-Passe-1")
    qtbot.keyClick(panel.password, Qt.Key.Key_Return)
    assert lock.is_locked
    assert panel.error.text() == "Identifiant ou mot de passe incorrect."
    assert panel.password.text() == ""

    qtbot.keyClicks(panel.password, PASSWORD)
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)

    assert not lock.is_locked
    assert window.centralWidget().isEnabled() and window.menuBar().isEnabled()
    assert lock.timer.isActive()  # watching again
    assert _canary_visible(window)


def test_repeated_failures_show_a_countdown(qtbot, window, lock):
    lock.lock()
    panel = lock.panels[0]
    for attempt in range(5):
        panel.password.setText(f"Mauvais-{attempt}")
        panel.submit()
    assert panel.countdown.running
    assert not panel.button.isEnabled()
    panel.password.setText(PASSWORD)
    panel.submit()  # refused until the delay is over
    assert lock.is_locked


def test_input_starts_the_idle_time_again(qtbot, window):
    screen = LockScreen(window, lambda p: None, user_text="", idle_ms=60_000).install()
    try:
        screen.timer.stop()
        qtbot.keyClick(window.ui.navigationList, Qt.Key.Key_Shift)
        assert screen.timer.isActive()
        screen.timer.stop()
        screen._last_restart = 0.0  # past the throttle (two restarts a second at most)
        qtbot.mouseClick(window.ui.navigationList.viewport(), Qt.MouseButton.LeftButton)
        assert screen.timer.isActive()
        assert not screen.is_locked
    finally:
        screen.stop()


def test_an_open_dialog_is_covered_too_and_can_unlock(qtbot, window, lock):
    dialog = QDialog(window)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLineEdit(CANARY, dialog))
    dialog.resize(400, 200)
    dialog.show()
    qtbot.waitExposed(dialog)

    lock.lock()

    assert {p.parentWidget() for p in lock.panels} == {window, dialog}
    dialog_panel = next(p for p in lock.panels if p.parentWidget() is dialog)
    assert _panel_covers(dialog, dialog_panel)
    assert not dialog.findChild(QLineEdit).isEnabled()
    dialog_panel.password.setText(PASSWORD)
    dialog_panel.submit()
    assert not lock.is_locked
    assert dialog.isVisible() and dialog.findChild(QLineEdit).isEnabled()


def test_the_lock_menu_entry_locks_at_once(window, lock):
    assert lock.action in window.ui.menuFile.actions()
    lock.action.trigger()
    assert lock.is_locked


def test_idle_time_comes_from_the_settings(tmp_path):
    settings = QSettings(str(tmp_path / "asr.ini"), QSettings.Format.IniFormat)
    assert idle_minutes(None) == DEFAULT_IDLE_MINUTES == idle_minutes(settings)
    settings.setValue(IDLE_SETTING, 3)
    assert idle_minutes(settings) == 3
    settings.setValue(IDLE_SETTING, "jamais")
    assert idle_minutes(settings) == DEFAULT_IDLE_MINUTES
    settings.setValue(IDLE_SETTING, 0)
    assert idle_minutes(settings) == 1  # never switched off


def test_the_refusal_is_shown_in_its_own_words(qtbot, window):
    def broken(password):
        raise ValidationError("Ce compte est désactivé.", "login")

    screen = LockScreen(window, broken, user_text="", idle_ms=60_000)
    try:
        screen.lock()
        screen.panels[0].password.setText(PASSWORD)
        screen.panels[0].submit()
        assert screen.is_locked
        assert screen.panels[0].error.text() == "Ce compte est désactivé."
    finally:
        screen.stop()
