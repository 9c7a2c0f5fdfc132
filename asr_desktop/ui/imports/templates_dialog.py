"""« Préparer les relevés du mois… »: a month, a folder, then one XLSX statement template per
company with placements active that month (named by SIRET), listed once written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import format_month
from asr_desktop.ui import common
from asr_desktop.ui.imports.access import transfer_service


class PrepareTemplatesDialog(QDialog):
    """``PrepareTemplatesDialog(services, parent)``; ``prepare()`` writes the files (what
    « Préparer » does) and ``written`` lists them."""

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("prepareTemplatesDialog")
        self.setWindowTitle("Préparer les relevés du mois")
        self.resize(620, 420)
        self._transfer = transfer_service(services)
        self.written: list[Path] = []
        today = common.today()
        self.month_edit = QDateEdit(QDate(today.year, today.month, 1), self)
        self.month_edit.setObjectName("monthEdit")
        self.month_edit.setDisplayFormat("MM/yyyy")
        self.month_edit.setCalendarPopup(True)
        self.folder_edit = QLineEdit(self)
        self.folder_edit.setObjectName("folderEdit")
        self.folder_edit.setPlaceholderText("Dossier où écrire les fichiers")
        browse = QPushButton("Choisir…", self)
        browse.setObjectName("browseButton")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Mois :", self.month_edit)
        form.addRow("Dossier :", folder_row)
        self.status = QLabel(
            "Un fichier par entreprise ayant des salariés en insertion ce mois-là, nommé "
            "d'après son SIRET.",
            self,
        )
        self.status.setObjectName("statusLabel")
        self.status.setWordWrap(True)
        self.files = QListWidget(self)
        self.files.setObjectName("filesList")
        buttons = QDialogButtonBox(self)
        self.prepare_button = buttons.addButton("Préparer", QDialogButtonBox.ButtonRole.ActionRole)
        self.prepare_button.setObjectName("prepareButton")
        close = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        self.prepare_button.clicked.connect(self.prepare)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.files, 1)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Dossier des relevés")
        if folder:
            self.folder_edit.setText(folder)

    def month(self) -> date:
        chosen = self.month_edit.date()
        return date(chosen.year(), chosen.month(), 1)

    def prepare(self) -> list[Path]:
        folder = self.folder_edit.text().strip()
        if not folder:
            common.show_error(self, DomainError("Choisissez le dossier où écrire les relevés."))
            return []
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.written = self._transfer.write_month_templates(self.month(), Path(folder))
        except DomainError as error:
            common.show_error(self, error)
            return []
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.files.clear()
        self.files.addItems([path.name for path in self.written])
        self.status.setText(
            f"{len(self.written)} relevés écrits pour {format_month(self.month())} dans {folder}."
        )
        return self.written
