"""« Importer un relevé d'heures… »: choose a file, see every row with its status (rejected
rows with their line, column and reason), then « Importer » writes in one transaction or
« Annuler » writes nothing. Strict by default: with rejected rows, « Importer » stays
disabled unless « Importer seulement les lignes valides » is ticked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import format_hours, format_month
from asr_desktop.services.transfer import ImportPreview, ImportReport, RowStatus, StatementRow
from asr_desktop.ui import common, qt_support
from asr_desktop.ui.imports.access import transfer_service
from asr_desktop.ui.item_models import Column, RecordTableModel, SearchProxy

STATEMENT_FILTER = "Relevés d'heures (*.xlsx *.xlsm *.csv *.txt);;Tous les fichiers (*)"
_TONES = {
    RowStatus.NEW: "success",
    RowStatus.SAME: "muted",
    RowStatus.CORRECTION: "warning",
    RowStatus.REJECTED: "error",
}


def _hours(value) -> str:
    return "" if value is None else format_hours(value)


def _tone(row: StatementRow) -> str:
    return _TONES[row.status]


PREVIEW_COLUMNS: tuple[Column[StatementRow], ...] = (
    Column("Ligne", lambda r: r.line, align="right", width=50, tone=_tone),
    Column("Statut", lambda r: r.status, sort=lambda r: r.status.label, width=100, tone=_tone),
    Column("Identifiant", lambda r: r.reference, width=78),
    Column("Personne", lambda r: r.person, width=135),
    Column("Lot", lambda r: r.lot, width=150),
    Column("Mois", lambda r: r.month, text=lambda m: format_month(m) if m else "", width=80),
    Column("Travaillées", lambda r: r.worked, text=_hours, align="right", width=80),
    Column("Formation", lambda r: r.training, text=_hours, align="right", width=72),
    Column("Colonne", lambda r: r.column, width=125, tone=_tone),
    Column("Motif ou remarque", lambda r: r.reason, width=420, tone=_tone),
)


def preview_model(parent=None) -> RecordTableModel[StatementRow]:
    return RecordTableModel(PREVIEW_COLUMNS, parent=parent)


def summary_text(preview: ImportPreview) -> str:
    s = preview.summary
    if preview.file_problem:
        return f"Fichier refusé : {preview.file_problem}"
    counts = " · ".join(f"{status.label} : {s.count(status)}" for status in RowStatus)
    ignored = f" ({s.skipped} ignorées : vides, totaux ou sans heures)" if s.skipped else ""
    return f"{len(preview.rows)} lignes lues{ignored} — {counts}"


class ImportWizard(QDialog):
    """``ImportWizard(services, parent)``; ``load(path)`` shows a file's preview (what
    « Choisir un fichier… » does); ``report`` holds what « Importer » wrote."""

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle("Importer un relevé d'heures")
        self.resize(1320, 640)
        self._transfer = transfer_service(services)
        self.preview: ImportPreview | None = None
        self.report: ImportReport | None = None

        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("pathEdit")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("Aucun fichier choisi (XLSX ou CSV)")
        self.choose_button = QPushButton("Choisir un fichier…", self)
        self.choose_button.setObjectName("chooseButton")
        self.choose_button.clicked.connect(self._choose)
        self.summary = QLabel(
            "Choisissez le relevé envoyé par l'entreprise : rien n'est enregistré avant "
            "« Importer ».",
            self,
        )
        self.summary.setObjectName("summaryLabel")
        self.summary.setWordWrap(True)
        self.only_rejected = QCheckBox("Afficher seulement les lignes rejetées", self)
        self.only_rejected.setObjectName("onlyRejectedCheck")
        self.only_rejected.toggled.connect(self._filter)
        self.model = preview_model(self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = common.record_view(self.proxy, "importPreviewView", self)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.skip_invalid = QCheckBox(
            "Importer seulement les lignes valides (les lignes rejetées sont ignorées)", self
        )
        self.skip_invalid.setObjectName("skipInvalidCheck")
        self.skip_invalid.setEnabled(False)
        self.skip_invalid.toggled.connect(self._update_buttons)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            "Importer", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("importButton")
        self.cancel_button = self.buttons.addButton(
            "Annuler", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setObjectName("cancelButton")
        self.import_button.clicked.connect(self._import)
        self.cancel_button.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel("Fichier :", self))
        top.addWidget(self.path_edit, 1)
        top.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.only_rejected)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.skip_invalid)
        layout.addWidget(self.buttons)
        self._update_buttons()

    # --- steps --------------------------------------------------------------------------

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choisir un relevé d'heures", "", STATEMENT_FILTER
        )
        if path:
            self.load(Path(path))

    def load(self, path: Path) -> ImportPreview:
        """Read and check the file (nothing written) and show every row."""
        self.path_edit.setText(str(path))
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.preview = self._transfer.preview_statement(Path(path))
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.report = None
        self.model.set_rows(self.preview.rows)
        self.summary.setText(summary_text(self.preview))
        rejected = bool(self.preview.rejected) and self.preview.file_problem is None
        self.skip_invalid.setChecked(False)
        self.skip_invalid.setEnabled(rejected and self.preview.to_write > 0)
        self.summary.setStyleSheet(
            f"color: {common.ERROR_COLOUR};" if not self.preview.acceptable else ""
        )
        self._update_buttons()
        return self.preview

    def _filter(self, only_rejected: bool) -> None:
        self.proxy.set_predicate((lambda row: row.rejected) if only_rejected else None)

    def _update_buttons(self) -> None:
        preview = self.preview
        ready = preview is not None and preview.file_problem is None and preview.to_write > 0
        allowed = ready and (preview.acceptable or self.skip_invalid.isChecked())
        self.import_button.setEnabled(bool(allowed))

    def _import(self) -> None:
        if self.preview is None:
            return
        try:
            self.report = self._transfer.commit_statement(
                self.preview, skip_invalid=self.skip_invalid.isChecked()
            )
        except DomainError as error:
            common.show_error(self, error, "Relevé refusé")
            return
        common.changes().changed.emit("hours")
        r = self.report
        qt_support.inform(
            self,
            "Relevé importé",
            f"{r.created} lignes créées, {r.corrected} corrigées (nouvelle version), "
            f"{r.unchanged} déjà à jour"
            + (f", {r.skipped_rejected} lignes rejetées ignorées." if r.skipped_rejected else "."),
        )
        self.accept()
