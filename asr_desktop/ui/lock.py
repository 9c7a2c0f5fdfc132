"""Automatic lock: after a while without keyboard or mouse input, every open window of the
program is covered by an opaque panel asking for the password; nothing under it can be read,
clicked or reached with the keyboard until the right password is typed.

``LockScreen`` is installed by ``app.py`` on the main window (an event filter on the whole
``QApplication`` watches the input). The idle time is a user preference
(``securite/verrouillage_minutes`` in the settings file, 10 minutes by default); « Fichier →
Verrouiller » (Ctrl+L) locks at once. Checking the password is the caller's business:
``unlock(password)`` returns or raises ``ValidationError``/``LoginDelayed`` (the growing
delay is then shown as a countdown).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from time import monotonic

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.passwords import LoginDelayed
from asr_desktop.ui.login_dialog import Countdown

log = logging.getLogger(__name__)

IDLE_SETTING = "securite/verrouillage_minutes"
DEFAULT_IDLE_MINUTES = 10
MIN_IDLE_MINUTES, MAX_IDLE_MINUTES = 1, 240
APP_ICON = ":/icons/asr-desktop.svg"
#: Input that counts as activity (and that is refused, while locked, outside the panel).
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.ContextMenu,
    }
)
_SHORTCUTS = frozenset({QEvent.Type.Shortcut, QEvent.Type.ShortcutOverride})
_RESTART_EVERY_S = 0.5  # activity restarts the idle timer at most twice a second


def idle_minutes(settings: QSettings | None) -> int:
    """The idle time before the lock, from the user's settings (10 min by default)."""
    if settings is None:
        return DEFAULT_IDLE_MINUTES
    try:
        minutes = int(settings.value(IDLE_SETTING, DEFAULT_IDLE_MINUTES))
    except (TypeError, ValueError):
        return DEFAULT_IDLE_MINUTES
    return min(MAX_IDLE_MINUTES, max(MIN_IDLE_MINUTES, minutes))


