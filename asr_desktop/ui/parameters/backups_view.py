"""« Sauvegardes »: the backups of the open base (``<folder of the base>/backups/<name>``),
newest first, with their size, whether they passed the checks and why rotation keeps them;
« Sauvegarder maintenant » and « Restaurer… ».

One writer per folder. The window's automatic backups (``ui.auto_backup.AutoBackup``, a child
of the main window) copy on their own thread; a second ``BackupService`` on the same folder
could pick the same file name in the same second, rotate away a file the other is checking,
and use the service's watching connection from two threads. So a manual backup goes through
the window's ``AutoBackup``: wait for the copy under way, then ``backup_now`` on this (GUI)
thread — the only thread that hands work to the automatic backups, so none can start
meanwhile. Without automatic backups (non-interactive runs, tests) a short-lived
``BackupService`` of this view is the only writer of this process, and the lock beside the
base keeps other windows out.

Restoring needs the base closed and opened again, which only the launcher can do: the view
emits ``restoreRequested(path)`` after the user's confirmation (the page and the window relay
it to ``app.Launcher.restore``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from asr_desktop.domain.backups import (
    KeepReason,
    RetentionPolicy,
    interval_in_force,
    plan_rotation,
)
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import NBSP, format_date, format_int, format_number
from asr_desktop.services.backups import (
    BackupFile,
    BackupService,
    default_backup_folder,
    list_backups,
)
from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.auto_backup import AutoBackup
from asr_desktop.ui.item_models import Column, RecordTableModel, SearchProxy
from asr_desktop.ui.parameters import busy

SOUND, UNSOUND = "vérifiée", "inutilisable"


@dataclass(frozen=True, slots=True)
class BackupLine:
    """One backup of the list and why rotation keeps it."""

    file: BackupFile
    reasons: frozenset[KeepReason] = field(default_factory=frozenset)

    @property
    def detail(self) -> str:
        if self.file.problems:
            return " ".join(self.file.problems)
        order = list(KeepReason)
        return ", ".join(r.label for r in sorted(self.reasons, key=order.index))


def moment_text(moment: datetime) -> str:
    return f"{format_date(moment.date())} à {moment:%H:%M:%S}"


def size_text(size: int) -> str:
    """« 13,2 Mo », « 840 Ko »."""
    if size >= 1_000_000:
        return f"{format_number(size / 1_000_000, 1, 1)}{NBSP}Mo"
    return f"{format_int(max(1, round(size / 1000)))}{NBSP}Ko"


def backup_columns() -> list[Column]:
    return [
        Column("Date et heure", lambda b: b.file.taken_at, text=moment_text, width=190),
        Column(
            "Taille",
            lambda b: b.file.size,
            text=size_text,
            align="right",
            width=90,
            searchable=False,
        ),
        Column(
            "État",
            lambda b: SOUND if b.file.verified else UNSOUND,
            tone=lambda b: "success" if b.file.verified else "error",
            width=110,
        ),
        Column("Gardée car / problème", lambda b: b.detail, tone=_problem_tone),
    ]


def _problem_tone(line: BackupLine) -> str | None:
    return "error" if line.file.problems else "muted"


def confirmation_text(file: BackupFile, database: Path) -> str:
    when = moment_text(file.taken_at)
    aside = f"{database.stem}.avant-restauration-<date et heure>{database.suffix}"
    return "\n".join(
        [
            f"Restaurer la sauvegarde du {when} ?",
            "",
            f"• La base actuelle n'est pas effacée : elle est mise de côté dans son dossier, "
            f"sous le nom « {aside} ».",
            f"• Ce qui a été saisi après le {when} ne figurera plus dans la base.",
            "• Les personnes anonymisées depuis cette sauvegarde restent anonymisées.",
            "• Le programme ferme la base, la remplace par la sauvegarde puis la rouvre : "
            "la fenêtre est reconstruite.",
        ]
    )


class BackupsView(QWidget):
    #: The user confirmed the restore of this backup file.
    restoreRequested = Signal(Path)

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.folder = default_backup_folder(services.path)
        self.lines: list[BackupLine] = []
        self._build()
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button.clicked.connect(self.open_folder)
        self.view.activated.connect(lambda _index: self.restore_selected())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("backupsSummaryLabel")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary_label)
        self.model: RecordTableModel[BackupLine] = RecordTableModel(backup_columns(), [], self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = common.record_view(self.proxy, "backupsTable", self)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.view, 1)
        tools = QHBoxLayout()
        self.backup_button = QPushButton("&Sauvegarder maintenant", self)
        self.backup_button.setObjectName("backupsBackupButton")
        self.restore_button = QPushButton("&Restaurer…", self)
        self.restore_button.setObjectName("backupsRestoreButton")
        self.folder_button = QPushButton("Ouvrir le &dossier", self)
        self.folder_button.setObjectName("backupsFolderButton")
        self.result_label = QLabel(self)
        self.result_label.setObjectName("backupsResultLabel")
        self.result_label.setWordWrap(True)
        tools.addWidget(self.result_label, 1)
        for button in (self.folder_button, self.backup_button, self.restore_button):
            tools.addWidget(button)
        layout.addLayout(tools)

    # --- data ---------------------------------------------------------------------------

    def load(self) -> None:
        """List the folder (a backup not known yet is checked in full once) and say what
        the automatic backups do."""
        now = datetime.now()
        parameters = self._services.parameters.list_all()
        policy = RetentionPolicy.from_parameters(parameters, now.date())
        with busy():
            files = list_backups(self.folder, self._services.database.key)
        plan = plan_rotation({f.name: f.taken_at for f in files}, now, policy)
        self.lines = [BackupLine(f, plan.reasons(f.name)) for f in files]
        self.model.set_rows(self.lines)
        self.summary_label.setText(self._summary(policy, interval_in_force(parameters, now.date())))
        self._selection_changed()

    def _summary(self, policy: RetentionPolicy, interval: int) -> str:
        count = len(self.lines)
        sound = sum(1 for line in self.lines if line.file.verified)
        if count:
            listed = (
                f"{format_int(count)} sauvegarde{'s' if count > 1 else ''} dans {self.folder}"
                f" ({format_int(sound)} vérifiée{'s' if sound > 1 else ''})."
            )
        else:
            listed = f"Aucune sauvegarde pour l'instant dans {self.folder}."
        return (
            f"{listed} ASR Desktop sauvegarde la base au démarrage, toutes les "
            f"{format_int(interval)} minutes quand quelque chose a changé, et à la fermeture ; "
            f"il garde les {policy.keep_recent} plus récentes et la plus récente de chacun des "
            f"{policy.keep_daily} derniers jours, des {policy.keep_weekly} dernières semaines "
            f"et des {policy.keep_monthly} derniers mois, jamais plus de "
            f"{policy.retention_months} mois (elles contiennent des données personnelles). "
            "Copiez-en régulièrement une hors du poste, sur un support chiffré."
        )

    def selected_line(self) -> BackupLine | None:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.record_at(rows[0]) if rows else None

    def select(self, path: Path) -> None:
        row = self.model.row_of(lambda line: line.file.path == path)
        if row >= 0:
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def _selection_changed(self, *_args) -> None:
        line = self.selected_line()
        writable = not self._services.database.read_only
        self.restore_button.setEnabled(writable and line is not None and line.file.verified)
        if line is not None and not line.file.verified:
            self.restore_button.setToolTip("Cette sauvegarde n'a pas passé les contrôles.")
        else:
            self.restore_button.setToolTip("")

    # --- actions ------------------------------------------------------------------------

    def _auto_backup(self) -> AutoBackup | None:
        """The window's automatic backups, when this view is in a window that has them."""
        return self.window().findChild(AutoBackup)

    def backup_now(self) -> BackupFile | None:
        """A verified backup now, into the folder (rotation follows)."""
        automatic = self._auto_backup()
        try:
            with busy():
                if automatic is not None:
                    automatic.wait()  # the automatic copy under way, if any, ends first
                    made = automatic.service.backup_now("manuelle")
                else:
                    service = BackupService(
                        self._services.database, self.folder, user_id=self._services.user_id
                    )
                    try:
                        made = service.backup_now("manuelle")
                    finally:
                        service.close()
        except (DomainError, OSError) as error:
            common.show_error(self, error, "Sauvegarde impossible")
            return None
        self.load()
        self.select(made.path)
        self.result_label.setText(
            f"Base sauvegardée le {moment_text(made.taken_at)} ({size_text(made.size)}), "
            "sauvegarde vérifiée."
        )
        return made

    def restore_selected(self) -> bool:
        """After the user's confirmation, ask for the selected backup to be restored."""
        line = self.selected_line()
        if line is None or not self.restore_button.isEnabled():
            return False
        text = confirmation_text(line.file, self._services.path)
        if not common.confirm(self, "Restaurer une sauvegarde", text, "Restaurer"):
            return False
        self.restoreRequested.emit(line.file.path)
        return True

    def open_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
