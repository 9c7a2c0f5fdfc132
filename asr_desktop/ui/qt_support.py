"""Qt plumbing of the start-up: French locale and Qt's own French translations, the settings
file, the crash hook with its French dialog, message boxes and a progress dialog.

``app.py`` calls these; pages and dialogs use :func:`warn`, which tests can replace.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, Qt, QTranslator
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from asr_desktop import APPLICATION_NAME, ORGANISATION_NAME
from asr_desktop.domain.errors import DomainError

log = logging.getLogger(__name__)

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)


def install_french(app: QCoreApplication) -> bool:
    """French number/date conventions everywhere, and Qt's ``qtbase_fr`` translations so that
    standard buttons and dialogs read « Annuler », « Oui »… Returns whether they were found."""
    QLocale.setDefault(FRENCH)
    directory = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)  # parented: lives as long as the application
    if translator.load(FRENCH, "qtbase", "_", directory):
        app.installTranslator(translator)
        return True
    log.warning("traductions qtbase_fr introuvables dans %s", directory)
    return False


def fonts_available() -> bool:
    """False when fontconfig found no font at all: every label would be drawn as boxes."""
    return bool(QFontDatabase.families())


def user_settings() -> QSettings:
    """The user's settings as an INI file (readable and resettable by support), not the
    Windows registry: ``~/.config/PCI-GPSEA/ASR Desktop.ini``, ``%APPDATA%\\PCI-GPSEA\\…``."""
    return QSettings(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        ORGANISATION_NAME,
        APPLICATION_NAME,
    )


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """A French warning box (tests replace this function to keep running)."""
    QMessageBox.warning(parent, title, text)


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """A French information box (tests replace this function to keep running)."""
    QMessageBox.information(parent, title, text)


class CrashReporter:
    """``sys.excepthook``: logs every uncaught exception with its traceback and, when
    ``interactive``, shows one French dialog; ``count`` says how many occurred."""

    def __init__(self, log_dir: Path, interactive: bool = True):
        self.log_dir = log_dir
        self.interactive = interactive
        self.count = 0
        self._showing = False

    def install(self) -> None:
        sys.excepthook = self

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.count += 1
        log.critical("erreur inattendue (%s)", exc_type.__name__, exc_info=(exc_type, exc, tb))
        if not self.interactive or QApplication.instance() is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        if self._showing:  # an error inside the dialog itself: logged, not shown again
            return
        self._showing = True
        try:
            if isinstance(exc, DomainError):  # an expected error nobody caught: its own words
                warn(QApplication.activeWindow(), APPLICATION_NAME, str(exc))
            else:
                self._show(traceback.format_exception(exc_type, exc, tb))
        finally:
            self._showing = False

    def _show(self, lines: list[str]) -> None:
        box = QMessageBox(QApplication.activeWindow())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Erreur inattendue")
        box.setText(
            "Une erreur inattendue s'est produite. Le programme continue, mais l'action en cours "
            "n'a peut-être pas abouti : vérifiez-la. Si l'erreur se reproduit, transmettez le "
            "journal à la personne qui assure le support."
        )
        box.setInformativeText(f"Dossier des journaux : {self.log_dir}")
        detail = "".join(lines)
        box.setDetailedText(detail)
        copy = box.addButton("Copier le détail", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is copy:
            QGuiApplication.clipboard().setText(detail)


class DialogProgress:
    """The ``Progress`` of a service (``progress(done, total, text)`` + ``cancelled``) shown in
    a modal progress dialog with an « Annuler » button, for work done before the window."""

    def __init__(self, label: str, parent: QWidget | None = None):
        self._label = label
        self.dialog = QProgressDialog(label, "Annuler", 0, 100, parent)
        self.dialog.setWindowTitle(APPLICATION_NAME)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.setMinimumDuration(400)
        self.dialog.setMinimumWidth(420)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)

    @property
    def cancelled(self) -> bool:
        return self.dialog.wasCanceled()

    def __call__(self, done: int, total: int, text: str = "") -> None:
        total = max(total, 1)
        self.dialog.setMaximum(total)
        self.dialog.setValue(min(max(done, 0), total))
        if text:
            self.dialog.setLabelText(f"{self._label}\n{text}")
        QCoreApplication.processEvents()

    def close(self) -> None:
        self.dialog.close()
        self.dialog.deleteLater()