class LockPanel(QWidget):
    """The opaque panel over one window: who is signed in, the password, « Déverrouiller »."""

    def __init__(self, window: QWidget, user_text: str, lock_screen: LockScreen):
        super().__init__(window)
        self.setObjectName("lockPanel")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QWidget#lockPanel { background: palette(window); }")
        self._lock_screen = lock_screen
        icon = QLabel(self)
        icon.setPixmap(QIcon(APP_ICON).pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("ASR Desktop est verrouillé", self)
        title.setObjectName("lockTitle")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        who = QLabel(user_text, self)
        who.setObjectName("lockUserLabel")
        who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("Saisissez votre mot de passe pour reprendre le travail.", self)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit(self)
        self.password.setObjectName("lockPasswordEdit")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Mot de passe")
        self.password.setAccessibleName("Mot de passe")
        self.password.setMinimumWidth(260)
        self.button = QPushButton("Déverrouiller", self)
        self.button.setObjectName("unlockButton")
        self.button.setDefault(True)
        self.error = QLabel("", self)
        self.error.setObjectName("lockErrorLabel")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.hide()
        delay = QLabel("", self)
        delay.setStyleSheet("color: #9a4a00; font-weight: 600;")
        delay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = Countdown(delay, self.button, self)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.password)
        row.addWidget(self.button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (icon, title, who, hint):
            layout.addWidget(widget)
        layout.addSpacing(10)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(delay)
        layout.addStretch(3)
        self.password.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)
        window.installEventFilter(self)
        self.setGeometry(window.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
        return False

    def submit(self) -> None:
        if self.countdown.running:
            return
        self._lock_screen.try_unlock(self, self.password.text())

    def refused(self, error: ValidationError) -> None:
        self.password.clear()
        if isinstance(error, LoginDelayed):
            self.countdown.start(error.remaining)
            return
        self.error.setText(error.message)
        self.error.show()
        self.countdown.start(self._lock_screen.wait())
        self.password.setFocus()


class LockScreen(QObject):
    """Locks ``window`` (and every other window of the program shown at that moment) after
    ``idle_ms`` without input. ``unlock(password)`` checks the password; ``wait()`` gives the
    delay still running after failures."""

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QMainWindow,
        unlock: Callable[[str], object],
        *,
        user_text: str,
        idle_ms: int,
        wait: Callable[[], timedelta] | None = None,
    ):
        super().__init__(window)
        self._window = window
        self._unlock = unlock
        self._wait = wait
        self.user_text = user_text
        self.panels: list[LockPanel] = []
        self._disabled: list[QWidget] = []
        self._last_restart = 0.0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, idle_ms))
        self._restart_every = min(_RESTART_EVERY_S, idle_ms / 4000)
        self.timer.timeout.connect(self.lock)
        self.action = QAction(QIcon(APP_ICON), "&Verrouiller", window)
        self.action.setObjectName("actionLock")
        self.action.setShortcut(QKeySequence("Ctrl+L"))
        self.action.setStatusTip("Masquer les données et demander le mot de passe pour reprendre")
        self.action.triggered.connect(self.lock)
        window.addAction(self.action)
        self._add_to_menu(window)

    def _add_to_menu(self, window: QMainWindow) -> None:
        ui = getattr(window, "ui", None)
        menu, quit_action = getattr(ui, "menuFile", None), getattr(ui, "actionQuit", None)
        if menu is None:
            return
        if quit_action is not None and quit_action in menu.actions():
            menu.insertAction(quit_action, self.action)
            menu.insertSeparator(quit_action)
        else:
            menu.addAction(self.action)

    # --- watching --------------------------------------------------------------------------

    def install(self) -> LockScreen:
        QApplication.instance().installEventFilter(self)
        self.timer.start()
        self._window.destroyed.connect(self.stop)
        return self

    def stop(self) -> None:
        """Stop watching (the window is replaced or closed)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.timer.stop()

    @property
    def is_locked(self) -> bool:
        return bool(self.panels)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if self.panels:
            if kind in _SHORTCUTS or (kind in INPUT_EVENTS and isinstance(watched, QWidget)):
                return not self._in_panel(watched)  # (a QWindow passes input on to a widget)
            if kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
                QTimer.singleShot(0, self._cover_all)  # a window opened while locked
            return False
        if kind in INPUT_EVENTS:
            now = monotonic()
            if now - self._last_restart >= self._restart_every:
                self._last_restart = now
                self.timer.start()
        return False

    def _in_panel(self, watched: QObject) -> bool:
        node = watched
        while node is not None:
            if isinstance(node, LockPanel):
                return True
            node = node.parent()
        return False

    # --- locking ---------------------------------------------------------------------------

    def lock(self) -> None:
        if self.panels:
            return
        self.timer.stop()
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()  # an open menu or list would stay above the panel
        self._cover_all()
        log.info("session verrouillée")
        self.locked.emit()

    def _windows(self) -> list[QWidget]:
        windows = [self._window]
        for widget in QApplication.topLevelWidgets():
            if widget is self._window or not widget.isVisible() or not widget.isWindow():
                continue
            if widget.windowType() not in (Qt.WindowType.ToolTip, Qt.WindowType.Popup):
                windows.append(widget)
        return windows

    def _cover_all(self) -> None:
        covered = {panel.parentWidget() for panel in self.panels}
        for window in self._windows():
            if window in covered:
                continue
            direct = Qt.FindChildOption.FindDirectChildrenOnly
            for child in window.findChildren(QWidget, options=direct):
                if child.isWindow() or isinstance(child, LockPanel) or not child.isEnabled():
                    continue
                child.setEnabled(False)  # no focus, no shortcut under the panel
                self._disabled.append(child)
            panel = LockPanel(window, self.user_text, self)
            panel.show()
            panel.raise_()
            self.panels.append(panel)
        focus = self._panel_of(QApplication.activeModalWidget() or QApplication.activeWindow())
        (focus or self.panels[0]).password.setFocus()

    def _panel_of(self, window: QWidget | None) -> LockPanel | None:
        return next((p for p in self.panels if p.parentWidget() is window), None)

    def wait(self) -> timedelta:
        return self._wait() if self._wait is not None else timedelta(0)

    def try_unlock(self, panel: LockPanel, password: str) -> bool:
        try:
            self._unlock(password)
        except ValidationError as error:
            log.info("déverrouillage refusé")
            panel.refused(error)
            return False
        self._uncover()
        return True

    def _uncover(self) -> None:
        for panel in self.panels:
            with contextlib.suppress(RuntimeError):  # its window was closed meanwhile
                panel.password.clear()
                panel.hide()
                panel.deleteLater()
        self.panels = []
        for widget in self._disabled:
            with contextlib.suppress(RuntimeError):
                widget.setEnabled(True)
        self._disabled = []
        self._last_restart = monotonic()
        self.timer.start()
        log.info("session déverrouillée")
        self.unlocked.emit()
